package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	locks "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2/v20200501"
	// The root keyvault package, not an API-versioned one: only it has the
	// standalone AccessPolicy resource, and it compiles no larger than
	// v20241101 (BENCHMARKS.md). SDK v2.90.0 pins its REST API version to
	// 2023-02-01, which has every property used here.
	keyvault "github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// VaultType is the Pulumi type token of [Vault]. Never change it without
// pulumi.Aliases.
const VaultType = tokens.Vault

// VaultAuthorization is how a vault authorizes data-plane access.
type VaultAuthorization string

const (
	// VaultAuthorizationRBAC uses Azure RBAC role assignments (the default, and
	// the Azure CLI's default since 2.61; docs/azure-facts.md#key-vault-access).
	VaultAuthorizationRBAC VaultAuthorization = "RBAC"
	// VaultAuthorizationAccessPolicy uses the legacy access policies.
	VaultAuthorizationAccessPolicy VaultAuthorization = "AccessPolicy"
)

// VaultSKU is a Key Vault pricing tier.
type VaultSKU string

const (
	// VaultSKUStandard keeps keys in software.
	VaultSKUStandard VaultSKU = "standard"
	// VaultSKUPremium adds HSM-protected keys.
	VaultSKUPremium VaultSKU = "premium"
)

// NetworkAction is what a vault's firewall does with traffic that no rule
// (AllowedIPRanges, SubnetIDs) matches.
type NetworkAction string

const (
	// NetworkActionAllow lets it through.
	NetworkActionAllow NetworkAction = "Allow"
	// NetworkActionDeny refuses it.
	NetworkActionDeny NetworkAction = "Deny"
)

// Vault defaults and limits.
const (
	// DefaultSoftDeleteRetentionDays is Azure's default and maximum retention.
	DefaultSoftDeleteRetentionDays = 90
	// DefaultVaultSKU is the standard (software-protected keys) tier.
	DefaultVaultSKU = VaultSKUStandard
	// DefaultNetworkDefaultAction denies access from networks not allowed by
	// AllowedIPRanges or SubnetIDs: the secure default.
	DefaultNetworkDefaultAction = NetworkActionDeny
)

