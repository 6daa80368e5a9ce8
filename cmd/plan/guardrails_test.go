package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aks/secure-aks/internal/guardrails"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// TestEveryStackPassesItsProfile runs -check on every stack file: each passes
// every rule of its own profile, and prints one line per rule.
func TestEveryStackPassesItsProfile(t *testing.T) {
	if n := len(guardrails.Rules); n < 20 {
		t.Fatalf("%d rules, want at least 20", n)
	}
	for _, stack := range stackFiles(t) {
		t.Run(stack, func(t *testing.T) {
			var out bytes.Buffer
			if err := run([]string{"-dir", "../..", "-stack", stack, "-check"}, &out); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 1+len(guardrails.Rules) {
				t.Errorf("%d lines, want a header and one per rule:\n%s", len(lines), out.String())
			}
			for _, l := range lines[1:] {
				if !strings.HasPrefix(l, "PASS ") && !strings.HasPrefix(l, "SKIP ") {
					t.Errorf("not a PASS or SKIP line: %s", l)
				}
			}
		})
	}
}

// fixture is a change to a stack's plan that must break exactly one rule.
type fixture struct {
	stack  string
	change func(t *testing.T, p *plan.Plan)
}

// setInput sets (or, with nil, deletes) the input at path, such as
// "agentPoolProfiles[0].vmSize", of the resource of a type and name.
func setInput(typeSuffix, name, path string, value any) func(*testing.T, *plan.Plan) {
	return func(t *testing.T, p *plan.Plan) {
		t.Helper()
		r := mustResource(t, p, typeSuffix, name)
		pp, err := resource.ParsePropertyPath(path)
		if err != nil {
			t.Fatal(err)
		}
		dest := resource.NewProperty(r.RawInputs)
		ok := false
		if value == nil {
			ok = pp.Delete(dest)
		} else {
			ok = pp.Set(dest, resource.NewPropertyValue(value))
		}
		if !ok {
			t.Fatalf("%s %s: cannot set %s", typeSuffix, name, path)
		}
	}
}

// mustResource returns a pointer to the plan's resource of a type and name.
func mustResource(t *testing.T, p *plan.Plan, typeSuffix, name string) *plan.Resource {
	t.Helper()
	for i, r := range p.Resources {
		if strings.HasSuffix(r.Type, typeSuffix) && r.Name == name {
			return &p.Resources[i]
		}
	}
	t.Fatalf("no %s %s in the plan", typeSuffix, name)
	return nil
}

