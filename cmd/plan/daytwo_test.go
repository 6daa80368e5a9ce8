package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// goldenPlans are every plan the project keeps golden: each stack's and the
// app stack's. The replacement table must classify all of their inputs.
var goldenPlans = []string{
	"../../tests/testdata/plans/dev.json",
	"../../tests/testdata/plans/staging.json",
	"../../tests/testdata/plans/prod.json",
	"../../examples/app-stack/testdata/dev.json",
}

// TestEveryInputIsClassified holds every input path of every custom
// resource in every golden plan to an explicit rule of the replacement
// table (internal/plan/replacements.json): a new resource type or input
// without one fails, named.
func TestEveryInputIsClassified(t *testing.T) {
	types := map[string]bool{}
	for _, path := range goldenPlans {
		p, err := readPlan(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Resources {
			if r.Custom {
				types[r.Type] = true
			}
		}
		if missing := plan.Unclassified(p); len(missing) > 0 {
			t.Errorf("%s: no rule in internal/plan/replacements.json says what a change does to:\n    %s", path, strings.Join(missing, "\n    "))
		}
	}
	if len(types) < 20 {
		t.Errorf("only %d resource types in the golden plans; the test would check little", len(types))
	}

	// The check itself finds a type and an input that nothing classifies.
	p := &plan.Plan{Stack: "x", Resources: []plan.Resource{
		{URN: "urn:a", Type: "azure-native:keyvault:Vault", Name: "v", Custom: true, Inputs: map[string]any{"vaultName": "kv", "properties": map[string]any{"newSetting": true}}},
		{URN: "urn:b", Type: "azure-native:storage/v20230101:StorageAccount", Name: "s", Custom: true, Inputs: map[string]any{"accountName": "st"}},
		{URN: "urn:c", Type: "secure-aks:index:Vault", Name: "component", Inputs: map[string]any{"anything": 1}},
	}}
	want := []string{
		"azure-native:keyvault:Vault v: properties.newSetting",
		"azure-native:storage/v20230101:StorageAccount s: accountName (no rule for the type)",
	}
	if got := plan.Unclassified(p); !slices.Equal(got, want) {
		t.Errorf("Unclassified = %q, want %q", got, want)
	}
}

// TestReplacementTableIsWellFormed: every rule has a known effect and
// condition and a source link, and every lock rule names a source.
func TestReplacementTableIsWellFormed(t *testing.T) {
	table := plan.Table()
	conditions := []string{plan.WhenChanged, plan.WhenUpdated, plan.WhenTurnedOff, plan.WhenCaseChanged, plan.WhenLocationChanged}
	for _, r := range table.Rules {
		if !slices.Contains([]string{plan.EffectReplace, plan.EffectRefused, plan.EffectUpdate}, r.Effect) {
			t.Errorf("%s %s: effect %q", r.Type, r.Path, r.Effect)
		}
		if !slices.Contains(conditions, r.When) {
			t.Errorf("%s %s: condition %q", r.Type, r.Path, r.When)
		}
		if !strings.HasPrefix(r.Source, "https://") || r.Why == "" {
			t.Errorf("%s %s: no reason or source link: %+v", r.Type, r.Path, r)
		}
	}
	for _, l := range table.LockedDeletes {
		if !strings.HasPrefix(l.Source, "https://") || l.Input == "" {
			t.Errorf("lock rule %+v has no input or source", l)
		}
	}
	for _, k := range []string{"azure-native", "azuread", "kubernetes"} {
		if table.Providers[k] == "" {
			t.Errorf("the table does not say which %s version it was read from", k)
		}
	}
}

// TestDayTwoDiffs runs `plan diff OLD NEW` on a golden plan with one input
// changed, for each case the providers' source decides, and checks what the
// diff says `up` would do.
func TestDayTwoDiffs(t *testing.T) {
	tests := []struct {
		name, golden, typ, resource, path string
		// value is the new value; nil removes the input.
		value any
		// want are lines the diff must hold; notWant, lines it must not.
		want, notWant []string
	}{
		{"network policy replaces the cluster", "dev", ":ManagedCluster", "aks", "networkProfile.networkPolicy", "azure",
			[]string{"+- azure-native:containerservice/v20241001:ManagedCluster aks (replace)", "~ networkProfile.networkPolicy: cilium → azure   [replaces: azure-native v2.90 marks the whole networkProfile force-new"}, nil},
		{"service CIDR replaces the cluster", "dev", ":ManagedCluster", "aks", "networkProfile.serviceCidr", "10.1.0.0/16",
			[]string{"+- azure-native:containerservice/v20241001:ManagedCluster aks (replace)", "~ networkProfile.serviceCidr: 10.0.0.0/16 → 10.1.0.0/16   [replaces:"}, nil},
		{"outbound type replaces the cluster", "dev", ":ManagedCluster", "aks", "networkProfile.outboundType", "userDefinedRouting",
			[]string{"+- azure-native:containerservice/v20241001:ManagedCluster aks (replace)", "~ networkProfile.outboundType: loadBalancer → userDefinedRouting   [replaces:"}, nil},
		{"the endpoint's subnet replaces it, and the vault's lock refuses the delete", "prod", ":PrivateEndpoint", "vault-endpoint", "subnet.id", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secure-aks-prod/providers/Microsoft.Network/virtualNetworks/other/subnets/endpoints",
			[]string{"+- azure-native:network/v20240501:PrivateEndpoint vault-endpoint (replace)", "[replaces: azure-native's forceNewMap: an endpoint cannot change subnet",
				"! refused while the CanNotDelete lock vault-lock on azure-native:keyvault:Vault::vault: deleting a private endpoint deletes the target's private endpoint connection",
				"Remove the lock in an `up` of its own, then make this change, then put the lock back"}, nil},
		{"vault location is refused by Azure", "prod", "keyvault:Vault", "vault", "location", "westeurope",
			[]string{"~ azure-native:keyvault:Vault vault (update)", "~ location: eastus → westeurope   [refused by Azure in place:", "1 refused by Azure or a lock"}, nil},
		{"purge protection off is refused by Azure", "prod", "keyvault:Vault", "vault", "properties.enablePurgeProtection", nil,
			[]string{"~ azure-native:keyvault:Vault vault (update)", "- properties.enablePurgeProtection = true   [refused by Azure in place:"}, nil},
		{"principal type alone updates in place", "dev", ":RoleAssignment", "secret-reader-vault-secrets-user", "principalType", "User",
			[]string{"~ azure-native:authorization/v20220401:RoleAssignment secret-reader-vault-secrets-user (update)", "~ principalType: ServicePrincipal → User\n"}, nil},
		{"a new cluster identifier replaces the provider and every object under it", "dev", "pulumi:providers:kubernetes", "aks-k8s", "clusterIdentifier", "another-cluster",
			[]string{"+- pulumi:providers:kubernetes aks-k8s (replace)", "[replaces: a new clusterIdentifier replaces the provider",
				"+- kubernetes:core/v1:ServiceAccount secret-reader-sa (replace)", "+- kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass secret-reader (replace)",
				"+- kubernetes:apps/v1:Deployment secret-reader-sample (replace)", "[replaces: the engine replaces every resource whose provider is replaced"}, nil},
		{"a DNS link's zone replaces it", "prod", ":VirtualNetworkLink", "vnet-vault-dns-link", "privateZoneName", "privatelink.other.azure.net",
			[]string{"+- azure-native:network/v20240601:VirtualNetworkLink vnet-vault-dns-link (replace)", "~ privateZoneName: privatelink.vaultcore.azure.net → privatelink.other.azure.net   [replaces: URL path parameter"}, nil},
		{"a DNS zone group's endpoint replaces it", "prod", ":PrivateDnsZoneGroup", "vault-endpoint-dns", "privateEndpointName", "other-endpoint",
			[]string{"+- azure-native:network/v20240501:PrivateDnsZoneGroup vault-endpoint-dns (replace)", "[replaces: URL path parameter"}, nil},
		{"a user pool's VM size replaces the pool", "prod", ":AgentPool", "aks-pool-apps", "vmSize", "Standard_D8ds_v5",
			[]string{"+- azure-native:containerservice/v20241001:AgentPool aks-pool-apps (replace)", "~ vmSize: Standard_D4ds_v5 → Standard_D8ds_v5   [replaces: "},
			[]string{"ManagedCluster aks ("}},
		{"a user pool's zones are refused by Azure", "prod", ":AgentPool", "aks-pool-apps", "availabilityZones", []any{"1", "2"},
			[]string{"~ azure-native:containerservice/v20241001:AgentPool aks-pool-apps (update)", "[refused by Azure in place: "}, nil},
		{"an autoscaled pool's count is the autoscaler's", "prod", ":AgentPool", "aks-pool-apps", "count", 7,
			nil, []string{"AgentPool aks-pool-apps ("}},
		{"a maintenance window moves in place", "prod", ":MaintenanceConfiguration", "aks-auto-upgrade-window", "maintenanceWindow.startTime", "03:00",
			[]string{"~ azure-native:containerservice/v20241001:MaintenanceConfiguration aks-auto-upgrade-window (update)", "~ maintenanceWindow.startTime: 01:00 → 03:00\n"}, nil},
		{"the registry's name replaces it, and its protect refuses that", "prod", ":Registry", "registry", "registryName", "crother12345",
			[]string{"+- azure-native:containerregistry/v20230701:Registry registry (replace)", "[replaces: URL path parameter"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			golden := "../../tests/testdata/plans/" + tt.golden + ".json"
			raw, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			var p map[string]any
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range p["resources"].([]any) {
				r := r.(map[string]any)
				if r["name"] != tt.resource || !strings.Contains(r["type"].(string), tt.typ) {
					continue
				}
				found = true
				setPath(t, r["inputs"].(map[string]any), tt.path, tt.value)
			}
			if !found {
				t.Fatalf("%s has no %s %s; update this test", golden, tt.typ, tt.resource)
			}
			changed, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			newPath := filepath.Join(t.TempDir(), "new.json")
			writeFile(t, newPath, changed)
			var out bytes.Buffer
			if err := run([]string{"diff", golden, newPath}, &out); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("diff lacks %q:\n%s", want, out.String())
				}
			}
			for _, notWant := range tt.notWant {
				if strings.Contains(out.String(), notWant) {
					t.Errorf("diff holds %q:\n%s", notWant, out.String())
				}
			}
		})
	}
}

