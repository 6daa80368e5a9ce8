// Package azure holds the fixed names and limits of Azure and AKS that more
// than one package of the project relies on, defined once: the components
// set them up, and the guardrails check the plan for them. Each carries its
// source in docs/azure-facts.md. It imports nothing, so a package that reads
// it links no SDK.
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
