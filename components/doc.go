// Package components holds the reusable Pulumi ComponentResources of secure-aks.
//
// Each component applies documented, secure defaults to a copy of its Args,
// validates the result before it registers anything, and parents every child
// resource to itself:
//
//   - [Cluster]: AKS with the OIDC issuer, the workload-identity webhook and the
//     Key Vault secrets-provider add-on with rotation, plus a Kubernetes provider
//     built from its kubeconfig; an autoscaled system pool, user pools
//     (AgentPool resources), maintenance windows, AcrPull for its kubelet on a
//     registry, Container Insights, the image cleaner and Defender's sensor.
//   - [Registry]: Azure Container Registry with its admin user off, optionally
//     closed to the public network behind a private endpoint.
//   - [Network]: the VNet, its node and endpoint subnets and the private DNS
//     zones of vault and registry endpoints.
//   - [Vault]: Key Vault with RBAC authorization, purge protection, network rules
//     and secrets.
//   - [WorkloadIdentity]: an Azure identity federated to one Kubernetes service
//     account, granted least-privilege read access to vaults, and the annotated
//     service account.
//   - [SecretMount]: a SecretProviderClass for one vault, with helpers for the
//     pod volume that mounts it.
//
// The Kubernetes children (service account, SecretProviderClass) are created
// through the provider the caller passes with pulumi.Providers, normally
// Cluster.KubernetesProvider. Without it they would go to the ambient
// kubeconfig's cluster. Every child also waits for what the caller made the
// component depend on (pulumi.DependsOn), which the Go SDK does not pass on
// by itself.
//
// Names that Azure holds unique are derived from Azure scope, never from the
// Pulumi organization: a vault's default name from the subscription (asked
// of the component's azure-native provider) and the resource group, a role
// assignment's from its scope, principal and role
// (docs/azure-facts.md#names-azure-holds-unique).
//
// Azure REST API versions are pinned on purpose by importing the API-versioned
// azure-native packages where they compile smaller than the root packages
// (containerservice v20241001, authorization v20220401, resources v20241101,
// managedidentity v20230131, containerregistry v20230701, insights v20230311
// for data collection rules); see BENCHMARKS.md. Key Vault uses the root
// package, API 2023-02-01: only it has the standalone AccessPolicy resource.
//
// The package reads no configuration and has no main. The stacks package turns
// typed configuration into wired components.
package components
