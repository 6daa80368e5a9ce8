//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/secure-aks/secure-aks/tests/e2e/stackfile"
)

const (
	// defaultDeadline bounds the whole test when go test has no deadline
	// (-timeout 0).
	defaultDeadline = 60 * time.Minute
	// podReadyLimit bounds the wait for the sample pod. Its secrets volume
	// mounts only once the pod's own identity has Key Vault Secrets User on
	// the vault; until that role assignment propagates (Azure RBAC: up to 10
	// minutes), the CSI mount fails with 403 and kubelet retries it, with a
	// backoff of at most about 2 minutes. That wait is the pod's, not the
	// deployer's, and is expected; whether `pulumi up` already waited for the
	// rollout or not, the test waits out the rest here.
	podReadyLimit = 12 * time.Minute
	// rotationPoll is how often the rotation step reads the file.
	rotationPoll = 5 * time.Second
)

// TestEndToEnd deploys a throwaway copy of the dev stack, reads the secret
// in the sample pod, rotates it, checks for drift, and destroys everything.
// See the package documentation for how to run it.
func TestEndToEnd(t *testing.T) {
	req := requireEnvironment(t)
	log := progress{t: t, start: time.Now()}
	ctx, stop := workContext(t)
	defer stop()
	log.logf("Azure: subscription %s, credentials: %s", req.SubscriptionID, req.Credential)

	projectDir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	w, err := stackfile.NewThrowaway(filepath.Join(projectDir, "Pulumi."+stackfile.BaseStack+".yaml"), randomHex(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	ls := createStack(ctx, t, log, req, projectDir, w)

	// Step 1: deploy, with a random value for every secret the stack writes.
	values := map[string]string{}
	for _, name := range ls.expect.Config.Vault.SecretNames {
		values[name] = "e2e-" + randomHex(t, 16)
		ls.setSecret(ctx, t, name, values[name])
	}
	res := ls.up(ctx, t, "deploy")
	out := checkOutputs(t, res.Outputs, ls.expect)
	log.logf("deployed: vault %s, sample workload %s/%s", out.vaultName, ls.expect.Sample.Namespace, ls.expect.Sample.Name)

	// Step 2: the walkthrough's check, `kubectl exec POD -- cat FILE`.
	cluster, err := newKube(out.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	pod, err := cluster.waitForPod(ctx, ls.expect.Sample.Namespace, ls.expect.PodLabels(), podReadyLimit)
	if err != nil {
		t.Fatal(err)
	}
	file := ls.expect.SecretFile()
	log.logf("sample pod %s/%s is running; reading %s", pod.Namespace, pod.Name, file)
	container, err := mountingContainer(pod, path.Dir(file))
	if err != nil {
		t.Fatal(err)
	}
	secret := ls.expect.Secret.Name
	got, err := cluster.readFile(ctx, pod, container, file)
	if err != nil {
		t.Fatal(err)
	}
	// The values are random and thrown away with the stack, so showing them
	// on a mismatch leaks nothing.
	if got != values[secret] {
		t.Fatalf("%s in pod %s = %q, want the configured value %q", file, pod.Name, got, values[secret])
	}
	log.logf("%s holds the configured value of %s", file, secret)

	// Step 3: rotate through Pulumi (a new secret version) and wait for the
	// add-on to refresh the mounted file in place.
	interval := ls.pollInterval(ctx, t)
	old, rotated := values[secret], "e2e-rotated-"+randomHex(t, 16)
	ls.setSecret(ctx, t, secret, rotated)
	ls.up(ctx, t, "rotate "+secret)
	latency, err := cluster.waitForChange(ctx, pod, container, file, old, rotated, 2*interval, rotationPoll)
	if err != nil {
		t.Fatal(err)
	}
	log.logf("rotation: %s changed %s after the update finished (rotationPollInterval %s, limit %s)",
		file, latency.Round(time.Second), interval, 2*interval)
	if err := cluster.checkNotRestarted(ctx, pod); err != nil {
		t.Error(err)
	}

	// Step 4: a second deployment of the same program changes nothing, and
	// Azure has not drifted from the state.
	ls.expectNoPreviewChanges(ctx, t)
	ls.expectNoRefreshChanges(ctx, t)
	// Step 5, destroy and purge, is the cleanup registered by createStack.
}

// requireEnvironment returns the settings, or skips the test naming every
// missing requirement; with SECURE_AKS_E2E_REQUIRED=1 it fails instead.
func requireEnvironment(t *testing.T) settings {
	t.Helper()
	s, missing := checkRequirements(environment{
		LookupEnv:       os.LookupEnv,
		LookPath:        exec.LookPath,
		AzureCLISession: azureCLISession,
		TimeLeft: func() (time.Duration, bool) {
			d, ok := t.Deadline()
			return time.Until(d), ok
		},
	})
	if len(missing) == 0 {
		return s
	}
	if os.Getenv(envRequired) == "1" {
		t.Fatalf("%s=1: this run must cover the test, so missing requirements fail it.\n%s", envRequired, requirementsMessage(missing))
	}
	t.Skip(requirementsMessage(missing))
	return s
}

// azureCLISession runs `az account show` for the subscription.
func azureCLISession(subscriptionID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []string{"account", "show", "--output", "none"}
	if subscriptionID != "" {
		args = append(args, "--subscription", subscriptionID)
	}
	if out, err := exec.CommandContext(ctx, "az", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// workContext is the context of the test's steps. It ends cleanupBudget
// before the go test deadline, so that the cleanup still has time to destroy
// the stack before go test kills the binary, or at the first interrupt; a
// second interrupt kills the test as usual.
func workContext(t *testing.T) (context.Context, context.CancelFunc) {
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(defaultDeadline)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(-cleanupBudget))
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stopSignals()
	}()
	return ctx, func() { stopSignals(); cancel() }
}

// progress logs with the time elapsed since the test started.
type progress struct {
	t     *testing.T
	start time.Time
}

func (p progress) logf(format string, args ...any) {
	p.t.Helper()
	p.t.Logf("[%s] %s", time.Since(p.start).Round(time.Second), fmt.Sprintf(format, args...))
}

// randomHex returns n random bytes in hex.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("reading random bytes: %v", err)
	}
	return hex.EncodeToString(b)
}

// outputs are the stack outputs the test uses.
type outputs struct {
	kubeconfig string
	vaultName  string
}

// checkOutputs checks the outputs the test relies on and that the
// kubeconfig is kept secret.
func checkOutputs(t *testing.T, out auto.OutputMap, e *stackfile.Expectations) outputs {
	t.Helper()
	str := func(name string) string {
		s, _ := out[name].Value.(string)
		if s == "" {
			t.Fatalf("stack output %s = %#v, want a string", name, out[name].Value)
		}
		return s
	}
	o := outputs{kubeconfig: str("kubeconfig"), vaultName: str("vaultName")}
	if !out["kubeconfig"].Secret {
		t.Error("stack output kubeconfig is not a secret")
	}
	if rg := str("resourceGroupName"); rg != e.Config.ResourceGroup {
		t.Errorf("stack output resourceGroupName = %q, want %q", rg, e.Config.ResourceGroup)
	}
	workloads, _ := out["workloads"].Value.(map[string]any)
	sample, _ := workloads[e.Sample.Name].(map[string]any)
	if ns := sample["namespace"]; ns != e.Sample.Namespace {
		t.Errorf("stack output workloads.%s.namespace = %v, want %q", e.Sample.Name, ns, e.Sample.Namespace)
	}
	return o
}
