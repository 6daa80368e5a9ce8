// Command pulumi-resource-kubernetes is the Kubernetes provider that the
// engine tests (tests/engine) run: pulumi-kubernetes' provider package at the
// version in go.mod, v4.0.0-20260115033456-f47bc2d6f199, which is the commit
// of the v4.25.0 release (git tag --contains f47bc2d6f199 in
// pulumi/pulumi-kubernetes). The module proxy serves no tagged provider/v4.
//
// It does what pulumi-kubernetes' own cmd/pulumi-resource-kubernetes does:
// serve the provider with the schema and Terraform mapping its build embeds.
// Those files are not in the Go module's cmd directory under the names the
// upstream main embeds, so tests/engine copies them here from the module
// (schema.json, terraform-mapping.json) before it builds.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
)

// Version is the provider version the binary reports; the build sets it
// with -ldflags to the release the commit is (4.25.0).
var Version = "4.25.0"

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var mapping []byte

func main() {
	provider.Serve("kubernetes", Version, schema, mapping)
}
