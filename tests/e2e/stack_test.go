//go:build e2e

package e2e

// The throwaway stack through the Automation API: create, configure, up,
// preview and refresh with their changes listed, and the teardown.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aks/secure-aks/tests/e2e/stackfile"
)

// liveStack is the throwaway stack.
type liveStack struct {
	auto.Stack
	log      progress
	settings settings
	// projectDir is the repository root: the program, and the stack's file.
	projectDir string
	// file is Pulumi.STACK.yaml in projectDir.
	file   string
	expect *stackfile.Expectations
	// work is the steps' context. If it ended, an operation may have been
	// interrupted, and the stack may still be locked.
	work context.Context
	// keepFile is set when the stack outlives the test: destroying it by hand
	// needs its file.
	keepFile bool
}

// createStack writes the stack file, checks it offline, and creates the
// stack from the repository root: the real main.go and Pulumi.yaml. The
// cleanup that destroys the stack is registered as soon as it exists.
func createStack(ctx context.Context, t *testing.T, log progress, s settings, projectDir string, w *stackfile.Throwaway) *liveStack {
	t.Helper()
	ls := &liveStack{log: log, settings: s, projectDir: projectDir, work: ctx}
	var err error
	if ls.file, err = w.Write(projectDir); err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs last: after the teardown, which may keep it.
	t.Cleanup(func() {
		if ls.keepFile {
			return
		}
		if err := os.Remove(ls.file); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("removing %s: %v", ls.file, err)
		}
	})
	// Fail before spending anything if the program would refuse the file.
	if ls.expect, err = stackfile.LoadExpectations(w.Stack, ls.file); err != nil {
		t.Fatal(err)
	}
	log.logf("creating stack %s (resource group %s)", w.Stack, ls.expect.Config.ResourceGroup)
	if ls.Stack, err = auto.NewStackLocalSource(ctx, w.Stack, projectDir); err != nil {
		t.Fatalf("creating stack %s in %s: %v", w.Stack, projectDir, err)
	}
	t.Cleanup(func() { ls.teardown(t) })
	return ls
}

// setSecret sets secure-aks:secrets.NAME as a secret, as
// `pulumi config set --secret --path` does.
func (ls *liveStack) setSecret(ctx context.Context, t *testing.T, name, value string) {
	t.Helper()
	key := "secure-aks:secrets." + name
	if err := ls.SetConfigWithOptions(ctx, key, auto.ConfigValue{Value: value, Secret: true}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatalf("setting %s: %v", key, err)
	}
}

// pollInterval reads the add-on's rotation poll interval from the stack.
func (ls *liveStack) pollInterval(ctx context.Context, t *testing.T) time.Duration {
	t.Helper()
	const key = "secure-aks:cluster.rotationPollInterval"
	v, err := ls.GetConfigWithOptions(ctx, key, &auto.ConfigOptions{Path: true})
	if err != nil {
		t.Fatalf("reading %s: %v", key, err)
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		t.Fatalf("%s %q: %v", key, v.Value, err)
	}
	return d
}

// up runs `pulumi up`, streaming its output.
func (ls *liveStack) up(ctx context.Context, t *testing.T, what string) auto.UpResult {
	t.Helper()
	ls.log.logf("pulumi up (%s)", what)
	start := time.Now()
	res, err := ls.Up(ctx, optup.ProgressStreams(os.Stdout), optup.ErrorProgressStreams(os.Stderr))
	if err != nil {
		t.Fatalf("pulumi up (%s) after %s: %v", what, time.Since(start).Round(time.Second), streamed(err))
	}
	var changes map[string]int
	if res.Summary.ResourceChanges != nil {
		changes = *res.Summary.ResourceChanges
	}
	ls.log.logf("pulumi up (%s) done in %s: %v", what, time.Since(start).Round(time.Second), changes)
	return res
}

// expectNoPreviewChanges fails if `pulumi preview --expect-no-changes`
// fails: the engine itself fails a preview that plans any change, so the
// program deploys idempotently. The event stream names the changes.
func (ls *liveStack) expectNoPreviewChanges(ctx context.Context, t *testing.T) {
	t.Helper()
	ls.log.logf("pulumi preview --expect-no-changes")
	ch, steps := collectSteps()
	_, err := ls.Preview(ctx, optpreview.ExpectNoChanges(),
		optpreview.ProgressStreams(os.Stdout), optpreview.ErrorProgressStreams(os.Stderr), optpreview.EventStreams(ch))
	if err != nil {
		ls.noChangesFailed(ctx, t, "pulumi preview --expect-no-changes right after up", err, steps())
	}
}

