package components_test

// The library's examples. Each is a complete program run offline against
// Pulumi's mock engine (pulumi.WithMocks) with the small mock below, which
// you can copy into your own tests: it answers every resource with its
// inputs and records what was registered.

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// mocks answers the engine offline: every resource gets an ID from its name
// and its inputs as outputs; the two functions the components call get
// plausible answers. It records each resource as "TYPE NAME".
type mocks struct {
	mu         sync.Mutex
	registered []string
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.registered = append(m.registered, args.TypeToken+" "+args.Name)
	m.mu.Unlock()
	return "/subscriptions/0000/resourceGroups/rg-example/providers/example/" + args.Name, args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch {
	case strings.HasSuffix(args.Token, ":getClientConfig"):
		return resource.NewPropertyMapFromMap(map[string]any{
			"subscriptionId": "00000000-0000-0000-0000-00000000000a",
			"tenantId":       "00000000-0000-0000-0000-00000000000b",
		}), nil
	case strings.HasSuffix(args.Token, "listManagedClusterAdminCredentials"):
		kubeconfig := "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n"
		return resource.NewPropertyMapFromMap(map[string]any{
			"kubeconfigs": []any{map[string]any{"name": "clusterAdmin", "value": base64.StdEncoding.EncodeToString([]byte(kubeconfig))}},
		}), nil
	}
	return nil, fmt.Errorf("no answer for %s", args.Token)
}

// run runs program offline and prints what it registered, in order.
func run(program pulumi.RunFunc) {
	m := &mocks{}
	if err := pulumi.RunErr(program, pulumi.WithMocks("example", "dev", m)); err != nil {
		fmt.Println("error:", err)
		return
	}
	slices.Sort(m.registered)
	for _, r := range m.registered {
		fmt.Println(r)
	}
}

// A cluster with the OIDC issuer, workload identity and the rotating Key
// Vault secrets provider, all always on, and a Kubernetes provider for it.
func ExampleNewCluster() {
	run(func(ctx *pulumi.Context) error {
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
	})
	// Output:
	// azure-native:containerservice/v20241001:ManagedCluster aks
	// pulumi:providers:kubernetes aks-k8s
	// secure-aks:index:Cluster aks
}

// A production cluster: an autoscaled system pool kept for system pods, a
// user pool over three zones, upgrades only in weekly windows, images from
// a private registry the kubelet alone may pull from, and Container
// Insights and Defender reporting to a Log Analytics workspace.
func ExampleNewCluster_production() {
	run(func(ctx *pulumi.Context) error {
		registry, err := components.NewRegistry(ctx, "registry", &components.RegistryArgs{
			ResourceGroupName: pulumi.String("rg-example"),
			SKU:               components.RegistrySKUPremium,
			PrivateEndpoint: &components.PrivateEndpointArgs{
				SubnetID:  pulumi.String("/subscriptions/0000/resourceGroups/rg-example/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints"),
				DNSZoneID: pulumi.String("/subscriptions/0000/resourceGroups/rg-example/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"),
			},
		})
		if err != nil {
			return err
		}
		window := func(day string) *components.MaintenanceWindow {
			return &components.MaintenanceWindow{DayOfWeek: day, StartTime: "01:00", DurationHours: 4}
		}
		_, err = components.NewCluster(ctx, "aks", &components.ClusterArgs{
			ResourceGroupName: pulumi.String("rg-example"),
			Location:          pulumi.String("eastus"),
			Tier:              components.ClusterTierStandard,
			NodeMinCount:      3,
			NodeMaxCount:      5,
			AvailabilityZones: []string{"1", "2", "3"},
			NodePools: map[string]components.NodePoolArgs{
				"apps": {VMSize: "Standard_D4ds_v5", MinCount: 3, MaxCount: 9, Zones: []string{"1", "2", "3"}, Labels: map[string]string{"workload": "apps"}},
			},
			UpgradeChannel:           components.UpgradeChannelStable,
			AutoUpgradeWindow:        window("Sunday"),
			NodeOSUpgradeWindow:      window("Saturday"),
			RegistryID:               registry.ID,
			DiagnosticsWorkspaceID:   pulumi.String("/subscriptions/0000/resourceGroups/rg-example/providers/Microsoft.OperationalInsights/workspaces/logs"),
			ContainerInsightsEnabled: true,
			DefenderEnabled:          true,
		})
		return err
	})
	// Output:
	// azure-native:authorization/v20220401:RoleAssignment aks-kubelet-acr-pull
	// azure-native:containerregistry/v20230701:Registry registry
	// azure-native:containerservice/v20241001:AgentPool aks-pool-apps
	// azure-native:containerservice/v20241001:MaintenanceConfiguration aks-auto-upgrade-window
	// azure-native:containerservice/v20241001:MaintenanceConfiguration aks-node-os-upgrade-window
	// azure-native:containerservice/v20241001:ManagedCluster aks
	// azure-native:insights/v20210501preview:DiagnosticSetting aks-diagnostics
	// azure-native:insights/v20230311:DataCollectionRule aks-container-insights
	// azure-native:insights/v20230311:DataCollectionRuleAssociation aks-container-insights-link
	// azure-native:network/v20240501:PrivateDnsZoneGroup registry-endpoint-dns
	// azure-native:network/v20240501:PrivateEndpoint registry-endpoint
	// pulumi:providers:kubernetes aks-k8s
	// secure-aks:index:Cluster aks
	// secure-aks:index:Registry registry
}

