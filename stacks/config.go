package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/guardrails"
)

// Namespace is the project's configuration namespace.
const Namespace = "secure-aks"

// LocationKey is the configuration key of the Azure region.
const LocationKey = "azure-native:location"

// Config is the typed configuration of one stack.
type Config struct {
	// Stack is the Pulumi stack name.
	Stack string
	// Profile is secure-aks:profile: the guardrails the stack is held to.
	// A production stack whose plan breaks a guardrail is refused before
	// anything is registered (docs/guardrails.md). Default standard.
	Profile Profile
	// Environment is secure-aks:environment, by default the stack name.
	Environment string
	// ResourceGroup is secure-aks:resourceGroup. Empty (the default): the
	// resource group is auto-named rg-secure-aks-STACK plus 8 random hex
	// characters, kept in the state, so that two stacks of one name in one
	// subscription never share one.
	ResourceGroup string
	// Location is azure-native:location. Required.
	Location string
	// Cluster is secure-aks:cluster.
	Cluster ClusterConfig
	// Network is secure-aks:network.
	Network NetworkConfig
	// Logs is secure-aks:logs.
	Logs LogsConfig
	// Registry is secure-aks:registry.
	Registry RegistryConfig
	// Vault is secure-aks:vault.
	Vault VaultConfig
	// Secrets are the values of secure-aks:secrets, each a Pulumi secret, for
	// exactly the names in Vault.SecretNames.
	Secrets map[string]pulumi.StringInput
	// Workloads is secure-aks:workloads, with defaults applied.
	Workloads []WorkloadConfig
	// DeployerPrincipalType is secure-aks:deployerPrincipalType: the kind of
	// identity running Pulumi ("User" or "ServicePrincipal"). Empty means
	// detect it from the Azure client configuration.
	DeployerPrincipalType components.PrincipalType
	// Tags is secure-aks:tags merged over the project's own tags
	// (environment, project, managed-by).
	Tags map[string]string
}

// ClusterConfig is secure-aks:cluster. Omitted keys take the component
// defaults (components.ClusterArgs).
type ClusterConfig struct {
	Name                  string                          `json:"name"`
	KubernetesVersion     string                          `json:"kubernetesVersion"`
	NodeCount             *int                            `json:"nodeCount"`
	NodeVMSize            string                          `json:"nodeVmSize"`
	AvailabilityZones     []string                        `json:"availabilityZones"`
	SecretRotation        *bool                           `json:"secretRotation"`
	RotationPollInterval  string                          `json:"rotationPollInterval"`
	LocalAccountsDisabled bool                            `json:"localAccountsDisabled"`
	AdminGroupObjectIDs   []string                        `json:"adminGroupObjectIds"`
	AuthorizedIPRanges    []string                        `json:"authorizedIpRanges"`
	Tier                  components.ClusterTier          `json:"tier"`
	NetworkPolicy         components.NetworkPolicy        `json:"networkPolicy"`
	UpgradeChannel        components.UpgradeChannel       `json:"upgradeChannel"`
	NodeOSUpgradeChannel  components.NodeOSUpgradeChannel `json:"nodeOsUpgradeChannel"`
	Protect               bool                            `json:"protect"`
	// NodeMinCount and NodeMaxCount autoscale the system pool.
	NodeMinCount int    `json:"nodeMinCount"`
	NodeMaxCount *int   `json:"nodeMaxCount"`
	NodeMaxSurge string `json:"nodeMaxSurge"`
	// NodePools are the user pools, decoded one entry at a time.
	NodePools []NodePoolConfig `json:"-"`
	// Maintenance holds the windows of the two upgrade channels.
	Maintenance               MaintenanceConfig `json:"maintenance"`
	ContainerInsights         bool              `json:"containerInsights"`
	Defender                  bool              `json:"defender"`
	ImageCleaner              *bool             `json:"imageCleaner"`
	ImageCleanerIntervalHours *int              `json:"imageCleanerIntervalHours"`
}