// expectNoRefreshChanges fails if `pulumi refresh --expect-no-changes`
// fails: the engine itself fails a refresh that finds Azure or the cluster
// different from the state. The event stream names the drift.
func (ls *liveStack) expectNoRefreshChanges(ctx context.Context, t *testing.T) {
	t.Helper()
	ls.log.logf("pulumi refresh --expect-no-changes")
	ch, steps := collectSteps()
	_, err := ls.Refresh(ctx, optrefresh.ExpectNoChanges(),
		optrefresh.ProgressStreams(os.Stdout), optrefresh.ErrorProgressStreams(os.Stderr), optrefresh.EventStreams(ch))
	if err != nil {
		ls.noChangesFailed(ctx, t, "pulumi refresh --expect-no-changes", err, steps())
	}
}

// noChangesFailed reports an --expect-no-changes operation that failed,
// with the changes its event stream named. The engine fails it for a change
// and for any other error alike: the steps, or pulumi's output, tell which.
// If the steps' context ended, the test stops here.
func (ls *liveStack) noChangesFailed(ctx context.Context, t *testing.T, what string, err error, steps []string) {
	t.Helper()
	if ctx.Err() != nil {
		t.Fatalf("%s: %v", what, streamed(err))
	}
	t.Errorf("%s: %v\nchanges in the event stream:\n%s", what, streamed(err), strings.Join(steps, "\n"))
}

// collectSteps returns an event channel for an operation and a function that
// returns, once the operation has returned, one line per resource step that
// is a change: its operation, type, URN and the properties that differ.
func collectSteps() (chan events.EngineEvent, func() []string) {
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	var lines []string
	seen := map[string]bool{}
	go func() {
		defer close(done)
		for e := range ch {
			var m *apitype.StepEventMetadata
			switch {
			case e.ResourcePreEvent != nil:
				m = &e.ResourcePreEvent.Metadata
			case e.ResOutputsEvent != nil:
				m = &e.ResOutputsEvent.Metadata
			}
			if m == nil || !isChange(*m) {
				continue
			}
			line := fmt.Sprintf("  %s %s %s", m.Op, m.Type, m.URN)
			if keys := slices.Sorted(maps.Keys(m.DetailedDiff)); len(keys) > 0 {
				line += " (" + strings.Join(keys, ", ") + ")"
			} else if len(m.Diffs) > 0 {
				line += " (" + strings.Join(m.Diffs, ", ") + ")"
			}
			if !seen[line] {
				seen[line] = true
				lines = append(lines, line)
			}
		}
	}()
	return ch, func() []string {
		// The Automation API closes the channel when the engine's event
		// stream ends; do not hang if it never does.
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			return append(lines, "  (event stream did not end; list may be incomplete)")
		}
		if len(lines) == 0 {
			return []string{"  (no step events named the changes; see pulumi's output above)"}
		}
		return lines
	}
}

// isChange says whether a step changes the resource. A refresh step reports
// op "refresh", or the result of the refresh (update, delete) on newer CLIs.
func isChange(m apitype.StepEventMetadata) bool {
	switch m.Op {
	case apitype.OpSame:
		return false
	case apitype.OpRefresh:
		return len(m.Diffs) > 0 || len(m.DetailedDiff) > 0
	}
	return true
}

// streamed shortens an Automation API error whose command output was
// streamed already: the error repeats all of stdout and stderr.
func streamed(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return fmt.Errorf("%w (pulumi's output above has the details)", inner)
	}
	return err
}

