package components

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

func TestNodePoolDefaults(t *testing.T) {
	t.Parallel()
	caller := NodePoolArgs{VMSize: "Standard_D4ds_v5", MaxCount: 5}
	got := caller.withDefaults()
	if got.Count != 0 || got.OSSKU != NodeOSSKUAzureLinux || got.OSDiskSizeGB != 128 || got.MaxPods != 110 || got.MaxSurge != "33%" {
		t.Errorf("defaults = %+v", got)
	}
	// The D4ds_v5's 150 GiB temp disk holds the 128 GiB OS disk.
	if got.OSDiskType != OSDiskTypeEphemeral {
		t.Errorf("OSDiskType = %q, want Ephemeral", got.OSDiskType)
	}
	if caller.OSSKU != "" || caller.MaxSurge != "" {
		t.Errorf("withDefaults modified the caller's args: %+v", caller)
	}
	if c := (NodePoolArgs{}).withDefaults(); c.Count != DefaultNodePoolCount || c.OSDiskType != OSDiskTypeManaged {
		t.Errorf("no count and no VM size: %+v, want the default count and a managed disk (D2s_v5 has no local disk)", c)
	}
}

func TestDefaultOSDiskType(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		size string
		gb   int
		want OSDiskType
	}{
		{"Standard_D4ds_v5", 128, OSDiskTypeEphemeral},
		{"Standard_D8ds_v5", 256, OSDiskTypeEphemeral},
		{"Standard_D2ds_v5", 128, OSDiskTypeManaged}, // 75 GiB of temp disk
		{"Standard_D2ds_v5", 64, OSDiskTypeEphemeral},
		{"Standard_D4s_v5", 128, OSDiskTypeManaged}, // no local storage
		{"Standard_Unknown_v9", 30, OSDiskTypeManaged},
	} {
		if got := DefaultOSDiskType(tt.size, tt.gb); got != tt.want {
			t.Errorf("DefaultOSDiskType(%s, %d) = %s, want %s", tt.size, tt.gb, got, tt.want)
		}
	}
}

