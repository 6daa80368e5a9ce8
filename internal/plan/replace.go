package plan

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The day-two replacement table: for every resource type (and API version)
// the program registers, what a change to each input does, taken from the
// providers' own source and from Azure's documentation, each rule with its
// source link. It is data, in replacements.json: docs/azure-facts.md#what-replaces-a-resource
// says how it was derived and how to refresh it for a new provider version.
// A test holds every input path of every stack's plan to a rule.
//
//go:embed replacements.json
var replacementsJSON []byte

// Effects of a change, as a Rule names them.
const (
	// EffectReplace: the provider replaces the resource (a force-new input,
	// a part of its ID, a new provider).
	EffectReplace = "replace"
	// EffectRefused: the provider updates in place, and Azure refuses the
	// update, so `pulumi preview` shows an update that `pulumi up` fails
	// with. The way through is a new resource, made on purpose.
	EffectRefused = "refused"
	// EffectUpdate: changed in place.
	EffectUpdate = "update"
)

// Conditions a Rule may hold under (Rule.When).
const (
	// WhenChanged, the default: any change of the value.
	WhenChanged = ""
	// WhenUpdated: a value set on both sides changes; adding or removing
	// it does not count.
	WhenUpdated = "updated"
	// WhenTurnedOff: the value was true and is now anything else.
	WhenTurnedOff = "turnedOff"
	// WhenCaseChanged: the value changes other than in letter case.
	WhenCaseChanged = "caseChanged"
	// WhenLocationChanged: the value changes other than in letter case and
	// spaces ("East US" is "eastus").
	WhenLocationChanged = "locationChanged"
)

// Rule says what a change to the inputs at Path of a resource of Type does.
type Rule struct {
	// Type is a type token as registered ("azure-native:containerservice/v20241001:ManagedCluster"),
	// or "kubernetes" for every Kubernetes object.
	Type string `json:"type"`
	// Path is a dotted input path, "[*]" for any list index. A rule covers
	// its path and everything under it; the most specific rule wins.
	Path string `json:"path"`
	// Effect is EffectReplace, EffectRefused or EffectUpdate.
	Effect string `json:"effect"`
	// When is the condition under which the rule holds; several rules for
	// one path are tried in order, and the first that holds wins.
	When string `json:"when,omitempty"`
	// Why says why, in a few words.
	Why string `json:"why"`
	// Source links to the provider source or Azure documentation.
	Source string `json:"source"`
	// Fields are the component Args fields (TYPE.FIELD) whose change reaches
	// this input and whose doc says it replaces or is refused.
	Fields []string `json:"fields,omitempty"`
	// Unverified marks a rule that was read from the source but not
	// confirmed: docs/azure-facts.md#what-replaces-a-resource lists them.
	Unverified bool `json:"unverified,omitempty"`
}

// LockedDelete is a resource type whose delete Azure refuses while a
// CanNotDelete lock is on the resource that the input Input names.
type LockedDelete struct {
	Type   string `json:"type"`
	Input  string `json:"input"`
	Why    string `json:"why"`
	Source string `json:"source"`
}

// Replacements is the whole table.
type Replacements struct {
	// Providers are the provider versions the table was read from.
	Providers map[string]string `json:"providers"`
	Rules     []Rule            `json:"rules"`
	// LockedDeletes are the deletes a lock on another resource stops.
	LockedDeletes []LockedDelete `json:"lockedDeletes"`
}

var replacements = mustReplacements(replacementsJSON)

func mustReplacements(data []byte) Replacements {
	var r Replacements
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		panic(fmt.Sprintf("internal/plan/replacements.json: %v", err))
	}
	return r
}

// Table returns the replacement table.
func Table() Replacements { return replacements }

// RuleFields returns, for every component Args field (TYPE.FIELD) that a
// rule names, whether some rule for it is a refusal.
func RuleFields() map[string]bool {
	out := map[string]bool{}
	for _, r := range replacements.Rules {
		for _, f := range r.Fields {
			out[f] = out[f] || r.Effect == EffectRefused
		}
	}
	return out
}

// Effect is what one input change does to a resource.
type Effect struct {
	// Kind is EffectReplace, EffectRefused or EffectUpdate; "" when no rule
	// classifies the input.
	Kind string
	// Why and Source come from the rule.
	Why, Source string
}

