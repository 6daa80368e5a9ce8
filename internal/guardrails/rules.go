package guardrails

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// Resource types the rules check.
const (
	typeCluster          = ":ManagedCluster"
	typeVault            = "keyvault:Vault"
	typeSecret           = "keyvault:Secret"
	typeRoleAssignment   = ":RoleAssignment"
	typeAccessPolicy     = "keyvault:AccessPolicy"
	typeCredential       = "FederatedIdentityCredential"
	typeClass            = ":SecretProviderClass"
	typeDeployment       = "apps/v1:Deployment"
	typeDiagnostics      = ":DiagnosticSetting"
	typeEndpoint         = ":PrivateEndpoint"
	typeZoneGroup        = ":PrivateDnsZoneGroup"
	typeLock             = ":ManagementLockByScope"
	typeServiceAccount   = "kubernetes:core/v1:ServiceAccount"
	typeK8sProvider      = "pulumi:providers:kubernetes"
	typeStackReference   = "pulumi:pulumi:StackReference"
	typeAgentPool        = ":AgentPool"
	typeMaintenance      = ":MaintenanceConfiguration"
	typeRegistry         = "containerregistry/v20230701:Registry"
	typeDCR              = ":DataCollectionRule"
	typeDCRAssociation   = ":DataCollectionRuleAssociation"
	typeApplication      = "azuread:index/application:Application"
	typeServicePrincipal = "azuread:index/servicePrincipal:ServicePrincipal"
	// platformIssuerOutput is the platform's issuer output
	// (platform.OutputOIDCIssuerURL).
	platformIssuerOutput = "oidcIssuerUrl"
	// typeStack: a rule over the whole plan, checked once.
	typeStack = ""
)

