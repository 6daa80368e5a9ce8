package components

import (
	"encoding/base64"
	"fmt"
	"slices"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	managedidentity "github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2/v20230131"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// ClusterType is the Pulumi type token of [Cluster]. Never change it without
// pulumi.Aliases: every existing stack would replace its cluster.
const ClusterType = tokens.Cluster

// Cluster defaults. Each says where its value comes from.
const (
	// DefaultNodeCount is the system pool size when ClusterArgs.NodeCount is 0.
	// It is `az aks create`'s own default.
	DefaultNodeCount = 3
	// DefaultNodeVMSize is the system pool VM size: 2 vCPU and 8 GiB, the
	// smallest general-purpose v5 size that AKS accepts for a system pool.
	DefaultNodeVMSize = "Standard_D2s_v5"
	// DefaultRotationPollInterval is the secrets-provider add-on's own default
	// rotation poll interval (docs/azure-facts.md#cluster: "The default rotation poll interval is two minutes").
	DefaultRotationPollInterval = "2m"
	// systemPoolName is the name of the system agent pool.
	systemPoolName = "system"
	// DefaultTier is the control plane's tier: Free, with no uptime SLA
	// (docs/azure-facts.md#cluster-hardening). Production uses Standard.
	DefaultTier = ClusterTierFree
	// DefaultNetworkPolicy is Cilium, AKS's network policy engine on Azure CNI
	// overlay (with the Cilium dataplane): pods are reachable only as policies
	// allow, once policies exist.
	DefaultNetworkPolicy = NetworkPolicyCilium
	// DefaultUpgradeChannel keeps the cluster on the latest patch of its minor
	// version.
	DefaultUpgradeChannel = UpgradeChannelPatch
	// DefaultNodeOSUpgradeChannel keeps node images current: AKS's own
	// default for new clusters.
	DefaultNodeOSUpgradeChannel = NodeOSUpgradeChannelNodeImage
	// DefaultImageCleanerIntervalHours is the image cleaner's interval:
	// AKS's own default, a week (docs/azure-facts.md#image-cleaner).
	DefaultImageCleanerIntervalHours = 168
)

// ClusterTier is the AKS control plane's pricing tier.
type ClusterTier string

const (
	// ClusterTierFree has no uptime SLA.
	ClusterTierFree ClusterTier = "Free"
	// ClusterTierStandard has the uptime SLA.
	ClusterTierStandard ClusterTier = "Standard"
	// ClusterTierPremium adds long-term support.
	ClusterTierPremium ClusterTier = "Premium"
)

// NetworkPolicy is the cluster's network policy engine.
type NetworkPolicy string

const (
	// NetworkPolicyCilium is Cilium, with the Cilium dataplane.
	NetworkPolicyCilium NetworkPolicy = "cilium"
	// NetworkPolicyAzure is Azure Network Policy Manager.
	NetworkPolicyAzure NetworkPolicy = "azure"
	// NetworkPolicyCalico is Calico.
	NetworkPolicyCalico NetworkPolicy = "calico"
	// NetworkPolicyNone enforces no network policy.
	NetworkPolicyNone NetworkPolicy = "none"
)

// UpgradeChannel is how AKS upgrades the cluster's Kubernetes version.
type UpgradeChannel string

const (
	// UpgradeChannelPatch follows the latest patch of the minor version.
	UpgradeChannelPatch UpgradeChannel = "patch"
	// UpgradeChannelStable follows the latest supported minor version, one
	// behind the newest.
	UpgradeChannelStable UpgradeChannel = "stable"
	// UpgradeChannelRapid follows the newest minor version.
	UpgradeChannelRapid UpgradeChannel = "rapid"
	// UpgradeChannelNodeImage only updates node images (legacy).
	UpgradeChannelNodeImage UpgradeChannel = "node-image"
	// UpgradeChannelNone never upgrades on its own.
	UpgradeChannelNone UpgradeChannel = "none"
)

// NodeOSUpgradeChannel is how AKS updates the nodes' operating system.
type NodeOSUpgradeChannel string

const (
	// NodeOSUpgradeChannelNodeImage rolls new node images.
	NodeOSUpgradeChannelNodeImage NodeOSUpgradeChannel = "NodeImage"
	// NodeOSUpgradeChannelSecurityPatch applies security patches only.
	NodeOSUpgradeChannelSecurityPatch NodeOSUpgradeChannel = "SecurityPatch"
	// NodeOSUpgradeChannelUnmanaged leaves it to the OS's own updates.
	NodeOSUpgradeChannelUnmanaged NodeOSUpgradeChannel = "Unmanaged"
	// NodeOSUpgradeChannelNone updates nothing.
	NodeOSUpgradeChannelNone NodeOSUpgradeChannel = "None"
)

// ClusterArgs configures a [Cluster]. The zero value of every optional field
// selects the documented default; defaults never modify the caller's struct.
//
// Always on, not switchable: the OIDC issuer, the workload-identity webhook and
// the Key Vault secrets-provider add-on.
//
// Anything not exposed here can be set with a pulumi.Transforms resource
// option on the component, which applies to its children.
type ClusterArgs struct {
	// ResourceGroupName is the resource group of the cluster. Required.
	// Changing it replaces the cluster.
	ResourceGroupName pulumi.StringInput
	// Location is the Azure region. Optional: by default the provider's
	// azure-native:location. Changing it replaces the cluster.
	Location pulumi.StringPtrInput
	// Name is the cluster's Azure name. Optional: if empty the provider names it
	// from the component name with a random suffix. If given: 1-63 letters,
	// digits, underscores and hyphens, starting and ending with a letter or
	// digit. The DNS prefix, which allows no underscore and 54 characters, is
	// derived from it: underscores become hyphens and it is cut to 54
	// characters (docs/azure-facts.md#cluster-names-and-dns-prefix). Changing
	// it replaces the cluster.
	Name string
	// KubernetesVersion is MAJOR.MINOR or MAJOR.MINOR.PATCH. Optional: by
	// default AKS's default version at creation. Raising it upgrades in place.
	KubernetesVersion string
	// NodeCount is the system pool's fixed size, 1-100, when its autoscaler
	// is off (NodeMaxCount 0). Default DefaultNodeCount (3). Changed in place
	// (the pool scales).
	NodeCount int
	// NodeMinCount is the system pool's autoscaler floor, 1 <= NodeMinCount
	// <= NodeMaxCount. Required with NodeMaxCount. Changed in place.
	NodeMinCount int
	// NodeMaxCount turns on the cluster autoscaler for the system pool, up
	// to this many nodes (at most 100), with NodeCount unset. Optional: by
	// default the system pool has the fixed NodeCount. Changed in place.
	NodeMaxCount int
	// NodeMaxSurge is the system pool's upgrade surge: a node count ("1") or
	// a share of the pool ("33%"). Default DefaultMaxSurge. Changed in place.
	NodeMaxSurge string
	// NodeVMSize is the system pool VM size, such as Standard_D4s_v5. Default
	// DefaultNodeVMSize. AKS cannot resize an existing pool: a change is
	// refused by Azure; it needs a new cluster.
	NodeVMSize string
	// AvailabilityZones spreads the system pool over these zones ("1", "2",
	// "3"), each at most once. Optional: by default no zones. AKS cannot
	// change the zones of an existing pool: a change is refused by Azure.
	AvailabilityZones []string
	// NodePools are the user node pools, by name: each an AgentPool of the
	// cluster, in NodeSubnetID when it is set, for application pods. Names
	// are 1-12 lowercase letters and digits, starting with a letter, and not
	// "system". Optional: by default none, and application pods share the
	// system pool. With any, the system pool is tainted
	// CriticalAddonsOnly=true:NoSchedule, so that only system pods run on it
	// (the taint is added in place). Adding or removing a pool creates or
	// deletes that AgentPool and changes no other pool.
	NodePools map[string]NodePoolArgs
	// AutoUpgradeWindow is when the UpgradeChannel may upgrade the cluster
	// (the aksManagedAutoUpgradeSchedule maintenance configuration).
	// Optional: by default any time. Changed in place.
	AutoUpgradeWindow *MaintenanceWindow
	// NodeOSUpgradeWindow is when the NodeOSUpgradeChannel may update node
	// images (aksManagedNodeOSUpgradeSchedule). Optional: by default any
	// time. Changed in place.
	NodeOSUpgradeWindow *MaintenanceWindow
	// RegistryID is a container registry the nodes pull images from: the
	// kubelet identity gets AcrPull on it, and on nothing else. Optional.
	// Changed in place.
	RegistryID pulumi.StringInput
	// ContainerInsightsEnabled turns on Container Insights: the Azure
	// Monitor agent add-on, authenticating with its managed identity, and a
	// data collection rule that sends the cluster's logs and inventory to
	// DiagnosticsWorkspaceID, which it requires. Default false. Changed in
	// place.
	ContainerInsightsEnabled bool
	// DefenderEnabled turns on Microsoft Defender for Containers' sensor,
	// reporting to DiagnosticsWorkspaceID, which it requires. Billing is the
	// subscription's Defender for Containers plan. Default false. Changed in
	// place.
	DefenderEnabled bool
	// ImageCleanerEnabled turns on the image cleaner, which removes unused
	// images with known vulnerabilities from the nodes every
	// ImageCleanerIntervalHours. Optional: nil means true. Changed in place.
	ImageCleanerEnabled *bool
	// ImageCleanerIntervalHours is the image cleaner's interval, 24-2160.
	// Default DefaultImageCleanerIntervalHours. Changed in place.
	ImageCleanerIntervalHours int
	// SecretRotationEnabled turns on rotation in the secrets-provider add-on:
	// mounted files are refreshed in place every RotationPollInterval. Optional:
	// nil means true. Rotation is off in AKS unless set (docs/azure-facts.md#cluster).
	SecretRotationEnabled *bool
	// RotationPollInterval is how often the add-on polls Key Vault when rotation
	// is on: a Go duration of at least 1s, such as "2m". Default
	// DefaultRotationPollInterval. It is a cluster-wide setting, updated in place.
	RotationPollInterval string
	// LocalAccountsDisabled turns off the cluster's local admin account and
	// makes the cluster AAD-managed with Azure RBAC. AdminGroupObjectIDs is then
	// required, and the Kubernetes provider uses the user kubeconfig through
	// kubelogin (azurecli login). Default false: local accounts on. Changed in
	// place.
	LocalAccountsDisabled bool
	// AdminGroupObjectIDs are Entra group object IDs (GUIDs) made cluster
	// admins. Given any, the cluster is AAD-managed (which AKS cannot turn off
	// again) with Azure RBAC for Kubernetes. Required, at least one, when
	// LocalAccountsDisabled. Changed in place.
	AdminGroupObjectIDs []string
	// AuthorizedIPRanges limits the API server to these IPv4 addresses or CIDR
	// ranges. Optional: by default the API server is open to all addresses.
	// Changed in place.
	AuthorizedIPRanges []string
	// Tier is the control plane's pricing tier (ClusterTierFree,
	// ClusterTierStandard with the uptime SLA, ClusterTierPremium). Optional:
	// default DefaultTier. Changed in place.
	Tier ClusterTier
	// NetworkPolicy is the network policy engine (NetworkPolicyCilium, with
	// the Cilium dataplane; NetworkPolicyAzure; NetworkPolicyCalico;
	// NetworkPolicyNone). Optional: default DefaultNetworkPolicy. Changing
	// it replaces the cluster, and with it every Kubernetes object on it:
	// azure-native v2.90 treats the whole networkProfile as force-new, even
	// where AKS could migrate in place (docs/azure-facts.md#what-replaces-a-resource).
	NetworkPolicy NetworkPolicy
	// UpgradeChannel is the Kubernetes auto-upgrade channel. Optional:
	// default DefaultUpgradeChannel. Changed in place.
	UpgradeChannel UpgradeChannel
	// NodeOSUpgradeChannel is how node OS images are updated. Optional:
	// default DefaultNodeOSUpgradeChannel. Changed in place.
	NodeOSUpgradeChannel NodeOSUpgradeChannel
	// NodeSubnetID puts the system pool in this subnet of the caller's VNet
	// (Network.NodeSubnetID), with Azure CNI overlay. The cluster then runs
	// as a user-assigned identity, created here, granted Network Contributor
	// on that subnet before the cluster is created: AKS needs it there, and
	// only the Azure CLI grants it to a system-assigned identity
	// (docs/azure-facts.md#cluster-hardening). Optional: by default AKS
	// creates the network. A change is refused by Azure: a node pool cannot
	// move to another subnet.
	NodeSubnetID pulumi.StringInput
	// DiagnosticsWorkspaceID sends the API server's kube-audit-admin and
	// guard logs to this Log Analytics workspace; Container Insights and
	// Defender report to it too. Optional. Changed in place.
	DiagnosticsWorkspaceID pulumi.StringInput
	// Protect marks the managed cluster protected in Pulumi: `pulumi destroy`
	// and any replacement of it are refused until it is turned off. Default
	// false. Changed in place.
	Protect bool
	// Tags are set on the cluster. Optional. At most 50; Azure's tag-name
	// rules. Changed in place.
	Tags map[string]string
}

// IdentityRef names an Entra identity by client (application) ID and object
// (principal) ID.
type IdentityRef struct {
	ClientID pulumi.StringOutput
	ObjectID pulumi.StringOutput
}

// Cluster is an AKS cluster with workload identity and the Key Vault secrets
// provider, and a Kubernetes provider for deploying into it.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster's Azure name.
	Name pulumi.StringOutput
	// ID is the cluster's Azure resource ID.
	ID pulumi.StringOutput
	// UID is the cluster's resourceUID: new for each incarnation of the
	// cluster, where ID stays the same when it is replaced under its name.
	// It is the Kubernetes provider's clusterIdentifier: a provider made
	// with it replaces its objects with the cluster.
	UID pulumi.StringOutput
	// OIDCIssuerURL is the cluster's OIDC issuer URL, ending in "/". Federated
	// credentials must use it verbatim.
	OIDCIssuerURL pulumi.StringOutput
	// KubeletIdentity is the nodes' managed identity.
	KubeletIdentity IdentityRef
	// SecretsProviderIdentity is the managed identity of the secrets-provider
	// add-on. Workload identity does not use it.
	SecretsProviderIdentity IdentityRef
	// Kubeconfig is the kubeconfig the Kubernetes provider uses, as a secret:
	// the admin kubeconfig when local accounts are on; otherwise the user
	// kubeconfig converted to run `kubelogin get-token --login azurecli`.
	Kubeconfig pulumi.StringOutput
	// KubernetesProvider deploys into the cluster. Its clusterIdentifier is
	// this incarnation of the cluster (UID), so a rotated kubeconfig does
	// not replace it, and a cluster replaced under the same name does.
	KubernetesProvider *kubernetes.Provider

	// ready are the resources beside the cluster that pods need (Ready).
	ready []pulumi.Resource
}