// teardown is the cleanup: destroy, purge the soft-deleted vault, remove
// the stack. It runs on success, failure and timeout alike.
func (ls *liveStack) teardown(t *testing.T) {
	name := ls.Name()
	if ls.settings.Keep {
		ls.keepFile = true
		t.Logf("%s=1: keeping stack %s and its Azure resources; they cost money until destroyed. From %s:\n"+
			"  pulumi destroy -s %s --yes && pulumi stack rm -s %s --yes\n"+
			"  then purge the vault: az keyvault purge --name VAULT --location %s (VAULT: pulumi stack output vaultName -s %s, before destroying)",
			envKeep, name, ls.projectDir, name, name, ls.expect.Config.Location, name)
		return
	}
	// cleanupBudget, but ending before go test's own deadline, so that a
	// cleanup that runs out of time still reports what is left.
	deadline := time.Now().Add(cleanupBudget)
	if d, ok := t.Deadline(); ok && d.Add(-time.Minute).Before(deadline) {
		deadline = d.Add(-time.Minute)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ls.log.logf("cleanup: destroying stack %s", name)

	if ls.work.Err() != nil {
		// An operation was stopped mid-way: Pulumi Cloud keeps the stack
		// locked until the update is cancelled. Self-managed backends may
		// have nothing to cancel; that error is harmless.
		if err := ls.Cancel(ctx); err != nil {
			ls.log.logf("cleanup: pulumi cancel: %v", err)
		}
	}
	// Read the vaults before destroying: the state is the only record of
	// their names once they are deleted.
	vaults, err := ls.vaults(ctx)
	if err != nil {
		t.Errorf("cleanup: %v", err)
	}
	if err := ls.destroy(ctx); err != nil {
		ls.keepFile = true
		t.Errorf("cleanup: %v\nResources of stack %s may still exist and cost money. From %s:\n"+
			"  pulumi cancel -s %s --yes   # only if the stack is locked\n"+
			"  pulumi destroy -s %s --yes && pulumi stack rm -s %s --yes\n"+
			"or delete resource group %s. Then purge: %s",
			err, name, ls.projectDir, name, name, name, ls.expect.Config.ResourceGroup, purgeCommands(vaults))
		return
	}
	ls.purge(ctx, t, vaults)
	if err := ls.Workspace().RemoveStack(ctx, name); err != nil {
		t.Errorf("cleanup: removing stack %s: %v", name, err)
		return
	}
	ls.log.logf("cleanup: stack %s removed", name)
}

// destroy runs `pulumi destroy`, twice if need be: a transient ARM error
// (a conflict while AKS deletes its node resource group) should not leave
// billed resources behind.
func (ls *liveStack) destroy(ctx context.Context) error {
	var err error
	for attempt := 1; attempt <= 2; attempt++ {
		start := time.Now()
		_, err = ls.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout), optdestroy.ErrorProgressStreams(os.Stderr))
		if err == nil {
			ls.log.logf("cleanup: destroyed in %s", time.Since(start).Round(time.Second))
			return nil
		}
		err = fmt.Errorf("pulumi destroy (attempt %d): %w", attempt, streamed(err))
		ls.log.logf("cleanup: %v", err)
	}
	return err
}

// deletedVault is a vault of the stack, as recorded in its state.
type deletedVault struct {
	Name, Location  string
	PurgeProtection bool
}

// vaults lists the Key Vaults in the stack's state.
func (ls *liveStack) vaults(ctx context.Context) ([]deletedVault, error) {
	exported, err := ls.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("exporting the state of %s to find its vaults: %w", ls.Name(), err)
	}
	var state apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &state); err != nil {
		return nil, fmt.Errorf("decoding the state of %s: %w", ls.Name(), err)
	}
	var out []deletedVault
	for _, r := range state.Resources {
		typ := string(r.Type)
		// azure-native:keyvault:Vault, or an explicit API version such as
		// azure-native:keyvault/v20230701:Vault.
		if !strings.HasPrefix(typ, "azure-native:keyvault") || !strings.HasSuffix(typ, ":Vault") {
			continue
		}
		v := deletedVault{}
		v.Name, _ = r.Outputs["name"].(string)
		v.Location, _ = r.Outputs["location"].(string)
		props, _ := r.Outputs["properties"].(map[string]any)
		v.PurgeProtection, _ = props["enablePurgeProtection"].(bool)
		if v.Name == "" || v.Location == "" {
			return out, fmt.Errorf("vault %s in the state has no name or location", r.URN)
		}
		out = append(out, v)
	}
	return out, nil
}

// purge purges the stack's soft-deleted vaults, so that their names are free
// again at once instead of after the retention period.
func (ls *liveStack) purge(ctx context.Context, t *testing.T, vaults []deletedVault) {
	if len(vaults) == 0 {
		return
	}
	cred, err := newCredential(ls.settings)
	if err != nil {
		t.Errorf("cleanup: %v; purge by hand: %s", err, purgeCommands(vaults))
		return
	}
	for _, v := range vaults {
		if v.PurgeProtection {
			// Azure refuses; the name stays reserved for the retention period.
			ls.log.logf("cleanup: vault %s has purge protection on and cannot be purged; its name is reserved until its retention ends", v.Name)
			continue
		}
		start := time.Now()
		logf := func(format string, args ...any) { ls.log.logf("cleanup: "+format, args...) }
		if err := purgeDeletedVault(ctx, cred, ls.settings.SubscriptionID, v.Location, v.Name, logf); err != nil {
			t.Errorf("cleanup: %v; purge by hand: %s", err, purgeCommands([]deletedVault{v}))
			continue
		}
		ls.log.logf("cleanup: purged vault %s in %s", v.Name, time.Since(start).Round(time.Second))
	}
}

// purgeCommands is how to purge vaults by hand.
func purgeCommands(vaults []deletedVault) string {
	if len(vaults) == 0 {
		return "az keyvault list-deleted, then az keyvault purge --name NAME --location LOCATION for the stack's vault"
	}
	var cmds []string
	for _, v := range vaults {
		cmds = append(cmds, fmt.Sprintf("az keyvault purge --name %s --location %s", v.Name, v.Location))
	}
	return strings.Join(cmds, "; ")
}
