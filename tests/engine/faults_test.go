package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aks/secure-aks/internal/offline"
)

// TestFaultsConverge fails dev's first `up` as Azure would, once: the
// cluster's create with a 403 (a grant not yet propagated), the federated
// credential's with a 409 (a concurrent credential write on the identity),
// and the sample Deployment's (its manifest cannot be written: what pulumi-
// kubernetes answers a failed apply with). The first `up` fails; the second
// converges to the state of a clean run (the offline plan's resources, no
// change on a third preview) and replaces or deletes nothing that the first
// one made.
func TestFaultsConverge(t *testing.T) {
	tests := []struct {
		name string
		// faults for the stand-in (SECURE_AKS_STANDIN_FAULTS), or "".
		faults string
		// blockManifest names a manifest file the first up cannot write.
		blockManifest string
		wantErr       string
	}{
		{name: "cluster 403", faults: "aks=403", wantErr: "AuthorizationFailed"},
		{name: "federated credential 409", faults: "secret-reader-fic=409", wantErr: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity"},
		{name: "sample deployment", blockManifest: "1-manifest/apps_v1-deployment-default-secret-reader.yaml", wantErr: "secret-reader-sample"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			faultDir := t.TempDir()
			s, dir := newStack(t, "dev", "SECURE_AKS_STANDIN_FAULTS", tt.faults, "SECURE_AKS_STANDIN_FAULT_DIR", faultDir)
			blocked := ""
			if tt.blockManifest != "" {
				// A directory where the manifest goes: the write fails.
				blocked = filepath.Join(dir, "manifests", tt.blockManifest)
				if err := os.MkdirAll(blocked, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			_, err := s.Up(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("the first up: %v; want a failure naming %s", err, tt.wantErr)
			}
			if blocked != "" {
				if err := os.RemoveAll(blocked); err != nil {
					t.Fatal(err)
				}
			}

			steps := recordSteps()
			if _, err := s.Up(ctx, optup.EventStreams(steps.ch), optup.ErrorProgressStreams(testWriter{t})); err != nil {
				t.Fatalf("the second up does not converge: %v", err)
			}
			for urn, st := range steps.wait() {
				for _, op := range st.Ops {
					if op != apitype.OpSame && op != apitype.OpCreate && op != apitype.OpUpdate {
						t.Errorf("the second up does %s to %s", op, urn)
					}
				}
			}
			if _, err := s.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ErrorProgressStreams(testWriter{t})); err != nil {
				t.Errorf("a third run changes something: %v", err)
			}
			want, _, err := offline.PlanFile(dir, "dev")
			if err != nil {
				t.Fatal(err)
			}
			compareState(t, exportState(t, s), want)

			// Every Azure resource was created once, the faulted one included
			// (its failed create made nothing), and nothing was deleted.
			created := map[string]int{}
			for _, r := range standinOps(t, dir, "create") {
				created[r]++
			}
			if len(created) == 0 {
				t.Error("the stand-in logged no create")
			}
			for r, n := range created {
				if n != 1 {
					t.Errorf("%s created %d times", r, n)
				}
			}
			if deleted := standinOps(t, dir, "delete"); len(deleted) != 0 {
				t.Errorf("deleted: %v", deleted)
			}
			if tt.faults != "" {
				// The log line of an injected fault is "fault STATUS NAME".
				name, status, _ := strings.Cut(tt.faults, "=")
				if !slices.Contains(standinOps(t, dir, "fault"), status+" "+name) {
					t.Errorf("the stand-in never injected %s", tt.faults)
				}
			}
		})
	}
}