// VaultArgs configures a [Vault]. The zero value of every optional field
// selects the documented default; defaults never modify the caller's struct.
type VaultArgs struct {
	// ResourceGroupName is the vault's resource group. Required. Changing it
	// replaces the vault.
	ResourceGroupName pulumi.StringInput
	// Location is the Azure region. Optional: by default the provider's
	// azure-native:location. A change is refused by Azure: azure-native
	// updates the vault in place, and a vault cannot move to another region
	// (docs/azure-facts.md#what-replaces-a-resource); the way is a new vault.
	Location pulumi.StringPtrInput
	// TenantID is the Entra tenant that authenticates requests. Required.
	// Changed in place.
	TenantID pulumi.StringInput
	// Name is the globally unique vault name. Optional: if empty, a name of at
	// most 24 characters is derived from where the vault lives, as ARM's
	// uniqueString(subscription().id, resourceGroup().id) does: "kv", up to 13
	// letters and digits of the component name, "-", and 8 hex characters of
	// a hash of the subscription ID, the resource group, the project, the
	// stack and the component name (docs/azure-facts.md#names-azure-holds-unique).
	// It is stable across deployments, and differs between subscriptions and
	// resource groups whatever the Pulumi backend or organization. If given:
	// 3-24 letters, digits and hyphens, starting with a letter, ending with a
	// letter or digit, no two hyphens in a row. A deleted vault's name stays
	// reserved for SoftDeleteRetentionDays. Changing it replaces the vault.
	Name string
	// SKU is VaultSKUStandard or VaultSKUPremium (HSM-protected keys).
	// Optional: default DefaultVaultSKU.
	// Changed in place.
	SKU VaultSKU
	// Authorization is VaultAuthorizationRBAC or VaultAuthorizationAccessPolicy.
	// Default RBAC. Changed in place; grants of the other mode stop working.
	Authorization VaultAuthorization
	// PurgeProtectionEnabled protects deleted vaults and secrets from purge
	// until the retention ends. Optional: nil means true. Once on, Azure never
	// turns it off, and it refuses the value false, so false leaves the
	// property unset (docs/azure-facts.md#key-vault-names-and-soft-delete).
	// Turning it on is changed in place; turning it off is refused by Azure:
	// it stays on.
	PurgeProtectionEnabled *bool
	// SoftDeleteRetentionDays is how long deleted vaults and secrets are kept:
	// 7-90. Default 90. Soft delete itself is always on. The retention is set
	// when the vault is created: a change is refused by Azure, and the way
	// through is a new vault under a new name, since the old name stays
	// reserved while the old vault is soft-deleted
	// (docs/azure-facts.md#key-vault-names-and-soft-delete).
	SoftDeleteRetentionDays int
	// NetworkDefaultAction is NetworkActionAllow or NetworkActionDeny for
	// traffic not matched by
	// AllowedIPRanges or SubnetIDs. Default "Deny". With "Deny" and no rules,
	// public network access is disabled and the vault is reachable only through
	// a private endpoint (docs/azure-facts.md#key-vault-network). Changed in place.
	NetworkDefaultAction NetworkAction
	// AllowedIPRanges are IPv4 addresses or CIDR ranges let through the
	// firewall, such as the cluster's egress IPs. Optional. Changed in place.
	AllowedIPRanges []string
	// SubnetIDs are virtual network subnet resource IDs let through the
	// firewall. The subnets need the Microsoft.KeyVault service endpoint.
	// Optional. Changed in place.
	SubnetIDs []string
	// Secrets are written to the vault through ARM, keyed by secret name
	// (1-127 letters, digits and hyphens). Each value is stored as a Pulumi
	// secret. Optional. Adding a secret never renames the others; a changed
	// value makes a new secret version. Removing one, or destroying the
	// component, leaves the secret in the vault (RetainOnDelete): ARM cannot
	// delete a secret, and the data plane that can needs a role and a network
	// path the deployer need not have. Deleting the vault soft-deletes it.
	// A changed value is changed in place.
	Secrets map[string]pulumi.StringInput
	// SecretsOfficerObjectID is an identity granted standing data-plane access
	// to every secret: Key Vault Secrets Officer on this vault in RBAC mode,
	// or an access policy with get, list, set, delete and recover otherwise.
	// Optional, and not needed to write Secrets: they are written through
	// ARM, the management plane (docs/azure-facts.md#writing-and-deleting-secrets).
	// Set it only for an identity that must use the data plane, such as
	// `az keyvault secret set`. Changing it replaces that grant.
	SecretsOfficerObjectID pulumi.StringInput
	// SecretsOfficerPrincipalType is the kind of SecretsOfficerObjectID:
	// PrincipalTypeUser, PrincipalTypeServicePrincipal (CI, managed
	// identities) or PrincipalTypeGroup. ARM rejects a role assignment whose
	// principal type does not match. Optional: default PrincipalTypeUser.
	// Changed in place: the grant's name comes from its scope, principal and
	// role, and azure-native updates a principal type in place.
	SecretsOfficerPrincipalType PrincipalType
	// PrivateEndpoint, if set, gives the vault a private endpoint (group
	// "vault") in a subnet of the caller's VNet, with a DNS zone group in the
	// privatelink.vaultcore.azure.net zone, so that pods in that VNet reach
	// it by its private IP (docs/azure-facts.md#key-vault-network). Optional.
	// A change of its subnet replaces the endpoint (azure-native's
	// forceNewMap); while the vault has a delete lock, Azure refuses to
	// delete the old one (docs/azure-facts.md#locks).
	PrivateEndpoint *PrivateEndpointArgs
	// DiagnosticsWorkspaceID sends the vault's audit logs (category group
	// "audit") to this Log Analytics workspace. Optional. Changed in place.
	DiagnosticsWorkspaceID pulumi.StringInput
	// DeleteLock puts a CanNotDelete management lock on the vault: Azure
	// then refuses to delete it, whoever asks, until the lock is removed.
	// Creating a lock needs Microsoft.Authorization/locks/write
	// (docs/azure-facts.md#locks). Default false. Changed in place.
	DeleteLock bool
	// Protect marks the vault protected in Pulumi: `pulumi destroy` and any
	// replacement of it are refused until it is turned off. Default false.
	// Changed in place.
	Protect bool
	// Tags are set on the vault. Optional. At most 50; Azure's tag-name rules.
	// Changed in place.
	Tags map[string]string
}

