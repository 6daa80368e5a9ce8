// Package azure holds, once, the names, limits and settings of Azure, AKS
// and the Secrets Store CSI driver that the project relies on: role GUIDs,
// add-on and endpoint names, the limits the components validate against,
// and the autoscaler profile the cluster sets. The components set them up,
// the program validates its configuration with them, and the guardrails
// check the plan for them; the components' exported names of v0.1.0 forward
// to them until v0.3.0. Each carries its source in docs/azure-facts.md. It
// imports nothing, so a package that reads it links no SDK.
package azure

// Built-in role definition GUIDs (docs/azure-facts.md#key-vault-access,
// #container-registry, #cluster-hardening).
const (
	RoleKeyVaultSecretsUser     = "4633458b-17de-408a-b874-0445c86b69e6"
	RoleKeyVaultCertificateUser = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"
	RoleKeyVaultCryptoUser      = "12338af0-0e69-4776-bea7-57ae8d297424"
	RoleKeyVaultSecretsOfficer  = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	RoleAcrPull                 = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	RoleNetworkContributor      = "4d97b98b-1d4f-4787-a291-c67834d212e7"
)

// Federation (docs/azure-facts.md#identity-and-federation).
const (
	// TokenExchangeAudience is Entra's audience for federated credentials.
	TokenExchangeAudience = "api://AzureADTokenExchange"
	// MaxFederatedCredentials is Azure's limit per identity.
	MaxFederatedCredentials = 20
)

// ClientIDAnnotation is the service-account annotation the workload-identity
// webhook reads the client ID from (docs/azure-facts.md#identity-and-federation).
const ClientIDAnnotation = "azure.workload.identity/client-id"

// AKS (docs/azure-facts.md#node-pools, #upgrades-and-maintenance-windows,
// #container-insights).
const (
	// SystemPoolTaint keeps application pods off a system pool.
	SystemPoolTaint = "CriticalAddonsOnly=true:NoSchedule"
	// AutoUpgradeScheduleName and NodeOSUpgradeScheduleName are the names
	// of the maintenance configurations that schedule the two channels.
	AutoUpgradeScheduleName   = "aksManagedAutoUpgradeSchedule"
	NodeOSUpgradeScheduleName = "aksManagedNodeOSUpgradeSchedule"
	// ContainerInsightsAddon is the ARM key of the Container Insights add-on.
	ContainerInsightsAddon = "omsagent"
	// ContainerInsightsStream is the stream of every Container Insights table.
	ContainerInsightsStream = "Microsoft-ContainerInsights-Group-Default"
)

// Limits the components' validation holds input to. Each is Azure's or
// AKS's, or this project's cap below it where the comment says so.
const (
	// MinNodeCount and MaxNodeCount bound the system pool's count and
	// autoscaler bounds. AKS allows up to 1000 nodes per pool; this project
	// caps the system pool at 100.
	MinNodeCount = 1
	MaxNodeCount = 100
	// MaxNodePoolCount is AKS's limit of nodes in one pool
	// (docs/azure-facts.md#node-pools).
	MaxNodePoolCount = 1000
	// MinMaxPods and MaxMaxPods bound a pool's maxPods with Azure CNI
	// overlay (docs/azure-facts.md#node-pools).
	MinMaxPods = 10
	MaxMaxPods = 250
	// MinImageCleanerIntervalHours and MaxImageCleanerIntervalHours bound
	// the image cleaner's interval (docs/azure-facts.md#image-cleaner).
	MinImageCleanerIntervalHours = 24
	MaxImageCleanerIntervalHours = 2160
	// MinMaintenanceHours is the shortest maintenance window AKS accepts,
	// and the default; MaxMaintenanceHours the longest
	// (docs/azure-facts.md#upgrades-and-maintenance-windows).
	MinMaintenanceHours = 4
	MaxMaintenanceHours = 24
	// MinSoftDeleteRetentionDays and MaxSoftDeleteRetentionDays bound the
	// soft-delete retention Azure accepts
	// (docs/azure-facts.md#key-vault-names-and-soft-delete).
	MinSoftDeleteRetentionDays = 7
	MaxSoftDeleteRetentionDays = 90
	// MaxDNSPrefixLength is the longest DNS prefix AKS accepts
	// (docs/azure-facts.md#cluster-names-and-dns-prefix).
	MaxDNSPrefixLength = 54
	// MaxApplicationDisplayNameLength is the longest display name Entra ID
	// accepts for an application (docs/azure-facts.md#other-name-limits).
	MaxApplicationDisplayNameLength = 256
	// MaxTags is the most tags Azure accepts on one resource
	// (docs/azure-facts.md#other-name-limits).
	MaxTags = 50
)

// The cluster autoscaler's settings where this project departs from AKS's
// defaults, for production (docs/azure-facts.md#cluster-autoscaler). The
// rest keep AKS's defaults.
const (
	// AutoscalerExpander picks the node pool that leaves the least CPU and
	// memory idle when several could take a pending pod.
	AutoscalerExpander = "least-waste"
	// AutoscalerBalanceSimilarNodeGroups keeps zonal pools of one shape
	// the same size, so a zone outage takes no more than its share.
	AutoscalerBalanceSimilarNodeGroups = "true"
	// AutoscalerSkipNodesWithLocalStorage lets the autoscaler remove nodes
	// whose pods use emptyDir (the CSI driver's mounts are not local
	// storage, but many sidecars use emptyDir); AKS's default is false too.
	AutoscalerSkipNodesWithLocalStorage = "false"
	// AutoscalerScaleDownUnneededTime and AutoscalerScaleDownDelayAfterAdd
	// are AKS's defaults, written out so that the plan shows them.
	AutoscalerScaleDownUnneededTime  = "10m"
	AutoscalerScaleDownDelayAfterAdd = "10m"
	// AutoscalerMaxGracefulTerminationSec is how long a scale-down waits
	// for pods to stop: AKS's default, 600 seconds.
	AutoscalerMaxGracefulTerminationSec = "600"
)

// Names of add-ons, endpoints and objects (docs/azure-facts.md#cluster,
// #container-insights, #key-vault-network, #container-registry,
// #secretproviderclass).
const (
	// SecretsProviderAddon is the ARM key of the Key Vault CSI add-on. The
	// CLI calls it azure-keyvault-secrets-provider; the walkthrough's
	// "azurekeyvaultsecretsdriver" does not exist.
	SecretsProviderAddon = "azureKeyvaultSecretsProvider"
	// ContainerInsightsAssociation is the name the association between the
	// cluster and its data collection rule must have.
	ContainerInsightsAssociation = "ContainerInsightsExtension"
	// ContainerInsightsInterval is how often the agent collects.
	ContainerInsightsInterval = "1m"
	// VaultPrivateDNSZone is the private DNS zone of Key Vault's private
	// endpoints in the public cloud.
	VaultPrivateDNSZone = "privatelink.vaultcore.azure.net"
	// RegistryPrivateDNSZone is the private DNS zone of registry endpoints
	// in the public cloud: it holds the login server and the regional data
	// endpoint.
	RegistryPrivateDNSZone = "privatelink.azurecr.io"
	// SecretProviderClassAPIVersion and SecretProviderClassKind name the
	// Secrets Store CSI driver's CRD.
	SecretProviderClassAPIVersion = "secrets-store.csi.x-k8s.io/v1"
	SecretProviderClassKind       = "SecretProviderClass"
	// SecretContentType is the contentType of every secret the vault
	// writes: the values come from Pulumi configuration, as text.
	SecretContentType = "text/plain"
)
