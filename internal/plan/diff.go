package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Operations of a resource in a Diff.
const (
	OpAdd     = "add"
	OpRemove  = "remove"
	OpUpdate  = "update"
	OpReplace = "replace"
)

// Diff is what changed between two plans of one stack.
type Diff struct {
	Stack     string
	Resources []ResourceChange
	Outputs   []PropertyChange
	// Affected are the resources the diff leaves unchanged that wait,
	// directly or not, for a replaced resource, through a dependency or
	// their provider, with no input from it: the engine creates them after
	// it, and changes nothing in them. Those with an input from a replaced
	// resource are changes of their own (propagate).
	Affected []AffectedResource
}

// AffectedResource is one resource of Diff.Affected.
type AffectedResource struct {
	URN, Type, Name string
	// Via is the replaced resource it depends on, as ShortURN gives it.
	Via string
}

// ResourceChange is one resource that was added, removed or changed.
type ResourceChange struct {
	Op         string
	URN        string
	Type, Name string
	// Protected is set when the resource is protected (pulumi.Protect) on
	// the side that would delete it: `pulumi up` then refuses to replace or
	// remove it until protect is turned off.
	Protected bool
	// Locked says which CanNotDelete lock stops Azure from deleting the
	// resource, when a replacement or removal deletes it; "" if none does.
	Locked string
	// Properties are the changed inputs; for an added or removed resource,
	// all of them. Dependencies and the provider show as the pseudo
	// properties "(dependsOn)" and "(provider)".
	Properties []PropertyChange
}

// PropertyChange is one changed leaf. Old or New is nil when the leaf did not
// exist on that side; New is Unknown when a replacement upstream makes it
// known only after apply.
type PropertyChange struct {
	Path     string
	Old, New *string
	// Effect is what the change does to the resource (Classify):
	// EffectReplace, EffectRefused or EffectUpdate; "" for a pseudo property
	// that changes nothing in the cloud, or an input no rule classifies
	// (Unclassified says which).
	Effect string
	// Why and Source explain Effect.
	Why, Source string
	// Unclassified is set for an input of a changed resource that the
	// replacement table does not cover: the plan cannot say what it does.
	Unclassified bool
	// Via is the replaced resource (as ShortURN gives it) whose new outputs
	// change this input.
	Via string
}

// Replaces reports whether the change replaces the resource.
func (p PropertyChange) Replaces() bool { return p.Effect == EffectReplace }

// Refused counts the resources whose change `pulumi up` would fail on:
// an input Azure refuses to change in place, or a delete a lock stops.
func (d *Diff) Refused() int {
	n := 0
	for _, r := range d.Resources {
		if r.Locked != "" || slices.ContainsFunc(r.Properties, func(p PropertyChange) bool { return p.Effect == EffectRefused }) {
			n++
		}
	}
	return n
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool { return len(d.Resources) == 0 && len(d.Outputs) == 0 }

// Count returns how many resources have op.
func (d *Diff) Count(op string) int {
	n := 0
	for _, r := range d.Resources {
		if r.Op == op {
			n++
		}
	}
	return n
}

// ReadJSON reads a plan written by WriteJSON. Unknown fields are an error, so
// that a file of another kind (a `pulumi preview --json`, say) is refused
// rather than read as an empty plan.
func ReadJSON(r io.Reader) (*Plan, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a plan written by cmd/plan -format json: %w", err)
	}
	if p.Stack == "" {
		return nil, fmt.Errorf("not a plan written by cmd/plan -format json: no stack")
	}
	return &p, nil
}