// VaultPrivateEndpoint places a vault's private endpoint.
//
// Deprecated: it is PrivateEndpointArgs, the one type for every private
// endpoint; write that. Removed in v0.3.0.
type VaultPrivateEndpoint = PrivateEndpointArgs

// Vault is a Key Vault with secure defaults and the secrets written to it.
type Vault struct {
	pulumi.ResourceState

	// Name is the vault's name.
	Name pulumi.StringOutput
	// ID is the vault's Azure resource ID.
	ID pulumi.StringOutput
	// URI is the vault's data-plane URI, such as https://NAME.vault.azure.net/.
	URI pulumi.StringOutput
	// TenantID is the tenant the vault trusts.
	TenantID pulumi.StringOutput
	// Authorization is the vault's authorization mode.
	Authorization VaultAuthorization
	// SecretURIs maps each secret name in VaultArgs.Secrets to its URI
	// (without version).
	SecretURIs pulumi.StringMapOutput

	secrets map[string]pulumi.Resource
	// policies chains the access policies written on the vault.
	policies *policyChain
}

// Secrets returns the secret resources this vault writes for the given
// names, for a pod that mounts them to wait on (pulumi.DependsOn). Names it
// does not write (objects that exist already) are skipped.
func (v *Vault) Secrets(names ...string) []pulumi.Resource {
	var out []pulumi.Resource
	for _, n := range names {
		if s, ok := v.secrets[n]; ok {
			out = append(out, s)
		}
	}
	return out
}

