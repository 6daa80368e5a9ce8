package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// Names that Azure holds unique (docs/azure-facts.md#names-azure-holds-unique)
// come from Azure scope, never from the Pulumi backend: the same project and
// stack in two resource groups or two subscriptions get different names, and
// the same stack planned twice gets the same ones.

// withWorkloads is a stack with a secret, a managed-identity workload and an
// application workload: one vault name and four role assignments.
func withWorkloads(extra map[string]string) plan.StackConfig {
	cfg := minimal(map[string]string{
		"secure-aks:vault": `{"secretNames": ["s"], "deployerDataPlaneAccess": true}`,
		"secure-aks:workloads": `[{"name": "reader", "objects": [{"name": "s"}, {"name": "tls", "type": "cert", "existing": true}]},
		                          {"name": "app", "identity": "application", "objects": [{"name": "s"}]}]`,
	})
	for k, v := range extra {
		cfg.Values[k] = v
	}
	return cfg
}

// uniqueNames plans dev with cfg in a subscription and returns the vault's
// name and every role assignment's name, by logical name.
func uniqueNames(t *testing.T, cfg plan.StackConfig, subscription string) map[string]string {
	t.Helper()
	p, _, err := runStack(t, "dev", cfg, true, plan.WithSubscription(subscription))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"vault": inputString(t, mustFind(t, p.Resources, "keyvault:Vault", "vault"), "vaultName")}
	for _, ra := range plan.OfType(p.Resources, ":RoleAssignment") {
		names[ra.Name] = inputString(t, ra, "roleAssignmentName")
	}
	if len(names) != 5 {
		t.Fatalf("names = %v; want the vault and 4 role assignments", names)
	}
	return names
}

func TestUniqueNamesComeFromAzureScope(t *testing.T) {
	t.Parallel()
	const sub1, sub2 = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000b2"
	base := uniqueNames(t, withWorkloads(map[string]string{"secure-aks:resourceGroup": "rg-alice"}), sub1)
	again := uniqueNames(t, withWorkloads(map[string]string{"secure-aks:resourceGroup": "rg-alice"}), sub1)
	if fmt.Sprint(base) != fmt.Sprint(again) {
		t.Errorf("the same stack planned twice got other names:\n%v\n%v", base, again)
	}
	for what, other := range map[string]map[string]string{
		"another resource group": uniqueNames(t, withWorkloads(map[string]string{"secure-aks:resourceGroup": "rg-bob"}), sub1),
		"another subscription":   uniqueNames(t, withWorkloads(map[string]string{"secure-aks:resourceGroup": "rg-alice"}), sub2),
	} {
		for name, v := range base {
			if other[name] == v {
				t.Errorf("%s: %s keeps the name %s; two such stacks would collide", what, name, v)
			}
		}
	}
	// Within one stack, every role assignment has its own name.
	seen := map[string]string{}
	for name, v := range base {
		if prev, ok := seen[v]; ok {
			t.Errorf("%s and %s share the name %s", prev, name, v)
		}
		seen[v] = name
	}
}

func TestResourceGroupAutoNamedUnlessGiven(t *testing.T) {
	t.Parallel()
	p, _, err := runStack(t, "dev", minimal(nil), true)
	if err != nil {
		t.Fatal(err)
	}
	rg := mustFind(t, p.Resources, ":ResourceGroup", "rg-secure-aks-dev")
	if v, ok := rg.Input("resourceGroupName"); ok {
		t.Errorf("resourceGroupName = %v, want it left to azure-native's auto-naming", v)
	}
	p, _, err = runStack(t, "prod", minimal(map[string]string{"secure-aks:resourceGroup": "rg-secure-aks-prod"}), true)
	if err != nil {
		t.Fatal(err)
	}
	wantInput(t, mustFind(t, p.Resources, ":ResourceGroup", "rg-secure-aks-prod"), "resourceGroupName", "rg-secure-aks-prod")

	// A stack name too long for the generated name asks for an explicit one.
	long := strings.Repeat("s", 70)
	_, rec, err := runStack(t, long, minimal(map[string]string{"secure-aks:environment": "dev"}), true)
	wantOneProblem(t, err, "secure-aks:resourceGroup: is required for stack")
	if len(rec.Resources()) != 0 {
		t.Error("resources were registered")
	}
}

