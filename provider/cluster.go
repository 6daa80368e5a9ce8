package provider

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// ClusterArgs are components.ClusterArgs as schema properties. Each field's
// meaning, default and rules are the library's; see its docs.
type ClusterArgs struct {
	ResourceGroupName      pulumi.StringInput `pulumi:"resourceGroupName"`
	Location               pulumi.StringInput `pulumi:"location,optional"`
	Name                   string             `pulumi:"name,optional"`
	KubernetesVersion      string             `pulumi:"kubernetesVersion,optional"`
	NodeCount              int                `pulumi:"nodeCount,optional"`
	NodeVMSize             string             `pulumi:"nodeVmSize,optional"`
	AvailabilityZones      []string           `pulumi:"availabilityZones,optional"`
	SecretRotationEnabled  *bool              `pulumi:"secretRotationEnabled,optional"`
	RotationPollInterval   string             `pulumi:"rotationPollInterval,optional"`
	LocalAccountsDisabled  bool               `pulumi:"localAccountsDisabled,optional"`
	AdminGroupObjectIDs    []string           `pulumi:"adminGroupObjectIds,optional"`
	AuthorizedIPRanges     []string           `pulumi:"authorizedIpRanges,optional"`
	Tier                   string             `pulumi:"tier,optional"`
	NetworkPolicy          string             `pulumi:"networkPolicy,optional"`
	UpgradeChannel         string             `pulumi:"upgradeChannel,optional"`
	NodeOSUpgradeChannel   string             `pulumi:"nodeOsUpgradeChannel,optional"`
	NodeSubnetID           pulumi.StringInput `pulumi:"nodeSubnetId,optional"`
	DiagnosticsWorkspaceID pulumi.StringInput `pulumi:"diagnosticsWorkspaceId,optional"`
	Protect                bool               `pulumi:"protect,optional"`
	Tags                   map[string]string  `pulumi:"tags,optional"`
}

// Cluster is components.Cluster with its outputs as schema properties. The
// library's Kubernetes provider is not one: a program in another language
// makes its own from kubeconfig, with clusterIdentifier set to clusterUid.
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
		Tier:                   components.ClusterTier(args.Tier),
		NetworkPolicy:          components.NetworkPolicy(args.NetworkPolicy),
		UpgradeChannel:         components.UpgradeChannel(args.UpgradeChannel),
		NodeOSUpgradeChannel:   components.NodeOSUpgradeChannel(args.NodeOSUpgradeChannel),
		NodeSubnetID:           args.NodeSubnetID,
		DiagnosticsWorkspaceID: args.DiagnosticsWorkspaceID,
		Protect:                args.Protect,
		Tags:                   args.Tags,
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
