package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/internal/plan/plantest"
)

// runMocked runs fn against the recording mock and returns what it recorded.
func runMocked(t *testing.T, fn func(ctx *pulumi.Context) error) (*plan.Recorder, error) {
	t.Helper()
	rec := plan.NewRecorder("secure-aks", "test")
	err := pulumi.RunErr(fn, pulumi.WithMocks("secure-aks", "test", rec))
	return rec, err
}

func mustFind(t *testing.T, rec *plan.Recorder, typeSuffix, name string) plan.Resource {
	t.Helper()
	return plantest.MustFind(t, rec.Resources(), typeSuffix, name)
}

// wantInput asserts the (secret-revealed) input at path.
func wantInput(t *testing.T, r plan.Resource, path string, want any) {
	t.Helper()
	plantest.WantInput(t, r, path, want)
}

func wantNoInput(t *testing.T, r plan.Resource, path string) {
	t.Helper()
	if got, ok := r.Input(path); ok {
		t.Errorf("%s %s: input %s = %#v, want it unset", r.Type, r.Name, path, got)
	}
}

// wantErrs asserts that err holds exactly the want substrings, one FieldError
// each, in any order.
func wantErrs(t *testing.T, err error, want ...string) {
	t.Helper()
	got := Unjoin(err)
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for _, w := range want {
		found := false
		for _, e := range got {
			if strings.Contains(e.Error(), w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error contains %q; got:\n%v", w, err)
		}
	}
}

func resourceValue(m resource.PropertyMap) resource.PropertyValue { return resource.NewProperty(m) }

func planOfType(rec *plan.Recorder, typeSuffix string) []plan.Resource {
	return plan.OfType(rec.Resources(), typeSuffix)
}

// validateCase is one row of a validation table: a change to valid args and
// the errors it must cause (none for a valid case).
type validateCase[A any] struct {
	name    string
	args    func(*A)
	wantErr []string
}

// runValidateCases runs each case on a fresh copy of valid() through validate.
func runValidateCases[A any](t *testing.T, valid func() A, validate func(A) error, cases []validateCase[A]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := valid()
			tt.args(&a)
			err := validate(a)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			wantErrs(t, err, tt.wantErr...)
		})
	}
}

// wantRejected runs fn, which must fail with an error containing want, and
// asserts that nothing was registered: invalid args register nothing.
func wantRejected(t *testing.T, want string, fn func(ctx *pulumi.Context) error) {
	t.Helper()
	rec, err := runMocked(t, fn)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to contain %q", err, want)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered for invalid args, want 0", n)
	}
}

// wantParentedTo asserts that every resource but comp itself is a child of
// comp.
func wantParentedTo(t *testing.T, resources []plan.Resource, comp plan.Resource) {
	t.Helper()
	for _, r := range resources {
		if r.URN != comp.URN && r.Parent != comp.URN {
			t.Errorf("%s %s is parented to %s, want the component", r.Type, r.Name, r.Parent)
		}
	}
}
