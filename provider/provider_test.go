package provider

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/provider/internal/libdocs"
)

var update = flag.Bool("update", false, "rewrite schema.json from the provider")

// TestSchemaUpToDate holds schema.json to what the binary prints
// (pulumi-resource-secure-aks -schema): the SDKs are generated from the file,
// so a stale copy would ship a stale API.
func TestSchemaUpToDate(t *testing.T) {
	got, err := SchemaJSON(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("provider/schema.json is stale: the provider's schema changed.\nRegenerate it with:\n    go -C provider run ./cmd/pulumi-resource-secure-aks -schema > provider/schema.json\n(or go -C provider test . -update) and commit it with the change.")
	}
}

// TestSchemaComponents checks that the schema serves the library's four
// components, as components, under the library's own type tokens.
func TestSchemaComponents(t *testing.T) {
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Name      string `json:"name"`
		Resources map[string]struct {
			IsComponent bool `json:"isComponent"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if schema.Name != "secure-aks" {
		t.Errorf("package name %q, want secure-aks", schema.Name)
	}
	want := []string{components.ClusterType, components.NetworkType, components.RegistryType, components.SecretMountType, components.VaultType, components.WorkloadIdentityType}
	var got []string
	for token, r := range schema.Resources {
		got = append(got, token)
		if !r.IsComponent {
			t.Errorf("%s is not marked isComponent", token)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("schema resources %v, want %v", got, want)
	}
}

// TestArgsMirrorTheLibrary holds each schema input type to the library type
// it stands for: the same exported fields, by name, so a field added to the
// library cannot be missing from TypeScript, Python or YAML.
func TestArgsMirrorTheLibrary(t *testing.T) {
	pairs := []struct{ provider, library any }{
		{ClusterArgs{}, components.ClusterArgs{}},
		{VaultArgs{}, components.VaultArgs{}},
		{VaultPrivateEndpoint{}, components.PrivateEndpointArgs{}},
		{NodePoolArgs{}, components.NodePoolArgs{}},
		{MaintenanceWindow{}, components.MaintenanceWindow{}},
		{RegistryArgs{}, components.RegistryArgs{}},
		{NetworkArgs{}, components.NetworkArgs{}},
		{PrivateEndpointArgs{}, components.PrivateEndpointArgs{}},
		{WorkloadIdentityArgs{}, components.WorkloadIdentityArgs{}},
		{ServiceAccountRef{}, components.ServiceAccountRef{}},
		{VaultAccess{}, components.VaultAccess{}},
		{SecretMountArgs{}, components.SecretMountArgs{}},
		{SecretObject{}, components.SecretObject{}},
		{SyncSecret{}, components.SyncSecret{}},
	}
	for _, pair := range pairs {
		lib := reflect.TypeOf(pair.library)
		got, want := fieldNames(reflect.TypeOf(pair.provider)), slices.DeleteFunc(fieldNames(lib), func(f string) bool {
			_, skip := argsNotServable[lib.Name()+"."+f]
			return skip
		})
		if !slices.Equal(got, want) {
			t.Errorf("provider.%T has fields %v,\nbut the library's %T has %v", pair.provider, got, pair.library, want)
		}
	}
}

// argsNotServable are the library's Args fields that a schema input cannot
// carry, with why.
var argsNotServable = map[string]string{
	"WorkloadIdentityArgs.ServiceAccountDependsOn": "a resource list is no schema input: a caller of the component provider passes such resources as the component's dependsOn, which every child waits for",
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if f.IsExported() && !f.Anonymous {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	return names
}

// TestOutputsMirrorTheLibrary holds each component's schema outputs to the
// library component's exported fields: every field is served under a named
// property (or is named here as not servable, with why), so a field added
// to the library cannot be missing from other languages.
func TestOutputsMirrorTheLibrary(t *testing.T) {
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Resources map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	// The library field and the schema properties that serve it; none for
	// a field another language cannot receive (a Go resource object).
	served := map[string]map[string][]string{
		components.ClusterType: {
			"Name": {"name"}, "ID": {"clusterId"}, "UID": {"clusterUid"}, "OIDCIssuerURL": {"oidcIssuerUrl"}, "Kubeconfig": {"kubeconfig"},
			"KubeletIdentity":         {"kubeletClientId", "kubeletObjectId"},
			"SecretsProviderIdentity": {"secretsProviderClientId", "secretsProviderObjectId"},
			"KubernetesProvider":      {"kubernetesProvider"},
		},
		components.VaultType: {
			"Name": {"name"}, "ID": {"vaultId"}, "URI": {"uri"}, "TenantID": {"tenantId"},
			"Authorization": {"authorization"}, "SecretURIs": {"secretUris"},
		},
		components.RegistryType: {
			"Name": {"name"}, "ID": {"registryId"}, "LoginServer": {"loginServer"},
		},
		components.NetworkType: {
			"ID": {"networkId"}, "NodeSubnetID": {"nodeSubnetId"}, "EndpointSubnetID": {"endpointSubnetId"},
			"VaultDNSZoneID": {"vaultDnsZoneId"}, "RegistryDNSZoneID": {"registryDnsZoneId"},
		},
		components.WorkloadIdentityType: {
			"ID": {"identityId"}, "ClientID": {"clientId"}, "PrincipalID": {"principalId"}, "TenantID": {"tenantId"},
			"Namespace": {"namespace"}, "ServiceAccountName": {"serviceAccountName"}, "Subject": {"subject"},
			"ServiceAccount": nil, // a resource for DependsOn: depend on the component instead
		},
		components.SecretMountType: {
			"ID": {"secretProviderClassId"}, "Name": {"name"}, "Namespace": {"namespace"}, "MountPath": {"mountPath"},
			"Class": nil, // a resource for DependsOn: depend on the component instead
		},
	}
	library := map[string]reflect.Type{
		components.ClusterType:          reflect.TypeFor[components.Cluster](),
		components.VaultType:            reflect.TypeFor[components.Vault](),
		components.RegistryType:         reflect.TypeFor[components.Registry](),
		components.NetworkType:          reflect.TypeFor[components.Network](),
		components.WorkloadIdentityType: reflect.TypeFor[components.WorkloadIdentity](),
		components.SecretMountType:      reflect.TypeFor[components.SecretMount](),
	}
	for token, typ := range library {
		fields := fieldNames(typ)
		for _, f := range fields {
			props, ok := served[token][f]
			if !ok {
				t.Errorf("%s: the library's %s.%s is not served by the provider (add it to the provider's %s, or name it here with why not)", token, typ.Name(), f, typ.Name())
			}
			for _, p := range props {
				if _, ok := schema.Resources[token].Properties[p]; !ok {
					t.Errorf("%s: %s.%s should be served as %q, which the schema does not have", token, typ.Name(), f, p)
				}
			}
		}
		for f := range served[token] {
			if !slices.Contains(fields, f) {
				t.Errorf("%s: %s.%s is listed here but the library has no such field", token, typ.Name(), f)
			}
		}
	}
}

// TestDocsUpToDate holds docs_gen.go to the library's doc comments, which
// the schema serves as descriptions.
func TestDocsUpToDate(t *testing.T) {
	want, err := libdocs.Generate("../components")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("docs_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("provider/docs_gen.go is stale: the library's docs changed.\nRegenerate it, then the schema:\n" +
			"    go -C provider run ./cmd/docgen > provider/docs_gen.go\n" +
			"    go -C provider run ./cmd/pulumi-resource-secure-aks -schema > provider/schema.json")
	}
}

// TestEveryPropertyDescribed checks that the schema describes every
// component, input and output, so that no SDK member is undocumented.
func TestEveryPropertyDescribed(t *testing.T) {
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type props map[string]struct {
		Description string `json:"description"`
	}
	var schema struct {
		Resources map[string]struct {
			Description     string `json:"description"`
			InputProperties props  `json:"inputProperties"`
			Properties      props  `json:"properties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties props `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	check := func(where string, ps props) {
		for name, p := range ps {
			if strings.TrimSpace(p.Description) == "" {
				t.Errorf("%s.%s has no description", where, name)
			}
		}
	}
	for token, r := range schema.Resources {
		if r.Description == "" {
			t.Errorf("%s has no description", token)
		}
		check(token+" input", r.InputProperties)
		check(token+" output", r.Properties)
	}
	for token, ty := range schema.Types {
		check(token, ty.Properties)
	}
}