// fixtures break each rule, from a plan that passes every rule.
var fixtures = map[string]fixture{
	"AKS-OIDC-ISSUER":       {"prod", setInput(":ManagedCluster", "aks", "oidcIssuerProfile.enabled", false)},
	"AKS-WORKLOAD-IDENTITY": {"prod", setInput(":ManagedCluster", "aks", "securityProfile.workloadIdentity.enabled", false)},
	"AKS-SECRETS-ROTATION":  {"prod", setInput(":ManagedCluster", "aks", "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", "false")},
	"AKS-LOCAL-ACCOUNTS":    {"prod", setInput(":ManagedCluster", "aks", "disableLocalAccounts", false)},
	"AKS-AAD-AZURE-RBAC":    {"prod", setInput(":ManagedCluster", "aks", "aadProfile.enableAzureRBAC", false)},
	"AKS-KUBERNETES-RBAC":   {"prod", setInput(":ManagedCluster", "aks", "enableRBAC", false)},
	"AKS-API-ACCESS":        {"prod", setInput(":ManagedCluster", "aks", "apiServerAccessProfile", nil)},
	"AKS-NETWORK-POLICY":    {"prod", setInput(":ManagedCluster", "aks", "networkProfile.networkPolicy", "none")},
	"AKS-NODE-PUBLIC-IP":    {"prod", setInput(":ManagedCluster", "aks", "agentPoolProfiles[0].enableNodePublicIP", true)},
	"AKS-AUTO-UPGRADE":      {"prod", setInput(":ManagedCluster", "aks", "autoUpgradeProfile.upgradeChannel", "none")},
	"AKS-NODE-OS-UPGRADE":   {"prod", setInput(":ManagedCluster", "aks", "autoUpgradeProfile.nodeOSUpgradeChannel", "None")},
	"AKS-SLA-TIER":          {"prod", setInput(":ManagedCluster", "aks", "sku.tier", "Free")},
	"AKS-AUDIT-LOGS":        {"prod", setInput(":DiagnosticSetting", "aks-diagnostics", "logs[1].enabled", false)},
	"AKS-OWN-SUBNET":        {"prod", setInput(":ManagedCluster", "aks", "agentPoolProfiles[0].vnetSubnetID", nil)},
	"AKS-PROTECT": {"prod", func(t *testing.T, p *plan.Plan) {
		mustResource(t, p, ":ManagedCluster", "aks").Protect = false
	}},
	"AKS-SYSTEM-POOL-TAINT":   {"prod", setInput(":ManagedCluster", "aks", "agentPoolProfiles[0].nodeTaints", nil)},
	"AKS-AUTOSCALER-BOUNDS":   {"staging", setInput(":AgentPool", "aks-pool-apps", "minCount", 5)},
	"AKS-AUTOSCALER":          {"prod", setInput(":AgentPool", "aks-pool-apps", "enableAutoScaling", false)},
	"AKS-ZONES":               {"prod", setInput(":AgentPool", "aks-pool-apps", "availabilityZones", []any{"1"})},
	"AKS-SURGE":               {"dev", setInput(":ManagedCluster", "aks", "agentPoolProfiles[0].upgradeSettings", nil)},
	"AKS-MAINTENANCE-WINDOWS": {"prod", setInput(":MaintenanceConfiguration", "aks-node-os-upgrade-window", "maintenanceWindow.durationHours", 2)},
	"AKS-CONTAINER-INSIGHTS":  {"prod", setInput(":ManagedCluster", "aks", "addonProfiles.omsagent.config.useAADAuth", "false")},
	"AKS-IMAGE-CLEANER":       {"dev", setInput(":ManagedCluster", "aks", "securityProfile.imageCleaner.enabled", false)},
	"AKS-DEFENDER":            {"prod", setInput(":ManagedCluster", "aks", "securityProfile.defender", nil)},
	"ACR-ADMIN-OFF":           {"prod", setInput(":Registry", "registry", "adminUserEnabled", true)},
	"ACR-PRIVATE":             {"prod", setInput(":Registry", "registry", "publicNetworkAccess", "Enabled")},
	"ACR-PULL-KUBELET-ONLY":   {"staging", setInput(":RoleAssignment", "aks-kubelet-acr-pull", "principalId", "00000000-0000-4000-8000-0000000000bb")},
	"KV-RBAC":                 {"prod", setInput("keyvault:Vault", "vault", "properties.enableRbacAuthorization", false)},
	"KV-SOFT-DELETE":          {"prod", setInput("keyvault:Vault", "vault", "properties.enableSoftDelete", false)},
	"KV-PURGE-PROTECTION":     {"prod", setInput("keyvault:Vault", "vault", "properties.enablePurgeProtection", nil)},
	"KV-RETENTION":            {"prod", setInput("keyvault:Vault", "vault", "properties.softDeleteRetentionInDays", 30)},
	"KV-PUBLIC-ACCESS":        {"prod", setInput("keyvault:Vault", "vault", "properties.publicNetworkAccess", "Enabled")},
	"KV-FIREWALL":             {"prod", setInput("keyvault:Vault", "vault", "properties.networkAcls.defaultAction", "Allow")},
	"KV-PRIVATE-ENDPOINT": {"prod", func(t *testing.T, p *plan.Plan) {
		mustResource(t, p, ":PrivateDnsZoneGroup", "vault-endpoint-dns")
		p.Resources = slices.DeleteFunc(p.Resources, func(r plan.Resource) bool {
			return strings.HasSuffix(r.Type, ":PrivateDnsZoneGroup") && r.Name == "vault-endpoint-dns"
		})
	}},
	"KV-AUDIT-LOGS":  {"prod", setInput(":DiagnosticSetting", "vault-diagnostics", "logs[0].enabled", false)},
	"KV-DELETE-LOCK": {"prod", setInput(":ManagementLockByScope", "vault-lock", "level", "NotSpecified")},
	"KV-PROTECT": {"prod", func(t *testing.T, p *plan.Plan) {
		mustResource(t, p, "keyvault:Vault", "vault").Protect = false
	}},
	"KV-SECRET-CONTENT-TYPE":    {"prod", setInput("keyvault:Secret", "vault-MyApplicationSecret", "properties.contentType", nil)},
	"ID-GRANT-SCOPE":            {"prod", setInput(":RoleAssignment", "secret-reader-vault-secrets-user", "scope", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secure-aks-prod")},
	"ID-READ-ROLES":             {"prod", setInput(":RoleAssignment", "secret-reader-vault-secrets-user", "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c")},
	"ID-GET-ONLY":               {"staging", setInput("keyvault:AccessPolicy", "orders-vault-policy", "policy.permissions.secrets", []any{"get", "list"})},
	"ID-NO-STANDING-DATA-PLANE": {"prod", setInput(":RoleAssignment", "aks-subnet-network-contributor", "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7")},
	"ID-ENTRA-OWNER":            {"staging", setInput("azuread:index/application:Application", "payments", "owners", []any{"00000000-0000-4000-8000-0000000000aa"})},
	"ID-FEDERATION-EXACT":       {"prod", setInput("managedidentity/v20230131:FederatedIdentityCredential", "secret-reader-fic", "audiences", []any{"api://other"})},
	"SPC-WORKLOAD-IDENTITY":     {"prod", setInput(":SecretProviderClass", "secret-reader", "spec.parameters.clientID", "00000000-0000-0000-0000-0000000000ff")},
	"SPC-NO-SYNC":               {"prod", setInput(":SecretProviderClass", "secret-reader", "spec.secretObjects", []any{map[string]any{"secretName": "s", "type": "Opaque"}})},
	"POD-RESTRICTED":            {"dev", setInput("apps/v1:Deployment", "secret-reader-sample", "spec.template.spec.containers[0].resources.limits.cpu", nil)},
	"DATA-NO-PLAINTEXT": {"prod", func(t *testing.T, p *plan.Plan) {
		s := mustResource(t, p, "keyvault:Secret", "vault-MyApplicationSecret")
		props := s.RawInputs["properties"]
		if props.IsSecret() {
			props = props.SecretValue().Element
		}
		obj := props.ObjectValue()
		obj["value"] = resource.NewProperty("in plain text")
		s.RawInputs["properties"] = resource.NewProperty(obj)
	}},
}

// TestEveryRuleHasAFixtureThatBreaksOnlyIt: each rule's fixture, applied to
// a plan that passes every rule, fails that rule and no other.
func TestEveryRuleHasAFixtureThatBreaksOnlyIt(t *testing.T) {
	profiles := map[string]guardrails.Profile{"prod": guardrails.ProfileProduction, "dev": guardrails.ProfileStandard, "staging": guardrails.ProfileStandard}
	for _, rule := range guardrails.Rules {
		t.Run(rule.ID, func(t *testing.T) {
			t.Parallel()
			fx, ok := fixtures[rule.ID]
			if !ok {
				t.Fatalf("no fixture breaks %s", rule.ID)
			}
			p := livePlan(t, fx.stack)
			if failed := guardrails.Failed(guardrails.Evaluate(p, profiles[fx.stack])); len(failed) != 0 {
				t.Fatalf("the base plan of %s already fails %v", fx.stack, failed)
			}
			fx.change(t, p)
			var ids []string
			for _, f := range guardrails.Failed(guardrails.Evaluate(p, profiles[fx.stack])) {
				ids = append(ids, f.Rule.ID)
			}
			if len(ids) != 1 || ids[0] != rule.ID {
				t.Errorf("the fixture breaks %v, want exactly [%s]", ids, rule.ID)
			}
		})
	}
	for id := range fixtures {
		if _, ok := guardrails.ByID(id); !ok {
			t.Errorf("fixture for %s, which is no rule", id)
		}
	}
}

// livePlan plans a stack file in memory, with the recorder's IDs and states.
// Each stack is planned once per test binary; every caller gets its own
// copy, whose inputs, options and resource list it may change.
func livePlan(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	once, _ := livePlans.LoadOrStore(stack, &livePlanOnce{})
	lp := once.(*livePlanOnce)
	lp.once.Do(func() {
		cfg, err := plan.LoadStackFile("../../Pulumi." + stack + ".yaml")
		if err == nil {
			lp.plan, _, err = planConfig(stack, cfg)
		}
		lp.err = err
	})
	if lp.err != nil {
		t.Fatal(lp.err)
	}
	p := *lp.plan
	p.Resources = slices.Clone(lp.plan.Resources)
	for i := range p.Resources {
		r := &p.Resources[i]
		r.RawInputs = deepCopy(resource.NewProperty(r.RawInputs)).ObjectValue()
		r.State = deepCopy(resource.NewProperty(r.State)).ObjectValue()
		r.Inputs, _ = deepCopyAny(r.Inputs).(map[string]any)
		r.DependsOn = slices.Clone(r.DependsOn)
	}
	return &p
}

// deepCopyAny copies a JSON-shaped value and everything under it.
func deepCopyAny(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopyAny(e)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = deepCopyAny(e)
		}
		return a
	}
	return v
}

