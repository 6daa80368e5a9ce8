package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
)

func validClusterArgs() ClusterArgs {
	return ClusterArgs{ResourceGroupName: pulumi.String("rg")}
}

func TestClusterArgsDefaults(t *testing.T) {
	t.Parallel()
	caller := validClusterArgs()
	got := caller.withDefaults()
	if got.NodeCount != 3 {
		t.Errorf("NodeCount = %d, want 3", got.NodeCount)
	}
	if got.NodeVMSize != "Standard_D2s_v5" {
		t.Errorf("NodeVMSize = %q", got.NodeVMSize)
	}
	if got.SecretRotationEnabled == nil || !*got.SecretRotationEnabled {
		t.Errorf("SecretRotationEnabled = %v, want true", got.SecretRotationEnabled)
	}
	if got.RotationPollInterval != "2m" {
		t.Errorf("RotationPollInterval = %q, want 2m", got.RotationPollInterval)
	}
	if got.LocalAccountsDisabled {
		t.Error("LocalAccountsDisabled defaulted to true")
	}
	// Defaults never modify the caller's struct.
	if caller.NodeCount != 0 || caller.SecretRotationEnabled != nil || caller.RotationPollInterval != "" {
		t.Errorf("withDefaults modified the caller's args: %+v", caller)
	}
	// Explicit values win over defaults.
	explicit := ClusterArgs{NodeCount: 5, NodeVMSize: "Standard_D8s_v5", SecretRotationEnabled: pulumi.BoolRef(false), RotationPollInterval: "30s"}.withDefaults()
	if explicit.NodeCount != 5 || explicit.NodeVMSize != "Standard_D8s_v5" || *explicit.SecretRotationEnabled || explicit.RotationPollInterval != "30s" {
		t.Errorf("explicit values were overridden: %+v", explicit)
	}
}

func TestClusterArgsValidate(t *testing.T) {
	t.Parallel()
	tests := []validateCase[ClusterArgs]{
		{"valid defaults", func(*ClusterArgs) {}, nil},
		{"valid full", func(a *ClusterArgs) {
			a.Name, a.KubernetesVersion, a.NodeCount = "aks-prod_1", "1.33.2", 100
			a.AvailabilityZones = []string{"1", "2", "3"}
			a.LocalAccountsDisabled, a.AdminGroupObjectIDs = true, []string{"11111111-2222-3333-4444-555555555555"}
			a.AuthorizedIPRanges = []string{"203.0.113.0/24", "198.51.100.7"}
			a.RotationPollInterval = "1s"
		}, nil},
		{"resource group required", func(a *ClusterArgs) { a.ResourceGroupName = nil }, []string{"ResourceGroupName (unset): is required"}},
		{"name characters", func(a *ClusterArgs) { a.Name = "aks.prod" }, []string{`Name "aks.prod": must be 1-63`}},
		{"name starts alphanumeric", func(a *ClusterArgs) { a.Name = "-aks" }, []string{`Name "-aks"`}},
		{"name too long", func(a *ClusterArgs) { a.Name = strings.Repeat("a", 64) }, []string{"Name"}},
		{"kubernetes version form", func(a *ClusterArgs) { a.KubernetesVersion = "v1.33" }, []string{`KubernetesVersion "v1.33": must be MAJOR.MINOR`}},
		{"kubernetes version four parts", func(a *ClusterArgs) { a.KubernetesVersion = "1.33.2.1" }, []string{"KubernetesVersion"}},
		{"node count low", func(a *ClusterArgs) { a.NodeCount = -1 }, []string{"NodeCount -1: must be between 1 and 100"}},
		{"node count high", func(a *ClusterArgs) { a.NodeCount = 101 }, []string{"NodeCount 101: must be between 1 and 100"}},
		{"vm size", func(a *ClusterArgs) { a.NodeVMSize = "D2s_v5" }, []string{`NodeVMSize "D2s_v5": must be an Azure VM size`}},
		{"zone value", func(a *ClusterArgs) { a.AvailabilityZones = []string{"1", "4"} }, []string{`AvailabilityZones[1] "4": must be "1", "2" or "3"`}},
		{"zone repeated", func(a *ClusterArgs) { a.AvailabilityZones = []string{"1", "1"} }, []string{`AvailabilityZones[1] "1": must not repeat`}},
		{"poll interval form", func(a *ClusterArgs) { a.RotationPollInterval = "2 minutes" }, []string{`RotationPollInterval "2 minutes": must be a duration`}},
		{"poll interval minimum", func(a *ClusterArgs) { a.RotationPollInterval = "500ms" }, []string{`RotationPollInterval "500ms": must be at least 1s`}},
		{"local accounts off needs admin group", func(a *ClusterArgs) { a.LocalAccountsDisabled = true }, []string{"AdminGroupObjectIDs \"\": must name at least one admin group"}},
		{"admin group GUID", func(a *ClusterArgs) { a.AdminGroupObjectIDs = []string{"admins"} }, []string{`AdminGroupObjectIDs[0] "admins": must be a GUID`}},
		{"admin group repeated", func(a *ClusterArgs) {
			a.AdminGroupObjectIDs = []string{"11111111-2222-3333-4444-555555555555", "11111111-2222-3333-4444-555555555555"}
		}, []string{"AdminGroupObjectIDs[1]"}},
		{"authorized range form", func(a *ClusterArgs) { a.AuthorizedIPRanges = []string{"10.0.0.0/33"} }, []string{`AuthorizedIPRanges[0] "10.0.0.0/33": must be an IPv4 address or CIDR`}},
		{"authorized range IPv6", func(a *ClusterArgs) { a.AuthorizedIPRanges = []string{"2001:db8::/32"} }, []string{"must be an IPv4 address"}},
		{"authorized range host bits", func(a *ClusterArgs) { a.AuthorizedIPRanges = []string{"203.0.113.5/24"} }, []string{"did you mean 203.0.113.0/24?"}},
		{"authorized range repeated", func(a *ClusterArgs) { a.AuthorizedIPRanges = []string{"198.51.100.7", "198.51.100.7"} }, []string{"AuthorizedIPRanges[1]"}},
		{"tag name characters", func(a *ClusterArgs) { a.Tags = map[string]string{"a/b": "x"} }, []string{`Tags "a/b": tag names must not contain`}},
		{"tag value length", func(a *ClusterArgs) { a.Tags = map[string]string{"a": strings.Repeat("x", 257)} }, []string{"Tags.a"}},
	}
	runValidateCases(t, validClusterArgs, ClusterArgs.Validate, tests)
}

func TestClusterValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	err := ClusterArgs{NodeCount: 500, KubernetesVersion: "latest", RotationPollInterval: "0s"}.Validate()
	wantErrs(t, err, "ResourceGroupName", "NodeCount 500", `KubernetesVersion "latest"`, `RotationPollInterval "0s"`)
}

func TestNewClusterInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating cluster "aks": RotationPollInterval "fast"`, func(ctx *pulumi.Context) error {
		_, err := NewCluster(ctx, "aks", &ClusterArgs{ResourceGroupName: pulumi.String("rg"), NodeCount: 0, RotationPollInterval: "fast"})
		return err
	})
}

// clusterRun creates one cluster under the recording mock.
func clusterRun(t *testing.T, args *ClusterArgs) *plan.Recorder {
	t.Helper()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewCluster(ctx, "aks", args)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestNewClusterAlwaysOnFeatures(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), RotationPollInterval: "45s"})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "oidcIssuerProfile.enabled", true)
	wantInput(t, mc, "securityProfile.workloadIdentity.enabled", true)
	// The ARM key is azureKeyvaultSecretsProvider, not the walkthrough's
	// azurekeyvaultsecretsdriver.
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.enabled", true)
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", "true")
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval", "45s")
	wantNoInput(t, mc, "addonProfiles.azurekeyvaultsecretsdriver")
	wantInput(t, mc, "networkProfile.networkPlugin", "azure")
	wantInput(t, mc, "networkProfile.networkPluginMode", "overlay")
	wantInput(t, mc, "agentPoolProfiles.0.count", 3.0)
	wantInput(t, mc, "agentPoolProfiles.0.mode", "System")
	wantInput(t, mc, "disableLocalAccounts", false)
	wantNoInput(t, mc, "kubernetesVersion")
	wantNoInput(t, mc, "aadProfile")
	wantNoInput(t, mc, "resourceName")
}

func TestNewClusterRotationCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), SecretRotationEnabled: pulumi.BoolRef(false)})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.enabled", true)
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", "false")
	wantInput(t, mc, "addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval", "2m")
}

func TestNewClusterProviderAndParenting(t *testing.T) {
	t.Parallel()
	rec := clusterRun(t, &ClusterArgs{ResourceGroupName: pulumi.String("rg"), Name: "aks-x", KubernetesVersion: "1.33"})
	comp := mustFind(t, rec, ClusterType, "aks")
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	prov := mustFind(t, rec, "pulumi:providers:kubernetes", "aks-k8s")
	wantInput(t, mc, "resourceName", "aks-x")
	wantInput(t, mc, "kubernetesVersion", "1.33")
	// The provider's clusterIdentifier is this incarnation of the cluster,
	// its resourceUID: a cluster replaced under its name keeps its ID.
	wantInput(t, prov, "clusterIdentifier", mc.State["resourceUID"].StringValue())
	if uid := mc.State["resourceUID"].StringValue(); uid == "" || uid == mc.ID {
		t.Errorf("resourceUID = %q: not an identifier of its own", uid)
	}
	if !strings.HasSuffix(mc.ID, "/managedClusters/aks-x") {
		t.Errorf("cluster ID = %q", mc.ID)
	}
	// The kubeconfig is a secret, and it is the admin kubeconfig.
	if !prov.IsSecretInput("kubeconfig") {
		t.Error("provider kubeconfig is not registered as a secret")
	}
	kc, _ := prov.Input("kubeconfig")
	if s, _ := kc.(string); !strings.Contains(s, "clusterAdmin_aks-x") {
		t.Errorf("kubeconfig is not the admin kubeconfig:\n%s", s)
	}
	wantParentedTo(t, rec.Resources(), comp)
}

func TestNewClusterWithoutLocalAccounts(t *testing.T) {
	t.Parallel()
	group := "11111111-2222-3333-4444-555555555555"
	rec := clusterRun(t, &ClusterArgs{
		ResourceGroupName:     pulumi.String("rg"),
		LocalAccountsDisabled: true,
		AdminGroupObjectIDs:   []string{group},
		AuthorizedIPRanges:    []string{"203.0.113.0/24"},
	})
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "disableLocalAccounts", true)
	wantInput(t, mc, "aadProfile.managed", true)
	wantInput(t, mc, "aadProfile.enableAzureRBAC", true)
	wantInput(t, mc, "aadProfile.adminGroupObjectIDs.0", group)
	wantInput(t, mc, "apiServerAccessProfile.authorizedIPRanges.0", "203.0.113.0/24")

	var tokens []string
	for _, inv := range rec.Invokes() {
		tokens = append(tokens, inv.Token)
	}
	if !strings.Contains(strings.Join(tokens, " "), "listManagedClusterUserCredentials") || strings.Contains(strings.Join(tokens, " "), "Admin") {
		t.Errorf("invokes = %v, want the user credentials only", tokens)
	}
	prov := mustFind(t, rec, "pulumi:providers:kubernetes", "aks-k8s")
	kc, _ := prov.Input("kubeconfig")
	s, _ := kc.(string)
	if !strings.Contains(s, "azurecli") || strings.Contains(s, "devicecode") {
		t.Errorf("kubeconfig is not converted for kubelogin --login azurecli:\n%s", s)
	}
}

func TestClusterOutputs(t *testing.T) {
	t.Parallel()
	var got struct{ issuer, kubeletClient, addonClient, name, id string }
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		c, err := NewCluster(ctx, "aks", &ClusterArgs{ResourceGroupName: pulumi.String("rg")})
		if err != nil {
			return err
		}
		pulumi.All(c.OIDCIssuerURL, c.KubeletIdentity.ClientID, c.SecretsProviderIdentity.ClientID, c.Name, c.ID).ApplyT(func(v []any) error {
			got.issuer, got.kubeletClient, got.addonClient, got.name, got.id = v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string)
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	issuer, _ := plan.Lookup(plan.Reveal(resourceValue(mc.State)), "oidcIssuerProfile.issuerURL")
	if got.issuer != issuer || !strings.HasSuffix(got.issuer, "/") {
		t.Errorf("OIDCIssuerURL = %q, want the cluster's issuerURL %v (ending in /)", got.issuer, issuer)
	}
	kubelet, _ := plan.Lookup(plan.Reveal(resourceValue(mc.State)), "identityProfile.kubeletidentity.clientId")
	addon, _ := plan.Lookup(plan.Reveal(resourceValue(mc.State)), "addonProfiles.azureKeyvaultSecretsProvider.identity.clientId")
	if got.kubeletClient != kubelet || got.addonClient != addon || got.kubeletClient == got.addonClient {
		t.Errorf("identities = %q, %q; want %v, %v", got.kubeletClient, got.addonClient, kubelet, addon)
	}
	if got.id != mc.ID || got.name != "aks-plan" {
		t.Errorf("Name, ID = %q, %q", got.name, got.id)
	}
}

func TestConvertKubeconfigForAzureCLI(t *testing.T) {
	t.Parallel()
	in := `apiVersion: v1
users:
- name: u
  user:
    exec:
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]
- name: cert
  user:
    client-certificate-data: abc
`
	out, err := ConvertKubeconfigForAzureCLI(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "- azurecli") || !strings.Contains(out, "- 6dae42f8-4368-4678-94ff-3960e28e3630") || strings.Contains(out, "devicecode") {
		t.Errorf("not converted:\n%s", out)
	}
	if !strings.Contains(out, "client-certificate-data: abc") {
		t.Errorf("non-exec user changed:\n%s", out)
	}
	if _, err := ConvertKubeconfigForAzureCLI("users:\n- name: u\n  user:\n    exec:\n      args: [get-token]\n"); err == nil {
		t.Error("want an error for exec args without --server-id")
	}
}