// Ready returns the resources beside the cluster that a pod needs before it
// can start: the user pools, where pods run once the system pool is
// tainted, and the kubelet's AcrPull grant, with which the nodes pull from
// the registry. Give them to a workload with pulumi.DependsOn; depending on
// the component itself does not reliably wait for its children.
func (c *Cluster) Ready() []pulumi.Resource {
	return slices.Clone(c.ready)
}

// withDefaults returns a copy of a with every zero-valued default filled in.
func (a ClusterArgs) withDefaults() ClusterArgs {
	if a.NodeCount == 0 && a.NodeMaxCount == 0 && a.NodeMinCount == 0 {
		a.NodeCount = DefaultNodeCount
	}
	if a.NodeMaxSurge == "" {
		a.NodeMaxSurge = DefaultMaxSurge
	}
	if len(a.NodePools) > 0 {
		pools := make(map[string]NodePoolArgs, len(a.NodePools))
		for n, p := range a.NodePools {
			pools[n] = p.withDefaults()
		}
		a.NodePools = pools
	}
	if a.AutoUpgradeWindow != nil {
		w := a.AutoUpgradeWindow.withDefaults()
		a.AutoUpgradeWindow = &w
	}
	if a.NodeOSUpgradeWindow != nil {
		w := a.NodeOSUpgradeWindow.withDefaults()
		a.NodeOSUpgradeWindow = &w
	}
	if a.ImageCleanerEnabled == nil {
		a.ImageCleanerEnabled = pulumi.BoolRef(true)
	}
	if a.ImageCleanerIntervalHours == 0 {
		a.ImageCleanerIntervalHours = DefaultImageCleanerIntervalHours
	}
	if a.NodeVMSize == "" {
		a.NodeVMSize = DefaultNodeVMSize
	}
	if a.SecretRotationEnabled == nil {
		a.SecretRotationEnabled = pulumi.BoolRef(true)
	}
	if a.RotationPollInterval == "" {
		a.RotationPollInterval = DefaultRotationPollInterval
	}
	if a.Tier == "" {
		a.Tier = DefaultTier
	}
	if a.NetworkPolicy == "" {
		a.NetworkPolicy = DefaultNetworkPolicy
	}
	if a.UpgradeChannel == "" {
		a.UpgradeChannel = DefaultUpgradeChannel
	}
	if a.NodeOSUpgradeChannel == "" {
		a.NodeOSUpgradeChannel = DefaultNodeOSUpgradeChannel
	}
	return a
}

