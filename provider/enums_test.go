package provider

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// TestEnumsListTheLibrarysValues: every schema enum lists exactly the values
// the library's own validation accepts for its field, read from the rule the
// library states for a bad value.
func TestEnumsListTheLibrarysValues(t *testing.T) {
	rg, tenant := pulumi.String("rg"), pulumi.String("t")
	for _, c := range []struct {
		enum  any
		field string
		err   error
	}{
		{ClusterTier(""), "Tier", components.ClusterArgs{ResourceGroupName: rg, Tier: "x"}.Validate()},
		{NetworkPolicy(""), "NetworkPolicy", components.ClusterArgs{ResourceGroupName: rg, NetworkPolicy: "x"}.Validate()},
		{UpgradeChannel(""), "UpgradeChannel", components.ClusterArgs{ResourceGroupName: rg, UpgradeChannel: "x"}.Validate()},
		{NodeOSUpgradeChannel(""), "NodeOSUpgradeChannel", components.ClusterArgs{ResourceGroupName: rg, NodeOSUpgradeChannel: "x"}.Validate()},
		{NodeOSSKU(""), "NodePools[a].OSSKU", components.ClusterArgs{ResourceGroupName: rg, NodePools: map[string]components.NodePoolArgs{"a": {OSSKU: "x"}}}.Validate()},
		{OSDiskType(""), "NodePools[a].OSDiskType", components.ClusterArgs{ResourceGroupName: rg, NodePools: map[string]components.NodePoolArgs{"a": {OSDiskType: "x"}}}.Validate()},
		{RegistrySKU(""), "SKU", components.RegistryArgs{ResourceGroupName: rg, SKU: "x"}.Validate()},
		{VaultSKU(""), "SKU", components.VaultArgs{ResourceGroupName: rg, TenantID: tenant, SKU: "x"}.Validate()},
		{VaultAuthorization(""), "Authorization", components.VaultArgs{ResourceGroupName: rg, TenantID: tenant, Authorization: "x"}.Validate()},
		{NetworkAction(""), "NetworkDefaultAction", components.VaultArgs{ResourceGroupName: rg, TenantID: tenant, NetworkDefaultAction: "x"}.Validate()},
		{PrincipalType(""), "SecretsOfficerPrincipalType", components.VaultArgs{ResourceGroupName: rg, TenantID: tenant, SecretsOfficerObjectID: pulumi.String("o"), SecretsOfficerPrincipalType: "x"}.Validate()},
		{IdentityKind(""), "Kind", components.WorkloadIdentityArgs{Kind: "x"}.Validate()},
		{ObjectType(""), "Objects[0].Type", components.SecretMountArgs{Objects: []components.SecretObject{{Name: "a", Type: "x"}}}.Validate()},
	} {
		name := reflect.TypeOf(c.enum).Name()
		var rule string
		for _, e := range components.Unjoin(c.err) {
			var fe *components.FieldError
			if errors.As(e, &fe) && fe.Field == c.field {
				rule = fe.Rule
			}
		}
		if rule == "" {
			t.Errorf("%s: the library states no rule for %s %q", name, c.field, "x")
			continue
		}
		library := allowedIn(rule)
		values := reflect.ValueOf(c.enum).MethodByName("Values").Call(nil)[0]
		var schema []string
		for i := range values.Len() {
			schema = append(schema, values.Index(i).FieldByName("Value").String())
		}
		slices.Sort(library)
		slices.Sort(schema)
		if !slices.Equal(library, schema) {
			t.Errorf("%s lists %v; the library accepts %v (%q)", name, schema, library, rule)
		}
	}
}

// allowedIn reads the allowed values out of a library rule: `must be one of
// A, B, C` or `must be "a", "b" or "c"`.
func allowedIn(rule string) []string {
	if _, list, ok := strings.Cut(rule, "must be one of "); ok {
		return strings.Split(list, ", ")
	}
	var out []string
	for _, m := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(rule, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestIdentifier(t *testing.T) {
	for in, want := range map[string]string{"node-image": "NodeImage", "RBAC": "RBAC", "managedIdentity": "ManagedIdentity", "standard": "Standard"} {
		if got := identifier(in); got != want {
			t.Errorf("identifier(%q) = %q, want %q", in, got, want)
		}
	}
}
