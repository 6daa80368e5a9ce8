package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Placeholder replaces every encrypted value of a stack file: the plan has no
// key to decrypt it, and shows it as "[secret]" anyway.
const Placeholder = "<plan placeholder: encrypted value>"

// StackConfig is a stack's configuration as the Pulumi engine hands it to a
// program: one string per key (objects and lists as JSON), plus the keys that
// hold secrets.
type StackConfig struct {
	// Project is the project's name, from Pulumi.yaml.
	Project    string
	Values     map[string]string
	SecretKeys []string
}

// Plan is the result of one run.
type Plan struct {
	Stack     string         `json:"stack"`
	Resources []Resource     `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// RawOutputs are the outputs as the program exported them, secrets and
	// all, for a StackReference to this stack in another run
	// (WithStackReference).
	RawOutputs resource.PropertyMap `json:"-"`
}

// Run runs program for project and stack against a fresh Recorder, with cfg
// as the stack's configuration. program gets an export hook: every value given
// to it is awaited after the run and shown in Plan.Outputs.
//
// Options change the recorder, such as WithSubscription.
func Run(project, stack string, cfg StackConfig, program func(export func(string, pulumi.Input)) pulumi.RunFunc, opts ...RunOption) (*Plan, *Recorder, error) {
	rec := NewRecorder(project, stack)
	settings := runSettings{rec: rec}
	for _, o := range opts {
		o(&settings)
	}
	exports := map[string]pulumi.Input{}
	export := func(name string, v pulumi.Input) { exports[name] = v }
	withConfig := func(info *pulumi.RunInfo) {
		// Inside a real `pulumi up` (the program's guardrail check), the
		// environment names the engine: never connect to it.
		info.MonitorAddr, info.EngineAddr = "", ""
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.SecretKeys
		if settings.organization != "" {
			info.Organization = settings.organization
		}
	}
	err := pulumi.RunErr(program(export), pulumi.WithMocks(project, stack, rec), withConfig)
	if err != nil {
		return nil, rec, err
	}
	p := &Plan{Stack: stack, Resources: rec.Resources(), Outputs: map[string]any{}, RawOutputs: resource.PropertyMap{}}
	for name, in := range exports {
		out := pulumi.ToOutput(in)
		res, err := internals.UnsafeAwaitOutput(context.Background(), out)
		if err != nil {
			return nil, rec, fmt.Errorf("output %q: %w", name, err)
		}
		raw := resource.NewPropertyValue(res.Value)
		if res.Secret {
			raw = resource.MakeSecret(raw)
		}
		p.RawOutputs[resource.PropertyKey(name)] = raw
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

// RunOption changes what a Run simulates.
type RunOption func(*runSettings)

type runSettings struct {
	rec          *Recorder
	organization string
}

// WithSubscription makes the run's provider signed in to subscription id.
func WithSubscription(id string) RunOption {
	return func(s *runSettings) { s.rec.InSubscription(id) }
}

// WithStackReference answers a StackReference to the stack named name
// ("org/project/stack") with outputs, such as another run's RawOutputs.
func WithStackReference(name string, outputs resource.PropertyMap) RunOption {
	return func(s *runSettings) { s.rec.stackReferences[name] = outputs }
}

// WithOrganization runs the program as if in the Pulumi organization org
// (the mocks' default is "organization", as on a self-managed backend).
func WithOrganization(org string) RunOption {
	return func(s *runSettings) { s.organization = org }
}

// LoadStackFile reads Pulumi.STACK.yaml, and the Pulumi.yaml beside it, as
// the Pulumi CLI hands them to a program on `pulumi up` (pulumi/pulumi
// pkg/workspace/config.go, ValidateStackConfigAndApplyProjectConfig; see
// docs/azure-facts.md#pulumi-specifics):
//   - the stack file and the project are parsed by the SDK's own loaders;
//   - a key the project declares in its own namespace with neither default
//     nor value is required, and a stack without it is refused;
//   - a project default is injected, as a plain (not secret) value, for
//     every declared key the stack does not set;
//   - stack values are type-checked against the declared types;
//   - encrypted values ({secure: ...}, at any depth) are "decrypted" to
//     Placeholder (the plan has no key) and mark their top-level key secret.
func LoadStackFile(path string) (StackConfig, error) {
	base := filepath.Base(path)
	stack := strings.TrimSuffix(strings.TrimPrefix(base, "Pulumi."), filepath.Ext(base))
	if _, err := os.Stat(path); err != nil {
		return StackConfig{}, err
	}
	proj, err := workspace.LoadProject(filepath.Join(filepath.Dir(path), "Pulumi.yaml"))
	if err != nil {
		return StackConfig{}, err
	}
	ps, err := workspace.LoadProjectStack(nil, proj, path)
	if err != nil {
		return StackConfig{}, fmt.Errorf("%s: %w", base, err)
	}
	if err := applyProjectConfig(stack, proj, ps.Config); err != nil {
		return StackConfig{}, err
	}
	values, err := ps.Config.Decrypt(placeholderDecrypter{})
	if err != nil {
		return StackConfig{}, fmt.Errorf("%s: %w", base, err)
	}
	cfg := StackConfig{Project: proj.Name.String(), Values: map[string]string{}}
	for k, v := range values {
		cfg.Values[k.String()] = v
	}
	for _, k := range ps.Config.SecureKeys() {
		cfg.SecretKeys = append(cfg.SecretKeys, k.String())
	}
	slices.Sort(cfg.SecretKeys)
	return cfg, nil
}

// applyProjectConfig is what the CLI does to a stack's configuration before
// `pulumi up` runs the program, with the CLI's own messages: required keys,
// project defaults, declared types. It mirrors pulumi/pulumi v3.256.0
// pkg/workspace/config.go (mergeConfig with validate=true), which is not a
// dependency of this module.
func applyProjectConfig(stack string, proj *workspace.Project, cfg config.Map) error {
	name := proj.Name.String()
	var missing []string
	for _, declared := range slices.Sorted(maps.Keys(proj.Config)) {
		decl := proj.Config[declared]
		key, err := configKey(name, declared)
		if err != nil {
			return err
		}
		_, onStack, err := cfg.Get(key, true)
		if err != nil {
			return err
		}
		switch {
		case onStack:
		case decl.Value == nil && decl.Default == nil:
			if key.Namespace() == name {
				missing = append(missing, declared)
			}
		default:
			value := decl.Default
			if value == nil {
				value = decl.Value
			}
			v, err := configValue(value)
			if err != nil {
				return fmt.Errorf("project config %s: %w", declared, err)
			}
			if err := cfg.Set(key, v, true); err != nil {
				return err
			}
		}
	}
	if len(missing) > 0 {
		noun, list := "value", "'"+missing[0]+"'"
		if n := len(missing); n > 1 {
			quoted := make([]string, n)
			for i, k := range missing {
				quoted[i] = "'" + k + "'"
			}
			noun, list = "values", strings.Join(quoted[:n-1], ", ")+" and "+quoted[n-1]
		}
		//lint:ignore ST1005 the Pulumi CLI's message, verbatim: the offline plan fails as pulumi up does
		return fmt.Errorf("Stack '%s' is missing configuration %s %s", stack, noun, list)
	}
	for _, declared := range slices.Sorted(maps.Keys(proj.Config)) {
		decl := proj.Config[declared]
		if !decl.IsExplicitlyTyped() {
			continue
		}
		key, _ := configKey(name, declared)
		v, _, err := cfg.Get(key, true)
		if err != nil {
			return err
		}
		if decl.Secret && !v.Secure() {
			//lint:ignore ST1005 the Pulumi CLI's message, verbatim: the offline plan fails as pulumi up does
			return fmt.Errorf("Stack '%s' with configuration key '%s' must be encrypted as it's secret", stack, declared)
		}
		plain, err := v.Value(placeholderDecrypter{})
		if err != nil {
			return err
		}
		var content any = plain
		if v.Object() {
			if err := json.Unmarshal([]byte(plain), &content); err != nil {
				return err
			}
		}
		if !workspace.ValidateConfigValue(*decl.Type, decl.Items, content) {
			//lint:ignore ST1005 the Pulumi CLI's message, verbatim: the offline plan fails as pulumi up does
			return fmt.Errorf("Stack '%s' with configuration key '%s' must be of type '%s'", stack, declared, workspace.InferFullTypeName(*decl.Type, decl.Items))
		}
	}
	return nil
}

// configKey namespaces a declared key with the project, as the CLI does.
func configKey(project, declared string) (config.Key, error) {
	if strings.Contains(declared, ":") {
		return config.ParseKey(declared)
	}
	return config.MustMakeKey(project, declared), nil
}

// configValue turns a project default into a stack value, as the CLI does:
// strings, numbers and booleans as text, anything else as a JSON object.
func configValue(raw any) (config.Value, error) {
	switch raw.(type) {
	case string, int, bool:
		return config.NewValue(fmt.Sprint(raw)), nil
	}
	simple, err := workspace.SimplifyMarshalledValue(raw)
	if err != nil {
		return config.Value{}, err
	}
	b, err := json.Marshal(simple)
	if err != nil {
		return config.Value{}, err
	}
	return config.NewObjectValue(string(b)), nil
}

// placeholderDecrypter "decrypts" every ciphertext to Placeholder.
type placeholderDecrypter struct{}

func (placeholderDecrypter) DecryptValue(context.Context, string) (string, error) {
	return Placeholder, nil
}

func (placeholderDecrypter) BatchDecrypt(_ context.Context, ciphertexts []string) ([]string, error) {
	out := make([]string, len(ciphertexts))
	for i := range out {
		out[i] = Placeholder
	}
	return out, nil
}

// StackFiles lists the stacks of the project in dir: STACK for every
// Pulumi.STACK.yaml there, except the throwaway stacks (e2e-*) the
// end-to-end test writes while it runs.
func StackFiles(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var stacks []string
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		if !strings.HasPrefix(stack, "e2e-") {
			stacks = append(stacks, stack)
		}
	}
	return stacks, nil
}