// The values ClusterArgs' enumerations accept, as ARM spells them.
var (
	clusterTiers          = []ClusterTier{ClusterTierFree, ClusterTierStandard, ClusterTierPremium}
	networkPolicies       = []NetworkPolicy{NetworkPolicyCilium, NetworkPolicyAzure, NetworkPolicyCalico, NetworkPolicyNone}
	upgradeChannels       = []UpgradeChannel{UpgradeChannelPatch, UpgradeChannelStable, UpgradeChannelRapid, UpgradeChannelNodeImage, UpgradeChannelNone}
	nodeOSUpgradeChannels = []NodeOSUpgradeChannel{NodeOSUpgradeChannelNodeImage, NodeOSUpgradeChannelSecurityPatch, NodeOSUpgradeChannelUnmanaged, NodeOSUpgradeChannelNone}
)

// Validate applies the defaults to a copy of a and checks every rule. It
// returns all broken rules joined, each a *[FieldError], or nil.
func (a ClusterArgs) Validate() error {
	a = a.withDefaults()
	var fe fieldErrors
	if a.ResourceGroupName == nil {
		fe.add("ResourceGroupName", nil, "is required")
	}
	if a.Name != "" && !clusterNamePattern.MatchString(a.Name) {
		fe.add("Name", a.Name, "must be 1-63 letters, digits, underscores or hyphens, starting and ending with a letter or digit")
	}
	if a.KubernetesVersion != "" {
		if r := checkKubernetesVersion(a.KubernetesVersion); r != "" {
			fe.add("KubernetesVersion", a.KubernetesVersion, r)
		}
	}
	a.checkSystemPoolScale(&fe)
	if !vmSizePattern.MatchString(a.NodeVMSize) {
		fe.add("NodeVMSize", a.NodeVMSize, "must be an Azure VM size such as Standard_D2s_v5")
	}
	checkZones(&fe, "AvailabilityZones", a.AvailabilityZones)
	if !maxSurgePattern.MatchString(a.NodeMaxSurge) {
		fe.add("NodeMaxSurge", a.NodeMaxSurge, `must be a node count such as "1" or a percentage such as "33%"`)
	}
	for _, n := range sortedKeys(a.NodePools) {
		field := fmt.Sprintf("NodePools[%s]", n)
		for _, r := range CheckNodePoolName(n) {
			fe.add(field, n, r)
		}
		a.NodePools[n].validate(&fe, field)
	}
	if w := a.AutoUpgradeWindow; w != nil {
		w.validate(&fe, "AutoUpgradeWindow")
	}
	if w := a.NodeOSUpgradeWindow; w != nil {
		w.validate(&fe, "NodeOSUpgradeWindow")
	}
	if a.ContainerInsightsEnabled && a.DiagnosticsWorkspaceID == nil {
		fe.add("ContainerInsightsEnabled", true, "needs DiagnosticsWorkspaceID: Container Insights sends to a Log Analytics workspace")
	}
	if a.DefenderEnabled && a.DiagnosticsWorkspaceID == nil {
		fe.add("DefenderEnabled", true, "needs DiagnosticsWorkspaceID: Defender's sensor reports to a Log Analytics workspace")
	}
	if a.ImageCleanerIntervalHours < azure.MinImageCleanerIntervalHours || a.ImageCleanerIntervalHours > azure.MaxImageCleanerIntervalHours {
		fe.addf("ImageCleanerIntervalHours", a.ImageCleanerIntervalHours, "must be between %d and %d", azure.MinImageCleanerIntervalHours, azure.MaxImageCleanerIntervalHours)
	}
	if r := checkPollInterval(a.RotationPollInterval); r != "" {
		fe.add("RotationPollInterval", a.RotationPollInterval, r)
	}
	if a.LocalAccountsDisabled && len(a.AdminGroupObjectIDs) == 0 {
		fe.add("AdminGroupObjectIDs", "", "must name at least one admin group when local accounts are disabled, or nobody can administer the cluster")
	}
	for i, id := range a.AdminGroupObjectIDs {
		if r := checkGUID(id); r != "" {
			fe.add(fmt.Sprintf("AdminGroupObjectIDs[%d]", i), id, r)
		}
	}
	checkUnique(&fe, "AdminGroupObjectIDs", a.AdminGroupObjectIDs)
	for i, r := range a.AuthorizedIPRanges {
		if msg := checkIPv4Range(r); msg != "" {
			fe.add(fmt.Sprintf("AuthorizedIPRanges[%d]", i), r, msg)
		}
	}
	checkUnique(&fe, "AuthorizedIPRanges", a.AuthorizedIPRanges)
	checkOneOf(&fe, "Tier", a.Tier, clusterTiers)
	checkOneOf(&fe, "NetworkPolicy", a.NetworkPolicy, networkPolicies)
	checkOneOf(&fe, "UpgradeChannel", a.UpgradeChannel, upgradeChannels)
	checkOneOf(&fe, "NodeOSUpgradeChannel", a.NodeOSUpgradeChannel, nodeOSUpgradeChannels)
	checkTags(&fe, "Tags", a.Tags)
	return fe.err()
}

