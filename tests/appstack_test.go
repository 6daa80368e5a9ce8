package tests

// The app stack's PodDisruptionBudget and Deployment, decoded strictly into
// k8s.io/api's types, and the budget's selector matched against the pod
// template with apimachinery's own selector code: the budget a node upgrade
// honours is the one that covers the service's pods, and it lets a drain
// proceed.

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	appsv1 "k8s.io/api/apps/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/secure-aks/secure-aks/examples/app-stack/app"
	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// appStackPlan plans the example app stack's dev stack offline against the
// platform's dev stack, its StackReference answered with the platform plan's
// outputs, as cmd/plan's TestAppStack does.
func appStackPlan(t *testing.T) *plan.Plan {
	t.Helper()
	platform, _, err := offline.PlanFile("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := plan.LoadStackFile("../examples/app-stack/Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := plan.Run(cfg.Project, "dev", cfg, func(export func(string, pulumi.Input)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			_, err := app.Build(ctx)
			return err
		}
	}, plan.WithStackReference(cfg.Values[cfg.Project+":platformStack"], platform.RawOutputs))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// objectJSON is the Kubernetes object a resource of the app stack registers,
// as the provider sends it.
func objectJSON(t *testing.T, res plan.Resource) []byte {
	t.Helper()
	data, err := json.Marshal(plan.Reveal(resource.NewProperty(res.RawInputs)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestAppStackDisruptionBudgetCoversItsPodsAndLetsADrainProceed(t *testing.T) {
	p := appStackPlan(t)
	budgets := plan.OfType(p.Resources, "kubernetes:policy/v1:PodDisruptionBudget")
	deployments := plan.OfType(p.Resources, typeDeployment)
	if len(budgets) != 1 || len(deployments) != 1 {
		t.Fatalf("the app stack has %d budgets and %d Deployments, want one of each", len(budgets), len(deployments))
	}
	pdb, err := decodeStrict[*policyv1.PodDisruptionBudget](objectJSON(t, budgets[0]))
	if err != nil {
		t.Fatalf("PodDisruptionBudget: strict decode: %v", err)
	}
	d, err := decodeStrict[*appsv1.Deployment](objectJSON(t, deployments[0]))
	if err != nil {
		t.Fatalf("Deployment: strict decode: %v", err)
	}
	if pdb.Namespace != d.Namespace {
		t.Fatalf("the budget is in namespace %q, the Deployment in %q", pdb.Namespace, d.Namespace)
	}
	selector, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		t.Fatal(err)
	}
	if selector.Empty() || !selector.Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("the budget's selector %s does not select the pod template's labels %v", selector, d.Spec.Template.Labels)
	}
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	if replicas < 2 {
		t.Fatalf("the Deployment runs %d replica(s): a budget is for workloads with more than one", replicas)
	}
	if pdb.Spec.MinAvailable == nil {
		t.Fatal("the budget sets no minAvailable")
	}
	minAvailable, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(replicas), true)
	if err != nil {
		t.Fatal(err)
	}
	// At least one replica up during a drain, and at least one disruption
	// allowed: a budget that allows none blocks the upgrade
	// (docs/azure-facts.md#upgrades-and-maintenance-windows).
	if minAvailable < 1 || minAvailable >= int(replicas) {
		t.Errorf("minAvailable %s of %d replicas: want at least 1 up and at least 1 disruption allowed", pdb.Spec.MinAvailable.String(), replicas)
	}
}