// NodePoolConfig is one entry of secure-aks:cluster.nodePools: a user pool
// (components.NodePoolArgs).
type NodePoolConfig struct {
	Name         string                `json:"name"`
	VMSize       string                `json:"vmSize"`
	Count        *int                  `json:"count"`
	MinCount     int                   `json:"minCount"`
	MaxCount     *int                  `json:"maxCount"`
	Zones        []string              `json:"zones"`
	OSSKU        components.NodeOSSKU  `json:"osSku"`
	OSDiskType   components.OSDiskType `json:"osDiskType"`
	OSDiskSizeGB *int                  `json:"osDiskSizeGb"`
	MaxPods      *int                  `json:"maxPods"`
	Labels       map[string]string     `json:"labels"`
	Taints       []string              `json:"taints"`
	MaxSurge     string                `json:"maxSurge"`
}

// MaintenanceConfig is secure-aks:cluster.maintenance.
type MaintenanceConfig struct {
	AutoUpgrade *WindowConfig `json:"autoUpgrade"`
	NodeOS      *WindowConfig `json:"nodeOs"`
}

// WindowConfig is one weekly maintenance window (components.MaintenanceWindow).
type WindowConfig struct {
	DayOfWeek     string `json:"dayOfWeek"`
	StartTime     string `json:"startTime"`
	DurationHours *int   `json:"durationHours"`
	UTCOffset     string `json:"utcOffset"`
	IntervalWeeks *int   `json:"intervalWeeks"`
}

// RegistryConfig is secure-aks:registry: a container registry the cluster's
// kubelet pulls from (AcrPull), either created here or an existing one named
// by ID.
type RegistryConfig struct {
	// Enabled creates a registry (components.RegistryArgs).
	Enabled bool                   `json:"enabled"`
	Name    string                 `json:"name"`
	SKU     components.RegistrySKU `json:"sku"`
	// Private closes the created registry to the public network, with a
	// private endpoint in the stack's VNet: it needs network.enabled and
	// the Premium SKU.
	Private bool `json:"private"`
	Protect bool `json:"protect"`
	// ID names an existing registry instead; no other key goes with it.
	ID string `json:"id"`
}

// NetworkConfig is secure-aks:network: the stack's own VNet, with the
// cluster's nodes in one subnet and the vault's private endpoint in another.
// Off by default; omitted prefixes take the components.NetworkArgs defaults.
type NetworkConfig struct {
	Enabled        bool   `json:"enabled"`
	AddressSpace   string `json:"addressSpace"`
	NodeSubnet     string `json:"nodeSubnet"`
	EndpointSubnet string `json:"endpointSubnet"`
}

// LogsConfig is secure-aks:logs: a Log Analytics workspace that receives the
// cluster's and the vault's audit logs. Off by default.
type LogsConfig struct {
	Enabled       bool `json:"enabled"`
	RetentionDays *int `json:"retentionDays"`
}

// Log Analytics retention limits of the PerGB2018 tier, and the default:
// the 31 days of retention that ingestion includes rounded down to 30
// (docs/azure-facts.md#audit-logs).
const (
	MinLogRetentionDays     = 30
	MaxLogRetentionDays     = 730
	DefaultLogRetentionDays = 30
)

// VaultConfig is secure-aks:vault. Omitted keys take the component defaults
// (components.VaultArgs).
type VaultConfig struct {
	Name                    string                   `json:"name"`
	SKU                     components.VaultSKU      `json:"sku"`
	RBACAuthorization       *bool                    `json:"rbacAuthorization"`
	PurgeProtection         *bool                    `json:"purgeProtection"`
	SoftDeleteRetentionDays *int                     `json:"softDeleteRetentionDays"`
	NetworkDefaultAction    components.NetworkAction `json:"networkDefaultAction"`
	AllowedIPRanges         []string                 `json:"allowedIpRanges"`
	SubnetIDs               []string                 `json:"subnetIds"`
	SecretNames             []string                 `json:"secretNames"`
	// DeployerDataPlaneAccess grants the identity running `pulumi up` Key
	// Vault Secrets Officer (or the access-policy equivalent): standing read
	// access to every secret value. Default false, and false in prod:
	// writing secrets goes through ARM and needs none. Turn it on only for
	// data-plane commands such as `az keyvault secret set`.
	DeployerDataPlaneAccess bool `json:"deployerDataPlaneAccess"`
	// Protect marks the vault protected in Pulumi. DeleteLock puts a
	// CanNotDelete lock on it.
	Protect    bool `json:"protect"`
	DeleteLock bool `json:"deleteLock"`
}

