package components

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

const testIssuer = "https://oidc.example.invalid/tenant/issuer/"

func validWorkloadIdentityArgs() WorkloadIdentityArgs {
	return WorkloadIdentityArgs{
		ResourceGroupName:  pulumi.String("rg"),
		OIDCIssuerURL:      pulumi.String(testIssuer),
		Namespace:          "apps",
		ServiceAccountName: "reader",
	}
}

func TestWorkloadIdentityArgsDefaults(t *testing.T) {
	t.Parallel()
	caller := validWorkloadIdentityArgs()
	got := caller.withDefaults()
	if got.Kind != IdentityKindManagedIdentity {
		t.Errorf("Kind = %q", got.Kind)
	}
	if fmt.Sprint(got.Audiences) != "[api://AzureADTokenExchange]" {
		t.Errorf("Audiences = %v", got.Audiences)
	}
	if caller.Kind != "" || caller.Audiences != nil {
		t.Errorf("withDefaults modified the caller's args: %+v", caller)
	}
}

func TestWorkloadIdentityArgsValidate(t *testing.T) {
	t.Parallel()
	many := map[string]ServiceAccountRef{}
	for i := 0; i < 20; i++ {
		many[fmt.Sprintf("sa%d", i)] = ServiceAccountRef{Namespace: "apps", Name: fmt.Sprintf("sa-%d", i)}
	}
	nineteen := map[string]ServiceAccountRef{}
	for i := 0; i < 19; i++ {
		nineteen[fmt.Sprintf("sa%d", i)] = ServiceAccountRef{Namespace: "apps", Name: fmt.Sprintf("sa-%d", i)}
	}
	vault := pulumi.String("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")
	tests := []validateCase[WorkloadIdentityArgs]{
		{"valid defaults", func(*WorkloadIdentityArgs) {}, nil},
		{"valid application without resource group", func(a *WorkloadIdentityArgs) { a.Kind, a.ResourceGroupName = IdentityKindApplication, nil }, nil},
		{"valid 19 additional subjects", func(a *WorkloadIdentityArgs) { a.AdditionalSubjects = nineteen }, nil},
		{"kind", func(a *WorkloadIdentityArgs) { a.Kind = "Pod" }, []string{`Kind "Pod": must be "managedIdentity" or "application"`}},
		{"resource group for managed identity", func(a *WorkloadIdentityArgs) { a.ResourceGroupName = nil }, []string{"ResourceGroupName (unset): is required for a managed identity"}},
		{"identity name", func(a *WorkloadIdentityArgs) { a.Name = "id" }, []string{`Name "id": must be 3-128`}},
		{"issuer required", func(a *WorkloadIdentityArgs) { a.OIDCIssuerURL = nil }, []string{"OIDCIssuerURL (unset): is required"}},
		{"namespace", func(a *WorkloadIdentityArgs) { a.Namespace = "Apps" }, []string{`Namespace "Apps": must be a DNS-1123 label`}},
		{"namespace required", func(a *WorkloadIdentityArgs) { a.Namespace = "" }, []string{`Namespace "": must be a DNS-1123 label`}},
		{"service account", func(a *WorkloadIdentityArgs) { a.ServiceAccountName = "my_sa" }, []string{`ServiceAccountName "my_sa": must be a DNS-1123 subdomain`}},
		{"twenty per identity", func(a *WorkloadIdentityArgs) { a.AdditionalSubjects = many }, []string{"AdditionalSubjects 20: must hold at most 19: Azure allows 20 federated credentials per identity"}},
		{"additional subject key", func(a *WorkloadIdentityArgs) {
			a.AdditionalSubjects = map[string]ServiceAccountRef{"Jobs": {Namespace: "apps", Name: "jobs"}}
		}, []string{`AdditionalSubjects "Jobs": keys must be DNS-1123 labels`}},
		{"additional subject namespace", func(a *WorkloadIdentityArgs) {
			a.AdditionalSubjects = map[string]ServiceAccountRef{"jobs": {Namespace: "", Name: "jobs"}}
		}, []string{`AdditionalSubjects.jobs.Namespace ""`}},
		{"additional subject repeats primary", func(a *WorkloadIdentityArgs) {
			a.AdditionalSubjects = map[string]ServiceAccountRef{"again": {Namespace: "apps", Name: "reader"}}
		}, []string{`AdditionalSubjects.again "apps/reader": repeats the primary service account`}},
		{"audiences empty", func(a *WorkloadIdentityArgs) { a.Audiences = []string{} }, []string{`Audiences "": must not be empty`}},
		{"audience blank", func(a *WorkloadIdentityArgs) { a.Audiences = []string{"api://AzureADTokenExchange", " "} }, []string{`Audiences[1] " ": must not be empty`}},
		{"vault access key", func(a *WorkloadIdentityArgs) {
			a.VaultAccess = map[string]VaultAccess{"Main": {VaultID: vault, ObjectTypes: []ObjectType{ObjectTypeSecret}}}
		}, []string{`VaultAccess "Main": keys must be DNS-1123 labels`}},
		{"vault access id", func(a *WorkloadIdentityArgs) {
			a.VaultAccess = map[string]VaultAccess{"main": {ObjectTypes: []ObjectType{ObjectTypeSecret}}}
		}, []string{"VaultAccess.main.VaultID (unset): is required"}},
		{"vault access mode", func(a *WorkloadIdentityArgs) {
			a.VaultAccess = map[string]VaultAccess{"main": {VaultID: vault, Authorization: "ACL", ObjectTypes: []ObjectType{ObjectTypeSecret}}}
		}, []string{`VaultAccess.main.Authorization "ACL"`}},
		{"vault access types required", func(a *WorkloadIdentityArgs) {
			a.VaultAccess = map[string]VaultAccess{"main": {VaultID: vault}}
		}, []string{"VaultAccess.main.ObjectTypes \"\": must name at least one"}},
		{"vault access type", func(a *WorkloadIdentityArgs) {
			a.VaultAccess = map[string]VaultAccess{"main": {VaultID: vault, ObjectTypes: []ObjectType{"certificate"}}}
		}, []string{`VaultAccess.main.ObjectTypes[0] "certificate": must be "secret", "cert" or "key"`}},
		{"tags", func(a *WorkloadIdentityArgs) { a.Tags = map[string]string{"a%b": "x"} }, []string{`Tags "a%b"`}},
	}
	runValidateCases(t, validWorkloadIdentityArgs, WorkloadIdentityArgs.Validate, tests)
}