// checkSystemPoolScale checks the system pool's fixed count, or its
// autoscaler bounds: a system pool never scales below one node.
func (a ClusterArgs) checkSystemPoolScale(fe *fieldErrors) {
	if a.NodeMaxCount == 0 && a.NodeMinCount == 0 {
		if a.NodeCount < azure.MinNodeCount || a.NodeCount > azure.MaxNodeCount {
			fe.addf("NodeCount", a.NodeCount, "must be between %d and %d", azure.MinNodeCount, azure.MaxNodeCount)
		}
		return
	}
	var sub fieldErrors
	checkScale(&sub, "", a.NodeCount, a.NodeMinCount, a.NodeMaxCount, azure.MinNodeCount, azure.MaxNodeCount)
	// The system pool's fields carry a "Node" prefix.
	for _, e := range sub {
		f := e.(*FieldError)
		f.Field = map[string]string{"Count": "NodeCount", "MinCount": "NodeMinCount", "MaxCount": "NodeMaxCount"}[f.Field]
		*fe = append(*fe, f)
	}
}

// NewCluster creates an AKS cluster with the OIDC issuer, workload identity and
// the Key Vault secrets-provider add-on, plus a Kubernetes provider for it.
// Invalid args register nothing.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		args = &ClusterArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}

	c := &Cluster{}
	if err := ctx.RegisterComponentResource(ClusterType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	child := childOptions(c, opts)

	mc := a.managedClusterArgs(name)
	clusterOpts := protectIf(child, a.Protect)
	if a.NodeSubnetID != nil {
		identityID, grant, err := a.subnetIdentity(ctx, name, child)
		if err != nil {
			return nil, fmt.Errorf("creating cluster %q: %w", name, err)
		}
		mc.Identity = &containerservice.ManagedClusterIdentityArgs{
			Type:                   containerservice.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{identityID},
		}
		clusterOpts = append(clusterOpts, pulumi.DependsOn([]pulumi.Resource{grant}))
	}
	if ignore := a.ignoredClusterChanges(); len(ignore) > 0 {
		clusterOpts = append(clusterOpts, pulumi.IgnoreChanges(ignore))
	}
	aks, err := containerservice.NewManagedCluster(ctx, name, mc, clusterOpts...)
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	if c.ready, err = a.beside(ctx, name, aks, child); err != nil {
		return nil, fmt.Errorf("creating cluster %q: %w", name, err)
	}
	if a.DiagnosticsWorkspaceID != nil {
		// The API server's audit of admin actions and the Entra ID
		// authentication log (docs/azure-facts.md#audit-logs).
		if err := newDiagnostics(ctx, name+"-diagnostics", aks.ID().ToStringOutput(), a.DiagnosticsWorkspaceID, []string{"kube-audit-admin", "guard"}, nil, child); err != nil {
			return nil, fmt.Errorf("creating cluster %q: %w", name, err)
		}
	}

	kubeconfig := a.kubeconfig(ctx, c, aks)
	provider, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig: kubeconfig,
		// Only a new clusterIdentifier replaces the provider, and with it
		// every object under it; a rotated kubeconfig must not
		// (docs/azure-facts.md#pulumi-specifics). The identifier is this
		// incarnation of the cluster, its resourceUID, not its resource ID:
		// a cluster replaced under the same name keeps its ID, and Pulumi
		// would go on believing that the objects on the old one exist.
		ClusterIdentifier: aks.ResourceUID,
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("creating cluster %q: kubernetes provider: %w", name, err)
	}

	c.Name = aks.Name
	c.ID = aks.ID().ToStringOutput()
	c.UID = aks.ResourceUID
	c.OIDCIssuerURL = aks.OidcIssuerProfile.IssuerURL().Elem()
	kubelet := aks.IdentityProfile.MapIndex(pulumi.String("kubeletidentity"))
	c.KubeletIdentity = IdentityRef{ClientID: kubelet.ClientId().Elem(), ObjectID: kubelet.ObjectId().Elem()}
	addon := aks.AddonProfiles.MapIndex(pulumi.String(azure.SecretsProviderAddon)).Identity()
	c.SecretsProviderIdentity = IdentityRef{ClientID: addon.ClientId().Elem(), ObjectID: addon.ObjectId().Elem()}
	c.Kubeconfig = kubeconfig
	c.KubernetesProvider = provider

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name":                            c.Name,
		"id":                              c.ID,
		"uid":                             c.UID,
		"oidcIssuerUrl":                   c.OIDCIssuerURL,
		"kubeletIdentityClientId":         c.KubeletIdentity.ClientID,
		"kubeletIdentityObjectId":         c.KubeletIdentity.ObjectID,
		"secretsProviderIdentityClientId": c.SecretsProviderIdentity.ClientID,
		"secretsProviderIdentityObjectId": c.SecretsProviderIdentity.ObjectID,
		"kubeconfig":                      c.Kubeconfig,
	}); err != nil {
		return nil, fmt.Errorf("creating cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// ignoredClusterChanges are the cluster's inputs that Pulumi must not send
// again once the cluster exists: the system pool's count while its
// autoscaler owns it.
func (a ClusterArgs) ignoredClusterChanges() []string {
	if a.NodeMaxCount > 0 {
		return []string{"agentPoolProfiles[0].count"}
	}
	return nil
}

// beside creates what hangs off the cluster: the user pools, the
// maintenance windows, the registry grant and Container Insights. Each waits
// for the cluster only, and nothing in the component waits for them. It
// returns the pools and the grant: what pods need (Cluster.Ready).
func (a ClusterArgs) beside(ctx *pulumi.Context, name string, aks *containerservice.ManagedCluster, child []pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var ready []pulumi.Resource
	// One pool after another: pools share the node subnet, and azurerm
	// locks that subnet around each node pool's create "to avoid race
	// condition with AKS" (docs/azure-facts.md#node-pools).
	for _, pool := range sortedKeys(a.NodePools) {
		opts := child
		if len(ready) > 0 {
			opts = append(slices.Clone(child), pulumi.DependsOn(ready[len(ready)-1:]))
		}
		p, err := a.newNodePool(ctx, name, pool, a.NodePools[pool], aks.Name, opts)
		if err != nil {
			return nil, err
		}
		ready = append(ready, p)
	}
	for _, w := range []struct {
		suffix, config string
		window         *MaintenanceWindow
	}{
		{"-auto-upgrade-window", azure.AutoUpgradeScheduleName, a.AutoUpgradeWindow},
		{"-node-os-upgrade-window", azure.NodeOSUpgradeScheduleName, a.NodeOSUpgradeWindow},
	} {
		if w.window == nil {
			continue
		}
		if err := a.newMaintenanceWindow(ctx, name+w.suffix, w.config, *w.window, aks.Name, child); err != nil {
			return nil, err
		}
	}
	if a.RegistryID != nil {
		// AcrPull to the kubelet, the identity the nodes pull images with,
		// at the registry and nowhere else (docs/azure-facts.md#container-registry).
		kubelet := aks.IdentityProfile.MapIndex(pulumi.String("kubeletidentity")).ObjectId().Elem()
		grant, err := newRoleAssignment(ctx, name+"-kubelet-acr-pull", a.RegistryID.ToStringOutput(), kubelet, PrincipalTypeServicePrincipal, azure.RoleAcrPull, child...)
		if err != nil {
			return nil, err
		}
		ready = append(ready, grant)
	}
	if a.ContainerInsightsEnabled {
		// The cluster's region: the one asked for, else the one Azure
		// reports (the provider's default location).
		var location pulumi.StringInput = aks.Location
		if a.Location != nil {
			location = a.Location.ToStringPtrOutput().Elem()
		}
		if err := a.newContainerInsights(ctx, name, aks.ID().ToStringOutput(), location, child); err != nil {
			return nil, err
		}
	}
	return ready, nil
}

// subnetIdentity creates the user-assigned identity the cluster runs as in
// the caller's subnet, and grants it Network Contributor on exactly that
// subnet. The grant waits for nothing but the identity and the subnet, so the
// cluster's creation waits only on it.
func (a ClusterArgs) subnetIdentity(ctx *pulumi.Context, name string, child []pulumi.ResourceOption) (pulumi.StringOutput, pulumi.Resource, error) {
	id, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-identity", &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		Tags:              toStringMap(a.Tags),
	}, child...)
	if err != nil {
		return pulumi.StringOutput{}, nil, err
	}
	grant, err := newRoleAssignment(ctx, name+"-subnet-network-contributor", a.NodeSubnetID.ToStringOutput(), id.PrincipalId, PrincipalTypeServicePrincipal, azure.RoleNetworkContributor, child...)
	if err != nil {
		return pulumi.StringOutput{}, nil, err
	}
	return id.ID().ToStringOutput(), grant, nil
}

