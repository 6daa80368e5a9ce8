package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// manyTags is a secure-aks:tags value with n entries.
func manyTags(n int) string {
	tags := map[string]string{}
	for i := range n {
		tags[fmt.Sprintf("tag%02d", i)] = "x"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// runStack runs the program for stack with the given configuration under the
// recording mock. With withSecrets, every name in vault.secretNames that the
// configuration has no value for gets testSecretValue, stored as a secret.
func runStack(t *testing.T, stack string, cfg plan.StackConfig, withSecrets bool, opts ...plan.RunOption) (*plan.Plan, *plan.Recorder, error) {
	t.Helper()
	if withSecrets {
		cfg = withSecretValues(t, cfg)
	}
	return plan.Run("secure-aks", stack, cfg, program, opts...)
}

// program is the Pulumi program, each output also given to export.
func program(export func(string, pulumi.Input)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := Build(ctx)
		if err != nil {
			return err
		}
		for name, v := range p.Outputs() {
			ctx.Export(name, v)
			export(name, v)
		}
		return nil
	}
}

// testSecretValue is the value withSecretValues gives a secret.
const testSecretValue = "test-secret-value"

// withSecretValues sets, as secrets, the values that vault.secretNames asks
// for and the configuration does not hold.
func withSecretValues(t *testing.T, cfg plan.StackConfig) plan.StackConfig {
	t.Helper()
	var vault struct {
		SecretNames []string `json:"secretNames"`
	}
	if json.Unmarshal([]byte(cfg.Values["secure-aks:vault"]), &vault) != nil || len(vault.SecretNames) == 0 {
		return cfg
	}
	values := map[string]string{}
	if raw := cfg.Values["secure-aks:secrets"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &values); err != nil {
			return cfg
		}
	}
	for _, n := range vault.SecretNames {
		if _, ok := values[n]; !ok {
			values[n] = testSecretValue
		}
	}
	b, _ := json.Marshal(values)
	out := plan.StackConfig{Project: cfg.Project, Values: maps.Clone(cfg.Values), SecretKeys: append(slices.Clone(cfg.SecretKeys), "secure-aks:secrets")}
	out.Values["secure-aks:secrets"] = string(b)
	return out
}

