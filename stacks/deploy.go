package stacks

import (
	"fmt"

	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2/v20241101"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// ClientConfigToken is the azure-native function that returns the identity
// Pulumi runs as. It is invoked by token, so the (large) root authorization
// package is not compiled in.
const ClientConfigToken = "azure-native:authorization:getClientConfig"

// ClientConfig is the identity Pulumi runs as.
type ClientConfig struct {
	ClientID       string `pulumi:"clientId"`
	ObjectID       string `pulumi:"objectId"`
	SubscriptionID string `pulumi:"subscriptionId"`
	TenantID       string `pulumi:"tenantId"`
}

// AzureCLIClientID is the application ID that getClientConfig reports when
// Pulumi runs on a user's `az login` session.
const AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// PrincipalType guesses the kind of identity Pulumi runs as: "User" on an
// Azure CLI user session, "ServicePrincipal" otherwise (a service principal or
// a managed identity). secure-aks:deployerPrincipalType overrides it.
func (c ClientConfig) PrincipalType() string {
	if c.ClientID == AzureCLIClientID {
		return "User"
	}
	return "ServicePrincipal"
}

// Platform is what Deploy creates for one environment.
type Platform struct {
	// Client is the identity Pulumi ran as.
	Client ClientConfig
	// ResourceGroup holds every Azure resource of the environment.
	ResourceGroup *resources.ResourceGroup
	// Cluster is the AKS cluster.
	Cluster *components.Cluster
	// Vault is the Key Vault.
	Vault *components.Vault
	// Workloads are the identities and mounts of secure-aks:workloads, by name.
	Workloads map[string]*Workload
}

// Deploy creates the environment described by cfg: the resource group, then
// the cluster and the vault side by side (neither waits on the other), then
// for each workload its identity, SecretProviderClass and, if asked, the
// sample reader.
func Deploy(ctx *pulumi.Context, cfg *Config) (*Platform, error) {
	var client ClientConfig
	if err := ctx.Invoke(ClientConfigToken, map[string]any{}, &client); err != nil {
		return nil, fmt.Errorf("reading the Azure client configuration (run az login): %w", err)
	}
	p := &Platform{Client: client}

	rg, err := resources.NewResourceGroup(ctx, "resource-group", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(cfg.ResourceGroup),
		Location:          pulumi.String(cfg.Location),
		Tags:              pulumi.ToStringMap(cfg.Tags),
	})
	if err != nil {
		return nil, fmt.Errorf("creating resource group %q: %w", cfg.ResourceGroup, err)
	}
	p.ResourceGroup = rg

	p.Cluster, err = components.NewCluster(ctx, "aks", cfg.clusterArgs(rg.Name))
	if err != nil {
		return nil, err
	}

	vaultArgs := cfg.vaultArgs(rg.Name, pulumi.String(client.TenantID))
	vaultArgs.DeployerObjectID = pulumi.String(client.ObjectID)
	vaultArgs.DeployerPrincipalType = cfg.DeployerPrincipalType
	if vaultArgs.DeployerPrincipalType == "" {
		vaultArgs.DeployerPrincipalType = client.PrincipalType()
	}
	p.Vault, err = components.NewVault(ctx, "vault", vaultArgs)
	if err != nil {
		return nil, err
	}

	p.Workloads = map[string]*Workload{}
	for _, w := range cfg.Workloads {
		if p.Workloads[w.Name], err = deployWorkload(ctx, cfg, p, w); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Outputs are the stack outputs of a platform, by camelCase name.
func (p *Platform) Outputs() pulumi.Map {
	return pulumi.Map{
		"resourceGroupName": p.ResourceGroup.Name,
		"clusterName":       p.Cluster.Name,
		"oidcIssuerUrl":     p.Cluster.OIDCIssuerURL,
		"kubeconfig":        p.Cluster.Kubeconfig,
		"vaultName":         p.Vault.Name,
		"vaultUri":          p.Vault.URI,
		"workloads":         p.workloadOutputs(),
	}
}

// workloadOutputs are, by workload name, what an app team needs to use it.
func (p *Platform) workloadOutputs() pulumi.Map {
	out := pulumi.Map{}
	for name, w := range p.Workloads {
		out[name] = pulumi.Map{
			"clientId":            w.Identity.ClientID,
			"namespace":           w.Identity.Namespace,
			"serviceAccount":      w.Identity.ServiceAccountName,
			"secretProviderClass": w.Mount.Name,
		}
	}
	return out
}