// maxResourceGroupName is Azure's limit on a resource group's name
// (docs/azure-facts.md#other-name-limits).
const maxResourceGroupName = 90

var (
	environmentPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	// Resource group names: 1-90 letters, digits, underscores, hyphens,
	// periods and parentheses, not ending in a period.
	resourceGroupPattern = regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)
	locationPattern      = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
)

// Keys are the keys of the secure-aks namespace that LoadConfig reads. Each is
// declared, with its type and description, in Pulumi.yaml.
var Keys = []string{"profile", "environment", "resourceGroup", "deployerPrincipalType", "network", "cluster", "registry", "vault", "logs", "secrets", "tags", "workloads"}

// key returns the full configuration key of a path inside the namespace.
func key(path string) string { return Namespace + ":" + path }

// LoadConfig reads and validates the stack's configuration. It returns every
// problem at once, each naming its full configuration key and the bad value,
// and registers nothing.
func LoadConfig(ctx *pulumi.Context) (*Config, error) {
	var errs []error
	get := func(k string) string { return config.Get(ctx, k) }

	c := &Config{Stack: ctx.Stack()}
	c.Environment = get(key("environment"))
	if c.Environment == "" {
		c.Environment = ctx.Stack()
	}
	if !environmentPattern.MatchString(c.Environment) {
		errs = append(errs, fmt.Errorf("%s %q: must be 1-16 lowercase letters, digits and hyphens, starting with a letter", key("environment"), c.Environment))
	}
	c.ResourceGroup = get(key("resourceGroup"))
	switch {
	case c.ResourceGroup == "":
		// Auto-named from the logical name plus 8 hex characters.
		if n := len(resourceGroupPrefix) + len(ctx.Stack()) + 8; n > maxResourceGroupName {
			errs = append(errs, fmt.Errorf("%s: is required for stack %q: the generated name %s%s plus 8 characters would be %d characters, over Azure's %d",
				key("resourceGroup"), ctx.Stack(), resourceGroupPrefix, ctx.Stack(), n, maxResourceGroupName))
		}
	case !resourceGroupPattern.MatchString(c.ResourceGroup):
		errs = append(errs, fmt.Errorf("%s %q: must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period", key("resourceGroup"), c.ResourceGroup))
	}
	c.Location = get(LocationKey)
	switch {
	case c.Location == "":
		errs = append(errs, fmt.Errorf("%s: is required: pulumi config set %s eastus", LocationKey, LocationKey))
	case !locationPattern.MatchString(c.Location):
		errs = append(errs, fmt.Errorf("%s %q: must be an Azure region name such as eastus or westeurope", LocationKey, c.Location))
	}
	c.Profile = Profile(get(key("profile")))
	switch c.Profile {
	case "":
		c.Profile = ProfileStandard
	case ProfileStandard, ProfileProduction:
	default:
		errs = append(errs, fmt.Errorf("%s %q: must be %q or %q", key("profile"), c.Profile, ProfileStandard, ProfileProduction))
	}
	c.DeployerPrincipalType = components.PrincipalType(get(key("deployerPrincipalType")))
	if c.DeployerPrincipalType != "" && c.DeployerPrincipalType != components.PrincipalTypeUser && c.DeployerPrincipalType != components.PrincipalTypeServicePrincipal {
		errs = append(errs, fmt.Errorf("%s %q: must be \"User\" or \"ServicePrincipal\"", key("deployerPrincipalType"), c.DeployerPrincipalType))
	}
	// An object that does not decode is reported once; its rules are not
	// run on what half-decoded.
	clusterErr := c.loadCluster(get(key("cluster")))
	registryErr := decodeObject(get(key("registry")), "registry", &c.Registry)
	vaultErr := decodeObject(get(key("vault")), "vault", &c.Vault)
	networkErr := decodeObject(get(key("network")), "network", &c.Network)
	logsErr := decodeObject(get(key("logs")), "logs", &c.Logs)
	errs = append(errs, networkErr, logsErr)
	if networkErr == nil && c.Network.Enabled {
		errs = append(errs, components.RenameFields(tagCountDropped(c.networkArgs(pulumi.String(c.ResourceGroup)).Validate()), networkKey))
	}
	if logsErr == nil {
		errs = append(errs, explicitZero("logs.retentionDays", c.Logs.RetentionDays, MinLogRetentionDays, MaxLogRetentionDays))
		if d := c.logRetentionDays(); d < MinLogRetentionDays || d > MaxLogRetentionDays {
			errs = append(errs, fmt.Errorf("%s %d: must be between %d and %d", key("logs.retentionDays"), d, MinLogRetentionDays, MaxLogRetentionDays))
		}
	}
	var userTags map[string]string
	tagsErr := decodeObject(get(key("tags")), "tags", &userTags)
	errs = append(errs, clusterErr, registryErr, vaultErr, tagsErr)
	c.Tags = map[string]string{"environment": c.Environment, "project": ctx.Project(), "managed-by": "pulumi"}
	for k, v := range userTags {
		c.Tags[k] = v
	}
	if len(c.Tags) > azure.MaxTags {
		errs = append(errs, fmt.Errorf("%s: holds %d tags; with the project's own (environment, managed-by, project) every resource would carry %d, over Azure's %d", key("tags"), len(userTags), len(c.Tags), azure.MaxTags))
	}

	errs = append(errs, c.loadSecrets(ctx))

	// The components own their rules; run them here, on the args the stack
	// will pass, so that every error names the configuration key.
	if clusterErr == nil {
		errs = append(errs, c.validateCluster())
	}
	if registryErr == nil {
		errs = append(errs, c.validateRegistry(networkErr == nil))
	}
	if vaultErr == nil {
		errs = append(errs, explicitZero("vault.softDeleteRetentionDays", c.Vault.SoftDeleteRetentionDays, azure.MinSoftDeleteRetentionDays, azure.MaxSoftDeleteRetentionDays))
		errs = append(errs, components.RenameFields(tagCountDropped(c.vaultArgs(pulumi.String(c.ResourceGroup), pulumi.String("")).Validate()), vaultKey))
	}
	errs = append(errs, c.loadWorkloads(get(key("workloads"))))

	if err := errors.Join(distinct(errs)...); err != nil {
		return nil, &ConfigError{Stack: c.Stack, Err: err}
	}
	return c, nil
}

