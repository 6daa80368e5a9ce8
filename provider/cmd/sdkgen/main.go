// Command sdkgen writes a language SDK for the secure-aks provider from its
// schema, with Pulumi's own code generators (pkg/v3/codegen), the ones
// `pulumi package gen-sdk` runs. It needs no Pulumi CLI.
//
//	go -C provider run ./cmd/sdkgen -language nodejs|python -out DIR -kubernetes-schema FILE [-schema schema.json]
//
// The schema refers to the Kubernetes package's provider (Cluster's
// kubernetesProvider), so the generators need that package's schema:
// FILE is pulumi-kubernetes' own, cmd/pulumi-resource-kubernetes/schema.json
// of the provider module (.ci/sdk finds it in the module cache). It is
// served as the version the reference names, as the CLI would download it.
//
// It writes DIR from scratch: a file it would not write is removed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the files' "do not edit" headers.
const tool = "secure-aks sdkgen"

func main() {
	language := flag.String("language", "nodejs", "nodejs or python")
	out := flag.String("out", "", "the directory to write the SDK to (required)")
	schemaPath := flag.String("schema", "schema.json", "the provider's schema")
	kubernetesSchema := flag.String("kubernetes-schema", "", "pulumi-kubernetes' schema.json (required)")
	flag.Parse()
	if err := run(*language, *schemaPath, *kubernetesSchema, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(language, schemaPath, kubernetesSchema, out string) error {
	if out == "" || kubernetesSchema == "" {
		return fmt.Errorf("-out and -kubernetes-schema are required")
	}
	loader, err := newLoader(kubernetesSchema)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s is not a valid package schema: %s", schemaPath, diags.Error())
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, nil)
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, nil)
	default:
		return fmt.Errorf("-language %q: want nodejs or python", language)
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// loader serves the one package the schema refers to, Kubernetes, at the
// version it asks for.
type loader struct {
	spec schema.PackageSpec
	refs map[string]schema.PackageReference
}

func newLoader(path string) (*loader, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	l := &loader{refs: map[string]schema.PackageReference{}}
	if err := json.Unmarshal(raw, &l.spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if l.spec.Name != "kubernetes" {
		return nil, fmt.Errorf("%s is the schema of %q, want kubernetes", path, l.spec.Name)
	}
	return l, nil
}

func (l *loader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	if d.Name != l.spec.Name || d.Version == nil {
		return nil, fmt.Errorf("the schema refers to package %s %v: sdkgen serves only kubernetes at a version", d.Name, d.Version)
	}
	if ref, ok := l.refs[d.Version.String()]; ok {
		return ref, nil
	}
	spec := l.spec
	spec.Version = d.Version.String()
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("kubernetes schema: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("kubernetes schema: %s", diags.Error())
	}
	l.refs[d.Version.String()] = pkg.Reference()
	return pkg.Reference(), nil
}

func (l *loader) LoadPackageReference(pkg string, version *semver.Version) (schema.PackageReference, error) {
	return l.LoadPackageReferenceV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: version})
}

func (l *loader) LoadPackageV2(ctx context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	ref, err := l.LoadPackageReferenceV2(ctx, d)
	if err != nil {
		return nil, err
	}
	return ref.Definition()
}

func (l *loader) LoadPackage(pkg string, version *semver.Version) (*schema.Package, error) {
	return l.LoadPackageV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: version})
}
