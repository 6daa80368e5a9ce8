package components

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// Every name the components derive, at its limits, against the rule of the
// service that holds it (docs/azure-facts.md#cluster-names-and-dns-prefix,
// #other-name-limits).

var (
	// AKS dnsPrefix: 1-54 letters, digits and hyphens, starting and ending
	// with a letter or digit.
	dnsPrefixRule = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,52}[A-Za-z0-9])?$`)
	// A federated identity credential's name: 3-120 letters, digits, hyphens
	// and underscores, starting with a letter or digit.
	credentialNameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$`)
)

func TestDNSPrefixFromEveryAcceptedClusterName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 53) + "_b" + strings.Repeat("c", 8) // 63 characters, an underscore at 54
	tests := []struct{ clusterName, component, want string }{
		{"", "aks", "aks"},                          // auto-named: as before
		{"", "my-aks", "myaks"},                     // auto-named: as before
		{"", "___", "aks"},                          // nothing usable in the component name
		{"aks-secure-dev", "aks", "aks-secure-dev"}, // a valid prefix is kept as it is
		{"aks_shop", "aks", "aks-shop"},
		{"a", "aks", "a"},
		{strings.Repeat("x", 60), "aks", strings.Repeat("x", 54)},
		{long, "aks", strings.Repeat("a", 53)}, // cut at 54, the trailing hyphen dropped
		{strings.Repeat("a", 53) + "__b", "aks", strings.Repeat("a", 53)},
	}
	for _, tt := range tests {
		if tt.clusterName != "" && !clusterNamePattern.MatchString(tt.clusterName) {
			t.Fatalf("test case %q is not a cluster name AKS accepts", tt.clusterName)
		}
		got := dnsPrefix(tt.clusterName, tt.component)
		if got != tt.want {
			t.Errorf("dnsPrefix(%q, %q) = %q, want %q", tt.clusterName, tt.component, got, tt.want)
		}
		if !dnsPrefixRule.MatchString(got) {
			t.Errorf("dnsPrefix(%q, %q) = %q: not a valid DNS prefix", tt.clusterName, tt.component, got)
		}
	}
}