// managedClusterArgs maps defaulted, validated args onto the ARM resource.
func (a ClusterArgs) managedClusterArgs(name string) *containerservice.ManagedClusterArgs {
	mc := &containerservice.ManagedClusterArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		DnsPrefix:         pulumi.String(dnsPrefix(a.Name, name)),
		Identity: &containerservice.ManagedClusterIdentityArgs{
			Type: containerservice.ResourceIdentityTypeSystemAssigned,
		},
		EnableRBAC:        pulumi.Bool(true),
		AgentPoolProfiles: containerservice.ManagedClusterAgentPoolProfileArray{a.systemPool()},
		NetworkProfile:    a.networkProfile(),
		Sku: &containerservice.ManagedClusterSKUArgs{
			Name: pulumi.String(string(containerservice.ManagedClusterSKUNameBase)),
			Tier: pulumi.String(string(a.Tier)),
		},
		AutoUpgradeProfile: &containerservice.ManagedClusterAutoUpgradeProfileArgs{
			UpgradeChannel:       pulumi.String(string(a.UpgradeChannel)),
			NodeOSUpgradeChannel: pulumi.String(string(a.NodeOSUpgradeChannel)),
		},
		// Always on (docs/azure-facts.md#cluster): the issuer that federated
		// credentials trust, and the webhook that injects the token into pods.
		// The walkthrough leaves out --enable-workload-identity.
		OidcIssuerProfile: &containerservice.ManagedClusterOIDCIssuerProfileArgs{
			Enabled: pulumi.Bool(true),
		},
		SecurityProfile:      a.securityProfile(),
		AddonProfiles:        a.addonProfiles(),
		DisableLocalAccounts: pulumi.Bool(a.LocalAccountsDisabled),
		Tags:                 toStringMap(a.Tags),
	}
	if a.Name != "" {
		mc.ResourceName = pulumi.String(a.Name)
	}
	if a.KubernetesVersion != "" {
		mc.KubernetesVersion = pulumi.String(a.KubernetesVersion)
	}
	if a.LocalAccountsDisabled || len(a.AdminGroupObjectIDs) > 0 {
		mc.AadProfile = &containerservice.ManagedClusterAADProfileArgs{
			Managed:             pulumi.Bool(true),
			EnableAzureRBAC:     pulumi.Bool(true),
			AdminGroupObjectIDs: toStringArray(a.AdminGroupObjectIDs),
		}
	}
	if len(a.AuthorizedIPRanges) > 0 {
		mc.ApiServerAccessProfile = &containerservice.ManagedClusterAPIServerAccessProfileArgs{
			AuthorizedIPRanges: toStringArray(a.AuthorizedIPRanges),
		}
	}
	if a.autoscaled() {
		mc.AutoScalerProfile = autoscalerProfile()
	}
	return mc
}

