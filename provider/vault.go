package provider

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// VaultArgs are components.VaultArgs as schema properties. Each field's
// meaning, default and rules are the library's; see its docs.
type VaultArgs struct {
	ResourceGroupName           pulumi.StringInput            `pulumi:"resourceGroupName"`
	Location                    pulumi.StringInput            `pulumi:"location,optional"`
	TenantID                    pulumi.StringInput            `pulumi:"tenantId"`
	Name                        string                        `pulumi:"name,optional"`
	SKU                         *VaultSKU                     `pulumi:"sku,optional"`
	Authorization               *VaultAuthorization           `pulumi:"authorization,optional"`
	PurgeProtectionEnabled      *bool                         `pulumi:"purgeProtectionEnabled,optional"`
	SoftDeleteRetentionDays     int                           `pulumi:"softDeleteRetentionDays,optional"`
	NetworkDefaultAction        *NetworkAction                `pulumi:"networkDefaultAction,optional"`
	AllowedIPRanges             []string                      `pulumi:"allowedIpRanges,optional"`
	SubnetIDs                   []string                      `pulumi:"subnetIds,optional"`
	Secrets                     map[string]pulumi.StringInput `pulumi:"secrets,optional" provider:"secret"`
	SecretsOfficerObjectID      pulumi.StringInput            `pulumi:"secretsOfficerObjectId,optional"`
	SecretsOfficerPrincipalType *PrincipalType                `pulumi:"secretsOfficerPrincipalType,optional"`
	PrivateEndpoint             *VaultPrivateEndpoint         `pulumi:"privateEndpoint,optional"`
	DiagnosticsWorkspaceID      pulumi.StringInput            `pulumi:"diagnosticsWorkspaceId,optional"`
	DeleteLock                  bool                          `pulumi:"deleteLock,optional"`
	Protect                     bool                          `pulumi:"protect,optional"`
	Tags                        map[string]string             `pulumi:"tags,optional"`
}

// VaultPrivateEndpoint is components.PrivateEndpointArgs for a vault: a
// schema type of its own since v0.1.0, kept so the SDKs' names stay.
type VaultPrivateEndpoint struct {
	SubnetID  pulumi.StringInput `pulumi:"subnetId"`
	DNSZoneID pulumi.StringInput `pulumi:"dnsZoneId"`
}

// Vault is components.Vault with its outputs as schema properties.
type Vault struct {
	*components.Vault
	Name          pulumi.StringOutput    `pulumi:"name"`
	VaultID       pulumi.StringOutput    `pulumi:"vaultId"`
	URI           pulumi.StringOutput    `pulumi:"uri"`
	TenantID      pulumi.StringOutput    `pulumi:"tenantId"`
	Authorization pulumi.StringOutput    `pulumi:"authorization"`
	SecretURIs    pulumi.StringMapOutput `pulumi:"secretUris"`
}

// NewVault wraps components.NewVault.
func NewVault(ctx *pulumi.Context, name string, args VaultArgs, opts ...pulumi.ResourceOption) (*Vault, error) {
	var endpoint *components.PrivateEndpointArgs
	if args.PrivateEndpoint != nil {
		endpoint = &components.PrivateEndpointArgs{SubnetID: args.PrivateEndpoint.SubnetID, DNSZoneID: args.PrivateEndpoint.DNSZoneID}
	}
	lib := components.VaultArgs{
		ResourceGroupName:           args.ResourceGroupName,
		Location:                    stringPtr(args.Location),
		TenantID:                    args.TenantID,
		Name:                        args.Name,
		SKU:                         components.VaultSKU(enum(args.SKU)),
		Authorization:               components.VaultAuthorization(enum(args.Authorization)),
		PurgeProtectionEnabled:      args.PurgeProtectionEnabled,
		SoftDeleteRetentionDays:     args.SoftDeleteRetentionDays,
		NetworkDefaultAction:        components.NetworkAction(enum(args.NetworkDefaultAction)),
		AllowedIPRanges:             args.AllowedIPRanges,
		SubnetIDs:                   args.SubnetIDs,
		Secrets:                     args.Secrets,
		SecretsOfficerObjectID:      args.SecretsOfficerObjectID,
		SecretsOfficerPrincipalType: components.PrincipalType(enum(args.SecretsOfficerPrincipalType)),
		PrivateEndpoint:             endpoint,
		DiagnosticsWorkspaceID:      args.DiagnosticsWorkspaceID,
		DeleteLock:                  args.DeleteLock,
		Protect:                     args.Protect,
		Tags:                        args.Tags,
	}
	if err := validate("vault", name, lib, args); err != nil {
		return nil, err
	}
	v, err := components.NewVault(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &Vault{
		Vault:         v,
		Name:          v.Name,
		VaultID:       v.ID,
		URI:           v.URI,
		TenantID:      v.TenantID,
		Authorization: pulumi.String(string(v.Authorization)).ToStringOutput(),
		SecretURIs:    v.SecretURIs,
	}, nil
}
