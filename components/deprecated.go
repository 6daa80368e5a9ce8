package components

import (
	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// Names that v0.1.0 exported and v0.2.0 keeps only as forwards: role GUIDs,
// limits, the autoscaler's settings and Azure's fixed names are how the
// components work, not what a caller writes. Each is defined once, in an
// internal package that the components, the program and the guardrails
// read. These forwards go in v0.3.0 (CHANGELOG.md).
const (
	// Deprecated: the system pool's bounds are validated for you; removed in v0.3.0.
	MinNodeCount = azure.MinNodeCount
	// Deprecated: the system pool's bounds are validated for you; removed in v0.3.0.
	MaxNodeCount = azure.MaxNodeCount
	// Deprecated: a pool's count is validated for you; removed in v0.3.0.
	MaxNodePoolCount = azure.MaxNodePoolCount
	// Deprecated: NodePoolArgs.MaxPods is validated for you; removed in v0.3.0.
	MinMaxPods = azure.MinMaxPods
	// Deprecated: NodePoolArgs.MaxPods is validated for you; removed in v0.3.0.
	MaxMaxPods = azure.MaxMaxPods
	// Deprecated: the interval is validated for you; removed in v0.3.0.
	MinImageCleanerIntervalHours = azure.MinImageCleanerIntervalHours
	// Deprecated: the interval is validated for you; removed in v0.3.0.
	MaxImageCleanerIntervalHours = azure.MaxImageCleanerIntervalHours
	// Deprecated: MaintenanceWindow.DurationHours is validated for you; removed in v0.3.0.
	MinMaintenanceHours = azure.MinMaintenanceHours
	// Deprecated: MaintenanceWindow.DurationHours is validated for you; removed in v0.3.0.
	MaxMaintenanceHours = azure.MaxMaintenanceHours
	// Deprecated: VaultArgs.SoftDeleteRetentionDays is validated for you; removed in v0.3.0.
	MinSoftDeleteRetentionDays = azure.MinSoftDeleteRetentionDays
	// Deprecated: VaultArgs.SoftDeleteRetentionDays is validated for you; removed in v0.3.0.
	MaxSoftDeleteRetentionDays = azure.MaxSoftDeleteRetentionDays
	// Deprecated: the credentials are counted for you; removed in v0.3.0.
	MaxFederatedCredentials = azure.MaxFederatedCredentials
	// Deprecated: the DNS prefix is derived and validated for you; removed in v0.3.0.
	MaxDNSPrefixLength = azure.MaxDNSPrefixLength
	// Deprecated: the display name is derived and validated for you; removed in v0.3.0.
	MaxApplicationDisplayNameLength = azure.MaxApplicationDisplayNameLength
	// Deprecated: tags are counted for you; removed in v0.3.0.
	MaxTags = azure.MaxTags

	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleAcrPull = azure.RoleAcrPull
	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleNetworkContributor = azure.RoleNetworkContributor
	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleKeyVaultSecretsOfficer = azure.RoleKeyVaultSecretsOfficer
	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleKeyVaultSecretsUser = azure.RoleKeyVaultSecretsUser
	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleKeyVaultCertificateUser = azure.RoleKeyVaultCertificateUser
	// Deprecated: the components grant the roles; removed in v0.3.0.
	RoleKeyVaultCryptoUser = azure.RoleKeyVaultCryptoUser

	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerExpander = azure.AutoscalerExpander
	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerBalanceSimilarNodeGroups = azure.AutoscalerBalanceSimilarNodeGroups
	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerSkipNodesWithLocalStorage = azure.AutoscalerSkipNodesWithLocalStorage
	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerScaleDownUnneededTime = azure.AutoscalerScaleDownUnneededTime
	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerScaleDownDelayAfterAdd = azure.AutoscalerScaleDownDelayAfterAdd
	// Deprecated: the cluster sets its autoscaler profile; removed in v0.3.0.
	AutoscalerMaxGracefulTerminationSec = azure.AutoscalerMaxGracefulTerminationSec

	// Deprecated: the cluster names its maintenance configurations; removed in v0.3.0.
	AutoUpgradeScheduleName = azure.AutoUpgradeScheduleName
	// Deprecated: the cluster names its maintenance configurations; removed in v0.3.0.
	NodeOSUpgradeScheduleName = azure.NodeOSUpgradeScheduleName
	// Deprecated: the cluster sets up its add-ons; removed in v0.3.0.
	SecretsProviderAddon = azure.SecretsProviderAddon
	// Deprecated: the cluster sets up its add-ons; removed in v0.3.0.
	ContainerInsightsAddon = azure.ContainerInsightsAddon
	// Deprecated: the cluster sets up Container Insights; removed in v0.3.0.
	ContainerInsightsStream = azure.ContainerInsightsStream
	// Deprecated: the cluster sets up Container Insights; removed in v0.3.0.
	ContainerInsightsAssociation = azure.ContainerInsightsAssociation
	// Deprecated: the cluster sets up Container Insights; removed in v0.3.0.
	DefaultContainerInsightsInterval = azure.ContainerInsightsInterval
	// Deprecated: the system pool's taint is set for you, and application
	// pods need not tolerate it; removed in v0.3.0.
	SystemPoolTaint = azure.SystemPoolTaint
	// Deprecated: read Network.VaultDNSZoneID; removed in v0.3.0.
	VaultPrivateDNSZone = azure.VaultPrivateDNSZone
	// Deprecated: read Network.RegistryDNSZoneID; removed in v0.3.0.
	RegistryPrivateDNSZone = azure.RegistryPrivateDNSZone
	// Deprecated: SecretMount writes the class; removed in v0.3.0.
	SecretProviderClassAPIVersion = azure.SecretProviderClassAPIVersion
	// Deprecated: SecretMount writes the class; removed in v0.3.0.
	SecretProviderClassKind = azure.SecretProviderClassKind
	// Deprecated: Vault writes the secrets; removed in v0.3.0.
	SecretContentType = azure.SecretContentType
	// Deprecated: call GetClientConfig; removed in v0.3.0.
	ClientConfigToken = tokens.GetClientConfig
)