func TestNodePoolsValidate(t *testing.T) {
	t.Parallel()
	pool := func(f func(*NodePoolArgs)) func(*ClusterArgs) {
		return func(a *ClusterArgs) {
			p := NodePoolArgs{VMSize: "Standard_D4ds_v5", MinCount: 1, MaxCount: 3}
			f(&p)
			a.NodePools = map[string]NodePoolArgs{"apps": p}
		}
	}
	tests := []validateCase[ClusterArgs]{
		{"valid pool", pool(func(*NodePoolArgs) {}), nil},
		{"valid fixed pool", pool(func(p *NodePoolArgs) { p.MinCount, p.MaxCount, p.Count = 0, 0, 4 }), nil},
		{"valid scale to zero", pool(func(p *NodePoolArgs) { p.MinCount = 0 }), nil},
		{"name underscore", func(a *ClusterArgs) { a.NodePools = map[string]NodePoolArgs{"user_1": {}} }, []string{`NodePools[user_1] "user_1": must be 1-12 lowercase letters and digits`}},
		{"name 13 characters", func(a *ClusterArgs) { a.NodePools = map[string]NodePoolArgs{"abcdefghijklm": {}} }, []string{`NodePools[abcdefghijklm]`}},
		{"name starts with a digit", func(a *ClusterArgs) { a.NodePools = map[string]NodePoolArgs{"1apps": {}} }, []string{`NodePools[1apps]`}},
		{"name is the system pool's", func(a *ClusterArgs) { a.NodePools = map[string]NodePoolArgs{"system": {}} }, []string{`NodePools[system] "system": is the system pool's name`}},
		{"min over max", pool(func(p *NodePoolArgs) { p.MinCount = 4 }), []string{"NodePools[apps].MinCount 4: must not exceed MaxCount 3"}},
		{"max over limit", pool(func(p *NodePoolArgs) { p.MaxCount = 1001 }), []string{"NodePools[apps].MaxCount 1001: must be between 1 and 1000"}},
		{"count with autoscaler", pool(func(p *NodePoolArgs) { p.Count = 2 }), []string{"NodePools[apps].Count 2: must be unset when the autoscaler is on"}},
		{"min without max", pool(func(p *NodePoolArgs) { p.MaxCount = 0 }), []string{"NodePools[apps].MaxCount 0: is required with MinCount"}},
		{"count over limit", pool(func(p *NodePoolArgs) { p.MinCount, p.MaxCount, p.Count = 0, 0, 1001 }), []string{"NodePools[apps].Count 1001: must be between 1 and 1000"}},
		{"vm size", pool(func(p *NodePoolArgs) { p.VMSize = "big" }), []string{`NodePools[apps].VMSize "big"`}},
		{"zone", pool(func(p *NodePoolArgs) { p.Zones = []string{"0"} }), []string{`NodePools[apps].Zones[0] "0"`}},
		{"zone repeated", pool(func(p *NodePoolArgs) { p.Zones = []string{"1", "1"} }), []string{`NodePools[apps].Zones[1] "1": must not repeat`}},
		{"os sku", pool(func(p *NodePoolArgs) { p.OSSKU = "Windows2022" }), []string{`NodePools[apps].OSSKU "Windows2022": must be one of AzureLinux, Ubuntu`}},
		{"ephemeral on a size without local disk", pool(func(p *NodePoolArgs) { p.VMSize, p.OSDiskType = "Standard_D4s_v5", OSDiskTypeEphemeral }),
			[]string{`NodePools[apps].OSDiskType "Ephemeral": needs a VM size whose local storage holds the 128 GiB OS disk: Standard_D4s_v5 has no local storage`}},
		{"ephemeral too small", pool(func(p *NodePoolArgs) { p.OSDiskSizeGB, p.OSDiskType = 200, OSDiskTypeEphemeral }), []string{"Standard_D4ds_v5 has 150 GiB"}},
		{"os disk size", pool(func(p *NodePoolArgs) { p.OSDiskSizeGB = 20 }), []string{"NodePools[apps].OSDiskSizeGB 20: must be between 30 and 2048"}},
		{"max pods", pool(func(p *NodePoolArgs) { p.MaxPods = 5 }), []string{"NodePools[apps].MaxPods 5: must be between 10 and 250"}},
		{"label key", pool(func(p *NodePoolArgs) { p.Labels = map[string]string{"bad key": "x"} }), []string{`NodePools[apps].Labels "bad key": must be a Kubernetes label key`}},
		{"reserved label", pool(func(p *NodePoolArgs) { p.Labels = map[string]string{"node.kubernetes.io/role": "x"} }), []string{"must not use the kubernetes.azure.com or kubernetes.io prefix"}},
		{"label value", pool(func(p *NodePoolArgs) { p.Labels = map[string]string{"workload": "a b"} }), []string{`NodePools[apps].Labels.workload "a b"`}},
		{"taint effect", pool(func(p *NodePoolArgs) { p.Taints = []string{"gpu=true:Never"} }), []string{`NodePools[apps].Taints[0] "gpu=true:Never": must be key=value:Effect`}},
		{"taint repeated", pool(func(p *NodePoolArgs) { p.Taints = []string{"a=b:NoSchedule", "a=b:NoSchedule"} }), []string{"NodePools[apps].Taints[1]"}},
		{"surge", pool(func(p *NodePoolArgs) { p.MaxSurge = "0" }), []string{`NodePools[apps].MaxSurge "0"`}},
		{"system autoscaler", func(a *ClusterArgs) { a.NodeMinCount, a.NodeMaxCount = 2, 5 }, nil},
		{"system min zero", func(a *ClusterArgs) { a.NodeMinCount, a.NodeMaxCount = 0, 5 }, []string{"NodeMinCount 0: must be between 1 and 100"}},
		{"system max over 100", func(a *ClusterArgs) { a.NodeMinCount, a.NodeMaxCount = 1, 101 }, []string{"NodeMaxCount 101: must be between 1 and 100"}},
		{"system count with autoscaler", func(a *ClusterArgs) { a.NodeCount, a.NodeMinCount, a.NodeMaxCount = 3, 1, 5 }, []string{"NodeCount 3: must be unset"}},
		{"system surge", func(a *ClusterArgs) { a.NodeMaxSurge = "101%" }, []string{`NodeMaxSurge "101%"`}},
		{"image cleaner interval", func(a *ClusterArgs) { a.ImageCleanerIntervalHours = 3000 }, []string{"ImageCleanerIntervalHours 3000: must be between 24 and 2160"}},
		{"container insights needs a workspace", func(a *ClusterArgs) { a.ContainerInsightsEnabled = true }, []string{"ContainerInsightsEnabled true: needs DiagnosticsWorkspaceID"}},
		{"defender needs a workspace", func(a *ClusterArgs) { a.DefenderEnabled = true }, []string{"DefenderEnabled true: needs DiagnosticsWorkspaceID"}},
	}
	runValidateCases(t, validClusterArgs, ClusterArgs.Validate, tests)
}

