// Forwarding names for the platform contract, which moved to the platform
// package in v0.2.0. They are kept for one minor release: app stacks that
// import stacks for them compile the whole program (the plan recorder, the
// guardrails, the configuration loader); import platform instead.

package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/platform"
)

// The names of the platform stack's outputs.
//
// Deprecated: use platform.OutputResourceGroupName and the other
// platform.Output names.
const (
	OutputResourceGroupName  = platform.OutputResourceGroupName
	OutputLocation           = platform.OutputLocation
	OutputTenantID           = platform.OutputTenantID
	OutputClusterName        = platform.OutputClusterName
	OutputClusterID          = platform.OutputClusterID
	OutputClusterUID         = platform.OutputClusterUID
	OutputOIDCIssuerURL      = platform.OutputOIDCIssuerURL
	OutputKubeconfig         = platform.OutputKubeconfig
	OutputVaultID            = platform.OutputVaultID
	OutputVaultName          = platform.OutputVaultName
	OutputVaultURI           = platform.OutputVaultURI
	OutputVaultAuthorization = platform.OutputVaultAuthorization
	OutputWorkloads          = platform.OutputWorkloads
)

// OutputNames are the outputs ReadPlatform needs.
//
// Deprecated: use platform.OutputNames.
var OutputNames = platform.OutputNames

// PlatformOutputs is what an app stack needs of the platform.
//
// Deprecated: use platform.Outputs.
type PlatformOutputs = platform.Outputs

// ReferencePlatform opens a StackReference to the platform stack and reads it.
//
// Deprecated: use platform.Reference.
func ReferencePlatform(ctx *pulumi.Context, name, stack string, opts ...pulumi.ResourceOption) (*PlatformOutputs, error) {
	return platform.Reference(ctx, name, stack, opts...)
}

// ReadPlatform reads the platform's outputs from a reference to its stack.
//
// Deprecated: use platform.Read.
func ReadPlatform(ref *pulumi.StackReference) (*PlatformOutputs, error) {
	return platform.Read(ref)
}
