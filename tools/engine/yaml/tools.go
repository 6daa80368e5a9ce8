//go:build tools

// Package yaml pins the Pulumi YAML language host that the engine tests
// (tests/engine) run: github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
// at the version in go.mod.
package yaml

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