// Compare returns the changes from old to new. Both plans go through JSON
// first, so a plan read from a file and one just run compare alike.
func Compare(old, new *Plan) (*Diff, error) {
	o, err := roundTrip(old)
	if err != nil {
		return nil, err
	}
	n, err := roundTrip(new)
	if err != nil {
		return nil, err
	}
	d := &Diff{Stack: n.Stack}
	if o.Stack != n.Stack {
		d.Stack = o.Stack + " → " + n.Stack
	}
	// Resources pair up by URN without the stack, so that two stacks of the
	// project (dev → prod) compare resource by resource too.
	before := map[string]Resource{}
	for _, r := range o.Resources {
		before[withoutStack(r.URN)] = r
	}
	after := map[string]Resource{}
	for _, r := range n.Resources {
		after[withoutStack(r.URN)] = r
	}
	// A resource that names an old one among its aliases is that resource,
	// moved: the engine neither removes nor adds it.
	for u, r := range after {
		if _, ok := before[u]; ok {
			continue
		}
		for _, alias := range r.Aliases {
			old := withoutStack(alias)
			if b, ok := before[old]; ok {
				if _, taken := after[old]; !taken {
					delete(before, old)
					before[u] = b
					break
				}
			}
		}
	}
	urns := make([]string, 0, len(before)+len(after))
	for u := range before {
		urns = append(urns, u)
	}
	for u := range after {
		if _, ok := before[u]; !ok {
			urns = append(urns, u)
		}
	}
	slices.Sort(urns)
	for _, u := range urns {
		b, inOld := before[u]
		a, inNew := after[u]
		switch {
		case !inOld:
			d.Resources = append(d.Resources, ResourceChange{Op: OpAdd, URN: a.URN, Type: a.Type, Name: a.Name, Properties: compareLeaves(resourceLeaves(Resource{}), resourceLeaves(a), nil)})
		case !inNew:
			d.Resources = append(d.Resources, ResourceChange{Op: OpRemove, URN: b.URN, Type: b.Type, Name: b.Name, Properties: compareLeaves(resourceLeaves(b), resourceLeaves(Resource{}), nil)})
		default:
			props := slices.DeleteFunc(compareLeaves(resourceLeaves(b), resourceLeaves(a), func(path string, old, new *string) PropertyChange {
				return classified(a, path, old, new)
			}), func(pc PropertyChange) bool { return ignored(a, pc.Path) })
			if len(props) == 0 {
				continue
			}
			d.Resources = append(d.Resources, ResourceChange{URN: a.URN, Type: a.Type, Name: a.Name, Properties: props})
		}
	}
	propagate(d, before, n.Resources)
	for i := range d.Resources {
		c := &d.Resources[i]
		if c.Op == "" {
			c.Op = OpUpdate
			for _, p := range c.Properties {
				if p.Replaces() {
					c.Op = OpReplace
				}
			}
		}
		old, inOld := before[withoutStack(c.URN)]
		if c.Op == OpReplace || c.Op == OpRemove {
			c.Protected = inOld && old.Protect
			if inOld && !old.RetainOnDelete {
				c.Locked = lockedBy(old, o.Resources)
			}
		}
	}
	slices.SortFunc(d.Resources, func(a, b ResourceChange) int { return strings.Compare(withoutStack(a.URN), withoutStack(b.URN)) })
	d.Outputs = compareLeaves(leaves("", o.Outputs), leaves("", n.Outputs), nil)
	d.Affected = affected(n.Resources, d.Resources)
	return d, nil
}

// ignored says whether the engine ignores a change of r's input at path:
// the program marked it, or a path above it, with pulumi.IgnoreChanges, and
// the engine then sends the old value
// (https://github.com/pulumi/pulumi/blob/v3.274.1/pkg/resource/deploy/step_generator.go#L3216-L3236).
func ignored(r Resource, path string) bool {
	for _, ig := range r.IgnoreChanges {
		if path == ig || strings.HasPrefix(path, ig+".") || strings.HasPrefix(path, ig+"[") {
			return true
		}
	}
	return false
}

// classified is the change of one leaf of r, with what it does. Pseudo
// properties change nothing in the cloud, except the provider: the engine
// replaces a resource whose provider is replaced or changed.
func classified(r Resource, path string, old, new *string) PropertyChange {
	pc := PropertyChange{Path: path, Old: old, New: new}
	switch {
	case path == "(provider)":
		pc.Effect, pc.Why, pc.Source = EffectReplace, ProviderChangeWhy, ProviderChangeSource
	case strings.HasPrefix(path, "("):
	default:
		e := Classify(r, path, old, new)
		pc.Effect, pc.Why, pc.Source = e.Kind, e.Why, e.Source
		pc.Unclassified = e.Kind == ""
	}
	return pc
}