// planStackFile runs the program on the real Pulumi.STACK.yaml, as the
// offline plan does.
func planStackFile(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	cfg, err := plan.LoadStackFile("../Pulumi." + stack + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := runStack(t, stack, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func minimal(extra map[string]string) plan.StackConfig {
	cfg := plan.StackConfig{Values: map[string]string{LocationKey: "eastus"}}
	for k, v := range extra {
		cfg.Values[k] = v
	}
	return cfg
}

func mustFind(t *testing.T, rs []plan.Resource, typeSuffix, name string) plan.Resource {
	t.Helper()
	return plantest.MustFind(t, rs, typeSuffix, name)
}

// wantInput compares printed forms: the stack tests write numbers as Go
// ints, the recorded inputs hold them as float64.
func wantInput(t *testing.T, r plan.Resource, path string, want any) {
	t.Helper()
	got, ok := r.Input(path)
	if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s %s: input %s = %v (set: %v), want %v", r.Type, r.Name, path, got, ok, want)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	p, _, err := runStack(t, "staging", minimal(nil), false)
	if err != nil {
		t.Fatal(err)
	}
	// No name: azure-native auto-names the group from its logical name and
	// keeps the random suffix in the state.
	rg := mustFind(t, p.Resources, ":ResourceGroup", "rg-secure-aks-staging")
	if v, ok := rg.Input("resourceGroupName"); ok {
		t.Errorf("resourceGroupName = %v; by default the group is auto-named", v)
	}
	wantInput(t, rg, "location", "eastus")
	wantInput(t, rg, "tags", map[string]any{"environment": "staging", "managed-by": "pulumi", "project": "secure-aks"})
	mc := mustFind(t, p.Resources, ":ManagedCluster", "aks")
	wantInput(t, mc, "agentPoolProfiles.0.count", 3)
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval", "2m")
	kv := mustFind(t, p.Resources, "keyvault:Vault", "vault")
	wantInput(t, kv, "properties.enablePurgeProtection", true)
	wantInput(t, kv, "properties.networkAcls.defaultAction", "Deny")
	if n := len(plan.OfType(p.Resources, ":Secret")); n != 0 {
		t.Errorf("%d secrets without vault.secretNames, want 0", n)
	}
}

// TestLoadConfigRules has one case per configuration rule. Each bad value
// must give an error naming the full key and the value, and register nothing.
func TestLoadConfigRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		config  map[string]string
		wantErr string
	}{
		{"location required", map[string]string{LocationKey: ""}, "azure-native:location: is required"},
		{"location form", map[string]string{LocationKey: "East US"}, `azure-native:location "East US": must be an Azure region name`},
		{"environment form", map[string]string{"secure-aks:environment": "Prod"}, `secure-aks:environment "Prod": must be 1-16 lowercase`},
		{"resource group form", map[string]string{"secure-aks:resourceGroup": "rg."}, `secure-aks:resourceGroup "rg.": must be 1-90`},
		{"deployer principal type", map[string]string{"secure-aks:deployerPrincipalType": "Robot"}, `secure-aks:deployerPrincipalType "Robot": must be "User" or "ServicePrincipal"`},
		{"cluster unknown key", map[string]string{"secure-aks:cluster": `{"nodeCont": 3}`}, "secure-aks:cluster.nodeCont: unknown key"},
		{"cluster wrong type", map[string]string{"secure-aks:cluster": `{"nodeCount": "three"}`}, "secure-aks:cluster.nodeCount: got a JSON string, want a whole number"},
		{"cluster not an object", map[string]string{"secure-aks:cluster": `[1]`}, "secure-aks:cluster: got a JSON array, want an object"},
		{"node count zero", map[string]string{"secure-aks:cluster": `{"nodeCount": 0}`}, "secure-aks:cluster.nodeCount 0: must be between 1 and 100"},
		{"node count high", map[string]string{"secure-aks:cluster": `{"nodeCount": 101}`}, "secure-aks:cluster.nodeCount 101: must be between 1 and 100"},
		{"cluster name", map[string]string{"secure-aks:cluster": `{"name": "aks prod"}`}, `secure-aks:cluster.name "aks prod": must be 1-63`},
		{"kubernetes version", map[string]string{"secure-aks:cluster": `{"kubernetesVersion": "1.28.5-x"}`}, `secure-aks:cluster.kubernetesVersion "1.28.5-x"`},
		{"vm size", map[string]string{"secure-aks:cluster": `{"nodeVmSize": "big"}`}, `secure-aks:cluster.nodeVmSize "big"`},
		{"zone", map[string]string{"secure-aks:cluster": `{"availabilityZones": ["4"]}`}, `secure-aks:cluster.availabilityZones[0] "4"`},
		{"poll interval", map[string]string{"secure-aks:cluster": `{"rotationPollInterval": "2"}`}, `secure-aks:cluster.rotationPollInterval "2": must be a duration`},
		{"admin group required", map[string]string{"secure-aks:cluster": `{"localAccountsDisabled": true}`}, "secure-aks:cluster.adminGroupObjectIds"},
		{"admin group GUID", map[string]string{"secure-aks:cluster": `{"adminGroupObjectIds": ["ops"]}`}, `secure-aks:cluster.adminGroupObjectIds[0] "ops": must be a GUID`},
		{"authorized range", map[string]string{"secure-aks:cluster": `{"authorizedIpRanges": ["1.2.3.4/40"]}`}, `secure-aks:cluster.authorizedIpRanges[0] "1.2.3.4/40"`},
		{"vault unknown key", map[string]string{"secure-aks:vault": `{"purgeProtect": true}`}, "secure-aks:vault.purgeProtect: unknown key"},
		{"pool name underscore", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "user_1"}]}`}, "secure-aks:cluster.nodePools[0].name \"user_1\": must be 1-12 lowercase letters and digits, starting with a letter"},
		{"pool name 13 characters", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "abcdefghijklm"}]}`}, "secure-aks:cluster.nodePools[0].name \"abcdefghijklm\": must be 1-12 lowercase"},
		{"pool name system", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "system"}]}`}, "secure-aks:cluster.nodePools[0].name \"system\": is the system pool's name"},
		{"pool min over max", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "minCount": 5, "maxCount": 3}]}`}, "secure-aks:cluster.nodePools[0].minCount 5: must not exceed MaxCount 3"},
		{"pool duplicate", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps"}, {"name": "apps"}]}`}, "secure-aks:cluster.nodePools[1].name \"apps\": must not repeat cluster.nodePools[0]"},
		{"pool count out of range", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "count": 1001}]}`}, "secure-aks:cluster.nodePools[0].count 1001: must be between 1 and 1000"},
		{"pool count zero", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "count": 0}]}`}, "secure-aks:cluster.nodePools[0].count 0: must be between 1 and 1000"},
		{"pool count with autoscaler", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "count": 2, "maxCount": 3}]}`}, "secure-aks:cluster.nodePools[0].count 2: must be unset when the autoscaler is on"},
		{"pool min without max", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "minCount": 2}]}`}, "secure-aks:cluster.nodePools[0].maxCount 0: is required with MinCount"},
		{"pool unknown key", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "vmSku": "x"}]}`}, "secure-aks:cluster.nodePools[0].vmSku: unknown key"},
		{"pool wrong type", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "zones": "1"}]}`}, "secure-aks:cluster.nodePools[0].zones: got a JSON string, want a list"},
		{"pool zone", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "zones": ["4"]}]}`}, "secure-aks:cluster.nodePools[0].zones[0] \"4\""},
		{"pool ephemeral too small", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "vmSize": "Standard_D2ds_v5", "osDiskType": "Ephemeral"}]}`}, "secure-aks:cluster.nodePools[0].osDiskType \"Ephemeral\": needs a VM size whose local storage holds the 128 GiB OS disk: Standard_D2ds_v5 has 75 GiB"},
		{"pool max pods", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "maxPods": 300}]}`}, "secure-aks:cluster.nodePools[0].maxPods 300: must be between 10 and 250"},
		{"pool reserved label", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "labels": {"kubernetes.azure.com/mode": "x"}}]}`}, "secure-aks:cluster.nodePools[0].labels \"kubernetes.azure.com/mode\": must not use"},
		{"pool taint", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "taints": ["gpu=true"]}]}`}, "secure-aks:cluster.nodePools[0].taints[0] \"gpu=true\": must be key=value:Effect"},
		{"pool surge", map[string]string{"secure-aks:cluster": `{"nodePools": [{"name": "apps", "maxSurge": "0%"}]}`}, "secure-aks:cluster.nodePools[0].maxSurge \"0%\""},
		{"system min over max", map[string]string{"secure-aks:cluster": `{"nodeMinCount": 4, "nodeMaxCount": 3}`}, "secure-aks:cluster.nodeMinCount 4: must not exceed MaxCount 3"},
		{"system min zero", map[string]string{"secure-aks:cluster": `{"nodeMinCount": 0, "nodeMaxCount": 3}`}, "secure-aks:cluster.nodeMinCount 0: must be between 1 and 100"},
		{"system count with autoscaler", map[string]string{"secure-aks:cluster": `{"nodeCount": 3, "nodeMaxCount": 5, "nodeMinCount": 2}`}, "secure-aks:cluster.nodeCount 3: must be unset when the autoscaler is on"},
		{"window duration", map[string]string{"secure-aks:cluster": `{"maintenance": {"autoUpgrade": {"dayOfWeek": "Sunday", "startTime": "01:00", "durationHours": 2}}}`}, "secure-aks:cluster.maintenance.autoUpgrade.durationHours 2: must be between 4 and 24"},
		{"window day", map[string]string{"secure-aks:cluster": `{"maintenance": {"nodeOs": {"dayOfWeek": "Sun", "startTime": "01:00"}}}`}, "secure-aks:cluster.maintenance.nodeOs.dayOfWeek \"Sun\": must be a day of the week"},
		{"window start", map[string]string{"secure-aks:cluster": `{"maintenance": {"nodeOs": {"dayOfWeek": "Sunday", "startTime": "25:00"}}}`}, "secure-aks:cluster.maintenance.nodeOs.startTime \"25:00\""},
		{"window offset", map[string]string{"secure-aks:cluster": `{"maintenance": {"nodeOs": {"dayOfWeek": "Sunday", "startTime": "01:00", "utcOffset": "+15:00"}}}`}, "secure-aks:cluster.maintenance.nodeOs.utcOffset \"+15:00\""},
		{"container insights without logs", map[string]string{"secure-aks:cluster": `{"containerInsights": true}`}, "secure-aks:cluster.containerInsights true: needs secure-aks:logs.enabled true"},
		{"defender without logs", map[string]string{"secure-aks:cluster": `{"defender": true}`}, "secure-aks:cluster.defender true: needs secure-aks:logs.enabled true"},
		{"image cleaner interval", map[string]string{"secure-aks:cluster": `{"imageCleanerIntervalHours": 12}`}, "secure-aks:cluster.imageCleanerIntervalHours 12: must be between 24 and 2160"},
		{"registry name", map[string]string{"secure-aks:registry": `{"enabled": true, "name": "my-registry"}`}, "secure-aks:registry.name \"my-registry\": must be 5-50 letters and digits"},
		{"registry id form", map[string]string{"secure-aks:registry": `{"id": "crshared"}`}, "secure-aks:registry.id \"crshared\": must be a registry's resource ID"},
		{"registry id with create keys", map[string]string{"secure-aks:registry": `{"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crshared", "sku": "Premium"}`}, "names an existing registry: remove the keys that create one"},
		{"registry keys without enabled", map[string]string{"secure-aks:registry": `{"sku": "Premium"}`}, "secure-aks:registry.enabled: is false, but other registry keys are set"},
		{"registry unknown key", map[string]string{"secure-aks:registry": `{"enable": true}`}, "secure-aks:registry.enable: unknown key"},
		{"registry private without network", map[string]string{"secure-aks:registry": `{"enabled": true, "private": true, "sku": "Premium"}`}, "secure-aks:registry.private true: needs secure-aks:network.enabled true"},
		{"registry private not premium", map[string]string{"secure-aks:registry": `{"enabled": true, "private": true}`, "secure-aks:network": `{"enabled": true}`}, "secure-aks:registry.sku \"Standard\": must be Premium with a private endpoint"},
		{"vault name", map[string]string{"secure-aks:vault": `{"name": "kv--x"}`}, `secure-aks:vault.name "kv--x": must not contain two hyphens in a row`},
		{"vault sku", map[string]string{"secure-aks:vault": `{"sku": "gold"}`}, `secure-aks:vault.sku "gold"`},
		{"retention zero", map[string]string{"secure-aks:vault": `{"softDeleteRetentionDays": 0}`}, "secure-aks:vault.softDeleteRetentionDays 0: must be between 7 and 90"},
		{"retention high", map[string]string{"secure-aks:vault": `{"softDeleteRetentionDays": 365}`}, "secure-aks:vault.softDeleteRetentionDays 365: must be between 7 and 90"},
		{"network action", map[string]string{"secure-aks:vault": `{"networkDefaultAction": "Block"}`}, `secure-aks:vault.networkDefaultAction "Block"`},
		{"vault ip range", map[string]string{"secure-aks:vault": `{"allowedIpRanges": ["office"]}`}, `secure-aks:vault.allowedIpRanges[0] "office"`},
		{"vault subnet", map[string]string{"secure-aks:vault": `{"subnetIds": ["subnet-1"]}`}, `secure-aks:vault.subnetIds[0] "subnet-1"`},
		{"secret name", map[string]string{"secure-aks:vault": `{"secretNames": ["my_secret"]}`}, `secure-aks:vault.secretNames "my_secret": secret names must be`},
		{"secret name repeated", map[string]string{"secure-aks:vault": `{"secretNames": ["a", "a"]}`}, `secure-aks:vault.secretNames[1] "a": must not repeat`},
		{"tags form", map[string]string{"secure-aks:tags": `{"a/b": "x"}`}, `secure-aks:tags "a/b": tag names must not contain`},
		{"tags not strings", map[string]string{"secure-aks:tags": `{"n": 1}`}, "secure-aks:tags: got a JSON number, want a string"},
		{"too many tags", map[string]string{"secure-aks:tags": manyTags(60)}, "secure-aks:tags: holds 60 tags; with the project's own (environment, managed-by, project) every resource would carry 63, over Azure's 50"},
		{"tag value too long", map[string]string{"secure-aks:tags": `{"owner": "` + strings.Repeat("x", 257) + `"}`}, `secure-aks:tags.owner "xxx`},
		{"secrets not an object", map[string]string{"secure-aks:secrets": `"oops"`}, "secure-aks:secrets: got a JSON string, want an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := minimal(tt.config)
			if cfg.Values[LocationKey] == "" {
				delete(cfg.Values, LocationKey)
			}
			_, rec, err := runStack(t, "test", cfg, true) // missing secret values are TestSecretValues' job
			wantOneProblem(t, err, tt.wantErr)
			if n := len(rec.Resources()); n != 0 {
				t.Errorf("%d resources registered, want 0", n)
			}
		})
	}
}

