package components

import (
	"fmt"
	"regexp"
	"strings"

	containerregistry "github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2/v20230701"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/tokens"
)

// RegistryType is the Pulumi type token of [Registry]. Never change it
// without pulumi.Aliases.
const RegistryType = tokens.Registry

// RegistrySKU is an Azure Container Registry's service tier.
type RegistrySKU string

const (
	// RegistrySKUBasic is the smallest tier: no private endpoints.
	RegistrySKUBasic RegistrySKU = "Basic"
	// RegistrySKUStandard is the default tier: no private endpoints.
	RegistrySKUStandard RegistrySKU = "Standard"
	// RegistrySKUPremium adds private endpoints, zone redundancy and
	// geo-replication. A registry closed to the public network needs it.
	RegistrySKUPremium RegistrySKU = "Premium"
)

// Registry defaults and constants (docs/azure-facts.md#container-registry).
const (
	// DefaultRegistrySKU is the tier of a public registry.
	DefaultRegistrySKU = RegistrySKUStandard
	// registryPrivateLinkGroup is a registry's private-link sub-resource.
	registryPrivateLinkGroup = "registry"
)

// RegistryArgs configures a [Registry]. The zero value of every optional
// field selects the documented default; defaults never modify the caller's
// struct.
//
// Always off, not switchable: the admin user (pull with Entra identities,
// AcrPull) and anonymous pull (API 2023-07-01 has no property for it; Azure
// creates it off).
type RegistryArgs struct {
	// ResourceGroupName holds the registry. Required. Changing it replaces
	// the registry.
	ResourceGroupName pulumi.StringInput
	// Location is the Azure region. Optional: the provider's default.
	// Changing it replaces the registry.
	Location pulumi.StringPtrInput
	// Name is the registry's name: 5-50 letters and digits, unique across
	// all of Azure, and its login server NAME.azurecr.io. Optional: by
	// default derived from the subscription, resource group, project, stack
	// and component, as the vault's is. Changing it replaces the registry.
	Name string
	// SKU is the tier. Default DefaultRegistrySKU; RegistrySKUPremium is
	// required with PrivateEndpoint. Changed in place.
	SKU RegistrySKU
	// PrivateEndpoint, if set, closes the registry to the public network
	// and gives it a private endpoint (group "registry") in a subnet of the
	// caller's VNet, with a DNS zone group in the privatelink.azurecr.io
	// zone. Nodes in that VNet pull through it; `az acr import` still
	// works, as a trusted Azure service. Requires RegistrySKUPremium.
	// Optional. A change of its subnet replaces the endpoint.
	PrivateEndpoint *PrivateEndpointArgs
	// Protect marks the registry protected in Pulumi. Default false. Changed
	// in place.
	Protect bool
	// Tags are set on the registry. Optional. At most 50; Azure's tag-name
	// rules. Changed in place.
	Tags map[string]string
}

// PrivateEndpointArgs places a resource's private endpoint: a vault's
// (VaultArgs.PrivateEndpoint) or a registry's (RegistryArgs.PrivateEndpoint).
type PrivateEndpointArgs struct {
	// SubnetID is the subnet of the endpoint (Network.EndpointSubnetID).
	// Required. Changing it replaces the endpoint.
	SubnetID pulumi.StringInput
	// DNSZoneID is the resource's private DNS zone, linked to the VNet:
	// Network.VaultDNSZoneID (privatelink.vaultcore.azure.net) for a vault,
	// Network.RegistryDNSZoneID (privatelink.azurecr.io) for a registry.
	// Required. Changed in place.
	DNSZoneID pulumi.StringInput
}

// check adds the rules of an endpoint the caller set at field (nil: none).
func (pe *PrivateEndpointArgs) check(fe *fieldErrors, field string) {
	if pe == nil {
		return
	}
	if pe.SubnetID == nil {
		fe.add(field+".SubnetID", nil, "is required")
	}
	if pe.DNSZoneID == nil {
		fe.add(field+".DNSZoneID", nil, "is required")
	}
}

// Registry is an Azure Container Registry with its admin user and anonymous
// pull off, optionally reachable only through a private endpoint.
type Registry struct {
	pulumi.ResourceState

	// Name is the registry's name.
	Name pulumi.StringOutput
	// ID is the registry's resource ID (ClusterArgs.RegistryID).
	ID pulumi.StringOutput
	// LoginServer is the host images are pulled from, NAME.azurecr.io.
	LoginServer pulumi.StringOutput
}

// Registry names: 5-50 letters and digits.
var registryNamePattern = regexp.MustCompile(`^[A-Za-z0-9]{5,50}$`)

