package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// TestProdDestroyRefusedWhileProtected: `pulumi destroy` of prod is refused
// while its cluster and vault are protected, and deletes nothing; with
// --skip-preview the engine deletes what is not protected before it stops.
// After the unprotect step of docs/operations.md (profile standard, protect and the
// delete lock off, `up`), destroy succeeds and deletes everything but what
// retainOnDelete keeps: the vault's secrets.
func TestProdDestroyRefusedWhileProtected(t *testing.T) {
	ctx := context.Background()
	s, dir := newStack(t, "prod")
	if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("pulumi up -s prod: %v", err)
	}
	// `pulumi destroy --yes`, as a person or a workflow runs it: its preview
	// finds the protected resources, and nothing is deleted.
	cli := exec.Command(pulumiBin, "destroy", "--yes", "--stack", "prod", "--non-interactive")
	cli.Dir = dir
	cli.Env = append(os.Environ(), "PULUMI_BACKEND_URL=file://"+filepath.Join(dir, "state"), "SECURE_AKS_STANDIN_LOG="+filepath.Join(dir, "standin.log"))
	out, err := cli.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "protected") {
		t.Fatalf("pulumi destroy of a protected prod: %v; want it refused as protected:\n%s", err, out)
	}
	if deleted := standinOps(t, dir, "delete"); len(deleted) != 0 {
		t.Errorf("the refused destroy deleted %v", deleted)
	}

	// With --skip-preview (the Automation API's Destroy), the engine deletes
	// every resource that is not protected, grants, private endpoint and
	// the vault's lock included, and refuses only the protected ones: the
	// docs/operations.md warns of it.
	if _, err := s.Destroy(ctx); err == nil || !strings.Contains(err.Error(), "protected") {
		t.Fatalf("pulumi destroy --skip-preview of a protected prod: %v; want it refused as protected", err)
	}
	deleted := standinOps(t, dir, "delete")
	for _, kept := range []string{"azure-native:containerservice/v20241001:ManagedCluster aks", "azure-native:keyvault:Vault vault", "azure-native:containerregistry/v20230701:Registry registry"} {
		if slices.Contains(deleted, kept) {
			t.Errorf("destroy --skip-preview deleted the protected %s", kept)
		}
	}
	if !slices.Contains(deleted, "azure-native:authorization/v20200501:ManagementLockByScope vault-lock") {
		t.Errorf("destroy --skip-preview kept the vault's lock; docs/operations.md says it goes: %v", deleted)
	}
	// Bring back what it deleted, as the next `up` of prod would.
	if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("the up after a partial destroy: %v", err)
	}

	// docs/operations.md: "To replace or destroy a protected resource on purpose".
	for key, value := range map[string]string{
		"secure-aks:profile":          "standard",
		"secure-aks:cluster.protect":  "false",
		"secure-aks:vault.protect":    "false",
		"secure-aks:vault.deleteLock": "false",
		"secure-aks:registry.protect": "false",
	} {
		if err := s.SetConfigWithOptions(ctx, key, auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: strings.Contains(key, ".")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("the unprotecting up: %v", err)
	}
	if _, err := s.Destroy(ctx); err != nil {
		t.Fatalf("pulumi destroy after unprotecting: %v", err)
	}
	created, deleted := standinOps(t, dir, "create"), standinOps(t, dir, "delete")
	for _, r := range created {
		retained := strings.HasPrefix(r, "azure-native:keyvault:Secret ")
		if slices.Contains(deleted, r) == retained {
			t.Errorf("%s: deleted %v, want deleted unless retainOnDelete", r, !retained)
		}
	}
	if len(deleted) == 0 {
		t.Error("destroy deleted nothing")
	}
}

// standinOps lists "TYPE NAME" of every op the stand-in logged in dir.
func standinOps(t *testing.T, dir, op string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "standin.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == op {
			out = append(out, f[1]+" "+f[2])
		}
	}
	return out
}
