// Package tokens holds, once, the names that the program and the checks of
// its plan must agree on: the components' Pulumi type tokens, and the
// suffix of a workload's sample Deployment. It imports nothing, so the
// guardrails read it without linking any SDK; the components export the
// tokens under their own names (components.ClusterType and the rest).
package tokens

// The components' Pulumi type tokens. Never change one without
// pulumi.Aliases: every existing stack would replace the component.
const (
	Cluster          = "secure-aks:index:Cluster"
	Network          = "secure-aks:index:Network"
	Registry         = "secure-aks:index:Registry"
	SecretMount      = "secure-aks:index:SecretMount"
	Vault            = "secure-aks:index:Vault"
	WorkloadIdentity = "secure-aks:index:WorkloadIdentity"
)

// SampleSuffix ends the logical name of a workload's sample Deployment
// (WORKLOAD-sample).
const SampleSuffix = "-sample"

// GetClientConfig is the azure-native function that returns the identity
// and subscription the provider runs as. The components invoke it by token,
// so that the large root authorization package is not compiled in; the
// offline plan's mock answers it.
const GetClientConfig = "azure-native:authorization:getClientConfig"
