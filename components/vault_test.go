package components

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
		got.DeployerPrincipalType != "User" {
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
			a.DeployerPrincipalType = "ServicePrincipal"
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
		{"deployer principal type", func(a *VaultArgs) { a.DeployerPrincipalType = "App" }, []string{`DeployerPrincipalType "App": must be "User", "ServicePrincipal" or "Group"`}},
		{"tags", func(a *VaultArgs) { a.Tags = map[string]string{"a<b": ""} }, []string{`Tags "a<b"`}},
	}
	runValidateCases(t, validVaultArgs, VaultArgs.Validate, tests)
}

func TestGeneratedVaultNamesAreValid(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"vault", "v", "a-very-long-component-name-for-the-vault", "Vault_With.Odd*Chars", "123"} {
		_, err := runMocked(t, func(ctx *pulumi.Context) error {
			got := vaultName(ctx, name, "")
			if rules := CheckVaultName(got); rules != nil {
				return fmt.Errorf("generated name %q for %q breaks %v", got, name, rules)
			}
			if again := vaultName(ctx, name, ""); again != got {
				return fmt.Errorf("generated name not stable: %q then %q", got, again)
			}
			if other := vaultName(ctx, name+"2", ""); other == got {
				return fmt.Errorf("two components share the generated name %q", got)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
}

func TestNewVaultSecureDefaults(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validVaultArgs()
		a.Secrets = map[string]pulumi.StringInput{"db-password": pulumi.String("hunter2"), "api-key": pulumi.String("k")}
		a.DeployerObjectID = pulumi.String("deployer-oid")
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
	wantNoInput(t, kv, "properties.accessPolicies")

	for _, sn := range []string{"db-password", "api-key"} {
		s := mustFind(t, rec, "keyvault:Secret", "kv-"+sn)
		wantInput(t, s, "secretName", sn)
		wantInput(t, s, "vaultName", kv.State["name"].StringValue())
		if !s.IsSecretInput("properties.value") {
			t.Errorf("secret %s: value is not registered as a Pulumi secret", sn)
		}
		if !strings.Contains(strings.Join(s.DependsOn, " "), "RoleAssignment::kv-deployer-secrets-officer") {
			t.Errorf("secret %s is written before the deployer's role exists: dependsOn %v", sn, s.DependsOn)
		}
	}
	wantInput(t, mustFind(t, rec, ":Secret", "kv-db-password"), "properties.value", "hunter2")

	ra := mustFind(t, rec, ":RoleAssignment", "kv-deployer-secrets-officer")
	wantInput(t, ra, "scope", kv.ID)
	wantInput(t, ra, "principalId", "deployer-oid")
	wantInput(t, ra, "principalType", "User")
	wantInput(t, ra, "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7")
	name, _ := ra.Input("roleAssignmentName")
	if checkGUID(fmt.Sprint(name)) != "" {
		t.Errorf("roleAssignmentName %v is not a GUID", name)
	}

	wantParentedTo(t, rec.Resources(), comp)
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
		a.DeployerObjectID = pulumi.String("deployer-oid")
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
	policy := mustFind(t, rec, "keyvault:AccessPolicy", "kv-deployer-policy")
	wantInput(t, policy, "vaultName", kv.State["name"].StringValue())
	wantInput(t, policy, "resourceGroupName", "rg")
	wantInput(t, policy, "policy.objectId", "deployer-oid")
	wantInput(t, policy, "policy.tenantId", "tenant")
	perms, _ := policy.Input("policy.permissions.secrets")
	if fmt.Sprint(perms) != "[get list set delete recover]" {
		t.Errorf("deployer secret permissions = %v", perms)
	}
	secret := mustFind(t, rec, "keyvault:Secret", "kv-s")
	if !strings.Contains(strings.Join(secret.DependsOn, " "), "AccessPolicy::kv-deployer-policy") {
		t.Errorf("secret is written before the deployer's policy exists: %v", secret.DependsOn)
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