// Classify says what a change of the input at path (as the plan shows it:
// "agentPoolProfiles[0].vmSize") from old to new does to r; nil stands for
// a value that is not set, Unknown for one known only after apply. Paths
// the program itself marked with pulumi.ReplaceOnChanges replace.
func Classify(r Resource, path string, old, new *string) Effect {
	for _, p := range r.ReplaceOnChanges {
		if p == "*" || pathUnder(path, p) {
			return Effect{Kind: EffectReplace, Why: "the program marks it replaceOnChanges"}
		}
	}
	rules := RulesFor(r.Type, path)
	for _, rule := range rules {
		if rule.holds(old, new) {
			return Effect{Kind: rule.Effect, Why: rule.Why, Source: rule.Source}
		}
	}
	if len(rules) > 0 {
		// A conditional rule that does not hold leaves an in-place change.
		return Effect{Kind: EffectUpdate, Why: rules[0].Why, Source: rules[0].Source}
	}
	return Effect{}
}

// RulesFor returns the most specific rules for an input path of a resource
// of type typ, in table order: those of the longest matching path, the
// type's own before the package's. Nil if none covers it.
func RulesFor(typ, path string) []Rule {
	pkg, _, _ := splitToken(typ)
	best, bestLen, bestOwn := []Rule(nil), -1, false
	for _, rule := range replacements.Rules {
		own := rule.Type == typ
		if !own && rule.Type != pkg {
			continue
		}
		if !pathUnder(path, rule.Path) {
			continue
		}
		n := len(rule.Path)
		switch {
		case n > bestLen || (n == bestLen && own && !bestOwn):
			best, bestLen, bestOwn = []Rule{rule}, n, own
		case n == bestLen && own == bestOwn:
			best = append(best, rule)
		}
	}
	return best
}

// holds reports whether the rule's condition holds for a change from old
// to new. An unknown new value counts as changed and updated, as the
// engine's diff counts it.
func (r Rule) holds(old, new *string) bool {
	switch r.When {
	case WhenChanged:
		return true
	case WhenUpdated:
		return old != nil && new != nil
	case WhenTurnedOff:
		return old != nil && *old == "true" && (new == nil || (*new != "true" && *new != Unknown))
	case WhenCaseChanged:
		return old == nil || new == nil || !strings.EqualFold(*old, *new)
	case WhenLocationChanged:
		norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
		return old == nil || new == nil || norm(*old) != norm(*new)
	}
	panic("internal/plan/replacements.json: unknown condition " + r.When)
}

// Unknown stands for an input value that a replacement upstream makes
// known only after apply, as `pulumi preview` shows it.
const Unknown = "(known after apply)"

var index = regexp.MustCompile(`\[\d+\]`)

// pathUnder reports whether path is pattern or lies under it. Indexes in
// path match "[*]" in pattern.
func pathUnder(path, pattern string) bool {
	general := index.ReplaceAllString(path, "[*]")
	for _, p := range []string{path, general} {
		if p == pattern || strings.HasPrefix(p, pattern+".") || strings.HasPrefix(p, pattern+"[") {
			return true
		}
	}
	return false
}

// lockedDeletes returns the rules by which a lock on another resource stops
// the delete of a resource of type typ, through one of its inputs.
func lockedDeletes(typ string) []LockedDelete {
	var out []LockedDelete
	for _, l := range replacements.LockedDeletes {
		if l.Type == typ {
			out = append(out, l)
		}
	}
	return slices.Clip(out)
}

// Unclassified lists what no rule of the table classifies in p: for each
// custom resource, "TYPE NAME: PATH" for every input leaf no rule covers, or
// "TYPE NAME: PATH (no rule for the type)" when its type has none at all.
func Unclassified(p *Plan) []string {
	var out []string
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		known := slices.ContainsFunc(replacements.Rules, func(rule Rule) bool {
			pkg, _, _ := splitToken(r.Type)
			return rule.Type == r.Type || rule.Type == pkg
		})
		for _, l := range leaves("", r.Inputs) {
			if len(RulesFor(r.Type, l.path)) > 0 {
				continue
			}
			line := r.Type + " " + r.Name + ": " + l.path
			if !known {
				line += " (no rule for the type)"
			}
			out = append(out, line)
		}
	}
	return out
}
