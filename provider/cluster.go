package provider

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// ClusterArgs are components.ClusterArgs as schema properties. Each field's
// meaning, default and rules are the library's; see its docs.
type ClusterArgs struct {
	ResourceGroupName      pulumi.StringInput    `pulumi:"resourceGroupName"`
	Location               pulumi.StringInput    `pulumi:"location,optional"`
	Name                   string                `pulumi:"name,optional"`
	KubernetesVersion      string                `pulumi:"kubernetesVersion,optional"`
	NodeCount              int                   `pulumi:"nodeCount,optional"`
	NodeVMSize             string                `pulumi:"nodeVmSize,optional"`
	AvailabilityZones      []string              `pulumi:"availabilityZones,optional"`
	SecretRotationEnabled  *bool                 `pulumi:"secretRotationEnabled,optional"`
	RotationPollInterval   string                `pulumi:"rotationPollInterval,optional"`
	LocalAccountsDisabled  bool                  `pulumi:"localAccountsDisabled,optional"`
	AdminGroupObjectIDs    []string              `pulumi:"adminGroupObjectIds,optional"`
	AuthorizedIPRanges     []string              `pulumi:"authorizedIpRanges,optional"`
	Tier                   *ClusterTier          `pulumi:"tier,optional"`
	NetworkPolicy          *NetworkPolicy        `pulumi:"networkPolicy,optional"`
	UpgradeChannel         *UpgradeChannel       `pulumi:"upgradeChannel,optional"`
	NodeOSUpgradeChannel   *NodeOSUpgradeChannel `pulumi:"nodeOsUpgradeChannel,optional"`
	NodeSubnetID           pulumi.StringInput    `pulumi:"nodeSubnetId,optional"`
	DiagnosticsWorkspaceID pulumi.StringInput    `pulumi:"diagnosticsWorkspaceId,optional"`
	Protect                bool                  `pulumi:"protect,optional"`
	Tags                   map[string]string     `pulumi:"tags,optional"`

	NodeMinCount              int                     `pulumi:"nodeMinCount,optional"`
	NodeMaxCount              int                     `pulumi:"nodeMaxCount,optional"`
	NodeMaxSurge              string                  `pulumi:"nodeMaxSurge,optional"`
	NodePools                 map[string]NodePoolArgs `pulumi:"nodePools,optional"`
	AutoUpgradeWindow         *MaintenanceWindow      `pulumi:"autoUpgradeWindow,optional"`
	NodeOSUpgradeWindow       *MaintenanceWindow      `pulumi:"nodeOsUpgradeWindow,optional"`
	RegistryID                pulumi.StringInput      `pulumi:"registryId,optional"`
	ContainerInsightsEnabled  bool                    `pulumi:"containerInsightsEnabled,optional"`
	DefenderEnabled           bool                    `pulumi:"defenderEnabled,optional"`
	ImageCleanerEnabled       *bool                   `pulumi:"imageCleanerEnabled,optional"`
	ImageCleanerIntervalHours int                     `pulumi:"imageCleanerIntervalHours,optional"`
}

// NodePoolArgs are components.NodePoolArgs as schema properties.
type NodePoolArgs struct {
	VMSize       string            `pulumi:"vmSize,optional"`
	Count        int               `pulumi:"count,optional"`
	MinCount     int               `pulumi:"minCount,optional"`
	MaxCount     int               `pulumi:"maxCount,optional"`
	Zones        []string          `pulumi:"zones,optional"`
	OSSKU        *NodeOSSKU        `pulumi:"osSku,optional"`
	OSDiskType   *OSDiskType       `pulumi:"osDiskType,optional"`
	OSDiskSizeGB int               `pulumi:"osDiskSizeGb,optional"`
	MaxPods      int               `pulumi:"maxPods,optional"`
	Labels       map[string]string `pulumi:"labels,optional"`
	Taints       []string          `pulumi:"taints,optional"`
	MaxSurge     string            `pulumi:"maxSurge,optional"`
}

// MaintenanceWindow is components.MaintenanceWindow as schema properties.
type MaintenanceWindow struct {
	DayOfWeek     string `pulumi:"dayOfWeek"`
	StartTime     string `pulumi:"startTime"`
	DurationHours int    `pulumi:"durationHours,optional"`
	UTCOffset     string `pulumi:"utcOffset,optional"`
	IntervalWeeks int    `pulumi:"intervalWeeks,optional"`
}

func (w *MaintenanceWindow) library() *components.MaintenanceWindow {
	if w == nil {
		return nil
	}
	return &components.MaintenanceWindow{DayOfWeek: w.DayOfWeek, StartTime: w.StartTime, DurationHours: w.DurationHours, UTCOffset: w.UTCOffset, IntervalWeeks: w.IntervalWeeks}
}