// Rules are every guardrail, in the order -check prints them.
var Rules = []Rule{
	// The cluster.
	{ID: "AKS-OIDC-ISSUER", Title: "the OIDC issuer is on", Type: typeCluster,
		Check: want(isTrue, "oidcIssuerProfile.enabled", "the OIDC issuer is off")},
	{ID: "AKS-WORKLOAD-IDENTITY", Title: "the workload-identity webhook is on", Type: typeCluster,
		Check: want(isTrue, "securityProfile.workloadIdentity.enabled", "the workload-identity webhook is off")},
	{ID: "AKS-SECRETS-ROTATION", Title: "the Key Vault secrets provider rotates secrets", Type: typeCluster, Key: "cluster.secretRotation",
		Check: func(_ *Plan, r plan.Resource) string {
			at := "addonProfiles." + azure.SecretsProviderAddon + "."
			if !isTrue(r, at+"enabled") {
				return "the " + azure.SecretsProviderAddon + " add-on is off"
			}
			if str(r, at+"config.enableSecretRotation") != "true" {
				return "secret rotation is off"
			}
			return ""
		}},
	{ID: "AKS-LOCAL-ACCOUNTS", Production: true, Title: "local accounts are disabled", Type: typeCluster, Key: "cluster.localAccountsDisabled",
		Check: want(isTrue, "disableLocalAccounts", "local accounts are on: the admin kubeconfig bypasses Entra ID")},
	{ID: "AKS-AAD-AZURE-RBAC", Production: true, Title: "Entra ID with Azure RBAC", Type: typeCluster, Key: "cluster.adminGroupObjectIds",
		Check: func(_ *Plan, r plan.Resource) string {
			if !isTrue(r, "aadProfile.managed") || !isTrue(r, "aadProfile.enableAzureRBAC") {
				return "the cluster is not Entra-managed with Azure RBAC"
			}
			return ""
		}},
	{ID: "AKS-KUBERNETES-RBAC", Title: "Kubernetes RBAC is on", Type: typeCluster,
		Check: want(isTrue, "enableRBAC", "Kubernetes RBAC is off")},
	{ID: "AKS-API-ACCESS", Production: true, Title: "the API server admits listed ranges only, or is private", Type: typeCluster, Key: "cluster.authorizedIpRanges",
		Check: func(_ *Plan, r plan.Resource) string {
			if len(list(r, "apiServerAccessProfile.authorizedIPRanges")) == 0 && !isTrue(r, "apiServerAccessProfile.enablePrivateCluster") {
				return "the API server is open to every address"
			}
			return ""
		}},
	{ID: "AKS-NETWORK-POLICY", Production: true, Title: "a network policy engine", Type: typeCluster, Key: "cluster.networkPolicy",
		Check: wantSet("networkProfile.networkPolicy", "no network policy engine: every pod reaches every other")},
	{ID: "AKS-NODE-PUBLIC-IP", Title: "no public IPs on nodes", Type: typeCluster,
		Check: func(_ *Plan, r plan.Resource) string {
			for i := range list(r, "agentPoolProfiles") {
				if isTrue(r, fmt.Sprintf("agentPoolProfiles.%d.enableNodePublicIP", i)) {
					return fmt.Sprintf("node pool %d gives its nodes public IPs", i)
				}
			}
			return ""
		}},
	{ID: "AKS-AUTO-UPGRADE", Production: true, Title: "an auto-upgrade channel", Type: typeCluster, Key: "cluster.upgradeChannel",
		Check: wantSet("autoUpgradeProfile.upgradeChannel", "no auto-upgrade channel")},
	{ID: "AKS-NODE-OS-UPGRADE", Production: true, Title: "a node OS upgrade channel", Type: typeCluster, Key: "cluster.nodeOsUpgradeChannel",
		Check: func(_ *Plan, r plan.Resource) string {
			if c := str(r, "autoUpgradeProfile.nodeOSUpgradeChannel"); c != "NodeImage" && c != "SecurityPatch" {
				return fmt.Sprintf("node OS upgrade channel %q: want NodeImage or SecurityPatch", c)
			}
			return ""
		}},
	{ID: "AKS-SLA-TIER", Production: true, Title: "the Standard tier, with an uptime SLA", Type: typeCluster, Key: "cluster.tier",
		Check: func(_ *Plan, r plan.Resource) string {
			if t := str(r, "sku.tier"); t != "Standard" && t != "Premium" {
				return fmt.Sprintf("tier %q has no uptime SLA", t)
			}
			return ""
		}},
	{ID: "AKS-AUDIT-LOGS", Production: true, Title: "kube-audit-admin and guard logs go to Log Analytics", Type: typeCluster, Key: "logs.enabled",
		Check: func(p *Plan, r plan.Resource) string {
			if !p.logged(r, "kube-audit-admin") || !p.logged(r, "guard") {
				return "no diagnostic setting sends kube-audit-admin and guard to a workspace"
			}
			return ""
		}},
	{ID: "AKS-OWN-SUBNET", Production: true, Title: "nodes in the stack's own VNet subnet", Type: typeCluster, Key: "network.enabled",
		Check: func(_ *Plan, r plan.Resource) string {
			for i := range list(r, "agentPoolProfiles") {
				if str(r, fmt.Sprintf("agentPoolProfiles.%d.vnetSubnetID", i)) == "" {
					return fmt.Sprintf("node pool %d is in no subnet of the stack's VNet", i)
				}
			}
			return ""
		}},
	{ID: "AKS-PROTECT", Production: true, Title: "the cluster is protected in Pulumi", Type: typeCluster, Key: "cluster.protect",
		Check: protected},
	{ID: "AKS-SYSTEM-POOL-TAINT", Title: "the system pool is tainted for system pods when user pools exist", Type: typeCluster, Key: "cluster.nodePools",
		Check: systemPoolTainted},
	{ID: "AKS-AUTOSCALER-BOUNDS", Title: "autoscaled pools have sound bounds", Type: typeCluster, Key: "cluster.nodePools",
		Check: eachPool(func(pool pool) string {
			if !pool.autoscaled() {
				return ""
			}
			lo, hi := pool.num("minCount"), pool.num("maxCount")
			switch {
			case hi < 1 || lo > hi:
				return fmt.Sprintf("minCount %v and maxCount %v: want 0 <= minCount <= maxCount and maxCount >= 1", lo, hi)
			case pool.system() && lo < 1:
				return fmt.Sprintf("minCount %v: a system pool keeps at least one node", lo)
			}
			return ""
		})},
	{ID: "AKS-AUTOSCALER", Production: true, Title: "every pool autoscales, the system pool from at least 2 nodes", Type: typeCluster, Key: "cluster.nodeMaxCount",
		Check: eachPool(func(pool pool) string {
			switch {
			case !pool.autoscaled():
				return "has a fixed node count: the cluster autoscaler is off"
			case pool.system() && pool.num("minCount") < 2:
				return fmt.Sprintf("minCount %v: one node's loss takes the system pods down", pool.num("minCount"))
			}
			return ""
		})},
	{ID: "AKS-ZONES", Production: true, Title: "every pool spans three availability zones", Type: typeCluster, Key: "cluster.availabilityZones",
		Check: eachPool(func(pool pool) string {
			zones := map[any]bool{}
			for _, z := range pool.list("availabilityZones") {
				zones[z] = true
			}
			if len(zones) < 3 {
				return fmt.Sprintf("spans %d availability zone(s), want 3", len(zones))
			}
			return ""
		})},
	{ID: "AKS-SURGE", Title: "every pool sets its upgrade surge", Type: typeCluster, Key: "cluster.nodeMaxSurge",
		Check: eachPool(func(pool pool) string {
			if pool.str("upgradeSettings.maxSurge") == "" {
				return "no upgradeSettings.maxSurge: upgrades take AKS's default surge"
			}
			return ""
		})},
	{ID: "AKS-MAINTENANCE-WINDOWS", Production: true, Title: "each auto-upgrade channel has its maintenance window", Type: typeCluster, Key: "cluster.maintenance",
		Check: maintenanceWindows},
	{ID: "AKS-CONTAINER-INSIGHTS", Production: true, Title: "Container Insights with managed-identity authentication and its data collection rule", Type: typeCluster, Key: "cluster.containerInsights",
		Check: containerInsights},
	{ID: "AKS-IMAGE-CLEANER", Title: "the image cleaner removes unused vulnerable images", Type: typeCluster, Key: "cluster.imageCleaner",
		Check: want(isTrue, "securityProfile.imageCleaner.enabled", "the image cleaner is off")},
	{ID: "AKS-DEFENDER", Production: true, Title: "Defender for Containers' sensor reports to a workspace", Type: typeCluster, Key: "cluster.defender",
		Check: func(_ *Plan, r plan.Resource) string {
			if !isTrue(r, "securityProfile.defender.securityMonitoring.enabled") || str(r, "securityProfile.defender.logAnalyticsWorkspaceResourceId") == "" {
				return "Defender's security monitoring is off"
			}
			return ""
		}},

	// The container registry.
	{ID: "ACR-ADMIN-OFF", Title: "the registry's admin user and anonymous pull are off", Type: typeRegistry, Key: "registry.enabled",
		Check: func(_ *Plan, r plan.Resource) string {
			if in(r, "adminUserEnabled") != false {
				return "the admin user is on (or unset): a shared password pulls and pushes every image"
			}
			if isTrue(r, "anonymousPullEnabled") {
				return "anonymous pull is on"
			}
			return ""
		}},
	{ID: "ACR-PRIVATE", Production: true, Title: "the registry is closed to the public network and has a private endpoint", Type: typeRegistry, Key: "registry.private",
		Check: func(p *Plan, r plan.Resource) string {
			if a := str(r, "publicNetworkAccess"); a != "Disabled" {
				return fmt.Sprintf("public network access %q", a)
			}
			return p.privateEndpointOf(r, "registry")
		}},
	{ID: "ACR-PULL-KUBELET-ONLY", Title: "AcrPull goes to the cluster's kubelet identity only", Type: typeRoleAssignment,
		Check: func(p *Plan, r plan.Resource) string {
			if !strings.HasSuffix(strings.ToLower(str(r, "roleDefinitionId")), "/"+azure.RoleAcrPull) {
				return ""
			}
			if !slices.Contains(p.kubeletObjectIDs(), str(r, "principalId")) {
				return fmt.Sprintf("grants AcrPull to %s, not a cluster's kubelet identity", str(r, "principalId"))
			}
			return ""
		}},

	// The vault.
	{ID: "KV-RBAC", Production: true, Title: "Azure RBAC authorization", Type: typeVault, Key: "vault.rbacAuthorization",
		Check: want(isTrue, "properties.enableRbacAuthorization", "access policies instead of Azure RBAC")},
	{ID: "KV-SOFT-DELETE", Title: "soft delete is on", Type: typeVault,
		Check: want(isTrue, "properties.enableSoftDelete", "soft delete is off")},
	{ID: "KV-PURGE-PROTECTION", Production: true, Title: "purge protection is on", Type: typeVault, Key: "vault.purgeProtection",
		Check: want(isTrue, "properties.enablePurgeProtection", "purge protection is off: a deleted vault can be purged at once")},
	{ID: "KV-RETENTION", Production: true, Title: "deleted vaults and secrets are kept 90 days", Type: typeVault, Key: "vault.softDeleteRetentionDays",
		Check: func(_ *Plan, r plan.Resource) string {
			if d, _ := in(r, "properties.softDeleteRetentionInDays").(float64); d < 90 {
				return fmt.Sprintf("soft-delete retention of %v days, under 90", in(r, "properties.softDeleteRetentionInDays"))
			}
			return ""
		}},
	{ID: "KV-PUBLIC-ACCESS", Production: true, Title: "public network access is disabled", Type: typeVault, Key: "vault.networkDefaultAction",
		Check: func(_ *Plan, r plan.Resource) string {
			if a := str(r, "properties.publicNetworkAccess"); a != "Disabled" {
				return fmt.Sprintf("public network access %q", a)
			}
			return ""
		}},
	{ID: "KV-FIREWALL", Production: true, Title: "the firewall denies by default", Type: typeVault, Key: "vault.networkDefaultAction",
		Check: func(_ *Plan, r plan.Resource) string {
			if a := str(r, "properties.networkAcls.defaultAction"); a != "Deny" {
				return fmt.Sprintf("the firewall's default action is %q", a)
			}
			return ""
		}},
	{ID: "KV-PRIVATE-ENDPOINT", Production: true, Title: "a private endpoint with its private DNS zone", Type: typeVault, Key: "network.enabled",
		Check: func(p *Plan, r plan.Resource) string { return p.privateEndpointOf(r, "vault") }},
	{ID: "KV-AUDIT-LOGS", Production: true, Title: "audit logs go to Log Analytics", Type: typeVault, Key: "logs.enabled",
		Check: func(p *Plan, r plan.Resource) string {
			if !p.logged(r, "audit") && !p.logged(r, "allLogs") && !p.logged(r, "AuditEvent") {
				return "no diagnostic setting sends its audit logs to a workspace"
			}
			return ""
		}},
	{ID: "KV-DELETE-LOCK", Production: true, Title: "a CanNotDelete lock", Type: typeVault, Key: "vault.deleteLock",
		Check: func(p *Plan, r plan.Resource) string {
			for _, l := range plan.OfType(p.Resources, typeLock) {
				if sameID(str(l, "scope"), r.ID) && str(l, "level") == "CanNotDelete" {
					return ""
				}
			}
			return "no CanNotDelete lock"
		}},
	{ID: "KV-PROTECT", Production: true, Title: "the vault is protected in Pulumi", Type: typeVault, Key: "vault.protect",
		Check: protected},
	{ID: "KV-SECRET-CONTENT-TYPE", Title: "every secret has a content type", Type: typeSecret,
		Check: func(_ *Plan, r plan.Resource) string {
			if str(r, "properties.contentType") == "" {
				return "no contentType"
			}
			return ""
		}},

	// Identity and access.
	{ID: "ID-GRANT-SCOPE", Title: "every grant is scoped to one resource", Type: typeRoleAssignment,
		Check: func(_ *Plan, r plan.Resource) string {
			if !strings.Contains(strings.ToLower(str(r, "scope")), "/providers/") {
				return fmt.Sprintf("scoped to %s, a subscription or resource group", str(r, "scope"))
			}
			return ""
		}},
	{ID: "ID-READ-ROLES", Title: "workloads get read roles only", Type: typeRoleAssignment,
		Check: func(p *Plan, r plan.Resource) string {
			if p.workloadOf(r) == "" {
				return "" // not a workload's grant
			}
			role := str(r, "roleDefinitionId")
			for _, read := range []string{azure.RoleKeyVaultSecretsUser, azure.RoleKeyVaultCertificateUser, azure.RoleKeyVaultCryptoUser} {
				if strings.HasSuffix(strings.ToLower(role), "/"+read) {
					return ""
				}
			}
			return fmt.Sprintf("grants %s, not a Key Vault read role", role)
		}},
	{ID: "ID-GET-ONLY", Title: "workload access policies grant get only", Type: typeAccessPolicy,
		Check: func(p *Plan, r plan.Resource) string {
			if p.workloadOf(r) == "" {
				return ""
			}
			for _, kind := range []string{"secrets", "certificates", "keys"} {
				for _, perm := range list(r, "policy.permissions."+kind) {
					if perm != "get" {
						return fmt.Sprintf("grants %s %v: the CSI driver needs get only", kind, perm)
					}
				}
			}
			return ""
		}},
	{ID: "ID-NO-STANDING-DATA-PLANE", Production: true, Title: "no standing data-plane access for the deployer", Type: typeStack, Key: "vault.deployerDataPlaneAccess",
		Check: func(p *Plan, _ plan.Resource) string {
			for _, r := range plan.OfType(p.Resources, typeRoleAssignment) {
				if strings.HasSuffix(strings.ToLower(str(r, "roleDefinitionId")), "/"+azure.RoleKeyVaultSecretsOfficer) {
					return r.Name + " grants Key Vault Secrets Officer: read access to every secret"
				}
			}
			for _, r := range plan.OfType(p.Resources, typeAccessPolicy) {
				for _, perm := range list(r, "policy.permissions.secrets") {
					if perm == "list" || perm == "set" {
						return fmt.Sprintf("%s grants secrets %v", r.Name, perm)
					}
				}
			}
			return ""
		}},
	{ID: "ID-ENTRA-OWNER", Title: "every Entra application and service principal lists the deployer as owner", Type: typeStack,
		Check: func(p *Plan, _ plan.Resource) string {
			var bad []string
			for _, r := range append(plan.OfType(p.Resources, typeApplication), plan.OfType(p.Resources, typeServicePrincipal)...) {
				if !slices.Contains(list(r, "owners"), any(plan.DeployerObjectID)) {
					bad = append(bad, r.Name)
				}
			}
			if len(bad) > 0 {
				// docs/azure-facts.md#entra-application-owners
				return fmt.Sprintf("%s do not list the deployer in owners: the azuread provider drops it after create, and a deployer with Application.ReadWrite.OwnedBy then cannot write the federated credential", strings.Join(bad, ", "))
			}
			return ""
		}},
	{ID: "ID-FEDERATION-EXACT", Title: "federated credentials trust exactly the cluster and one service account", Type: typeCredential,
		Check: func(p *Plan, r plan.Resource) string {
			if aud := list(r, "audiences"); len(aud) != 1 || aud[0] != azure.TokenExchangeAudience {
				return fmt.Sprintf("audiences %v, want [%s]", aud, azure.TokenExchangeAudience)
			}
			if issuers := p.issuers(); !slices.Contains(issuers, str(r, "issuer")) {
				return fmt.Sprintf("issuer %q is not the cluster's", str(r, "issuer"))
			}
			if !subjectForm.MatchString(str(r, "subject")) {
				return fmt.Sprintf("subject %q is not system:serviceaccount:NAMESPACE:NAME", str(r, "subject"))
			}
			if n := p.siblings(r, typeCredential); n > azure.MaxFederatedCredentials {
				return fmt.Sprintf("%d credentials on one identity, over Azure's %d", n, azure.MaxFederatedCredentials)
			}
			return ""
		}},

	// SecretProviderClass.
	{ID: "SPC-WORKLOAD-IDENTITY", Title: "classes use workload identity with the identity's client ID", Type: typeClass,
		Check: func(p *Plan, r plan.Resource) string {
			if str(r, "spec.parameters.usePodIdentity") != "false" {
				return `usePodIdentity is not "false"`
			}
			clientID := str(r, "spec.parameters.clientID")
			if clientID == "" {
				return "no clientID: the provider falls back to a service principal"
			}
			if sa, ok := p.serviceAccountOf(r); ok && annotation(sa, azure.ClientIDAnnotation) != clientID {
				return "clientID is not the client ID its service account is annotated with"
			}
			return ""
		}},
	{ID: "SPC-NO-SYNC", Production: true, Title: "no secrets synced into Kubernetes Secrets", Type: typeClass, Key: "workloads[WORKLOAD].syncSecret",
		Check: func(_ *Plan, r plan.Resource) string {
			if len(list(r, "spec.secretObjects")) > 0 {
				return "syncs its objects into a Kubernetes Secret (stored in etcd; environment variables from it never rotate)"
			}
			return ""
		}},

	// Pods this project deploys.
	{ID: "POD-RESTRICTED", Title: "pods meet the restricted Pod Security Standard", Type: typeDeployment,
		Check: func(_ *Plan, r plan.Resource) string { return restricted(r) },
	},

	// Data.
	{ID: "DATA-NO-PLAINTEXT", Title: "secret values and kubeconfigs are Pulumi secrets", Type: typeStack,
		Check: func(p *Plan, _ plan.Resource) string {
			for _, s := range plan.OfType(p.Resources, typeSecret) {
				if !s.IsSecretInput("properties.value") {
					return s.Name + ": the value is not a Pulumi secret"
				}
			}
			for _, k := range plan.OfType(p.Resources, typeK8sProvider) {
				if _, ok := k.Input("kubeconfig"); ok && !k.IsSecretInput("kubeconfig") {
					return k.Name + ": the kubeconfig is not a Pulumi secret"
				}
			}
			if v, ok := p.Outputs["kubeconfig"]; ok && v != plan.SecretMarker {
				return "the kubeconfig output is not a Pulumi secret"
			}
			return ""
		}},
}

