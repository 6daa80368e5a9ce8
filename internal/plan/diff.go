package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
	// Affected are the resources the diff leaves unchanged that depend, as a
	// dependency or through their provider, directly or not, on a replaced
	// resource. A replacement gives them new input values that only Azure
	// knows (a new ID, a new issuer URL), so the real preview may update or
	// replace them too; the offline plan cannot tell.
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
	// Properties are the changed inputs; for an added or removed resource,
	// all of them. Dependencies and the provider show as the pseudo
	// properties "(dependsOn)" and "(provider)".
	Properties []PropertyChange
}

// PropertyChange is one changed leaf. Old or New is nil when the leaf did not
// exist on that side.
type PropertyChange struct {
	Path     string
	Old, New *string
	// Replace says why this change replaces the resource; "" if it does not,
	// or if the plan does not know.
	Replace string
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
			d.Resources = append(d.Resources, ResourceChange{Op: OpRemove, URN: b.URN, Type: b.Type, Name: b.Name, Protected: b.Protect, Properties: compareLeaves(resourceLeaves(b), resourceLeaves(Resource{}), nil)})
		default:
			props := compareLeaves(resourceLeaves(b), resourceLeaves(a), func(path string) string { return ReplaceReason(a, path) })
			if len(props) == 0 {
				continue
			}
			op := OpUpdate
			for _, p := range props {
				if p.Replace != "" {
					op = OpReplace
				}
			}
			d.Resources = append(d.Resources, ResourceChange{Op: op, URN: a.URN, Type: a.Type, Name: a.Name, Protected: op == OpReplace && b.Protect, Properties: props})
		}
	}
	d.Outputs = compareLeaves(leaves("", o.Outputs), leaves("", n.Outputs), nil)
	d.Affected = affected(n.Resources, d.Resources)
	return d, nil
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
// as sets. replace, if not nil, gives the replacement reason of a path.
func compareLeaves(old, new []leaf, replace func(string) string) []PropertyChange {
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
		reason := ""
		if replace != nil {
			reason = replace(path)
		}
		if len(v.old) <= 1 && len(v.new) <= 1 {
			if slices.Equal(v.old, v.new) {
				continue
			}
			out = append(out, PropertyChange{Path: path, Old: first(v.old), New: first(v.new), Replace: reason})
			continue
		}
		for _, s := range v.old {
			if !slices.Contains(v.new, s) {
				out = append(out, PropertyChange{Path: path, Old: &s, Replace: reason})
			}
		}
		for _, s := range v.new {
			if !slices.Contains(v.old, s) {
				out = append(out, PropertyChange{Path: path, New: &s, Replace: reason})
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
		for _, p := range r.Properties {
			fmt.Fprintf(w, "    %s\n", p.line(r.Op))
		}
	}
	if len(d.Affected) > 0 {
		fmt.Fprintf(w, "\nDepend on a replaced resource (the real preview shows whether they change too):\n")
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
	fmt.Fprintf(w, "| Change | Type | Name | Replaced because |\n|---|---|---|---|\n")
	for _, r := range d.Resources {
		var reasons []string
		for _, p := range r.Properties {
			if p.Replace != "" {
				reasons = append(reasons, "`"+p.Path+"`: "+p.Replace)
			}
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
		fmt.Fprintf(w, "\n**Depend on a replaced resource** (the real preview shows whether they change too):\n\n")
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
	if len(d.Outputs) > 0 {
		s += fmt.Sprintf(", %d output value(s) changed", len(d.Outputs))
	}
	if len(d.Affected) > 0 {
		s += fmt.Sprintf("; %d more depend on a replaced resource", len(d.Affected))
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
// resource every leaf is plain "path = value".
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
	if p.Replace != "" {
		s += "   [" + p.mark() + "]"
	}
	return s
}

// mark says what the change does to the resource: "replaces: WHY", or
// "refused by Azure in place: WHY".
func (p PropertyChange) mark() string {
	if strings.HasPrefix(p.Replace, RefusedPrefix) {
		return strings.TrimSuffix(RefusedPrefix, " ") + " " + strings.TrimPrefix(p.Replace, RefusedPrefix)
	}
	return "replaces: " + p.Replace
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
	if p.Replace != "" {
		out = append(out, "! "+p.mark())
	}
	return out
}
