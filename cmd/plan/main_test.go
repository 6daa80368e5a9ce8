package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden plans in tests/testdata/plans/")

// goldenDir holds the golden plans, relative to this package.
const goldenDir = "../../tests/testdata/plans"

// acceptCommand is what the failure message tells the reader to run.
const acceptCommand = "go test ./cmd/plan -update   (or UPDATE_GOLDEN=1 go test ./...)"

// updating reports whether this run rewrites the golden plans: the -update
// flag, or UPDATE_GOLDEN=1 for runs over several packages, where a flag that
// only this package defines would be refused by the others.
func updating() bool { return *update || os.Getenv("UPDATE_GOLDEN") == "1" }

// TestGoldenPlans renders the whole plan of every stack file and compares it
// with tests/testdata/plans/STACK.json; a golden plan without a stack file
// fails too. A difference fails with the plan diff
// (what a reviewer reads) and the command that accepts it.
func TestGoldenPlans(t *testing.T) {
	stacks := stackFiles(t)
	if !slices.Contains(stacks, "dev") || !slices.Contains(stacks, "prod") {
		t.Fatalf("stack files found: %v; want at least dev and prod", stacks)
	}
	goldens, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		if stack := strings.TrimSuffix(filepath.Base(g), ".json"); !slices.Contains(stacks, stack) {
			t.Errorf("%s has no stack file Pulumi.%s.yaml any more: delete the golden plan", g, stack)
		}
	}
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			out := bytes.NewBuffer(planJSON(t, "../..", stack))
			if err := checkGolden(filepath.Join(goldenDir, stack+".json"), out.Bytes(), updating()); err != nil {
				t.Error(err)
			}
			// The JSON has the documented shape.
			var p struct {
				Stack     string `json:"stack"`
				Resources []struct {
					URN, Type, Name, Parent, Provider string
					Custom                            bool
					Inputs                            map[string]any
					DependsOn                         []string
					ReplaceOnChanges                  []string
					IgnoreChanges                     []string
					Aliases                           []string
					RetainOnDelete                    bool
					Protect                           bool
					DeleteBeforeReplace               bool
					CustomTimeouts                    map[string]string
					InputSources                      map[string][]string
				} `json:"resources"`
				Outputs map[string]any `json:"outputs"`
			}
			dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			if p.Stack != stack || len(p.Resources) == 0 || len(p.Outputs) == 0 {
				t.Errorf("plan = %+v", p)
			}
		})
	}
}

// stackFiles returns the stacks of the project (plan.StackFiles).
func stackFiles(t *testing.T) []string {
	t.Helper()
	stacks, err := plan.StackFiles("../..")
	if err != nil {
		t.Fatal(err)
	}
	return stacks
}

// checkGolden compares a plan with its golden file, after rewriting the file
// when update is set. The error shows the plan diff (what a reviewer reads)
// and the command that accepts the change.
func checkGolden(golden string, got []byte, update bool) error {
	if update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			return err
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		return fmt.Errorf("%v\ncreate it with: %s", err, acceptCommand)
	}
	if bytes.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("the plan differs from %s.\n\n%s\nIf the change is intended, accept it with:\n    %s\nand commit the golden file: its diff is the review of the infrastructure change",
		golden, goldenDiff(want, got), acceptCommand)
}

// goldenDiff explains how got differs from the golden want: the plan diff,
// or, when the golden file is no plan or the difference is only in layout,
// the first differing line.
func goldenDiff(want, got []byte) string {
	old, errOld := plan.ReadJSON(bytes.NewReader(want))
	cur, errCur := plan.ReadJSON(bytes.NewReader(got))
	if errOld == nil && errCur == nil {
		d, err := plan.Compare(old, cur)
		if err == nil && !d.Empty() {
			var b strings.Builder
			if err := d.WriteText(&b); err == nil {
				return b.String()
			}
		}
	}
	return firstDiff(string(want), string(got))
}

