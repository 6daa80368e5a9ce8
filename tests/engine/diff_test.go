package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
)

// TestReplacingChangeMatchesThePlanDiff changes, after `pulumi up` of dev,
// one configuration value that the day-two table says replaces the cluster
// (cluster.networkPolicy: the whole networkProfile is force-new), and holds
// the engine's preview to the offline `plan -diff` of the same change,
// resource by resource: what each says is replaced, updated or left alone.
// The stand-in answers the cluster's diff from the same table; what is
// tested is everything after it, which the engine does itself: unknown
// outputs of the replaced cluster reaching the credential's issuer and the
// provider's clusterIdentifier, the provider's own DiffConfig, and the
// replacement of every object under a replaced provider.
func TestReplacingChangeMatchesThePlanDiff(t *testing.T) {
	ctx := context.Background()
	s, dir := newStack(t, "dev")
	if _, err := s.Up(ctx, optup.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("pulumi up: %v", err)
	}
	before, _, err := offline.PlanFile(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetConfigWithOptions(ctx, "secure-aks:cluster.networkPolicy", auto.ConfigValue{Value: "azure"}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatal(err)
	}
	after, _, err := offline.PlanFile(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	d, err := plan.Compare(before, after)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, c := range d.Resources {
		if op := planOp(c); op != "" {
			want[c.URN] = op
		}
	}

	steps := recordSteps()
	if _, err := s.Preview(ctx, optpreview.EventStreams(steps.ch), optpreview.ErrorProgressStreams(testWriter{t})); err != nil {
		t.Fatalf("pulumi preview: %v", err)
	}
	got := map[string]string{}
	for urn, st := range steps.wait() {
		for _, o := range st.Ops {
			if op := engineOp(o); op != "" && got[urn] != plan.OpReplace { // a replacement is several steps
				got[urn] = op
			}
		}
	}

	custom := map[string]bool{}
	for _, r := range after.Resources {
		custom[r.URN] = r.Custom
	}
	for urn := range got {
		if !custom[urn] {
			delete(got, urn) // components: the engine reports their own steps
		}
	}
	if want[clusterURN(after)] != plan.OpReplace {
		t.Fatalf("the offline diff does not replace the cluster: %v", want)
	}
	for urn, w := range want {
		if g := got[urn]; g != w {
			t.Errorf("%s: the engine's preview says %q, the offline diff %q", urn, g, w)
		}
	}
	for urn, g := range got {
		if _, ok := want[urn]; !ok {
			t.Errorf("%s: the engine's preview says %q, the offline diff leaves it alone", urn, g)
		}
	}
	if len(want) < 5 {
		t.Errorf("only %d resources change; the test would check little: %v", len(want), want)
	}
}

// planOp is what the offline diff says the engine does to a custom
// resource: its operation, or "" when only pseudo properties the engine
// does not diff (dependencies, options) changed.
func planOp(c plan.ResourceChange) string {
	if c.Op != plan.OpUpdate {
		return c.Op
	}
	for _, p := range c.Properties {
		if !strings.HasPrefix(p.Path, "(") {
			return c.Op
		}
	}
	return ""
}

// engineOp maps an engine step to the offline diff's operations.
func engineOp(op apitype.OpType) string {
	switch op {
	case apitype.OpCreate:
		return plan.OpAdd
	case apitype.OpUpdate:
		return plan.OpUpdate
	case apitype.OpDelete:
		return plan.OpRemove
	case apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced:
		return plan.OpReplace
	}
	return ""
}

func clusterURN(p *plan.Plan) string {
	for _, r := range p.Resources {
		if strings.HasSuffix(r.Type, ":ManagedCluster") {
			return r.URN
		}
	}
	return ""
}
