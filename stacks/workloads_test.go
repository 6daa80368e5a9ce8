package stacks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

func inputString(t *testing.T, r plan.Resource, path string) string {
	t.Helper()
	v, ok := r.Input(path)
	s, isString := v.(string)
	if !ok || !isString {
		t.Fatalf("%s %s: input %s = %v, want a string", r.Type, r.Name, path, v)
	}
	return s
}

func stateString(t *testing.T, r plan.Resource, path string) string {
	t.Helper()
	v, ok := plan.Lookup(plan.Reveal(resourceValue(r.State)), path)
	s, isString := v.(string)
	if !ok || !isString {
		t.Fatalf("%s %s: output %s = %v, want a string", r.Type, r.Name, path, v)
	}
	return s
}

// TestWorkloadWiring follows, by value, every wired output into the input
// that needs it, for every workload of every stack file. Each resource is
// found by its own name and parent, never through the wiring under test.
func TestWorkloadWiring(t *testing.T) {
	t.Parallel()
	for _, stack := range stackFiles(t) {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			p := planStackFile(t, stack)
			rs := p.Resources
			cluster := mustFind(t, rs, ":ManagedCluster", "aks")
			issuer := stateString(t, cluster, "oidcIssuerProfile.issuerURL")
			kv := mustFind(t, rs, "keyvault:Vault", "vault")
			vaultName := stateString(t, kv, "name")
			tenant := inputString(t, kv, "properties.tenantId")
			rbac, _ := kv.Input("properties.enableRbacAuthorization")
			if p.Outputs["oidcIssuerUrl"] != issuer {
				t.Errorf("oidcIssuerUrl output %v, cluster issuer %s", p.Outputs["oidcIssuerUrl"], issuer)
			}

			// What the stack file asks for, read by the program's loader, so
			// that the wiring is checked whatever names the file chooses.
			loaded := stackWorkloads(t, stack)
			workloads, _ := p.Outputs["workloads"].(map[string]any)
			if len(loaded) == 0 || len(workloads) != len(loaded) {
				t.Fatalf("%d workloads configured, output %v", len(loaded), p.Outputs["workloads"])
			}
			samples := 0
			for _, w := range loaded {
				t.Run(w.Name, func(t *testing.T) {
					samples += checkWorkloadWiring(t, rs, w, wiring{issuer: issuer, vault: kv, vaultName: vaultName, tenant: tenant, rbac: rbac == true, output: workloads[w.Name]})
				})
			}
			if n := len(plan.OfType(rs, "kubernetes:apps/v1:Deployment")); n != samples {
				t.Errorf("%d Deployments, %d workloads ask for the sample reader", n, samples)
			}
			if stack == "prod" && samples != 0 {
				t.Error("prod asks for the sample reader; it is for dev only")
			}
			assertChains(t, plan.OfType(rs, ":FederatedIdentityCredential"))
		})
	}
}

// wiring is what a stack's workloads must be wired to.
type wiring struct {
	issuer, vaultName, tenant string
	vault                     plan.Resource
	rbac                      bool
	output                    any
}