// registrySKUs are the tiers RegistryArgs.SKU accepts.
var registrySKUs = []RegistrySKU{RegistrySKUBasic, RegistrySKUStandard, RegistrySKUPremium}

func (a RegistryArgs) withDefaults() RegistryArgs {
	if a.SKU == "" {
		a.SKU = DefaultRegistrySKU
	}
	return a
}

// Validate applies the defaults to a copy of a and checks every rule. It
// returns all broken rules joined, each a *[FieldError], or nil.
func (a RegistryArgs) Validate() error {
	a = a.withDefaults()
	var fe fieldErrors
	if a.ResourceGroupName == nil {
		fe.add("ResourceGroupName", nil, "is required")
	}
	if a.Name != "" && !registryNamePattern.MatchString(a.Name) {
		fe.add("Name", a.Name, "must be 5-50 letters and digits")
	}
	checkOneOf(&fe, "SKU", a.SKU, registrySKUs)
	if a.PrivateEndpoint != nil {
		if a.SKU != RegistrySKUPremium {
			fe.addf("SKU", string(a.SKU), "must be %s with a private endpoint: only Premium registries take private endpoints or close their public network access", RegistrySKUPremium)
		}
	}
	a.PrivateEndpoint.check(&fe, "PrivateEndpoint")
	checkTags(&fe, "Tags", a.Tags)
	return fe.err()
}

// CheckRegistryID checks the resource ID of an existing registry, one
// message per broken rule.
func CheckRegistryID(id string) []string {
	if idSegment(id, "subscriptions") == "" || idSegment(id, "resourceGroups") == "" ||
		!strings.Contains(strings.ToLower(id), "/providers/microsoft.containerregistry/registries/") ||
		!registryNamePattern.MatchString(idSegment(id, "registries")) {
		return []string{"must be a registry's resource ID: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME"}
	}
	return nil
}

// NewRegistry creates a container registry. Invalid args register nothing.
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	if args == nil {
		args = &RegistryArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating registry %q: %w", name, err)
	}
	r := &Registry{}
	if err := ctx.RegisterComponentResource(RegistryType, name, r, opts...); err != nil {
		return nil, fmt.Errorf("creating registry %q: %w", name, err)
	}
	child := childOptions(r, opts)
	wrap := func(err error) error { return fmt.Errorf("creating registry %q: %w", name, err) }

	registryName, err := a.registryName(ctx, name, r)
	if err != nil {
		return nil, wrap(err)
	}
	public := "Enabled"
	if a.PrivateEndpoint != nil {
		public = "Disabled"
	}
	acr, err := containerregistry.NewRegistry(ctx, name, &containerregistry.RegistryArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		RegistryName:      registryName,
		Sku:               &containerregistry.SkuArgs{Name: pulumi.String(string(a.SKU))},
		// Pulls authenticate with Entra identities (AcrPull), never with
		// the shared admin password (docs/azure-facts.md#container-registry).
		AdminUserEnabled:    pulumi.Bool(false),
		PublicNetworkAccess: pulumi.String(public),
		// Trusted Azure services, `az acr import` among them, still reach
		// a closed registry.
		NetworkRuleBypassOptions: pulumi.String("AzureServices"),
		Tags:                     toStringMap(a.Tags),
	}, protectIf(child, a.Protect)...)
	if err != nil {
		return nil, wrap(err)
	}
	id := acr.ID().ToStringOutput()
	if pe := a.PrivateEndpoint; pe != nil {
		if err := newPrivateEndpoint(ctx, name, privateEndpoint{
			resourceGroupName: a.ResourceGroupName, location: a.Location, tags: a.Tags,
			subnetID: pe.SubnetID, dnsZoneID: pe.DNSZoneID, target: id, group: registryPrivateLinkGroup,
		}, child); err != nil {
			return nil, wrap(err)
		}
	}

	r.Name = acr.Name
	r.ID = id
	r.LoginServer = acr.LoginServer
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{
		"name":        r.Name,
		"id":          r.ID,
		"loginServer": r.LoginServer,
	}); err != nil {
		return nil, wrap(fmt.Errorf("registering outputs: %w", err))
	}
	return r, nil
}

// registryName returns the explicit name, or one derived as the vault's is
// (RegistryArgs.Name).
func (a RegistryArgs) registryName(ctx *pulumi.Context, name string, parent pulumi.Resource) (pulumi.StringInput, error) {
	return nameOrDerived(ctx, a.Name, name, a.ResourceGroupName, parent, derivedRegistryName)
}
