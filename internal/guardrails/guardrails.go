// Package guardrails holds the project's security rules, each written once in
// Go over a recorded plan (internal/plan), and evaluated three ways: by
// `go run ./cmd/plan -stack S -check`, by the tests, and by the program itself
// before `pulumi preview` or `pulumi up` registers anything in a stack whose
// profile is production. docs/guardrails.md maps each rule to the Checkov,
// PSRule for Azure or Azure Policy rule it mirrors.
package guardrails

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// Profile is the set of rules a stack is held to, declared with
// secure-aks:profile.
type Profile string

const (
	// ProfileStandard holds a stack to the rules that apply everywhere. It is
	// the default.
	ProfileStandard Profile = "standard"
	// ProfileProduction adds the rules for production: a private vault,
	// hardened cluster, audit logs, delete guards.
	ProfileProduction Profile = "production"
)

// Status is the outcome of one rule.
type Status string

const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
	// Skip: the rule does not apply to the profile, or the plan has nothing
	// it checks.
	Skip Status = "SKIP"
)

// Rule is one guardrail.
type Rule struct {
	// ID is stable: docs, tests and messages name rules by it.
	ID string
	// Production is true for rules that apply only to the production
	// profile; the others apply to every stack.
	Production bool
	// Title says what the rule wants, in a few words.
	Title string
	// Type is the resource type suffix the rule checks (plan.OfType).
	Type string
	// Key is the configuration key that decides the checked value, relative
	// to the secure-aks namespace ("vault.purgeProtection"); WORKLOAD stands
	// for the index of the workload the failing resource belongs to
	// ("workloads[WORKLOAD].syncSecret"). Empty when no configuration can
	// break the rule: the program always sets what it checks.
	Key string
	// Check returns why r breaks the rule, or "".
	Check func(p *Plan, r plan.Resource) string
}

// Plan is a recorded plan with lookups for the rules.
type Plan struct {
	*plan.Plan
	byURN map[string]plan.Resource
}

// NewPlan indexes p for the rules.
func NewPlan(p *plan.Plan) *Plan {
	idx := &Plan{Plan: p, byURN: map[string]plan.Resource{}}
	for _, r := range p.Resources {
		idx.byURN[r.URN] = r
	}
	return idx
}

// Finding is the outcome of one rule on one plan.
type Finding struct {
	Rule   Rule
	Status Status
	// Resources are the checked resources' names: the failing ones on FAIL.
	Resources []string
	// Workloads are, on FAIL, the workloads the failing resources belong to
	// (their WorkloadIdentity or SecretMount component), in the same order
	// as Resources; "" where a resource belongs to none.
	Workloads []string
	// Message says why it failed, passed or was skipped.
	Message string
}

// String is the -check line: STATUS RULE-ID resource: message.
func (f Finding) String() string {
	return Line(string(f.Status), f.Rule.ID, f.Resources, f.Message)
}

// Line is the -check line of one rule's outcome: STATUS RULE-ID resources:
// message, with "-" for no resource.
func Line(status, rule string, resources []string, message string) string {
	res := strings.Join(resources, ", ")
	if res == "" {
		res = "-"
	}
	return fmt.Sprintf("%s %s %s: %s", status, rule, res, message)
}

// Evaluate runs every rule on p for profile, in the order of Rules.
func Evaluate(p *plan.Plan, profile Profile) []Finding {
	idx := NewPlan(p)
	out := make([]Finding, 0, len(Rules))
	for _, rule := range Rules {
		out = append(out, rule.evaluate(idx, profile))
	}
	return out
}

