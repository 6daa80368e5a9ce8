package plan_test

// The tests of the plan diff: Compare on small hand-made plans, what each
// change does (the replacement table's effects, the propagation, ignored
// paths), and the text and Markdown it writes.

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

const (
	rgURN      = "urn:pulumi:prod::secure-aks::azure-native:resources/v20241101:ResourceGroup::resource-group"
	clusterURN = "urn:pulumi:prod::secure-aks::secure-aks:index:Cluster$azure-native:containerservice/v20241001:ManagedCluster::aks"
	saURN      = "urn:pulumi:prod::secure-aks::kubernetes:core/v1:ServiceAccount::reader"
)

func basePlan() *plan.Plan {
	return &plan.Plan{
		Stack: "prod",
		Resources: []plan.Resource{
			{URN: rgURN, Type: "azure-native:resources/v20241101:ResourceGroup", Name: "resource-group", Custom: true,
				Inputs: map[string]any{"location": "eastus", "resourceGroupName": "rg-prod", "tags": map[string]any{"owner": "platform"}}, DependsOn: []string{}},
			{URN: clusterURN, Type: "azure-native:containerservice/v20241001:ManagedCluster", Name: "aks", Custom: true,
				Inputs: map[string]any{
					"agentPoolProfiles": []any{map[string]any{"count": 3, "vmSize": "Standard_D4s_v5"}},
					"dnsPrefix":         "aks",
					"location":          "eastus",
					"networkProfile":    map[string]any{"networkPolicy": "calico", "serviceCidr": "10.0.0.0/16"},
				},
				DependsOn: []string{rgURN}},
		},
		Outputs: map[string]any{"clusterName": "aks", "kubeconfig": plan.SecretMarker},
	}
}

// change returns a copy of basePlan with edit applied to the cluster.
func change(edit func(cluster *plan.Resource)) *plan.Plan {
	p := basePlan()
	edit(&p.Resources[1])
	return p
}

func TestCompareSamePlanIsEmpty(t *testing.T) {
	d := plantest.Compare(t, basePlan(), basePlan())
	if !d.Empty() {
		t.Errorf("diff of a plan with itself: %+v", d)
	}
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "Plan diff for stack \"prod\": no changes\n" {
		t.Errorf("text = %q", got)
	}
}

