// Package plantest holds the assertions the tests of components, stacks and
// the provider make on a recorded plan. Only test files import it.
package plantest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// MustFind returns the resource of rs whose type ends in typeSuffix and whose
// name is name, or fails the test.
func MustFind(t testing.TB, rs []plan.Resource, typeSuffix, name string) plan.Resource {
	t.Helper()
	r, err := plan.Find(rs, typeSuffix, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// MustInput returns r's input at path, or fails the test.
func MustInput(t testing.TB, r plan.Resource, path string) any {
	t.Helper()
	v, ok := r.Input(path)
	if !ok {
		t.Fatalf("%s %s: no input %s", r.Type, r.Name, path)
	}
	return v
}

// WantInput asserts the (secret-revealed) input of r at a dotted path.
func WantInput(t testing.TB, r plan.Resource, path string, want any) {
	t.Helper()
	got, ok := r.Input(path)
	if !ok {
		t.Errorf("%s %s: input %s is not set, want %#v", r.Type, r.Name, path, want)
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %s: input %s = %#v, want %#v", r.Type, r.Name, path, got, want)
	}
}

// AssertChain asserts that rs (of one kind, named what in messages: "access
// policies") form one dependency chain: exactly one waits for none of the
// others, each other waits for exactly one, and no two wait for the same
// one. Resources so written are never written at once.
func AssertChain(t testing.TB, what string, rs []plan.Resource) {
	t.Helper()
	urns := map[string]bool{}
	for _, r := range rs {
		urns[r.URN] = true
	}
	roots, waitedFor := 0, map[string]int{}
	for _, r := range rs {
		var on []string
		for _, d := range r.DependsOn {
			if urns[d] {
				on = append(on, d)
			}
		}
		switch len(on) {
		case 0:
			roots++
		case 1:
			waitedFor[on[0]]++
		default:
			t.Errorf("%s waits for %d %s, want 1: %s", r.Name, len(on), what, strings.Join(on, ", "))
		}
	}
	if roots != 1 {
		t.Errorf("%d %s start a chain, want exactly 1 (the others would be written at once)", roots, what)
	}
	for urn, n := range waitedFor {
		if n > 1 {
			t.Errorf("%d %s wait for %s: they would be written at once", n, what, plan.ShortURN(urn))
		}
	}
}

// Compare is plan.Compare, failing the test on an error.
func Compare(t testing.TB, old, new *plan.Plan) *plan.Diff {
	t.Helper()
	d, err := plan.Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
