package guardrails

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
)

const (
	clusterType = "azure-native:containerservice/v20241001:ManagedCluster"
	clusterID   = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1"
)

// res builds a planned resource from plain inputs and state.
func res(typ, name, id string, inputs, state map[string]any) plan.Resource {
	if state == nil {
		state = map[string]any{}
	}
	return plan.Resource{URN: "urn:pulumi:test::p::" + typ + "::" + name, Type: typ, Name: name, ID: id, Custom: true,
		RawInputs: resource.NewPropertyMapFromMap(inputs), State: resource.NewPropertyMapFromMap(state)}
}

// cluster is a cluster named aks1 with one inline system pool, with extra
// inputs over the defaults.
func cluster(extra map[string]any) plan.Resource {
	in := map[string]any{
		"agentPoolProfiles": []any{map[string]any{"name": "system", "mode": "System", "enableAutoScaling": true, "minCount": 3.0, "maxCount": 5.0,
			"availabilityZones": []any{"1", "2", "3"}, "upgradeSettings": map[string]any{"maxSurge": "33%"}}},
		"autoUpgradeProfile": map[string]any{"upgradeChannel": "stable", "nodeOSUpgradeChannel": "NodeImage"},
	}
	for k, v := range extra {
		in[k] = v
	}
	return res(clusterType, "aks", clusterID, in, map[string]any{
		"name":            "aks1",
		"identityProfile": map[string]any{"kubeletidentity": map[string]any{"objectId": "kubelet-object-id"}},
	})
}

func userPool(extra map[string]any) plan.Resource {
	in := map[string]any{"resourceName": "aks1", "agentPoolName": "apps", "mode": "User", "enableAutoScaling": true, "minCount": 1.0, "maxCount": 3.0,
		"availabilityZones": []any{"1", "2", "3"}, "upgradeSettings": map[string]any{"maxSurge": "33%"}}
	for k, v := range extra {
		in[k] = v
	}
	return res("azure-native:containerservice/v20241001:AgentPool", "aks-pool-apps", clusterID+"/agentPools/apps", in, nil)
}

// check runs one rule on the plan and returns its finding.
func check(t *testing.T, id string, profile Profile, rs ...plan.Resource) Finding {
	t.Helper()
	for _, f := range Evaluate(&plan.Plan{Stack: "test", Resources: rs}, profile) {
		if f.Rule.ID == id {
			return f
		}
	}
	t.Fatalf("no rule %s", id)
	return Finding{}
}

func wantStatus(t *testing.T, f Finding, status Status, message string) {
	t.Helper()
	if f.Status != status || !strings.Contains(f.Message, message) {
		t.Errorf("%s: %s %q, want %s containing %q", f.Rule.ID, f.Status, f.Message, status, message)
	}
}

func TestProfilesAndSubjects(t *testing.T) {
	wantStatus(t, check(t, "AKS-ZONES", ProfileStandard, cluster(nil)), Skip, "applies to the production profile only")
	wantStatus(t, check(t, "ACR-ADMIN-OFF", ProfileStandard, cluster(nil)), Skip, "no containerregistry/v20230701:Registry in the plan")
	wantStatus(t, check(t, "AKS-ZONES", ProfileProduction, cluster(nil), userPool(nil)), Pass, "every pool spans three availability zones")
}

func TestSystemPoolTaint(t *testing.T) {
	// No user pool: the system pool takes every pod, untainted.
	wantStatus(t, check(t, "AKS-SYSTEM-POOL-TAINT", ProfileStandard, cluster(nil)), Pass, "")
	wantStatus(t, check(t, "AKS-SYSTEM-POOL-TAINT", ProfileStandard, cluster(nil), userPool(nil)), Fail, "system pool system is not tainted "+azure.SystemPoolTaint)
	tainted := cluster(nil)
	tainted.RawInputs["agentPoolProfiles"].ArrayValue()[0].ObjectValue()["nodeTaints"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(azure.SystemPoolTaint)})
	wantStatus(t, check(t, "AKS-SYSTEM-POOL-TAINT", ProfileStandard, tainted, userPool(nil)), Pass, "")
	// A pool of another cluster does not count.
	other := userPool(map[string]any{"resourceName": "aks2"})
	wantStatus(t, check(t, "AKS-SYSTEM-POOL-TAINT", ProfileStandard, cluster(nil), other), Pass, "")
}

