package plan_test

import (
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// TestClassifyFollowsTheTable: what a change of one input does, as the
// embedded table says, conditions included; a path under a rule's path
// takes that rule.
func TestClassifyFollowsTheTable(t *testing.T) {
	s := func(v string) *string { return &v }
	pool := plan.Resource{Type: "azure-native:containerservice/v20241001:AgentPool"}
	vault := plan.Resource{Type: "azure-native:keyvault:Vault"}
	for _, tt := range []struct {
		r        plan.Resource
		path     string
		old, new *string
		want     string
	}{
		{pool, "vmSize", s("Standard_D4ds_v5"), s("Standard_D8ds_v5"), plan.EffectReplace},
		{pool, "availabilityZones[1]", s("2"), s("3"), plan.EffectRefused},
		{pool, "count", s("3"), s("4"), plan.EffectUpdate},
		{pool, "upgradeSettings.maxSurge", s("33%"), s("10%"), plan.EffectUpdate},
		// Purge protection is refused only when it is turned off.
		{vault, "properties.enablePurgeProtection", s("true"), nil, plan.EffectRefused},
		{vault, "properties.enablePurgeProtection", nil, s("true"), plan.EffectUpdate},
		{pool, "noSuchInput", s("a"), s("b"), ""},
	} {
		if got := plan.Classify(tt.r, tt.path, tt.old, tt.new); got.Kind != tt.want {
			t.Errorf("%s %s: %q, want %q (%s)", tt.r.Type, tt.path, got.Kind, tt.want, got.Why)
		}
	}
}

// TestLongestChain: the longest run of resources created one after another,
// through dependencies and providers.
func TestLongestChain(t *testing.T) {
	r := func(urn string, deps ...string) plan.Resource {
		return plan.Resource{URN: urn, Custom: true, DependsOn: deps}
	}
	p := &plan.Plan{Resources: []plan.Resource{
		r("a"), r("b", "a"), r("c", "b"), r("d", "a"), r("e", "d", "c"), r("f"),
	}}
	var got []string
	for _, x := range plan.LongestChain(p) {
		got = append(got, x.URN)
	}
	if want := []string{"a", "b", "c", "e"}; len(got) != len(want) || got[0] != "a" || got[3] != "e" {
		t.Errorf("LongestChain = %v, want %v", got, want)
	}
}
