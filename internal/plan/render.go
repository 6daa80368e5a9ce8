package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteJSON writes the plan as indented, sorted JSON: stable, so that two
// plans can be diffed.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// WriteText writes the plan as a tree of resources under their parents, each
// with its inputs (one line per leaf) and dependencies.
func (p *Plan) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Plan for stack %q: %d resources (offline; outputs are fake)\n\n", p.Stack, len(p.Resources))
	p.walk(func(depth int, r Resource) {
		ind := strings.Repeat("    ", depth)
		kind := "component"
		if r.Custom {
			kind = "resource"
		}
		fmt.Fprintf(w, "%s+ %s %s (%s)\n", ind, r.Type, r.Name, kind)
		if r.Provider != "" {
			fmt.Fprintf(w, "%s    provider: %s\n", ind, ShortURN(r.Provider))
		}
		for _, d := range r.DependsOn {
			fmt.Fprintf(w, "%s    depends on: %s\n", ind, ShortURN(d))
		}
		for _, line := range flatten("", r.Inputs) {
			fmt.Fprintf(w, "%s    %s\n", ind, line)
		}
	})
	fmt.Fprintf(w, "\nOutputs:\n")
	for _, line := range flatten("", p.Outputs) {
		fmt.Fprintf(w, "    %s\n", line)
	}
	return nil
}

// WriteMarkdown writes the plan for a pull-request comment: a table of
// resources, then each resource's inputs.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "## Offline plan for stack `%s`\n\n%d resources. Outputs of upstream resources are fake.\n\n", p.Stack, len(p.Resources))
	fmt.Fprintf(w, "| Type | Name | Parent | Depends on |\n|---|---|---|---|\n")
	p.walk(func(_ int, r Resource) {
		deps := make([]string, len(r.DependsOn))
		for i, d := range r.DependsOn {
			deps[i] = "`" + ShortURN(d) + "`"
		}
		fmt.Fprintf(w, "| `%s` | `%s` | `%s` | %s |\n", r.Type, r.Name, ShortURN(r.Parent), strings.Join(deps, "<br>"))
	})
	fmt.Fprintf(w, "\n### Inputs\n")
	p.walk(func(_ int, r Resource) {
		fmt.Fprintf(w, "\n<details><summary><code>%s</code> <code>%s</code></summary>\n\n```\n", r.Type, r.Name)
		for _, line := range flatten("", r.Inputs) {
			fmt.Fprintln(w, line)
		}
		fmt.Fprintf(w, "```\n</details>\n")
	})
	fmt.Fprintf(w, "\n### Outputs\n\n```\n")
	for _, line := range flatten("", p.Outputs) {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "```\n")
	return nil
}

// walk visits resources depth-first under their parents, children in URN
// order. Resources whose parent was not recorded (the stack) are roots.
func (p *Plan) walk(visit func(depth int, r Resource)) {
	byURN := map[string]bool{}
	children := map[string][]Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = true
	}
	var roots []Resource
	for _, r := range p.Resources {
		if byURN[r.Parent] {
			children[r.Parent] = append(children[r.Parent], r)
		} else {
			roots = append(roots, r)
		}
	}
	var rec func(int, Resource)
	rec = func(d int, r Resource) {
		visit(d, r)
		for _, c := range children[r.URN] {
			rec(d+1, c)
		}
	}
	for _, r := range roots {
		rec(0, r)
	}
}

// ShortURN turns a URN into "type::name".
func ShortURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return urn
	}
	typ := parts[len(parts)-2]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ + "::" + parts[len(parts)-1]
}

// flatten renders nested values as sorted "a.b[0].c = value" lines.
func flatten(prefix string, v any) []string {
	var out []string
	for _, l := range leaves(prefix, v) {
		out = append(out, l.path+" = "+l.value)
	}
	return out
}

// leaf is one scalar of a nested value: its path ("a.b[0].c") and its value
// as shown. Empty maps and lists are leaves too ("{}", "[]").
type leaf struct{ path, value string }

// leaves returns the scalars of v in path order.
func leaves(prefix string, v any) []leaf {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 && prefix != "" {
			return []leaf{{prefix, "{}"}}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []leaf
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, leaves(p, v[k])...)
		}
		return out
	case []any:
		if len(v) == 0 {
			return []leaf{{prefix, "[]"}}
		}
		var out []leaf
		for i, e := range v {
			out = append(out, leaves(fmt.Sprintf("%s[%d]", prefix, i), e)...)
		}
		return out
	case string:
		if strings.Contains(v, "\n") {
			return []leaf{{prefix, fmt.Sprintf("%q", v)}}
		}
		return []leaf{{prefix, v}}
	default:
		b, _ := json.Marshal(v)
		return []leaf{{prefix, string(b)}}
	}
}
