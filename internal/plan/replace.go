package plan

import (
	"regexp"
	"strings"
)

// replaceRule names inputs whose change replaces a resource of one type, and
// why. The plan knows two kinds:
//   - the parts of a resource's Azure ID (its name, resource group, parent
//     resource, scope), and whatever the provider or Kubernetes replaces:
//     azure-native replaces a resource when one changes
//     (pulumi/pulumi-azure-native#77);
//   - properties that Azure refuses to change in place (refused): for these,
//     `pulumi preview` shows an update that `pulumi up` then fails with; the
//     way through is a new resource (docs/azure-facts.md#what-aks-refuses-to-change,
//     #key-vault-names-and-soft-delete).
//
// fields names the component Args fields, as TYPE.FIELD, whose change
// reaches these inputs. This table is the one source: a test reads the Args
// docs in components/ and fails if a field documented as "replaces" or
// "refused by Azure" has no rule here, or a field here is not documented so.
type replaceRule struct {
	paths   []string
	reason  string
	refused bool
	fields  []string
}

// Reasons shared by several types.
const (
	// ReasonAzureID is why a change to a part of a resource's Azure ID
	// replaces it.
	ReasonAzureID = "part of the Azure resource ID"
	// ReasonLocation is why a change of location replaces a resource.
	ReasonLocation = "Azure cannot move it to another location"
	// RefusedPrefix starts the reason of a change Azure refuses in place.
	RefusedPrefix = "refused by Azure in place: "
)

// replaceRules maps "package:module:Type" (API version dropped, as
// splitToken returns it) or a whole package ("kubernetes") to its rules.
var replaceRules = map[string][]replaceRule{
	"azure-native:resources:ResourceGroup": {
		{paths: []string{"resourceGroupName"}, reason: ReasonAzureID},
		{paths: []string{"location"}, reason: ReasonLocation},
	},
	"azure-native:containerservice:ManagedCluster": {
		{paths: []string{"resourceName", "resourceGroupName"}, reason: ReasonAzureID, fields: []string{"ClusterArgs.Name", "ClusterArgs.ResourceGroupName"}},
		{paths: []string{"location"}, reason: ReasonLocation, fields: []string{"ClusterArgs.Location"}},
		{paths: []string{"dnsPrefix"}, reason: "AKS cannot change a cluster's DNS prefix", fields: []string{"ClusterArgs.Name"}},
		{paths: []string{"agentPoolProfiles[*].vmSize"}, reason: "AKS cannot change the VM size of an existing node pool; it needs a new cluster", refused: true, fields: []string{"ClusterArgs.NodeVMSize"}},
		{paths: []string{"agentPoolProfiles[*].availabilityZones"}, reason: "AKS cannot change the zones of an existing node pool; it needs a new cluster", refused: true, fields: []string{"ClusterArgs.AvailabilityZones"}},
		{paths: []string{"networkProfile.serviceCidr", "networkProfile.dnsServiceIP"}, reason: "AKS cannot change the service network of an existing cluster", refused: true},
		{paths: []string{"agentPoolProfiles[*].vnetSubnetID"}, reason: "a node pool cannot move to another subnet; it needs a new pool or cluster", refused: true, fields: []string{"ClusterArgs.NodeSubnetID"}},
	},
	"azure-native:network:VirtualNetwork": {
		{paths: []string{"virtualNetworkName", "resourceGroupName"}, reason: ReasonAzureID, fields: []string{"NetworkArgs.ResourceGroupName"}},
		{paths: []string{"location"}, reason: ReasonLocation, fields: []string{"NetworkArgs.Location"}},
		{paths: []string{"subnets[*].addressPrefix"}, reason: "a subnet's range cannot change while resources are in it", refused: true, fields: []string{"NetworkArgs.NodeSubnetPrefix", "NetworkArgs.EndpointSubnetPrefix"}},
	},
	"azure-native:network:PrivateZone": {
		{paths: []string{"privateZoneName", "resourceGroupName"}, reason: ReasonAzureID, fields: []string{"NetworkArgs.ResourceGroupName"}},
	},
	"azure-native:network:PrivateEndpoint": {
		{paths: []string{"privateEndpointName", "resourceGroupName"}, reason: ReasonAzureID},
		{paths: []string{"subnet"}, reason: "a private endpoint cannot move to another subnet; it needs a new endpoint", refused: true, fields: []string{"VaultArgs.PrivateEndpoint", "VaultPrivateEndpoint.SubnetID"}},
	},
	"azure-native:operationalinsights:Workspace": {
		{paths: []string{"workspaceName", "resourceGroupName"}, reason: ReasonAzureID},
		{paths: []string{"location"}, reason: ReasonLocation},
	},
	"azure-native:insights:DiagnosticSetting": {
		{paths: []string{"name", "resourceUri"}, reason: ReasonAzureID},
	},
	"azure-native:authorization:ManagementLockByScope": {
		{paths: []string{"lockName", "scope"}, reason: ReasonAzureID},
	},
	"azure-native:keyvault:Vault": {
		{paths: []string{"vaultName", "resourceGroupName"}, reason: ReasonAzureID, fields: []string{"VaultArgs.Name", "VaultArgs.ResourceGroupName"}},
		{paths: []string{"location"}, reason: ReasonLocation, fields: []string{"VaultArgs.Location"}},
		{paths: []string{"properties.softDeleteRetentionInDays"}, reason: "a vault's soft-delete retention is set at creation; it needs a new vault, under a new name while the old one is soft-deleted", refused: true, fields: []string{"VaultArgs.SoftDeleteRetentionDays"}},
	},
	"azure-native:keyvault:Secret": {
		{paths: []string{"secretName", "vaultName", "resourceGroupName"}, reason: ReasonAzureID},
	},
	"azure-native:keyvault:AccessPolicy": {
		{paths: []string{"vaultName", "resourceGroupName"}, reason: ReasonAzureID},
	},
	"azure-native:managedidentity:UserAssignedIdentity": {
		{paths: []string{"resourceName", "resourceGroupName"}, reason: ReasonAzureID, fields: []string{"WorkloadIdentityArgs.Name", "WorkloadIdentityArgs.ResourceGroupName"}},
		{paths: []string{"location"}, reason: ReasonLocation, fields: []string{"WorkloadIdentityArgs.Location"}},
	},
	"azure-native:managedidentity:FederatedIdentityCredential": {
		{paths: []string{"federatedIdentityCredentialResourceName", "resourceName", "resourceGroupName"}, reason: ReasonAzureID,
			fields: []string{"WorkloadIdentityArgs.Namespace", "WorkloadIdentityArgs.ServiceAccountName", "WorkloadIdentityArgs.AdditionalSubjects", "ServiceAccountRef.Namespace", "ServiceAccountRef.Name"}},
	},
	"azure-native:authorization:RoleAssignment": {
		{paths: []string{"roleAssignmentName", "scope"}, reason: ReasonAzureID, fields: []string{"WorkloadIdentityArgs.VaultAccess", "VaultAccess.VaultID", "VaultArgs.SecretsOfficerObjectID"}},
		{paths: []string{"principalId", "roleDefinitionId", "principalType"}, reason: "Azure does not update a role assignment's principal, role or principal type",
			fields: []string{"WorkloadIdentityArgs.VaultAccess", "VaultAccess.ObjectTypes", "VaultArgs.SecretsOfficerObjectID", "VaultArgs.SecretsOfficerPrincipalType"}},
	},
	"azuread:index:ApplicationFederatedIdentityCredential": {
		{paths: []string{"applicationId"}, reason: "a credential belongs to one application"},
		{paths: []string{"displayName"}, reason: "Entra ID cannot rename a federated credential", fields: []string{"WorkloadIdentityArgs.Namespace", "WorkloadIdentityArgs.ServiceAccountName", "WorkloadIdentityArgs.AdditionalSubjects", "ServiceAccountRef.Namespace", "ServiceAccountRef.Name"}},
	},
	"azuread:index:ServicePrincipal": {
		{paths: []string{"clientId"}, reason: "a service principal belongs to one application"},
	},
	"kubernetes": {
		{paths: []string{"metadata.name", "metadata.namespace"}, reason: "the Kubernetes provider replaces a renamed or moved object",
			fields: []string{"WorkloadIdentityArgs.Namespace", "WorkloadIdentityArgs.ServiceAccountName", "SecretMountArgs.Namespace", "SecretMountArgs.Name"}},
	},
	"kubernetes:apps:Deployment": {
		{paths: []string{"spec.selector"}, reason: "a Deployment's selector is immutable"},
	},
}