// TestChangedStackFailsWithDiffUntilAccepted changes one input of a copy of
// Pulumi.prod.yaml: the golden check fails with the readable diff, the
// replacement mark and the accept command; accepting rewrites the golden file
// and the check passes again.
func TestChangedStackFailsWithDiffUntilAccepted(t *testing.T) {
	dir, prod := copyProject(t, "prod")
	m := regexp.MustCompile(`nodeVmSize: (\S+)`).FindSubmatchIndex(prod)
	if m == nil {
		t.Fatal("Pulumi.prod.yaml sets no nodeVmSize; update this test")
	}
	oldSize, newSize := string(prod[m[2]:m[3]]), "Standard_D8s_v5"
	if oldSize == newSize {
		newSize = "Standard_D16s_v5"
	}
	changed := string(prod[:m[2]]) + newSize + string(prod[m[3]:])

	// The golden file of the unchanged stack, as -update writes it.
	golden := filepath.Join(dir, "prod.json")
	if err := checkGolden(golden, planJSON(t, dir, "prod"), true); err != nil {
		t.Fatal(err)
	}

	writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), []byte(changed))
	out := planJSON(t, dir, "prod")
	err := checkGolden(golden, out, false)
	if err == nil {
		t.Fatal("a changed node VM size passed the golden check")
	}
	// azure-native updates the cluster in place, and AKS refuses the new
	// size of an existing pool: `up` would fail, and the diff says so.
	refusal := plan.RulesFor("azure-native:containerservice/v20241001:ManagedCluster", "agentPoolProfiles[*].vmSize")[0]
	if refusal.Effect != plan.EffectRefused {
		t.Fatalf("vmSize rule = %+v, want a refusal", refusal)
	}
	for _, want := range []string{
		`0 to add, 1 to change, 0 to replace, 0 to remove, 1 refused by Azure or a lock`,
		"~ azure-native:containerservice/v20241001:ManagedCluster aks (update)",
		"~ agentPoolProfiles[0].vmSize: " + oldSize + " → " + newSize + "   [refused by Azure in place: " + refusal.Why + "]",
		acceptCommand,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
	if err := checkGolden(golden, out, true); err != nil {
		t.Fatalf("accepting: %v", err)
	}
	if err := checkGolden(golden, out, false); err != nil {
		t.Fatalf("after accepting: %v", err)
	}
}

// TestDiffCommands runs both ways to diff: the plan of a stack against a file
// (-diff), and two files (the diff subcommand), plus their usage errors.
func TestDiffCommands(t *testing.T) {
	dir := t.TempDir()
	dev, prod := filepath.Join(goldenDir, "dev.json"), filepath.Join(goldenDir, "prod.json")
	currentProd := filepath.Join(dir, "prod.json")
	writeFile(t, currentProd, planJSON(t, "../..", "prod"))
	notPlan := filepath.Join(dir, "preview.json")
	writeFile(t, notPlan, []byte(`{"steps": []}`))
	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{name: "stack against its own plan", args: []string{"-dir", "../..", "-stack", "prod", "-diff", currentProd}, want: "Plan diff for stack \"prod\": no changes\n"},
		{name: "two files as markdown", args: []string{"diff", "-format", "md", dev, prod}, want: "### Offline plan diff for stack `dev → prod`"},
		{name: "two files as text", args: []string{"diff", dev, prod}, want: "\n+- azure-native:containerservice/v20241001:ManagedCluster aks (replace)\n"},
		{name: "one file", args: []string{"diff", dev}, wantErr: "diff needs two plan files, OLD.json NEW.json; got 1 argument(s)"},
		{name: "json diff", args: []string{"diff", "-format", "json", dev, prod}, wantErr: `-format "json": a diff is text or md`},
		{name: "not a plan", args: []string{"-dir", "../..", "-stack", "prod", "-diff", notPlan}, wantErr: notPlan + ": not a plan written by cmd/plan -format json"},
		{name: "missing file", args: []string{"diff", dev, filepath.Join(dir, "nope.json")}, wantErr: "nope.json: no such file"},
		{name: "stray argument", args: []string{"-stack", "prod", "old.json"}, wantErr: `unexpected argument "old.json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tt.args, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}

// TestReadmeDiffExample makes the change docs/operations.md describes to a
// copy of Pulumi.prod.yaml and checks that it shows exactly its diff. Like
// the golden plans, -update (or UPDATE_GOLDEN=1) rewrites the example.
func TestReadmeDiffExample(t *testing.T) {
	const command = "$ go run ./cmd/plan -stack prod -diff tests/testdata/plans/prod.json\n"
	readme, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), command)
	if !ok {
		t.Fatalf("docs/operations.md has no example starting with %q", command)
	}
	shown, _, _ := strings.Cut(block, "```")

	dir, prod := copyProject(t, "prod")
	base := filepath.Join(dir, "base.json")
	writeFile(t, base, planJSON(t, dir, "prod"))
	changed := regexp.MustCompile(`serviceAccount: \S+`).ReplaceAllString(string(prod), "serviceAccount: orders-api")
	changed = regexp.MustCompile(`nodeVmSize: \S+`).ReplaceAllString(changed, "nodeVmSize: Standard_D8s_v5")
	writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), []byte(changed))
	var got bytes.Buffer
	if err := run([]string{"-dir", dir, "-stack", "prod", "-diff", base}, &got); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"agentPoolProfiles[0].vmSize", "metadata.name: "} {
		if !strings.Contains(got.String(), want) {
			t.Fatalf("docs/operations.md's example change (serviceAccount: orders-api, nodeVmSize: Standard_D8s_v5) no longer changes %s in prod's plan; describe another change there:\n%s", want, got.String())
		}
	}
	if got.String() == shown {
		return
	}
	if updating() {
		i := strings.Index(string(readme), command) + len(command)
		updated := string(readme[:i]) + got.String() + string(readme[i+len(shown):])
		writeFile(t, "../../docs/operations.md", []byte(updated))
		return
	}
	t.Errorf("docs/operations.md's diff example is out of date. It should read:\n%s\nAccept with: %s", got.String(), acceptCommand)
}

