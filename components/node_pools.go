package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// Node pool defaults and limits (docs/azure-facts.md#node-pools).
const (
	// DefaultMaxSurge is how many extra nodes an upgrade adds at a time, as
	// a share of the pool: AKS's recommendation for production pools
	// (docs/azure-facts.md#upgrades-and-maintenance-windows).
	DefaultMaxSurge = "33%"
	// DefaultNodePoolCount is a user pool's fixed size when it sets
	// neither Count nor MaxCount.
	DefaultNodePoolCount = 1
	// DefaultMaxPods is the pods per node of a user pool: the kubelet's own
	// default. AKS's default with Azure CNI overlay is 250; 110 keeps
	// memory headroom per node, as the AKS baseline does.
	DefaultMaxPods = 110
	// DefaultOSDiskSizeGB is a user pool's OS disk: AKS's own default size.
	DefaultOSDiskSizeGB = 128
)

// NodeOSSKU is a node pool's operating system image.
type NodeOSSKU string

const (
	// NodeOSSKUAzureLinux is Microsoft's Azure Linux: the default of user pools.
	NodeOSSKUAzureLinux NodeOSSKU = "AzureLinux"
	// NodeOSSKUUbuntu is Ubuntu.
	NodeOSSKUUbuntu NodeOSSKU = "Ubuntu"
)

// OSDiskType is where a node's OS disk lives.
type OSDiskType string

const (
	// OSDiskTypeEphemeral keeps the OS disk on the VM's local storage: faster
	// to read and to reimage, and free.
	OSDiskTypeEphemeral OSDiskType = "Ephemeral"
	// OSDiskTypeManaged is a managed disk.
	OSDiskTypeManaged OSDiskType = "Managed"
)

// ephemeralCapacityGiB is the local storage, in GiB, that holds an ephemeral
// OS disk for the VM sizes this project knows: the resource (temp) disk of
// the sizes with a "d" in their name. A size not listed, or whose storage is
// smaller than the OS disk, gets a managed OS disk
// (docs/azure-facts.md#ephemeral-os-disks).
var ephemeralCapacityGiB = map[string]int{
	"Standard_D2ds_v5":  75,
	"Standard_D4ds_v5":  150,
	"Standard_D8ds_v5":  300,
	"Standard_D16ds_v5": 600,
	"Standard_D2ads_v5": 75,
	"Standard_D4ads_v5": 150,
	"Standard_D8ads_v5": 300,
	"Standard_E4ds_v5":  150,
	"Standard_E8ds_v5":  300,
}

// DefaultOSDiskType is the OS disk type a pool of vmSize with an OS disk of
// osDiskSizeGB gets when it sets none: Ephemeral where the size's local
// storage holds the disk, Managed otherwise.
func DefaultOSDiskType(vmSize string, osDiskSizeGB int) OSDiskType {
	if c, ok := ephemeralCapacityGiB[vmSize]; ok && c >= osDiskSizeGB {
		return OSDiskTypeEphemeral
	}
	return OSDiskTypeManaged
}

