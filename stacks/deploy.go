package stacks

import (
	"fmt"
	"path"
	"strings"

	opinsights "github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2/v20221001"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2/v20241101"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/platform"
)

// AzureCLIClientID is the application ID that getClientConfig reports when
// Pulumi runs on a user's `az login` session.
const AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// principalType guesses the kind of identity Pulumi runs as: "User" on an
// Azure CLI user session, "ServicePrincipal" otherwise (a service principal or
// a managed identity). secure-aks:deployerPrincipalType overrides it.
func principalType(c components.ClientConfig) components.PrincipalType {
	if c.ClientID == AzureCLIClientID {
		return components.PrincipalTypeUser
	}
	return components.PrincipalTypeServicePrincipal
}

// resourceGroupPrefix starts the resource group's logical name, and so its
// auto-generated Azure name: rg-secure-aks-STACK plus 8 random hex characters.
const resourceGroupPrefix = "rg-secure-aks-"

// Platform is what Deploy creates for one environment.
type Platform struct {
	// Client is the identity Pulumi ran as.
	Client components.ClientConfig
	// ResourceGroupName is the resource group that holds every Azure
	// resource of the environment.
	ResourceGroupName pulumi.StringOutput
	// Location is the environment's Azure region.
	Location string
	// Network is the stack's VNet, when secure-aks:network is enabled.
	Network *components.Network
	// LogsWorkspaceID is the Log Analytics workspace that receives the audit
	// logs, when secure-aks:logs is enabled.
	LogsWorkspaceID pulumi.StringOutput
	// Registry is the container registry the stack created, when
	// secure-aks:registry.enabled; nil otherwise.
	Registry *components.Registry
	// RegistryLoginServer is the host of the registry the nodes pull from
	// (NAME.azurecr.io), created or named by secure-aks:registry; nil
	// without one.
	RegistryLoginServer pulumi.StringInput
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
	client, err := components.GetClientConfig(ctx)
	if err != nil {
		return nil, err
	}
	p := &Platform{Client: client}

	rgArgs := &resources.ResourceGroupArgs{
		Location: pulumi.String(cfg.Location),
		Tags:     pulumi.ToStringMap(cfg.Tags),
	}
	if cfg.ResourceGroup != "" {
		rgArgs.ResourceGroupName = pulumi.String(cfg.ResourceGroup)
	}
	// Without secure-aks:resourceGroup, azure-native names the group after
	// this logical name plus 8 random hex characters, kept in the state: two
	// people's stacks of one name in one subscription get two groups. The
	// alias keeps the group of a stack made when the logical name was
	// "resource-group".
	rg, err := resources.NewResourceGroup(ctx, resourceGroupPrefix+ctx.Stack(), rgArgs,
		pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("resource-group")}}))
	if err != nil {
		return nil, fmt.Errorf("creating resource group: %w", err)
	}
	p.ResourceGroupName, p.Location = rg.Name, cfg.Location

	clusterArgs := cfg.clusterArgs(rg.Name)
	vaultArgs := cfg.vaultArgs(rg.Name, pulumi.String(client.TenantID))
	if cfg.Network.Enabled {
		// The private path from pod to vault: nodes in the stack's subnet,
		// the vault's private endpoint beside them, resolved through the
		// private DNS zone linked to the VNet. Only the VNet stands in front
		// of the cluster; the endpoint, zone and link are made beside it.
		netArgs := cfg.networkArgs(rg.Name)
		netArgs.RegistryDNSZoneEnabled = cfg.Registry.Enabled && cfg.Registry.Private
		p.Network, err = components.NewNetwork(ctx, "vnet", netArgs)
		if err != nil {
			return nil, err
		}
		clusterArgs.NodeSubnetID = p.Network.NodeSubnetID
		vaultArgs.PrivateEndpoint = &components.PrivateEndpointArgs{SubnetID: p.Network.EndpointSubnetID, DNSZoneID: p.Network.VaultDNSZoneID}
	}
	if cfg.Logs.Enabled {
		ws, err := opinsights.NewWorkspace(ctx, "log-secure-aks", &opinsights.WorkspaceArgs{
			ResourceGroupName: rg.Name,
			Location:          pulumi.String(cfg.Location),
			Sku:               &opinsights.WorkspaceSkuArgs{Name: opinsights.WorkspaceSkuNameEnumPerGB2018},
			RetentionInDays:   pulumi.Int(cfg.logRetentionDays()),
			Tags:              pulumi.ToStringMap(cfg.Tags),
		})
		if err != nil {
			return nil, fmt.Errorf("creating log analytics workspace: %w", err)
		}
		p.LogsWorkspaceID = ws.ID().ToStringOutput()
		clusterArgs.DiagnosticsWorkspaceID = p.LogsWorkspaceID
		vaultArgs.DiagnosticsWorkspaceID = p.LogsWorkspaceID
	}

	switch {
	case cfg.Registry.ID != "":
		clusterArgs.RegistryID = pulumi.String(cfg.Registry.ID)
		// A registry's login server is its name, lowercase, in azurecr.io
		// (docs/azure-facts.md#container-registry).
		p.RegistryLoginServer = pulumi.String(strings.ToLower(path.Base(cfg.Registry.ID)) + ".azurecr.io")
	case cfg.Registry.Enabled:
		// The registry stands beside the cluster: only the kubelet's
		// AcrPull waits for both.
		regArgs := cfg.registryArgs(rg.Name)
		if cfg.Registry.Private {
			regArgs.PrivateEndpoint = &components.PrivateEndpointArgs{SubnetID: p.Network.EndpointSubnetID, DNSZoneID: p.Network.RegistryDNSZoneID}
		}
		if p.Registry, err = components.NewRegistry(ctx, "registry", regArgs); err != nil {
			return nil, err
		}
		clusterArgs.RegistryID = p.Registry.ID
		p.RegistryLoginServer = p.Registry.LoginServer
	}
	p.Cluster, err = components.NewCluster(ctx, "aks", clusterArgs)
	if err != nil {
		return nil, err
	}

	if cfg.Vault.DeployerDataPlaneAccess {
		// Opt-in standing access to every secret value, for data-plane
		// commands such as `az keyvault secret set`. `pulumi up` does not
		// need it: secrets are written through ARM.
		vaultArgs.SecretsOfficerObjectID = pulumi.String(client.ObjectID)
		vaultArgs.SecretsOfficerPrincipalType = cfg.DeployerPrincipalType
		if vaultArgs.SecretsOfficerPrincipalType == "" {
			vaultArgs.SecretsOfficerPrincipalType = principalType(client)
		}
	}
	p.Vault, err = components.NewVault(ctx, "vault", vaultArgs)
	if err != nil {
		return nil, err
	}

	namespaces, err := deployNamespaces(ctx, cfg, p)
	if err != nil {
		return nil, err
	}
	p.Workloads = map[string]*Workload{}
	for _, w := range cfg.Workloads {
		if p.Workloads[w.Name], err = deployWorkload(ctx, cfg, p, w, namespaces[w.Namespace]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Outputs are the stack outputs of a platform: exactly platform.OutputNames,
// the contract app stacks read with ReadPlatform, and
// platform.OutputWorkloads.
func (p *Platform) Outputs() pulumi.Map {
	return pulumi.Map{
		platform.OutputResourceGroupName:  p.ResourceGroupName,
		platform.OutputLocation:           pulumi.String(p.Location),
		platform.OutputTenantID:           p.Vault.TenantID,
		platform.OutputClusterName:        p.Cluster.Name,
		platform.OutputClusterID:          p.Cluster.ID,
		platform.OutputClusterUID:         p.Cluster.UID,
		platform.OutputOIDCIssuerURL:      p.Cluster.OIDCIssuerURL,
		platform.OutputKubeconfig:         p.Cluster.Kubeconfig,
		platform.OutputVaultID:            p.Vault.ID,
		platform.OutputVaultName:          p.Vault.Name,
		platform.OutputVaultURI:           p.Vault.URI,
		platform.OutputVaultAuthorization: pulumi.String(string(p.Vault.Authorization)),
		platform.OutputWorkloads:          p.workloadOutputs(),
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