// copyProject copies Pulumi.yaml and one stack file into a temporary
// directory, and returns the directory and the stack file's content.
func copyProject(t *testing.T, stack string) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, "../../Pulumi.yaml", filepath.Join(dir, "Pulumi.yaml"))
	return dir, copyFile(t, "../../Pulumi."+stack+".yaml", filepath.Join(dir, "Pulumi."+stack+".yaml"))
}

// planJSON runs the plan of a stack of the project in dir, as JSON.
func planJSON(t *testing.T, dir, stack string) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := run([]string{"-dir", dir, "-stack", stack, "-format", "json"}, &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// copyFile copies from to to and returns the content.
func copyFile(t *testing.T, from, to string) []byte {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, data)
	return data
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFormats(t *testing.T) {
	for format, want := range map[string]string{
		"text": "+ secure-aks:index:Cluster aks (component)",
		"md":   "| `azure-native:containerservice/v20241001:ManagedCluster` | `aks` | `secure-aks:index:Cluster::aks` |",
	} {
		var out bytes.Buffer
		if err := run([]string{"-dir", "../..", "-stack", "prod", "-format", format}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("-format %s lacks %q:\n%s", format, want, out.String())
		}
	}
	if err := run([]string{"-format", "yaml"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `-format "yaml"`) {
		t.Errorf("err = %v", err)
	}
}

// TestConfigErrorPrintsNoResources plans a stack file with bad values: the
// run fails with every problem named by key, and prints no resources.
func TestConfigErrorPrintsNoResources(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "../../Pulumi.yaml", filepath.Join(dir, "Pulumi.yaml"))
	bad := `config:
  azure-native:location: eastus
  secure-aks:cluster:
    nodeCount: 0
  secure-aks:vault:
    softDeleteRetentionDays: 365
`
	writeFile(t, filepath.Join(dir, "Pulumi.broken.yaml"), []byte(bad))
	var out bytes.Buffer
	err := run([]string{"-dir", dir, "-stack", "broken", "-format", "json"}, &out)
	if err == nil {
		t.Fatal("no error for a bad stack file")
	}
	if !strings.HasPrefix(err.Error(), `stack "broken" has 2 configuration problem(s):`) {
		t.Errorf("error does not start with the summary line:\n%v", err)
	}
	for _, want := range []string{"\n  - secure-aks:cluster.nodeCount 0", "\n  - secure-aks:vault.softDeleteRetentionDays 365"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed output for a bad config:\n%s", out.String())
	}
	if err := run([]string{"-dir", dir, "-stack", "missing"}, &out); err == nil || !strings.Contains(err.Error(), "Pulumi.missing.yaml") {
		t.Errorf("missing stack file: err = %v", err)
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}

// TestPlanShowsNoSecretValue plants a known secret value and lets the
// recorder answer with a kubeconfig, checks that both reached the program,
// and that no output format shows either.
func TestPlanShowsNoSecretValue(t *testing.T) {
	const planted = "planted-secret-value-7f3a9c"
	cfg, err := plan.LoadStackFile("../../Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Values["secure-aks:secrets"] = `{"MyApplicationSecret": "` + planted + `"}`
	cfg.SecretKeys = append(cfg.SecretKeys, "secure-aks:secrets")
	p, rec, err := planConfig("dev", cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Both reached the program: the secret as the vault secret's value, the
	// kubeconfig as the Kubernetes provider's.
	secret, err := plan.Find(rec.Resources(), "keyvault:Secret", "vault-MyApplicationSecret")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := secret.Input("properties.value"); v != planted {
		t.Fatalf("the planted value did not reach the vault secret: %v", v)
	}
	provider, err := plan.Find(rec.Resources(), "pulumi:providers:kubernetes", "aks-k8s")
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, _ := provider.Input("kubeconfig")
	credential := "client-key-data: " + plan.FakeClientKeyData
	if s, _ := kubeconfig.(string); !strings.Contains(s, credential) {
		t.Fatalf("the provider's kubeconfig holds no credential %q:\n%v", credential, kubeconfig)
	}

	var rendered strings.Builder
	for _, write := range []func(io.Writer) error{p.WriteJSON, p.WriteText, p.WriteMarkdown} {
		if err := write(&rendered); err != nil {
			t.Fatal(err)
		}
	}
	for _, leak := range []string{planted, plan.FakeClientKeyData, "client-key-data", "apiVersion: v1\nkind: Config"} {
		if strings.Contains(rendered.String(), leak) {
			t.Errorf("the plan shows %q", leak)
		}
	}
}

// TestStackFileLoadedAsTheCLIDoes checks that the plan reads a stack file as
// `pulumi up` does: required keys, project defaults, declared types, and
// encrypted values.
func TestStackFileLoadedAsTheCLIDoes(t *testing.T) {
	project, err := os.ReadFile("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := os.ReadFile("../../Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	withCiphertext, err := plan.WithCiphertext(dev, "secure-aks:secrets", map[string]string{"MyApplicationSecret": "committed as ciphertext"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		project string
		stack   string
		wantErr string
	}{
		{name: "only the location: every other key is optional", stack: "config:\n  azure-native:location: eastus\n"},
		{name: "a key the project declares without a default is required",
			project: string(project) + "  extra:\n    type: string\n    description: required\n",
			stack:   "config:\n  azure-native:location: eastus\n", wantErr: "Stack 'cli' is missing configuration value 'extra'"},
		{name: "null where a list is declared", stack: "config:\n  azure-native:location: eastus\n  secure-aks:workloads: null\n",
			wantErr: "Stack 'cli' with configuration key 'workloads' must be of type 'array<object>'"},
		{name: "a string where an object is declared", stack: "config:\n  azure-native:location: eastus\n  secure-aks:vault: kv1\n",
			wantErr: "Stack 'cli' with configuration key 'vault' must be of type 'object'"},
		{name: "committed ciphertext", stack: string(withCiphertext)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.project == "" {
				tt.project = string(project)
			}
			writeFile(t, filepath.Join(dir, "Pulumi.yaml"), []byte(tt.project))
			writeFile(t, filepath.Join(dir, "Pulumi.cli.yaml"), []byte(tt.stack))
			var out bytes.Buffer
			err := run([]string{"-dir", dir, "-stack", "cli", "-format", "json"}, &out)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := plan.LoadStackFile(filepath.Join(dir, "Pulumi.cli.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			// Project defaults arrive as plain values.
			if cfg.Values["secure-aks:workloads"] == "" || slices.Contains(cfg.SecretKeys, "secure-aks:workloads") {
				t.Errorf("secure-aks:workloads = %q (secret keys %v); want the project default, plain", cfg.Values["secure-aks:workloads"], cfg.SecretKeys)
			}
			if strings.Contains(tt.stack, "secure:") {
				if !slices.Contains(cfg.SecretKeys, "secure-aks:secrets") {
					t.Errorf("secret keys %v lack secure-aks:secrets", cfg.SecretKeys)
				}
				var secrets map[string]string
				if err := json.Unmarshal([]byte(cfg.Values["secure-aks:secrets"]), &secrets); err != nil || secrets["MyApplicationSecret"] != plan.Placeholder {
					t.Errorf("secure-aks:secrets = %s (%v), want the placeholder", cfg.Values["secure-aks:secrets"], err)
				}
				for _, ct := range regexp.MustCompile(`secure: (\S+)`).FindAllStringSubmatch(tt.stack, -1) {
					if strings.Contains(out.String(), ct[1]) {
						t.Errorf("the plan shows the ciphertext %s", ct[1])
					}
				}
			}
		})
	}
}

// TestRefusedChangesMarkedInProd changes, in a copy of Pulumi.prod.yaml,
// properties that Azure refuses to change in place: the plan diff marks
// each, where a real `pulumi preview` would show an update that `up` fails on.
//
// The production profile refuses a retention under 90 days outright
// (TestProductionRefusesBrokenGuardrails), so that case runs on a copy of
// prod held to the standard profile: the mark is the same for any profile.
func TestRefusedChangesMarkedInProd(t *testing.T) {
	tests := []struct {
		name, pattern, value, want string
	}{
		{"soft-delete retention", `(?s)secure-aks:profile: production(.*)softDeleteRetentionDays: \d+`, "secure-aks:profile: standard${1}softDeleteRetentionDays: 30",
			"~ properties.softDeleteRetentionInDays: 90 → 30   [refused by Azure in place: " + refusedWhy(t, "azure-native:keyvault:Vault", "properties.softDeleteRetentionInDays")},
		{"system pool VM size", `nodeVmSize: Standard_D4s_v5`, `nodeVmSize: Standard_D8s_v5`,
			"[refused by Azure in place: " + refusedWhy(t, "azure-native:containerservice/v20241001:ManagedCluster", "agentPoolProfiles[*].vmSize")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, prod := copyProject(t, "prod")
			re := regexp.MustCompile(tt.pattern)
			if !re.Match(prod) {
				t.Fatalf("Pulumi.prod.yaml has no %s; update this test", tt.pattern)
			}
			// The base plan is the same stack in the same profile, unchanged.
			base := filepath.Join(dir, "base.json")
			unchanged := regexp.MustCompile(`secure-aks:profile: production`).ReplaceAll(prod, []byte("secure-aks:profile: "+profileOf(tt.value)))
			writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), unchanged)
			writeFile(t, base, planJSON(t, dir, "prod"))
			writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), re.ReplaceAll(prod, []byte(tt.value)))
			var out bytes.Buffer
			if err := run([]string{"-dir", dir, "-stack", "prod", "-diff", base}, &out); err != nil {
				t.Fatal(err)
			}
			// azure-native updates in place; Azure refuses: the resource shows
			// as an update that `up` fails on, counted as refused.
			if !strings.Contains(out.String(), tt.want) || !strings.Contains(out.String(), "(update)") || !strings.Contains(out.String(), "1 refused by Azure or a lock") {
				t.Errorf("diff lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}

// refusedWhy is the reason the replacement table gives for a refusal.
func refusedWhy(t *testing.T, typ, path string) string {
	t.Helper()
	rules := plan.RulesFor(typ, path)
	if len(rules) == 0 || rules[0].Effect != plan.EffectRefused {
		t.Fatalf("%s %s: rules %+v, want a refusal", typ, path, rules)
	}
	return rules[0].Why
}

// profileOf is the profile a test's replacement text sets, production if none.
func profileOf(replacement string) string {
	if strings.Contains(replacement, "secure-aks:profile: standard") {
		return "standard"
	}
	return "production"
}

// TestProductionRefusesBrokenGuardrails: a copy of prod with purge
// protection off, the vault open, or local accounts on is refused, as
// `pulumi up` refuses it, with one message per broken rule naming the key and
// the rule; -check names the rule; nothing is planned.
func TestProductionRefusesBrokenGuardrails(t *testing.T) {
	tests := []struct {
		name, pattern, value string
		want                 []string
	}{
		{"purge protection off", `purgeProtection: true`, "purgeProtection: false",
			[]string{"secure-aks:vault.purgeProtection: breaks guardrail KV-PURGE-PROTECTION"}},
		{"vault open", `networkDefaultAction: Deny`, "networkDefaultAction: Allow",
			[]string{"secure-aks:vault.networkDefaultAction: breaks guardrail KV-PUBLIC-ACCESS", "secure-aks:vault.networkDefaultAction: breaks guardrail KV-FIREWALL"}},
		{"local accounts on", `localAccountsDisabled: true`, "localAccountsDisabled: false",
			[]string{"secure-aks:cluster.localAccountsDisabled: breaks guardrail AKS-LOCAL-ACCOUNTS"}},
		{"retention under 90 days", `softDeleteRetentionDays: 90`, "softDeleteRetentionDays: 30",
			[]string{"secure-aks:vault.softDeleteRetentionDays: breaks guardrail KV-RETENTION"}},
		{"a synced secret", `syncSecret: false`, "syncSecret: true",
			[]string{"secure-aks:workloads[0].syncSecret: breaks guardrail SPC-NO-SYNC"}},
		{"no node OS window", "      nodeOs:\n        dayOfWeek: Saturday\n        startTime: \"01:00\"\n        durationHours: 4\n        utcOffset: \"+00:00\"\n", "",
			[]string{"secure-aks:cluster.maintenance: breaks guardrail AKS-MAINTENANCE-WINDOWS"}},
		{"Defender off", `defender: true `, "defender: false ",
			[]string{"secure-aks:cluster.defender: breaks guardrail AKS-DEFENDER"}},
		{"Container Insights off", `containerInsights: true `, "containerInsights: false ",
			[]string{"secure-aks:cluster.containerInsights: breaks guardrail AKS-CONTAINER-INSIGHTS"}},
		{"a public registry", "    sku: Premium\n    private: true\n", "    sku: Premium\n",
			[]string{"secure-aks:registry.private: breaks guardrail ACR-PRIVATE"}},
		{"a fixed system pool", "    nodeMinCount: 3\n    nodeMaxCount: 5\n", "    nodeCount: 3\n",
			[]string{"secure-aks:cluster.nodeMaxCount: breaks guardrail AKS-AUTOSCALER"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, prod := copyProject(t, "prod")
			if !strings.Contains(string(prod), tt.pattern) {
				t.Fatalf("Pulumi.prod.yaml has no %q; update this test", tt.pattern)
			}
			writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), []byte(strings.Replace(string(prod), tt.pattern, tt.value, 1)))
			var out bytes.Buffer
			err := run([]string{"-dir", dir, "-stack", "prod", "-format", "json"}, &out)
			if err == nil {
				t.Fatal("the production stack was planned")
			}
			if out.Len() != 0 {
				t.Error("a refused stack printed a plan")
			}
			want := fmt.Sprintf("stack \"prod\" has %d configuration problem(s):", len(tt.want))
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error does not start with %q:\n%v", want, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			out.Reset()
			if err := run([]string{"-dir", dir, "-stack", "prod", "-check"}, &out); err == nil {
				t.Error("-check passed")
			}
			for _, w := range tt.want {
				rule := w[strings.LastIndex(w, " ")+1:]
				if !strings.Contains(out.String(), "FAIL "+rule+" ") {
					t.Errorf("-check does not fail %s:\n%s", rule, out.String())
				}
			}
		})
	}
}