// NodePoolArgs is one user node pool: an AgentPool resource of the cluster,
// for application pods. The zero value of every optional field selects the
// documented default.
type NodePoolArgs struct {
	// VMSize is the nodes' VM size. Default DefaultNodeVMSize. Changing it
	// replaces the pool (azure-native's forceNewMap): every node is drained
	// and deleted before the new pool exists. To move without downtime, add
	// a pool, move the workloads, then remove the old one (docs/operations.md).
	VMSize string
	// Count is the fixed number of nodes, 1-1000, when the autoscaler is
	// off (MaxCount 0). Default DefaultNodePoolCount. Changed in place.
	Count int
	// MinCount is the autoscaler's floor, 0 <= MinCount <= MaxCount: a user
	// pool may scale to no nodes. Default 0. Changed in place.
	MinCount int
	// MaxCount turns on the cluster autoscaler, up to this many nodes (at
	// most 1000), with Count unset. Optional: by default the pool has the
	// fixed Count. Changed in place.
	MaxCount int
	// Zones spreads the pool over these availability zones ("1", "2",
	// "3"), each at most once. Optional: by default no zones. A change is
	// refused by Azure: add a pool with the new zones instead.
	Zones []string
	// OSSKU is the node image. Default NodeOSSKUAzureLinux. Changed in place
	// (AKS migrates Ubuntu to Azure Linux by reimaging the nodes).
	OSSKU NodeOSSKU
	// OSDiskType is the OS disk's placement. Default DefaultOSDiskType:
	// Ephemeral where the VM size's local storage holds the OS disk, else
	// Managed. A change is refused by Azure.
	OSDiskType OSDiskType
	// OSDiskSizeGB is the OS disk's size, 30-2048. Default
	// DefaultOSDiskSizeGB. A change is refused by Azure.
	OSDiskSizeGB int
	// MaxPods is the most pods per node, 10-250. Default DefaultMaxPods. A
	// change is refused by Azure.
	MaxPods int
	// Labels are Kubernetes labels on every node of the pool: a pod selects
	// the pool with a nodeSelector on one. The kubernetes.io and
	// kubernetes.azure.com prefixes are reserved. Optional. Changed in place.
	Labels map[string]string
	// Taints are Kubernetes taints on every node, "key=value:Effect" with
	// Effect NoSchedule, PreferNoSchedule or NoExecute: only pods that
	// tolerate them run on the pool. Optional. Changed in place.
	Taints []string
	// MaxSurge is the upgrade surge: a node count ("1") or a share of the
	// pool ("33%"). Default DefaultMaxSurge. Changed in place.
	MaxSurge string
}

// AutoscalerEnabled reports whether the pool is autoscaled.
func (p NodePoolArgs) AutoscalerEnabled() bool { return p.MaxCount > 0 }

func (p NodePoolArgs) withDefaults() NodePoolArgs {
	if p.VMSize == "" {
		p.VMSize = DefaultNodeVMSize
	}
	if p.Count == 0 && p.MaxCount == 0 && p.MinCount == 0 {
		p.Count = DefaultNodePoolCount
	}
	if p.OSSKU == "" {
		p.OSSKU = NodeOSSKUAzureLinux
	}
	if p.OSDiskSizeGB == 0 {
		p.OSDiskSizeGB = DefaultOSDiskSizeGB
	}
	if p.OSDiskType == "" {
		p.OSDiskType = DefaultOSDiskType(p.VMSize, p.OSDiskSizeGB)
	}
	if p.MaxPods == 0 {
		p.MaxPods = DefaultMaxPods
	}
	if p.MaxSurge == "" {
		p.MaxSurge = DefaultMaxSurge
	}
	return p
}

