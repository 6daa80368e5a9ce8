package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

const testWorkspaceID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"

// TestContainerInsightsDefenderAndImageCleaner: with a workspace and both
// on, the agent add-on authenticates with its identity and reports to the
// workspace, a data collection rule sends the Container Insights stream
// there and is associated with this cluster, Defender's sensor reports to
// the same workspace, and the image cleaner runs at its interval.
func TestContainerInsightsDefenderAndImageCleaner(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{
		ResourceGroupName:         pulumi.String("rg"),
		Location:                  pulumi.String("westeurope"),
		DiagnosticsWorkspaceID:    pulumi.String(testWorkspaceID),
		ContainerInsightsEnabled:  true,
		DefenderEnabled:           true,
		ImageCleanerIntervalHours: 48,
	})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "addonProfiles.omsagent.enabled", true)
	wantInput(t, mc, "addonProfiles.omsagent.config.useAADAuth", "true")
	wantInput(t, mc, "addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID", testWorkspaceID)
	wantInput(t, mc, "securityProfile.defender.securityMonitoring.enabled", true)
	wantInput(t, mc, "securityProfile.defender.logAnalyticsWorkspaceResourceId", testWorkspaceID)
	wantInput(t, mc, "securityProfile.imageCleaner.enabled", true)
	wantInput(t, mc, "securityProfile.imageCleaner.intervalHours", 48.0)

	dcr := mustFind(t, rec, ":DataCollectionRule", "aks-container-insights")
	wantInput(t, dcr, "kind", "Linux")
	wantInput(t, dcr, "location", "westeurope")
	wantInput(t, dcr, "dataSources.extensions.0.extensionName", "ContainerInsights")
	wantInput(t, dcr, "dataSources.extensions.0.streams", []any{azure.ContainerInsightsStream})
	wantInput(t, dcr, "destinations.logAnalytics.0.workspaceResourceId", testWorkspaceID)
	wantInput(t, dcr, "dataFlows.0.streams", []any{azure.ContainerInsightsStream})
	wantInput(t, dcr, "dataFlows.0.destinations", []any{"workspace"})
	wantInput(t, dcr, "destinations.logAnalytics.0.name", "workspace")
	assoc := mustFind(t, rec, ":DataCollectionRuleAssociation", "aks-container-insights-link")
	wantInput(t, assoc, "associationName", azure.ContainerInsightsAssociation)
	wantInput(t, assoc, "resourceUri", mc.ID)
	wantInput(t, assoc, "dataCollectionRuleId", dcr.ID)
}

// TestObservabilityOffIsSentAsOff: by default the image cleaner is on, and
// Container Insights and Defender are off, sent as off so that turning them
// off after on reaches AKS; no rule is made.
func TestObservabilityOffIsSentAsOff(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), ImageCleanerEnabled: pulumi.BoolRef(false)})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "addonProfiles.omsagent.enabled", false)
	wantNoInput(t, mc, "addonProfiles.omsagent.config")
	wantInput(t, mc, "securityProfile.defender.securityMonitoring.enabled", false)
	wantNoInput(t, mc, "securityProfile.defender.logAnalyticsWorkspaceResourceId")
	wantInput(t, mc, "securityProfile.imageCleaner.enabled", false)
	wantNoInput(t, mc, "securityProfile.imageCleaner.intervalHours")
	for _, r := range rec.Resources() {
		if r.Name == "aks-container-insights" || r.Name == "aks-container-insights-link" {
			t.Errorf("%s %s without Container Insights", r.Type, r.Name)
		}
	}
	on := mustFind(t, clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg")}), ":ManagedCluster", "aks")
	wantInput(t, on, "securityProfile.imageCleaner.enabled", true)
	wantInput(t, on, "securityProfile.imageCleaner.intervalHours", float64(DefaultImageCleanerIntervalHours))
}

// TestKubeletPullsFromTheRegistry: AcrPull goes to the kubelet identity
// (the cluster's output), at the registry's ID, and to nothing else.
func TestKubeletPullsFromTheRegistry(t *testing.T) {
	t.Parallel()
	registryID := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crshared"
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), RegistryID: pulumi.String(registryID)})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	kubelet := mc.State["identityProfile"].ObjectValue()["kubeletidentity"].ObjectValue()["objectId"].StringValue()
	ra := mustFind(t, rec, ":RoleAssignment", "aks-kubelet-acr-pull")
	wantInput(t, ra, "scope", registryID)
	wantInput(t, ra, "principalId", kubelet)
	wantInput(t, ra, "principalType", "ServicePrincipal")
	wantInput(t, ra, "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"+azure.RoleAcrPull)
	n := 0
	for _, r := range rec.Resources() {
		if v, _ := r.Input("roleDefinitionId"); v == "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"+azure.RoleAcrPull {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d AcrPull grants, want the kubelet's only", n)
	}
}
