package platform_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/platform"
)

// platformStack answers, offline, a StackReference to a platform stack with
// its outputs, as the engine would; every other resource gets its inputs.
// Outputs named in without are left out, as an older platform would.
type platformStack struct{ without []string }

func (p platformStack) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken != "pulumi:pulumi:StackReference" {
		return args.Name + "-id", args.Inputs, nil
	}
	outputs := resource.NewPropertyMapFromMap(map[string]any{
		platform.OutputResourceGroupName:  "rg-secure-aks-dev1a2b3c4d",
		platform.OutputLocation:           "eastus",
		platform.OutputTenantID:           "00000000-0000-0000-0000-00000000000b",
		platform.OutputClusterName:        "aks5e6f7a8b",
		platform.OutputClusterID:          "/subscriptions/0000/resourceGroups/rg-secure-aks-dev1a2b3c4d/providers/Microsoft.ContainerService/managedClusters/aks5e6f7a8b",
		platform.OutputClusterUID:         "6650a2b1c3d4e5f6a7b8c9d0",
		platform.OutputOIDCIssuerURL:      "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-00000000000b/11111111-0000-0000-0000-000000000000/",
		platform.OutputVaultID:            "/subscriptions/0000/resourceGroups/rg-secure-aks-dev1a2b3c4d/providers/Microsoft.KeyVault/vaults/kvvault-1234abcd",
		platform.OutputVaultName:          "kvvault-1234abcd",
		platform.OutputVaultURI:           "https://kvvault-1234abcd.vault.azure.net/",
		platform.OutputVaultAuthorization: "RBAC",
	})
	outputs[platform.OutputKubeconfig] = resource.MakeSecret(resource.NewProperty("apiVersion: v1\nkind: Config\n"))
	for _, name := range p.without {
		delete(outputs, resource.PropertyKey(name))
	}
	return args.ID, resource.PropertyMap{
		"name":              resource.NewProperty(string(args.ID)),
		"outputs":           resource.NewProperty(outputs),
		"secretOutputNames": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(platform.OutputKubeconfig)}),
	}, nil
}

func (platformStack) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// An app stack reads the platform, then federates its own identity to the
// platform's cluster and grants it read access to the platform's vault,
// every Kubernetes object through the platform cluster's provider.
func ExampleReference() {
	program := func(ctx *pulumi.Context) error {
		p, err := platform.Reference(ctx, "platform", "my-org/secure-aks/dev")
		if err != nil {
			return err
		}
		fmt.Println("vault authorization:", p.VaultAuthorization)
		k8s, err := p.KubernetesProvider(ctx, "platform-cluster")
		if err != nil {
			return err
		}
		id, err := components.NewWorkloadIdentity(ctx, "orders", &components.WorkloadIdentityArgs{
			ResourceGroupName:  p.ResourceGroupName,
			OIDCIssuerURL:      p.OIDCIssuerURL,
			Namespace:          "orders",
			ServiceAccountName: "orders-api",
			VaultAccess:        map[string]components.VaultAccess{"platform": p.VaultAccess(components.ObjectTypeSecret)},
		}, pulumi.Providers(k8s))
		if err != nil {
			return err
		}
		ctx.Export("clientId", id.ClientID)
		return nil
	}
	if err := pulumi.RunErr(program, pulumi.WithMocks("orders", "dev", platformStack{})); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// vault authorization: RBAC
}

// An app stack that already holds a StackReference reads the contract from
// it. A platform stack deployed before an output existed fails here, naming
// every output it lacks, before anything is registered.
func ExampleRead() {
	program := func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, "platform", &pulumi.StackReferenceArgs{Name: pulumi.String("my-org/secure-aks/dev")})
		if err != nil {
			return err
		}
		p, err := platform.Read(ref)
		if err != nil {
			return err
		}
		ctx.Export("vaultId", p.VaultID)
		return nil
	}
	// pulumi.RunErr gathers the program's errors; pulumi.Run prints the same.
	older := platformStack{without: []string{platform.OutputVaultID, platform.OutputVaultAuthorization}}
	if err := pulumi.RunErr(program, pulumi.WithMocks("orders", "dev", older)); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// error: 1 error occurred:
	//	* the platform stack has no output vaultId, vaultAuthorization: it was deployed by an older secure-aks; run pulumi up on it first
}
