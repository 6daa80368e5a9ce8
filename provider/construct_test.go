package provider

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/urn"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

const (
	testIssuer  = "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-00000000000b/11111111-0000-0000-0000-000000000000/"
	testVaultID = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-test"
	testTenant  = "00000000-0000-0000-0000-00000000000b"
)

// construct builds one component through the provider's Construct, as the
// engine does for a TypeScript, Python or YAML program, against the same
// recording mock the library's tests use. It returns the component's
// outputs and what was registered.
func construct(t *testing.T, token, name string, inputs map[string]property.Value) (property.Map, *plan.Recorder) {
	t.Helper()
	state, rec, err := tryConstruct(t, token, name, inputs)
	if err != nil {
		t.Fatalf("constructing %s %s: %v", token, name, err)
	}
	return state, rec
}

// tryConstruct constructs a component through the provider, as the engine
// does, and returns what the recording mock saw and the provider's error.
func tryConstruct(t *testing.T, token, name string, inputs map[string]property.Value) (property.Map, *plan.Recorder, error) {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rec := plan.NewRecorder("app", "dev")
	server, err := integration.NewServer(t.Context(), Name, semver.MustParse(Version),
		integration.WithProvider(prov), integration.WithMocks(rec))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.Construct(p.ConstructRequest{
		Urn:    presource.NewURN("dev", "app", "", tokens.Type(token), name),
		Inputs: property.NewMap(inputs),
	})
	return resp.State, rec, err
}

func find(t *testing.T, rec *plan.Recorder, typeSuffix, name string) plan.Resource {
	t.Helper()
	return plantest.MustFind(t, rec.Resources(), typeSuffix, name)
}

func output(t *testing.T, state property.Map, key string) string {
	t.Helper()
	v, ok := state.GetOk(key)
	if !ok {
		t.Fatalf("no output %s in %v", key, state)
	}
	v = v.WithSecret(false)
	if !v.IsString() {
		t.Fatalf("output %s = %v, want a string", key, v)
	}
	return v.AsString()
}

func str(s string) property.Value { return property.New(s) }

// A workload identity built from another language wires as the Go one: the
// credential trusts the given issuer verbatim for exactly its service
// account, the grant is scoped to the given vault and names the identity's
// principal, and the annotation and the clientId output are the identity's
// client ID.
func TestConstructWorkloadIdentity(t *testing.T) {
	state, rec := construct(t, components.WorkloadIdentityType, "orders", map[string]property.Value{
		"resourceGroupName":  str("rg-app"),
		"oidcIssuerUrl":      str(testIssuer),
		"namespace":          str("orders"),
		"serviceAccountName": str("orders-api"),
		"vaultAccess": property.New(property.NewMap(map[string]property.Value{
			"main": property.New(property.NewMap(map[string]property.Value{"vaultId": str(testVaultID), "objectTypes": property.New([]property.Value{str("secret")})})),
		})),
	})
	id := find(t, rec, ":UserAssignedIdentity", "orders")
	clientID, principalID := id.State["clientId"].StringValue(), id.State["principalId"].StringValue()

	fic := find(t, rec, ":FederatedIdentityCredential", "orders-fic")
	plantest.WantInput(t, fic, "issuer", testIssuer)
	plantest.WantInput(t, fic, "subject", "system:serviceaccount:orders:orders-api")
	plantest.WantInput(t, fic, "resourceName", id.State["name"].StringValue())

	grant := find(t, rec, ":RoleAssignment", "orders-main-secrets-user")
	plantest.WantInput(t, grant, "scope", testVaultID)
	plantest.WantInput(t, grant, "principalId", principalID)

	sa := find(t, rec, "kubernetes:core/v1:ServiceAccount", "orders-sa")
	annotations, _ := sa.Input("metadata.annotations")
	if got := annotations.(map[string]any)[components.ClientIDAnnotation]; got != clientID {
		t.Errorf("service account annotation %s = %v, want the identity's client ID %q", components.ClientIDAnnotation, got, clientID)
	}

	if got := output(t, state, "clientId"); got != clientID {
		t.Errorf("output clientId %q, want the identity's %q", got, clientID)
	}
	if got := output(t, state, "subject"); got != "system:serviceaccount:orders:orders-api" {
		t.Errorf("output subject %q", got)
	}
}