// checkWorkloadWiring checks one workload and returns 1 if it deploys the
// sample reader.
func checkWorkloadWiring(t *testing.T, rs []plan.Resource, w WorkloadConfig, want wiring) int {
	t.Helper()
	component := mustFind(t, rs, components.WorkloadIdentityType, w.Name)
	children := func(typeSuffix string) []plan.Resource {
		var out []plan.Resource
		for _, r := range plan.OfType(rs, typeSuffix) {
			if r.Parent == component.URN {
				out = append(out, r)
			}
		}
		return out
	}

	// The identity and what Azure computes for it.
	var clientID, principalID string
	var fics []plan.Resource
	switch w.Identity {
	case "application":
		app := mustFind(t, rs, "azuread:index/application:Application", w.Name)
		sp := mustFind(t, rs, "azuread:index/servicePrincipal:ServicePrincipal", w.Name)
		clientID, principalID = stateString(t, app, "clientId"), stateString(t, sp, "objectId")
		wantInput(t, sp, "clientId", clientID) // the service principal is the application's
		fics = children(":ApplicationFederatedIdentityCredential")
		for _, fic := range fics {
			wantInput(t, fic, "applicationId", app.ID)
		}
	default:
		id := mustFind(t, rs, ":UserAssignedIdentity", w.Name)
		clientID, principalID = stateString(t, id, "clientId"), stateString(t, id, "principalId")
		fics = children("managedidentity/v20230131:FederatedIdentityCredential")
		for _, fic := range fics {
			wantInput(t, fic, "resourceName", stateString(t, id, "name"))
		}
	}

	// Step 4: the walkthrough's service account and subject, and the
	// credential that trusts it: issuer verbatim, subject, audience.
	sa := mustFind(t, rs, "kubernetes:core/v1:ServiceAccount", w.Name+"-sa")
	wantInput(t, sa, "metadata.namespace", w.Namespace)
	wantInput(t, sa, "metadata.name", w.ServiceAccount)
	if len(fics) != 1 {
		t.Fatalf("%d federated credentials under %s, want 1", len(fics), w.Name)
	}
	wantInput(t, fics[0], "issuer", want.issuer)
	wantInput(t, fics[0], "subject", "system:serviceaccount:"+w.Namespace+":"+w.ServiceAccount)
	wantInput(t, fics[0], "audiences", []any{components.DefaultAudience})

	// The client ID: annotation == SPC clientID == identity == output.
	ann, _ := sa.Input("metadata.annotations")
	if annotations, _ := ann.(map[string]any); annotations[components.ClientIDAnnotation] != clientID {
		t.Errorf("service account client-id annotation %v, identity client ID %s", annotations[components.ClientIDAnnotation], clientID)
	}
	spc := mustFind(t, rs, ":SecretProviderClass", w.Name)
	wantInput(t, spc, "spec.parameters.clientID", clientID)
	wantInput(t, spc, "spec.parameters.keyvaultName", want.vaultName)
	wantInput(t, spc, "spec.parameters.tenantID", want.tenant)
	wantInput(t, spc, "spec.parameters.usePodIdentity", "false")
	wantInput(t, spc, "metadata.namespace", w.Namespace)
	_, synced := spc.Input("spec.secretObjects")
	if synced != w.SyncSecret {
		t.Errorf("secretObjects set: %v, syncSecret: %v", synced, w.SyncSecret)
	}
	outWant := map[string]any{"clientId": clientID, "namespace": w.Namespace, "serviceAccount": w.ServiceAccount, "secretProviderClass": w.Name}
	if fmt.Sprint(want.output) != fmt.Sprint(outWant) {
		t.Errorf("workloads.%s = %v, want %v", w.Name, want.output, outWant)
	}

	// Step 5: read access to exactly this vault, per object type, never
	// wider: a role per type in RBAC mode, "get" per type with policies.
	types := w.objectTypes()
	if want.rbac {
		grants := children(":RoleAssignment")
		if len(grants) != len(types) {
			t.Errorf("%d role assignments for object types %v", len(grants), types)
		}
		for _, ra := range grants {
			wantInput(t, ra, "scope", want.vault.ID)
			wantInput(t, ra, "principalId", principalID)
			wantInput(t, ra, "principalType", "ServicePrincipal")
			role := inputString(t, ra, "roleDefinitionId")
			if !strings.HasSuffix(role, "/roleDefinitions/"+azure.RoleKeyVaultSecretsUser) &&
				!strings.HasSuffix(role, "/roleDefinitions/"+azure.RoleKeyVaultCertificateUser) &&
				!strings.HasSuffix(role, "/roleDefinitions/"+azure.RoleKeyVaultCryptoUser) {
				t.Errorf("%s grants %s, not a read role", ra.Name, role)
			}
		}
	} else {
		policies := children("keyvault:AccessPolicy")
		if len(policies) != 1 {
			t.Fatalf("%d access policies, want 1", len(policies))
		}
		wantInput(t, policies[0], "vaultName", want.vaultName)
		wantInput(t, policies[0], "policy.objectId", principalID)
		perms := map[string]any{"secrets": []any{}, "certificates": []any{}, "keys": []any{}}
		for _, typ := range types {
			perms[map[components.ObjectType]string{components.ObjectTypeSecret: "secrets", components.ObjectTypeCert: "certificates", components.ObjectTypeKey: "keys"}[typ]] = []any{"get"}
		}
		wantInput(t, policies[0], "policy.permissions", perms)
	}

	// Step 6: the sample reader, where the stack asks for it.
	if !w.Sample {
		return 0
	}
	d := mustFind(t, rs, "kubernetes:apps/v1:Deployment", w.Name+tokens.SampleSuffix)
	wantInput(t, d, "metadata.namespace", w.Namespace)
	wantInput(t, d, "spec.template.spec.serviceAccountName", w.ServiceAccount)
	// The label goes on the pod template: the webhook mutates pods.
	podLabels, _ := d.Input("spec.template.metadata.labels")
	if l, _ := podLabels.(map[string]any); l[components.UseLabel] != "true" {
		t.Errorf("pod template labels = %v, want %s: \"true\"", podLabels, components.UseLabel)
	}
	if l, _ := d.Input("metadata.labels"); fmt.Sprint(l) != "map[app:"+w.Name+"]" {
		t.Errorf("deployment labels = %v", l)
	}
	wantInput(t, d, "spec.template.spec.volumes.0.csi.driver", components.CSIDriver)
	wantInput(t, d, "spec.template.spec.volumes.0.csi.readOnly", true)
	wantInput(t, d, "spec.template.spec.volumes.0.csi.volumeAttributes.secretProviderClass", w.Name)
	// The image comes from the registry the kubelet may pull from, when the
	// stack has one, and the sample waits for that grant and for the user
	// pools it runs on.
	image := SampleImage
	for _, ra := range plan.OfType(rs, ":RoleAssignment") {
		if strings.HasSuffix(inputString(t, ra, "roleDefinitionId"), "/"+azure.RoleAcrPull) {
			registry := inputString(t, ra, "scope")
			image = strings.ToLower(registry[strings.LastIndex(registry, "/")+1:]) + ".azurecr.io/" + SampleImage
			if !slices.Contains(d.DependsOn, ra.URN) {
				t.Errorf("the sample does not wait for the kubelet's AcrPull %s", ra.Name)
			}
		}
	}
	for _, pool := range plan.OfType(rs, ":AgentPool") {
		if !slices.Contains(d.DependsOn, pool.URN) {
			t.Errorf("the sample does not wait for the user pool %s", pool.Name)
		}
	}
	wantInput(t, d, "spec.template.spec.containers.0.image", image)
	wantInput(t, d, "spec.template.spec.containers.0.volumeMounts.0.mountPath", "/mnt/secrets-store")
	wantInput(t, d, "spec.template.spec.containers.0.volumeMounts.0.readOnly", true)
	for _, dep := range []string{sa.URN, spc.URN} {
		if !slices.Contains(d.DependsOn, dep) {
			t.Errorf("the sample does not wait for %s", plan.ShortURN(dep))
		}
	}
	return 1
}

