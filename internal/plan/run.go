package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"gopkg.in/yaml.v3"
)

// Placeholder replaces every encrypted value of a stack file: the plan has no
// key to decrypt it, and shows it as "[secret]" anyway.
const Placeholder = "<plan placeholder: encrypted value>"

// StackConfig is a stack's configuration as the Pulumi engine hands it to a
// program: one string per key (objects and lists as JSON), plus the keys that
// hold secrets.
type StackConfig struct {
	Values     map[string]string
	SecretKeys []string
}

// Plan is the result of one run.
type Plan struct {
	Stack     string         `json:"stack"`
	Resources []Resource     `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
}

// Run runs program for project and stack against a fresh Recorder, with cfg
// as the stack's configuration. program gets an export hook: every value given
// to it is awaited after the run and shown in Plan.Outputs.
func Run(project, stack string, cfg StackConfig, program func(export func(string, pulumi.Input)) pulumi.RunFunc) (*Plan, *Recorder, error) {
	rec := NewRecorder(project, stack)
	exports := map[string]pulumi.Input{}
	export := func(name string, v pulumi.Input) { exports[name] = v }
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.SecretKeys
	}
	err := pulumi.RunErr(program(export), pulumi.WithMocks(project, stack, rec), withConfig)
	if err != nil {
		return nil, rec, err
	}
	p := &Plan{Stack: stack, Resources: rec.Resources(), Outputs: map[string]any{}}
	for name, in := range exports {
		out := pulumi.ToOutput(in)
		res, err := internals.UnsafeAwaitOutput(context.Background(), out)
		if err != nil {
			return nil, rec, fmt.Errorf("output %q: %w", name, err)
		}
		switch {
		case res.Secret:
			p.Outputs[name] = SecretMarker
		case !res.Known:
			p.Outputs[name] = UnknownMarker
		default:
			p.Outputs[name] = res.Value
		}
	}
	return p, rec, nil
}

// LoadStackFile reads Pulumi.STACK.yaml as the engine would pass it to the
// program. Encrypted values ({secure: ...}), at any depth, become Placeholder
// and mark their top-level key secret.
func LoadStackFile(path string) (StackConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return StackConfig{}, err
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return StackConfig{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	cfg := StackConfig{Values: map[string]string{}}
	for k, v := range doc.Config {
		v, secret := unsecure(v)
		if secret {
			cfg.SecretKeys = append(cfg.SecretKeys, k)
		}
		switch v := v.(type) {
		case string:
			cfg.Values[k] = v
		case map[string]any, []any:
			b, err := json.Marshal(v)
			if err != nil {
				return StackConfig{}, fmt.Errorf("%s: %s: %w", filepath.Base(path), k, err)
			}
			cfg.Values[k] = string(b)
		default:
			cfg.Values[k] = fmt.Sprint(v)
		}
	}
	slices.Sort(cfg.SecretKeys)
	return cfg, nil
}

// unsecure replaces {secure: ...} values with Placeholder and says whether it
// found any.
func unsecure(v any) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["secure"]; ok && len(v) == 1 {
			return Placeholder, true
		}
		found := false
		out := map[string]any{}
		for k, e := range v {
			e, s := unsecure(e)
			out[k], found = e, found || s
		}
		return out, found
	case []any:
		found := false
		out := make([]any, len(v))
		for i, e := range v {
			e, s := unsecure(e)
			out[i], found = e, found || s
		}
		return out, found
	}
	return v, false
}
