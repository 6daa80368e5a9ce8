package provider

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/secure-aks/secure-aks/components"
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
	want := []string{components.ClusterType, components.SecretMountType, components.VaultType, components.WorkloadIdentityType}
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
		{VaultPrivateEndpoint{}, components.VaultPrivateEndpoint{}},
		{WorkloadIdentityArgs{}, components.WorkloadIdentityArgs{}},
		{ServiceAccountRef{}, components.ServiceAccountRef{}},
		{VaultAccess{}, components.VaultAccess{}},
		{SecretMountArgs{}, components.SecretMountArgs{}},
		{SecretObject{}, components.SecretObject{}},
		{SyncSecret{}, components.SyncSecret{}},
	}
	for _, pair := range pairs {
		got, want := fieldNames(reflect.TypeOf(pair.provider)), fieldNames(reflect.TypeOf(pair.library))
		if !slices.Equal(got, want) {
			t.Errorf("provider.%T has fields %v,\nbut the library's %T has %v", pair.provider, got, pair.library, want)
		}
	}
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
