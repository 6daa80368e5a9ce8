// Command plan shows what `pulumi up` would register for a stack, with no
// Azure account, Pulumi CLI or provider plugins. It runs the real program
// (stacks.Run's program) against a recording mock monitor with the stack's
// Pulumi.STACK.yaml from the current directory. Encrypted values and secret
// values that are not set are replaced by visible placeholders; secrets show
// as [secret]. Outputs of upstream resources are plausible fakes (issuer URLs
// under https://oidc.plan.invalid/), so the wiring between resources shows.
//
// Usage:
//
//	go run ./cmd/plan [-stack dev|prod|NAME] [-format text|json|md]
//
// A configuration error exits with status 1 and lists every problem on
// standard error; no resources are printed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "plan:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := fs.String("stack", "dev", "stack whose Pulumi.STACK.yaml to plan")
	format := fs.String("format", "text", "output format: text, json or md")
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "md" {
		return fmt.Errorf("-format %q: must be text, json or md", *format)
	}
	p, err := Plan(*dir, *stack)
	var configErr *stacks.ConfigError
	if errors.As(err, &configErr) {
		return configErr // without the engine's "1 error occurred" wrapping
	}
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return p.WriteJSON(stdout)
	case "md":
		return p.WriteMarkdown(stdout)
	default:
		return p.WriteText(stdout)
	}
}

// Plan runs the program for one stack of the project in dir.
func Plan(dir, stack string) (*plan.Plan, error) {
	project, err := projectName(dir + "/Pulumi.yaml")
	if err != nil {
		return nil, err
	}
	cfg, err := plan.LoadStackFile(fmt.Sprintf("%s/Pulumi.%s.yaml", dir, stack))
	if err != nil {
		return nil, err
	}
	p, _, err := plan.Run(project, stack, cfg, func(export func(string, pulumi.Input)) pulumi.RunFunc {
		return stacks.Program(stacks.Options{
			LoadOptions: stacks.LoadOptions{PlaceholderSecrets: true},
			OnExport:    export,
		})
	})
	return p, err
}

func projectName(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var doc struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if doc.Name == "" {
		return "", errors.New(path + ": has no name")
	}
	return doc.Name, nil
}
