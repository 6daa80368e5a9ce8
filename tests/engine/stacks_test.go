package engine

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

// TestStacksGoUpAndStayUp runs `pulumi up` of every stack file through the
// engine, then `pulumi preview --expect-no-changes`: a second run changes
// nothing (names, maps, ordering and secrets are deterministic). The
// engine's state then holds exactly the offline plan's resources, with the
// same types, parents, explicit providers and dependencies: "the plan is
// what `up` does", checked against the engine. Last, the tests module's
// upstream checks run on the manifests pulumi-kubernetes rendered.
func TestStacksGoUpAndStayUp(t *testing.T) {
	files, err := plan.StackFiles("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("stack files %v; want dev, staging and prod at least", files)
	}
	// What pulumi-kubernetes renders for each stack, kept for the upstream
	// checks of the tests module, run on it below.
	rendered := filepath.Join(workRoot, "rendered")
	for _, stack := range files {
		t.Run(stack, func(t *testing.T) {
			ctx := context.Background()
			s, dir := newStack(t, stack)
			if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
				t.Fatalf("pulumi up -s %s: %v", stack, err)
			}
			if _, err := s.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ErrorProgressStreams(testWriter{t})); err != nil {
				t.Errorf("a second preview of %s changes something: %v", stack, err)
			}
			want, _, err := offline.PlanFile(dir, stack)
			if err != nil {
				t.Fatal(err)
			}
			compareState(t, exportState(t, s), want)
			// pulumi-kubernetes wrote one manifest per Kubernetes object.
			objects := 0
			for _, r := range want.Resources {
				if r.Custom && strings.HasPrefix(r.Type, "kubernetes:") {
					objects++
				}
			}
			if got := manifestCount(t, filepath.Join(dir, "manifests")); got != objects || objects == 0 {
				t.Errorf("pulumi-kubernetes rendered %d manifests; the plan has %d Kubernetes objects", got, objects)
			}
			if err := os.CopyFS(filepath.Join(rendered, stack), os.DirFS(filepath.Join(dir, "manifests"))); err != nil {
				t.Fatal(err)
			}
		})
	}
	if t.Failed() {
		return
	}
	// The tests module's upstream checks (strict decoding into k8s.io/api and
	// the CSI driver's types, the Azure provider's parameter parsing, the
	// workload-identity webhook) on the manifests pulumi-kubernetes wrote.
	cmd := exec.Command("go", "test", "-count=1", "-v", "-run", ".", ".")
	cmd.Dir = "../"
	cmd.Env = append(os.Environ(), "SECURE_AKS_ENGINE_MANIFESTS="+rendered)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the upstream checks on pulumi-kubernetes' manifests fail: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "checking the manifests pulumi-kubernetes rendered") || !strings.Contains(string(out), "--- PASS: TestSecretProviderClassObjectsParseWithProviderCode") {
		t.Errorf("the upstream checks did not run on the rendered manifests:\n%s", out)
	}
}

// newStack makes a stack of the project from a copy of Pulumi.yaml and
// Pulumi.STACK.yaml in a directory of its own, run as an inline program
// (the Automation API) whose Kubernetes provider renders manifests to
// dir/manifests instead of applying them, with a backend and a stand-in log
// (dir/standin.log) of its own and the environment variables env (pairs of
// name and value). Every secret that vault.secretNames lists is set with
// `pulumi config set --secret --path`.
func newStack(t *testing.T, stack string, env ...string) (auto.Stack, string) {
	t.Helper()
	dir := filepath.Join(workRoot, t.Name())
	copyFiles(t, "../..", dir, "Pulumi.yaml", "Pulumi."+stack+".yaml")
	manifests := filepath.Join(dir, "manifests")
	ctx := context.Background()
	// Each test has a backend of its own: two tests may each make a dev.
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PULUMI_BACKEND_URL":     "file://" + state,
		"SECURE_AKS_STANDIN_LOG": filepath.Join(dir, "standin.log"),
	}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	s, err := auto.UpsertStackInlineSource(ctx, stack, "secure-aks", renderingProgram(manifests, stacks.Run), auto.WorkDir(dir), auto.EnvVars(vars))
	if err != nil {
		t.Fatalf("creating stack %s: %v", stack, err)
	}
	t.Cleanup(func() {
		_ = s.Workspace().RemoveStack(context.Background(), stack, optremove.Force())
	})
	cfg, err := plan.LoadStackFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var vault struct {
		SecretNames []string `json:"secretNames"`
	}
	if raw := cfg.Values[stacks.Namespace+":vault"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &vault); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range vault.SecretNames {
		key := stacks.Namespace + ":secrets." + name
		if err := s.SetConfigWithOptions(ctx, key, auto.ConfigValue{Value: "engine-test-value-of-" + name, Secret: true}, &auto.ConfigOptions{Path: true}); err != nil {
			t.Fatalf("pulumi config set --secret --path %s: %v", key, err)
		}
	}
	return s, dir
}

