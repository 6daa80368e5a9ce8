package stacks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/plan"
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
// that needs it, for each workload of both real stack files.
func TestWorkloadWiring(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			p := planStackFile(t, stack)
			rs := p.Resources
			cluster := mustFind(t, rs, ":ManagedCluster", "aks")
			issuer := stateString(t, cluster, "oidcIssuerProfile.issuerURL")
			kv := mustFind(t, rs, "keyvault:Vault", "vault")
			vaultName := stateString(t, kv, "name")
			tenant := inputString(t, kv, "properties.tenantId")
			if p.Outputs["oidcIssuerUrl"] != issuer {
				t.Errorf("oidcIssuerUrl output %v, cluster issuer %s", p.Outputs["oidcIssuerUrl"], issuer)
			}

			// What the stack file asks for, read by the program's loader, so
			// that the wiring is checked whatever names the file chooses.
			w := stackWorkload(t, stack)
			workloads, _ := p.Outputs["workloads"].(map[string]any)
			if len(workloads) != 1 {
				t.Fatalf("workloads output = %v", p.Outputs["workloads"])
			}
			name := w.Name
			id := mustFind(t, rs, ":UserAssignedIdentity", name)
			clientID, principalID := stateString(t, id, "clientId"), stateString(t, id, "principalId")
			sa := mustFind(t, rs, "kubernetes:core/v1:ServiceAccount", name+"-sa")
			spc := mustFind(t, rs, ":SecretProviderClass", name)

			// Step 4: the walkthrough's service account and subject.
			wantInput(t, sa, "metadata.namespace", w.Namespace)
			wantInput(t, sa, "metadata.name", w.ServiceAccount)
			subject := "system:serviceaccount:" + inputString(t, sa, "metadata.namespace") + ":" + inputString(t, sa, "metadata.name")
			fics := plan.OfType(rs, ":FederatedIdentityCredential")
			if len(fics) == 0 {
				t.Fatal("no federated credential")
			}
			for _, fic := range fics {
				if inputString(t, fic, "resourceName") != stateString(t, id, "name") {
					continue
				}
				wantInput(t, fic, "issuer", issuer)
				wantInput(t, fic, "subject", subject)
				wantInput(t, fic, "audiences", []any{components.DefaultAudience})
			}
			assertChains(t, fics)

			// The client ID: annotation == SPC clientID == identity == output.
			ann, _ := sa.Input("metadata.annotations")
			annotations, _ := ann.(map[string]any)
			if annotations[components.ClientIDAnnotation] != clientID {
				t.Errorf("service account client-id annotation %v, identity client ID %s", annotations[components.ClientIDAnnotation], clientID)
			}
			wantInput(t, spc, "spec.parameters.clientID", clientID)
			wantInput(t, spc, "spec.parameters.keyvaultName", vaultName)
			wantInput(t, spc, "spec.parameters.tenantID", tenant)
			wantInput(t, spc, "spec.parameters.usePodIdentity", "false")
			wantInput(t, spc, "metadata.namespace", w.Namespace)
			out, _ := workloads[name].(map[string]any)
			want := map[string]any{"clientId": clientID, "namespace": w.Namespace, "serviceAccount": w.ServiceAccount, "secretProviderClass": name}
			if fmt.Sprint(out) != fmt.Sprint(want) {
				t.Errorf("workloads.%s = %v, want %v", name, out, want)
			}

			// Step 5: Key Vault Secrets User on the vault, never wider.
			ra := mustFind(t, rs, ":RoleAssignment", name+"-vault-secrets-user")
			wantInput(t, ra, "scope", kv.ID)
			wantInput(t, ra, "principalId", principalID)
			wantInput(t, ra, "principalType", "ServicePrincipal")
			if r := inputString(t, ra, "roleDefinitionId"); !strings.HasSuffix(r, "/roleDefinitions/"+components.RoleKeyVaultSecretsUser) {
				t.Errorf("role = %s, want Key Vault Secrets User", r)
			}
			for _, r := range plan.OfType(rs, ":RoleAssignment") {
				if s := inputString(t, r, "scope"); s != kv.ID {
					t.Errorf("%s is scoped to %s, want the vault", r.Name, s)
				}
			}
			for _, r := range plan.OfType(rs, "keyvault:AccessPolicy") {
				if perms, _ := r.Input("policy.permissions"); strings.Contains(fmt.Sprint(perms), "list") && !strings.Contains(r.Name, "deployer") {
					t.Errorf("%s grants list: %v", r.Name, perms)
				}
			}

			// Step 6: the sample reader, where the stack asks for it (dev).
			samples := plan.OfType(rs, "kubernetes:apps/v1:Deployment")
			if stack == "prod" && w.Sample {
				t.Error("prod asks for the sample reader; it is for dev only")
			}
			if !w.Sample {
				if len(samples) != 0 {
					t.Errorf("%s deploys %d sample deployments without sample: true", stack, len(samples))
				}
				return
			}
			d := mustFind(t, rs, "kubernetes:apps/v1:Deployment", name+"-sample")
			wantInput(t, d, "metadata.namespace", w.Namespace)
			wantInput(t, d, "spec.template.spec.serviceAccountName", w.ServiceAccount)
			// The label goes on the pod template: the webhook mutates pods.
			podLabels, _ := d.Input("spec.template.metadata.labels")
			if l, _ := podLabels.(map[string]any); l[components.UseLabel] != "true" {
				t.Errorf("pod template labels = %v, want %s: \"true\"", podLabels, components.UseLabel)
			}
			if l, _ := d.Input("metadata.labels"); fmt.Sprint(l) != "map[app:"+name+"]" {
				t.Errorf("deployment labels = %v", l)
			}
			wantInput(t, d, "spec.template.spec.volumes.0.csi.driver", components.CSIDriver)
			wantInput(t, d, "spec.template.spec.volumes.0.csi.readOnly", true)
			wantInput(t, d, "spec.template.spec.volumes.0.csi.volumeAttributes.secretProviderClass", name)
			wantInput(t, d, "spec.template.spec.containers.0.image", SampleImage)
			wantInput(t, d, "spec.template.spec.containers.0.volumeMounts.0.mountPath", "/mnt/secrets-store")
			wantInput(t, d, "spec.template.spec.containers.0.volumeMounts.0.readOnly", true)
			for _, dep := range []string{sa.URN, spc.URN} {
				if !slices.Contains(d.DependsOn, dep) {
					t.Errorf("the sample does not wait for %s", plan.ShortURN(dep))
				}
			}
		})
	}
}

