package stacks

import (
	"slices"
	"testing"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// TestNodePoolEntryPlans: a valid cluster.nodePools entry becomes an
// AgentPool of the stack's cluster, in the node subnet, with the entry's
// values and the defaults; the system pool is then tainted for system pods
// and the cluster gets the autoscaler profile.
func TestNodePoolEntryPlans(t *testing.T) {
	t.Parallel()
	p, _, err := runStack(t, "test", minimal(map[string]string{
		"secure-aks:network": `{"enabled": true}`,
		"secure-aks:cluster": `{"nodePools": [{"name": "apps", "vmSize": "Standard_D4ds_v5", "minCount": 2, "maxCount": 6, "zones": ["1", "2", "3"], "labels": {"workload": "apps"}, "taints": ["dedicated=apps:NoSchedule"]}]}`,
	}), true)
	if err != nil {
		t.Fatal(err)
	}
	mc := mustFind(t, p.Resources, ":ManagedCluster", "aks")
	pool := mustFind(t, p.Resources, ":AgentPool", "aks-pool-apps")
	wantInput(t, pool, "resourceName", mc.State["name"].StringValue())
	wantInput(t, pool, "agentPoolName", "apps")
	wantInput(t, pool, "mode", "User")
	wantInput(t, pool, "vmSize", "Standard_D4ds_v5")
	wantInput(t, pool, "enableAutoScaling", true)
	wantInput(t, pool, "minCount", 2)
	wantInput(t, pool, "maxCount", 6)
	wantInput(t, pool, "count", 2)
	wantInput(t, pool, "availabilityZones", []any{"1", "2", "3"})
	wantInput(t, pool, "osSKU", "AzureLinux")
	wantInput(t, pool, "osDiskType", "Ephemeral")
	wantInput(t, pool, "osDiskSizeGB", components.DefaultOSDiskSizeGB)
	wantInput(t, pool, "maxPods", components.DefaultMaxPods)
	wantInput(t, pool, "upgradeSettings.maxSurge", components.DefaultMaxSurge)
	wantInput(t, pool, "nodeLabels.workload", "apps")
	wantInput(t, pool, "nodeTaints", []any{"dedicated=apps:NoSchedule"})
	wantInput(t, pool, "enableNodePublicIP", false)
	// In the stack's node subnet, as the system pool is.
	subnet, _ := mc.Input("agentPoolProfiles.0.vnetSubnetID")
	if subnet == nil || subnet == "" {
		t.Fatal("the system pool is in no subnet")
	}
	wantInput(t, pool, "vnetSubnetID", subnet)
	// The autoscaler owns the count.
	if !slices.Contains(pool.IgnoreChanges, "count") {
		t.Errorf("the autoscaled pool ignores %v, want count", pool.IgnoreChanges)
	}
	wantInput(t, mc, "agentPoolProfiles.0.nodeTaints", []any{azure.SystemPoolTaint})
	wantInput(t, mc, "autoScalerProfile.expander", azure.AutoscalerExpander)
	wantInput(t, mc, "autoScalerProfile.balanceSimilarNodeGroups", azure.AutoscalerBalanceSimilarNodeGroups)
	// The pool is made beside the cluster's dependents: it waits for the
	// cluster, and nothing the workloads need waits for it.
	for _, r := range p.Resources {
		for _, d := range r.DependsOn {
			if d == pool.URN {
				t.Errorf("%s %s waits for the node pool", r.Type, r.Name)
			}
		}
	}
}

// TestNoUserPoolNoTaint: without user pools the system pool runs every pod,
// so it carries no taint and the cluster no autoscaler profile.
func TestNoUserPoolNoTaint(t *testing.T) {
	t.Parallel()
	p, _, err := runStack(t, "test", minimal(nil), true)
	if err != nil {
		t.Fatal(err)
	}
	mc := mustFind(t, p.Resources, ":ManagedCluster", "aks")
	for _, path := range []string{"agentPoolProfiles.0.nodeTaints", "autoScalerProfile"} {
		if v, ok := mc.Input(path); ok {
			t.Errorf("%s = %v, want unset", path, v)
		}
	}
	if n := len(plan.OfType(p.Resources, ":AgentPool")); n != 0 {
		t.Errorf("%d user pools, want none", n)
	}
}