// renderingProgram runs program with the Kubernetes provider writing
// manifests to dir instead of a cluster: a transform of the test's own,
// so no code path in the library or the stack can turn it on.
func renderingProgram(dir string, program pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		err := ctx.RegisterResourceTransform(func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if args.Type != "pulumi:providers:kubernetes" {
				return nil
			}
			props := pulumi.Map{}
			for k, v := range args.Props {
				props[k] = v
			}
			// pulumi-kubernetes refuses a kubeconfig beside
			// renderYamlToDirectory; clusterIdentifier stays.
			delete(props, "kubeconfig")
			props["renderYamlToDirectory"] = pulumi.String(dir)
			return &pulumi.ResourceTransformResult{Props: props, Opts: args.Opts}
		})
		if err != nil {
			return err
		}
		return program(ctx)
	}
}

// stateResource is a resource of the engine's state, as `pulumi stack
// export` writes it.
type stateResource struct {
	URN          string   `json:"urn"`
	Type         string   `json:"type"`
	Custom       bool     `json:"custom"`
	Parent       string   `json:"parent"`
	Provider     string   `json:"provider"`
	Dependencies []string `json:"dependencies"`
	Protect      bool     `json:"protect"`
}

func exportState(t *testing.T, s auto.Stack) []stateResource {
	t.Helper()
	d, err := s.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(d.Deployment, &state); err != nil {
		t.Fatal(err)
	}
	return state.Resources
}

// compareState holds the engine's state to the offline plan: the same
// resources by URN, and for each the type, parent, explicit provider,
// dependencies and protect. The engine adds the stack itself and its
// default providers, which the program never names.
func compareState(t *testing.T, state []stateResource, want *plan.Plan) {
	t.Helper()
	got := map[string]stateResource{}
	for _, r := range state {
		if strings.HasPrefix(r.Type, "pulumi:providers:") && strings.Contains(r.URN, "::default") {
			continue
		}
		if r.Type == "pulumi:pulumi:Stack" {
			continue // the mock monitor registers no stack resource
		}
		got[r.URN] = r
	}
	for _, w := range want.Resources {
		g, ok := got[w.URN]
		if !ok {
			t.Errorf("the plan has %s; the engine's state does not", w.URN)
			continue
		}
		delete(got, w.URN)
		if g.Type != w.Type || g.Parent != w.Parent || g.Custom != w.Custom || g.Protect != w.Protect {
			t.Errorf("%s: state {type %s, parent %s, custom %v, protect %v}, plan {type %s, parent %s, custom %v, protect %v}",
				w.URN, g.Type, g.Parent, g.Custom, g.Protect, w.Type, w.Parent, w.Custom, w.Protect)
		}
		provider, _, _ := strings.Cut(g.Provider, "::"+lastSegment(g.Provider))
		if strings.Contains(provider, "::default") {
			provider = ""
		}
		if provider != w.Provider {
			t.Errorf("%s: state provider %q, plan %q", w.URN, provider, w.Provider)
		}
		gd, wd := slices.Sorted(slices.Values(g.Dependencies)), slices.Sorted(slices.Values(w.DependsOn))
		if !slices.Equal(slices.Compact(gd), slices.Compact(wd)) {
			t.Errorf("%s: state dependencies %v, plan %v", w.URN, gd, wd)
		}
	}
	for u := range got {
		t.Errorf("the engine's state has %s; the plan does not", u)
	}
}

// lastSegment is the ID part of a provider reference URN::ID.
func lastSegment(ref string) string {
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return ""
	}
	return ref[i+2:]
}

// testWriter sends the engine's progress and errors to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// manifestCount counts the YAML files pulumi-kubernetes rendered under dir.
func manifestCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".yaml") {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// copyFiles copies the named files from one directory to another, which it
// makes if need be.
func copyFiles(t *testing.T, from, to string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range names {
		data, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// devPlatform puts the platform's dev stack up, for a stack built on it in
// the same backend (dir/state).
func devPlatform(t *testing.T) (auto.Stack, string) {
	t.Helper()
	platform, dir := newStack(t, "dev")
	if _, err := platform.Up(context.Background(), optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("pulumi up of the platform: %v", err)
	}
	return platform, dir
}
