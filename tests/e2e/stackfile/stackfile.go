// Package stackfile builds the configuration of the end-to-end test's
// throwaway stack: Pulumi.dev.yaml with unique names and the small, cheap,
// fast settings, and what the program will do with it, read by the program's
// own loader. It has no build tag: tests/throwaway_test.go checks it offline,
// so that a change to the dev stack or to the sample reader that breaks the
// live test (tests/e2e, tag e2e) fails in CI, not 15 minutes into a paid run.
// It lives in a package of its own so that the offline check links into the
// tests package, which links the program already.
package stackfile

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

const (
	// Project is the Pulumi project name in Pulumi.yaml.
	Project = "secure-aks"
	// BaseStack is the stack whose file the throwaway stack copies.
	BaseStack = "dev"
	// StackPrefix starts the throwaway stack's name, environment and resource
	// group, so that leftovers are easy to find.
	StackPrefix = "e2e-"
)

// The settings that make the stack small, quick to check and easy to tear
// down, whatever Pulumi.dev.yaml says.
const (
	// NodeCount is the number of nodes: one is enough for the sample reader.
	NodeCount = 1
	// NodeVMSize is the nodes' size: small and widely available.
	NodeVMSize = "Standard_D2s_v5"
	// PollInterval is the add-on's rotationPollInterval: the rotation step
	// waits at most twice this long.
	PollInterval = "1m"
	// RetentionDays is Azure's minimum soft-delete retention.
	RetentionDays = 7
)

// Throwaway is one throwaway stack: its name and the config section of its
// stack file.
type Throwaway struct {
	Stack  string
	Config map[string]any
}

// NewThrowaway derives a throwaway stack from the stack file baseFile. suffix
// makes every name unique: stack, environment and resource group; the vault
// name is derived from the stack name.
func NewThrowaway(baseFile, suffix string) (*Throwaway, error) {
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
	w := &Throwaway{Stack: StackPrefix + suffix, Config: doc.Config}
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
	cluster["nodeCount"] = NodeCount
	cluster["nodeVmSize"] = NodeVMSize
	cluster["secretRotation"] = true
	cluster["rotationPollInterval"] = PollInterval
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
	vault["softDeleteRetentionDays"] = RetentionDays

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

// Write writes Pulumi.STACK.yaml into dir and returns its path.
func (w *Throwaway) Write(dir string) (string, error) {
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

// Expectations are what the program will do with a stack file, as its own
// configuration loader reads it (defaults applied).
type Expectations struct {
	Config *stacks.Config
	// Sample is the workload whose sample reader the test execs into.
	Sample stacks.WorkloadConfig
	// Secret is the sample's first secret written by this stack: the one the
	// test reads and rotates.
	Secret stacks.ObjectConfig
}

// LoadExpectations loads the stack file at path with stacks.LoadConfig, run
// under mocks, as `pulumi up` would (secret values are placeholders here).
func LoadExpectations(stack, path string) (*Expectations, error) {
	cfg, err := plan.LoadStackFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	e := &Expectations{}
	e.Config, err = offline.LoadConfig(stack, cfg)
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
func (e *Expectations) SecretFile() string {
	name := e.Secret.Name
	if e.Secret.Alias != "" {
		name = e.Secret.Alias
	}
	return path.Join(components.DefaultMountPath, name)
}

// PodLabels select the sample's pods: the selector of the Deployment that
// stacks.deploySample creates. tests.TestThrowawayConfig checks that they match.
func (e *Expectations) PodLabels() map[string]string {
	return map[string]string{"app": e.Sample.Name}
}
