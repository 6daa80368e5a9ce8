package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// TestReplaceRulesMatchArgsDocs holds the replacement rules of the plan diff
// (internal/plan/replace.go) and the Args docs of the components to one
// story: every field documented as "replaces" or "refused by Azure" has a
// rule of that kind, and every field a rule names is documented so.
func TestReplaceRulesMatchArgsDocs(t *testing.T) {
	docs := argsFieldDocs(t, "../../components")
	rules := plan.RuleFields()
	for _, field := range slices.Sorted(func(yield func(string) bool) {
		for f := range docs {
			if !yield(f) {
				return
			}
		}
	}) {
		doc := strings.ToLower(strings.Join(strings.Fields(docs[field]), " "))
		refused := strings.Contains(doc, "refused by azure")
		replaces := strings.Contains(doc, "replaces")
		ruleRefused, ruled := rules[field]
		switch {
		case (refused || replaces) && !ruled:
			t.Errorf("%s is documented as changed by replacement, but no rule in internal/plan/replace.go names it:\n    %s", field, docs[field])
		case !refused && !replaces && ruled:
			t.Errorf("%s has a replacement rule in internal/plan/replace.go, but its doc does not say that a change replaces or is refused:\n    %s", field, docs[field])
		case refused != ruleRefused && ruled:
			t.Errorf("%s: documented as refused by Azure: %v; its rule is a refusal: %v", field, refused, ruleRefused)
		}
	}
	for field := range rules {
		if _, ok := docs[field]; !ok {
			t.Errorf("internal/plan/replace.go names %s, which is not an Args field of components/", field)
		}
	}
	if len(rules) < 10 {
		t.Errorf("only %d fields have rules; the test would check little", len(rules))
	}
}

// argsPartTypes are the struct types that Args fields hold: their fields are
// Args fields too.
var argsPartTypes = map[string]bool{"SecretObject": true, "SyncSecret": true, "VaultAccess": true, "ServiceAccountRef": true, "MaintenanceWindow": true}

// argsFieldDocs reads the doc comment of every field of every exported
// struct type whose name ends in Args, or that an Args field holds, as
// TYPE.FIELD.
func argsFieldDocs(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok || !(strings.HasSuffix(spec.Name.Name, "Args") || argsPartTypes[spec.Name.Name]) || !spec.Name.IsExported() {
				return true
			}
			st, ok := spec.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				for _, name := range field.Names {
					if !name.IsExported() {
						continue // not set by callers
					}
					out[spec.Name.Name+"."+name.Name] = field.Doc.Text()
				}
			}
			return false
		})
	}
	if len(out) == 0 {
		t.Fatalf("no Args fields found in %s", dir)
	}
	return out
}

// TestAzureFactCitationsResolve checks that every docs/azure-facts.md#ANCHOR
// cited in the code, the stack files and the docs names a section of that
// file.
func TestAzureFactCitationsResolve(t *testing.T) {
	facts, err := os.ReadFile("../../docs/azure-facts.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(facts), "\n") {
		if heading, ok := strings.CutPrefix(line, "## "); ok {
			anchors[githubAnchor(heading)] = true
		}
	}
	cite := regexp.MustCompile(`azure-facts\.md(#[a-z0-9-]+)?((?:,\s*#[a-z0-9-]+)*)`)
	cited := 0
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".yaml")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range cite.FindAllStringSubmatch(string(data), -1) {
			for _, a := range regexp.MustCompile(`#[a-z0-9-]+`).FindAllString(m[1]+m[2], -1) {
				cited++
				if !anchors[a[1:]] {
					t.Errorf("%s cites docs/azure-facts.md%s, which has no such section", path, a)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited < 20 {
		t.Errorf("%d citations found; the walk checked little", cited)
	}
}

// githubAnchor is the anchor GitHub gives a heading.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// TestArgsFieldsDocumented: every exported Args field says whether it is
// required (or its default) and what changing it does: in place, a
// replacement, refused by Azure, or nothing (no resource).
func TestArgsFieldsDocumented(t *testing.T) {
	for field, doc := range argsFieldDocs(t, "../../components") {
		flat := strings.Join(strings.Fields(doc), " ")
		if !strings.Contains(flat, "Required") && !strings.Contains(flat, "Optional") && !strings.Contains(flat, "Default") {
			t.Errorf("%s: the doc does not say whether it is required or its default:\n    %s", field, flat)
		}
		lower := strings.ToLower(flat)
		if !strings.Contains(lower, "in place") && !strings.Contains(lower, "replaces") && !strings.Contains(lower, "refused by azure") &&
			!strings.Contains(lower, "creates no resource") && !strings.Contains(lower, "changing it deletes") {
			t.Errorf("%s: the doc does not say what changing it does:\n    %s", field, flat)
		}
	}
}