type livePlanOnce struct {
	once sync.Once
	plan *plan.Plan
	err  error
}

var livePlans sync.Map

// deepCopy copies a property value and everything under it.
func deepCopy(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			m[k] = deepCopy(e)
		}
		return resource.NewProperty(m)
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = deepCopy(e)
		}
		return resource.NewProperty(a)
	case v.IsSecret():
		return resource.MakeSecret(deepCopy(v.SecretValue().Element))
	case v.IsOutput():
		o := v.OutputValue()
		o.Element = deepCopy(o.Element)
		o.Dependencies = slices.Clone(o.Dependencies)
		return resource.NewProperty(o)
	}
	return v
}

// TestGuardrailsDocListsEveryRule holds docs/guardrails.md to the code: one
// table row per rule, with the rule's profile, and no row for a rule that
// does not exist.
func TestGuardrailsDocListsEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../docs/guardrails.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z0-9-]+)` \\| (all|production) \\|").FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	for _, rule := range guardrails.Rules {
		want := "all"
		if rule.Production {
			want = "production"
		}
		if got, ok := rows[rule.ID]; !ok {
			t.Errorf("docs/guardrails.md has no row for %s", rule.ID)
		} else if got != want {
			t.Errorf("docs/guardrails.md says %s applies to %s; the code says %s", rule.ID, got, want)
		}
	}
	for id := range rows {
		if _, ok := guardrails.ByID(id); !ok {
			t.Errorf("docs/guardrails.md lists %s, which is no rule", id)
		}
	}
}

// TestPrivatePathBesideTheCluster: in prod, the private endpoints, their
// DNS zones, links and zone groups, the diagnostic settings, the registry,
// the user pools, the maintenance windows and Container Insights' rule are
// created beside the cluster, not before it; in front of the cluster stand
// only the resource group, the VNet (or the cluster's identity) and the
// subnet grant, and the Log Analytics workspace, which the Container
// Insights and Defender add-ons need to exist when they are enabled.
func TestPrivatePathBesideTheCluster(t *testing.T) {
	p := livePlan(t, "prod")
	byURN := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	cluster := *mustResource(t, p, ":ManagedCluster", "aks")
	ancestors := map[string]plan.Resource{}
	var walk func(r plan.Resource)
	walk = func(r plan.Resource) {
		for _, d := range append(slices.Clone(r.DependsOn), r.Provider) {
			if a, ok := byURN[d]; ok && a.Custom {
				if _, seen := ancestors[d]; !seen {
					ancestors[d] = a
					walk(a)
				}
			}
		}
	}
	walk(cluster)
	for _, typ := range []string{":PrivateEndpoint", ":PrivateZone", ":VirtualNetworkLink", ":PrivateDnsZoneGroup", ":DiagnosticSetting", "keyvault:Vault",
		":Registry", ":AgentPool", ":MaintenanceConfiguration", ":DataCollectionRule", ":DataCollectionRuleAssociation"} {
		if len(plan.OfType(p.Resources, typ)) == 0 {
			t.Errorf("prod has no %s: the check would check nothing", typ)
		}
		for _, a := range ancestors {
			if strings.HasSuffix(a.Type, typ) {
				t.Errorf("the cluster waits for %s %s", a.Type, a.Name)
			}
		}
	}
	front := &plan.Plan{Stack: p.Stack, Resources: []plan.Resource{cluster}}
	for _, a := range ancestors {
		front.Resources = append(front.Resources, a)
	}
	chain := plan.LongestChain(front)
	if len(chain) > 4 {
		var names []string
		for _, r := range chain {
			names = append(names, plan.ShortURN(r.URN))
		}
		t.Errorf("%d resources one after another up to the cluster, want at most 4 (group, VNet, subnet grant, cluster; or group, workspace, cluster): %v", len(chain), names)
	}
}

// diffFixtures change a stack's plan so that the change from the unchanged
// plan breaks exactly one day-two rule.
var diffFixtures = map[string]fixture{
	// A new DNS prefix replaces prod's protected cluster.
	"DAY2-PROTECTED-REPLACE": {"prod", setInput(":ManagedCluster", "aks", "dnsPrefix", "aks2")},
	// A new subnet replaces the endpoint, whose delete the vault's lock stops.
	"DAY2-LOCKED-DELETE": {"prod", setInput(":PrivateEndpoint", "vault-endpoint", "subnet.id", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secure-aks-prod/providers/Microsoft.Network/virtualNetworks/other/subnets/endpoints")},
}

// TestEveryDayTwoRuleHasAFixtureThatBreaksOnlyIt: each day-two rule's
// change, from a plan that passes everything, fails that rule and no other,
// through `plan -diff OLD -check` as CI runs it.
func TestEveryDayTwoRuleHasAFixtureThatBreaksOnlyIt(t *testing.T) {
	for _, rule := range guardrails.DiffRules {
		t.Run(rule.ID, func(t *testing.T) {
			t.Parallel()
			fx, ok := diffFixtures[rule.ID]
			if !ok {
				t.Fatalf("no fixture breaks %s", rule.ID)
			}
			old := livePlan(t, fx.stack)
			if failed := guardrails.Failed(guardrails.EvaluateDiff(plantest.Compare(t, old, livePlan(t, fx.stack)))); len(failed) != 0 {
				t.Fatalf("an unchanged plan fails %v", failed)
			}
			changed := livePlan(t, fx.stack)
			fx.change(t, changed)
			// The recorded inputs follow the raw ones the fixture changed.
			for i := range changed.Resources {
				changed.Resources[i].Inputs = plan.PlainMap(changed.Resources[i].RawInputs)
			}
			var ids []string
			for _, f := range guardrails.Failed(guardrails.EvaluateDiff(plantest.Compare(t, old, changed))) {
				ids = append(ids, f.Rule.ID)
			}
			if len(ids) != 1 || ids[0] != rule.ID {
				t.Errorf("the fixture breaks %v, want exactly [%s]", ids, rule.ID)
			}
		})
	}
}

// TestCheckWithDiffRunsTheDayTwoRules: `plan -stack prod -diff OLD -check`
// prints the day-two rules after the plan's, and fails on a protected
// replacement.
func TestCheckWithDiffRunsTheDayTwoRules(t *testing.T) {
	dir, prod := copyProject(t, "prod")
	old := filepath.Join(dir, "old.json")
	writeFile(t, old, planJSON(t, dir, "prod"))
	var out bytes.Buffer
	if err := run([]string{"-dir", dir, "-stack", "prod", "-diff", old, "-check"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, id := range []string{"DAY2-PROTECTED-REPLACE", "DAY2-LOCKED-DELETE"} {
		if !strings.Contains(out.String(), "SKIP "+id+" -: nothing is replaced or removed") {
			t.Errorf("no SKIP line for %s on an unchanged plan:\n%s", id, out.String())
		}
	}
	changed := regexp.MustCompile(`(?m)^  secure-aks:cluster:\n`).ReplaceAll(prod, []byte("  secure-aks:cluster:\n    name: aks-prod-2\n"))
	writeFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), changed)
	out.Reset()
	err := run([]string{"-dir", dir, "-stack", "prod", "-diff", old, "-check"}, &out)
	if err == nil || !strings.Contains(out.String(), "FAIL DAY2-PROTECTED-REPLACE aks: ") {
		t.Errorf("a renamed protected cluster passed: %v\n%s", err, out.String())
	}
}