// TestClusterRegistersTheDerivedDNSPrefix follows the rule into the plan: a
// cluster named aks_shop (valid for AKS) gets the prefix aks-shop.
func TestClusterRegistersTheDerivedDNSPrefix(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewCluster(ctx, "aks", &ClusterArgs{ResourceGroupName: pulumi.String("rg"), Name: "aks_shop"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mc := mustFind(t, rec, ":ManagedCluster", "aks")
	wantInput(t, mc, "resourceName", "aks_shop")
	wantInput(t, mc, "dnsPrefix", "aks-shop")
}

func TestCredentialNamesAtTheirLimits(t *testing.T) {
	t.Parallel()
	label := strings.Repeat("n", 63)
	subdomain := strings.Repeat("s", 60) + "." + strings.Repeat("t", 60) + "." + strings.Repeat("u", 60) + "." + strings.Repeat("v", 60) + ".w" // 253
	refs := []ServiceAccountRef{
		{Namespace: "a", Name: "b"},
		{Namespace: "default", Name: "my-app-service-account"},
		{Namespace: label, Name: "sa"},
		{Namespace: label, Name: subdomain},
		{Namespace: "a", Name: "x.y.z"},
	}
	seen := map[string]ServiceAccountRef{}
	for _, ref := range refs {
		n := credentialName(ref)
		if !credentialNameRule.MatchString(n) {
			t.Errorf("credentialName(%s) = %q (%d characters): breaks 3-120 letters, digits, hyphens, underscores", ref.Subject(), n, len(n))
		}
		if prev, ok := seen[n]; ok {
			t.Errorf("%s and %s share the credential name %q", prev.Subject(), ref.Subject(), n)
		}
		seen[n] = ref
	}
}

func TestApplicationDisplayNameAtItsLimit(t *testing.T) {
	t.Parallel()
	got := applicationDisplayName("rg-secure-aks-dev1a2b3c4d", "secure-aks", "dev", "reader")
	if !regexp.MustCompile(`^secure-aks-dev-reader-[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("short name = %q, want secure-aks-dev-reader-HASH", got)
	}
	if other := applicationDisplayName("rg-secure-aks-dev9f8e7d6c", "secure-aks", "dev", "reader"); other == got {
		t.Errorf("two stacks named dev in two resource groups share the display name %q", got)
	}
	if again := applicationDisplayName("RG-secure-aks-dev1a2b3c4d", "secure-aks", "dev", "reader"); again != got {
		t.Errorf("resource group names are case-insensitive in Azure, but %q != %q", again, got)
	}
	long := applicationDisplayName("rg", strings.Repeat("p", 100), strings.Repeat("s", 100), strings.Repeat("w", 63))
	if len(long) > azure.MaxApplicationDisplayNameLength {
		t.Errorf("display name of %d characters, over Entra's %d", len(long), azure.MaxApplicationDisplayNameLength)
	}
	other := applicationDisplayName("rg", strings.Repeat("p", 100), strings.Repeat("s", 100), strings.Repeat("w", 62)+"x")
	if long == other {
		t.Errorf("two workloads cut to the same display name %q", long)
	}
}

func TestRoleAssignmentNamesFollowScopePrincipalAndRole(t *testing.T) {
	t.Parallel()
	scope := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"
	role := "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/" + azure.RoleKeyVaultSecretsUser
	base := roleAssignmentName(scope, "principal-1", role)
	if r := checkGUID(base); r != "" {
		t.Fatalf("%q: %s", base, r)
	}
	if again := roleAssignmentName(strings.ToUpper(scope), "PRINCIPAL-1", strings.ToUpper(role)); again != base {
		t.Errorf("the case of an ID changes the name: %s, %s", base, again)
	}
	for what, other := range map[string]string{
		"scope":     roleAssignmentName(strings.Replace(scope, "kv1", "kv2", 1), "principal-1", role),
		"principal": roleAssignmentName(scope, "principal-2", role),
		"role":      roleAssignmentName(scope, "principal-1", strings.Replace(role, azure.RoleKeyVaultSecretsUser, azure.RoleKeyVaultCryptoUser, 1)),
	} {
		if other == base {
			t.Errorf("another %s gives the same name %s", what, base)
		}
	}
}

// TestComponentDependenciesReachTheChildren: a component made to wait for a
// resource (a namespace, say) makes each of its children wait for it.
func TestComponentDependenciesReachTheChildren(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		ns, err := corev1.NewNamespace(ctx, "ns", &corev1.NamespaceArgs{Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("apps")}})
		if err != nil {
			return err
		}
		wait := pulumi.DependsOn([]pulumi.Resource{ns})
		a := validWorkloadIdentityArgs()
		a.Namespace = "apps"
		id, err := NewWorkloadIdentity(ctx, "reader", &a, wait)
		if err != nil {
			return err
		}
		_, err = NewSecretMount(ctx, "reader", &SecretMountArgs{
			Namespace: "apps", VaultName: pulumi.String("kv"), TenantID: pulumi.String("t"), ClientID: id.ClientID,
			Objects: []SecretObject{{Name: "s"}},
		}, wait)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ns := mustFind(t, rec, "kubernetes:core/v1:Namespace", "ns")
	children := 0
	for _, r := range rec.Resources() {
		if !r.Custom || r.URN == ns.URN {
			continue
		}
		children++
		if !slices.Contains(r.DependsOn, ns.URN) {
			t.Errorf("%s %s does not wait for the namespace its component waits for: %v", r.Type, r.Name, r.DependsOn)
		}
	}
	if children < 4 {
		t.Errorf("%d children checked; want the identity, credential, grant, service account and class", children)
	}
}
