//go:build tools

// Package pulumi pins the Pulumi CLI that the engine tests (tests/engine)
// run: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version in go.mod.
package pulumi

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
