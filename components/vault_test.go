package components

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
)

func validVaultArgs() VaultArgs {
	return VaultArgs{ResourceGroupName: pulumi.String("rg"), TenantID: pulumi.String("tenant")}
}

func TestVaultArgsDefaults(t *testing.T) {
	t.Parallel()
	caller := validVaultArgs()
	got := caller.withDefaults()
	if got.SKU != "standard" || got.Authorization != VaultAuthorizationRBAC || got.SoftDeleteRetentionDays != 90 ||
		got.NetworkDefaultAction != "Deny" || got.PurgeProtectionEnabled == nil || !*got.PurgeProtectionEnabled ||
		got.SecretsOfficerPrincipalType != "User" {
		t.Errorf("defaults = %+v", got)
	}
	if caller.SKU != "" || caller.PurgeProtectionEnabled != nil || caller.SoftDeleteRetentionDays != 0 {
		t.Errorf("withDefaults modified the caller's args: %+v", caller)
	}
}

func TestCheckVaultNameOneMessagePerRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want []string
	}{
		{"kv-secure-aks-dev", nil},
		{"abc", nil},
		{"ab", []string{"must be 3-24 characters long"}},
		{strings.Repeat("a", 25), []string{"must be 3-24 characters long"}},
		{"kv_secure", []string{"must contain only letters, digits and hyphens"}},
		{"1kv-secure", []string{"must start with a letter"}},
		{"kv-secure-", []string{"must end with a letter or digit"}},
		{"kv--x", []string{"must not contain two hyphens in a row"}},
		{"-k--", []string{"must start with a letter", "must end with a letter or digit", "must not contain two hyphens in a row"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CheckVaultName(tt.name)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("CheckVaultName(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestVaultArgsValidate(t *testing.T) {
	t.Parallel()
	tests := []validateCase[VaultArgs]{
		{"valid defaults", func(*VaultArgs) {}, nil},
		{"valid full", func(a *VaultArgs) {
			a.Name, a.SKU, a.Authorization, a.SoftDeleteRetentionDays = "kv-secure-aks-prod", "premium", VaultAuthorizationAccessPolicy, 7
			a.NetworkDefaultAction, a.AllowedIPRanges = "Allow", []string{"203.0.113.0/24"}
			a.SubnetIDs = []string{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks"}
			a.Secrets = map[string]pulumi.StringInput{"My-Secret-1": pulumi.String("x")}
			a.SecretsOfficerPrincipalType = "ServicePrincipal"
		}, nil},
		{"resource group required", func(a *VaultArgs) { a.ResourceGroupName = nil }, []string{"ResourceGroupName (unset): is required"}},
		{"tenant required", func(a *VaultArgs) { a.TenantID = nil }, []string{"TenantID (unset): is required"}},
		{"name: two hyphens", func(a *VaultArgs) { a.Name = "kv--x" }, []string{`Name "kv--x": must not contain two hyphens in a row`}},
		{"name: every rule at once", func(a *VaultArgs) { a.Name = "1_" }, []string{
			`Name "1_": must be 3-24 characters long`, `Name "1_": must contain only letters`,
			`Name "1_": must start with a letter`, `Name "1_": must end with a letter or digit`,
		}},
		{"sku", func(a *VaultArgs) { a.SKU = "Standard" }, []string{`SKU "Standard": must be "standard" or "premium"`}},
		{"authorization", func(a *VaultArgs) { a.Authorization = "acl" }, []string{`Authorization "acl": must be "RBAC" or "AccessPolicy"`}},
		{"retention low", func(a *VaultArgs) { a.SoftDeleteRetentionDays = 6 }, []string{"SoftDeleteRetentionDays 6: must be between 7 and 90"}},
		{"retention high", func(a *VaultArgs) { a.SoftDeleteRetentionDays = 91 }, []string{"SoftDeleteRetentionDays 91: must be between 7 and 90"}},
		{"network default action", func(a *VaultArgs) { a.NetworkDefaultAction = "deny" }, []string{`NetworkDefaultAction "deny": must be "Allow" or "Deny"`}},
		{"ip range", func(a *VaultArgs) { a.AllowedIPRanges = []string{"my-office"} }, []string{`AllowedIPRanges[0] "my-office": must be an IPv4 address`}},
		{"ip range repeated", func(a *VaultArgs) { a.AllowedIPRanges = []string{"198.51.100.7", "198.51.100.7"} }, []string{"AllowedIPRanges[1]"}},
		{"subnet id", func(a *VaultArgs) { a.SubnetIDs = []string{"aks-subnet"} }, []string{`SubnetIDs[0] "aks-subnet": must be a subnet resource ID`}},
		{"secret name", func(a *VaultArgs) { a.Secrets = map[string]pulumi.StringInput{"my_secret": pulumi.String("x")} }, []string{`Secrets "my_secret": secret names must be 1-127 letters, digits and hyphens`}},
		{"secret name too long", func(a *VaultArgs) {
			a.Secrets = map[string]pulumi.StringInput{strings.Repeat("s", 128): pulumi.String("x")}
		}, []string{"secret names must be 1-127"}},
		{"secret value", func(a *VaultArgs) { a.Secrets = map[string]pulumi.StringInput{"s": nil} }, []string{"Secrets.s (unset): must have a value"}},
		{"officer principal type", func(a *VaultArgs) { a.SecretsOfficerPrincipalType = "App" }, []string{`SecretsOfficerPrincipalType "App": must be "User", "ServicePrincipal" or "Group"`}},
		{"tags", func(a *VaultArgs) { a.Tags = map[string]string{"a<b": ""} }, []string{`Tags "a<b"`}},
	}
	runValidateCases(t, validVaultArgs, VaultArgs.Validate, tests)
}

func TestGeneratedVaultNamesAreValid(t *testing.T) {
	t.Parallel()
	sub := "0f9d2c1e-5b7a-4c3d-9e8f-1a2b3c4d5e6f"
	for _, name := range []string{"vault", "v", "a-very-long-component-name-for-the-vault", "Vault_With.Odd*Chars", "123", strings.Repeat("x", 200)} {
		got := derivedVaultName(name, sub, "rg-secure-aks-dev", "secure-aks", "dev")
		if rules := CheckVaultName(got); rules != nil {
			t.Errorf("generated name %q for %q breaks %v", got, name, rules)
		}
		if again := derivedVaultName(name, sub, "rg-secure-aks-dev", "secure-aks", "dev"); again != got {
			t.Errorf("generated name not stable: %q then %q", got, again)
		}
		// Azure IDs are case-insensitive: so is the name.
		if upper := derivedVaultName(name, strings.ToUpper(sub), "RG-SECURE-AKS-DEV", "secure-aks", "dev"); upper != got {
			t.Errorf("the subscription's or resource group's case changes the name: %q, %q", got, upper)
		}
		for what, other := range map[string]string{
			"component":      derivedVaultName(name+"2", sub, "rg-secure-aks-dev", "secure-aks", "dev"),
			"resource group": derivedVaultName(name, sub, "rg-secure-aks-dev2", "secure-aks", "dev"),
			"subscription":   derivedVaultName(name, "1f9d2c1e-5b7a-4c3d-9e8f-1a2b3c4d5e6f", "rg-secure-aks-dev", "secure-aks", "dev"),
		} {
			if other == got {
				t.Errorf("another %s gives the same name %q", what, got)
			}
		}
	}
}

// TestDerivedVaultNameFromTheProviderSubscription checks that NewVault names
// the vault from the subscription its provider reports and the resource
// group, and from nothing of the Pulumi backend (the organization).
func TestDerivedVaultNameFromTheProviderSubscription(t *testing.T) {
	t.Parallel()
	names := map[string]string{}
	for _, sub := range []string{"00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000b2"} {
		rec := plan.NewRecorder("secure-aks", "dev").InSubscription(sub)
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := NewVault(ctx, "vault", &VaultArgs{ResourceGroupName: pulumi.String("rg-secure-aks-dev"), TenantID: pulumi.String("tenant")})
			return err
		}, pulumi.WithMocks("secure-aks", "dev", rec))
		if err != nil {
			t.Fatal(err)
		}
		kv := mustFind(t, rec, "keyvault:Vault", "vault")
		got, _ := kv.Input("vaultName")
		if want := derivedVaultName("vault", sub, "rg-secure-aks-dev", "secure-aks", "dev"); got != want {
			t.Errorf("subscription %s: vault name %v, want %s", sub, got, want)
		}
		names[sub] = fmt.Sprint(got)
	}
	if len(names) != 2 || names["00000000-0000-0000-0000-0000000000a1"] == names["00000000-0000-0000-0000-0000000000b2"] {
		t.Errorf("two subscriptions, names %v", names)
	}
}

func TestNewVaultSecureDefaults(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Secrets = map[string]pulumi.StringInput{"db-password": pulumi.String("hunter2"), "api-key": pulumi.String("k")}
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := mustFind(t, rec, VaultType, "kv")
	kv := mustFind(t, rec, "keyvault:Vault", "kv")
	wantInput(t, kv, "properties.enableRbacAuthorization", true)
	wantInput(t, kv, "properties.enablePurgeProtection", true)
	wantInput(t, kv, "properties.enableSoftDelete", true)
	wantInput(t, kv, "properties.softDeleteRetentionInDays", 90.0)
	wantInput(t, kv, "properties.sku.name", "standard")
	wantInput(t, kv, "properties.tenantId", "tenant")
	wantInput(t, kv, "properties.networkAcls.defaultAction", "Deny")
	wantInput(t, kv, "properties.publicNetworkAccess", "Disabled")
	// Nothing here needs trusted Microsoft services through the firewall.
	wantInput(t, kv, "properties.networkAcls.bypass", "None")
	wantNoInput(t, kv, "properties.accessPolicies")

	for _, sn := range []string{"db-password", "api-key"} {
		s := mustFind(t, rec, "keyvault:Secret", "kv-"+sn)
		wantInput(t, s, "secretName", sn)
		wantInput(t, s, "vaultName", kv.State["name"].StringValue())
		if !s.IsSecretInput("properties.value") {
			t.Errorf("secret %s: value is not registered as a Pulumi secret", sn)
		}
		// Written through ARM: nothing to wait for. Deleted with the vault:
		// azure-native's delete would need the data plane.
		wantNoGrantDependency(t, s)
		if !s.RetainOnDelete {
			t.Errorf("secret %s: not retained on delete; its delete would need a data-plane role", sn)
		}
	}
	wantInput(t, mustFind(t, rec, ":Secret", "kv-db-password"), "properties.value", "hunter2")

	// No standing data-plane access for anyone.
	if n := len(planOfType(rec, ":RoleAssignment")) + len(planOfType(rec, ":AccessPolicy")); n != 0 {
		t.Errorf("%d grants on a vault with no SecretsOfficerObjectID, want 0", n)
	}
	wantParentedTo(t, rec.Resources(), comp)
}

func TestNewVaultSecretsOfficerIsOptIn(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Name = "kv-officer"
		a.Secrets = map[string]pulumi.StringInput{"s": pulumi.String("v")}
		a.SecretsOfficerObjectID = pulumi.String("00000000-0000-0000-0000-00000000beef")
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kv := mustFind(t, rec, "keyvault:Vault", "kv")
	ra := mustFind(t, rec, ":RoleAssignment", "kv-secrets-officer")
	wantInput(t, ra, "scope", kv.ID)
	wantInput(t, ra, "principalId", "00000000-0000-0000-0000-00000000beef")
	wantInput(t, ra, "principalType", "User")
	roleDefinition := "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	wantInput(t, ra, "roleDefinitionId", roleDefinition)
	// ARM's guid(scope, principalId, roleDefinitionId).
	wantInput(t, ra, "roleAssignmentName", roleAssignmentName(kv.ID, "00000000-0000-0000-0000-00000000beef", roleDefinition))
	if !ra.DeleteBeforeReplace {
		t.Error("a replaced role assignment must be deleted first: Azure refuses a duplicate")
	}
	// The secret does not wait for the grant: writing it does not use it.
	wantNoGrantDependency(t, mustFind(t, rec, "keyvault:Secret", "kv-s"))
}

// wantNoGrantDependency asserts that a secret waits for no role assignment
// or access policy: an ARM write needs none.
func wantNoGrantDependency(t *testing.T, s plan.Resource) {
	t.Helper()
	for _, d := range s.DependsOn {
		if strings.Contains(d, ":RoleAssignment::") || strings.Contains(d, ":AccessPolicy::") {
			t.Errorf("secret %s waits for the grant %s; an ARM write needs none", s.Name, d)
		}
	}
}

func TestNewVaultNetworkAndPurgeProtectionOff(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Name = "kv-explicit"
		a.PurgeProtectionEnabled = pulumi.BoolRef(false)
		a.SoftDeleteRetentionDays = 7
		a.AllowedIPRanges = []string{"203.0.113.0/24"}
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kv := mustFind(t, rec, "keyvault:Vault", "kv")
	wantInput(t, kv, "vaultName", "kv-explicit")
	// Azure refuses enablePurgeProtection=false: "off" is the property unset.
	wantNoInput(t, kv, "properties.enablePurgeProtection")
	wantInput(t, kv, "properties.softDeleteRetentionInDays", 7.0)
	wantInput(t, kv, "properties.networkAcls.defaultAction", "Deny")
	wantInput(t, kv, "properties.networkAcls.ipRules.0.value", "203.0.113.0/24")
	wantInput(t, kv, "properties.publicNetworkAccess", "Enabled")
	if n := len(rec.Resources()); n != 2 {
		t.Errorf("%d resources, want the component and the vault only (no secrets, no role)", n)
	}
}

func TestNewVaultAccessPolicyMode(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Authorization = VaultAuthorizationAccessPolicy
		a.Secrets = map[string]pulumi.StringInput{"s": pulumi.String("v")}
		a.SecretsOfficerObjectID = pulumi.String("deployer-oid")
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	kv := mustFind(t, rec, "keyvault:Vault", "kv")
	wantInput(t, kv, "properties.enableRbacAuthorization", false)
	// Never inline: inline and standalone policies overwrite each other.
	wantNoInput(t, kv, "properties.accessPolicies")
	policy := mustFind(t, rec, "keyvault:AccessPolicy", "kv-secrets-officer-policy")
	wantInput(t, policy, "vaultName", kv.State["name"].StringValue())
	wantInput(t, policy, "resourceGroupName", "rg")
	wantInput(t, policy, "policy.objectId", "deployer-oid")
	wantInput(t, policy, "policy.tenantId", "tenant")
	perms, _ := policy.Input("policy.permissions.secrets")
	if fmt.Sprint(perms) != "[get list set delete recover]" {
		t.Errorf("officer secret permissions = %v", perms)
	}
	if len(rec.Resources()) != 4 || len(planOfType(rec, ":RoleAssignment")) != 0 {
		t.Errorf("want component, vault, policy and secret, no role assignment; got %d resources", len(rec.Resources()))
	}
}

func TestNewVaultInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating vault "kv": Name "kv--x": must not contain two hyphens in a row`, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Name = "kv--x"
		_, err := NewVault(ctx, "kv", &a)
		return err
	})
}

func TestVaultOutputs(t *testing.T) {
	t.Parallel()
	var got map[string]any
	_, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Name = "kv-out"
		a.Secrets = map[string]pulumi.StringInput{"s1": pulumi.String("v")}
		v, err := NewVault(ctx, "kv", &a)
		if err != nil {
			return err
		}
		pulumi.All(v.Name, v.ID, v.URI, v.TenantID, v.SecretURIs).ApplyT(func(x []any) error {
			got = map[string]any{"name": x[0], "id": x[1], "uri": x[2], "tenant": x[3], "secrets": x[4]}
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name":    "kv-out",
		"id":      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-out",
		"uri":     "https://kv-out.vault.plan.invalid/",
		"tenant":  "tenant",
		"secrets": map[string]string{"s1": "https://kv-out.vault.plan.invalid/secrets/s1"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outputs = %v\nwant      %v", got, want)
	}
}
