package components

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// releasedTypeTokens are the component type tokens as released (v0.1.0).
// Every URN in a user's state holds them: a changed token makes the engine
// delete the component and every child under it and create them again, unless
// the component is registered with an alias to the released token. Add to
// this list, never edit it.
var releasedTypeTokens = []struct {
	token string
	build func(ctx *pulumi.Context) error
}{
	{"secure-aks:index:Cluster", func(ctx *pulumi.Context) error {
		args := validClusterArgs()
		_, err := NewCluster(ctx, "c", &args)
		return err
	}},
	{"secure-aks:index:Vault", func(ctx *pulumi.Context) error {
		args := validVaultArgs()
		_, err := NewVault(ctx, "c", &args)
		return err
	}},
	{"secure-aks:index:WorkloadIdentity", func(ctx *pulumi.Context) error {
		args := validWorkloadIdentityArgs()
		_, err := NewWorkloadIdentity(ctx, "c", &args)
		return err
	}},
	{"secure-aks:index:SecretMount", func(ctx *pulumi.Context) error {
		args := validSecretMountArgs()
		_, err := NewSecretMount(ctx, "c", &args)
		return err
	}},
	{"secure-aks:index:Network", func(ctx *pulumi.Context) error {
		args := validNetworkArgs()
		_, err := NewNetwork(ctx, "c", &args)
		return err
	}},
}

// TestTypeTokensKeepReleasedURNs builds each component and checks that it
// registers under its released type token, or carries an alias to it, so
// that an upgrade of this library never replaces a user's components.
func TestTypeTokensKeepReleasedURNs(t *testing.T) {
	for _, released := range releasedTypeTokens {
		t.Run(released.token, func(t *testing.T) {
			rec, err := runMocked(t, released.build)
			if err != nil {
				t.Fatal(err)
			}
			var comp *plan.Resource
			for _, r := range rec.Resources() {
				if !r.Custom && r.Name == "c" && strings.HasPrefix(r.Type, "secure-aks:") {
					comp = &r
				}
			}
			if comp == nil {
				t.Fatalf("no secure-aks component named c registered")
			}
			if comp.Type == released.token {
				return
			}
			wantAlias := strings.TrimSuffix(comp.URN, comp.Type+"::"+comp.Name) + released.token + "::" + comp.Name
			if !slices.Contains(comp.Aliases, wantAlias) {
				t.Errorf("the component registers as %s, but %s was released: every existing stack would replace it and all its children.\n"+
					"Keep the token, or register with pulumi.Aliases([]pulumi.Alias{{Type: pulumi.String(%q)}}); aliases now: %v",
					comp.Type, released.token, released.token, comp.Aliases)
			}
		})
	}
}

// TestTypeTokenConstants keeps the exported constants true to what the
// components register, so that code matching on them (policies, the plan
// diff) sees every component.
func TestTypeTokenConstants(t *testing.T) {
	constants := []string{ClusterType, VaultType, WorkloadIdentityType, SecretMountType, NetworkType}
	for _, released := range releasedTypeTokens {
		rec, err := runMocked(t, released.build)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rec.Resources() {
			if !r.Custom && r.Name == "c" && strings.HasPrefix(r.Type, "secure-aks:") && !slices.Contains(constants, r.Type) {
				t.Errorf("a component registers as %s, which none of the type constants %v names", r.Type, constants)
			}
		}
	}
}

// TestExamplesAreCopyable checks the godoc examples: one per constructor and
// per platform reader (platform.Reference, platform.Read), in
// external test packages, importing nothing internal, so a reader can copy
// any of them into their own program.
func TestExamplesAreCopyable(t *testing.T) {
	want := map[string][]string{
		".":           {"ExampleNewCluster", "ExampleNewVault", "ExampleNewWorkloadIdentity", "ExampleNewSecretMount", "ExampleNewNetwork"},
		"../platform": {"ExampleReference", "ExampleRead"},
	}
	for dir, examples := range want {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, file := range files {
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			full, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			var here []string
			for _, d := range full.Scope.Objects {
				if strings.HasPrefix(d.Name, "Example") {
					here = append(here, d.Name)
				}
			}
			if len(here) == 0 {
				continue
			}
			if !strings.HasSuffix(f.Name.Name, "_test") {
				t.Errorf("%s holds examples %v in package %s: examples belong in an external _test package, so they use only the exported API", file, here, f.Name.Name)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal") {
					t.Errorf("%s imports %s: an example must import nothing internal, so a reader can copy it", file, path)
				}
			}
			for _, name := range here {
				found[name] = true
			}
		}
		for _, name := range examples {
			if !found[name] {
				t.Errorf("%s has no %s", dir, name)
			}
		}
	}
}

// TestNoVersionedTypeExported keeps SDK types tied to an API version out of
// the exported API of the library's packages (exported functions, methods,
// fields, variables): an azure-native vYYYYMMDD package or a Kubernetes
// group/version package. A caller gets IDs, names and outputs instead, so an
// API version upgrade inside a component never breaks their code. The pod
// spec helpers are the one exception: they return the inputs of the pod API,
// whose only version is core/v1.
func TestNoVersionedTypeExported(t *testing.T) {
	allowed := map[string]bool{
		"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1.VolumeArgs":      true,
		"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1.VolumeMountArgs": true,
	}
	versioned := regexp.MustCompile(`/v20\d{6}[a-z]*$|/go/kubernetes/.+/v\d+(alpha\d+|beta\d+)?$`)
	for _, dir := range []string{".", "../stacks"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			imports := map[string]string{}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				imports[name] = path
			}
			check := func(what string, n ast.Node) {
				if n == nil {
					return
				}
				ast.Inspect(n, func(n ast.Node) bool {
					sel, ok := n.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					pkg, ok := sel.X.(*ast.Ident)
					if !ok {
						return true
					}
					if path := imports[pkg.Name]; versioned.MatchString(path) && !allowed[path+"."+sel.Sel.Name] {
						t.Errorf("%s: %s exposes %s.%s (%s): export an ID, a name or an output instead", file, what, pkg.Name, sel.Sel.Name, path)
					}
					return false
				})
			}
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if !d.Name.IsExported() || (d.Recv != nil && !exportedReceiver(d.Recv)) {
						continue
					}
					check(d.Name.Name, d.Type)
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							if !s.Name.IsExported() {
								continue
							}
							st, ok := s.Type.(*ast.StructType)
							if !ok {
								check(s.Name.Name, s.Type)
								continue
							}
							for _, field := range st.Fields.List {
								for _, name := range field.Names {
									if name.IsExported() {
										check(s.Name.Name+"."+name.Name, field.Type)
									}
								}
								if len(field.Names) == 0 {
									check(s.Name.Name+" (embedded)", field.Type)
								}
							}
						case *ast.ValueSpec:
							for _, name := range s.Names {
								if name.IsExported() {
									check(name.Name, s.Type)
								}
							}
						}
					}
				}
			}
		}
	}
}

func exportedReceiver(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}
