// Package stacks turns a stack's typed configuration into wired components:
// LoadConfig, then Deploy, then the stack outputs.
package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Options changes how Program runs. The zero value is `pulumi up`'s program.
type Options struct {
	LoadOptions
	// OnExport, if set, sees every stack output as it is exported.
	OnExport func(name string, value pulumi.Input)
}

// Run is the Pulumi program: LoadConfig, Deploy, export the outputs.
func Run(ctx *pulumi.Context) error { return Program(Options{})(ctx) }

// Program returns the Pulumi program with opts.
func Program(opts Options) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := LoadConfigWith(ctx, opts.LoadOptions)
		if err != nil {
			return err
		}
		if err := checkGuardrails(ctx, cfg); err != nil {
			return err
		}
		p, err := Deploy(ctx, cfg)
		if err != nil {
			return err
		}
		outs := p.Outputs()
		for _, name := range sortedKeys(outs) {
			ctx.Export(name, outs[name])
			if opts.OnExport != nil {
				opts.OnExport(name, outs[name])
			}
		}
		return nil
	}
}
