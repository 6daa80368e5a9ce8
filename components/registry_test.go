package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func validRegistryArgs() RegistryArgs {
	return RegistryArgs{ResourceGroupName: pulumi.String("rg")}
}

func TestRegistryArgsValidate(t *testing.T) {
	t.Parallel()
	private := func(a *RegistryArgs) {
		a.PrivateEndpoint = &PrivateEndpointArgs{SubnetID: pulumi.String("subnet"), DNSZoneID: pulumi.String("zone")}
	}
	tests := []validateCase[RegistryArgs]{
		{"valid defaults", func(*RegistryArgs) {}, nil},
		{"valid private premium", func(a *RegistryArgs) { private(a); a.SKU, a.Name = RegistrySKUPremium, "crShop01" }, nil},
		{"resource group required", func(a *RegistryArgs) { a.ResourceGroupName = nil }, []string{"ResourceGroupName (unset): is required"}},
		{"name hyphen", func(a *RegistryArgs) { a.Name = "cr-shop" }, []string{`Name "cr-shop": must be 5-50 letters and digits`}},
		{"name short", func(a *RegistryArgs) { a.Name = "crs" }, []string{`Name "crs"`}},
		{"name long", func(a *RegistryArgs) { a.Name = strings.Repeat("a", 51) }, []string{"Name"}},
		{"sku", func(a *RegistryArgs) { a.SKU = "Gold" }, []string{`SKU "Gold": must be one of Basic, Standard, Premium`}},
		{"private needs premium", private, []string{`SKU "Standard": must be Premium with a private endpoint`}},
		{"private endpoint subnet", func(a *RegistryArgs) {
			a.SKU, a.PrivateEndpoint = RegistrySKUPremium, &PrivateEndpointArgs{DNSZoneID: pulumi.String("zone")}
		}, []string{"PrivateEndpoint.SubnetID (unset): is required"}},
		{"tags", func(a *RegistryArgs) { a.Tags = map[string]string{"a<b": "x"} }, []string{`Tags "a<b"`}},
	}
	runValidateCases(t, validRegistryArgs, RegistryArgs.Validate, tests)
}

func TestCheckRegistryID(t *testing.T) {
	t.Parallel()
	good := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crshared"
	if msgs := CheckRegistryID(good); msgs != nil {
		t.Errorf("%s: %v", good, msgs)
	}
	for _, bad := range []string{"crshared", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", strings.Replace(good, "crshared", "cr-shared", 1)} {
		if CheckRegistryID(bad) == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestNewRegistryInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating registry "registry": SKU "Basic": must be Premium with a private endpoint`, func(ctx *pulumi.Context) error {
		_, err := NewRegistry(ctx, "registry", &RegistryArgs{
			ResourceGroupName: pulumi.String("rg"), SKU: RegistrySKUBasic,
			PrivateEndpoint: &PrivateEndpointArgs{SubnetID: pulumi.String("s"), DNSZoneID: pulumi.String("z")},
		})
		return err
	})
}

// TestPrivateRegistry: admin user off, closed to the public network, with a
// private endpoint (group registry) in the subnet and a zone group in the
// zone; the name derived, alphanumeric, and the outputs the registry's.
func TestPrivateRegistry(t *testing.T) {
	t.Parallel()
	var loginServer, id string
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		reg, err := NewRegistry(ctx, "registry", &RegistryArgs{
			ResourceGroupName: pulumi.String("rg"), SKU: RegistrySKUPremium, Protect: true,
			PrivateEndpoint: &PrivateEndpointArgs{SubnetID: pulumi.String("/subnets/endpoints"), DNSZoneID: pulumi.String("/zones/privatelink.azurecr.io")},
		})
		if err != nil {
			return err
		}
		pulumi.All(reg.LoginServer, reg.ID).ApplyT(func(v []any) error {
			loginServer, id = v[0].(string), v[1].(string)
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	acr := mustFind(t, rec, "containerregistry/v20230701:Registry", "registry")
	wantInput(t, acr, "adminUserEnabled", false)
	wantInput(t, acr, "publicNetworkAccess", "Disabled")
	wantInput(t, acr, "networkRuleBypassOptions", "AzureServices")
	wantInput(t, acr, "sku.name", "Premium")
	wantNoInput(t, acr, "anonymousPullEnabled")
	if !acr.Protect {
		t.Error("Protect did not reach the registry")
	}
	name := acr.State["name"].StringValue()
	if !registryNamePattern.MatchString(name) || !strings.HasPrefix(name, "crregistry") {
		t.Errorf("derived name %q: want cr, the component name and a hash, letters and digits only", name)
	}
	pe := mustFind(t, rec, ":PrivateEndpoint", "registry-endpoint")
	wantInput(t, pe, "subnet.id", "/subnets/endpoints")
	wantInput(t, pe, "privateLinkServiceConnections.0.groupIds", []any{"registry"})
	wantInput(t, pe, "privateLinkServiceConnections.0.privateLinkServiceId", acr.ID)
	zg := mustFind(t, rec, ":PrivateDnsZoneGroup", "registry-endpoint-dns")
	wantInput(t, zg, "privateEndpointName", pe.State["name"].StringValue())
	wantInput(t, zg, "privateDnsZoneConfigs.0.privateDnsZoneId", "/zones/privatelink.azurecr.io")
	if loginServer != strings.ToLower(name)+".azurecr.io" || id != acr.ID {
		t.Errorf("LoginServer, ID = %q, %q; want the registry's %s.azurecr.io, %s", loginServer, id, strings.ToLower(name), acr.ID)
	}
}
