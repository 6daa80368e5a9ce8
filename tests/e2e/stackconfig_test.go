package e2e

// The throwaway stack's configuration: Pulumi.dev.yaml with unique names and
// the small, cheap, fast settings, and what the program will do with it, read
// by the program's own loader. No build tag: TestThrowawayConfig checks it
// offline, so a change to the dev stack or to the sample reader that breaks
// the live test fails in CI, not 15 minutes into a paid run.

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

const (
	// project is the Pulumi project name in Pulumi.yaml.
	project = "secure-aks"
	// baseStack is the stack whose file the throwaway stack copies.
	baseStack = "dev"
	// stackPrefix starts the throwaway stack's name, environment and resource
	// group, so that leftovers are easy to find.
	stackPrefix = "e2e-"
)

// The settings that make the stack small, quick to check and easy to tear
// down, whatever Pulumi.dev.yaml says.
const (
	nodeCount  = 1
	nodeVMSize = "Standard_D2s_v5"
	// pollInterval is the add-on's rotationPollInterval: the rotation step
	// waits at most twice this long.
	pollInterval = "1m"
	// retentionDays is Azure's minimum soft-delete retention.
	retentionDays = 7
)

// throwaway is one throwaway stack: its name and the config section of its
// stack file.
type throwaway struct {
	Stack  string
	Config map[string]any
}

// newThrowaway derives a throwaway stack from the stack file baseFile. suffix
// makes every name unique: stack, environment and resource group; the vault
// name is derived from the stack name.
func newThrowaway(baseFile, suffix string) (*throwaway, error) {
	data, err := os.ReadFile(baseFile)
	if err != nil {
		return nil, fmt.Errorf("reading the base stack file: %w", err)
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Base(baseFile), err)
	}
	w := &throwaway{Stack: stackPrefix + suffix, Config: doc.Config}
	if w.Config == nil {
		w.Config = map[string]any{}
	}
	key := func(k string) string { return stacks.Namespace + ":" + k }
	w.Config[key("environment")] = w.Stack
	w.Config[key("resourceGroup")] = "rg-secure-aks-" + w.Stack
	// Values are set with `config set --secret` once the stack exists, never
	// written to the file (the program refuses plain-text secrets anyway).
	delete(w.Config, key("secrets"))

	cluster, err := object(w.Config, key("cluster"))
	if err != nil {
		return nil, err
	}
	cluster["nodeCount"] = nodeCount
	cluster["nodeVmSize"] = nodeVMSize
	cluster["secretRotation"] = true
	cluster["rotationPollInterval"] = pollInterval
	// Local accounts on: the stack's kubeconfig output is the admin one, so
	// the test needs no kubelogin and no Entra group.
	cluster["localAccountsDisabled"] = false

	vault, err := object(w.Config, key("vault"))
	if err != nil {
		return nil, err
	}
	// A name in the file would be the same in every run; the derived one
	// includes the stack name.
	delete(vault, "name")
	// Off, so that the cleanup can purge the deleted vault: purge protection
	// can never be turned off again and forbids purging.
	vault["purgeProtection"] = false
	vault["softDeleteRetentionDays"] = retentionDays

	tags, err := object(w.Config, key("tags"))
	if err != nil {
		return nil, err
	}
	tags["e2e-stack"] = w.Stack
	return w, nil
}

// object returns the configuration object at key, creating it if absent.
func object(cfg map[string]any, key string) (map[string]any, error) {
	v, ok := cfg[key]
	if !ok || v == nil {
		m := map[string]any{}
		cfg[key] = m
		return m, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: is a %T in the base stack file, want an object", key, v)
	}
	return m, nil
}

// write writes Pulumi.STACK.yaml into dir and returns its path.
func (w *throwaway) write(dir string) (string, error) {
	data, err := yaml.Marshal(map[string]any{"config": w.Config})
	if err != nil {
		return "", fmt.Errorf("encoding the stack file of %s: %w", w.Stack, err)
	}
	header := "# Written by tests/e2e (TestEndToEnd) for a throwaway stack; its cleanup removes it.\n"
	p := filepath.Join(dir, "Pulumi."+w.Stack+".yaml")
	if err := os.WriteFile(p, append([]byte(header), data...), 0o600); err != nil {
		return "", fmt.Errorf("writing the stack file of %s: %w", w.Stack, err)
	}
	return p, nil
}

// expectations are what the program will do with a stack file, as its own
// configuration loader reads it (defaults applied).
type expectations struct {
	Config *stacks.Config
	// Sample is the workload whose sample reader the test execs into.
	Sample stacks.WorkloadConfig
	// Secret is the sample's first secret written by this stack: the one the
	// test reads and rotates.
	Secret stacks.ObjectConfig
}