var dnsPrefixRule = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,52}[A-Za-z0-9])?$`)

func TestClusterNamesGiveValidDNSPrefixes(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"aks_shop", strings.Repeat("a", 60), strings.Repeat("b", 53) + "_" + strings.Repeat("c", 9)} {
		p, _, err := runStack(t, "dev", minimal(map[string]string{"secure-aks:cluster": `{"name": "` + name + `"}`}), true)
		if err != nil {
			t.Fatalf("cluster name %q: %v", name, err)
		}
		mc := mustFind(t, p.Resources, ":ManagedCluster", "aks")
		wantInput(t, mc, "resourceName", name)
		if prefix := inputString(t, mc, "dnsPrefix"); !dnsPrefixRule.MatchString(prefix) {
			t.Errorf("cluster name %q: dnsPrefix %q breaks AKS's rule", name, prefix)
		}
	}
}

func TestSharedNamespaceCreatedOnce(t *testing.T) {
	t.Parallel()
	cfg := minimal(map[string]string{
		"secure-aks:vault": `{"secretNames": ["s"]}`,
		"secure-aks:workloads": `[{"name": "a", "namespace": "shop", "createNamespace": true, "objects": [{"name": "s"}]},
		                          {"name": "b", "namespace": "shop", "createNamespace": true, "objects": [{"name": "s"}]},
		                          {"name": "c", "namespace": "shop", "objects": [{"name": "s"}]}]`,
	})
	p, _, err := runStack(t, "test", cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	namespaces := plan.OfType(p.Resources, "kubernetes:core/v1:Namespace")
	if len(namespaces) != 1 {
		t.Fatalf("%d namespaces, want shop once", len(namespaces))
	}
	ns := namespaces[0]
	wantInput(t, ns, "metadata.name", "shop")
	// Every workload in it, whether or not it asked, waits for it.
	for _, kind := range []string{"kubernetes:core/v1:ServiceAccount", ":SecretProviderClass"} {
		for _, r := range plan.OfType(p.Resources, kind) {
			if !slices.Contains(r.DependsOn, ns.URN) {
				t.Errorf("%s %s does not wait for namespace shop", r.Type, r.Name)
			}
		}
	}
}

func TestSampleWaitsForTheSecretsItMounts(t *testing.T) {
	t.Parallel()
	cfg := minimal(map[string]string{
		"secure-aks:vault":     `{"secretNames": ["s1", "s2"]}`,
		"secure-aks:workloads": `[{"name": "reader", "sample": true, "objects": [{"name": "s1"}, {"name": "tls", "type": "cert", "existing": true}]}]`,
	})
	p, _, err := runStack(t, "test", cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	d := mustFind(t, p.Resources, "kubernetes:apps/v1:Deployment", "reader-sample")
	s1 := mustFind(t, p.Resources, "keyvault:Secret", "vault-s1")
	s2 := mustFind(t, p.Resources, "keyvault:Secret", "vault-s2")
	if !slices.Contains(d.DependsOn, s1.URN) {
		t.Errorf("the sample does not wait for the secret s1 it mounts: %v", d.DependsOn)
	}
	if slices.Contains(d.DependsOn, s2.URN) {
		t.Error("the sample waits for s2, which it does not mount")
	}
}

// TestNoNameDependsOnThePulumiOrganization plans a stack file in two Pulumi
// organizations (Pulumi Cloud gives each its own; a self-managed backend
// always says "organization"): the plans are the same.
func TestNoNameDependsOnThePulumiOrganization(t *testing.T) {
	t.Parallel()
	cfg := withWorkloads(nil)
	var plans []string
	for _, org := range []string{"organization", "contoso-platform"} {
		p, _, err := runStack(t, "dev", cfg, true, plan.WithOrganization(org))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := p.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		plans = append(plans, b.String())
	}
	if plans[0] != plans[1] {
		t.Error("the plan changes with the Pulumi organization; `pulumi up` on another backend would differ")
	}
}

// TestTagProblemsNamedOnce: every resource carries secure-aks:tags, and each
// component checks them, but a problem with them is one message naming the
// user's key, never an internal one such as workloads[0].tags.
func TestTagProblemsNamedOnce(t *testing.T) {
	t.Parallel()
	for _, tags := range []string{manyTags(60), `{"owner": "` + strings.Repeat("x", 257) + `"}`, `{"a/b": "x"}`} {
		cfg := withWorkloads(map[string]string{"secure-aks:tags": tags})
		_, rec, err := runStack(t, "test", cfg, true)
		wantOneProblem(t, err, "secure-aks:tags")
		if err != nil && strings.Contains(err.Error(), "workloads[") {
			t.Errorf("the tag problem names a workload key:\n%v", err)
		}
		if len(rec.Resources()) != 0 {
			t.Error("resources were registered")
		}
	}
}
