// Package stacks turns a stack's typed configuration into wired components:
// LoadConfig, then Deploy, then the stack outputs.
//
// It also holds the contract those outputs are (OutputNames): app stacks
// built on the platform read it with ReferencePlatform or ReadPlatform and get
// a PlatformOutputs, with the platform cluster's Kubernetes provider and
// read access to its vault.
package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Run is the Pulumi program: Build, then export the platform's outputs
// (OutputNames and OutputWorkloads).
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