func nodePools(in map[string]NodePoolArgs) map[string]components.NodePoolArgs {
	if in == nil {
		return nil
	}
	out := make(map[string]components.NodePoolArgs, len(in))
	for name, p := range in {
		out[name] = components.NodePoolArgs{
			VMSize: p.VMSize, Count: p.Count, MinCount: p.MinCount, MaxCount: p.MaxCount, Zones: p.Zones,
			OSSKU: components.NodeOSSKU(enum(p.OSSKU)), OSDiskType: components.OSDiskType(enum(p.OSDiskType)), OSDiskSizeGB: p.OSDiskSizeGB,
			MaxPods: p.MaxPods, Labels: p.Labels, Taints: p.Taints, MaxSurge: p.MaxSurge,
		}
	}
	return out
}

// Cluster is components.Cluster with its outputs as schema properties,
// the Kubernetes provider among them: the schema refers to the Kubernetes
// package's provider (kubernetesProviderRef), so every language's SDK types
// it as that package's Provider.
type Cluster struct {
	*components.Cluster
	Name                    pulumi.StringOutput `pulumi:"name"`
	ClusterID               pulumi.StringOutput `pulumi:"clusterId"`
	ClusterUID              pulumi.StringOutput `pulumi:"clusterUid"`
	OIDCIssuerURL           pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	KubeletClientID         pulumi.StringOutput `pulumi:"kubeletClientId"`
	KubeletObjectID         pulumi.StringOutput `pulumi:"kubeletObjectId"`
	SecretsProviderClientID pulumi.StringOutput `pulumi:"secretsProviderClientId"`
	SecretsProviderObjectID pulumi.StringOutput `pulumi:"secretsProviderObjectId"`
	Kubeconfig              pulumi.StringOutput `pulumi:"kubeconfig" provider:"secret"`
	// The version is the Kubernetes SDK's, in go.mod (a test holds them
	// equal); infer writes a resource reference, which New's schema
	// rewrites into the package's provider reference.
	KubernetesProvider *kubernetes.Provider `pulumi:"kubernetesProvider" provider:"type=kubernetes@4.32.0:index:Provider"`
}

// NewCluster wraps components.NewCluster.
func NewCluster(ctx *pulumi.Context, name string, args ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	lib := components.ClusterArgs{
		ResourceGroupName:      args.ResourceGroupName,
		Location:               stringPtr(args.Location),
		Name:                   args.Name,
		KubernetesVersion:      args.KubernetesVersion,
		NodeCount:              args.NodeCount,
		NodeVMSize:             args.NodeVMSize,
		AvailabilityZones:      args.AvailabilityZones,
		SecretRotationEnabled:  args.SecretRotationEnabled,
		RotationPollInterval:   args.RotationPollInterval,
		LocalAccountsDisabled:  args.LocalAccountsDisabled,
		AdminGroupObjectIDs:    args.AdminGroupObjectIDs,
		AuthorizedIPRanges:     args.AuthorizedIPRanges,
		Tier:                   components.ClusterTier(enum(args.Tier)),
		NetworkPolicy:          components.NetworkPolicy(enum(args.NetworkPolicy)),
		UpgradeChannel:         components.UpgradeChannel(enum(args.UpgradeChannel)),
		NodeOSUpgradeChannel:   components.NodeOSUpgradeChannel(enum(args.NodeOSUpgradeChannel)),
		NodeSubnetID:           args.NodeSubnetID,
		DiagnosticsWorkspaceID: args.DiagnosticsWorkspaceID,
		Protect:                args.Protect,
		Tags:                   args.Tags,

		NodeMinCount:              args.NodeMinCount,
		NodeMaxCount:              args.NodeMaxCount,
		NodeMaxSurge:              args.NodeMaxSurge,
		NodePools:                 nodePools(args.NodePools),
		AutoUpgradeWindow:         args.AutoUpgradeWindow.library(),
		NodeOSUpgradeWindow:       args.NodeOSUpgradeWindow.library(),
		RegistryID:                args.RegistryID,
		ContainerInsightsEnabled:  args.ContainerInsightsEnabled,
		DefenderEnabled:           args.DefenderEnabled,
		ImageCleanerEnabled:       args.ImageCleanerEnabled,
		ImageCleanerIntervalHours: args.ImageCleanerIntervalHours,
	}
	if err := validate("cluster", name, lib, args); err != nil {
		return nil, err
	}
	c, err := components.NewCluster(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &Cluster{
		Cluster:                 c,
		Name:                    c.Name,
		ClusterID:               c.ID,
		ClusterUID:              c.UID,
		OIDCIssuerURL:           c.OIDCIssuerURL,
		KubeletClientID:         c.KubeletIdentity.ClientID,
		KubeletObjectID:         c.KubeletIdentity.ObjectID,
		SecretsProviderClientID: c.SecretsProviderIdentity.ClientID,
		SecretsProviderObjectID: c.SecretsProviderIdentity.ObjectID,
		Kubeconfig:              c.Kubeconfig,
		KubernetesProvider:      c.KubernetesProvider,
	}, nil
}

// stringPtr turns an optional string input into the pointer input the
// library takes; nil stays nil (the library's default).
func stringPtr(in pulumi.StringInput) pulumi.StringPtrInput {
	if in == nil {
		return nil
	}
	return in.ToStringOutput().ToStringPtrOutput()
}
