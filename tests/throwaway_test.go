package tests

// The offline check of the end-to-end test's throwaway stack (tests/e2e,
// build tag e2e). It is here, not in tests/e2e, so that it links into this
// package's test binary, which links the program already.

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
	"github.com/secure-aks/secure-aks/tests/e2e/stackfile"
)

// TestThrowawayConfig checks, offline, the configuration that TestEndToEnd
// deploys, and that the program renders the sample reader where the live
// test will look for it.
func TestThrowawayConfig(t *testing.T) {
	w, err := stackfile.NewThrowaway(filepath.Join("..", "Pulumi."+stackfile.BaseStack+".yaml"), "0123abcd")
	if err != nil {
		t.Fatal(err)
	}
	// The live test writes the file beside the real Pulumi.yaml; so does this.
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := w.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := stackfile.LoadExpectations(w.Stack, file)
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
		{"cluster.nodeCount", derefAny(c.Cluster.NodeCount), stackfile.NodeCount},
		{"cluster.nodeVmSize", c.Cluster.NodeVMSize, stackfile.NodeVMSize},
		{"cluster.secretRotation", derefAny(c.Cluster.SecretRotation), true},
		{"cluster.rotationPollInterval", c.Cluster.RotationPollInterval, stackfile.PollInterval},
		{"cluster.localAccountsDisabled", c.Cluster.LocalAccountsDisabled, false},
		{"vault.name", c.Vault.Name, ""},
		{"vault.purgeProtection", derefAny(c.Vault.PurgeProtection), false},
		{"vault.softDeleteRetentionDays", derefAny(c.Vault.SoftDeleteRetentionDays), stackfile.RetentionDays},
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
	p, _, err := offline.Plan(w.Stack, cfg)
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

func derefAny[T any](p *T) any {
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
