//go:build azure

// This test needs the cloud: an Azure subscription (az login, or ARM_*
// variables for a service principal), the Pulumi CLI with a backend you are
// logged in to, kubectl and the Azure CLI on the PATH, and about 20 minutes.
// It creates its own stack from Pulumi.dev.yaml, checks the outputs, reads
// the secret from the sample pod, rotates it and reads it again, then
// destroys the stack and removes it.
//
//	cd tests && go test -tags azure -run TestLiveDev -timeout 60m -v ./...
package tests

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func TestLiveDev(t *testing.T) {
	ctx := context.Background()
	project, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 3)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	stackName := "livetest-" + hex.EncodeToString(suffix)

	// The stack's file is the dev file, under the test stack's name.
	dev, err := os.ReadFile(filepath.Join(project, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stackFile := filepath.Join(project, "Pulumi."+stackName+".yaml")
	cfg := strings.Replace(string(dev), "secure-aks:environment: dev", "secure-aks:environment: live", 1)
	cfg = strings.Replace(cfg, "rg-secure-aks-dev", "rg-secure-aks-"+stackName, 1)
	if err := os.WriteFile(stackFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(stackFile) })

	stack, err := auto.UpsertStackLocalSource(ctx, stackName, project)
	if err != nil {
		t.Fatal(err)
	}
	secret := "live-" + hex.EncodeToString(suffix)
	if err := stack.SetConfigWithOptions(ctx, "secure-aks:secrets.MyApplicationSecret", auto.ConfigValue{Value: secret, Secret: true}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout)); err != nil {
			t.Errorf("destroy %s: %v (destroy it by hand: pulumi destroy -s %s)", stackName, err, stackName)
			return
		}
		if err := stack.Workspace().RemoveStack(ctx, stackName); err != nil {
			t.Errorf("remove stack %s: %v", stackName, err)
		}
	})

	res, err := stack.Up(ctx, optup.ProgressStreams(os.Stdout))
	if err != nil {
		t.Fatal(err)
	}
	issuer, _ := res.Outputs["oidcIssuerUrl"].Value.(string)
	if !strings.HasPrefix(issuer, "https://") || !strings.HasSuffix(issuer, "/") {
		t.Errorf("oidcIssuerUrl = %q, want an https URL ending in /", issuer)
	}
	if !res.Outputs["kubeconfig"].Secret {
		t.Error("kubeconfig output is not secret")
	}
	if uri, _ := res.Outputs["vaultUri"].Value.(string); !strings.HasSuffix(uri, ".vault.azure.net/") {
		t.Errorf("vaultUri = %q", uri)
	}
	if rg, _ := res.Outputs["resourceGroupName"].Value.(string); rg != "rg-secure-aks-"+stackName {
		t.Errorf("resourceGroupName = %q", rg)
	}

	// The walkthrough's check: the pod reads the secret as a file.
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(res.Outputs["kubeconfig"].Value.(string)), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func() (string, error) {
		out, err := exec.CommandContext(ctx, "kubectl", "--kubeconfig", kubeconfig, "exec", "deploy/secret-reader", "--",
			"cat", "/mnt/secrets-store/MyApplicationSecret").Output()
		return string(out), err
	}
	// Role assignments take minutes to propagate: the first mounts may 403.
	waitFor(t, 10*time.Minute, func() (bool, string) {
		got, err := read()
		return err == nil && got == secret, "secret file = " + got
	})

	// Rotation: a new version in Key Vault reaches the file within the poll
	// interval (1m in dev), with no pod restart.
	rotated := secret + "-rotated"
	vault := res.Outputs["vaultName"].Value.(string)
	if out, err := exec.CommandContext(ctx, "az", "keyvault", "secret", "set", "--vault-name", vault,
		"--name", "MyApplicationSecret", "--value", rotated, "--output", "none").CombinedOutput(); err != nil {
		t.Fatalf("az keyvault secret set: %v\n%s", err, out)
	}
	waitFor(t, 3*time.Minute, func() (bool, string) {
		got, err := read()
		return err == nil && got == rotated, "secret file = " + got
	})
}

// waitFor polls check every 10 seconds until it succeeds or limit passes.
func waitFor(t *testing.T, limit time.Duration, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, last := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", limit, last)
		}
		time.Sleep(10 * time.Second)
	}
}
