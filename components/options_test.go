package components

import (
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// TestCallersProtectReachesTheClusterAndTheVault: a library user who passes
// pulumi.Protect(true) to NewCluster or NewVault gets the managed cluster and
// the vault protected, as every other child is. The components once appended
// Protect(false) whenever Args.Protect was off, which overrode it.
func TestCallersProtectReachesTheClusterAndTheVault(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		c := validClusterArgs()
		if _, err := NewCluster(ctx, "aks", &c, pulumi.Protect(true)); err != nil {
			return err
		}
		v := validVaultArgs()
		_, err := NewVault(ctx, "vault", &v, pulumi.Protect(true))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Resources() {
		if r.Custom && !r.Protect {
			t.Errorf("%s %s is not protected, though the caller protected its component", r.Type, r.Name)
		}
	}
	mustFind(t, rec, ":ManagedCluster", "aks")
	mustFind(t, rec, "keyvault:Vault", "vault")

	// Args.Protect alone protects the cluster and the vault, not their other
	// children; without either, nothing is protected.
	rec, err = runMocked(t, func(ctx *pulumi.Context) error {
		c := validClusterArgs()
		c.Protect = true
		if _, err := NewCluster(ctx, "aks", &c); err != nil {
			return err
		}
		v := validVaultArgs()
		_, err := NewVault(ctx, "vault", &v)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Resources() {
		want := r.Type == "azure-native:containerservice/v20241001:ManagedCluster"
		if r.Custom && r.Protect != want {
			t.Errorf("%s %s: protect %v, want %v", r.Type, r.Name, r.Protect, want)
		}
	}
}

// TestAccessPoliciesOnOneVaultFormOneChain: azure-native's AccessPolicy
// rewrites the vault's whole list, so the vault's own policy and every
// workload's on that vault are written one after another, across
// components; a policy on another vault starts its own chain.
func TestAccessPoliciesOnOneVaultFormOneChain(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		va := validVaultArgs()
		va.Authorization = VaultAuthorizationAccessPolicy
		va.SecretsOfficerObjectID = pulumi.String("officer")
		v, err := NewVault(ctx, "vault", &va)
		if err != nil {
			return err
		}
		other := validVaultArgs()
		other.Authorization = VaultAuthorizationAccessPolicy
		o, err := NewVault(ctx, "other", &other)
		if err != nil {
			return err
		}
		for _, name := range []string{"a", "b", "c"} {
			wa := validWorkloadIdentityArgs()
			wa.ServiceAccountName = name
			wa.VaultAccess = map[string]VaultAccess{"main": v.Access(ObjectTypeSecret)}
			if name == "b" {
				wa.VaultAccess["other"] = o.Access(ObjectTypeSecret)
			}
			if _, err := NewWorkloadIdentity(ctx, name, &wa); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := mustFind(t, rec, ":AccessPolicy", "vault-secrets-officer-policy")
	a := mustFind(t, rec, ":AccessPolicy", "a-main-policy")
	b := mustFind(t, rec, ":AccessPolicy", "b-main-policy")
	c := mustFind(t, rec, ":AccessPolicy", "c-main-policy")
	bOther := mustFind(t, rec, ":AccessPolicy", "b-other-policy")
	plantest.AssertChain(t, "access policies on the vault", []plan.Resource{officer, a, b, c})
	for _, pair := range [][2]plan.Resource{{a, officer}, {b, a}, {c, b}} {
		if !dependsOn(pair[0], pair[1]) {
			t.Errorf("%s does not wait for %s on the same vault", pair[0].Name, pair[1].Name)
		}
	}
	for _, r := range []plan.Resource{a, b, c, officer} {
		if dependsOn(bOther, r) {
			t.Errorf("the policy on the other vault waits for %s", r.Name)
		}
	}
}

// TestServiceAccountDependsOnHoldsUpOnlyTheServiceAccount: a namespace the
// caller creates holds up the service account, not the Azure identity, its
// credential or its grants, which do not need the cluster.
func TestServiceAccountDependsOnHoldsUpOnlyTheServiceAccount(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		ns, err := corev1.NewNamespace(ctx, "apps", &corev1.NamespaceArgs{})
		if err != nil {
			return err
		}
		wa := validWorkloadIdentityArgs()
		wa.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), ObjectTypes: []ObjectType{ObjectTypeSecret}}}
		wa.ServiceAccountDependsOn = []pulumi.Resource{ns}
		_, err = NewWorkloadIdentity(ctx, "reader", &wa)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	standIn := mustFind(t, rec, ":Namespace", "apps")
	for _, r := range rec.Resources() {
		if !r.Custom || r.Parent != mustFind(t, rec, WorkloadIdentityType, "reader").URN {
			continue
		}
		isSA := r.Type == "kubernetes:core/v1:ServiceAccount"
		if dependsOn(r, standIn) != isSA {
			t.Errorf("%s %s: waits for the caller's dependency %v, want %v", r.Type, r.Name, dependsOn(r, standIn), isSA)
		}
	}
}

func dependsOn(r, on plan.Resource) bool {
	for _, d := range r.DependsOn {
		if d == on.URN {
			return true
		}
	}
	return false
}