// systemPool is the inline system pool: for system pods alone once user
// pools exist.
func (a ClusterArgs) systemPool() *containerservice.ManagedClusterAgentPoolProfileArgs {
	p := &containerservice.ManagedClusterAgentPoolProfileArgs{
		Name:              pulumi.String(systemPoolName),
		Mode:              pulumi.String(string(containerservice.AgentPoolModeSystem)),
		VmSize:            pulumi.String(a.NodeVMSize),
		OsType:            pulumi.String("Linux"),
		Type:              pulumi.String("VirtualMachineScaleSets"),
		AvailabilityZones: toStringArray(a.AvailabilityZones),
		// No public IP on any node (docs/azure-facts.md#cluster-hardening).
		EnableNodePublicIP: pulumi.Bool(false),
		VnetSubnetID:       a.NodeSubnetID,
		UpgradeSettings:    &containerservice.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String(a.NodeMaxSurge)},
	}
	if a.NodeMaxCount > 0 {
		p.EnableAutoScaling = pulumi.Bool(true)
		p.MinCount = pulumi.Int(a.NodeMinCount)
		p.MaxCount = pulumi.Int(a.NodeMaxCount)
		p.Count = pulumi.Int(a.NodeMinCount)
	} else {
		p.Count = pulumi.Int(a.NodeCount)
	}
	if len(a.NodePools) > 0 {
		p.NodeTaints = pulumi.ToStringArray([]string{azure.SystemPoolTaint})
	}
	return p
}