// stackWorkloads loads a real stack file with the program's own loader and
// returns its workloads, defaults applied.
func stackWorkloads(t *testing.T, stack string) []WorkloadConfig {
	t.Helper()
	cfg, err := plan.LoadStackFile("../Pulumi." + stack + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c *Config
	_, _, err = plan.Run("secure-aks", stack, withSecretValues(t, cfg), func(func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var loadErr error
			c, loadErr = LoadConfig(ctx)
			return loadErr
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.Workloads
}

// assertChains checks that the credentials of each identity form one chain.
func assertChains(t *testing.T, fics []plan.Resource) {
	t.Helper()
	byIdentity := map[string][]plan.Resource{}
	for _, f := range fics {
		identity := fmt.Sprint(f.Input("resourceName"))
		byIdentity[identity] = append(byIdentity[identity], f)
	}
	for identity, rs := range byIdentity {
		plantest.AssertChain(t, "credentials of identity "+identity, rs)
	}
}

func TestAccessPolicyVaultWiring(t *testing.T) {
	t.Parallel()
	cfg := minimal(map[string]string{
		"secure-aks:vault":     `{"rbacAuthorization": false, "secretNames": ["s1"]}`,
		"secure-aks:workloads": `[{"name": "app", "objects": [{"name": "s1"}, {"name": "tls", "type": "cert", "existing": true}]}]`,
	})
	p, _, err := runStack(t, "test", cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plan.OfType(p.Resources, ":RoleAssignment")); n != 0 {
		t.Errorf("%d role assignments on an access-policy vault", n)
	}
	id := mustFind(t, p.Resources, ":UserAssignedIdentity", "app")
	pol := mustFind(t, p.Resources, "keyvault:AccessPolicy", "app-vault-policy")
	wantInput(t, pol, "policy.objectId", stateString(t, id, "principalId"))
	wantInput(t, pol, "policy.permissions", map[string]any{"secrets": []any{"get"}, "certificates": []any{"get"}, "keys": []any{}})
	kv := mustFind(t, p.Resources, "keyvault:Vault", "vault")
	wantInput(t, pol, "vaultName", stateString(t, kv, "name"))
}

func TestWorkloadConfigRules(t *testing.T) {
	t.Parallel()
	withSecret := `{"secretNames": ["MyApplicationSecret"]}`
	tests := []struct {
		name      string
		workloads string
		wantErr   string
	}{
		{"not a list", `{"name": "a"}`, "secure-aks:workloads: got a JSON object, want a list"},
		{"unknown key", `[{"name": "a", "serviceAcount": "x", "objects": [{"name": "MyApplicationSecret"}]}]`, "secure-aks:workloads[0].serviceAcount: unknown key"},
		{"wrong type in an entry", `[{"name": "a", "objects": [{"name": "MyApplicationSecret"}]}, {"name": "b", "sample": "yes"}]`, "secure-aks:workloads[1].sample: got a JSON string, want true or false"},
		{"name", `[{"name": "Secret_Reader", "objects": [{"name": "MyApplicationSecret"}]}]`, `secure-aks:workloads[0].name "Secret_Reader": must be a DNS-1123 label`},
		{"name unique", `[{"name": "a", "objects": [{"name": "MyApplicationSecret"}]}, {"name": "a", "objects": [{"name": "MyApplicationSecret"}]}]`, `secure-aks:workloads[1].name "a": already used by secure-aks:workloads[0]`},
		{"identity", `[{"name": "a", "identity": "pod", "objects": [{"name": "MyApplicationSecret"}]}]`, `secure-aks:workloads[0].identity "pod": must be "managedIdentity" or "application"`},
		{"namespace", `[{"name": "a", "namespace": "Apps", "objects": [{"name": "MyApplicationSecret"}]}]`, `secure-aks:workloads[0].namespace "Apps": must be a DNS-1123 label`},
		{"service account", `[{"name": "a", "serviceAccount": "my_sa", "objects": [{"name": "MyApplicationSecret"}]}]`, `secure-aks:workloads[0].serviceAccount "my_sa"`},
		{"objects required", `[{"name": "a"}]`, `secure-aks:workloads[0].objects "": must name at least one object`},
		{"object not written", `[{"name": "a", "objects": [{"name": "Other"}]}]`, `secure-aks:workloads[0].objects[0].name "Other": is not in secure-aks:vault.secretNames`},
		{"cert must be existing", `[{"name": "a", "objects": [{"name": "tls", "type": "cert"}]}]`, `secure-aks:workloads[0].objects[0].type "cert": this stack writes only secrets`},
		{"object type", `[{"name": "a", "objects": [{"name": "x", "type": "password", "existing": true}]}]`, `secure-aks:workloads[0].objects[0].type "password"`},
		{"alias unique", `[{"name": "a", "objects": [{"name": "MyApplicationSecret", "alias": "s"}, {"name": "x", "alias": "s", "existing": true}]}]`, `secure-aks:workloads[0].objects[1].alias "s": file name already used`},
		{"service account shared", `[{"name": "a", "serviceAccount": "app", "objects": [{"name": "MyApplicationSecret"}]}, {"name": "b", "serviceAccount": "app", "objects": [{"name": "MyApplicationSecret"}]}]`,
			`secure-aks:workloads[1].serviceAccount "app": secure-aks:workloads[0].serviceAccount already creates service account "app" in namespace "default"`},
		{"type error inside an object", `[{"name": "a", "objects": [{"name": "MyApplicationSecret"}, {"name": "x", "existing": "yes"}]}]`, "secure-aks:workloads[0].objects[1].existing: got a JSON string, want true or false"},
		{"unknown key inside an object", `[{"name": "a", "objects": [{"name": "MyApplicationSecret", "alais": "s"}]}]`, "secure-aks:workloads[0].objects[0].alais: unknown key"},
		{"objects not a list", `[{"name": "a", "objects": {"name": "MyApplicationSecret"}}]`, "secure-aks:workloads[0].objects: got a JSON object, want a list"},
		{"pfx for certs", `[{"name": "a", "objects": [{"name": "tls", "type": "cert", "format": "pfx", "existing": true}]}]`, `secure-aks:workloads[0].objects[0].format "pfx"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, rec, err := runStack(t, "test", minimal(map[string]string{"secure-aks:vault": withSecret, "secure-aks:workloads": tt.workloads}), true)
			wantOneProblem(t, err, tt.wantErr)
			if rec != nil && len(rec.Resources()) != 0 {
				t.Errorf("%d resources registered, want 0", len(rec.Resources()))
			}
		})
	}
}