func wiRun(t *testing.T, mutate func(*WorkloadIdentityArgs)) (*plan.Recorder, map[string]string) {
	t.Helper()
	outs := map[string]string{}
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validWorkloadIdentityArgs()
		mutate(&a)
		w, err := NewWorkloadIdentity(ctx, "reader", &a)
		if err != nil {
			return err
		}
		pulumi.All(w.ClientID, w.PrincipalID, w.TenantID, w.Namespace, w.ServiceAccountName, w.Subject).ApplyT(func(v []any) error {
			for i, k := range []string{"clientId", "principalId", "tenantId", "namespace", "serviceAccountName", "subject"} {
				outs[k] = v[i].(string)
			}
			return nil
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec, outs
}

const testVaultID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-test"

func TestWorkloadIdentityManagedIdentityWiring(t *testing.T) {
	t.Parallel()
	rec, outs := wiRun(t, func(a *WorkloadIdentityArgs) {
		a.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), ObjectTypes: []ObjectType{ObjectTypeSecret, ObjectTypeCert, ObjectTypeKey, ObjectTypeSecret}}}
	})
	wantParentedTo(t, rec.Resources(), mustFind(t, rec, WorkloadIdentityType, "reader"))
	id := mustFind(t, rec, ":UserAssignedIdentity", "reader")
	clientID, principalID, tenantID := id.State["clientId"].StringValue(), id.State["principalId"].StringValue(), id.State["tenantId"].StringValue()

	fic := mustFind(t, rec, ":FederatedIdentityCredential", "reader-fic")
	wantInput(t, fic, "issuer", testIssuer) // verbatim, trailing slash and all
	wantInput(t, fic, "subject", "system:serviceaccount:apps:reader")
	wantInput(t, fic, "audiences.0", DefaultAudience)
	wantInput(t, fic, "resourceName", id.State["name"].StringValue())
	wantInput(t, fic, "federatedIdentityCredentialResourceName", "sa-apps-reader")

	sa := mustFind(t, rec, "kubernetes:core/v1:ServiceAccount", "reader-sa")
	wantInput(t, sa, "metadata.name", "reader")
	wantInput(t, sa, "metadata.namespace", "apps")
	ann, _ := sa.Input("metadata.annotations")
	annotations, _ := ann.(map[string]any)
	if annotations[ClientIDAnnotation] != clientID || annotations[TenantIDAnnotation] != tenantID {
		t.Errorf("service account annotations = %v, want client %s, tenant %s", annotations, clientID, tenantID)
	}
	labels, _ := sa.Input("metadata.labels")
	if l, _ := labels.(map[string]any); l["app.kubernetes.io/name"] != "reader" {
		t.Errorf("service account labels = %v", labels)
	}
	if len(plan.OfType(rec.Resources(), ":Namespace")) != 0 {
		t.Error("namespace created without CreateNamespace")
	}

	// One role per object type, scoped to the vault, never wider.
	want := map[string]string{
		"reader-main-secrets-user":     azure.RoleKeyVaultSecretsUser,
		"reader-main-certificate-user": azure.RoleKeyVaultCertificateUser,
		"reader-main-crypto-user":      azure.RoleKeyVaultCryptoUser,
	}
	roles := plan.OfType(rec.Resources(), ":RoleAssignment")
	if len(roles) != len(want) {
		t.Errorf("%d role assignments, want %d", len(roles), len(want))
	}
	for name, role := range want {
		ra := mustFind(t, rec, ":RoleAssignment", name)
		wantInput(t, ra, "scope", testVaultID)
		wantInput(t, ra, "principalId", principalID)
		wantInput(t, ra, "principalType", "ServicePrincipal")
		wantInput(t, ra, "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"+role)
	}

	wantOuts := map[string]string{"clientId": clientID, "principalId": principalID, "tenantId": tenantID, "namespace": "apps", "serviceAccountName": "reader", "subject": "system:serviceaccount:apps:reader"}
	if fmt.Sprint(outs) != fmt.Sprint(wantOuts) {
		t.Errorf("outputs = %v\nwant      %v", outs, wantOuts)
	}

	// Deterministic assignment names: a second run names them the same.
	again, _ := wiRun(t, func(a *WorkloadIdentityArgs) {
		a.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), ObjectTypes: []ObjectType{ObjectTypeSecret}}}
	})
	n1, _ := mustFind(t, rec, ":RoleAssignment", "reader-main-secrets-user").Input("roleAssignmentName")
	n2, _ := mustFind(t, again, ":RoleAssignment", "reader-main-secrets-user").Input("roleAssignmentName")
	if n1 != n2 || checkGUID(fmt.Sprint(n1)) != "" {
		t.Errorf("assignment names %v, %v: want the same GUID", n1, n2)
	}
}