// setPath sets (or, with nil, deletes) the input at a dotted path whose
// parents exist.
func setPath(t *testing.T, m map[string]any, path string, value any) {
	t.Helper()
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			t.Fatalf("no object at %s in %v", p, m)
		}
		m = next
	}
	last := parts[len(parts)-1]
	if _, ok := m[last]; !ok && value == nil {
		t.Fatalf("no input %s to remove", path)
	}
	if value == nil {
		delete(m, last)
		return
	}
	m[last] = value
}

// TestNetworkPolicyChangeReplacesClusterAndItsObjects changes
// cluster.networkPolicy in a copy of Pulumi.dev.yaml: against the golden
// plan, the cluster is replaced, so the Kubernetes provider (whose
// clusterIdentifier is the new cluster's resourceUID) and every object under
// it are recreated, and the federated credential takes the new issuer.
func TestNetworkPolicyChangeReplacesClusterAndItsObjects(t *testing.T) {
	dir, dev := copyProject(t, "dev")
	changed := regexp.MustCompile(`(?m)^  secure-aks:cluster:\n`).ReplaceAll(dev, []byte("  secure-aks:cluster:\n    networkPolicy: azure\n"))
	if bytes.Equal(changed, dev) || bytes.Contains(dev, []byte("networkPolicy")) {
		t.Fatal("Pulumi.dev.yaml has no secure-aks:cluster block, or sets networkPolicy already; update this test")
	}
	writeFile(t, filepath.Join(dir, "Pulumi.dev.yaml"), changed)
	var out bytes.Buffer
	if err := run([]string{"-dir", dir, "-stack", "dev", "-diff", "../../tests/testdata/plans/dev.json"}, &out); err != nil {
		t.Fatal(err)
	}
	d := out.String()
	for _, want := range []string{
		"+- azure-native:containerservice/v20241001:ManagedCluster aks (replace)",
		"+- pulumi:providers:kubernetes aks-k8s (replace)",
		"~ clusterIdentifier: ",
		"+- kubernetes:core/v1:ServiceAccount secret-reader-sa (replace)",
		"+- kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass secret-reader (replace)",
		"+- kubernetes:apps/v1:Deployment secret-reader-sample (replace)",
		"~ azure-native:managedidentity/v20230131:FederatedIdentityCredential secret-reader-fic (update)",
		"~ issuer: https://oidc.plan.invalid/",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "Vault vault (replace)") || strings.Contains(d, "Secret ") {
		t.Errorf("the vault or its secrets change with the cluster:\n%s", d)
	}
}