// What a new provider does to the resources it manages.
const (
	ProviderChangeWhy    = "the engine replaces every resource whose provider is replaced"
	ProviderChangeSource = "https://github.com/pulumi/pulumi/blob/v3.243.0/pkg/resource/deploy/step_generator.go#L2588-L2665"
)

// propagate adds, for every replaced resource, the inputs of the resources
// that carry its outputs (InputSources), which `pulumi preview` shows as
// known only after apply, and classifies them; and the provider of every
// resource it manages, when it is a provider. A dependent replaced in turn
// propagates further. before pairs each resource of the new plan, by URN
// without the stack, with its old self.
func propagate(d *Diff, before map[string]Resource, resources []Resource) {
	index := map[string]int{}
	for i, c := range d.Resources {
		index[withoutStack(c.URN)] = i
	}
	replaced := func(i int) bool {
		for _, p := range d.Resources[i].Properties {
			if p.Replaces() {
				return true
			}
		}
		return false
	}
	var queue []string // full URNs
	for i, c := range d.Resources {
		if c.Op == "" && replaced(i) {
			queue = append(queue, c.URN)
		}
	}
	done := map[string]bool{}
	for len(queue) > 0 {
		full := queue[0]
		queue = queue[1:]
		u := withoutStack(full)
		if done[u] {
			continue
		}
		done[u] = true
		for _, r := range resources {
			ru := withoutStack(r.URN)
			old, paired := before[ru]
			if !paired || ru == u {
				continue
			}
			var add []PropertyChange
			for _, path := range slices.Sorted(maps.Keys(r.InputSources)) {
				if !slices.ContainsFunc(r.InputSources[path], func(s string) bool { return withoutStack(s) == u }) {
					continue
				}
				v, _ := Lookup(r.Inputs, path)
				for _, l := range leaves(path, v) {
					var was *string
					if ov, ok := Lookup(old.Inputs, l.path); ok {
						for _, ol := range leaves(l.path, ov) {
							if ol.path == l.path {
								was = &ol.value
							}
						}
					}
					pc := classified(r, l.path, was, ptr(Unknown))
					pc.Via = ShortURN(full)
					add = append(add, pc)
				}
			}
			if r.Provider != "" && withoutStack(r.Provider) == u {
				pc := classified(r, "(provider)", ptr(ShortURN(r.Provider)), ptr(ShortURN(r.Provider)+" (replaced)"))
				pc.Via = ShortURN(full)
				add = append(add, pc)
			}
			if len(add) == 0 {
				continue
			}
			i, listed := index[ru]
			if !listed {
				d.Resources = append(d.Resources, ResourceChange{URN: r.URN, Type: r.Type, Name: r.Name})
				i = len(d.Resources) - 1
				index[ru] = i
			}
			c := &d.Resources[i]
			if c.Op != "" {
				continue // added or removed: nothing to update
			}
			for _, pc := range add {
				if !slices.ContainsFunc(c.Properties, func(p PropertyChange) bool { return p.Path == pc.Path }) {
					c.Properties = append(c.Properties, pc)
				}
			}
			slices.SortStableFunc(c.Properties, func(a, b PropertyChange) int { return comparePaths(a.Path, b.Path) })
			if replaced(i) {
				queue = append(queue, r.URN)
			}
		}
	}
}

func ptr(s string) *string { return &s }

