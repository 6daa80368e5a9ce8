// Package plantest holds the assertions the tests of components, stacks and
// the provider make on a recorded plan. Only test files import it.
package plantest

import (
	"reflect"
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
