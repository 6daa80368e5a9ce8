package components

import (
	"fmt"
	"net/netip"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	privatedns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240601"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// NetworkType is the Pulumi type token of [Network]. Never change it without
// pulumi.Aliases.
const NetworkType = tokens.Network

// Network defaults (docs/azure-facts.md#cluster-hardening). The address space
// stays clear of AKS's default overlay pod range (10.244.0.0/16) and service
// range (10.0.0.0/16), which must not overlap the VNet.
const (
	// DefaultAddressSpace is the VNet's address space.
	DefaultAddressSpace = "10.240.0.0/16"
	// DefaultNodeSubnetPrefix holds the nodes: with Azure CNI overlay only
	// nodes take addresses from it, so 1,019 usable addresses leave room
	// for 100 nodes and upgrade surges many times over.
	DefaultNodeSubnetPrefix = "10.240.0.0/22"
	// DefaultEndpointSubnetPrefix holds private endpoints.
	DefaultEndpointSubnetPrefix = "10.240.4.0/24"
	// nodeSubnetName and endpointSubnetName name the subnets.
	nodeSubnetName     = "nodes"
	endpointSubnetName = "endpoints"
)

// aksDefaultRanges are the ranges AKS uses inside an overlay cluster unless
// told otherwise: pods and services. A VNet overlapping them breaks routing.
var aksDefaultRanges = map[string]netip.Prefix{
	"AKS's overlay pod range": netip.MustParsePrefix("10.244.0.0/16"),
	"AKS's service range":     netip.MustParsePrefix("10.0.0.0/16"),
}

// NetworkArgs configures a [Network]. The zero value of every optional field
// selects the documented default; defaults never modify the caller's struct.
type NetworkArgs struct {
	// ResourceGroupName holds the VNet and the private DNS zone. Required.
	// Changing it replaces them.
	ResourceGroupName pulumi.StringInput
	// Location of the VNet. Optional: the provider's default. Changing it
	// replaces the VNet.
	Location pulumi.StringPtrInput
	// AddressSpace is the VNet's IPv4 range. Default DefaultAddressSpace. It
	// must hold both subnets and overlap neither AKS's overlay pod range nor
	// its service range. Changed in place, as long as the subnets still fit.
	AddressSpace string
	// NodeSubnetPrefix is the nodes' subnet, inside AddressSpace. Default
	// DefaultNodeSubnetPrefix. A change is refused by Azure while nodes are
	// in it.
	NodeSubnetPrefix string
	// EndpointSubnetPrefix is the private endpoints' subnet, inside
	// AddressSpace, apart from the nodes'. Default DefaultEndpointSubnetPrefix.
	// A change is refused by Azure while endpoints are in it.
	EndpointSubnetPrefix string
	// RegistryDNSZoneEnabled also creates the privatelink.azurecr.io zone of
	// container registry endpoints, linked to the VNet
	// (PrivateEndpointArgs.DNSZoneID of a Registry). Default false. Changing
	// it creates or deletes the zone and its link; nothing else changes in
	// place.
	RegistryDNSZoneEnabled bool
	// Tags are set on the VNet and the zones. Optional. At most 50; Azure's
	// tag-name rules. Changed in place.
	Tags map[string]string
}

// Network is a VNet with a subnet for the cluster's nodes and one for
// private endpoints, and the private DNS zones of Key Vault (and, when asked,
// container registry) endpoints linked to it: the private path from pod to
// vault and registry.
type Network struct {
	pulumi.ResourceState

	// ID is the VNet's resource ID.
	ID pulumi.StringOutput
	// NodeSubnetID is the nodes' subnet (ClusterArgs.NodeSubnetID).
	NodeSubnetID pulumi.StringOutput
	// EndpointSubnetID is the endpoints' subnet
	// (PrivateEndpointArgs.SubnetID).
	EndpointSubnetID pulumi.StringOutput
	// VaultDNSZoneID is the privatelink.vaultcore.azure.net zone
	// (PrivateEndpointArgs.DNSZoneID).
	VaultDNSZoneID pulumi.StringOutput
	// RegistryDNSZoneID is the privatelink.azurecr.io zone, when
	// NetworkArgs.RegistryDNSZoneEnabled (PrivateEndpointArgs.DNSZoneID of a
	// Registry); otherwise it is empty.
	RegistryDNSZoneID pulumi.StringOutput
}

func (a NetworkArgs) withDefaults() NetworkArgs {
	if a.AddressSpace == "" {
		a.AddressSpace = DefaultAddressSpace
	}
	if a.NodeSubnetPrefix == "" {
		a.NodeSubnetPrefix = DefaultNodeSubnetPrefix
	}
	if a.EndpointSubnetPrefix == "" {
		a.EndpointSubnetPrefix = DefaultEndpointSubnetPrefix
	}
	return a
}

// Validate applies the defaults to a copy of a and checks every rule. It
// returns all broken rules joined, each a *[FieldError], or nil.
func (a NetworkArgs) Validate() error {
	a = a.withDefaults()
	var fe fieldErrors
	if a.ResourceGroupName == nil {
		fe.add("ResourceGroupName", nil, "is required")
	}
	space, spaceOK := checkPrefix(&fe, "AddressSpace", a.AddressSpace)
	nodes, nodesOK := checkPrefix(&fe, "NodeSubnetPrefix", a.NodeSubnetPrefix)
	endpoints, endpointsOK := checkPrefix(&fe, "EndpointSubnetPrefix", a.EndpointSubnetPrefix)
	if spaceOK {
		for _, what := range sortedKeys(aksDefaultRanges) {
			if space.Overlaps(aksDefaultRanges[what]) {
				fe.addf("AddressSpace", a.AddressSpace, "must not overlap %s %s", what, aksDefaultRanges[what])
			}
		}
	}
	for _, sub := range []struct {
		field string
		p     netip.Prefix
		ok    bool
	}{{"NodeSubnetPrefix", nodes, nodesOK}, {"EndpointSubnetPrefix", endpoints, endpointsOK}} {
		if sub.ok && spaceOK && (sub.p.Bits() < space.Bits() || !space.Contains(sub.p.Addr())) {
			fe.addf(sub.field, sub.p.String(), "must lie inside AddressSpace %s", space)
		}
	}
	if nodesOK && endpointsOK && nodes.Overlaps(endpoints) {
		fe.addf("EndpointSubnetPrefix", endpoints.String(), "must not overlap NodeSubnetPrefix %s", nodes)
	}
	checkTags(&fe, "Tags", a.Tags)
	return fe.err()
}

// checkPrefix parses an IPv4 CIDR range in its network form.
func checkPrefix(fe *fieldErrors, field, v string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(v)
	switch {
	case err != nil || !p.Addr().Is4():
		fe.add(field, v, "must be an IPv4 CIDR range such as 10.240.0.0/16")
		return p, false
	case p.Masked() != p:
		fe.addf(field, v, "must be a network address: did you mean %s?", p.Masked())
		return p, false
	}
	return p, true
}

// NewNetwork creates the VNet, its two subnets (inline, so that both exist
// as soon as the VNet does and the cluster waits for one resource only), the
// private DNS zone of Key Vault endpoints (and of registry endpoints, with
// RegistryDNSZoneEnabled) and their links to the VNet. Invalid args register
// nothing.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if args == nil {
		args = &NetworkArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	n := &Network{}
	if err := ctx.RegisterComponentResource(NetworkType, name, n, opts...); err != nil {
		return nil, fmt.Errorf("creating network %q: %w", name, err)
	}
	child := childOptions(n, opts)
	wrap := func(err error) error { return fmt.Errorf("creating network %q: %w", name, err) }

	vnet, err := network.NewVirtualNetwork(ctx, name, &network.VirtualNetworkArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		AddressSpace:      &network.AddressSpaceArgs{AddressPrefixes: pulumi.ToStringArray([]string{a.AddressSpace})},
		Subnets: network.SubnetTypeArray{
			&network.SubnetTypeArgs{Name: pulumi.String(nodeSubnetName), AddressPrefix: pulumi.String(a.NodeSubnetPrefix)},
			&network.SubnetTypeArgs{
				Name:          pulumi.String(endpointSubnetName),
				AddressPrefix: pulumi.String(a.EndpointSubnetPrefix),
				// Endpoints take no NSG or route-table policies here.
				PrivateEndpointNetworkPolicies: pulumi.String(string(network.VirtualNetworkPrivateEndpointNetworkPoliciesDisabled)),
			},
		},
		Tags: toStringMap(a.Tags),
	}, child...)
	if err != nil {
		return nil, wrap(err)
	}
	vnetID := vnet.ID().ToStringOutput()
	// A subnet's ID is its VNet's ID and its name (ARM's ID form), known as
	// soon as the VNet is.
	subnetID := func(subnet string) pulumi.StringOutput {
		return vnetID.ApplyT(func(id string) string { return id + "/subnets/" + subnet }).(pulumi.StringOutput)
	}

	// A private DNS zone per kind of endpoint, each linked to the VNet.
	zone := func(suffix, zoneName string) (pulumi.StringOutput, error) {
		z, err := privatedns.NewPrivateZone(ctx, name+suffix, &privatedns.PrivateZoneArgs{
			ResourceGroupName: a.ResourceGroupName,
			PrivateZoneName:   pulumi.String(zoneName),
			Location:          pulumi.String("global"),
			Tags:              toStringMap(a.Tags),
		}, child...)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		if _, err := privatedns.NewVirtualNetworkLink(ctx, name+suffix+"-link", &privatedns.VirtualNetworkLinkArgs{
			ResourceGroupName:   a.ResourceGroupName,
			PrivateZoneName:     z.Name,
			Location:            pulumi.String("global"),
			RegistrationEnabled: pulumi.Bool(false),
			VirtualNetwork:      &privatedns.SubResourceArgs{Id: vnetID},
			Tags:                toStringMap(a.Tags),
		}, child...); err != nil {
			return pulumi.StringOutput{}, err
		}
		return z.ID().ToStringOutput(), nil
	}
	if n.VaultDNSZoneID, err = zone("-vault-dns", azure.VaultPrivateDNSZone); err != nil {
		return nil, wrap(err)
	}
	n.RegistryDNSZoneID = pulumi.String("").ToStringOutput()
	if a.RegistryDNSZoneEnabled {
		if n.RegistryDNSZoneID, err = zone("-registry-dns", azure.RegistryPrivateDNSZone); err != nil {
			return nil, wrap(err)
		}
	}

	n.ID = vnetID
	n.NodeSubnetID = subnetID(nodeSubnetName)
	n.EndpointSubnetID = subnetID(endpointSubnetName)
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"id":                n.ID,
		"nodeSubnetId":      n.NodeSubnetID,
		"endpointSubnetId":  n.EndpointSubnetID,
		"vaultDnsZoneId":    n.VaultDNSZoneID,
		"registryDnsZoneId": n.RegistryDNSZoneID,
	}); err != nil {
		return nil, wrap(fmt.Errorf("registering outputs: %w", err))
	}
	return n, nil
}