// The schema's reference to the Kubernetes provider names the version of
// the Kubernetes SDK this module builds with: the one whose Provider the
// component returns, and the one the SDKs depend on.
func TestKubernetesProviderIsThePackages(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var sdk string
	if m := regexp.MustCompile(`github.com/pulumi/pulumi-kubernetes/sdk/v4 v(\S+)`).FindSubmatch(mod); m != nil {
		sdk = string(m[1])
	}
	if sdk != kubernetesVersion {
		t.Errorf("go.mod builds with the Kubernetes SDK %q, the schema refers to %q (kubernetesVersion)", sdk, kubernetesVersion)
	}
	field, _ := reflect.TypeFor[Cluster]().FieldByName("KubernetesProvider")
	if tag, want := field.Tag.Get("provider"), "type=kubernetes@"+kubernetesVersion+":index:Provider"; tag != want {
		t.Errorf("Cluster.KubernetesProvider's tag is %q, want %q", tag, want)
	}
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Resources map[string]struct {
			Properties map[string]struct {
				Ref string `json:"$ref"`
			} `json:"properties"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	want := "/kubernetes/v" + kubernetesVersion + "/schema.json#/provider"
	if got := spec.Resources[components.ClusterType].Properties["kubernetesProvider"].Ref; got != want {
		t.Errorf("schema.json: Cluster.kubernetesProvider refers to %q, want %q", got, want)
	}
}