// stackWorkload loads a real stack file with the program's own loader and
// returns its one workload, defaults applied.
func stackWorkload(t *testing.T, stack string) WorkloadConfig {
	t.Helper()
	cfg, err := plan.LoadStackFile("../Pulumi." + stack + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c *Config
	_, _, err = plan.Run("secure-aks", stack, cfg, func(func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			var loadErr error
			c, loadErr = LoadConfigWith(ctx, LoadOptions{PlaceholderSecrets: true})
			return loadErr
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Workloads) != 1 {
		t.Fatalf("%s has %d workloads; this test follows exactly one", stack, len(c.Workloads))
	}
	return c.Workloads[0].withDefaults()
}

// assertChains checks that the credentials of each identity form one chain.
func assertChains(t *testing.T, fics []plan.Resource) {
	t.Helper()
	urns := map[string]bool{}
	for _, f := range fics {
		urns[f.URN] = true
	}
	starts, waitedFor := map[string]int{}, map[string]int{}
	for _, f := range fics {
		identity := fmt.Sprint(f.Input("resourceName"))
		var preds []string
		for _, d := range f.DependsOn {
			if urns[d] {
				preds = append(preds, d)
			}
		}
		if len(preds) == 0 {
			starts[identity]++
		}
		for _, p := range preds {
			waitedFor[p]++
		}
	}
	for identity, n := range starts {
		if n != 1 {
			t.Errorf("identity %s: %d credentials are written concurrently", identity, n)
		}
	}
	for p, n := range waitedFor {
		if n > 1 {
			t.Errorf("%d credentials wait for %s: siblings", n, plan.ShortURN(p))
		}
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
