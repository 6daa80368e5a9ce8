package engine

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/secure-aks/secure-aks/components"
)

// TestReadmeYAMLProgram runs provider/README.md's YAML program through the YAML
// language host and the component provider binary (real Construct calls
// over gRPC), on the dev platform in the same backend. Two substitutions
// only: the platform stack's name, and the Kubernetes provider rendering
// manifests instead of reaching a cluster. Its state then holds the
// components' children under the library's type tokens, and a second
// preview changes nothing.
func TestReadmeYAMLProgram(t *testing.T) {
	ctx := context.Background()
	_, dir := devPlatform(t)

	program := readmeYAML(t, "A YAML program that mounts a vault's secret in the platform's cluster")
	for _, r := range []struct{ old, new string }{
		{"name: my-org/secure-aks/dev", "name: organization/secure-aks/dev"},
		{"      kubeconfig: ${platform.outputs[\"kubeconfig\"]}\n      clusterIdentifier: ${platform.outputs[\"clusterUid\"]}\n",
			"      renderYamlToDirectory: " + filepath.Join(dir, "yaml-manifests") + "\n"},
	} {
		if !strings.Contains(program, r.old) {
			t.Fatalf("provider/README.md's YAML program has no %q; update this test", r.old)
		}
		program = strings.Replace(program, r.old, r.new, 1)
	}
	s := yamlStack(t, filepath.Join(dir, "yaml"), filepath.Join(dir, "state"), program)
	res, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t}))
	if err != nil {
		t.Fatalf("pulumi up of provider/README.md's YAML program: %v", err)
	}
	if _, err := s.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Errorf("a second preview changes something: %v", err)
	}

	state := exportFull(t, s)
	wi := state.one(t, components.WorkloadIdentityType)
	mount := state.one(t, components.SecretMountType)
	for _, child := range []struct{ typ, parent string }{
		{":UserAssignedIdentity", wi.URN},
		{":FederatedIdentityCredential", wi.URN},
		{":RoleAssignment", wi.URN},
		{"kubernetes:core/v1:ServiceAccount", wi.URN},
		{":SecretProviderClass", mount.URN},
	} {
		if got := state.one(t, child.typ).Parent; got != child.parent {
			t.Errorf("%s has parent %s, want the component %s", child.typ, got, child.parent)
		}
	}
	clientID := lookup(state.one(t, ":UserAssignedIdentity").Outputs, "clientId")
	if got := res.Outputs["clientId"].Value; got != clientID || clientID == "" {
		t.Errorf("output clientId %v, want the identity's %q", got, clientID)
	}
	if got := res.Outputs["volumeName"].Value; got != "secrets-store-orders-secrets" {
		t.Errorf("output volumeName %v", got)
	}
}

// readmeYAML is the first YAML program after the words intro (their line
// breaks as the file has them) in provider/README.md.
func readmeYAML(t *testing.T, intro string) string {
	t.Helper()
	readme, err := os.ReadFile("../../provider/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)" + regexp.QuoteMeta(intro) + ".*?```yaml\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatalf("provider/README.md has no YAML program after %q; update this test", intro)
	}
	return string(m[1])
}

// TestReadmeYAMLClusterProvider previews provider/README.md's platform
// program, as written, through the YAML language host and the component
// provider binary: a Cluster, a provider from its kubeconfig and
// clusterUid, and a namespace through that provider. Then it previews the
// same program with provider: ${cluster.kubernetesProvider}, which the
// YAML host refuses today, though the component's reference to the
// provider reaches it in the preview; when it stops refusing, this test
// fails so that the README can say so. (Previews only: an up would reach for the
// stand-in cluster's API server.)
func TestReadmeYAMLClusterProvider(t *testing.T) {
	program := readmeYAML(t, "A YAML program\nmakes its provider from the cluster's")
	steps, err := previewYAML(t, "readme", program)
	if err != nil {
		t.Fatalf("pulumi preview of provider/README.md's platform program: %v", err)
	}
	var provider, namespace string
	for urn, st := range steps {
		switch st.Type {
		case "pulumi:providers:kubernetes":
			provider = urn
		case "kubernetes:core/v1:Namespace":
			namespace = st.Provider
		}
	}
	if provider == "" || !strings.HasSuffix(provider, "::k8s") {
		t.Fatalf("the preview has no provider k8s, only %q", provider)
	}
	if !strings.HasPrefix(namespace, provider+"::") {
		t.Errorf("the namespace goes through %q, want %s", namespace, provider)
	}

	const direct = "      provider: ${cluster.kubernetesProvider}\n"
	program = strings.Replace(program, "      provider: ${k8s}\n", direct, 1)
	if !strings.Contains(program, direct) {
		t.Fatal("provider/README.md's platform program has no \"provider: ${k8s}\"; update this test")
	}
	_, err = previewYAML(t, "direct", program)
	if err == nil || !strings.Contains(err.Error(), "resource cannot be an output") {
		t.Errorf("the YAML host no longer refuses provider: ${cluster.kubernetesProvider} (err: %v): "+
			"update provider/README.md and docs/azure-facts.md#pulumi-specifics, and use it in the README's program", err)
	}
	// The reference did arrive, in a preview, naming the cluster's
	// provider: the YAML host fails only to hydrate it.
	if ref := components.ClusterType + "$pulumi:providers:kubernetes::cluster-k8s"; err == nil || !strings.Contains(err.Error(), ref) {
		t.Errorf("the preview's error does not name the reference to %s: %v", ref, err)
	}
}

// previewYAML previews a YAML program in a backend of its own and returns
// the engine's steps by URN.
func previewYAML(t *testing.T, name, program string) (map[string]*step, error) {
	t.Helper()
	dir := filepath.Join(workRoot, t.Name(), name)
	s := yamlStack(t, dir, filepath.Join(dir, "state"), program)
	steps := recordSteps()
	_, err := s.Preview(context.Background(), optpreview.EventStreams(steps.ch))
	return steps.wait(), err
}

// yamlStack writes program as dir/Pulumi.yaml and makes its stack dev in
// the backend at state, removed when the test ends.
func yamlStack(t *testing.T, dir, state, program string) auto.Stack {
	t.Helper()
	for _, d := range []string{dir, state} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := auto.UpsertStackLocalSource(context.Background(), "dev", dir, auto.EnvVars(map[string]string{"PULUMI_BACKEND_URL": "file://" + state}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Workspace().RemoveStack(context.Background(), "dev", optremove.Force()) })
	return s
}