// wantOneProblem checks that err is a configuration error with exactly one
// problem, and that it contains want: one problem, one message, naming the
// user's own key.
func wantOneProblem(t *testing.T, err error, want string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a configuration error containing %q", err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%v", want, err)
	}
	if n := len(components.Unjoin(ce.Err)); n != 1 {
		t.Errorf("%d messages for one problem, want 1:\n%v", n, err)
	}
}

func TestConfigErrorListsEveryProblem(t *testing.T) {
	t.Parallel()
	_, rec, err := runStack(t, "test", minimal(map[string]string{
		"secure-aks:cluster": `{"nodeCount": 0, "rotationPollInterval": "soon"}`,
		"secure-aks:vault":   `{"name": "kv--x", "softDeleteRetentionDays": 3}`,
	}), false)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`stack "test" has 4 configuration problem(s):`,
		"\n  - secure-aks:cluster.nodeCount 0",
		"\n  - secure-aks:cluster.rotationPollInterval \"soon\"",
		"\n  - secure-aks:vault.name \"kv--x\"",
		"\n  - secure-aks:vault.softDeleteRetentionDays 3",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if len(rec.Resources()) != 0 {
		t.Error("resources were registered")
	}
}

func TestSecretValues(t *testing.T) {
	t.Parallel()
	names := map[string]string{"secure-aks:vault": `{"secretNames": ["MyApplicationSecret"]}`}

	// pulumi up: a missing value is an error that gives the exact command.
	_, rec, err := runStack(t, "dev", minimal(names), false)
	if err == nil || !strings.Contains(err.Error(), "secure-aks:secrets.MyApplicationSecret: has no value: run pulumi config set --secret --path 'secrets.MyApplicationSecret' VALUE -s dev") {
		t.Errorf("err = %v", err)
	}
	if len(rec.Resources()) != 0 {
		t.Error("resources were registered")
	}

	// A value set with --secret flows into the vault as a secret.
	withValue := minimal(names)
	withValue.Values["secure-aks:secrets"] = `{"MyApplicationSecret": "s3cr3t"}`
	withValue.SecretKeys = []string{"secure-aks:secrets"}
	_, rec, err = runStack(t, "dev", withValue, false)
	if err != nil {
		t.Fatal(err)
	}
	s := mustFind(t, rec.Resources(), ":Secret", "vault-MyApplicationSecret")
	wantInput(t, s, "properties.value", "s3cr3t")
	if !s.IsSecretInput("properties.value") {
		t.Error("value is not a secret")
	}

	// The CLI injects Pulumi.yaml's default, a plain {}, into a stack with no
	// secret set: that is no value in plain text.
	injected := minimal(nil)
	injected.Values["secure-aks:secrets"] = "{}"
	if _, _, err := runStack(t, "dev", injected, false); err != nil {
		t.Errorf("the project default {} of secure-aks:secrets: %v", err)
	}

	// A value in plain text, or one that no secretNames entry asks for, is refused.
	plain := minimal(names)
	plain.Values["secure-aks:secrets"] = `{"MyApplicationSecret": "s3cr3t", "Typo": "x"}`
	_, rec, err = runStack(t, "dev", plain, false)
	if err == nil || !strings.Contains(err.Error(), "secure-aks:secrets: is stored in plain text in Pulumi.dev.yaml") ||
		!strings.Contains(err.Error(), "secure-aks:secrets.Typo: is not listed in secure-aks:vault.secretNames") {
		t.Errorf("err = %v", err)
	}
	if len(rec.Resources()) != 0 {
		t.Error("resources were registered")
	}
}

