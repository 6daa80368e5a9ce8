package provider

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// NetworkArgs are components.NetworkArgs as schema properties. Each field's
// meaning, default and rules are the library's; see its docs.
type NetworkArgs struct {
	ResourceGroupName      pulumi.StringInput `pulumi:"resourceGroupName"`
	Location               pulumi.StringInput `pulumi:"location,optional"`
	AddressSpace           string             `pulumi:"addressSpace,optional"`
	NodeSubnetPrefix       string             `pulumi:"nodeSubnetPrefix,optional"`
	EndpointSubnetPrefix   string             `pulumi:"endpointSubnetPrefix,optional"`
	RegistryDNSZoneEnabled bool               `pulumi:"registryDnsZoneEnabled,optional"`
	Tags                   map[string]string  `pulumi:"tags,optional"`
}

// Network is components.Network with its outputs as schema properties.
type Network struct {
	*components.Network
	NetworkID         pulumi.StringOutput `pulumi:"networkId"`
	NodeSubnetID      pulumi.StringOutput `pulumi:"nodeSubnetId"`
	EndpointSubnetID  pulumi.StringOutput `pulumi:"endpointSubnetId"`
	VaultDNSZoneID    pulumi.StringOutput `pulumi:"vaultDnsZoneId"`
	RegistryDNSZoneID pulumi.StringOutput `pulumi:"registryDnsZoneId"`
}

// NewNetwork wraps components.NewNetwork.
func NewNetwork(ctx *pulumi.Context, name string, args NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	lib := components.NetworkArgs{
		ResourceGroupName:      args.ResourceGroupName,
		Location:               stringPtr(args.Location),
		AddressSpace:           args.AddressSpace,
		NodeSubnetPrefix:       args.NodeSubnetPrefix,
		EndpointSubnetPrefix:   args.EndpointSubnetPrefix,
		RegistryDNSZoneEnabled: args.RegistryDNSZoneEnabled,
		Tags:                   args.Tags,
	}
	if err := validate("network", name, lib, args); err != nil {
		return nil, err
	}
	n, err := components.NewNetwork(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &Network{Network: n, NetworkID: n.ID, NodeSubnetID: n.NodeSubnetID, EndpointSubnetID: n.EndpointSubnetID,
		VaultDNSZoneID: n.VaultDNSZoneID, RegistryDNSZoneID: n.RegistryDNSZoneID}, nil
}
