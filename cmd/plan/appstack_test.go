package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/examples/app-stack/app"
	"github.com/secure-aks/secure-aks/internal/guardrails"
	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/platform"
)

// appStackDir is the example app stack, relative to this package.
const appStackDir = "../../examples/app-stack"

// planAppStack plans the example app stack's dev stack offline, its
// StackReference answered with the given outputs of the platform, with
// extra configuration values over the stack file's.
func planAppStack(t *testing.T, platformOutputs resource.PropertyMap, extra ...string) (*plan.Plan, error) {
	t.Helper()
	cfg, err := plan.LoadStackFile(appStackDir + "/Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg.Values[cfg.Project+":"+extra[i]] = extra[i+1]
	}
	ref := cfg.Values[cfg.Project+":platformStack"]
	p, _, err := plan.Run(cfg.Project, "dev", cfg, func(export func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			outputs, err := app.Build(ctx)
			for name, v := range outputs {
				ctx.Export(name, v)
				export(name, v)
			}
			return err
		}
	}, plan.WithStackReference(ref, platformOutputs))
	return p, err
}

// platformDev is the platform's dev stack planned offline, with its outputs.
func platformDev(t *testing.T) *plan.Plan {
	t.Helper()
	p, _, err := offline.PlanFile("../..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAppStack plans examples/app-stack against the platform's own dev
// outputs (the platform plan's exports, through the StackReference), checks
// it against its golden plan, and follows the wiring by value.
func TestAppStack(t *testing.T) {
	pl := platformDev(t)
	p, err := planAppStack(t, pl.RawOutputs)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := p.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	if err := checkGolden(appStackDir+"/testdata/dev.json", out.Bytes(), updating()); err != nil {
		t.Error(err)
	}

	// No cluster, no vault: only what an app team owns.
	for _, r := range p.Resources {
		for _, forbidden := range []string{":ManagedCluster", "keyvault:Vault", ":ResourceGroup", components.ClusterType, components.VaultType} {
			if strings.HasSuffix(r.Type, forbidden) {
				t.Errorf("the app stack creates %s %s", r.Type, r.Name)
			}
		}
	}
	want := func(r plan.Resource, path string, value any) {
		t.Helper()
		if got, _ := r.Input(path); fmt.Sprint(got) != fmt.Sprint(value) {
			t.Errorf("%s %s: %s = %v, want %v", r.Type, r.Name, path, got, value)
		}
	}
	find := func(typeSuffix, name string) plan.Resource {
		t.Helper()
		r, err := plan.Find(p.Resources, typeSuffix, name)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	id := find(":UserAssignedIdentity", app.Name)
	clientID := id.State["clientId"].StringValue()
	// The credential trusts the platform's issuer, for the service account.
	fic := find(":FederatedIdentityCredential", app.Name+"-fic")
	want(fic, "issuer", pl.Outputs[platform.OutputOIDCIssuerURL])
	want(fic, "subject", "system:serviceaccount:"+app.Namespace+":"+app.ServiceAccount)
	// Annotation == SecretProviderClass clientID == the identity's client ID.
	sa := find("kubernetes:core/v1:ServiceAccount", app.Name+"-sa")
	if ann, _ := sa.Input("metadata.annotations"); ann.(map[string]any)[components.ClientIDAnnotation] != clientID {
		t.Errorf("service account annotation %v, identity client ID %s", ann, clientID)
	}
	spc := find(":SecretProviderClass", app.Name)
	want(spc, "spec.parameters.clientID", clientID)
	want(spc, "spec.parameters.keyvaultName", pl.Outputs[platform.OutputVaultName])
	want(spc, "spec.parameters.tenantID", pl.Outputs[platform.OutputTenantID])
	// The grant is scoped to the platform's vault.
	ra := find(":RoleAssignment", app.Name+"-platform-secrets-user")
	want(ra, "scope", pl.Outputs[platform.OutputVaultID])
	want(ra, "principalId", id.State["principalId"].StringValue())
	// Every Kubernetes object goes through the app's provider for the
	// platform's cluster, identified by the platform's cluster ID.
	provider := find("pulumi:providers:kubernetes", "platform-cluster")
	want(provider, "clusterIdentifier", pl.Outputs[platform.OutputClusterUID])
	if !provider.IsSecretInput("kubeconfig") {
		t.Error("the provider's kubeconfig is not a secret")
	}
	objects := 0
	for _, r := range p.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			objects++
			if r.Provider != provider.URN {
				t.Errorf("%s %s goes through %q, not the platform cluster's provider", r.Type, r.Name, r.Provider)
			}
		}
	}
	if objects < 4 {
		t.Errorf("%d Kubernetes objects, want the namespace, service account, class and deployment", objects)
	}
	if p.Outputs["clientId"] != clientID {
		t.Errorf("clientId output %v, want %s", p.Outputs["clientId"], clientID)
	}
	// The app stack is held to the same guardrails as the platform's stacks.
	for _, f := range guardrails.Failed(guardrails.Evaluate(p, guardrails.ProfileStandard)) {
		t.Errorf("the app stack breaks %s", f)
	}
}

// TestAppStackOnAnOlderPlatform: a platform stack without an output the
// contract needs is an error naming each missing output.
func TestAppStackOnAnOlderPlatform(t *testing.T) {
	outputs := platformDev(t).RawOutputs.Copy()
	delete(outputs, platform.OutputVaultID)
	delete(outputs, platform.OutputTenantID)
	p, err := planAppStack(t, outputs)
	if err == nil {
		t.Fatalf("planned against a platform without %s: %d resources", platform.OutputVaultID, len(p.Resources))
	}
	for _, want := range []string{"the platform stack has no output tenantId, vaultId", "run pulumi up on it first"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestAppStackChoosesItsNodePool: the app stack's nodeSelector and
// tolerations reach its pod template as the Kubernetes fields, and a bad
// toleration is one message naming the key and the entry.
func TestAppStackChoosesItsNodePool(t *testing.T) {
	outputs := platformDev(t).RawOutputs
	p, err := planAppStack(t, outputs, "nodeSelector", `{"workload":"apps"}`, "tolerations", `["dedicated=orders:NoSchedule"]`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := plan.Find(p.Resources, "apps/v1:Deployment", app.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Input("spec.template.spec.nodeSelector"); fmt.Sprint(got) != "map[workload:apps]" {
		t.Errorf("nodeSelector %v, want map[workload:apps]", got)
	}
	want := map[string]any{"key": "dedicated", "operator": "Equal", "value": "orders", "effect": "NoSchedule"}
	if got, _ := d.Input("spec.template.spec.tolerations"); fmt.Sprint(got) != fmt.Sprint([]any{want}) {
		t.Errorf("tolerations %v, want [%v]", got, want)
	}

	_, err = planAppStack(t, outputs, "tolerations", `["dedicated=orders"]`)
	if err == nil || !strings.Contains(err.Error(), `secure-aks-orders:tolerations[0] "dedicated=orders": must be key=value:Effect`) {
		t.Errorf("a toleration without an effect: %v", err)
	}
}