// autoscaled reports whether any pool runs the cluster autoscaler.
func (a ClusterArgs) autoscaled() bool {
	if a.NodeMaxCount > 0 {
		return true
	}
	for _, p := range a.NodePools {
		if p.AutoscalerEnabled() {
			return true
		}
	}
	return false
}

func autoscalerProfile() *containerservice.ManagedClusterPropertiesAutoScalerProfileArgs {
	return &containerservice.ManagedClusterPropertiesAutoScalerProfileArgs{
		Expander:                  pulumi.String(azure.AutoscalerExpander),
		BalanceSimilarNodeGroups:  pulumi.String(azure.AutoscalerBalanceSimilarNodeGroups),
		SkipNodesWithLocalStorage: pulumi.String(azure.AutoscalerSkipNodesWithLocalStorage),
		ScaleDownUnneededTime:     pulumi.String(azure.AutoscalerScaleDownUnneededTime),
		ScaleDownDelayAfterAdd:    pulumi.String(azure.AutoscalerScaleDownDelayAfterAdd),
		MaxGracefulTerminationSec: pulumi.String(azure.AutoscalerMaxGracefulTerminationSec),
	}
}

// securityProfile is workload identity (always), the image cleaner and
// Defender's sensor.
func (a ClusterArgs) securityProfile() *containerservice.ManagedClusterSecurityProfileArgs {
	sp := &containerservice.ManagedClusterSecurityProfileArgs{
		WorkloadIdentity: &containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs{
			Enabled: pulumi.Bool(true),
		},
	}
	// Off is sent as off, for the image cleaner and Defender: a profile left
	// out of the PUT may stay as it was (docs/azure-facts.md#image-cleaner).
	sp.ImageCleaner = &containerservice.ManagedClusterSecurityProfileImageCleanerArgs{
		Enabled: pulumi.Bool(*a.ImageCleanerEnabled),
	}
	if *a.ImageCleanerEnabled {
		sp.ImageCleaner.(*containerservice.ManagedClusterSecurityProfileImageCleanerArgs).IntervalHours = pulumi.Int(a.ImageCleanerIntervalHours)
	}
	sp.Defender = &containerservice.ManagedClusterSecurityProfileDefenderArgs{
		SecurityMonitoring: &containerservice.ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs{
			Enabled: pulumi.Bool(a.DefenderEnabled),
		},
	}
	if a.DefenderEnabled {
		sp.Defender.(*containerservice.ManagedClusterSecurityProfileDefenderArgs).LogAnalyticsWorkspaceResourceId = a.DiagnosticsWorkspaceID
	}
	return sp
}