func TestPoolRulesNameEachPool(t *testing.T) {
	wantStatus(t, check(t, "AKS-AUTOSCALER-BOUNDS", ProfileStandard, cluster(nil), userPool(map[string]any{"minCount": 4.0})), Fail, "pool apps: minCount 4 and maxCount 3")
	wantStatus(t, check(t, "AKS-AUTOSCALER", ProfileProduction, cluster(nil), userPool(map[string]any{"enableAutoScaling": false})), Fail, "pool apps: has a fixed node count")
	wantStatus(t, check(t, "AKS-ZONES", ProfileProduction, cluster(nil), userPool(map[string]any{"availabilityZones": []any{"1", "1"}})), Fail, "pool apps: spans 1 availability zone(s)")
	wantStatus(t, check(t, "AKS-SURGE", ProfileStandard, cluster(nil), userPool(map[string]any{"upgradeSettings": map[string]any{}})), Fail, "pool apps: no upgradeSettings.maxSurge")
}

func TestMaintenanceWindows(t *testing.T) {
	window := func(name string, hours float64) plan.Resource {
		return res("azure-native:containerservice/v20241001:MaintenanceConfiguration", name, "", map[string]any{
			"resourceName": "aks1", "configName": name,
			"maintenanceWindow": map[string]any{"durationHours": hours, "schedule": map[string]any{"weekly": map[string]any{"dayOfWeek": "Sunday"}}},
		}, nil)
	}
	wantStatus(t, check(t, "AKS-MAINTENANCE-WINDOWS", ProfileProduction, cluster(nil), window(azure.AutoUpgradeScheduleName, 4)), Fail, "no weekly window of at least 4 hours for "+azure.NodeOSUpgradeScheduleName)
	wantStatus(t, check(t, "AKS-MAINTENANCE-WINDOWS", ProfileProduction, cluster(nil), window(azure.AutoUpgradeScheduleName, 3), window(azure.NodeOSUpgradeScheduleName, 4)), Fail, azure.AutoUpgradeScheduleName)
	wantStatus(t, check(t, "AKS-MAINTENANCE-WINDOWS", ProfileProduction, cluster(nil), window(azure.AutoUpgradeScheduleName, 4), window(azure.NodeOSUpgradeScheduleName, 4)), Pass, "")
	// A channel that is off needs no window.
	off := cluster(map[string]any{"autoUpgradeProfile": map[string]any{"upgradeChannel": "none", "nodeOSUpgradeChannel": "None"}})
	wantStatus(t, check(t, "AKS-MAINTENANCE-WINDOWS", ProfileProduction, off), Pass, "")
}

func TestContainerInsightsFollowsTheRuleToTheCluster(t *testing.T) {
	on := cluster(map[string]any{"addonProfiles": map[string]any{azure.ContainerInsightsAddon: map[string]any{"enabled": true,
		"config": map[string]any{"useAADAuth": "true", "logAnalyticsWorkspaceResourceID": "/workspaces/logs"}}}})
	dcr := res("azure-native:insights/v20230311:DataCollectionRule", "aks-container-insights", "/dataCollectionRules/ci", map[string]any{
		"destinations": map[string]any{"logAnalytics": []any{map[string]any{"name": "workspace", "workspaceResourceId": "/workspaces/logs"}}},
		"dataFlows":    []any{map[string]any{"streams": []any{azure.ContainerInsightsStream}, "destinations": []any{"workspace"}}},
	}, nil)
	assoc := func(target string) plan.Resource {
		return res("azure-native:insights/v20230311:DataCollectionRuleAssociation", "aks-container-insights-link", "", map[string]any{
			"resourceUri": target, "dataCollectionRuleId": "/dataCollectionRules/ci"}, nil)
	}
	wantStatus(t, check(t, "AKS-CONTAINER-INSIGHTS", ProfileProduction, on, dcr, assoc(clusterID)), Pass, "")
	wantStatus(t, check(t, "AKS-CONTAINER-INSIGHTS", ProfileProduction, on, dcr, assoc("/another/cluster")), Fail, "no data collection rule associated with the cluster")
	wantStatus(t, check(t, "AKS-CONTAINER-INSIGHTS", ProfileProduction, cluster(nil), dcr, assoc(clusterID)), Fail, "the omsagent add-on is off")
}

func TestAcrPullOnlyToTheKubelet(t *testing.T) {
	grant := func(principal string) plan.Resource {
		return res("azure-native:authorization/v20220401:RoleAssignment", "pull", "", map[string]any{
			"scope": "/registries/cr", "principalId": principal,
			"roleDefinitionId": "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/" + azure.RoleAcrPull}, nil)
	}
	wantStatus(t, check(t, "ACR-PULL-KUBELET-ONLY", ProfileStandard, cluster(nil), grant("kubelet-object-id")), Pass, "")
	wantStatus(t, check(t, "ACR-PULL-KUBELET-ONLY", ProfileStandard, cluster(nil), grant("workload-object-id")), Fail, "grants AcrPull to workload-object-id")
}
