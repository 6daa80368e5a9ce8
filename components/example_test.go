package components_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// An app team's program: a cluster and a vault with one secret. The last
// lines run it offline against the recording mock, as the tests do, and show
// what the cluster registers.
func ExampleNewCluster() {
	program := func(ctx *pulumi.Context) error {
		cluster, err := components.NewCluster(ctx, "aks", &components.ClusterArgs{
			ResourceGroupName:    pulumi.String("rg-example"),
			NodeCount:            1,
			RotationPollInterval: "1m",
		})
		if err != nil {
			return err
		}
		ctx.Export("oidcIssuerUrl", cluster.OIDCIssuerURL)
		ctx.Export("kubeconfig", cluster.Kubeconfig) // a secret
		return nil
	}

	rec := plan.NewRecorder("example", "dev")
	if err := pulumi.RunErr(program, pulumi.WithMocks("example", "dev", rec)); err != nil {
		fmt.Println(err)
		return
	}
	mc, _ := plan.Find(rec.Resources(), ":ManagedCluster", "aks")
	for _, path := range []string{
		"oidcIssuerProfile.enabled",
		"securityProfile.workloadIdentity.enabled",
		"addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation",
		"addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval",
	} {
		v, _ := mc.Input(path)
		fmt.Println(path, "=", v)
	}
	// Output:
	// oidcIssuerProfile.enabled = true
	// securityProfile.workloadIdentity.enabled = true
	// addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation = true
	// addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval = 1m
}

// A vault with RBAC, purge protection and one secret. The secret is written
// through ARM: nobody gets standing data-plane access to read it.
func ExampleNewVault() {
	program := func(ctx *pulumi.Context) error {
		vault, err := components.NewVault(ctx, "kv", &components.VaultArgs{
			ResourceGroupName:    pulumi.String("rg-example"),
			TenantID:             pulumi.String("00000000-0000-0000-0000-00000000aaaa"),
			NetworkDefaultAction: "Allow",
			Secrets: map[string]pulumi.StringInput{
				"MyApplicationSecret": pulumi.ToSecret(pulumi.String("from config")).(pulumi.StringOutput),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("vaultUri", vault.URI)
		return nil
	}

	rec := plan.NewRecorder("example", "dev")
	if err := pulumi.RunErr(program, pulumi.WithMocks("example", "dev", rec)); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rec.Resources() {
		fmt.Println(plan.ShortURN(r.URN))
	}
	kv, _ := plan.Find(rec.Resources(), "keyvault:Vault", "kv")
	rbac, _ := kv.Input("properties.enableRbacAuthorization")
	purge, _ := kv.Input("properties.enablePurgeProtection")
	secret, _ := plan.Find(rec.Resources(), ":Secret", "kv-MyApplicationSecret")
	fmt.Println("rbac:", rbac, "purge protection:", purge, "value secret:", secret.IsSecretInput("properties.value"))
	// Output:
	// azure-native:keyvault:Secret::kv-MyApplicationSecret
	// azure-native:keyvault:Vault::kv
	// secure-aks:index:Vault::kv
	// rbac: true purge protection: true value secret: true
}