// RuleFields returns, for every component Args field (TYPE.FIELD) that a
// replacement rule names, whether some rule for it is a refusal.
func RuleFields() map[string]bool {
	out := map[string]bool{}
	for _, rules := range replaceRules {
		for _, r := range rules {
			for _, f := range r.fields {
				out[f] = out[f] || r.refused
			}
		}
	}
	return out
}

// ReplaceReason says why a change to the input at path (as the plan shows
// it: "agentPoolProfiles[0].vmSize") replaces r, or "" when the plan knows
// no reason. Paths the program itself marked with pulumi.ReplaceOnChanges
// count too.
func ReplaceReason(r Resource, path string) string {
	for _, p := range r.ReplaceOnChanges {
		if p == "*" || pathUnder(path, p) {
			return "the program marks it replaceOnChanges"
		}
	}
	pkg, mod, member := splitToken(r.Type)
	for _, key := range []string{pkg + ":" + mod + ":" + member, pkg} {
		for _, rule := range replaceRules[key] {
			for _, p := range rule.paths {
				if pathUnder(path, p) {
					if rule.refused {
						return RefusedPrefix + rule.reason
					}
					return rule.reason
				}
			}
		}
	}
	return ""
}

var index = regexp.MustCompile(`\[\d+\]`)

// pathUnder reports whether path is pattern or lies under it. Indexes in
// path match "[*]" in pattern.
func pathUnder(path, pattern string) bool {
	general := index.ReplaceAllString(path, "[*]")
	for _, p := range []string{path, general} {
		if p == pattern || strings.HasPrefix(p, pattern+".") || strings.HasPrefix(p, pattern+"[") {
			return true
		}
	}
	return false
}