func TestCompareChangedInputs(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*plan.Resource)
		wantOp     string
		wantPath   string
		wantOld    string
		wantNew    string
		wantEffect string
		wantWhy    string
	}{
		{
			name:     "count updates in place",
			edit:     func(r *plan.Resource) { r.Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["count"] = 5 },
			wantOp:   plan.OpUpdate,
			wantPath: "agentPoolProfiles[0].count", wantOld: "3", wantNew: "5", wantEffect: plan.EffectUpdate,
		},
		{
			name: "system pool VM size is refused by Azure: the provider updates, AKS says no",
			edit: func(r *plan.Resource) {
				r.Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["vmSize"] = "Standard_D8s_v5"
			},
			wantOp:   plan.OpUpdate,
			wantPath: "agentPoolProfiles[0].vmSize", wantOld: "Standard_D4s_v5", wantNew: "Standard_D8s_v5",
			wantEffect: plan.EffectRefused, wantWhy: "vm size",
		},
		{
			name:     "a name set where there was none replaces",
			edit:     func(r *plan.Resource) { r.Inputs["resourceName"] = "aks-prod" },
			wantOp:   plan.OpReplace,
			wantPath: "resourceName", wantNew: "aks-prod",
			wantEffect: plan.EffectReplace, wantWhy: "path parameter",
		},
		{
			name:     "location replaces",
			edit:     func(r *plan.Resource) { r.Inputs["location"] = "westeurope" },
			wantOp:   plan.OpReplace,
			wantPath: "location", wantOld: "eastus", wantNew: "westeurope",
			wantEffect: plan.EffectReplace, wantWhy: "forcenewmap",
		},
		{
			name:     "location spelled another way does not replace (azure-native compares it without case and spaces)",
			edit:     func(r *plan.Resource) { r.Inputs["location"] = "East US" },
			wantOp:   plan.OpUpdate,
			wantPath: "location", wantOld: "eastus", wantNew: "East US",
			wantEffect: plan.EffectUpdate,
		},
		{
			name:     "the whole networkProfile is force-new in azure-native v2.90",
			edit:     func(r *plan.Resource) { r.Inputs["networkProfile"].(map[string]any)["networkPolicy"] = "cilium" },
			wantOp:   plan.OpReplace,
			wantPath: "networkProfile.networkPolicy", wantOld: "calico", wantNew: "cilium",
			wantEffect: plan.EffectReplace, wantWhy: "networkprofile",
		},
		{
			name:     "a dependency dropped",
			edit:     func(r *plan.Resource) { r.DependsOn = nil },
			wantOp:   plan.OpUpdate,
			wantPath: "(dependsOn)", wantOld: "azure-native:resources/v20241101:ResourceGroup::resource-group",
		},
		{
			name: "a path the program marks replaceOnChanges",
			edit: func(r *plan.Resource) {
				r.ReplaceOnChanges = []string{"agentPoolProfiles[*].count"}
				r.Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["count"] = 5
			},
			wantOp:   plan.OpReplace,
			wantPath: "agentPoolProfiles[0].count", wantOld: "3", wantNew: "5",
			wantEffect: plan.EffectReplace, wantWhy: "replaceonchanges",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := plantest.Compare(t, basePlan(), change(tt.edit))
			if len(d.Resources) != 1 {
				t.Fatalf("want one changed resource, got %+v", d.Resources)
			}
			r := d.Resources[0]
			if r.Op != tt.wantOp || r.URN != clusterURN || len(r.Properties) != 1 {
				t.Fatalf("change = %+v", r)
			}
			p := r.Properties[0]
			if p.Path != tt.wantPath || deref(p.Old) != tt.wantOld || deref(p.New) != tt.wantNew || p.Effect != tt.wantEffect ||
				!strings.Contains(strings.ToLower(p.Why), tt.wantWhy) {
				t.Errorf("property = {%s %q → %q %s %q}, want {%s %q → %q %s ...%s...}",
					p.Path, deref(p.Old), deref(p.New), p.Effect, p.Why, tt.wantPath, tt.wantOld, tt.wantNew, tt.wantEffect, tt.wantWhy)
			}
			if p.Effect != "" && p.Effect != plan.EffectUpdate && !strings.HasPrefix(p.Source, "https://") && p.Why != "the program marks it replaceOnChanges" {
				t.Errorf("%s: no source link: %q", p.Path, p.Source)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestCompareAddedRemovedAndOutputs(t *testing.T) {
	old := basePlan()
	new := basePlan()
	new.Resources = new.Resources[1:] // the resource group goes
	new.Resources = append(new.Resources, plan.Resource{URN: saURN, Type: "kubernetes:core/v1:ServiceAccount", Name: "reader", Custom: true,
		Provider: "urn:pulumi:prod::secure-aks::pulumi:providers:kubernetes::k8s",
		Inputs:   map[string]any{"metadata": map[string]any{"name": "reader"}}})
	new.Outputs["clusterName"] = "aks-2"

	d := plantest.Compare(t, old, new)
	if d.Count(plan.OpAdd) != 1 || d.Count(plan.OpRemove) != 1 || d.Count(plan.OpUpdate)+d.Count(plan.OpReplace) != 0 {
		t.Fatalf("diff = %+v", d)
	}
	var text, md bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`Plan diff for stack "prod": 1 to add, 0 to change, 0 to replace, 1 to remove, 1 output value(s) changed`,
		"\n- azure-native:resources/v20241101:ResourceGroup resource-group (remove)\n      location = eastus\n",
		"\n+ kubernetes:core/v1:ServiceAccount reader (add)\n      metadata.name = reader\n      (provider) = pulumi:providers:kubernetes::k8s\n",
		"\nOutputs:\n    ~ clusterName: aks → aks-2\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{
		"### Offline plan diff for stack `prod`",
		"| add | `kubernetes:core/v1:ServiceAccount` | `reader` |  |",
		"```diff\n- location = eastus\n- resourceGroupName = rg-prod\n- tags.owner = platform\n```",
		"**Outputs**\n\n```diff\n- clusterName = aks\n+ clusterName = aks-2\n```",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(text.String()+md.String(), "kubeconfig") {
		t.Error("an unchanged secret output shows in the diff")
	}
}

func TestMarkdownMarksReplacement(t *testing.T) {
	d := plantest.Compare(t, basePlan(), change(func(r *plan.Resource) { r.Inputs["dnsPrefix"] = "aks2" }))
	var md bytes.Buffer
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	rule := plan.RulesFor("azure-native:containerservice/v20241001:ManagedCluster", "dnsPrefix")[0]
	if rule.Effect != plan.EffectReplace || !strings.Contains(rule.Source, "replacement.go") {
		t.Fatalf("dnsPrefix rule = %+v, want a replacement from azure-native's forceNewMap", rule)
	}
	for _, want := range []string{
		"| **replace** | `azure-native:containerservice/v20241001:ManagedCluster` | `aks` | `dnsPrefix`: replaces: " + rule.Why + " ([source](" + rule.Source + ")) |",
		"- dnsPrefix = aks\n+ dnsPrefix = aks2\n! replaces: " + rule.Why + "\n",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestReplacementListsDependents replaces the cluster: the Kubernetes
// provider (a dependent) and the service account (through that provider) are
// listed as affected, in URN order; the resource group, which the cluster
// depends on, is not.
func TestReplacementListsDependents(t *testing.T) {
	const providerURN = "urn:pulumi:prod::secure-aks::pulumi:providers:kubernetes::k8s"
	withK8s := func() *plan.Plan {
		p := basePlan()
		p.Resources = append(p.Resources,
			plan.Resource{URN: providerURN, Type: "pulumi:providers:kubernetes", Name: "k8s", Custom: true,
				Inputs: map[string]any{"kubeconfig": plan.SecretMarker}, DependsOn: []string{clusterURN}},
			plan.Resource{URN: saURN, Type: "kubernetes:core/v1:ServiceAccount", Name: "reader", Custom: true, Provider: providerURN,
				Inputs: map[string]any{"metadata": map[string]any{"name": "reader"}}, DependsOn: []string{}},
		)
		return p
	}
	changed := withK8s()
	changed.Resources[1].Inputs["dnsPrefix"] = "aks2"
	d := plantest.Compare(t, withK8s(), changed)
	if d.Count(plan.OpReplace) != 1 || len(d.Resources) != 1 {
		t.Fatalf("changes = %+v", d.Resources)
	}
	var got []string
	for _, a := range d.Affected {
		got = append(got, a.Name+" via "+a.Via)
	}
	via := "azure-native:containerservice/v20241001:ManagedCluster::aks"
	if want := []string{"reader via " + via, "k8s via " + via}; !slices.Equal(got, want) {
		t.Errorf("affected = %q, want %q", got, want)
	}
	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"; 2 more wait for a replaced resource\n",
		"\nWait for a replaced resource, with no input from it (unchanged):\n" +
			"    kubernetes:core/v1:ServiceAccount reader   via " + via + "\n" +
			"    pulumi:providers:kubernetes k8s   via " + via + "\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	// An update in place affects nobody.
	updated := withK8s()
	updated.Resources[1].Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["count"] = 4
	if d := plantest.Compare(t, withK8s(), updated); len(d.Affected) != 0 {
		t.Errorf("an update lists affected resources: %+v", d.Affected)
	}
}

func TestReadJSONRefusesOtherFiles(t *testing.T) {
	for name, in := range map[string]string{
		"preview json": `{"steps": [], "changeSummary": {}}`,
		"no stack":     `{"resources": []}`,
		"not json":     `stack: prod`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := plan.ReadJSON(strings.NewReader(in))
			if err == nil || !strings.Contains(err.Error(), "not a plan written by cmd/plan -format json") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestIgnoredChangesAreNoChange: a change under a path the program marked
// with pulumi.IgnoreChanges is not in the diff, as the engine sends the old
// value; a change beside it is.
func TestIgnoredChangesAreNoChange(t *testing.T) {
	ignoring := func(edit func(r *plan.Resource)) *plan.Plan {
		p := change(edit)
		p.Resources[1].IgnoreChanges = []string{"agentPoolProfiles[0].count"}
		return p
	}
	old := ignoring(func(*plan.Resource) {})
	d := plantest.Compare(t, old, ignoring(func(r *plan.Resource) { r.Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["count"] = 7 }))
	if !d.Empty() {
		t.Errorf("an ignored count changed the plan: %+v", d.Resources)
	}
	d = plantest.Compare(t, old, ignoring(func(r *plan.Resource) {
		r.Inputs["agentPoolProfiles"].([]any)[0].(map[string]any)["vmSize"] = "Standard_D8s_v5"
	}))
	if len(d.Resources) != 1 || len(d.Resources[0].Properties) != 1 || d.Resources[0].Properties[0].Path != "agentPoolProfiles[0].vmSize" {
		t.Errorf("a change beside the ignored path: %+v", d.Resources)
	}
}
