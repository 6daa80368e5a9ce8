// Package stacks is the per-environment program: it turns a stack's typed
// configuration into wired components (LoadConfig, then Deploy), holds a
// production stack to its guardrails before anything is registered, and
// exports the outputs the platform package's contract names. main.go runs
// it. App stacks built on the platform import platform, not stacks.
package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Run is the Pulumi program: Build, then export the platform's outputs
// (platform.OutputNames and platform.OutputWorkloads).
func Run(ctx *pulumi.Context) error {
	p, err := Build(ctx)
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(p.Outputs()) {
		ctx.Export(name, p.Outputs()[name])
	}
	return nil
}

// Build loads the stack's configuration, holds a production stack to its
// guardrails, and deploys it. It registers nothing when the configuration is
// refused, and exports nothing.
func Build(ctx *pulumi.Context) (*Platform, error) {
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkGuardrails(ctx, cfg); err != nil {
		return nil, err
	}
	return Deploy(ctx, cfg)
}