// tagCountDropped removes the components' tag-count rule from err: the
// loader checks the count itself, naming the user's own number of tags.
func tagCountDropped(err error) error {
	return dropFieldErrors(err, func(fe *components.FieldError) bool {
		_, isCount := fe.Value.(int)
		return fe.Field == "Tags" && isCount
	})
}

// distinct flattens joined errors and drops repeats: one problem that
// several components check (the tags every resource carries) is one message.
func distinct(errs []error) []error {
	var out []error
	seen := map[string]bool{}
	for _, err := range errs {
		for _, e := range components.Unjoin(err) {
			if msg := e.Error(); !seen[msg] {
				seen[msg] = true
				out = append(out, e)
			}
		}
	}
	return out
}

// ConfigError is a stack configuration that does not validate. Its message
// lists every problem, one a line.
type ConfigError struct {
	Stack string
	Err   error
	// Guardrails, when the configuration is refused for breaking guardrails
	// of the production profile, are every rule's finding, passed and
	// skipped ones too: what `cmd/plan -check` prints.
	Guardrails []GuardrailFinding
}

// Profile is the set of guardrails a stack is held to (secure-aks:profile,
// docs/guardrails.md).
type Profile string

const (
	// ProfileStandard holds a stack to the rules that apply everywhere,
	// reported by `cmd/plan -check`. It is the default.
	ProfileStandard Profile = "standard"
	// ProfileProduction adds the production rules, and the program refuses a
	// configuration that breaks any rule before it registers anything.
	ProfileProduction Profile = "production"
)