// TestStagingFirstUpHoldsTogether checks staging's plan for what its first
// `pulumi up` needs: every Entra application and service principal lists the
// deployer as owner, the access policies on its vault are written one after
// another, the sample Deployment waits at least 15 minutes, and no chain of
// resources created one after another is longer than 7 (the workloads'
// Azure side does not wait for the cluster).
func TestStagingFirstUpHoldsTogether(t *testing.T) {
	p := livePlan(t, "staging")
	entra := append(plan.OfType(p.Resources, "azuread:index/application:Application"), plan.OfType(p.Resources, "azuread:index/servicePrincipal:ServicePrincipal")...)
	if len(entra) < 2 {
		t.Fatalf("staging has %d Entra applications and service principals; update this test", len(entra))
	}
	for _, r := range entra {
		owners, _ := r.Input("owners")
		if !slices.Equal(owners.([]any), []any{plan.DeployerObjectID}) {
			t.Errorf("%s %s: owners %v, want the deployer %s", r.Type, r.Name, owners, plan.DeployerObjectID)
		}
		for _, d := range r.DependsOn {
			if strings.Contains(d, "kubernetes") || strings.Contains(d, "ManagedCluster") {
				t.Errorf("%s %s waits for %s: the Azure side needs no cluster", r.Type, r.Name, d)
			}
		}
	}

	policies := plan.OfType(p.Resources, "keyvault:AccessPolicy")
	if len(policies) < 3 {
		t.Fatalf("staging has %d access policies; update this test", len(policies))
	}
	plantest.AssertChain(t, "access policies", policies)

	for _, d := range plan.OfType(p.Resources, "apps/v1:Deployment") {
		ct := d.CustomTimeouts
		if ct == nil {
			t.Fatalf("%s has no custom timeouts: pulumi-kubernetes gives up after 10 minutes", d.Name)
		}
		for op, v := range map[string]string{"create": ct.Create, "update": ct.Update} {
			got, err := time.ParseDuration(v)
			if err != nil || got < 15*time.Minute {
				t.Errorf("%s: %s timeout %q, want at least 15m: a new grant takes up to 10 minutes to reach Key Vault", d.Name, op, v)
			}
		}
	}

	if c := plan.LongestChain(p); len(c) > 7 {
		var names []string
		for _, r := range c {
			names = append(names, plan.ShortURN(r.URN))
		}
		t.Errorf("staging's longest chain is %d resources, over 7:\n    %s", len(c), strings.Join(names, "\n    "))
	}
}