var (
	vaultNameChars = regexp.MustCompile(`^[A-Za-z0-9-]*$`)
	startsLetter   = regexp.MustCompile(`^[A-Za-z]`)
	endsAlnum      = regexp.MustCompile(`[A-Za-z0-9]$`)
	subnetIDForm   = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$`)
)

func (a VaultArgs) withDefaults() VaultArgs {
	if a.SKU == "" {
		a.SKU = DefaultVaultSKU
	}
	if a.Authorization == "" {
		a.Authorization = VaultAuthorizationRBAC
	}
	if a.PurgeProtectionEnabled == nil {
		a.PurgeProtectionEnabled = pulumi.BoolRef(true)
	}
	if a.SoftDeleteRetentionDays == 0 {
		a.SoftDeleteRetentionDays = DefaultSoftDeleteRetentionDays
	}
	if a.NetworkDefaultAction == "" {
		a.NetworkDefaultAction = DefaultNetworkDefaultAction
	}
	if a.SecretsOfficerPrincipalType == "" {
		a.SecretsOfficerPrincipalType = PrincipalTypeUser
	}
	return a
}

// CheckVaultName checks a Key Vault name against Azure's rules
// (docs/azure-facts.md#key-vault-names-and-soft-delete), one message per broken rule.
func CheckVaultName(name string) []string {
	var rules []string
	if len(name) < 3 || len(name) > 24 {
		rules = append(rules, "must be 3-24 characters long")
	}
	if !vaultNameChars.MatchString(name) {
		rules = append(rules, "must contain only letters, digits and hyphens")
	}
	if !startsLetter.MatchString(name) {
		rules = append(rules, "must start with a letter")
	}
	if !endsAlnum.MatchString(name) {
		rules = append(rules, "must end with a letter or digit")
	}
	if strings.Contains(name, "--") {
		rules = append(rules, "must not contain two hyphens in a row")
	}
	return rules
}

// Validate applies the defaults to a copy of a and checks every rule. It
// returns all broken rules joined, each a *[FieldError], or nil.
func (a VaultArgs) Validate() error {
	a = a.withDefaults()
	var fe fieldErrors
	if a.ResourceGroupName == nil {
		fe.add("ResourceGroupName", nil, "is required")
	}
	if a.TenantID == nil {
		fe.add("TenantID", nil, "is required")
	}
	if a.Name != "" {
		for _, r := range CheckVaultName(a.Name) {
			fe.add("Name", a.Name, r)
		}
	}
	if a.SKU != VaultSKUStandard && a.SKU != VaultSKUPremium {
		fe.add("SKU", string(a.SKU), `must be "standard" or "premium"`)
	}
	if a.Authorization != VaultAuthorizationRBAC && a.Authorization != VaultAuthorizationAccessPolicy {
		fe.addf("Authorization", string(a.Authorization), "must be %q or %q", VaultAuthorizationRBAC, VaultAuthorizationAccessPolicy)
	}
	if a.SoftDeleteRetentionDays < azure.MinSoftDeleteRetentionDays || a.SoftDeleteRetentionDays > azure.MaxSoftDeleteRetentionDays {
		fe.addf("SoftDeleteRetentionDays", a.SoftDeleteRetentionDays, "must be between %d and %d", azure.MinSoftDeleteRetentionDays, azure.MaxSoftDeleteRetentionDays)
	}
	if a.NetworkDefaultAction != NetworkActionAllow && a.NetworkDefaultAction != NetworkActionDeny {
		fe.add("NetworkDefaultAction", string(a.NetworkDefaultAction), `must be "Allow" or "Deny"`)
	}
	if !a.SecretsOfficerPrincipalType.valid() {
		fe.add("SecretsOfficerPrincipalType", string(a.SecretsOfficerPrincipalType), `must be "User", "ServicePrincipal" or "Group"`)
	}
	for i, r := range a.AllowedIPRanges {
		if msg := checkIPv4Range(r); msg != "" {
			fe.add(fmt.Sprintf("AllowedIPRanges[%d]", i), r, msg)
		}
	}
	checkUnique(&fe, "AllowedIPRanges", a.AllowedIPRanges)
	for i, id := range a.SubnetIDs {
		if !subnetIDForm.MatchString(id) {
			fe.add(fmt.Sprintf("SubnetIDs[%d]", i), id, "must be a subnet resource ID: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET")
		}
	}
	checkUnique(&fe, "SubnetIDs", a.SubnetIDs)
	for _, n := range sortedKeys(a.Secrets) {
		for _, r := range CheckSecretName(n) {
			fe.add("Secrets", n, "secret names "+r)
		}
		if a.Secrets[n] == nil {
			fe.add("Secrets."+n, nil, "must have a value")
		}
	}
	a.PrivateEndpoint.check(&fe, "PrivateEndpoint")
	checkTags(&fe, "Tags", a.Tags)
	return fe.err()
}

// vaultName returns the explicit name, or the derived one (VaultArgs.Name):
// the subscription comes from the provider the vault is created with.
func (a VaultArgs) vaultName(ctx *pulumi.Context, name string, parent pulumi.Resource) (pulumi.StringInput, error) {
	return nameOrDerived(ctx, a.Name, name, a.ResourceGroupName, parent, derivedVaultName)
}

// nameOrDerived returns the explicit Azure name, or one that derive makes
// from the component name, the subscription (asked of the provider the
// component is created with), the resource group, project and stack.
func nameOrDerived(ctx *pulumi.Context, explicit, component string, resourceGroupName pulumi.StringInput, parent pulumi.Resource,
	derive func(component, subscriptionID, resourceGroup, project, stack string) string) (pulumi.StringInput, error) {
	if explicit != "" {
		return pulumi.String(explicit), nil
	}
	client, err := GetClientConfig(ctx, pulumi.Parent(parent))
	if err != nil {
		return nil, err
	}
	project, stack := ctx.Project(), ctx.Stack()
	return resourceGroupName.ToStringOutput().ApplyT(func(rg string) string {
		return derive(component, client.SubscriptionID, rg, project, stack)
	}).(pulumi.StringOutput), nil
}

// publicNetworkAccess follows from the network rules: a vault that denies by
// default and lets nothing through has no use for a public endpoint.
func (a VaultArgs) publicNetworkAccess() string {
	if a.NetworkDefaultAction == NetworkActionDeny && len(a.AllowedIPRanges) == 0 && len(a.SubnetIDs) == 0 {
		return "Disabled"
	}
	return "Enabled"
}

// NewVault creates a Key Vault and its secrets. Invalid args register nothing.
func NewVault(ctx *pulumi.Context, name string, args *VaultArgs, opts ...pulumi.ResourceOption) (*Vault, error) {
	if args == nil {
		args = &VaultArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}

	v := &Vault{Authorization: a.Authorization, policies: &policyChain{}}
	if err := ctx.RegisterComponentResource(VaultType, name, v, opts...); err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	child := childOptions(v, opts)

	props := &keyvault.VaultPropertiesArgs{
		TenantId: a.TenantID,
		Sku: &keyvault.SkuArgs{
			Family: pulumi.String("A"),
			Name:   keyvault.SkuName(string(a.SKU)),
		},
		EnableRbacAuthorization:   pulumi.Bool(a.Authorization == VaultAuthorizationRBAC),
		EnableSoftDelete:          pulumi.Bool(true),
		SoftDeleteRetentionInDays: pulumi.Int(a.SoftDeleteRetentionDays),
		PublicNetworkAccess:       pulumi.String(a.publicNetworkAccess()),
		NetworkAcls: &keyvault.NetworkRuleSetArgs{
			DefaultAction: pulumi.String(string(a.NetworkDefaultAction)),
			// Nothing here needs trusted Microsoft services: AKS is not one,
			// and ARM writes of secrets do not pass the vault's firewall
			// (docs/azure-facts.md#key-vault-network).
			Bypass:              pulumi.String("None"),
			IpRules:             ipRules(a.AllowedIPRanges),
			VirtualNetworkRules: subnetRules(a.SubnetIDs),
		},
	}
	if *a.PurgeProtectionEnabled {
		// The API refuses false; leaving it unset is "off".
		props.EnablePurgeProtection = pulumi.Bool(true)
	}
	vaultName, err := a.vaultName(ctx, name, v)
	if err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	kv, err := keyvault.NewVault(ctx, name, &keyvault.VaultArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		VaultName:         vaultName,
		Properties:        props,
		Tags:              toStringMap(a.Tags),
	}, protectIf(child, a.Protect)...)
	if err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	vaultID := kv.ID().ToStringOutput()
	if err := a.guards(ctx, name, vaultID, child); err != nil {
		return nil, fmt.Errorf("creating vault %q: %w", name, err)
	}
	if a.PrivateEndpoint != nil {
		if err := a.privateEndpoint(ctx, name, vaultID, child); err != nil {
			return nil, fmt.Errorf("creating vault %q: %w", name, err)
		}
	}

	// Access policies are never inline: the officer's and every workload's
	// are standalone AccessPolicy resources. The provider's maintainers warn
	// that mixing inline and standalone policies makes them overwrite each
	// other (pulumi/pulumi-azure-native#594).
	if a.SecretsOfficerObjectID != nil {
		if a.Authorization == VaultAuthorizationAccessPolicy {
			perms := &keyvaultPermissions{secrets: []string{"get", "list", "set", "delete", "recover"}}
			_, err = newAccessPolicy(ctx, name+"-secrets-officer-policy", vaultID, v.policies, a.TenantID, a.SecretsOfficerObjectID, perms, child...)
		} else {
			_, err = newRoleAssignment(ctx, name+"-secrets-officer", vaultID, a.SecretsOfficerObjectID, a.SecretsOfficerPrincipalType, azure.RoleKeyVaultSecretsOfficer, child...)
		}
		if err != nil {
			return nil, fmt.Errorf("creating vault %q: %w", name, err)
		}
	}

	// Secrets are written through ARM and wait on no data-plane grant. ARM
	// cannot delete one, and azure-native deletes them through the data plane
	// (docs/azure-facts.md#writing-and-deleting-secrets), which needs a
	// data-plane role and network reach the deployer need not have. So a
	// secret removed from Secrets, or destroyed with the vault, is left to
	// the vault: deleting the vault soft-deletes everything in it.
	secretOpts := append(slices.Clone(child), pulumi.RetainOnDelete(true))
	v.secrets = map[string]pulumi.Resource{}
	uris := pulumi.StringMap{}
	for _, sn := range sortedKeys(a.Secrets) {
		s, err := keyvault.NewSecret(ctx, name+"-"+sn, &keyvault.SecretArgs{
			ResourceGroupName: a.ResourceGroupName,
			VaultName:         kv.Name,
			SecretName:        pulumi.String(sn),
			Properties: &keyvault.SecretPropertiesArgs{
				Value:       pulumi.ToSecret(a.Secrets[sn]).(pulumi.StringOutput),
				ContentType: pulumi.String(azure.SecretContentType),
			},
		}, secretOpts...)
		if err != nil {
			return nil, fmt.Errorf("creating vault %q: secret %q: %w", name, sn, err)
		}
		v.secrets[sn] = s
		uris[sn] = s.Properties.SecretUri()
	}

	v.Name = kv.Name
	v.ID = vaultID
	v.URI = kv.Properties.VaultUri()
	v.TenantID = kv.Properties.TenantId()
	v.SecretURIs = uris.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(v, pulumi.Map{
		"name":       v.Name,
		"id":         v.ID,
		"uri":        v.URI,
		"tenantId":   v.TenantID,
		"secretUris": v.SecretURIs,
	}); err != nil {
		return nil, fmt.Errorf("creating vault %q: registering outputs: %w", name, err)
	}
	return v, nil
}

// guards adds what keeps the vault and its record: the delete lock and the
// audit logs, where asked.
func (a VaultArgs) guards(ctx *pulumi.Context, name string, vaultID pulumi.StringOutput, child []pulumi.ResourceOption) error {
	if a.DeleteLock {
		if _, err := locks.NewManagementLockByScope(ctx, name+"-lock", &locks.ManagementLockByScopeArgs{
			Scope:    vaultID,
			Level:    pulumi.String(string(locks.LockLevelCanNotDelete)),
			LockName: pulumi.String(name + "-cannot-delete"),
			Notes:    pulumi.String("secure-aks: the vault holds the workloads' secrets; remove this lock (vault.deleteLock: false) before deleting it on purpose"),
		}, child...); err != nil {
			return err
		}
	}
	if a.DiagnosticsWorkspaceID != nil {
		return newDiagnostics(ctx, name+"-diagnostics", vaultID, a.DiagnosticsWorkspaceID, nil, []string{"audit"}, child)
	}
	return nil
}

// privateEndpoint connects the vault to the caller's subnet and registers
// its private IP in the private DNS zone (docs/azure-facts.md#key-vault-network).
func (a VaultArgs) privateEndpoint(ctx *pulumi.Context, name string, vaultID pulumi.StringOutput, child []pulumi.ResourceOption) error {
	return newPrivateEndpoint(ctx, name, privateEndpoint{
		resourceGroupName: a.ResourceGroupName, location: a.Location, tags: a.Tags,
		subnetID: a.PrivateEndpoint.SubnetID, dnsZoneID: a.PrivateEndpoint.DNSZoneID, target: vaultID, group: vaultPrivateLinkGroup,
	}, child)
}

// privateEndpoint is where a private endpoint goes and what it reaches.
type privateEndpoint struct {
	resourceGroupName   pulumi.StringInput
	location            pulumi.StringPtrInput
	tags                map[string]string
	subnetID, dnsZoneID pulumi.StringInput
	target              pulumi.StringOutput
	// group is the target's private-link sub-resource; it also names the
	// connection and the zone group.
	group string
}

// newPrivateEndpoint creates NAME-endpoint to the target in the subnet, and
// NAME-endpoint-dns, the zone group that registers its private IPs in the
// private DNS zone.
func newPrivateEndpoint(ctx *pulumi.Context, name string, p privateEndpoint, child []pulumi.ResourceOption) error {
	pe, err := network.NewPrivateEndpoint(ctx, name+"-endpoint", &network.PrivateEndpointArgs{
		ResourceGroupName: p.resourceGroupName,
		Location:          p.location,
		Subnet:            &network.SubnetTypeArgs{Id: p.subnetID},
		PrivateLinkServiceConnections: network.PrivateLinkServiceConnectionArray{&network.PrivateLinkServiceConnectionArgs{
			Name:                 pulumi.String(p.group),
			GroupIds:             pulumi.ToStringArray([]string{p.group}),
			PrivateLinkServiceId: p.target,
		}},
		Tags: toStringMap(p.tags),
	}, child...)
	if err != nil {
		return err
	}
	_, err = network.NewPrivateDnsZoneGroup(ctx, name+"-endpoint-dns", &network.PrivateDnsZoneGroupArgs{
		ResourceGroupName:       p.resourceGroupName,
		PrivateEndpointName:     pe.Name,
		PrivateDnsZoneGroupName: pulumi.String(p.group),
		PrivateDnsZoneConfigs: network.PrivateDnsZoneConfigArray{&network.PrivateDnsZoneConfigArgs{
			Name:             pulumi.String(p.group),
			PrivateDnsZoneId: p.dnsZoneID,
		}},
	}, child...)
	return err
}

// vaultPrivateLinkGroup is a vault's private-link sub-resource.
const vaultPrivateLinkGroup = "vault"

// keyvaultPermissions are the data-plane permissions of an access policy.
type keyvaultPermissions struct{ secrets, certificates, keys []string }

// add grants "get", and only "get", on one object type: all the CSI driver
// needs (docs/azure-facts.md#key-vault-access: the walkthrough's "list" is more than needed).
func (p *keyvaultPermissions) add(t ObjectType) {
	switch t {
	case ObjectTypeSecret:
		p.secrets = append(p.secrets, "get")
	case ObjectTypeCert:
		p.certificates = append(p.certificates, "get")
	case ObjectTypeKey:
		p.keys = append(p.keys, "get")
	}
}

// policyChain is the access policy written last on one vault, so that the
// next one waits for it. azure-native's Vault update copies the vault's
// whole policy list, and its AccessPolicy checks the list before writing
// its entry (docs/azure-facts.md#key-vault-access-policies): written one
// after another, no write of the list runs beside another. A Vault holds
// one, and Vault.Access hands it to every workload that reads the vault, so
// the chain holds across components; a VaultAccess built by hand starts a
// chain of its own.
type policyChain struct {
	mu   sync.Mutex
	last pulumi.Resource
}

// newAccessPolicy adds one standalone access policy to the vault vaultID,
// after the policy written last on chain, if chain is not nil.
func newAccessPolicy(ctx *pulumi.Context, name string, vaultID pulumi.StringOutput, chain *policyChain, tenantID, objectID pulumi.StringInput, p *keyvaultPermissions, opts ...pulumi.ResourceOption) (*keyvault.AccessPolicy, error) {
	if chain == nil {
		chain = &policyChain{}
	}
	chain.mu.Lock()
	defer chain.mu.Unlock()
	if chain.last != nil {
		opts = append(slices.Clone(opts), pulumi.DependsOn([]pulumi.Resource{chain.last}))
	}
	ap, err := keyvault.NewAccessPolicy(ctx, name, &keyvault.AccessPolicyArgs{
		ResourceGroupName: vaultID.ApplyT(func(id string) string { return idSegment(id, "resourceGroups") }).(pulumi.StringOutput),
		VaultName:         vaultID.ApplyT(func(id string) string { return idSegment(id, "vaults") }).(pulumi.StringOutput),
		Policy: &keyvault.AccessPolicyEntryArgs{
			TenantId: tenantID,
			ObjectId: objectID,
			Permissions: &keyvault.PermissionsArgs{
				Secrets:      pulumi.ToStringArray(p.secrets),
				Certificates: pulumi.ToStringArray(p.certificates),
				Keys:         pulumi.ToStringArray(p.keys),
			},
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("access policy %q: %w", name, err)
	}
	chain.last = ap
	return ap, nil
}

func ipRules(ranges []string) keyvault.IPRuleArray {
	var out keyvault.IPRuleArray
	for _, r := range ranges {
		out = append(out, &keyvault.IPRuleArgs{Value: pulumi.String(r)})
	}
	return out
}

func subnetRules(ids []string) keyvault.VirtualNetworkRuleArray {
	var out keyvault.VirtualNetworkRuleArray
	for _, id := range ids {
		out = append(out, &keyvault.VirtualNetworkRuleArgs{Id: pulumi.String(id)})
	}
	return out
}
