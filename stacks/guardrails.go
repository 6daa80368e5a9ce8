package stacks

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/guardrails"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// checkGuardrails holds a production stack to its guardrails before anything
// is registered: it plans cfg against the recording mock of internal/plan
// (no cloud, no engine: the same run as the offline plan), evaluates every
// rule, and returns one problem per failing rule, naming the configuration
// key that decides it and the rule. Standard stacks are not checked here;
// `go run ./cmd/plan -check` and the tests check them.
func checkGuardrails(ctx *pulumi.Context, cfg *Config) error {
	if cfg.Profile != ProfileProduction {
		return nil
	}
	p, _, err := plan.Run(ctx.Project(), ctx.Stack(), plan.StackConfig{}, func(export func(string, pulumi.Input)) pulumi.RunFunc {
		return func(dry *pulumi.Context) error {
			deployed, err := Deploy(dry, cfg)
			if err != nil {
				return err
			}
			for name, v := range deployed.Outputs() {
				export(name, v)
			}
			return nil
		}
	})
	if err != nil {
		return fmt.Errorf("planning the stack for its guardrails: %w", err)
	}
	findings := guardrails.Evaluate(p, guardrails.Profile(cfg.Profile))
	var errs []error
	for _, f := range guardrails.Failed(findings) {
		errs = append(errs, fmt.Errorf("%s: breaks guardrail %s of the production profile (%s): %s", cfg.guardrailKeys(f), f.Rule.ID, f.Rule.Title, f.Message))
	}
	if len(errs) == 0 {
		return nil
	}
	out := make([]GuardrailFinding, len(findings))
	for i, f := range findings {
		out[i] = GuardrailFinding{Rule: f.Rule.ID, Status: string(f.Status), Resources: f.Resources, Message: f.Message}
	}
	return &ConfigError{Stack: cfg.Stack, Err: errors.Join(errs...), Guardrails: out}
}

// guardrailKeys names the configuration keys that decide a failing rule:
// the rule's key, with WORKLOAD replaced by each failing workload's index.
func (c *Config) guardrailKeys(f guardrails.Finding) string {
	if f.Rule.Key == "" {
		return "(no configuration key: the program itself breaks it)"
	}
	if !strings.Contains(f.Rule.Key, "WORKLOAD") {
		return key(f.Rule.Key)
	}
	var keys []string
	for _, name := range f.Workloads {
		i := slices.IndexFunc(c.Workloads, func(w WorkloadConfig) bool { return w.Name == name })
		k := key(strings.ReplaceAll(f.Rule.Key, "WORKLOAD", fmt.Sprint(i)))
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, ", ")
}
