// Package platform is the contract between the secure-aks platform stack and
// the app stacks built on it: the names of the outputs the platform exports
// (stacks.Platform.Outputs exports exactly these), one struct with every
// value an app stack needs, a reader that fills it from a StackReference, and
// the Kubernetes provider for the platform's cluster.
//
// An app stack references the platform, federates its own WorkloadIdentity
// to the platform's OIDC issuer, grants it read access to the platform's
// vault, and mounts the vault with a SecretMount, through the provider
// KubernetesProvider returns. It creates no cluster and no vault.
//
// The package imports the components and the Pulumi and Kubernetes SDKs, and
// nothing of the program that deploys the platform: an app stack compiles no
// plan recorder, guardrail or configuration loader.
package platform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// The names of the platform stack's outputs. The platform exports exactly
// these, plus OutputWorkloads.
const (
	OutputResourceGroupName = "resourceGroupName"
	OutputLocation          = "location"
	OutputTenantID          = "tenantId"
	OutputClusterName       = "clusterName"
	OutputClusterID         = "clusterId"
	// OutputClusterUID is the cluster's resourceUID (components.Cluster.UID),
	// new for each incarnation: app stacks' Kubernetes providers take it as
	// their clusterIdentifier.
	OutputClusterUID         = "clusterUid"
	OutputOIDCIssuerURL      = "oidcIssuerUrl"
	OutputKubeconfig         = "kubeconfig"
	OutputVaultID            = "vaultId"
	OutputVaultName          = "vaultName"
	OutputVaultURI           = "vaultUri"
	OutputVaultAuthorization = "vaultAuthorization"
	// OutputWorkloads maps each of the platform's own workloads to its
	// client ID, namespace, service account and SecretProviderClass.
	OutputWorkloads = "workloads"
)

// OutputNames are the outputs Read needs, in the order it reports them.
var OutputNames = []string{
	OutputResourceGroupName, OutputLocation, OutputTenantID,
	OutputClusterName, OutputClusterID, OutputClusterUID, OutputOIDCIssuerURL, OutputKubeconfig,
	OutputVaultID, OutputVaultName, OutputVaultURI, OutputVaultAuthorization,
}

// Outputs is what an app stack needs of the platform.
type Outputs struct {
	// ResourceGroupName and Location are where the platform lives: an app
	// stack may put its managed identities there.
	ResourceGroupName pulumi.StringOutput
	Location          pulumi.StringOutput
	// TenantID is the Entra tenant the vault trusts (SecretMountArgs.TenantID).
	TenantID pulumi.StringOutput
	// ClusterName and ClusterID name the AKS cluster; ClusterUID is this
	// incarnation of it (components.Cluster.UID).
	ClusterName pulumi.StringOutput
	ClusterID   pulumi.StringOutput
	ClusterUID  pulumi.StringOutput
	// OIDCIssuerURL is the cluster's issuer, for federated credentials
	// (WorkloadIdentityArgs.OIDCIssuerURL).
	OIDCIssuerURL pulumi.StringOutput
	// Kubeconfig reaches the cluster; a secret.
	Kubeconfig pulumi.StringOutput
	// VaultID, VaultName and VaultURI name the Key Vault.
	VaultID   pulumi.StringOutput
	VaultName pulumi.StringOutput
	VaultURI  pulumi.StringOutput
	// VaultAuthorization is the vault's mode, known when Read returns: it
	// decides what a grant is (a role assignment or an access policy).
	VaultAuthorization components.VaultAuthorization
}

// Reference opens a StackReference to the platform stack, such as
// "my-org/secure-aks/dev", and reads it with Read.
func Reference(ctx *pulumi.Context, name, stack string, opts ...pulumi.ResourceOption) (*Outputs, error) {
	ref, err := pulumi.NewStackReference(ctx, name, &pulumi.StackReferenceArgs{Name: pulumi.String(stack)}, opts...)
	if err != nil {
		return nil, fmt.Errorf("referencing platform stack %q: %w", stack, err)
	}
	return Read(ref)
}

// Read reads the platform's outputs from a reference to its stack. A
// platform stack that lacks one (deployed by an older secure-aks) is an
// error naming every missing output.
func Read(ref *pulumi.StackReference) (*Outputs, error) {
	var missing []string
	values := map[string]any{}
	for _, name := range OutputNames {
		d, err := ref.GetOutputDetails(name)
		if err != nil {
			return nil, fmt.Errorf("reading platform output %q: %w", name, err)
		}
		v := d.Value
		if v == nil {
			v = d.SecretValue
		}
		if v == nil {
			missing = append(missing, name)
		}
		values[name] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the platform stack has no output %s: it was deployed by an older secure-aks; run pulumi up on it first", strings.Join(missing, ", "))
	}
	mode := components.VaultAuthorization(fmt.Sprint(values[OutputVaultAuthorization]))
	if mode != components.VaultAuthorizationRBAC && mode != components.VaultAuthorizationAccessPolicy {
		return nil, fmt.Errorf("platform output %s %q: want %q or %q", OutputVaultAuthorization, mode, components.VaultAuthorizationRBAC, components.VaultAuthorizationAccessPolicy)
	}
	out := func(name string) pulumi.StringOutput { return ref.GetStringOutput(pulumi.String(name)) }
	return &Outputs{
		ResourceGroupName:  out(OutputResourceGroupName),
		Location:           out(OutputLocation),
		TenantID:           out(OutputTenantID),
		ClusterName:        out(OutputClusterName),
		ClusterID:          out(OutputClusterID),
		ClusterUID:         out(OutputClusterUID),
		OIDCIssuerURL:      out(OutputOIDCIssuerURL),
		Kubeconfig:         pulumi.ToSecret(out(OutputKubeconfig)).(pulumi.StringOutput),
		VaultID:            out(OutputVaultID),
		VaultName:          out(OutputVaultName),
		VaultURI:           out(OutputVaultURI),
		VaultAuthorization: mode,
	}, nil
}

// VaultAccess grants read access to the platform's vault for the given
// object types (WorkloadIdentityArgs.VaultAccess).
func (o *Outputs) VaultAccess(types ...components.ObjectType) components.VaultAccess {
	return components.VaultAccess{VaultID: o.VaultID, Authorization: o.VaultAuthorization, ObjectTypes: types}
}

// KubernetesProvider returns a Kubernetes provider for the platform's
// cluster. Its clusterIdentifier is the cluster's resourceUID: a rotated
// kubeconfig does not replace it, and a platform cluster replaced under its
// name replaces every object under it.
func (o *Outputs) KubernetesProvider(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*kubernetes.Provider, error) {
	if o == nil {
		return nil, errors.New("platform outputs are nil: call Read first")
	}
	p, err := kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{
		Kubeconfig: o.Kubeconfig,
		// The cluster's incarnation, not its ID: a platform cluster replaced
		// under its name replaces the app stack's objects on it too.
		ClusterIdentifier: o.ClusterUID,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the platform cluster's Kubernetes provider: %w", err)
	}
	return p, nil
}
