package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/azure"
)

// loadCluster decodes secure-aks:cluster. Its nodePools are taken out and
// decoded one entry at a time, so that an error inside one names its index.
func (c *Config) loadCluster(raw string) error {
	if raw == "" {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := decodeObject(raw, "cluster", &fields); err != nil {
		return err
	}
	pools := fields["nodePools"]
	delete(fields, "nodePools")
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	if err := decodeObject(string(rest), "cluster", &c.Cluster); err != nil {
		return err
	}
	var entries []json.RawMessage
	if err := decodeObject(string(pools), "cluster.nodePools", &entries); err != nil {
		return err
	}
	var errs []error
	c.Cluster.NodePools = make([]NodePoolConfig, len(entries))
	for i, e := range entries {
		errs = append(errs, decodeObject(string(e), fmt.Sprintf("cluster.nodePools[%d]", i), &c.Cluster.NodePools[i]))
	}
	return errors.Join(errs...)
}

// args maps one node pool entry onto the component's args.
func (p NodePoolConfig) args() components.NodePoolArgs {
	a := components.NodePoolArgs{
		VMSize: p.VMSize, MinCount: p.MinCount, Zones: p.Zones, OSSKU: p.OSSKU, OSDiskType: p.OSDiskType,
		Labels: p.Labels, Taints: p.Taints, MaxSurge: p.MaxSurge,
	}
	for _, v := range []struct {
		from *int
		to   *int
	}{{p.Count, &a.Count}, {p.MaxCount, &a.MaxCount}, {p.OSDiskSizeGB, &a.OSDiskSizeGB}, {p.MaxPods, &a.MaxPods}} {
		if v.from != nil {
			*v.to = *v.from
		}
	}
	return a
}

// window maps one maintenance window entry onto the component's; nil stays nil.
func (w *WindowConfig) window() *components.MaintenanceWindow {
	if w == nil {
		return nil
	}
	m := &components.MaintenanceWindow{DayOfWeek: w.DayOfWeek, StartTime: w.StartTime, UTCOffset: w.UTCOffset}
	if w.DurationHours != nil {
		m.DurationHours = *w.DurationHours
	}
	if w.IntervalWeeks != nil {
		m.IntervalWeeks = *w.IntervalWeeks
	}
	return m
}

// validateCluster runs the Cluster's rules on the args the stack will pass,
// naming configuration keys, plus the rules only the configuration has: a
// number set to 0 and a pool name that repeats.
func (c *Config) validateCluster() error {
	errs := []error{
		explicitZero("cluster.nodeCount", c.Cluster.NodeCount, azure.MinNodeCount, azure.MaxNodeCount),
		explicitZero("cluster.nodeMaxCount", c.Cluster.NodeMaxCount, 1, azure.MaxNodeCount),
		explicitZero("cluster.imageCleanerIntervalHours", c.Cluster.ImageCleanerIntervalHours, azure.MinImageCleanerIntervalHours, azure.MaxImageCleanerIntervalHours),
	}
	index := map[string]int{}
	for i, p := range c.Cluster.NodePools {
		at := fmt.Sprintf("cluster.nodePools[%d]", i)
		if j, dup := index[p.Name]; dup {
			errs = append(errs, fmt.Errorf("%s.name %q: must not repeat cluster.nodePools[%d]", key(at), p.Name, j))
			continue
		}
		index[p.Name] = i
		errs = append(errs,
			explicitZero(at+".count", p.Count, 1, azure.MaxNodePoolCount),
			explicitZero(at+".maxCount", p.MaxCount, 1, azure.MaxNodePoolCount),
			explicitZero(at+".osDiskSizeGb", p.OSDiskSizeGB, 30, 2048),
			explicitZero(at+".maxPods", p.MaxPods, azure.MinMaxPods, azure.MaxMaxPods))
	}
	for _, w := range []struct {
		path string
		w    *WindowConfig
	}{{"cluster.maintenance.autoUpgrade", c.Cluster.Maintenance.AutoUpgrade}, {"cluster.maintenance.nodeOs", c.Cluster.Maintenance.NodeOS}} {
		if w.w != nil {
			errs = append(errs, explicitZero(w.path+".durationHours", w.w.DurationHours, azure.MinMaintenanceHours, azure.MaxMaintenanceHours),
				explicitZero(w.path+".intervalWeeks", w.w.IntervalWeeks, 1, 4))
		}
	}
	// The workspace is the stack's own, secure-aks:logs.
	for _, need := range []struct {
		on   bool
		path string
	}{{c.Cluster.ContainerInsights, "cluster.containerInsights"}, {c.Cluster.Defender, "cluster.defender"}} {
		if need.on && !c.Logs.Enabled {
			errs = append(errs, fmt.Errorf("%s true: needs %s true: it reports to the stack's Log Analytics workspace", key(need.path), key("logs.enabled")))
		}
	}
	args := c.clusterArgs(pulumi.String(c.ResourceGroup))
	componentErrs := dropFieldErrors(tagCountDropped(args.Validate()), func(fe *components.FieldError) bool {
		return fe.Field == "ContainerInsightsEnabled" || fe.Field == "DefenderEnabled"
	})
	errs = append(errs, components.RenameFields(componentErrs, func(f string) string { return clusterKey(f, index) }))
	return errors.Join(errs...)
}

// validateRegistry checks secure-aks:registry: an existing registry's ID, or
// the one the stack creates.
func (c *Config) validateRegistry(networkDecoded bool) error {
	r := c.Registry
	if r.ID != "" {
		var errs []error
		for _, m := range components.CheckRegistryID(r.ID) {
			errs = append(errs, fmt.Errorf("%s %q: %s", key("registry.id"), r.ID, m))
		}
		if r.Enabled || r.Name != "" || r.SKU != "" || r.Private || r.Protect {
			errs = append(errs, fmt.Errorf("%s %q: names an existing registry: remove the keys that create one (enabled, name, sku, private, protect)", key("registry.id"), r.ID))
		}
		return errors.Join(errs...)
	}
	if !r.Enabled {
		if r.Name != "" || r.SKU != "" || r.Private || r.Protect {
			return fmt.Errorf("%s: is false, but other registry keys are set: set it to true to create the registry, or give registry.id", key("registry.enabled"))
		}
		return nil
	}
	var errs []error
	args := c.registryArgs(pulumi.String(c.ResourceGroup))
	if r.Private {
		if networkDecoded && !c.Network.Enabled {
			errs = append(errs, fmt.Errorf("%s true: needs %s true: the private endpoint goes in the stack's VNet", key("registry.private"), key("network.enabled")))
		}
		args.PrivateEndpoint = &components.PrivateEndpointArgs{SubnetID: pulumi.String(""), DNSZoneID: pulumi.String("")}
	}
	errs = append(errs, components.RenameFields(tagCountDropped(args.Validate()), registryKey))
	return errors.Join(errs...)
}

func registryKey(field string) string {
	return configKey(field, "registry", map[string]string{
		"ResourceGroupName": "resourceGroup",
		"Name":              "registry.name",
		"SKU":               "registry.sku",
		"PrivateEndpoint":   "registry.private",
		"Protect":           "registry.protect",
		"Tags":              "tags",
	})
}

// poolField is `NodePools[NAME].Field`, as the Cluster names a pool's fields.
var poolField = regexp.MustCompile(`^NodePools\[([^\]]*)\](\.(.*))?$`)

// nodePoolKeys and windowKeys name the configuration keys of a pool's and a
// window's fields.
var (
	nodePoolKeys = map[string]string{
		"VMSize": "vmSize", "Count": "count", "MinCount": "minCount", "MaxCount": "maxCount", "Zones": "zones",
		"OSSKU": "osSku", "OSDiskType": "osDiskType", "OSDiskSizeGB": "osDiskSizeGb", "MaxPods": "maxPods",
		"Labels": "labels", "Taints": "taints", "MaxSurge": "maxSurge",
	}
	windowKeys = map[string]string{
		"DayOfWeek": "dayOfWeek", "StartTime": "startTime", "DurationHours": "durationHours", "UTCOffset": "utcOffset", "IntervalWeeks": "intervalWeeks",
	}
)

// clusterKey names the configuration key of a Cluster field; index maps a
// pool's name to its entry in cluster.nodePools.
func clusterKey(field string, index map[string]int) string {
	if m := poolField.FindStringSubmatch(field); m != nil {
		at := fmt.Sprintf("cluster.nodePools[%d]", index[m[1]])
		if m[3] == "" {
			return key(at + ".name")
		}
		return key(at + "." + renameHead(m[3], nodePoolKeys))
	}
	for prefix, path := range map[string]string{"AutoUpgradeWindow.": "cluster.maintenance.autoUpgrade.", "NodeOSUpgradeWindow.": "cluster.maintenance.nodeOs."} {
		if rest, ok := strings.CutPrefix(field, prefix); ok {
			return key(path + renameHead(rest, windowKeys))
		}
	}
	return configKey(field, "cluster", clusterKeys)
}

// renameHead renames the first segment of a field path.
func renameHead(field string, names map[string]string) string {
	head, rest := field, ""
	if i := strings.IndexAny(field, "[."); i >= 0 {
		head, rest = field[:i], field[i:]
	}
	if n, ok := names[head]; ok {
		return n + rest
	}
	return field
}

// clusterKeys are the configuration keys of the Cluster's own fields.
var clusterKeys = map[string]string{
	"ResourceGroupName":         "resourceGroup",
	"Name":                      "cluster.name",
	"KubernetesVersion":         "cluster.kubernetesVersion",
	"NodeCount":                 "cluster.nodeCount",
	"NodeMinCount":              "cluster.nodeMinCount",
	"NodeMaxCount":              "cluster.nodeMaxCount",
	"NodeMaxSurge":              "cluster.nodeMaxSurge",
	"NodeVMSize":                "cluster.nodeVmSize",
	"AvailabilityZones":         "cluster.availabilityZones",
	"SecretRotationEnabled":     "cluster.secretRotation",
	"RotationPollInterval":      "cluster.rotationPollInterval",
	"LocalAccountsDisabled":     "cluster.localAccountsDisabled",
	"AdminGroupObjectIDs":       "cluster.adminGroupObjectIds",
	"AuthorizedIPRanges":        "cluster.authorizedIpRanges",
	"Tier":                      "cluster.tier",
	"NetworkPolicy":             "cluster.networkPolicy",
	"UpgradeChannel":            "cluster.upgradeChannel",
	"NodeOSUpgradeChannel":      "cluster.nodeOsUpgradeChannel",
	"ContainerInsightsEnabled":  "cluster.containerInsights",
	"DefenderEnabled":           "cluster.defender",
	"ImageCleanerEnabled":       "cluster.imageCleaner",
	"ImageCleanerIntervalHours": "cluster.imageCleanerIntervalHours",
	"Protect":                   "cluster.protect",
	"Tags":                      "tags",
}
