package components

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

func validNetworkArgs() NetworkArgs {
	return NetworkArgs{ResourceGroupName: pulumi.String("rg")}
}

func TestNetworkArgsDefaults(t *testing.T) {
	t.Parallel()
	caller := validNetworkArgs()
	got := caller.withDefaults()
	if got.AddressSpace != DefaultAddressSpace || got.NodeSubnetPrefix != DefaultNodeSubnetPrefix || got.EndpointSubnetPrefix != DefaultEndpointSubnetPrefix {
		t.Errorf("defaults = %+v", got)
	}
	if caller.AddressSpace != "" || caller.NodeSubnetPrefix != "" {
		t.Errorf("withDefaults modified the caller's args: %+v", caller)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestNetworkArgsValidate(t *testing.T) {
	t.Parallel()
	runValidateCases(t, validNetworkArgs, NetworkArgs.Validate, []validateCase[NetworkArgs]{
		{"valid defaults", func(*NetworkArgs) {}, nil},
		{"valid custom", func(a *NetworkArgs) {
			a.AddressSpace, a.NodeSubnetPrefix, a.EndpointSubnetPrefix = "172.16.0.0/16", "172.16.0.0/24", "172.16.1.0/28"
		}, nil},
		{"resource group required", func(a *NetworkArgs) { a.ResourceGroupName = nil }, []string{"ResourceGroupName (unset): is required"}},
		{"not a range", func(a *NetworkArgs) { a.AddressSpace = "10.240.0.0" }, []string{`AddressSpace "10.240.0.0": must be an IPv4 CIDR range`}},
		{"not a network address", func(a *NetworkArgs) { a.NodeSubnetPrefix = "10.240.0.1/22" }, []string{`NodeSubnetPrefix "10.240.0.1/22": must be a network address: did you mean 10.240.0.0/22?`}},
		{"overlaps the service range", func(a *NetworkArgs) {
			a.AddressSpace, a.NodeSubnetPrefix, a.EndpointSubnetPrefix = "10.0.0.0/8", "10.1.0.0/22", "10.1.4.0/24"
		}, []string{`AddressSpace "10.0.0.0/8": must not overlap AKS's overlay pod range 10.244.0.0/16`, `AddressSpace "10.0.0.0/8": must not overlap AKS's service range 10.0.0.0/16`}},
		{"subnet outside the space", func(a *NetworkArgs) { a.EndpointSubnetPrefix = "10.241.0.0/24" }, []string{`EndpointSubnetPrefix "10.241.0.0/24": must lie inside AddressSpace 10.240.0.0/16`}},
		{"subnet wider than the space", func(a *NetworkArgs) { a.NodeSubnetPrefix = "10.240.0.0/15" }, []string{`NodeSubnetPrefix "10.240.0.0/15": must lie inside AddressSpace`, `EndpointSubnetPrefix "10.240.4.0/24": must not overlap NodeSubnetPrefix`}},
		{"subnets overlap", func(a *NetworkArgs) { a.EndpointSubnetPrefix = "10.240.1.0/24" }, []string{`EndpointSubnetPrefix "10.240.1.0/24": must not overlap NodeSubnetPrefix 10.240.0.0/22`}},
	})
}

func TestNewNetworkWiring(t *testing.T) {
	t.Parallel()
	var subnets []string
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validNetworkArgs()
		n, err := NewNetwork(ctx, "vnet", &a)
		if err != nil {
			return err
		}
		pulumi.All(n.ID, n.NodeSubnetID, n.EndpointSubnetID, n.VaultDNSZoneID).ApplyT(func(v []any) error {
			for _, s := range v {
				subnets = append(subnets, s.(string))
			}
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := mustFind(t, rec, NetworkType, "vnet")
	vnet := mustFind(t, rec, ":VirtualNetwork", "vnet")
	wantInput(t, vnet, "addressSpace.addressPrefixes", []any{DefaultAddressSpace})
	wantInput(t, vnet, "subnets", []any{
		map[string]any{"name": "nodes", "addressPrefix": DefaultNodeSubnetPrefix},
		map[string]any{"name": "endpoints", "addressPrefix": DefaultEndpointSubnetPrefix, "privateEndpointNetworkPolicies": "Disabled"},
	})
	zone := mustFind(t, rec, ":PrivateZone", "vnet-vault-dns")
	wantInput(t, zone, "privateZoneName", azure.VaultPrivateDNSZone)
	wantInput(t, zone, "location", "global")
	link := mustFind(t, rec, ":VirtualNetworkLink", "vnet-vault-dns-link")
	wantInput(t, link, "virtualNetwork.id", vnet.ID)
	wantInput(t, link, "privateZoneName", azure.VaultPrivateDNSZone)
	wantInput(t, link, "registrationEnabled", false)
	// The outputs are the VNet's, its subnets' and the zone's IDs.
	want := []string{vnet.ID, vnet.ID + "/subnets/nodes", vnet.ID + "/subnets/endpoints", zone.ID}
	if !slices.Equal(subnets, want) {
		t.Errorf("outputs %v, want %v", subnets, want)
	}
	wantParentedTo(t, rec.Resources(), comp)
}

func TestNewNetworkInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating network "vnet": AddressSpace "10.0.0.0/12": must not overlap AKS's service range`, func(ctx *pulumi.Context) error {
		a := validNetworkArgs()
		a.AddressSpace = "10.0.0.0/12"
		_, err := NewNetwork(ctx, "vnet", &a)
		return err
	})
}

// TestClusterInTheCallersSubnet: the cluster runs as its own user-assigned
// identity, which gets Network Contributor on exactly the node subnet before
// the cluster is created.
func TestClusterInTheCallersSubnet(t *testing.T) {
	t.Parallel()
	const subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes"
	a := validClusterArgs()
	a.NodeSubnetID = pulumi.String(subnet)
	a.Protect = true
	rec := clusterRun(t, &a)
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	id := mustFind(t, rec, ":UserAssignedIdentity", "aks-identity")
	grant := mustFind(t, rec, ":RoleAssignment", "aks-subnet-network-contributor")
	wantInput(t, mc, "agentPoolProfiles.0.vnetSubnetID", subnet)
	wantInput(t, mc, "identity.type", "UserAssigned")
	wantInput(t, mc, "identity.userAssignedIdentities", []any{id.ID})
	wantInput(t, grant, "scope", subnet)
	wantInput(t, grant, "principalId", id.State["principalId"].StringValue())
	wantInput(t, grant, "principalType", "ServicePrincipal")
	if r, _ := grant.Input("roleDefinitionId"); !strings.HasSuffix(r.(string), "/"+azure.RoleNetworkContributor) {
		t.Errorf("grants %v, want Network Contributor", r)
	}
	if !slices.Contains(mc.DependsOn, grant.URN) {
		t.Error("the cluster does not wait for its identity's grant on the subnet")
	}
	if !mc.Protect || grant.Protect || id.Protect {
		t.Errorf("protect: cluster %v, grant %v, identity %v; want the cluster only", mc.Protect, grant.Protect, id.Protect)
	}
}

func TestNewClusterHardening(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg")})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	// Defaults: Free tier, Cilium, patch upgrades, node images, no node IPs.
	wantInput(t, mc, "sku", map[string]any{"name": "Base", "tier": "Free"})
	wantInput(t, mc, "networkProfile.networkPolicy", "cilium")
	wantInput(t, mc, "networkProfile.networkDataplane", "cilium")
	wantInput(t, mc, "networkProfile.networkPluginMode", "overlay")
	wantInput(t, mc, "autoUpgradeProfile", map[string]any{"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"})
	wantInput(t, mc, "agentPoolProfiles.0.enableNodePublicIP", false)
	wantInput(t, mc, "identity.type", "SystemAssigned")
	if n := len(planOfType(rec, ":DiagnosticSetting")); n != 0 {
		t.Errorf("%d diagnostic settings without a workspace", n)
	}

	a := validClusterArgs()
	a.Tier, a.NetworkPolicy, a.UpgradeChannel, a.NodeOSUpgradeChannel = "Standard", "none", "stable", "SecurityPatch"
	a.DiagnosticsWorkspaceID = pulumi.String("/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs")
	rec = clusterRun(t, &a)
	mc = mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "sku.tier", "Standard")
	wantNoInput(t, mc, "networkProfile.networkPolicy")
	wantNoInput(t, mc, "networkProfile.networkDataplane")
	wantInput(t, mc, "autoUpgradeProfile", map[string]any{"upgradeChannel": "stable", "nodeOSUpgradeChannel": "SecurityPatch"})
	diag := mustFind(t, rec, ":DiagnosticSetting", "aks-diagnostics")
	wantInput(t, diag, "resourceUri", mc.ID)
	wantInput(t, diag, "workspaceId", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs")
	wantInput(t, diag, "logs", []any{
		map[string]any{"category": "kube-audit-admin", "enabled": true},
		map[string]any{"category": "guard", "enabled": true},
	})
}

func TestClusterHardeningValidate(t *testing.T) {
	t.Parallel()
	runValidateCases(t, validClusterArgs, ClusterArgs.Validate, []validateCase[ClusterArgs]{
		{"tier", func(a *ClusterArgs) { a.Tier = "Gold" }, []string{`Tier "Gold": must be one of Free, Standard, Premium`}},
		{"network policy", func(a *ClusterArgs) { a.NetworkPolicy = "Cilium" }, []string{`NetworkPolicy "Cilium": must be one of cilium, azure, calico, none`}},
		{"upgrade channel", func(a *ClusterArgs) { a.UpgradeChannel = "weekly" }, []string{`UpgradeChannel "weekly": must be one of`}},
		{"node OS channel", func(a *ClusterArgs) { a.NodeOSUpgradeChannel = "nodeimage" }, []string{`NodeOSUpgradeChannel "nodeimage": must be one of NodeImage`}},
	})
}

// TestNewVaultPrivateAndGuarded: the private endpoint reaches exactly this
// vault (group vault) from the given subnet and registers in the given zone;
// the lock is CanNotDelete on the vault; the audit logs go to the workspace;
// protect is on the vault only.
func TestNewVaultPrivateAndGuarded(t *testing.T) {
	t.Parallel()
	const (
		subnet    = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/endpoints"
		zoneID    = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
		workspace = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"
	)
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Name = "kv-private"
		a.Secrets = map[string]pulumi.StringInput{"s": pulumi.String("v")}
		a.PrivateEndpoint = &PrivateEndpointArgs{SubnetID: pulumi.String(subnet), DNSZoneID: pulumi.String(zoneID)}
		a.DiagnosticsWorkspaceID = pulumi.String(workspace)
		a.DeleteLock, a.Protect = true, true
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kv := mustFind(t, rec, "keyvault:Vault", "kv")
	wantInput(t, kv, "properties.publicNetworkAccess", "Disabled")
	pe := mustFind(t, rec, ":PrivateEndpoint", "kv-endpoint")
	wantInput(t, pe, "subnet.id", subnet)
	wantInput(t, pe, "privateLinkServiceConnections", []any{map[string]any{"name": "vault", "groupIds": []any{"vault"}, "privateLinkServiceId": kv.ID}})
	group := mustFind(t, rec, ":PrivateDnsZoneGroup", "kv-endpoint-dns")
	wantInput(t, group, "privateEndpointName", pe.State["name"].StringValue())
	wantInput(t, group, "privateDnsZoneConfigs", []any{map[string]any{"name": "vault", "privateDnsZoneId": zoneID}})
	lock := mustFind(t, rec, ":ManagementLockByScope", "kv-lock")
	wantInput(t, lock, "scope", kv.ID)
	wantInput(t, lock, "level", "CanNotDelete")
	diag := mustFind(t, rec, ":DiagnosticSetting", "kv-diagnostics")
	wantInput(t, diag, "resourceUri", kv.ID)
	wantInput(t, diag, "workspaceId", workspace)
	wantInput(t, diag, "logs", []any{map[string]any{"categoryGroup": "audit", "enabled": true}})
	for _, r := range rec.Resources() {
		if r.Protect != (r.URN == kv.URN) {
			t.Errorf("%s %s: protect %v; want the vault only", r.Type, r.Name, r.Protect)
		}
	}
	wantParentedTo(t, rec.Resources(), mustFind(t, rec, VaultType, "kv"))
}