var subjectForm = regexp.MustCompile(`^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// restricted checks a Deployment's pod template against the "restricted"
// Pod Security Standard, and CPU and memory limits.
func restricted(r plan.Resource) string {
	pod := "spec.template.spec."
	if !isTrue(r, pod+"securityContext.runAsNonRoot") {
		return "the pod does not run as non-root"
	}
	for _, id := range []string{"runAsUser", "runAsGroup"} {
		if v, _ := in(r, pod+"securityContext."+id).(float64); v <= 0 {
			return "the pod's " + id + " is root or unset"
		}
	}
	if str(r, pod+"securityContext.seccompProfile.type") != "RuntimeDefault" {
		return "the pod's seccomp profile is not RuntimeDefault"
	}
	for i := range list(r, pod+"containers") {
		c := fmt.Sprintf("%scontainers.%d.", pod, i)
		name := str(r, c+"name")
		if v, ok := in(r, c+"securityContext.allowPrivilegeEscalation").(bool); !ok || v {
			return "container " + name + " may escalate privileges"
		}
		if !slices.Contains(list(r, c+"securityContext.capabilities.drop"), any("ALL")) {
			return "container " + name + " does not drop all capabilities"
		}
		if str(r, c+"resources.limits.cpu") == "" || str(r, c+"resources.limits.memory") == "" {
			return "container " + name + " has no CPU or memory limit"
		}
	}
	return ""
}

// logged says whether a diagnostic setting sends the category (or category
// group) of r's logs to a Log Analytics workspace.
func (p *Plan) logged(r plan.Resource, category string) bool {
	for _, d := range plan.OfType(p.Resources, typeDiagnostics) {
		if !sameID(str(d, "resourceUri"), r.ID) || str(d, "workspaceId") == "" {
			continue
		}
		for i := range list(d, "logs") {
			at := fmt.Sprintf("logs.%d.", i)
			if isTrue(d, at+"enabled") && (str(d, at+"category") == category || str(d, at+"categoryGroup") == category) {
				return true
			}
		}
	}
	return false
}

// privateEndpointOf checks that a private endpoint connects to r with the
// private-link group, and has a DNS zone group.
func (p *Plan) privateEndpointOf(r plan.Resource, group string) string {
	for _, e := range plan.OfType(p.Resources, typeEndpoint) {
		for i := range list(e, "privateLinkServiceConnections") {
			at := fmt.Sprintf("privateLinkServiceConnections.%d.", i)
			if sameID(str(e, at+"privateLinkServiceId"), r.ID) && slices.Contains(list(e, at+"groupIds"), any(group)) {
				if p.hasZoneGroup(e) {
					return ""
				}
				return "its private endpoint has no DNS zone group: nodes would not resolve it privately"
			}
		}
	}
	return "no private endpoint (group " + group + ")"
}

// hasZoneGroup says whether a private endpoint has a DNS zone group.
func (p *Plan) hasZoneGroup(endpoint plan.Resource) bool {
	for _, g := range plan.OfType(p.Resources, typeZoneGroup) {
		if name := str(g, "privateEndpointName"); name != "" && name == azureName(endpoint) && len(list(g, "privateDnsZoneConfigs")) > 0 {
			return true
		}
	}
	return false
}

// issuers are the OIDC issuer URLs of the plan's clusters, and of the
// platform stacks it references (an app stack's cluster is the platform's).
func (p *Plan) issuers() []string {
	var out []string
	add := func(r plan.Resource, path string) {
		if v, ok := plan.Lookup(plan.Reveal(resource.NewProperty(r.State)), path); ok {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	for _, c := range plan.OfType(p.Resources, typeCluster) {
		add(c, "oidcIssuerProfile.issuerURL")
	}
	for _, ref := range plan.OfType(p.Resources, typeStackReference) {
		add(ref, "outputs."+platformIssuerOutput)
	}
	return out
}

// siblings counts the resources of a type under r's parent.
func (p *Plan) siblings(r plan.Resource, typeSuffix string) int {
	n := 0
	for _, s := range plan.OfType(p.Resources, typeSuffix) {
		if s.Parent == r.Parent {
			n++
		}
	}
	return n
}

// serviceAccountOf finds the service account of the workload a class
// belongs to: the one under the WorkloadIdentity of the same name.
func (p *Plan) serviceAccountOf(class plan.Resource) (plan.Resource, bool) {
	workload := p.workloadOf(class)
	for _, sa := range plan.OfType(p.Resources, typeServiceAccount) {
		if workload != "" && p.workloadOf(sa) == workload {
			return sa, true
		}
	}
	return plan.Resource{}, false
}

// azureName is the Azure name the recorder gave r (its state's name).
func azureName(r plan.Resource) string {
	if v, ok := r.State["name"]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// wantSet builds a check that fails with msg unless the input at path is set
// and not "none".
func wantSet(path, msg string) func(*Plan, plan.Resource) string {
	return func(_ *Plan, r plan.Resource) string {
		if v := str(r, path); v == "" || strings.EqualFold(v, "none") {
			return msg
		}
		return ""
	}
}

// protected checks that r has Pulumi's protect option.
func protected(_ *Plan, r plan.Resource) string {
	if !r.Protect {
		return "not protected: pulumi destroy or a replacement deletes it"
	}
	return ""
}

// want builds a check that fails with msg unless ok(r, path).
func want(ok func(plan.Resource, string) bool, path, msg string) func(*Plan, plan.Resource) string {
	return func(_ *Plan, r plan.Resource) string {
		if !ok(r, path) {
			return msg
		}
		return ""
	}
}

// in returns r's input at a dotted path (secrets revealed), or nil.
func in(r plan.Resource, path string) any {
	v, _ := r.Input(path)
	return v
}

// annotation returns a Kubernetes object's annotation (whose key holds dots).
func annotation(r plan.Resource, key string) string {
	m, _ := in(r, "metadata.annotations").(map[string]any)
	s, _ := m[key].(string)
	return s
}

func isTrue(r plan.Resource, path string) bool { v, _ := in(r, path).(bool); return v }

func str(r plan.Resource, path string) string {
	switch v := in(r, path).(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func list(r plan.Resource, path string) []any { v, _ := in(r, path).([]any); return v }

// sameID compares Azure resource IDs as Azure does: case-insensitively.
func sameID(a, b string) bool { return a != "" && strings.EqualFold(a, b) }