var (
	// Linux node pool names: 1-12 lowercase letters and digits, starting
	// with a letter (docs/azure-facts.md#node-pools).
	nodePoolNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	// A surge is a whole number of nodes, or a percentage.
	maxSurgePattern = regexp.MustCompile(`^([1-9][0-9]*|[1-9][0-9]?%|100%)$`)
	// A Kubernetes label or taint key: an optional DNS-subdomain prefix and
	// a name of 1-63 characters.
	labelKeyPattern   = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	labelValuePattern = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$`)
	taintEffects      = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}
	nodeOSSKUs        = []NodeOSSKU{NodeOSSKUAzureLinux, NodeOSSKUUbuntu}
	osDiskTypes       = []OSDiskType{OSDiskTypeEphemeral, OSDiskTypeManaged}
)

// CheckNodePoolName checks a user pool's name against AKS's rules, one
// message per broken rule.
func CheckNodePoolName(name string) []string {
	if !nodePoolNamePattern.MatchString(name) {
		return []string{"must be 1-12 lowercase letters and digits, starting with a letter"}
	}
	if name == systemPoolName {
		return []string{fmt.Sprintf("is the system pool's name (%q)", systemPoolName)}
	}
	return nil
}

// validate checks one defaulted pool; field is its path, such as
// `NodePools["apps"]`.
func (p NodePoolArgs) validate(fe *fieldErrors, field string) {
	if !vmSizePattern.MatchString(p.VMSize) {
		fe.add(field+".VMSize", p.VMSize, "must be an Azure VM size such as Standard_D4ds_v5")
	}
	checkScale(fe, field, p.Count, p.MinCount, p.MaxCount, 0, azure.MaxNodePoolCount)
	checkZones(fe, field+".Zones", p.Zones)
	checkOneOf(fe, field+".OSSKU", p.OSSKU, nodeOSSKUs)
	checkOneOf(fe, field+".OSDiskType", p.OSDiskType, osDiskTypes)
	if p.OSDiskSizeGB < 30 || p.OSDiskSizeGB > 2048 {
		fe.add(field+".OSDiskSizeGB", p.OSDiskSizeGB, "must be between 30 and 2048")
	}
	if p.OSDiskType == OSDiskTypeEphemeral {
		if c, ok := ephemeralCapacityGiB[p.VMSize]; !ok || c < p.OSDiskSizeGB {
			fe.addf(field+".OSDiskType", string(p.OSDiskType), "needs a VM size whose local storage holds the %d GiB OS disk: %s has %s", p.OSDiskSizeGB, p.VMSize, capacityText(c, ok))
		}
	}
	if p.MaxPods < azure.MinMaxPods || p.MaxPods > azure.MaxMaxPods {
		fe.addf(field+".MaxPods", p.MaxPods, "must be between %d and %d", azure.MinMaxPods, azure.MaxMaxPods)
	}
	for _, k := range sortedKeys(p.Labels) {
		switch {
		case !labelKeyPattern.MatchString(k):
			fe.add(field+".Labels", k, "must be a Kubernetes label key: an optional DNS prefix and a name of 1-63 letters, digits, '-', '_' or '.'")
		case reservedLabelPrefix(k):
			fe.add(field+".Labels", k, "must not use the kubernetes.azure.com or kubernetes.io prefix: they are reserved for AKS and Kubernetes")
		}
		if !labelValuePattern.MatchString(p.Labels[k]) {
			fe.add(field+".Labels."+k, p.Labels[k], "must be a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'")
		}
	}
	for i, t := range p.Taints {
		if r := checkTaint(t); r != "" {
			fe.add(fmt.Sprintf("%s.Taints[%d]", field, i), t, r)
		}
	}
	checkUnique(fe, field+".Taints", p.Taints)
	if !maxSurgePattern.MatchString(p.MaxSurge) {
		fe.add(field+".MaxSurge", p.MaxSurge, `must be a node count such as "1" or a percentage such as "33%"`)
	}
}

// reservedLabelPrefix says whether a label key's prefix is kubernetes.io or
// kubernetes.azure.com, or a subdomain of either (docs/azure-facts.md#node-pools).
func reservedLabelPrefix(k string) bool {
	prefix, _, ok := strings.Cut(k, "/")
	if !ok {
		return false
	}
	for _, r := range []string{"kubernetes.io", "kubernetes.azure.com"} {
		if prefix == r || strings.HasSuffix(prefix, "."+r) {
			return true
		}
	}
	return false
}

func capacityText(c int, ok bool) string {
	if !ok {
		return "no local storage this project knows of"
	}
	return fmt.Sprintf("%d GiB", c)
}

// checkScale checks a pool's fixed count or its autoscaler bounds, between
// lo (0 for a user pool, which may scale to nothing; 1 for the system pool)
// and hi.
func checkScale(fe *fieldErrors, field string, count, minCount, maxCount, lo, hi int) {
	prefix := field
	if prefix != "" {
		prefix += "."
	}
	if maxCount == 0 {
		if minCount != 0 {
			fe.add(prefix+"MaxCount", maxCount, "is required with MinCount: the autoscaler needs both bounds")
			return
		}
		if count < 1 || count > hi {
			fe.addf(prefix+"Count", count, "must be between 1 and %d", hi)
		}
		return
	}
	if count != 0 {
		fe.add(prefix+"Count", count, "must be unset when the autoscaler is on (MaxCount): the autoscaler sets the count")
	}
	if minCount < lo || minCount > hi {
		fe.addf(prefix+"MinCount", minCount, "must be between %d and %d", lo, hi)
	}
	if maxCount < 1 || maxCount > hi {
		fe.addf(prefix+"MaxCount", maxCount, "must be between 1 and %d", hi)
	}
	if minCount > maxCount {
		fe.addf(prefix+"MinCount", minCount, "must not exceed MaxCount %d", maxCount)
	}
}

// checkZones checks a list of availability zones.
func checkZones(fe *fieldErrors, field string, zones []string) {
	for i, z := range zones {
		if !slices.Contains([]string{"1", "2", "3"}, z) {
			fe.add(fmt.Sprintf("%s[%d]", field, i), z, `must be "1", "2" or "3"`)
		}
	}
	checkUnique(fe, field, zones)
}

// checkTaint checks "key=value:Effect" (the value may be empty).
func checkTaint(t string) string {
	kv, effect, ok := strings.Cut(t, ":")
	k, v, _ := strings.Cut(kv, "=")
	if !ok || !slices.Contains(taintEffects, effect) || !labelKeyPattern.MatchString(k) || !labelValuePattern.MatchString(v) {
		return "must be key=value:Effect, with Effect NoSchedule, PreferNoSchedule or NoExecute"
	}
	return ""
}

// newNodePool creates one user pool as an AgentPool of the cluster.
func (a ClusterArgs) newNodePool(ctx *pulumi.Context, name, pool string, p NodePoolArgs, clusterName pulumi.StringInput, opts []pulumi.ResourceOption) (pulumi.Resource, error) {
	args := &containerservice.AgentPoolArgs{
		ResourceGroupName: a.ResourceGroupName,
		ResourceName:      clusterName,
		AgentPoolName:     pulumi.String(pool),
		Mode:              pulumi.String(string(containerservice.AgentPoolModeUser)),
		VmSize:            pulumi.String(p.VMSize),
		OsType:            pulumi.String("Linux"),
		OsSKU:             pulumi.String(string(p.OSSKU)),
		OsDiskType:        pulumi.String(string(p.OSDiskType)),
		OsDiskSizeGB:      pulumi.Int(p.OSDiskSizeGB),
		MaxPods:           pulumi.Int(p.MaxPods),
		Type:              pulumi.String("VirtualMachineScaleSets"),
		AvailabilityZones: toStringArray(p.Zones),
		// No public IP on any node (docs/azure-facts.md#cluster-hardening).
		EnableNodePublicIP: pulumi.Bool(false),
		VnetSubnetID:       a.NodeSubnetID,
		NodeLabels:         toStringMap(p.Labels),
		NodeTaints:         toStringArray(p.Taints),
		UpgradeSettings:    &containerservice.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String(p.MaxSurge)},
		Tags:               toStringMap(a.Tags),
	}
	if p.AutoscalerEnabled() {
		// The autoscaler owns the count: it starts at MinCount (at least 1)
		// and is never sent again (docs/azure-facts.md#node-pools).
		args.EnableAutoScaling = pulumi.Bool(true)
		args.MinCount = pulumi.Int(p.MinCount)
		args.MaxCount = pulumi.Int(p.MaxCount)
		args.Count = pulumi.Int(max(p.MinCount, 1))
		opts = append(slices.Clone(opts), pulumi.IgnoreChanges([]string{"count"}))
	} else {
		args.EnableAutoScaling = pulumi.Bool(false)
		args.Count = pulumi.Int(p.Count)
	}
	ap, err := containerservice.NewAgentPool(ctx, name+"-pool-"+pool, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("node pool %q: %w", pool, err)
	}
	return ap, nil
}
