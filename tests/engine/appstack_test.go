package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/secure-aks/secure-aks/examples/app-stack/app"
	"github.com/secure-aks/secure-aks/platform"
)

// TestAppStackOnTheDevPlatform puts the platform's dev stack up, then the
// app team's stack (examples/app-stack) in the same backend, reading the
// platform through a real StackReference. The app stack's own resources
// then carry the platform's real outputs, by value: the credential trusts
// the platform's issuer, the grant is scoped to its vault, the class names
// its vault and tenant, and the Kubernetes provider's clusterIdentifier is
// the platform cluster's incarnation.
func TestAppStackOnTheDevPlatform(t *testing.T) {
	ctx := context.Background()
	platformStack, dir := devPlatform(t)
	outputs, err := platformStack.Outputs(ctx)
	if err != nil {
		t.Fatal(err)
	}

	appDir := filepath.Join(dir, "app")
	copyFiles(t, "../../examples/app-stack", appDir, "Pulumi.yaml", "Pulumi.dev.yaml")
	s, err := auto.UpsertStackInlineSource(ctx, "dev", "secure-aks-orders", renderingProgram(filepath.Join(appDir, "manifests"), app.Program),
		auto.WorkDir(appDir), auto.EnvVars(map[string]string{"PULUMI_BACKEND_URL": "file://" + filepath.Join(dir, "state")}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Workspace().RemoveStack(context.Background(), "dev", optremove.Force()) })
	// A diy backend names stacks organization/PROJECT/STACK.
	if err := s.SetConfig(ctx, "secure-aks-orders:platformStack", auto.ConfigValue{Value: "organization/secure-aks/dev"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("pulumi up of the app stack: %v", err)
	}
	if _, err := s.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Errorf("a second preview of the app stack changes something: %v", err)
	}

	state := exportFull(t, s)
	platformValue := func(name string) string {
		v, ok := outputs[name]
		if !ok || v.Value == nil {
			t.Fatalf("the platform has no output %s", name)
		}
		return fmt.Sprint(v.Value)
	}
	for _, c := range []struct{ typ, path, want string }{
		{":FederatedIdentityCredential", "issuer", platformValue(platform.OutputOIDCIssuerURL)},
		{":RoleAssignment", "scope", platformValue(platform.OutputVaultID)},
		{":SecretProviderClass", "spec.parameters.keyvaultName", platformValue(platform.OutputVaultName)},
		{":SecretProviderClass", "spec.parameters.tenantID", platformValue(platform.OutputTenantID)},
		{"pulumi:providers:kubernetes", "clusterIdentifier", platformValue(platform.OutputClusterUID)},
	} {
		r := state.one(t, c.typ)
		if got := lookup(r.Inputs, c.path); got != c.want {
			t.Errorf("%s %s = %q, want the platform's %q", c.typ, c.path, got, c.want)
		}
	}
	// The identity's own client ID, as the engine's state holds it, is what
	// the service account and the class carry.
	clientID := lookup(state.one(t, ":UserAssignedIdentity").Outputs, "clientId")
	if clientID == "" {
		t.Fatal("the identity has no clientId in the state")
	}
	for _, c := range []struct{ typ, path string }{
		{":ServiceAccount", "metadata.annotations.azure.workload.identity/client-id"},
		{":SecretProviderClass", "spec.parameters.clientID"},
	} {
		if got := lookup(state.one(t, c.typ).Inputs, c.path); got != clientID {
			t.Errorf("%s %s = %q, want the identity's client ID %q", c.typ, c.path, got, clientID)
		}
	}
}

// stateEntry is a resource of the engine's state with its inputs and
// outputs.
type stateEntry struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	Parent  string         `json:"parent"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// fullState is the engine's state with inputs and outputs.
type fullState []stateEntry

func exportFull(t *testing.T, s auto.Stack) fullState {
	t.Helper()
	d, err := s.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources fullState `json:"resources"`
	}
	if err := json.Unmarshal(d.Deployment, &state); err != nil {
		t.Fatal(err)
	}
	return state.Resources
}

// one returns the only resource whose type ends in suffix.
func (s fullState) one(t *testing.T, suffix string) stateEntry {
	t.Helper()
	var found []int
	for i, r := range s {
		if strings.HasSuffix(r.Type, suffix) {
			found = append(found, i)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d resources of type %s in the state, want 1", len(found), suffix)
	}
	return s[found[0]]
}

// lookup reads a dotted path whose keys may themselves hold dots or
// slashes (annotations), trying the longest key first; "" if absent.
func lookup(m map[string]any, path string) string {
	if v, ok := m[path]; ok {
		return fmt.Sprint(v)
	}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] != '.' {
			continue
		}
		if next, ok := m[path[:i]].(map[string]any); ok {
			if v := lookup(next, path[i+1:]); v != "" {
				return v
			}
		}
	}
	return ""
}
