package guardrails

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// pool is one node pool of a cluster: an inline agentPoolProfiles entry or
// an AgentPool resource, read through one interface.
type pool struct {
	name string
	r    plan.Resource
	at   string // the path prefix of the pool's fields in r
}

func (p pool) str(path string) string  { return str(p.r, p.at+path) }
func (p pool) list(path string) []any  { return list(p.r, p.at+path) }
func (p pool) num(path string) float64 { v, _ := in(p.r, p.at+path).(float64); return v }
func (p pool) autoscaled() bool        { return isTrue(p.r, p.at+"enableAutoScaling") }
func (p pool) system() bool            { return p.str("mode") == "System" }

// pools are a cluster's node pools: its inline profiles, then the AgentPool
// resources that name it.
func (p *Plan) pools(cluster plan.Resource) []pool {
	var out []pool
	for i := range list(cluster, "agentPoolProfiles") {
		at := fmt.Sprintf("agentPoolProfiles.%d.", i)
		out = append(out, pool{name: str(cluster, at+"name"), r: cluster, at: at})
	}
	for _, ap := range p.userPools(cluster) {
		out = append(out, pool{name: str(ap, "agentPoolName"), r: ap})
	}
	return out
}

// userPools are the AgentPool resources of a cluster.
func (p *Plan) userPools(cluster plan.Resource) []plan.Resource {
	var out []plan.Resource
	for _, ap := range plan.OfType(p.Resources, typeAgentPool) {
		if name := str(ap, "resourceName"); name != "" && name == azureName(cluster) {
			out = append(out, ap)
		}
	}
	return out
}

// eachPool builds a check that runs on every pool of a cluster and names
// each pool that fails it.
func eachPool(check func(pool) string) func(*Plan, plan.Resource) string {
	return func(p *Plan, cluster plan.Resource) string {
		var bad []string
		for _, pl := range p.pools(cluster) {
			if msg := check(pl); msg != "" {
				bad = append(bad, fmt.Sprintf("pool %s: %s", pl.name, msg))
			}
		}
		return strings.Join(bad, "; ")
	}
}

// systemPoolTainted: once user pools exist, every system pool carries
// CriticalAddonsOnly=true:NoSchedule, so that application pods leave the
// system pods their nodes.
func systemPoolTainted(p *Plan, cluster plan.Resource) string {
	if len(p.userPools(cluster)) == 0 {
		return ""
	}
	for _, pl := range p.pools(cluster) {
		if pl.system() && !slices.Contains(pl.list("nodeTaints"), any(azure.SystemPoolTaint)) {
			return fmt.Sprintf("system pool %s is not tainted %s: application pods share it with the system pods", pl.name, azure.SystemPoolTaint)
		}
	}
	return ""
}

// maintenanceWindows: every auto-upgrade channel that is on has its
// planned-maintenance configuration on the cluster, at least 4 hours long.
func maintenanceWindows(p *Plan, cluster plan.Resource) string {
	need := map[string]bool{
		azure.AutoUpgradeScheduleName:   !isOff(str(cluster, "autoUpgradeProfile.upgradeChannel")),
		azure.NodeOSUpgradeScheduleName: !isOff(str(cluster, "autoUpgradeProfile.nodeOSUpgradeChannel")),
	}
	for _, m := range plan.OfType(p.Resources, typeMaintenance) {
		if str(m, "resourceName") != azureName(cluster) {
			continue
		}
		if h, _ := in(m, "maintenanceWindow.durationHours").(float64); h >= 4 && str(m, "maintenanceWindow.schedule.weekly.dayOfWeek") != "" {
			delete(need, str(m, "configName"))
		}
	}
	var missing []string
	for _, name := range []string{azure.AutoUpgradeScheduleName, azure.NodeOSUpgradeScheduleName} {
		if need[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "no weekly window of at least 4 hours for " + strings.Join(missing, ", ") + ": upgrades land at any hour"
	}
	return ""
}

func isOff(channel string) bool {
	return channel == "" || strings.EqualFold(channel, "none") || strings.EqualFold(channel, "Unmanaged")
}

// containerInsights: the agent add-on with managed-identity authentication
// and a workspace, a data collection rule that sends the Container Insights
// stream to a workspace, and its association with the cluster.
func containerInsights(p *Plan, cluster plan.Resource) string {
	at := "addonProfiles." + azure.ContainerInsightsAddon + "."
	switch {
	case !isTrue(cluster, at+"enabled"):
		return "the " + azure.ContainerInsightsAddon + " add-on is off"
	case str(cluster, at+"config.useAADAuth") != "true":
		return "the " + azure.ContainerInsightsAddon + " add-on authenticates with the workspace key, not its managed identity (useAADAuth)"
	case str(cluster, at+"config.logAnalyticsWorkspaceResourceID") == "":
		return "the " + azure.ContainerInsightsAddon + " add-on has no workspace"
	}
	for _, a := range plan.OfType(p.Resources, typeDCRAssociation) {
		if !sameID(str(a, "resourceUri"), cluster.ID) {
			continue
		}
		for _, dcr := range plan.OfType(p.Resources, typeDCR) {
			if sameID(str(a, "dataCollectionRuleId"), dcr.ID) && sendsContainerInsights(dcr) {
				return ""
			}
		}
	}
	return "no data collection rule associated with the cluster sends " + azure.ContainerInsightsStream + " to a workspace"
}

// sendsContainerInsights says whether a data collection rule's flows carry
// the Container Insights stream to a Log Analytics destination.
func sendsContainerInsights(dcr plan.Resource) bool {
	workspaces := map[any]bool{}
	for i := range list(dcr, "destinations.logAnalytics") {
		if str(dcr, fmt.Sprintf("destinations.logAnalytics.%d.workspaceResourceId", i)) != "" {
			workspaces[in(dcr, fmt.Sprintf("destinations.logAnalytics.%d.name", i))] = true
		}
	}
	for i := range list(dcr, "dataFlows") {
		at := fmt.Sprintf("dataFlows.%d.", i)
		if !slices.Contains(list(dcr, at+"streams"), any(azure.ContainerInsightsStream)) {
			continue
		}
		for _, d := range list(dcr, at+"destinations") {
			if workspaces[d] {
				return true
			}
		}
	}
	return false
}

// kubeletObjectIDs are the object IDs of the plan's clusters' kubelet
// identities.
func (p *Plan) kubeletObjectIDs() []string {
	var out []string
	for _, c := range plan.OfType(p.Resources, typeCluster) {
		if v, ok := plan.Lookup(plan.Reveal(resource.NewProperty(c.State)), "identityProfile.kubeletidentity.objectId"); ok {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
