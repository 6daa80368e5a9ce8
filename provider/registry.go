package provider

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// RegistryArgs are components.RegistryArgs as schema properties. Each
// field's meaning, default and rules are the library's; see its docs.
type RegistryArgs struct {
	ResourceGroupName pulumi.StringInput   `pulumi:"resourceGroupName"`
	Location          pulumi.StringInput   `pulumi:"location,optional"`
	Name              string               `pulumi:"name,optional"`
	SKU               *RegistrySKU         `pulumi:"sku,optional"`
	PrivateEndpoint   *PrivateEndpointArgs `pulumi:"privateEndpoint,optional"`
	Protect           bool                 `pulumi:"protect,optional"`
	Tags              map[string]string    `pulumi:"tags,optional"`
}

// PrivateEndpointArgs are components.PrivateEndpointArgs.
type PrivateEndpointArgs struct {
	SubnetID  pulumi.StringInput `pulumi:"subnetId"`
	DNSZoneID pulumi.StringInput `pulumi:"dnsZoneId"`
}

// Registry is components.Registry with its outputs as schema properties.
type Registry struct {
	*components.Registry
	Name        pulumi.StringOutput `pulumi:"name"`
	RegistryID  pulumi.StringOutput `pulumi:"registryId"`
	LoginServer pulumi.StringOutput `pulumi:"loginServer"`
}

// NewRegistry wraps components.NewRegistry.
func NewRegistry(ctx *pulumi.Context, name string, args RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	lib := components.RegistryArgs{
		ResourceGroupName: args.ResourceGroupName,
		Location:          stringPtr(args.Location),
		Name:              args.Name,
		SKU:               components.RegistrySKU(enum(args.SKU)),
		Protect:           args.Protect,
		Tags:              args.Tags,
	}
	if pe := args.PrivateEndpoint; pe != nil {
		lib.PrivateEndpoint = &components.PrivateEndpointArgs{SubnetID: pe.SubnetID, DNSZoneID: pe.DNSZoneID}
	}
	if err := validate("registry", name, lib, args); err != nil {
		return nil, err
	}
	r, err := components.NewRegistry(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &Registry{Registry: r, Name: r.Name, RegistryID: r.ID, LoginServer: r.LoginServer}, nil
}