// lockedBy names the CanNotDelete lock of the old plan that stops Azure
// from deleting r: a lock on r itself, or on the resource that r's input
// reaches for a type in Table().LockedDeletes (a role assignment scoped to
// the vault, a private endpoint connected to it). "" if none does.
func lockedBy(r Resource, old []Resource) string {
	for _, l := range old {
		if !strings.HasSuffix(l.Type, ":ManagementLockByScope") {
			continue
		}
		if level, _ := l.Inputs["level"].(string); level != "CanNotDelete" {
			continue
		}
		for _, target := range l.InputSources["scope"] {
			why := ""
			if withoutStack(target) == withoutStack(r.URN) {
				why = "Azure refuses to delete a locked resource"
			}
			for _, ld := range lockedDeletes(r.Type) {
				for path, srcs := range r.InputSources {
					if pathUnder(path, ld.Input) && slices.ContainsFunc(srcs, func(s string) bool { return withoutStack(s) == withoutStack(target) }) {
						why = ld.Why
					}
				}
			}
			if why != "" {
				return fmt.Sprintf("the CanNotDelete lock %s on %s: %s. Remove the lock in an `up` of its own, then make this change, then put the lock back", l.Name, ShortURN(target), why)
			}
		}
	}
	return ""
}

// affected walks from every replaced resource to the custom resources that
// depend on it, through dependencies and providers, skipping those the diff
// already lists. Order: by URN.
func affected(resources []Resource, changes []ResourceChange) []AffectedResource {
	dependents := map[string][]Resource{}
	for _, r := range resources {
		for _, on := range r.DependsOn {
			dependents[on] = append(dependents[on], r)
		}
		if r.Provider != "" {
			dependents[r.Provider] = append(dependents[r.Provider], r)
		}
	}
	listed := map[string]bool{}
	var queue []string
	via := map[string]string{}
	for _, c := range changes {
		listed[c.URN] = true
		if c.Op == OpReplace {
			queue = append(queue, c.URN)
			via[c.URN] = ShortURN(c.URN)
		}
	}
	var out []AffectedResource
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, r := range dependents[u] {
			if listed[r.URN] || !r.Custom {
				continue
			}
			listed[r.URN] = true
			via[r.URN] = via[u]
			out = append(out, AffectedResource{URN: r.URN, Type: r.Type, Name: r.Name, Via: via[u]})
			queue = append(queue, r.URN)
		}
	}
	slices.SortFunc(out, func(a, b AffectedResource) int { return strings.Compare(a.URN, b.URN) })
	return out
}

// withoutStack drops the stack from "urn:pulumi:STACK::project::type::name".
func withoutStack(urn string) string {
	if _, rest, ok := strings.Cut(urn, "::"); ok {
		return rest
	}
	return urn
}

func roundTrip(p *Plan) (*Plan, error) {
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return ReadJSON(&buf)
}

// resourceLeaves are a resource's inputs plus its provider and dependencies,
// as comparable leaves.
func resourceLeaves(r Resource) []leaf {
	var out []leaf
	if len(r.Inputs) > 0 {
		out = leaves("", r.Inputs)
	}
	if r.Provider != "" {
		out = append(out, leaf{"(provider)", ShortURN(r.Provider)})
	}
	for _, d := range r.DependsOn {
		out = append(out, leaf{"(dependsOn)", ShortURN(d)})
	}
	// The options that change what destroying or replacing it does.
	for _, o := range []struct {
		name string
		on   bool
	}{{"(protect)", r.Protect}, {"(retainOnDelete)", r.RetainOnDelete}, {"(deleteBeforeReplace)", r.DeleteBeforeReplace}} {
		if o.on {
			out = append(out, leaf{o.name, "true"})
		}
	}
	return out
}

// compareLeaves pairs leaves by path. Repeated paths ("(dependsOn)") compare
// as sets. classify, if not nil, makes the change of a path with what it does.
func compareLeaves(old, new []leaf, classify func(path string, old, new *string) PropertyChange) []PropertyChange {
	change := func(path string, o, n *string) PropertyChange {
		if classify == nil {
			return PropertyChange{Path: path, Old: o, New: n}
		}
		return classify(path, o, n)
	}
	type values struct{ old, new []string }
	byPath := map[string]*values{}
	var paths []string
	get := func(path string) *values {
		v, ok := byPath[path]
		if !ok {
			v = &values{}
			byPath[path] = v
			paths = append(paths, path)
		}
		return v
	}
	for _, l := range old {
		v := get(l.path)
		v.old = append(v.old, l.value)
	}
	for _, l := range new {
		v := get(l.path)
		v.new = append(v.new, l.value)
	}
	slices.SortStableFunc(paths, comparePaths)
	var out []PropertyChange
	for _, path := range paths {
		v := byPath[path]
		if len(v.old) <= 1 && len(v.new) <= 1 {
			if slices.Equal(v.old, v.new) {
				continue
			}
			out = append(out, change(path, first(v.old), first(v.new)))
			continue
		}
		for _, s := range v.old {
			if !slices.Contains(v.new, s) {
				out = append(out, change(path, &s, nil))
			}
		}
		for _, s := range v.new {
			if !slices.Contains(v.old, s) {
				out = append(out, change(path, nil, &s))
			}
		}
	}
	return out
}

