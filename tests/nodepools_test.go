package tests

// The node pools' labels and taints, checked with apimachinery's own
// validation, and where the sample pods can run, decided with k8s.io/api's
// own toleration matching: once a stack has user pools, its system pool's
// taint keeps the samples off it, and a user pool takes them.

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// pool is one node pool as the plan holds it.
type pool struct {
	name   string
	system bool
	labels map[string]string
	taints []corev1.Taint
}

// pools reads a stack's node pools: the cluster's inline profiles and its
// AgentPool resources. A taint is split as AKS reads "key=value:Effect".
func (r *rendered) pools(t *testing.T) []pool {
	t.Helper()
	var out []pool
	read := func(res plan.Resource, at string) pool {
		name, _ := res.Input(at + "name")
		if name == nil {
			name, _ = res.Input("agentPoolName")
		}
		mode, _ := res.Input(at + "mode")
		p := pool{name: fmt.Sprint(name), system: mode == "System", labels: map[string]string{}}
		if l, ok := res.Input(at + "nodeLabels"); ok {
			for k, v := range l.(map[string]any) {
				p.labels[k] = fmt.Sprint(v)
			}
		}
		if ts, ok := res.Input(at + "nodeTaints"); ok {
			for _, raw := range ts.([]any) {
				s := fmt.Sprint(raw)
				kv, effect, ok := strings.Cut(s, ":")
				key, value, _ := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("pool %s: taint %q is not key=value:Effect", p.name, s)
				}
				p.taints = append(p.taints, corev1.Taint{Key: key, Value: value, Effect: corev1.TaintEffect(effect)})
			}
		}
		return p
	}
	for _, mc := range plan.OfType(r.plan.Resources, ":ManagedCluster") {
		profiles, _ := mc.Input("agentPoolProfiles")
		for i := range profiles.([]any) {
			out = append(out, read(mc, fmt.Sprintf("agentPoolProfiles.%d.", i)))
		}
	}
	for _, ap := range plan.OfType(r.plan.Resources, ":AgentPool") {
		out = append(out, read(ap, ""))
	}
	return out
}

func TestNodePoolLabelsAndTaintsAreValidKubernetes(t *testing.T) {
	effects := []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}
	n := 0
	for _, stack := range stackNames {
		for _, p := range render(t, stack).pools(t) {
			for k, v := range p.labels {
				n++
				for _, msg := range append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...) {
					t.Errorf("%s pool %s: label %s=%s: %s", stack, p.name, k, v, msg)
				}
			}
			for _, taint := range p.taints {
				n++
				for _, msg := range append(validation.IsQualifiedName(taint.Key), validation.IsValidLabelValue(taint.Value)...) {
					t.Errorf("%s pool %s: taint %s: %s", stack, p.name, taint.ToString(), msg)
				}
				if !containsEffect(effects, taint.Effect) {
					t.Errorf("%s pool %s: taint %s: effect %q is none of %v", stack, p.name, taint.ToString(), taint.Effect, effects)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no pool of any stack has a label or a taint: the check checked nothing")
	}
}

func containsEffect(effects []corev1.TaintEffect, e corev1.TaintEffect) bool {
	for _, x := range effects {
		if x == e {
			return true
		}
	}
	return false
}

// admits says whether a pod template may run on a pool: it tolerates every
// NoSchedule and NoExecute taint, and its nodeSelector matches the labels.
func admits(p pool, d *appsv1.Deployment) bool {
	spec := d.Spec.Template.Spec
	for i := range p.taints {
		taint := &p.taints[i]
		if taint.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		tolerated := false
		for j := range spec.Tolerations {
			if spec.Tolerations[j].ToleratesTaint(taint) {
				tolerated = true
			}
		}
		if !tolerated {
			return false
		}
	}
	return labels.SelectorFromSet(spec.NodeSelector).Matches(labels.Set(p.labels))
}

func TestSamplesRunOnUserPoolsOnceThereAreAny(t *testing.T) {
	withPools := 0
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		var system, user []pool
		for _, p := range r.pools(t) {
			if p.system {
				system = append(system, p)
			} else {
				user = append(user, p)
			}
		}
		if len(user) == 0 {
			// Every pod runs on the system pool, which must take it.
			for _, p := range system {
				if !admits(p, d) {
					t.Errorf("the sample cannot run on system pool %s, the stack's only pool", p.name)
				}
			}
			return
		}
		withPools++
		for _, p := range system {
			if admits(p, d) {
				t.Errorf("the sample may run on system pool %s (taints %v) although user pools exist", p.name, p.taints)
			}
		}
		ok := false
		for _, p := range user {
			ok = ok || admits(p, d)
		}
		if !ok {
			t.Errorf("no user pool takes the sample")
		}
	})
	if withPools == 0 {
		t.Fatal("no stack with user pools has a sample: the check checked nothing")
	}
}