// TestUserPoolsBesideTheCluster: each user pool is an AgentPool of the
// cluster (its name from the cluster's output), parented to the component;
// the system pool is then tainted; an autoscaled pool leaves its count to
// the autoscaler, a fixed one does not.
func TestUserPoolsBesideTheCluster(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{
		ResourceGroupName: pulumi.String("rg"),
		NodeMinCount:      2, NodeMaxCount: 4,
		NodePools: map[string]NodePoolArgs{
			"apps":  {VMSize: "Standard_D4ds_v5", MinCount: 1, MaxCount: 5, Zones: []string{"1", "2"}},
			"batch": {Count: 2, Taints: []string{"batch=true:NoSchedule"}},
		},
	})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	clusterName := mc.State["name"].StringValue()
	wantInput(t, mc, "agentPoolProfiles.0.nodeTaints", []any{azure.SystemPoolTaint})
	wantInput(t, mc, "agentPoolProfiles.0.enableAutoScaling", true)
	wantInput(t, mc, "agentPoolProfiles.0.minCount", 2.0)
	wantInput(t, mc, "agentPoolProfiles.0.maxCount", 4.0)
	wantInput(t, mc, "agentPoolProfiles.0.upgradeSettings.maxSurge", DefaultMaxSurge)
	if !slices.Equal(mc.IgnoreChanges, []string{"agentPoolProfiles[0].count"}) {
		t.Errorf("the cluster ignores %v, want only the autoscaled system pool's count", mc.IgnoreChanges)
	}
	wantInput(t, mc, "autoScalerProfile.expander", azure.AutoscalerExpander)
	if n := len(mc.Inputs["agentPoolProfiles"].([]any)); n != 1 {
		t.Errorf("%d inline pools, want the system pool only", n)
	}

	apps := mustFind(t, rec, ":AgentPool", "aks-pool-apps")
	wantInput(t, apps, "resourceName", clusterName)
	wantInput(t, apps, "resourceGroupName", "rg")
	wantInput(t, apps, "agentPoolName", "apps")
	wantInput(t, apps, "mode", "User")
	wantInput(t, apps, "osDiskType", "Ephemeral")
	wantInput(t, apps, "count", 1.0)
	if !slices.Equal(apps.IgnoreChanges, []string{"count"}) {
		t.Errorf("the autoscaled pool ignores %v, want [count]", apps.IgnoreChanges)
	}
	if apps.Parent != mc.Parent {
		t.Errorf("the pool's parent is %s, the cluster's %s", apps.Parent, mc.Parent)
	}
	batch := mustFind(t, rec, ":AgentPool", "aks-pool-batch")
	wantInput(t, batch, "enableAutoScaling", false)
	wantInput(t, batch, "count", 2.0)
	wantInput(t, batch, "nodeTaints", []any{"batch=true:NoSchedule"})
	wantInput(t, batch, "osDiskType", "Managed")
	if len(batch.IgnoreChanges) != 0 {
		t.Errorf("the fixed pool ignores %v: its count is the program's", batch.IgnoreChanges)
	}
}

// TestClusterReadyNamesWhatPodsNeed: Ready is the user pools and the
// kubelet's registry grant, by URN, and nothing else.
func TestClusterReadyNamesWhatPodsNeed(t *testing.T) {
	t.Parallel()
	var ready []string
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		c, err := NewCluster(ctx, "aks", &ClusterArgs{
			ResourceGroupName: pulumi.String("rg"),
			RegistryID:        pulumi.String("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crshared"),
			NodePools:         map[string]NodePoolArgs{"apps": {}, "batch": {}},
		})
		if err != nil {
			return err
		}
		var urns []any
		for _, r := range c.Ready() {
			urns = append(urns, r.URN())
		}
		pulumi.All(urns...).ApplyT(func(v []any) error {
			for _, u := range v {
				ready = append(ready, string(u.(pulumi.URN)))
			}
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range []string{"aks-pool-apps", "aks-pool-batch"} {
		want = append(want, mustFind(t, rec, ":AgentPool", n).URN)
	}
	want = append(want, mustFind(t, rec, ":RoleAssignment", "aks-kubelet-acr-pull").URN)
	slices.Sort(ready)
	slices.Sort(want)
	if !slices.Equal(ready, want) {
		t.Errorf("Ready = %v, want %v", ready, want)
	}
}

// TestUserPoolsAreMadeOneAfterAnother: each pool waits for the one before
// it, in name order, so that two never race on the node subnet.
func TestUserPoolsAreMadeOneAfterAnother(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), NodePools: map[string]NodePoolArgs{"apps": {}, "batch": {}, "gpu": {}}})
	apps, batch, gpu := mustFind(t, rec, ":AgentPool", "aks-pool-apps"), mustFind(t, rec, ":AgentPool", "aks-pool-batch"), mustFind(t, rec, ":AgentPool", "aks-pool-gpu")
	if slices.Contains(apps.DependsOn, batch.URN) || slices.Contains(apps.DependsOn, gpu.URN) {
		t.Errorf("the first pool waits for a later one: %v", apps.DependsOn)
	}
	if !slices.Contains(batch.DependsOn, apps.URN) || !slices.Contains(gpu.DependsOn, batch.URN) {
		t.Errorf("the pools are not chained: batch waits for %v, gpu for %v", batch.DependsOn, gpu.DependsOn)
	}
}