func (rule Rule) evaluate(p *Plan, profile Profile) Finding {
	f := Finding{Rule: rule}
	if rule.Production && profile != ProfileProduction {
		f.Status, f.Message = Skip, "applies to the production profile only"
		return f
	}
	subjects := plan.OfType(p.Resources, rule.Type)
	if rule.Type == typeStack {
		subjects = []plan.Resource{{Name: "stack"}}
	}
	if len(subjects) == 0 {
		f.Status, f.Message = Skip, "no "+strings.TrimPrefix(rule.Type, ":")+" in the plan"
		return f
	}
	var why []string
	for _, r := range subjects {
		if msg := rule.Check(p, r); msg != "" {
			f.Resources = append(f.Resources, r.Name)
			f.Workloads = append(f.Workloads, p.workloadOf(r))
			why = append(why, msg)
		}
	}
	if len(why) > 0 {
		f.Status, f.Message = Fail, strings.Join(slices.Compact(why), "; ")
		return f
	}
	for _, r := range subjects {
		f.Resources = append(f.Resources, r.Name)
	}
	f.Status, f.Message = Pass, rule.Title
	return f
}

// Failed returns the failing findings.
func Failed(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Status == Fail {
			out = append(out, f)
		}
	}
	return out
}

// workloadOf returns the name of the workload component (WorkloadIdentity or
// SecretMount) r sits under, or the workload a stack-level sample belongs
// to, or "".
func (p *Plan) workloadOf(r plan.Resource) string {
	for cur, ok := r, true; ok; cur, ok = p.byURN[cur.Parent] {
		if strings.HasPrefix(cur.Type, tokens.WorkloadIdentity) || strings.HasPrefix(cur.Type, tokens.SecretMount) {
			return cur.Name
		}
	}
	if name, ok := strings.CutSuffix(r.Name, tokens.SampleSuffix); ok && strings.HasSuffix(r.Type, "apps/v1:Deployment") {
		return name
	}
	return ""
}

// ByID returns the rule with id.
func ByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// DiffRule is a guardrail on a change between two plans of a stack: what
// `pulumi up` would fail on, or would do that the stack guards against.
type DiffRule struct {
	// ID is stable: docs, tests and messages name rules by it.
	ID string
	// Title says what the rule wants, in a few words.
	Title string
	// Key is the configuration key that turns the guard off, if any.
	Key string
	// Check returns why the change c breaks the rule, or "".
	Check func(c plan.ResourceChange) string
}

// DiffRules are the day-two guardrails, checked by `plan -diff OLD -check`
// on every change from OLD to the stack's plan. They hold in every profile.
var DiffRules = []DiffRule{
	{ID: "DAY2-PROTECTED-REPLACE", Title: "no change replaces or removes a protected resource", Key: "cluster.protect",
		Check: func(c plan.ResourceChange) string {
			if c.Protected && (c.Op == plan.OpReplace || c.Op == plan.OpRemove) {
				return fmt.Sprintf("%s would %s it, and it is protected: `pulumi up` refuses. Turn protect off in an up of its own first, if it is meant", c.Type, c.Op)
			}
			return ""
		}},
	{ID: "DAY2-LOCKED-DELETE", Title: "no change deletes what a delete lock guards without the unlock step", Key: "vault.deleteLock",
		Check: func(c plan.ResourceChange) string {
			if c.Locked != "" {
				return fmt.Sprintf("%s would delete it, refused while %s", c.Type, c.Locked)
			}
			return ""
		}},
}

// EvaluateDiff runs every day-two rule on d, one finding per rule: FAIL
// with the failing resources, PASS, or SKIP when nothing is replaced or
// removed.
func EvaluateDiff(d *plan.Diff) []Finding {
	out := make([]Finding, 0, len(DiffRules))
	for _, rule := range DiffRules {
		f := Finding{Rule: Rule{ID: rule.ID, Title: rule.Title, Key: rule.Key}}
		var why, checked []string
		for _, c := range d.Resources {
			if c.Op != plan.OpReplace && c.Op != plan.OpRemove {
				continue
			}
			checked = append(checked, c.Name)
			if msg := rule.Check(c); msg != "" {
				f.Resources = append(f.Resources, c.Name)
				why = append(why, msg)
			}
		}
		switch {
		case len(why) > 0:
			f.Status, f.Message = Fail, strings.Join(why, "; ")
		case len(checked) == 0:
			f.Status, f.Message = Skip, "nothing is replaced or removed"
		default:
			f.Status, f.Resources, f.Message = Pass, checked, rule.Title
		}
		out = append(out, f)
	}
	return out
}