// A SecretMount's class carries the given client ID, tenant and vault, and
// its outputs name the volume a pod mounts.
func TestConstructSecretMount(t *testing.T) {
	state, rec := construct(t, components.SecretMountType, "orders", map[string]property.Value{
		"namespace": str("orders"),
		"vaultName": str("kv-test"),
		"tenantId":  str(testTenant),
		"clientId":  str("00000000-0000-0000-0000-00000000000c"),
		"objects": property.New([]property.Value{
			property.New(property.NewMap(map[string]property.Value{"name": str("db-password"), "alias": str("db")})),
		}),
	})
	spc := find(t, rec, "SecretProviderClass", "orders")
	plantest.WantInput(t, spc, "spec.parameters.clientID", "00000000-0000-0000-0000-00000000000c")
	plantest.WantInput(t, spc, "spec.parameters.tenantID", testTenant)
	plantest.WantInput(t, spc, "spec.parameters.keyvaultName", "kv-test")
	if got := output(t, state, "volumeName"); got != "secrets-store-orders" {
		t.Errorf("output volumeName %q", got)
	}
	if got := output(t, state, "mountPath"); got != components.DefaultMountPath {
		t.Errorf("output mountPath %q", got)
	}
}

// vaultAccess.*.authorization takes an Output, as the platform's
// vaultAuthorization output is one in other languages: a known value
// decides the grants (here access policies, no role assignment), and an
// unknown one is refused by its property name, with nothing registered.
func TestConstructWorkloadIdentityAuthorizationFromAnOutput(t *testing.T) {
	platform := []urn.URN{"urn:pulumi:dev::app::pulumi:pulumi:StackReference::platform"}
	inputs := func(authorization property.Value) map[string]property.Value {
		return map[string]property.Value{
			"resourceGroupName":  str("rg-app"),
			"oidcIssuerUrl":      str(testIssuer),
			"namespace":          str("orders"),
			"serviceAccountName": str("orders-api"),
			"vaultAccess": property.New(property.NewMap(map[string]property.Value{
				"platform": property.New(property.NewMap(map[string]property.Value{
					"vaultId":       str(testVaultID).WithDependencies(platform),
					"authorization": authorization,
					"objectTypes":   property.New([]property.Value{str("secret")}),
				})),
			})),
		}
	}

	_, rec := construct(t, components.WorkloadIdentityType, "orders",
		inputs(str(string(components.VaultAuthorizationAccessPolicy)).WithDependencies(platform)))
	find(t, rec, "keyvault:AccessPolicy", "orders-platform-policy")
	for _, r := range rec.Resources() {
		if strings.HasSuffix(r.Type, ":RoleAssignment") {
			t.Errorf("a role assignment %s for a vault of access policies", r.Name)
		}
	}

	_, rec, err := tryConstruct(t, components.WorkloadIdentityType, "orders",
		inputs(property.New(property.Computed).WithDependencies(platform)))
	if err == nil || !strings.Contains(err.Error(), "vaultAccess.platform.authorization is not known yet") {
		t.Errorf("an unknown authorization: err = %v, want it named", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("an unknown authorization registered %d resources", n)
	}
}

// A cluster's outputs are its issuer and ID, and its kubeconfig stays a
// secret across the language boundary.
func TestConstructCluster(t *testing.T) {
	state, rec := construct(t, components.ClusterType, "aks", map[string]property.Value{
		"resourceGroupName": str("rg-app"),
	})
	mc := find(t, rec, ":ManagedCluster", "aks")
	plantest.WantInput(t, mc, "oidcIssuerProfile.enabled", true)
	plantest.WantInput(t, mc, "securityProfile.workloadIdentity.enabled", true)
	if got, want := output(t, state, "oidcIssuerUrl"), mc.State["oidcIssuerProfile"].ObjectValue()["issuerURL"].StringValue(); got != want {
		t.Errorf("output oidcIssuerUrl %q, want the cluster's %q", got, want)
	}
	if got := output(t, state, "clusterId"); got != mc.ID {
		t.Errorf("output clusterId %q, want %q", got, mc.ID)
	}
	if v, _ := state.GetOk("kubeconfig"); !v.Secret() {
		t.Errorf("output kubeconfig is not a secret")
	}

	// The Kubernetes provider crosses as a reference to the one the
	// library made, which the engine hydrates into the language's Provider.
	k8s := find(t, rec, "pulumi:providers:kubernetes", "aks-k8s")
	v, ok := state.GetOk("kubernetesProvider")
	if !ok || !v.IsResourceReference() {
		t.Fatalf("output kubernetesProvider = %v, want a resource reference", v)
	}
	// The integration server names stack and project otherwise than the
	// recorder; the type and name are the provider's.
	if ref := v.AsResourceReference(); !strings.HasSuffix(k8s.URN, "$"+string(ref.URN.Type())+"::"+ref.URN.Name()) {
		t.Errorf("output kubernetesProvider refers to %s, want the cluster's provider %s", ref.URN, k8s.URN)
	}
}

// A vault's secrets stay secret on their way in, and its outputs name it.
func TestConstructVault(t *testing.T) {
	state, rec := construct(t, components.VaultType, "kv", map[string]property.Value{
		"resourceGroupName": str("rg-app"),
		"tenantId":          str(testTenant),
		"secrets": property.New(property.NewMap(map[string]property.Value{
			"db-password": property.New("s3cret").WithSecret(true),
		})),
	})
	kv := find(t, rec, "keyvault:Vault", "kv")
	plantest.WantInput(t, kv, "properties.enableRbacAuthorization", true)
	plantest.WantInput(t, kv, "properties.enablePurgeProtection", true)
	secret := find(t, rec, "keyvault:Secret", "kv-db-password")
	if v := secret.RawInputs["properties"].ObjectValue()["value"]; !v.ContainsSecrets() {
		t.Errorf("the secret's value reached the Secret resource unmarked: %v", v)
	}
	if got := output(t, state, "vaultId"); got != kv.ID {
		t.Errorf("output vaultId %q, want %q", got, kv.ID)
	}
	if got := output(t, state, "authorization"); got != string(components.VaultAuthorizationRBAC) {
		t.Errorf("output authorization %q", got)
	}
}

// Bad input from another language gets the library's messages under the
// names the caller wrote, and registers nothing.
func TestConstructRefusesBadInputByItsSchemaName(t *testing.T) {
	_, rec, err := tryConstruct(t, components.WorkloadIdentityType, "orders", map[string]property.Value{
		"resourceGroupName":  str("rg-app"),
		"oidcIssuerUrl":      str(testIssuer),
		"namespace":          str("Orders"),
		"serviceAccountName": str("orders-api"),
		"vaultAccess": property.New(property.NewMap(map[string]property.Value{
			"main": property.New(property.NewMap(map[string]property.Value{"vaultId": str(testVaultID)})),
		})),
	})
	if err == nil {
		t.Fatal("constructed a workload identity with a bad namespace and no object types")
	}
	for _, want := range []string{`namespace "Orders"`, `vaultAccess.main.objectTypes`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "ObjectTypes") || strings.Contains(err.Error(), "Namespace") {
		t.Errorf("error names the Go fields, not the schema's:\n%v", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered for bad input, want none", n)
	}
}

func TestSchemaPath(t *testing.T) {
	for _, c := range []struct {
		args  any
		field string
		want  string
	}{
		{WorkloadIdentityArgs{}, "VaultAccess.main.ObjectTypes", "vaultAccess.main.objectTypes"},
		{WorkloadIdentityArgs{}, "AdditionalSubjects.ci.Namespace", "additionalSubjects.ci.namespace"},
		{SecretMountArgs{}, "Objects[1].Name", "objects[1].name"},
		{SecretMountArgs{}, "SyncSecret.SecretName", "syncSecret.secretName"},
		{ClusterArgs{}, "AvailabilityZones[0]", "availabilityZones[0]"},
		{ClusterArgs{}, "NodePools[apps].MinCount", "nodePools[apps].minCount"},
		{ClusterArgs{}, "NodePools[apps].Taints[1]", "nodePools[apps].taints[1]"},
		{ClusterArgs{}, "NodeOSUpgradeWindow.UTCOffset", "nodeOsUpgradeWindow.utcOffset"},
		{RegistryArgs{}, "PrivateEndpoint.DNSZoneID", "privateEndpoint.dnsZoneId"},
		{VaultArgs{}, "PrivateEndpoint.SubnetID", "privateEndpoint.subnetId"},
		{VaultArgs{}, "Unknown.Field", "Unknown.Field"},
	} {
		if got := schemaPath(reflect.TypeOf(c.args), c.field); got != c.want {
			t.Errorf("schemaPath(%T, %q) = %q, want %q", c.args, c.field, got, c.want)
		}
	}
}

// A SecretMount named after a YAML resource that is no Kubernetes name
// (ordersSecrets) is refused by the schema's name, saying that name
// defaults to the resource's name.
func TestConstructSecretMountNamesItsDefaultedName(t *testing.T) {
	_, rec, err := tryConstruct(t, components.SecretMountType, "ordersSecrets", map[string]property.Value{
		"namespace": str("orders"),
		"vaultName": str("kv-test"),
		"tenantId":  str(testTenant),
		"clientId":  str("00000000-0000-0000-0000-00000000000c"),
		"objects":   property.New([]property.Value{property.New(property.NewMap(map[string]property.Value{"name": str("db-password")}))}),
	})
	if err == nil {
		t.Fatal("constructed a SecretProviderClass named ordersSecrets")
	}
	for _, want := range []string{`name "ordersSecrets"`, "takes the resource's name"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `Name "ordersSecrets"`) {
		t.Errorf("error names the Go field Name, not the schema's name:\n%v", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered for bad input, want none", n)
	}
}

// A cluster's user pools and windows cross the language boundary: a pool
// becomes an AgentPool of the cluster, a window its maintenance
// configuration; a bad pool is named by the schema's path.
func TestConstructClusterPoolsAndWindows(t *testing.T) {
	_, rec := construct(t, components.ClusterType, "aks", map[string]property.Value{
		"resourceGroupName": str("rg-app"),
		"nodePools": property.New(property.NewMap(map[string]property.Value{
			"apps": property.New(property.NewMap(map[string]property.Value{
				"vmSize": str("Standard_D4ds_v5"), "minCount": property.New(1.0), "maxCount": property.New(3.0),
			})),
		})),
		"nodeOsUpgradeWindow": property.New(property.NewMap(map[string]property.Value{
			"dayOfWeek": str("Saturday"), "startTime": str("01:00"),
		})),
	})
	pool := find(t, rec, ":AgentPool", "aks-pool-apps")
	plantest.WantInput(t, pool, "vmSize", "Standard_D4ds_v5")
	plantest.WantInput(t, pool, "maxCount", 3.0)
	plantest.WantInput(t, find(t, rec, ":ManagedCluster", "aks"), "agentPoolProfiles.0.nodeTaints", []any{azure.SystemPoolTaint})
	plantest.WantInput(t, find(t, rec, ":MaintenanceConfiguration", "aks-node-os-upgrade-window"), "configName", azure.NodeOSUpgradeScheduleName)

	_, rec, err := tryConstruct(t, components.ClusterType, "aks", map[string]property.Value{
		"resourceGroupName": str("rg-app"),
		"nodePools": property.New(property.NewMap(map[string]property.Value{
			"apps": property.New(property.NewMap(map[string]property.Value{"minCount": property.New(4.0), "maxCount": property.New(3.0)})),
		})),
	})
	if err == nil || !strings.Contains(err.Error(), "nodePools[apps].minCount 4: must not exceed MaxCount 3") {
		t.Errorf("a pool with minCount over maxCount: %v", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered for bad input, want none", n)
	}
}

// A registry from another language: private with Premium, its outputs its
// own; a private one without Premium is refused by the schema's name.
func TestConstructRegistry(t *testing.T) {
	endpoint := property.New(property.NewMap(map[string]property.Value{
		"subnetId": str("/subnets/endpoints"), "dnsZoneId": str("/privateDnsZones/privatelink.azurecr.io"),
	}))
	state, rec := construct(t, components.RegistryType, "registry", map[string]property.Value{
		"resourceGroupName": str("rg-app"), "sku": str("Premium"), "privateEndpoint": endpoint,
	})
	acr := find(t, rec, "containerregistry/v20230701:Registry", "registry")
	plantest.WantInput(t, acr, "publicNetworkAccess", "Disabled")
	plantest.WantInput(t, acr, "adminUserEnabled", false)
	if got := output(t, state, "registryId"); got != acr.ID {
		t.Errorf("output registryId %q, want %q", got, acr.ID)
	}
	if got := output(t, state, "loginServer"); !strings.HasSuffix(got, ".azurecr.io") {
		t.Errorf("output loginServer %q", got)
	}
	_, rec, err := tryConstruct(t, components.RegistryType, "registry", map[string]property.Value{
		"resourceGroupName": str("rg-app"), "privateEndpoint": endpoint,
	})
	if err == nil || !strings.Contains(err.Error(), `sku "Standard": must be Premium with a private endpoint`) {
		t.Errorf("a private Standard registry: %v", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered for bad input, want none", n)
	}
}

// A network from another language: the VNet, both zones when asked, and the
// IDs a vault's and a registry's endpoints take.
func TestConstructNetwork(t *testing.T) {
	state, rec := construct(t, components.NetworkType, "vnet", map[string]property.Value{
		"resourceGroupName":      str("rg-app"),
		"registryDnsZoneEnabled": property.New(true),
	})
	vnet := find(t, rec, ":VirtualNetwork", "vnet")
	if got := output(t, state, "networkId"); got != vnet.ID {
		t.Errorf("output networkId %q, want %q", got, vnet.ID)
	}
	if got := output(t, state, "nodeSubnetId"); got != vnet.ID+"/subnets/nodes" {
		t.Errorf("output nodeSubnetId %q", got)
	}
	for zone, out := range map[string]string{"vnet-vault-dns": "vaultDnsZoneId", "vnet-registry-dns": "registryDnsZoneId"} {
		if got := output(t, state, out); got != find(t, rec, ":PrivateZone", zone).ID {
			t.Errorf("output %s %q, want the zone %s's ID", out, got, zone)
		}
	}
}