// TestFederatedCredentialsFormAChain: ARM answers 409 to concurrent writes of
// credentials on one identity, so each credential waits for the one before,
// and no two credentials wait for the same one.
func TestFederatedCredentialsFormAChain(t *testing.T) {
	t.Parallel()
	rec, _ := wiRun(t, func(a *WorkloadIdentityArgs) {
		a.AdditionalSubjects = map[string]ServiceAccountRef{
			"jobs":    {Namespace: "apps", Name: "jobs"},
			"web":     {Namespace: "web", Name: "frontend"},
			"workers": {Namespace: "apps", Name: "workers"},
		}
	})
	fics := plan.OfType(rec.Resources(), ":FederatedIdentityCredential")
	if len(fics) != 4 {
		t.Fatalf("%d credentials, want 4", len(fics))
	}
	plantest.AssertChain(t, "credentials", fics)
	wantInput(t, mustFind(t, rec, ":FederatedIdentityCredential", "reader-fic-web"), "subject", "system:serviceaccount:web:frontend")
}

func TestWorkloadIdentityCreatesNamespaceWhenAsked(t *testing.T) {
	t.Parallel()
	rec, _ := wiRun(t, func(a *WorkloadIdentityArgs) { a.CreateNamespace = true })
	ns := mustFind(t, rec, "kubernetes:core/v1:Namespace", "reader-ns")
	wantInput(t, ns, "metadata.name", "apps")
	sa := mustFind(t, rec, "kubernetes:core/v1:ServiceAccount", "reader-sa")
	if !strings.Contains(strings.Join(sa.DependsOn, " "), ns.URN) {
		t.Errorf("service account does not wait for its namespace: %v", sa.DependsOn)
	}
}

// TestAccessPolicyModeGrantsGetOnly: the walkthrough grants "get list"; the
// CSI driver needs "get" alone.
func TestAccessPolicyModeGrantsGetOnly(t *testing.T) {
	t.Parallel()
	rec, outs := wiRun(t, func(a *WorkloadIdentityArgs) {
		a.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), Authorization: VaultAuthorizationAccessPolicy, ObjectTypes: []ObjectType{ObjectTypeSecret, ObjectTypeCert}}}
	})
	if n := len(plan.OfType(rec.Resources(), ":RoleAssignment")); n != 0 {
		t.Errorf("%d role assignments on an access-policy vault", n)
	}
	p := mustFind(t, rec, "keyvault:AccessPolicy", "reader-main-policy")
	wantInput(t, p, "vaultName", "kv-test")
	wantInput(t, p, "resourceGroupName", "rg-kv")
	wantInput(t, p, "policy.objectId", outs["principalId"])
	wantInput(t, p, "policy.tenantId", outs["tenantId"])
	perms, _ := p.Input("policy.permissions")
	if fmt.Sprint(perms) != "map[certificates:[get] keys:[] secrets:[get]]" {
		t.Errorf("permissions = %v, want get on secrets and certificates only", perms)
	}
	if strings.Contains(fmt.Sprint(perms), "list") {
		t.Error("the walkthrough's list permission is back")
	}
}

