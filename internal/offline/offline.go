// Package offline runs the platform program (stacks.Build) against the
// recording mock of internal/plan, as the offline plan, the tests and the
// end-to-end test's checks do: no Azure, no engine.
package offline

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

// MissingSecret is the value the offline plan gives a secret that
// vault.secretNames lists but the stack sets no value for. `pulumi up` never
// sees it: there the missing value is an error naming the command that sets
// it.
const MissingSecret = "<plan placeholder: no value set>"

// Program is the platform program, exporting every output to export too.
func Program(export func(string, pulumi.Input)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := stacks.Build(ctx)
		if err != nil {
			return err
		}
		for name, v := range p.Outputs() {
			ctx.Export(name, v)
			export(name, v)
		}
		return nil
	}
}

// Plan runs the program for a stack with cfg, missing secrets filled in.
func Plan(stack string, cfg plan.StackConfig, opts ...plan.RunOption) (*plan.Plan, *plan.Recorder, error) {
	cfg, err := WithMissingSecrets(cfg)
	if err != nil {
		return nil, nil, err
	}
	return plan.Run(cfg.Project, stack, cfg, Program, opts...)
}

// PlanFile plans dir/Pulumi.STACK.yaml, read as the CLI reads it.
func PlanFile(dir, stack string, opts ...plan.RunOption) (*plan.Plan, *plan.Recorder, error) {
	cfg, err := plan.LoadStackFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if err != nil {
		return nil, nil, err
	}
	return Plan(stack, cfg, opts...)
}

// LoadConfig runs stacks.LoadConfig on cfg, missing secrets filled in, and
// returns what the program reads.
func LoadConfig(stack string, cfg plan.StackConfig) (*stacks.Config, error) {
	cfg, err := WithMissingSecrets(cfg)
	if err != nil {
		return nil, err
	}
	var loaded *stacks.Config
	_, _, err = plan.Run(cfg.Project, stack, cfg, func(func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var err error
			loaded, err = stacks.LoadConfig(ctx)
			return err
		}
	})
	return loaded, err
}

// WithMissingSecrets returns cfg with MissingSecret, as a secret, for every
// name in secure-aks:vault.secretNames that secure-aks:secrets lacks: the
// plan has no values, and shows secrets as [secret] anyway. A stack file the
// program cannot read is returned as it is, for the program to report.
func WithMissingSecrets(cfg plan.StackConfig) (plan.StackConfig, error) {
	var vault struct {
		SecretNames []string `json:"secretNames"`
	}
	if json.Unmarshal([]byte(cfg.Values[stacks.Namespace+":vault"]), &vault) != nil || len(vault.SecretNames) == 0 {
		return cfg, nil
	}
	secrets := map[string]any{}
	if raw := cfg.Values[stacks.Namespace+":secrets"]; raw != "" {
		if json.Unmarshal([]byte(raw), &secrets) != nil {
			return cfg, nil
		}
	}
	if len(secrets) > 0 && !slices.Contains(cfg.SecretKeys, stacks.Namespace+":secrets") {
		// Values in plain text: the program refuses them, as `up` would.
		return cfg, nil
	}
	for _, n := range vault.SecretNames {
		if _, ok := secrets[n]; !ok {
			secrets[n] = MissingSecret
		}
	}
	b, err := json.Marshal(secrets)
	if err != nil {
		return cfg, fmt.Errorf("filling in missing secrets: %w", err)
	}
	out := plan.StackConfig{Project: cfg.Project, Values: map[string]string{}, SecretKeys: slices.Clone(cfg.SecretKeys)}
	for k, v := range cfg.Values {
		out.Values[k] = v
	}
	out.Values[stacks.Namespace+":secrets"] = string(b)
	if key := stacks.Namespace + ":secrets"; !slices.Contains(out.SecretKeys, key) {
		out.SecretKeys = append(out.SecretKeys, key)
	}
	return out, nil
}
