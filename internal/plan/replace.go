package plan

import (
	"regexp"
	"strings"
)

// replaceRule names inputs whose change replaces a resource of one type, and
// why. The plan knows two kinds:
//   - the parts of a resource's Azure ID (its name, resource group, parent
//     resource, scope): azure-native replaces a resource when one changes
//     (pulumi/pulumi-azure-native#77);
//   - properties that Azure or Kubernetes refuses to change in place. For
//     these, `pulumi preview` may show an update that `pulumi up` then fails
//     with; the way through is a new resource.
type replaceRule struct {
	paths  []string
	reason string
}

// Reasons shared by several types.
const (
	// ReasonAzureID is why a change to a part of a resource's Azure ID
	// replaces it.
	ReasonAzureID = "part of the Azure resource ID"
	// ReasonLocation is why a change of location replaces a resource.
	ReasonLocation = "Azure cannot move it to another location"
)

// replaceRules maps "package:module:Type" (API version dropped, as
// splitToken returns it) or a whole package ("kubernetes") to its rules.
var replaceRules = map[string][]replaceRule{
	"azure-native:resources:ResourceGroup": {
		{[]string{"resourceGroupName"}, ReasonAzureID},
		{[]string{"location"}, ReasonLocation},
	},
	"azure-native:containerservice:ManagedCluster": {
		{[]string{"resourceName", "resourceGroupName"}, ReasonAzureID},
		{[]string{"location"}, ReasonLocation},
		{[]string{"dnsPrefix"}, "AKS cannot change a cluster's DNS prefix"},
		{[]string{"agentPoolProfiles[*].vmSize"}, "AKS cannot change the VM size of an existing node pool"},
		{[]string{"agentPoolProfiles[*].availabilityZones"}, "AKS cannot change the zones of an existing node pool"},
		{[]string{"networkProfile.serviceCidr", "networkProfile.dnsServiceIP"}, "AKS cannot change the service network of an existing cluster"},
	},
	"azure-native:keyvault:Vault": {
		{[]string{"vaultName", "resourceGroupName"}, ReasonAzureID},
		{[]string{"location"}, ReasonLocation},
	},
	"azure-native:keyvault:Secret": {
		{[]string{"secretName", "vaultName", "resourceGroupName"}, ReasonAzureID},
	},
	"azure-native:keyvault:AccessPolicy": {
		{[]string{"vaultName", "resourceGroupName"}, ReasonAzureID},
	},
	"azure-native:managedidentity:UserAssignedIdentity": {
		{[]string{"resourceName", "resourceGroupName"}, ReasonAzureID},
		{[]string{"location"}, ReasonLocation},
	},
	"azure-native:managedidentity:FederatedIdentityCredential": {
		{[]string{"federatedIdentityCredentialResourceName", "resourceName", "resourceGroupName"}, ReasonAzureID},
	},
	"azure-native:authorization:RoleAssignment": {
		{[]string{"roleAssignmentName", "scope"}, ReasonAzureID},
		{[]string{"principalId", "roleDefinitionId"}, "Azure does not update a role assignment's principal or role"},
	},
	"azuread:index:ApplicationFederatedIdentityCredential": {
		{[]string{"applicationId"}, "a credential belongs to one application"},
		{[]string{"displayName"}, "Entra ID cannot rename a federated credential"},
	},
	"azuread:index:ServicePrincipal": {
		{[]string{"clientId"}, "a service principal belongs to one application"},
	},
	"kubernetes": {
		{[]string{"metadata.name", "metadata.namespace"}, "the Kubernetes provider replaces a renamed or moved object"},
	},
	"kubernetes:apps:Deployment": {
		{[]string{"spec.selector"}, "a Deployment's selector is immutable"},
	},
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