// TestApplicationKindCreatesServicePrincipal: the walkthrough creates the app
// but never its service principal, so grants have nothing to point at.
func TestApplicationKindCreatesServicePrincipal(t *testing.T) {
	t.Parallel()
	rec, outs := wiRun(t, func(a *WorkloadIdentityArgs) {
		a.Kind, a.ResourceGroupName = IdentityKindApplication, nil
		a.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), ObjectTypes: []ObjectType{ObjectTypeSecret}}}
		a.AdditionalSubjects = map[string]ServiceAccountRef{"jobs": {Namespace: "apps", Name: "jobs"}}
	})
	wantParentedTo(t, rec.Resources(), mustFind(t, rec, WorkloadIdentityType, "reader"))
	app := mustFind(t, rec, "azuread:index/application:Application", "reader")
	sp := mustFind(t, rec, "azuread:index/servicePrincipal:ServicePrincipal", "reader")
	wantInput(t, app, "displayName", applicationDisplayName("", "secure-aks", "test", "reader"))
	wantInput(t, sp, "clientId", app.State["clientId"].StringValue())
	// The deployer, as the azuread provider sees it, owns both: the provider
	// would otherwise drop it as owner after create, and an OwnedBy
	// deployer could not write the credential.
	deployer := plan.FakeGUID("client", "objectId")
	for _, r := range []plan.Resource{app, sp} {
		wantInput(t, r, "owners", []any{deployer})
	}
	asked := false
	for _, inv := range rec.Invokes() {
		asked = asked || inv.Token == "azuread:index/getClientConfig:getClientConfig"
	}
	if !asked {
		t.Error("the owner did not come from the azuread provider's getClientConfig")
	}
	fic := mustFind(t, rec, ":ApplicationFederatedIdentityCredential", "reader-fic")
	wantInput(t, fic, "applicationId", app.ID)
	wantInput(t, fic, "issuer", testIssuer)
	wantInput(t, fic, "subject", "system:serviceaccount:apps:reader")
	wantInput(t, fic, "audiences.0", DefaultAudience)
	plantest.AssertChain(t, "credentials", plan.OfType(rec.Resources(), ":ApplicationFederatedIdentityCredential"))
	ra := mustFind(t, rec, ":RoleAssignment", "reader-main-secrets-user")
	// The grant names the service principal's object ID, not the app's.
	wantInput(t, ra, "principalId", sp.State["objectId"].StringValue())
	if outs["clientId"] != app.State["clientId"].StringValue() || outs["principalId"] != sp.State["objectId"].StringValue() {
		t.Errorf("outputs = %v", outs)
	}
	if len(plan.OfType(rec.Resources(), ":UserAssignedIdentity")) != 0 {
		t.Error("a managed identity was created for kind Application")
	}
}

func TestNewWorkloadIdentityInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating workload identity "reader": Namespace "Not_A_Label"`, func(ctx *pulumi.Context) error {
		a := validWorkloadIdentityArgs()
		a.Namespace = "Not_A_Label"
		_, err := NewWorkloadIdentity(ctx, "reader", &a)
		return err
	})
}

// TestReadyNamesEveryResourceAPodWaitsFor: the service account, every
// credential and every grant, as concrete resources (a dependency on the
// component would cover only the children registered so far).
func TestReadyNamesEveryResourceAPodWaitsFor(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		ready []string
	)
	_, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validWorkloadIdentityArgs()
		a.AdditionalSubjects = map[string]ServiceAccountRef{"jobs": {Namespace: "apps", Name: "jobs"}}
		a.VaultAccess = map[string]VaultAccess{"main": {VaultID: pulumi.String(testVaultID), ObjectTypes: []ObjectType{ObjectTypeSecret, ObjectTypeKey}}}
		w, err := NewWorkloadIdentity(ctx, "reader", &a)
		if err != nil {
			return err
		}
		for _, r := range w.Ready() {
			r.URN().ApplyT(func(u pulumi.URN) string {
				short := plan.ShortURN(string(u))
				mu.Lock()
				ready = append(ready, short[strings.LastIndex(short[:strings.Index(short, "::")], ":")+1:])
				mu.Unlock()
				return ""
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ready)
	want := []string{
		"FederatedIdentityCredential::reader-fic",
		"FederatedIdentityCredential::reader-fic-jobs",
		"RoleAssignment::reader-main-crypto-user",
		"RoleAssignment::reader-main-secrets-user",
		"ServiceAccount::reader-sa",
	}
	if fmt.Sprint(ready) != fmt.Sprint(want) {
		t.Errorf("Ready() = %v\nwant      %v", ready, want)
	}
}
