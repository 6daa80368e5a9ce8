package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// TestProdIsAProductionGradeCluster reads prod's plan for what a platform
// team puts production on: pools that scale apart from the system pods,
// upgrades in windows, a private registry only the kubelet pulls from,
// Container Insights, the image cleaner and Defender, each wired to the
// resource it names; and all of it beside the cluster's dependents, not in
// front of the cluster or lengthening the longest chain.
func TestProdIsAProductionGradeCluster(t *testing.T) {
	p := livePlan(t, "prod")
	want := func(r plan.Resource, path string, value any) {
		t.Helper()
		if got, _ := r.Input(path); fmt.Sprint(got) != fmt.Sprint(value) {
			t.Errorf("%s %s: %s = %v, want %v", r.Type, r.Name, path, got, value)
		}
	}
	num := func(r plan.Resource, path string) float64 { v, _ := r.Input(path); f, _ := v.(float64); return f }
	mc := *mustResource(t, p, ":ManagedCluster", "aks")
	kubelet, _ := plan.Lookup(plan.Reveal(resource.NewProperty(mc.State)), "identityProfile.kubeletidentity.objectId")

	// The system pool: tainted, autoscaled from at least 2, surging.
	want(mc, "agentPoolProfiles.0.mode", "System")
	want(mc, "agentPoolProfiles.0.nodeTaints", []any{azure.SystemPoolTaint})
	want(mc, "agentPoolProfiles.0.enableAutoScaling", true)
	if n := num(mc, "agentPoolProfiles.0.minCount"); n < 2 {
		t.Errorf("the system pool autoscales from %v nodes, want at least 2", n)
	}
	want(mc, "agentPoolProfiles.0.upgradeSettings.maxSurge", "33%")

	// A user pool: autoscaled over three zones, Azure Linux, surging.
	pools := plan.OfType(p.Resources, ":AgentPool")
	if len(pools) == 0 {
		t.Fatal("prod has no user pool")
	}
	for _, pool := range pools {
		want(pool, "resourceName", mc.State["name"].StringValue())
		want(pool, "mode", "User")
		want(pool, "enableAutoScaling", true)
		want(pool, "availabilityZones", []any{"1", "2", "3"})
		want(pool, "osSKU", "AzureLinux")
		want(pool, "upgradeSettings.maxSurge", "33%")
		want(pool, "vnetSubnetID", fmt.Sprint(plantest.MustInput(t, mc, "agentPoolProfiles.0.vnetSubnetID")))
	}

	// Both maintenance windows, on this cluster.
	var configs []string
	for _, m := range plan.OfType(p.Resources, ":MaintenanceConfiguration") {
		want(m, "resourceName", mc.State["name"].StringValue())
		if num(m, "maintenanceWindow.durationHours") < 4 {
			t.Errorf("%s: a window under 4 hours", m.Name)
		}
		configs = append(configs, fmt.Sprint(plantest.MustInput(t, m, "configName")))
	}
	slices.Sort(configs)
	if !slices.Equal(configs, []string{azure.AutoUpgradeScheduleName, azure.NodeOSUpgradeScheduleName}) {
		t.Errorf("maintenance configurations %v, want both channels' schedules", configs)
	}

	// A private registry with its endpoint and zone.
	reg := *mustResource(t, p, ":Registry", "registry")
	want(reg, "sku.name", "Premium")
	want(reg, "publicNetworkAccess", "Disabled")
	want(reg, "adminUserEnabled", false)
	pe := *mustResource(t, p, ":PrivateEndpoint", "registry-endpoint")
	want(pe, "privateLinkServiceConnections.0.privateLinkServiceId", reg.ID)
	want(pe, "privateLinkServiceConnections.0.groupIds", []any{"registry"})
	zone := *mustResource(t, p, ":PrivateZone", "vnet-registry-dns")
	want(zone, "privateZoneName", azure.RegistryPrivateDNSZone)
	want(*mustResource(t, p, ":PrivateDnsZoneGroup", "registry-endpoint-dns"), "privateDnsZoneConfigs.0.privateDnsZoneId", zone.ID)
	want(*mustResource(t, p, ":VirtualNetworkLink", "vnet-registry-dns-link"), "privateZoneName", azure.RegistryPrivateDNSZone)

	// One AcrPull: to the kubelet, at the registry.
	var pulls []plan.Resource
	for _, ra := range plan.OfType(p.Resources, ":RoleAssignment") {
		if strings.HasSuffix(fmt.Sprint(plantest.MustInput(t, ra, "roleDefinitionId")), "/"+azure.RoleAcrPull) {
			pulls = append(pulls, ra)
		}
	}
	if len(pulls) != 1 {
		t.Fatalf("%d AcrPull grants, want one", len(pulls))
	}
	want(pulls[0], "principalId", kubelet)
	want(pulls[0], "scope", reg.ID)

	// Container Insights with managed identity, to the stack's workspace,
	// through a rule associated with this cluster.
	ws := *mustResource(t, p, ":Workspace", "log-secure-aks")
	want(mc, "addonProfiles.omsagent.enabled", true)
	want(mc, "addonProfiles.omsagent.config.useAADAuth", "true")
	want(mc, "addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID", ws.ID)
	dcr := *mustResource(t, p, ":DataCollectionRule", "aks-container-insights")
	want(dcr, "destinations.logAnalytics.0.workspaceResourceId", ws.ID)
	assoc := *mustResource(t, p, ":DataCollectionRuleAssociation", "aks-container-insights-link")
	want(assoc, "resourceUri", mc.ID)
	want(assoc, "dataCollectionRuleId", dcr.ID)

	// Image cleaner and Defender.
	want(mc, "securityProfile.imageCleaner.enabled", true)
	want(mc, "securityProfile.defender.securityMonitoring.enabled", true)
	want(mc, "securityProfile.defender.logAnalyticsWorkspaceResourceId", ws.ID)

	// Beside the cluster's dependents: nothing waits for a pool, a window,
	// the rule or the registry's grant, and the longest chain is still the
	// cluster's path to the workloads' objects.
	besides := map[string]bool{}
	for _, typ := range []string{":AgentPool", ":MaintenanceConfiguration", ":DataCollectionRule", ":DataCollectionRuleAssociation"} {
		for _, r := range plan.OfType(p.Resources, typ) {
			besides[r.URN] = true
		}
	}
	besides[pulls[0].URN] = true
	for _, r := range p.Resources {
		for _, d := range r.DependsOn {
			if besides[d] && !strings.HasSuffix(r.Type, ":DataCollectionRuleAssociation") {
				t.Errorf("%s %s waits for %s", r.Type, r.Name, plan.ShortURN(d))
			}
		}
	}
	chain := plan.LongestChain(p)
	if len(chain) > 7 {
		t.Errorf("the longest chain is %d resources, want at most 7 (as before the pools)", len(chain))
	}
}
