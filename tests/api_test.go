package tests

// The library's exported API names no type that an importer cannot name: no
// type from an internal package appears anywhere in an exported signature,
// field, method, variable or constant of the public packages.

import (
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// publicPackages are the packages app teams and platform programs import.
var publicPackages = []string{
	"github.com/secure-aks/secure-aks/components",
	"github.com/secure-aks/secure-aks/platform",
	"github.com/secure-aks/secure-aks/stacks",
}

func TestExportedAPINamesNoInternalType(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, publicPackages...)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != len(publicPackages) {
		t.Fatalf("loaded %d packages, want %d", len(pkgs), len(publicPackages))
	}
	checked := 0
	for _, pkg := range pkgs {
		if len(pkg.Errors) > 0 {
			t.Fatalf("%s: %v", pkg.PkgPath, pkg.Errors)
		}
		w := apiWalker{seen: map[types.Type]bool{}, module: "github.com/secure-aks/secure-aks/"}
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			checked++
			w.where = pkg.Name + "." + name
			w.walk(obj.Type())
			if tn, ok := obj.(*types.TypeName); ok {
				// Exported methods, on the type and its pointer.
				mset := types.NewMethodSet(types.NewPointer(tn.Type()))
				for i := range mset.Len() {
					if m := mset.At(i).Obj(); m.Exported() {
						w.where = pkg.Name + "." + name + "." + m.Name()
						w.walk(m.Type())
					}
				}
			}
		}
		for _, bad := range w.bad {
			t.Errorf("%s", bad)
		}
	}
	if checked < 50 {
		t.Errorf("walked %d exported names; the walk checked little", checked)
	}
}

// apiWalker walks a type as far as an importer sees it: through pointers,
// slices, maps, channels, signatures, exported struct fields and the
// project's own named types. A named type from an internal package is
// reported with where it was reached from.
type apiWalker struct {
	module string
	where  string
	seen   map[types.Type]bool
	bad    []string
}

func (w *apiWalker) walk(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if pkg := t.Obj().Pkg(); pkg != nil {
			path := pkg.Path()
			if strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal") {
				w.bad = append(w.bad, w.where+" names "+path+"."+t.Obj().Name()+", which an importer cannot name")
			}
			for i := range t.TypeArgs().Len() {
				w.walk(t.TypeArgs().At(i))
			}
			// Only the project's own types are walked into; a dependency's
			// are the dependency's business.
			if strings.HasPrefix(path, w.module) {
				w.walk(t.Underlying())
			}
		}
	case *types.Alias:
		w.walk(types.Unalias(t))
	case *types.Pointer:
		w.walk(t.Elem())
	case *types.Slice:
		w.walk(t.Elem())
	case *types.Array:
		w.walk(t.Elem())
	case *types.Map:
		w.walk(t.Key())
		w.walk(t.Elem())
	case *types.Chan:
		w.walk(t.Elem())
	case *types.Signature:
		for i := range t.Params().Len() {
			w.walk(t.Params().At(i).Type())
		}
		for i := range t.Results().Len() {
			w.walk(t.Results().At(i).Type())
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.walk(f.Type())
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			if m := t.Method(i); m.Exported() {
				w.walk(m.Type())
			}
		}
	}
}

// TestAppStackCompilesOnlyTheContract: an app stack built on the platform
// (examples/app-stack) compiles the components and the platform contract,
// and none of the program that deploys the platform: no stacks, no plan
// recorder with its stack-file loader, no guardrails. (pulumi/internals and
// the SDK's workspace package stay: the Pulumi and provider SDKs import
// them.)
func TestAppStackCompilesOnlyTheContract(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedImports | packages.NeedDeps, Dir: ".."}, "./examples/app-stack/...")
	if err != nil {
		t.Fatal(err)
	}
	deps := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) { deps[p.PkgPath] = true })
	for _, want := range []string{"github.com/secure-aks/secure-aks/platform", "github.com/secure-aks/secure-aks/components"} {
		if !deps[want] {
			t.Errorf("the app stack does not compile %s: the check looks at the wrong packages", want)
		}
	}
	for _, banned := range []string{"github.com/secure-aks/secure-aks/stacks", "github.com/secure-aks/secure-aks/internal/plan", "github.com/secure-aks/secure-aks/internal/guardrails", "github.com/secure-aks/secure-aks/internal/offline"} {
		if deps[banned] {
			t.Errorf("the app stack compiles %s", banned)
		}
	}
}