// GuardrailFinding is one guardrail's outcome on a stack's plan.
type GuardrailFinding struct {
	// Rule is the rule's ID, such as AKS-SLA-TIER (docs/guardrails.md).
	Rule string
	// Status is PASS, FAIL or SKIP.
	Status string
	// Resources are the checked resources' names: the failing ones on FAIL.
	Resources []string
	// Message says why it failed, passed or was skipped.
	Message string
}

// String is the line `cmd/plan -check` prints: STATUS RULE-ID resources: message.
func (f GuardrailFinding) String() string {
	return guardrails.Line(f.Status, f.Rule, f.Resources, f.Message)
}

func (e *ConfigError) Error() string {
	problems := components.Unjoin(e.Err)
	var b strings.Builder
	fmt.Fprintf(&b, "stack %q has %d configuration problem(s):", e.Stack, len(problems))
	for _, p := range problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// decodeObject decodes a JSON configuration object strictly: an unknown key
// (a typo) is an error naming it.
func decodeObject(raw, path string, out any) error {
	if raw == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := path
			if te.Field != "" {
				field += "." + te.Field
			}
			return fmt.Errorf("%s: got a JSON %s, want %s", key(field), te.Value, jsonKind(te.Type.String()))
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return fmt.Errorf("%s.%s: unknown key", key(path), name)
		}
		return fmt.Errorf("%s %q: %v", key(path), raw, err)
	}
	return nil
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "a whole number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "stacks."):
		return "an object"
	default:
		return "a string"
	}
}

// explicitZero rejects a number that is present in configuration but zero;
// the components read zero as "use the default".
func explicitZero(path string, v *int, lo, hi int) error {
	if v != nil && *v == 0 {
		return fmt.Errorf("%s 0: must be between %d and %d", key(path), lo, hi)
	}
	return nil
}