// comparePaths orders inputs before the pseudo properties, each by path.
func comparePaths(a, b string) int {
	ap, bp := strings.HasPrefix(a, "("), strings.HasPrefix(b, "(")
	switch {
	case ap && !bp:
		return 1
	case bp && !ap:
		return -1
	}
	return strings.Compare(a, b)
}

func first(s []string) *string {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// WriteText writes the diff for a terminal: one block per resource,
// "+ path = value" for an added leaf, "- path = value" for a removed one and
// "~ path: old → new" for a changed one, with the replacement reason.
func (d *Diff) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Plan diff for stack %q: %s\n", d.Stack, d.summary())
	if d.Empty() {
		return nil
	}
	for _, r := range d.Resources {
		fmt.Fprintf(w, "\n%s %s %s (%s)%s\n", opSymbol(r.Op), r.Type, r.Name, r.Op, r.protectedNote())
		if r.Locked != "" {
			fmt.Fprintf(w, "    ! refused while %s\n", r.Locked)
		}
		for _, p := range r.Properties {
			fmt.Fprintf(w, "    %s\n", p.line(r.Op))
		}
	}
	if len(d.Affected) > 0 {
		fmt.Fprintf(w, "\nWait for a replaced resource, with no input from it (unchanged):\n")
		for _, a := range d.Affected {
			fmt.Fprintf(w, "    %s %s   via %s\n", a.Type, a.Name, a.Via)
		}
	}
	if len(d.Outputs) > 0 {
		fmt.Fprintf(w, "\nOutputs:\n")
		for _, p := range d.Outputs {
			fmt.Fprintf(w, "    %s\n", p.line(OpUpdate))
		}
	}
	return nil
}

// WriteMarkdown writes the diff for a pull-request comment: a summary table,
// then each resource's changes in a diff block.
func (d *Diff) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "### Offline plan diff for stack `%s`\n\n%s.", d.Stack, d.summary())
	if d.Empty() {
		fmt.Fprintln(w)
		return nil
	}
	fmt.Fprintf(w, " Offline: outputs of upstream resources are fake; secret values show as `%s`.\n\n", SecretMarker)
	fmt.Fprintf(w, "| Change | Type | Name | What `up` does, and why |\n|---|---|---|---|\n")
	for _, r := range d.Resources {
		var reasons []string
		for _, p := range r.Properties {
			if m := p.mark(r.Op); m != "" && (p.Effect == EffectReplace || p.Effect == EffectRefused || p.Unclassified) {
				if p.Source != "" {
					m += " ([source](" + p.Source + "))"
				}
				reasons = append(reasons, "`"+p.Path+"`: "+m)
			}
		}
		if r.Locked != "" {
			reasons = append(reasons, "**refused while** "+r.Locked)
		}
		op := r.Op
		if op == OpReplace {
			op = "**replace**"
		}
		if r.Protected {
			reasons = append(reasons, "**protected**: `pulumi up` refuses it until protect is turned off")
		}
		fmt.Fprintf(w, "| %s | `%s` | `%s` | %s |\n", op, r.Type, r.Name, strings.Join(reasons, "<br>"))
	}
	for _, r := range d.Resources {
		fmt.Fprintf(w, "\n<details><summary>%s <code>%s</code> <code>%s</code></summary>\n\n```diff\n", r.Op, r.Type, r.Name)
		for _, p := range r.Properties {
			for _, l := range p.diffLines() {
				fmt.Fprintln(w, l)
			}
		}
		fmt.Fprintf(w, "```\n</details>\n")
	}
	if len(d.Affected) > 0 {
		fmt.Fprintf(w, "\n**Wait for a replaced resource**, with no input from it (unchanged):\n\n")
		for _, a := range d.Affected {
			fmt.Fprintf(w, "- `%s` `%s`, via `%s`\n", a.Type, a.Name, a.Via)
		}
	}
	if len(d.Outputs) > 0 {
		fmt.Fprintf(w, "\n**Outputs**\n\n```diff\n")
		for _, p := range d.Outputs {
			for _, l := range p.diffLines() {
				fmt.Fprintln(w, l)
			}
		}
		fmt.Fprintf(w, "```\n")
	}
	return nil
}