// addonProfiles are the Key Vault secrets provider (always) and Container
// Insights' agent.
func (a ClusterArgs) addonProfiles() containerservice.ManagedClusterAddonProfileMap {
	addons := containerservice.ManagedClusterAddonProfileMap{
		azure.SecretsProviderAddon: &containerservice.ManagedClusterAddonProfileArgs{
			Enabled: pulumi.Bool(true),
			// Rotation is off unless enableSecretRotation is "true" (docs/azure-facts.md#cluster).
			Config: pulumi.StringMap{
				"enableSecretRotation": pulumi.String(fmt.Sprint(*a.SecretRotationEnabled)),
				"rotationPollInterval": pulumi.String(a.RotationPollInterval),
			},
		},
	}
	// Off is sent as off, as `az aks disable-addons` does.
	insights := &containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(a.ContainerInsightsEnabled)}
	if a.ContainerInsightsEnabled {
		// The agent authenticates with its managed identity, not the
		// workspace key (docs/azure-facts.md#container-insights).
		insights.Config = pulumi.StringMap{
			"logAnalyticsWorkspaceResourceID": a.DiagnosticsWorkspaceID,
			"useAADAuth":                      pulumi.String("true"),
		}
	}
	addons[azure.ContainerInsightsAddon] = insights
	return addons
}

// networkProfile is Azure CNI overlay with the network policy engine; Cilium
// runs as the dataplane too, as AKS requires for its policies.
func (a ClusterArgs) networkProfile() *containerservice.ContainerServiceNetworkProfileArgs {
	np := &containerservice.ContainerServiceNetworkProfileArgs{
		NetworkPlugin:     pulumi.String(string(containerservice.NetworkPluginAzure)),
		NetworkPluginMode: pulumi.String(string(containerservice.NetworkPluginModeOverlay)),
	}
	switch a.NetworkPolicy {
	case NetworkPolicyNone:
	case NetworkPolicyCilium:
		np.NetworkPolicy = pulumi.String(string(a.NetworkPolicy))
		np.NetworkDataplane = pulumi.String(string(containerservice.NetworkDataplaneCilium))
	default:
		np.NetworkPolicy = pulumi.String(string(a.NetworkPolicy))
	}
	return np
}

// kubeconfig returns the secret kubeconfig for the Kubernetes provider: the
// admin credentials with local accounts on; without them (AAD + Azure RBAC)
// admin credentials do not exist, so the user kubeconfig in exec format,
// converted for `kubelogin --login azurecli` (docs/azure-facts.md#pulumi-specifics).
func (a ClusterArgs) kubeconfig(ctx *pulumi.Context, parent pulumi.Resource, aks *containerservice.ManagedCluster) pulumi.StringOutput {
	var raw pulumi.StringOutput
	if a.LocalAccountsDisabled {
		raw = containerservice.ListManagedClusterUserCredentialsOutput(ctx, containerservice.ListManagedClusterUserCredentialsOutputArgs{
			ResourceGroupName: a.ResourceGroupName,
			ResourceName:      aks.Name,
			Format:            pulumi.String("exec"),
		}, pulumi.Parent(parent)).Kubeconfigs().Index(pulumi.Int(0)).Value()
	} else {
		raw = containerservice.ListManagedClusterAdminCredentialsOutput(ctx, containerservice.ListManagedClusterAdminCredentialsOutputArgs{
			ResourceGroupName: a.ResourceGroupName,
			ResourceName:      aks.Name,
		}, pulumi.Parent(parent)).Kubeconfigs().Index(pulumi.Int(0)).Value()
	}
	convert := a.LocalAccountsDisabled
	decoded := raw.ApplyT(func(b64 string) (string, error) {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("decoding kubeconfig: %w", err)
		}
		if convert {
			return ConvertKubeconfigForAzureCLI(string(data))
		}
		return string(data), nil
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(decoded).(pulumi.StringOutput)
}

// ConvertKubeconfigForAzureCLI rewrites every exec-based user of an AKS user
// kubeconfig to run `kubelogin get-token --login azurecli --server-id ID`, as
// `kubelogin convert-kubeconfig -l azurecli` does, so that Pulumi
// authenticates with the `az login` session instead of an interactive device
// code. Users without an exec section are left as they are.
func ConvertKubeconfigForAzureCLI(kubeconfig string) (string, error) {
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(kubeconfig), &doc); err != nil {
		return "", fmt.Errorf("parsing kubeconfig: %w", err)
	}
	users, _ := doc["users"].([]any)
	for _, u := range users {
		user, _ := u.(map[string]any)
		spec, _ := user["user"].(map[string]any)
		exec, _ := spec["exec"].(map[string]any)
		if exec == nil {
			continue
		}
		var serverID string
		args, _ := exec["args"].([]any)
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "--server-id" {
				serverID, _ = args[i+1].(string)
			}
		}
		if serverID == "" {
			return "", fmt.Errorf("kubeconfig user %v: exec args have no --server-id", user["name"])
		}
		exec["command"] = "kubelogin"
		exec["args"] = []any{"get-token", "--login", "azurecli", "--server-id", serverID}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("writing kubeconfig: %w", err)
	}
	return string(out), nil
}
