// Command sdkgen writes a language SDK for the secure-aks provider from its
// schema, with Pulumi's own code generators (pkg/v3/codegen), the ones
// `pulumi package gen-sdk` runs. It needs no Pulumi CLI.
//
//	go -C provider run ./cmd/sdkgen -language nodejs|python -out DIR [-schema schema.json]
//
// It writes DIR from scratch: a file it would not write is removed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

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
	flag.Parse()
	if err := run(*language, *schemaPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(language, schemaPath, out string) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
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