// loadExpectations loads the stack file at path with stacks.LoadConfig, run
// under mocks, as `pulumi up` would (secret values are placeholders here).
func loadExpectations(stack, path string) (*expectations, error) {
	cfg, err := plan.LoadStackFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	e := &expectations{}
	_, _, err = plan.Run(project, stack, cfg, func(func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var err error
			e.Config, err = stacks.LoadConfigWith(ctx, stacks.LoadOptions{PlaceholderSecrets: true})
			return err
		}
	})
	if err != nil {
		return nil, fmt.Errorf("loading %s as the program does: %w", filepath.Base(path), err)
	}
	i := slices.IndexFunc(e.Config.Workloads, func(w stacks.WorkloadConfig) bool { return w.Sample })
	if i < 0 {
		return nil, fmt.Errorf("%s: no entry of %s:workloads has sample: true; the test reads the secret through the sample reader", filepath.Base(path), stacks.Namespace)
	}
	e.Sample = e.Config.Workloads[i]
	j := slices.IndexFunc(e.Sample.Objects, func(o stacks.ObjectConfig) bool {
		return (o.Type == "" || o.Type == string(components.ObjectTypeSecret)) && !o.Existing
	})
	if j < 0 {
		return nil, fmt.Errorf("%s: the sample workload %q mounts no secret that the stack writes; the test needs one to read and rotate", filepath.Base(path), e.Sample.Name)
	}
	e.Secret = e.Sample.Objects[j]
	return e, nil
}

// SecretFile is where the sample pod sees the secret: the provider names the
// file after the object's alias, or its name.
func (e *expectations) SecretFile() string {
	name := e.Secret.Name
	if e.Secret.Alias != "" {
		name = e.Secret.Alias
	}
	return path.Join(components.DefaultMountPath, name)
}

// PodLabels select the sample's pods: the selector of the Deployment that
// stacks.deploySample creates. TestThrowawayConfig checks that they match.
func (e *expectations) PodLabels() map[string]string {
	return map[string]string{"app": e.Sample.Name}
}

// TestThrowawayConfig checks, offline, the configuration that TestEndToEnd
// deploys, and that the program renders the sample reader where the live
// test will look for it.
func TestThrowawayConfig(t *testing.T) {
	w, err := newThrowaway(filepath.Join("..", "..", "Pulumi."+baseStack+".yaml"), "0123abcd")
	if err != nil {
		t.Fatal(err)
	}
	file, err := w.write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := loadExpectations(w.Stack, file)
	if err != nil {
		t.Fatal(err)
	}

	c := e.Config
	checks := []struct {
		key       string
		got, want any
	}{
		{"environment", c.Environment, "e2e-0123abcd"},
		{"resourceGroup", c.ResourceGroup, "rg-secure-aks-e2e-0123abcd"},
		{"cluster.nodeCount", deref(c.Cluster.NodeCount), nodeCount},
		{"cluster.nodeVmSize", c.Cluster.NodeVMSize, nodeVMSize},
		{"cluster.secretRotation", deref(c.Cluster.SecretRotation), true},
		{"cluster.rotationPollInterval", c.Cluster.RotationPollInterval, pollInterval},
		{"cluster.localAccountsDisabled", c.Cluster.LocalAccountsDisabled, false},
		{"vault.name", c.Vault.Name, ""},
		{"vault.purgeProtection", deref(c.Vault.PurgeProtection), false},
		{"vault.softDeleteRetentionDays", deref(c.Vault.SoftDeleteRetentionDays), retentionDays},
		{"tags.e2e-stack", c.Tags["e2e-stack"], w.Stack},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s:%s = %v, want %v", stacks.Namespace, ch.key, ch.got, ch.want)
		}
	}
	if !slices.Contains(c.Vault.SecretNames, e.Secret.Name) {
		t.Errorf("the checked secret %q is not in vault.secretNames %v: the test could not set its value", e.Secret.Name, c.Vault.SecretNames)
	}

	// The program's own rendering of the sample reader, under mocks.
	cfg, err := plan.LoadStackFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := plan.Run(project, w.Stack, cfg, func(export func(string, pulumi.Input)) pulumi.RunFunc {
		return stacks.Program(stacks.Options{LoadOptions: stacks.LoadOptions{PlaceholderSecrets: true}, OnExport: export})
	})
	if err != nil {
		t.Fatalf("mock run of %s: %v", w.Stack, err)
	}
	var sample *plan.Resource
	for _, d := range plan.OfType(p.Resources, "kubernetes:apps/v1:Deployment") {
		name, _ := d.Input("metadata.name")
		ns, _ := d.Input("metadata.namespace")
		if name == e.Sample.Name && ns == e.Sample.Namespace {
			sample = &d
		}
	}
	if sample == nil {
		t.Fatalf("no Deployment %s/%s rendered: the live test would find no pod", e.Sample.Namespace, e.Sample.Name)
	}
	selector, _ := sample.Input("spec.selector.matchLabels")
	if got := stringMap(selector); !maps.Equal(got, e.PodLabels()) {
		t.Errorf("sample Deployment selector = %v, want %v (the labels the live test lists pods by)", got, e.PodLabels())
	}
	mounts, _ := sample.Input("spec.template.spec.containers.0.volumeMounts")
	if !hasMountPath(mounts, path.Dir(e.SecretFile())) {
		t.Errorf("sample container mounts %v, want a mount at %s (where the live test reads %s)", mounts, path.Dir(e.SecretFile()), e.SecretFile())
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// stringMap converts a decoded map of strings.
func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// hasMountPath says whether a decoded list of volume mounts has one at dir.
func hasMountPath(mounts any, dir string) bool {
	list, _ := mounts.([]any)
	for _, m := range list {
		if mount, ok := m.(map[string]any); ok && mount["mountPath"] == dir {
			return true
		}
	}
	return false
}