func (d *Diff) summary() string {
	if d.Empty() {
		return "no changes"
	}
	s := fmt.Sprintf("%d to add, %d to change, %d to replace, %d to remove",
		d.Count(OpAdd), d.Count(OpUpdate), d.Count(OpReplace), d.Count(OpRemove))
	if n := d.Refused(); n > 0 {
		s += fmt.Sprintf(", %d refused by Azure or a lock", n)
	}
	if len(d.Outputs) > 0 {
		s += fmt.Sprintf(", %d output value(s) changed", len(d.Outputs))
	}
	if len(d.Affected) > 0 {
		s += fmt.Sprintf("; %d more wait for a replaced resource", len(d.Affected))
	}
	return s
}

// protectedNote warns that `pulumi up` refuses the change of a protected
// resource.
func (r ResourceChange) protectedNote() string {
	if !r.Protected {
		return ""
	}
	return "   [protected: pulumi up refuses to " + r.Op + " it until protect is turned off]"
}

func opSymbol(op string) string {
	switch op {
	case OpAdd:
		return "+"
	case OpRemove:
		return "-"
	case OpReplace:
		return "+-"
	}
	return "~"
}

// line is the terminal form of one change. Inside an added or removed
// resource every leaf is plain "path = value", with no mark.
func (p PropertyChange) line(op string) string {
	var s string
	switch {
	case p.Old == nil:
		s = "+ " + p.Path + " = " + *p.New
		if op == OpAdd {
			s = "  " + p.Path + " = " + *p.New
		}
	case p.New == nil:
		s = "- " + p.Path + " = " + *p.Old
		if op == OpRemove {
			s = "  " + p.Path + " = " + *p.Old
		}
	default:
		s = "~ " + p.Path + ": " + *p.Old + " → " + *p.New
	}
	if m := p.mark(op); m != "" {
		s += "   [" + m + "]"
	}
	return s
}

// mark says what the change does to a changed resource: "replaces: WHY",
// "refused by Azure in place: WHY", "unclassified: ...", with the replaced
// resource it comes from. Plain in-place updates, and every leaf of an
// added or removed resource, carry no mark.
func (p PropertyChange) mark(op string) string {
	if op == OpAdd || op == OpRemove {
		return ""
	}
	var m string
	switch {
	case p.Effect == EffectReplace:
		m = "replaces: " + p.Why
	case p.Effect == EffectRefused:
		m = "refused by Azure in place: " + p.Why
	case p.Unclassified:
		m = "unclassified: no rule in internal/plan/replacements.json says whether this replaces"
	}
	if p.Via != "" {
		if m != "" {
			m += "; "
		}
		m += "new outputs of " + p.Via
	}
	return m
}

// diffLines is the Markdown ```diff form of one change.
func (p PropertyChange) diffLines() []string {
	var out []string
	if p.Old != nil {
		out = append(out, "- "+p.Path+" = "+*p.Old)
	}
	if p.New != nil {
		out = append(out, "+ "+p.Path+" = "+*p.New)
	}
	if m := p.mark(OpUpdate); m != "" {
		out = append(out, "! "+m)
	}
	return out
}