func TestDeployerDataPlaneAccessIsOptIn(t *testing.T) {
	t.Parallel()
	if got := principalType(components.ClientConfig{ClientID: AzureCLIClientID}); got != "User" {
		t.Errorf("az login user session: %q", got)
	}
	if got := principalType(components.ClientConfig{ClientID: "3f2c7a9e-0000-0000-0000-000000000000"}); got != "ServicePrincipal" {
		t.Errorf("service principal: %q", got)
	}
	// Off by default: no grant of any kind on the vault for the deployer,
	// whichever authorization mode; the secret is still written.
	for _, vault := range []string{`{"secretNames": ["s"]}`, `{"secretNames": ["s"], "rbacAuthorization": false}`} {
		_, rec, err := runStack(t, "test", minimal(map[string]string{"secure-aks:vault": vault}), true)
		if err != nil {
			t.Fatal(err)
		}
		mustFind(t, rec.Resources(), ":Secret", "vault-s")
		if n := len(plan.OfType(rec.Resources(), ":RoleAssignment")) + len(plan.OfType(rec.Resources(), "keyvault:AccessPolicy")); n != 0 {
			t.Errorf("vault %s: %d grants without deployerDataPlaneAccess, want 0", vault, n)
		}
	}

	cfg := minimal(map[string]string{
		"secure-aks:vault":                 `{"secretNames": ["s"], "deployerDataPlaneAccess": true}`,
		"secure-aks:deployerPrincipalType": "User",
	})
	_, rec, err := runStack(t, "test", cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	ra := mustFind(t, rec.Resources(), ":RoleAssignment", "vault-secrets-officer")
	wantInput(t, ra, "principalType", "User")
	wantInput(t, ra, "principalId", plan.FakeGUID("client", "objectId"))
	// The fake client is not the Azure CLI: detected as a service principal.
	delete(cfg.Values, "secure-aks:deployerPrincipalType")
	_, rec, err = runStack(t, "test", cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	wantInput(t, mustFind(t, rec.Resources(), ":RoleAssignment", "vault-secrets-officer"), "principalType", "ServicePrincipal")
}

// stackFiles lists the project's stacks (plan.StackFiles).
func stackFiles(t *testing.T) []string {
	t.Helper()
	stacks, err := plan.StackFiles("..")
	if err != nil {
		t.Fatal(err)
	}
	return stacks
}

// TestStackFiles loads and deploys every real stack file, and a copy of
// Pulumi.dev.yaml holding committed ciphertext as the docs say to commit it.
// A stack file that no longer parses, or that breaks a policy, fails here.
func TestStackFiles(t *testing.T) {
	t.Parallel()
	type stackCase struct {
		name, stack string
		cfg         func(t *testing.T) plan.StackConfig
	}
	var cases []stackCase
	for _, stack := range stackFiles(t) {
		cases = append(cases, stackCase{stack, stack, func(t *testing.T) plan.StackConfig {
			cfg, err := plan.LoadStackFile("../Pulumi." + stack + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			return cfg
		}})
	}
	if len(cases) < 3 {
		t.Fatalf("stack files %v; want dev, prod and staging at least", cases)
	}
	cases = append(cases, stackCase{"dev with committed ciphertext", "dev", func(t *testing.T) plan.StackConfig {
		_, encrypted := devWithCiphertext(t)
		cfg := loadStackText(t, "dev", encrypted)
		if !slices.Contains(cfg.SecretKeys, "secure-aks:secrets") {
			t.Fatalf("the ciphertext copy holds no secret: %v", cfg.SecretKeys)
		}
		return cfg
	}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg(t)
			if leak := plaintextSecrets(cfg); leak != "" {
				t.Error(leak)
			}
			p, _, err := runStack(t, tc.stack, cfg, true)
			if err != nil {
				t.Fatal(err)
			}
			stack := tc.stack
			mc := mustFind(t, p.Resources, ":ManagedCluster", "aks")
			kv := mustFind(t, p.Resources, "keyvault:Vault", "vault")
			wantInput(t, mc, "oidcIssuerProfile.enabled", true)
			wantInput(t, mc, "securityProfile.workloadIdentity.enabled", true)
			wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", "true")
			if len(plan.OfType(p.Resources, "keyvault:Secret")) == 0 {
				t.Error("the stack writes no secret")
			}
			// One azure-native provider: every resource asks for the same
			// plugin version, whichever SDK module declares it.
			versions := map[string]bool{}
			for _, r := range p.Resources {
				if r.Custom && strings.HasPrefix(r.Type, "azure-native:") {
					versions[r.Version] = true
				}
			}
			if len(versions) != 1 || versions[""] {
				t.Errorf("azure-native resources ask for plugin versions %v; want one", slices.Sorted(maps.Keys(versions)))
			}
			// Nobody, the deployer included, has standing data-plane access:
			// no grant names the identity running `pulumi up`.
			deployer := plan.FakeGUID("client", "objectId")
			for _, r := range append(plan.OfType(p.Resources, ":RoleAssignment"), plan.OfType(p.Resources, "keyvault:AccessPolicy")...) {
				if principal, _ := r.Input("principalId"); principal == deployer {
					t.Errorf("%s grants the deployer a data-plane role", r.Name)
				}
				if principal, _ := r.Input("policy.objectId"); principal == deployer {
					t.Errorf("%s gives the deployer an access policy", r.Name)
				}
			}
			// The stacks' policies. Exact values (sizes, intervals, names)
			// are pinned by the golden plans in tests/testdata/plans, where
			// changing them is a reviewed diff; these checks fail only when a
			// policy breaks.
			switch stack {
			case "dev":
				wantInput(t, kv, "properties.enableRbacAuthorization", true)
				if _, ok := kv.Input("properties.enablePurgeProtection"); ok {
					t.Error("dev: purge protection is set; dev leaves it off (see Pulumi.dev.yaml)")
				}
				if _, ok := mustFind(t, p.Resources, ":ResourceGroup", "rg-secure-aks-dev").Input("resourceGroupName"); ok {
					t.Error("dev: the resource group has a fixed name; two people's dev stacks would share it")
				}
			case "staging":
				// The modes no other stack file takes.
				wantInput(t, kv, "properties.enableRbacAuthorization", false)
				if len(plan.OfType(p.Resources, "azuread:index/application:Application")) == 0 {
					t.Error("staging: no application identity")
				}
				for _, perm := range []string{"certificates:[get]", "keys:[get]"} {
					if !hasPermission(p.Resources, perm) {
						t.Errorf("staging: no access policy grants %s", perm)
					}
				}
				if len(plan.OfType(p.Resources, "kubernetes:core/v1:Namespace")) == 0 {
					t.Error("staging: creates no namespace")
				}
				synced := false
				for _, spc := range plan.OfType(p.Resources, ":SecretProviderClass") {
					if _, ok := spc.Input("spec.secretObjects"); ok {
						synced = true
					}
				}
				if !synced {
					t.Error("staging: no SecretProviderClass syncs a Kubernetes Secret")
				}
				if n := len(plan.OfType(p.Resources, components.WorkloadIdentityType)); n < 2 {
					t.Errorf("staging: %d workloads, want several", n)
				}
			case "prod":
				wantInput(t, kv, "properties.enableRbacAuthorization", true)
				zones, _ := mc.Input("agentPoolProfiles.0.availabilityZones")
				count, _ := mc.Input("agentPoolProfiles.0.count")
				if z, _ := zones.([]any); len(z) < 2 {
					t.Errorf("prod: system pool zones %v; want at least two", zones)
				} else if n, _ := count.(float64); int(n) < len(z) {
					t.Errorf("prod: %v nodes over %d zones; want at least one node per zone", count, len(z))
				}
				wantInput(t, mc, "disableLocalAccounts", true)
				wantInput(t, mc, "aadProfile.enableAzureRBAC", true)
				if v, _ := mc.Input("aadProfile.adminGroupObjectIDs"); len(v.([]any)) == 0 {
					t.Error("prod: no admin group")
				}
				if v, _ := mc.Input("apiServerAccessProfile.authorizedIPRanges"); len(v.([]any)) == 0 {
					t.Error("prod: no authorized IP ranges")
				}
				wantInput(t, kv, "properties.enablePurgeProtection", true)
				// Closed to the internet, reached through its private
				// endpoint; the nodes in the stack's own subnet.
				wantInput(t, kv, "properties.networkAcls.defaultAction", "Deny")
				wantInput(t, kv, "properties.publicNetworkAccess", "Disabled")
				if v, ok := kv.Input("properties.networkAcls.ipRules"); ok && len(v.([]any)) != 0 {
					t.Errorf("prod: vault lets in IP ranges %v; it is reached through its private endpoint", v)
				}
				groups := map[string]int{}
				for _, e := range plan.OfType(p.Resources, ":PrivateEndpoint") {
					g, _ := e.Input("privateLinkServiceConnections.0.groupIds.0")
					groups[fmt.Sprint(g)]++
				}
				if groups["vault"] != 1 || groups["registry"] != 1 || len(groups) != 2 {
					t.Errorf("prod: private endpoints by group %v, want one for the vault and one for the registry", groups)
				}
			}

			// Outputs: exactly the platform contract and the workloads, by
			// value; the kubeconfig secret, the issuer the cluster's.
			keys := slices.Sorted(maps.Keys(p.Outputs))
			want := slices.Sorted(slices.Values(append(slices.Clone(OutputNames), OutputWorkloads)))
			if !slices.Equal(keys, want) {
				t.Errorf("outputs = %v, want %v", keys, want)
			}
			for name, wantValue := range map[string]any{
				OutputClusterID:          mc.ID,
				OutputClusterUID:         mc.State["resourceUID"].StringValue(),
				OutputClusterName:        mc.State["name"].StringValue(),
				OutputVaultID:            kv.ID,
				OutputVaultName:          kv.State["name"].StringValue(),
				OutputTenantID:           plantest.MustInput(t, kv, "properties.tenantId"),
				OutputLocation:           plantest.MustInput(t, mc, "location"),
				OutputVaultAuthorization: map[bool]string{true: "RBAC", false: "AccessPolicy"}[plantest.MustInput(t, kv, "properties.enableRbacAuthorization") == true],
			} {
				if p.Outputs[name] != wantValue {
					t.Errorf("output %s = %v, want %v", name, p.Outputs[name], wantValue)
				}
			}
			if p.Outputs["kubeconfig"] != plan.SecretMarker {
				t.Errorf("kubeconfig output is not secret: %v", p.Outputs["kubeconfig"])
			}
			if s, _ := p.Outputs["oidcIssuerUrl"].(string); !strings.HasPrefix(s, plan.IssuerBase) || !strings.HasSuffix(s, "/") {
				t.Errorf("oidcIssuerUrl = %v", p.Outputs["oidcIssuerUrl"])
			}
			if rg := mustFind(t, p.Resources, ":ResourceGroup", "rg-secure-aks-"+stack); p.Outputs["resourceGroupName"] != rg.State["name"].StringValue() {
				t.Errorf("resourceGroupName = %v, want the group's name %s", p.Outputs["resourceGroupName"], rg.State["name"].StringValue())
			}

			// Cluster and vault are created side by side: neither waits on the other.
			for _, r := range p.Resources {
				for _, d := range r.DependsOn {
					inCluster := strings.Contains(r.URN, components.ClusterType)
					inVault := strings.Contains(r.URN, components.VaultType)
					if (inCluster && strings.Contains(d, components.VaultType)) || (inVault && strings.Contains(d, components.ClusterType)) {
						t.Errorf("%s depends on %s", r.URN, d)
					}
				}
			}
		})
	}
}

func TestProjectFileDeclaresEveryKey(t *testing.T) {
	t.Parallel()
	// LoadProject validates Pulumi.yaml against Pulumi's own project schema.
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if proj.Name != "secure-aks" || proj.Runtime.Name() != "go" || proj.Description == nil {
		t.Errorf("project = %s, runtime %s", proj.Name, proj.Runtime.Name())
	}
	var declared []string
	for k, v := range proj.Config {
		declared = append(declared, k)
		if v.Type == nil || v.Description == "" {
			t.Errorf("config %s: declare its type and description", k)
		}
	}
	slices.Sort(declared)
	want := slices.Sorted(slices.Values(Keys))
	if fmt.Sprint(declared) != fmt.Sprint(want) {
		t.Errorf("Pulumi.yaml declares %v, LoadConfig reads %v", declared, want)
	}
	for _, stack := range []string{"dev", "prod"} {
		cfg, err := plan.LoadStackFile("../Pulumi." + stack + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		for k := range cfg.Values {
			if ns, name, _ := strings.Cut(k, ":"); ns == Namespace && !slices.Contains(Keys, name) {
				t.Errorf("Pulumi.%s.yaml sets undeclared key %s", stack, k)
			}
		}
		if leak := plaintextSecrets(cfg); leak != "" {
			t.Errorf("Pulumi.%s.yaml: %s", stack, leak)
		}
	}
}

// plaintextSecrets says what a stack's configuration holds in plain text
// under secure-aks:secrets, or "". Ciphertext ({secure: ...}) is what the
// docs say to commit; the project default, an empty object, holds nothing.
func plaintextSecrets(cfg plan.StackConfig) string {
	raw, ok := cfg.Values["secure-aks:secrets"]
	if !ok || raw == "{}" || slices.Contains(cfg.SecretKeys, "secure-aks:secrets") {
		return ""
	}
	return "secure-aks:secrets holds plain values: " + raw
}

// TestNoPlaintextSecrets checks the check: committed ciphertext passes, a
// plain value fails. It starts from Pulumi.dev.yaml as committed, and from
// the file as the README's `pulumi config set --secret -s dev` leaves it,
// with ciphertext in it: following the README keeps this test green.
func TestNoPlaintextSecrets(t *testing.T) {
	t.Parallel()
	dev, encrypted := devWithCiphertext(t)
	for base, file := range map[string]string{"as committed": dev, "after pulumi config set --secret": encrypted} {
		plain := withPlainSecret(t, file)
		withCiphertext, err := plan.WithCiphertext([]byte(file), "secure-aks:secrets", map[string]string{"MyApplicationSecret": "committed"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name, file string
			wantLeak   bool
		}{{"ciphertext", string(withCiphertext), false}, {"plain", plain, true}} {
			cfg := loadStackText(t, "dev", tt.file)
			if leak := plaintextSecrets(cfg); (leak != "") != tt.wantLeak {
				t.Errorf("%s, %s: plaintextSecrets = %q, want a leak: %v", base, tt.name, leak, tt.wantLeak)
			}
		}
	}
}

// withPlainSecret returns the stack file with secure-aks:secrets set to a
// value in plain text, replacing whatever the file held under that key.
func withPlainSecret(t *testing.T, stackFile string) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(stackFile), &doc); err != nil {
		t.Fatal(err)
	}
	doc["config"].(map[string]any)["secure-aks:secrets"] = map[string]any{"MyApplicationSecret": "in-plain-text"}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// devWithCiphertext returns Pulumi.dev.yaml, and a copy holding its secret's
// value as committed ciphertext.
func devWithCiphertext(t *testing.T) (dev, encrypted string) {
	t.Helper()
	data, err := os.ReadFile("../Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := plan.WithCiphertext(data, "secure-aks:secrets", map[string]string{"MyApplicationSecret": "committed"})
	if err != nil {
		t.Fatal(err)
	}
	return string(data), string(enc)
}

// loadStackText loads a stack file's text as the CLI would, beside the real
// Pulumi.yaml.
func loadStackText(t *testing.T, stack, text string) plan.StackConfig {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile("../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"Pulumi.yaml": string(project), "Pulumi." + stack + ".yaml": text} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := plan.LoadStackFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// hasPermission says whether an access policy grants perm, such as
// "certificates:[get]".
func hasPermission(rs []plan.Resource, perm string) bool {
	kind, want, _ := strings.Cut(perm, ":")
	for _, r := range plan.OfType(rs, "keyvault:AccessPolicy") {
		if got, _ := r.Input("policy.permissions." + kind); fmt.Sprint(got) == want {
			return true
		}
	}
	return false
}

func resourceValue(m resource.PropertyMap) resource.PropertyValue { return resource.NewProperty(m) }
