// Package components holds the reusable Pulumi ComponentResources of secure-aks.
//
// Each component applies documented, secure defaults to a copy of its Args,
// validates the result before it registers anything, and parents every child
// resource to itself:
//
//   - [Cluster]: AKS with the OIDC issuer, the workload-identity webhook and the
//     Key Vault secrets-provider add-on with rotation, plus a Kubernetes provider
//     built from its kubeconfig.
//   - [Vault]: Key Vault with RBAC authorization, purge protection, network rules
//     and secrets.
//
// Azure REST API versions are pinned on purpose by importing the API-versioned
// azure-native packages (for example containerservice/v2/v20241001). They
// compile smaller than the root packages; see BENCHMARKS.md.
//
// The package reads no configuration and has no main. The stacks package turns
// typed configuration into wired components.
package components