// A vault with RBAC, purge protection and one secret. The secret is written
// through ARM: nobody gets standing data-plane access to read it.
func ExampleNewVault() {
	run(func(ctx *pulumi.Context) error {
		vault, err := components.NewVault(ctx, "kv", &components.VaultArgs{
			ResourceGroupName:    pulumi.String("rg-example"),
			TenantID:             pulumi.String("00000000-0000-0000-0000-00000000000b"),
			NetworkDefaultAction: components.NetworkActionAllow,
			Secrets: map[string]pulumi.StringInput{
				"MyApplicationSecret": pulumi.ToSecret(pulumi.String("from config")).(pulumi.StringOutput),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("vaultUri", vault.URI)
		return nil
	})
	// Output:
	// azure-native:keyvault:Secret kv-MyApplicationSecret
	// azure-native:keyvault:Vault kv
	// secure-aks:index:Vault kv
}

// An identity for the orders service: a user-assigned managed identity
// federated to the cluster's issuer for the service account orders/orders-api,
// granted Key Vault Secrets User on one vault, and the annotated service
// account, created through the cluster's Kubernetes provider.
func ExampleNewWorkloadIdentity() {
	run(func(ctx *pulumi.Context) error {
		cluster, err := components.NewCluster(ctx, "aks", &components.ClusterArgs{ResourceGroupName: pulumi.String("rg-example")})
		if err != nil {
			return err
		}
		vault, err := components.NewVault(ctx, "kv", &components.VaultArgs{ResourceGroupName: pulumi.String("rg-example"), TenantID: pulumi.String("tenant")})
		if err != nil {
			return err
		}
		id, err := components.NewWorkloadIdentity(ctx, "orders", &components.WorkloadIdentityArgs{
			ResourceGroupName:  pulumi.String("rg-example"),
			OIDCIssuerURL:      cluster.OIDCIssuerURL,
			Namespace:          "orders",
			ServiceAccountName: "orders-api",
			VaultAccess:        map[string]components.VaultAccess{"main": vault.Access(components.ObjectTypeSecret)},
		}, pulumi.Providers(cluster.KubernetesProvider))
		if err != nil {
			return err
		}
		ctx.Export("clientId", id.ClientID)
		return nil
	})
	// Output:
	// azure-native:authorization/v20220401:RoleAssignment orders-main-secrets-user
	// azure-native:containerservice/v20241001:ManagedCluster aks
	// azure-native:keyvault:Vault kv
	// azure-native:managedidentity/v20230131:FederatedIdentityCredential orders-fic
	// azure-native:managedidentity/v20230131:UserAssignedIdentity orders
	// kubernetes:core/v1:ServiceAccount orders-sa
	// pulumi:providers:kubernetes aks-k8s
	// secure-aks:index:Cluster aks
	// secure-aks:index:Vault kv
	// secure-aks:index:WorkloadIdentity orders
}

// A SecretProviderClass for one vault with the identity's client ID, and the
// pod spec parts that mount it: the volume, the read-only mount, and the
// identity's pod label.
func ExampleNewSecretMount() {
	run(func(ctx *pulumi.Context) error {
		mount, err := components.NewSecretMount(ctx, "orders", &components.SecretMountArgs{
			Namespace: "orders",
			VaultName: pulumi.String("kv-example"),
			TenantID:  pulumi.String("00000000-0000-0000-0000-00000000000b"),
			ClientID:  pulumi.String("00000000-0000-0000-0000-00000000000c"),
			Objects:   []components.SecretObject{{Name: "db-password", Alias: "db"}},
		})
		if err != nil {
			return err
		}
		fmt.Println("volume", mount.VolumeName(), "mounted read-only at", components.DefaultMountPath)
		return nil
	})
	// Output:
	// volume secrets-store-orders mounted read-only at /mnt/secrets-store
	// kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass orders
	// secure-aks:index:SecretMount orders
}

// The private path from pod to vault: a VNet whose node subnet holds the
// cluster, and whose endpoint subnet holds the vault's private endpoint,
// resolved through the private DNS zone linked to the VNet.
func ExampleNewNetwork() {
	run(func(ctx *pulumi.Context) error {
		network, err := components.NewNetwork(ctx, "vnet", &components.NetworkArgs{ResourceGroupName: pulumi.String("rg-example")})
		if err != nil {
			return err
		}
		if _, err := components.NewCluster(ctx, "aks", &components.ClusterArgs{
			ResourceGroupName: pulumi.String("rg-example"),
			NodeSubnetID:      network.NodeSubnetID,
		}); err != nil {
			return err
		}
		_, err = components.NewVault(ctx, "kv", &components.VaultArgs{
			ResourceGroupName: pulumi.String("rg-example"),
			TenantID:          pulumi.String("00000000-0000-0000-0000-00000000000b"),
			PrivateEndpoint:   &components.PrivateEndpointArgs{SubnetID: network.EndpointSubnetID, DNSZoneID: network.VaultDNSZoneID},
		})
		return err
	})
	// Output:
	// azure-native:authorization/v20220401:RoleAssignment aks-subnet-network-contributor
	// azure-native:containerservice/v20241001:ManagedCluster aks
	// azure-native:keyvault:Vault kv
	// azure-native:managedidentity/v20230131:UserAssignedIdentity aks-identity
	// azure-native:network/v20240501:PrivateDnsZoneGroup kv-endpoint-dns
	// azure-native:network/v20240501:PrivateEndpoint kv-endpoint
	// azure-native:network/v20240501:VirtualNetwork vnet
	// azure-native:network/v20240601:PrivateZone vnet-vault-dns
	// azure-native:network/v20240601:VirtualNetworkLink vnet-vault-dns-link
	// pulumi:providers:kubernetes aks-k8s
	// secure-aks:index:Cluster aks
	// secure-aks:index:Network vnet
	// secure-aks:index:Vault kv
}