// loadWorkloads reads secure-aks:workloads one entry, and one object, at a
// time, so that a decoding error names its entry and its object, then checks
// the entries.
func (c *Config) loadWorkloads(raw string) error {
	var entries []json.RawMessage
	if err := decodeObject(raw, "workloads", &entries); err != nil {
		return err
	}
	var errs []error
	for i, entry := range entries {
		at := fmt.Sprintf("workloads[%d]", i)
		// The objects are taken out of the entry and decoded one by one, so
		// that an error inside one names its index.
		var fields map[string]json.RawMessage
		if err := decodeObject(string(entry), at, &fields); err != nil {
			errs = append(errs, err)
			continue
		}
		var objects []json.RawMessage
		if err := decodeObject(string(fields["objects"]), at+".objects", &objects); err != nil {
			errs = append(errs, err)
			continue
		}
		delete(fields, "objects")
		rest, err := json.Marshal(fields)
		if err != nil {
			return err
		}
		var w WorkloadConfig
		if err := decodeObject(string(rest), at, &w); err != nil {
			errs = append(errs, err)
			continue
		}
		w.Objects = make([]ObjectConfig, len(objects))
		for j, o := range objects {
			if err := decodeObject(string(o), fmt.Sprintf("%s.objects[%d]", at, j), &w.Objects[j]); err != nil {
				errs = append(errs, err)
			}
		}
		c.Workloads = append(c.Workloads, w.withDefaults())
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return c.validateWorkloads()
}

// loadSecrets reads secure-aks:secrets with the SDK's secret getter and
// matches it to vault.secretNames. The CLI injects the project default, a
// plain {}, into a stack that sets no secret: an empty object is not a value
// stored in plain text.
func (c *Config) loadSecrets(ctx *pulumi.Context) error {
	var errs []error
	values := map[string]string{}
	var raw json.RawMessage
	if _, err := config.GetSecretObject(ctx, key("secrets"), &raw); err != nil {
		return fmt.Errorf("%s: must be an object of secret values, one per name in %s", key("secrets"), key("vault.secretNames"))
	}
	if len(raw) > 0 {
		if err := decodeObject(string(raw), "secrets", &values); err != nil {
			return err
		}
		if len(values) > 0 && !ctx.IsConfigSecret(key("secrets")) {
			errs = append(errs, fmt.Errorf("%s: is stored in plain text in Pulumi.%s.yaml: remove it and set each value with pulumi config set --secret --path 'secrets.NAME' VALUE", key("secrets"), c.Stack))
		}
	}
	c.Secrets = map[string]pulumi.StringInput{}
	for i, n := range c.Vault.SecretNames {
		if slices.Contains(c.Vault.SecretNames[:i], n) {
			errs = append(errs, fmt.Errorf("%s[%d] %q: must not repeat an earlier entry", key("vault.secretNames"), i, n))
			continue
		}
		v, ok := values[n]
		if !ok {
			// The Vault's rules still check the name below. A name those
			// rules refuse needs no value yet.
			if len(components.CheckSecretName(n)) == 0 {
				errs = append(errs, fmt.Errorf("%s.%s: has no value: run pulumi config set --secret --path 'secrets.%s' VALUE -s %s", key("secrets"), n, n, c.Stack))
			}
		}
		c.Secrets[n] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
	}
	for _, n := range sortedKeys(values) {
		if !slices.Contains(c.Vault.SecretNames, n) {
			errs = append(errs, fmt.Errorf("%s.%s: is not listed in %s: add it there, or remove the value", key("secrets"), n, key("vault.secretNames")))
		}
	}
	return errors.Join(errs...)
}

// clusterArgs maps the configuration onto the Cluster component's args.
func (c *Config) clusterArgs(resourceGroupName pulumi.StringInput) *components.ClusterArgs {
	a := &components.ClusterArgs{
		ResourceGroupName:     resourceGroupName,
		Location:              pulumi.String(c.Location),
		Name:                  c.Cluster.Name,
		KubernetesVersion:     c.Cluster.KubernetesVersion,
		NodeVMSize:            c.Cluster.NodeVMSize,
		AvailabilityZones:     c.Cluster.AvailabilityZones,
		SecretRotationEnabled: c.Cluster.SecretRotation,
		RotationPollInterval:  c.Cluster.RotationPollInterval,
		LocalAccountsDisabled: c.Cluster.LocalAccountsDisabled,
		AdminGroupObjectIDs:   c.Cluster.AdminGroupObjectIDs,
		AuthorizedIPRanges:    c.Cluster.AuthorizedIPRanges,
		Tier:                  c.Cluster.Tier,
		NetworkPolicy:         c.Cluster.NetworkPolicy,
		UpgradeChannel:        c.Cluster.UpgradeChannel,
		NodeOSUpgradeChannel:  c.Cluster.NodeOSUpgradeChannel,
		Protect:               c.Cluster.Protect,
		Tags:                  c.Tags,
	}
	if c.Cluster.NodeCount != nil {
		a.NodeCount = *c.Cluster.NodeCount
	}
	a.NodeMinCount, a.NodeMaxSurge = c.Cluster.NodeMinCount, c.Cluster.NodeMaxSurge
	if c.Cluster.NodeMaxCount != nil {
		a.NodeMaxCount = *c.Cluster.NodeMaxCount
	}
	if len(c.Cluster.NodePools) > 0 {
		a.NodePools = map[string]components.NodePoolArgs{}
		for _, p := range c.Cluster.NodePools {
			if _, dup := a.NodePools[p.Name]; !dup {
				a.NodePools[p.Name] = p.args()
			}
		}
	}
	a.AutoUpgradeWindow = c.Cluster.Maintenance.AutoUpgrade.window()
	a.NodeOSUpgradeWindow = c.Cluster.Maintenance.NodeOS.window()
	a.ContainerInsightsEnabled = c.Cluster.ContainerInsights
	a.DefenderEnabled = c.Cluster.Defender
	a.ImageCleanerEnabled = c.Cluster.ImageCleaner
	if c.Cluster.ImageCleanerIntervalHours != nil {
		a.ImageCleanerIntervalHours = *c.Cluster.ImageCleanerIntervalHours
	}
	return a
}

// registryArgs maps secure-aks:registry onto the Registry component's args.
func (c *Config) registryArgs(resourceGroupName pulumi.StringInput) *components.RegistryArgs {
	return &components.RegistryArgs{
		ResourceGroupName: resourceGroupName,
		Location:          pulumi.String(c.Location),
		Name:              c.Registry.Name,
		SKU:               c.Registry.SKU,
		Protect:           c.Registry.Protect,
		Tags:              c.Tags,
	}
}

// vaultArgs maps the configuration onto the Vault component's args.
func (c *Config) vaultArgs(resourceGroupName, tenantID pulumi.StringInput) *components.VaultArgs {
	a := &components.VaultArgs{
		ResourceGroupName:      resourceGroupName,
		Location:               pulumi.String(c.Location),
		TenantID:               tenantID,
		Name:                   c.Vault.Name,
		SKU:                    c.Vault.SKU,
		PurgeProtectionEnabled: c.Vault.PurgeProtection,
		NetworkDefaultAction:   c.Vault.NetworkDefaultAction,
		AllowedIPRanges:        c.Vault.AllowedIPRanges,
		SubnetIDs:              c.Vault.SubnetIDs,
		Secrets:                c.Secrets,
		DeleteLock:             c.Vault.DeleteLock,
		Protect:                c.Vault.Protect,
		Tags:                   c.Tags,
	}
	a.Authorization = c.vaultAuthorization()
	if c.Vault.SoftDeleteRetentionDays != nil {
		a.SoftDeleteRetentionDays = *c.Vault.SoftDeleteRetentionDays
	}
	return a
}

// networkArgs maps secure-aks:network onto the Network component's args.
func (c *Config) networkArgs(resourceGroupName pulumi.StringInput) *components.NetworkArgs {
	return &components.NetworkArgs{
		ResourceGroupName:    resourceGroupName,
		Location:             pulumi.String(c.Location),
		AddressSpace:         c.Network.AddressSpace,
		NodeSubnetPrefix:     c.Network.NodeSubnet,
		EndpointSubnetPrefix: c.Network.EndpointSubnet,
		Tags:                 c.Tags,
	}
}

// logRetentionDays is logs.retentionDays, or its default.
func (c *Config) logRetentionDays() int {
	if c.Logs.RetentionDays == nil {
		return DefaultLogRetentionDays
	}
	return *c.Logs.RetentionDays
}

func (c *Config) vaultAuthorization() components.VaultAuthorization {
	if c.Vault.RBACAuthorization != nil && !*c.Vault.RBACAuthorization {
		return components.VaultAuthorizationAccessPolicy
	}
	return components.VaultAuthorizationRBAC
}

// networkKey and vaultKey name the configuration key of a component field.
func networkKey(field string) string {
	return configKey(field, "network", map[string]string{
		"ResourceGroupName":    "resourceGroup",
		"AddressSpace":         "network.addressSpace",
		"NodeSubnetPrefix":     "network.nodeSubnet",
		"EndpointSubnetPrefix": "network.endpointSubnet",
		"Tags":                 "tags",
	})
}

func vaultKey(field string) string {
	return configKey(field, "vault", map[string]string{
		"ResourceGroupName":           "resourceGroup",
		"Name":                        "vault.name",
		"SKU":                         "vault.sku",
		"Authorization":               "vault.rbacAuthorization",
		"PurgeProtectionEnabled":      "vault.purgeProtection",
		"SoftDeleteRetentionDays":     "vault.softDeleteRetentionDays",
		"NetworkDefaultAction":        "vault.networkDefaultAction",
		"AllowedIPRanges":             "vault.allowedIpRanges",
		"SubnetIDs":                   "vault.subnetIds",
		"Secrets":                     "vault.secretNames",
		"SecretsOfficerPrincipalType": "deployerPrincipalType",
		"DeleteLock":                  "vault.deleteLock",
		"Protect":                     "vault.protect",
		"Tags":                        "tags",
	})
}

// configKey maps "AvailabilityZones[1]" to "secure-aks:cluster.availabilityZones[1]".
func configKey(field, fallback string, names map[string]string) string {
	head, rest := field, ""
	if i := strings.IndexAny(field, "[."); i >= 0 {
		head, rest = field[:i], field[i:]
	}
	if n, ok := names[head]; ok {
		return key(n + rest)
	}
	return key(fallback + "." + field)
}
