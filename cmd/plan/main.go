// Command plan shows what `pulumi up` would register for a stack, with no
// Azure account, Pulumi CLI or provider plugins. It runs the real program
// (stacks.Build, as internal/offline runs it) against a recording mock monitor with the stack's
// Pulumi.STACK.yaml from the current directory. Encrypted values and secret
// values that are not set are replaced by visible placeholders; secrets show
// as [secret]. Outputs of upstream resources are plausible fakes (issuer URLs
// under https://oidc.plan.invalid/), so the wiring between resources shows.
//
// Usage:
//
//	go run ./cmd/plan [-stack dev|prod|NAME] [-format text|json|md] [-dir DIR]
//	go run ./cmd/plan -stack prod -diff OLD.json [-format text|md]
//	go run ./cmd/plan diff [-format text|md] OLD.json NEW.json
//	go run ./cmd/plan -stack prod -check [-diff OLD.json]
//	go run ./cmd/plan -stack prod -chain
//	go run ./cmd/plan chain PLAN.json
//
// With -diff, the plan of the stack is compared with OLD.json (a plan written
// earlier with -format json, such as the golden file on the base branch); the
// diff subcommand compares two such files. A diff lists, per resource, what
// is added, removed and changed (old → new), and marks changes that replace
// the resource where the plan knows it (internal/plan/replace.go).
//
// With -check, every guardrail (internal/guardrails, docs/guardrails.md) is
// evaluated on the stack's plan for the stack's profile
// (secure-aks:profile), one line per rule: PASS|FAIL|SKIP RULE-ID resource:
// message. With -diff OLD.json too, the day-two guardrails are evaluated on
// the change from OLD.json: no protected resource replaced, no locked delete.
// Any FAIL exits with status 1.
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
	"path/filepath"

	"github.com/secure-aks/secure-aks/internal/guardrails"
	"github.com/secure-aks/secure-aks/internal/offline"
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
	if len(args) > 0 && args[0] == "diff" {
		return runDiff(args[1:], stdout)
	}
	if len(args) == 2 && args[0] == "chain" {
		p, err := readPlan(args[1])
		if err != nil {
			return err
		}
		return writeChain(p, stdout)
	}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := fs.String("stack", "dev", "stack whose Pulumi.STACK.yaml to plan")
	format := fs.String("format", "text", "output format: text, json or md")
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	against := fs.String("diff", "", "show the changes from this plan (a -format json file) instead of the plan")
	check := fs.Bool("check", false, "evaluate the guardrails for the stack's profile instead of printing the plan")
	chain := fs.Bool("chain", false, "print the longest chain of resources created one after another instead of the plan")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (did you mean: plan diff OLD.json NEW.json?)", fs.Arg(0))
	}
	if err := checkFormat(*format, *against != ""); err != nil {
		return err
	}
	var old *plan.Plan
	if *against != "" {
		var err error
		if old, err = readPlan(*against); err != nil {
			return err
		}
	}
	if *check {
		return runCheck(*dir, *stack, old, stdout)
	}
	p, err := Plan(*dir, *stack)
	var configErr *stacks.ConfigError
	if errors.As(err, &configErr) {
		return configErr // without the engine's "1 error occurred" wrapping
	}
	if err != nil {
		return err
	}
	if old != nil {
		return writeDiff(old, p, *format, stdout)
	}
	if *chain {
		return writeChain(p, stdout)
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

// writeChain prints the plan's longest chain of resources created one after
// another.
func writeChain(p *plan.Plan, w io.Writer) error {
	c := plan.LongestChain(p)
	fmt.Fprintf(w, "Longest chain for stack %q: %d resources created one after another\n", p.Stack, len(c))
	for i, r := range c {
		fmt.Fprintf(w, "%3d  %s\n", i+1, plan.ShortURN(r.URN))
	}
	return nil
}

// runDiff is the diff subcommand: plan diff [-format text|md] OLD.json NEW.json.
func runDiff(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan diff", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text or md")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("diff needs two plan files, OLD.json NEW.json; got %d argument(s)", fs.NArg())
	}
	if err := checkFormat(*format, true); err != nil {
		return err
	}
	old, err := readPlan(fs.Arg(0))
	if err != nil {
		return err
	}
	p, err := readPlan(fs.Arg(1))
	if err != nil {
		return err
	}
	return writeDiff(old, p, *format, stdout)
}

func checkFormat(format string, diff bool) error {
	switch {
	case format == "text" || format == "md":
		return nil
	case format == "json" && !diff:
		return nil
	case diff:
		return fmt.Errorf("-format %q: a diff is text or md", format)
	}
	return fmt.Errorf("-format %q: must be text, json or md", format)
}

func readPlan(path string) (*plan.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := plan.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func writeDiff(old, new *plan.Plan, format string, w io.Writer) error {
	d, err := plan.Compare(old, new)
	if err != nil {
		return err
	}
	if format == "md" {
		return d.WriteMarkdown(w)
	}
	return d.WriteText(w)
}

// runCheck evaluates the guardrails on a stack's plan for its profile and,
// given the plan before (old), the day-two guardrails on the change.
func runCheck(dir, stack string, old *plan.Plan, stdout io.Writer) error {
	cfg, err := plan.LoadStackFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if err != nil {
		return err
	}
	profile := guardrails.Profile(cfg.Values[stacks.Namespace+":profile"])
	if profile == "" {
		profile = guardrails.ProfileStandard
	}
	// The -check lines, and how many failed.
	var lines []string
	failed := 0
	p, _, err := planConfig(stack, cfg)
	var configErr *stacks.ConfigError
	switch {
	case errors.As(err, &configErr) && configErr.Guardrails != nil:
		// A production stack refused for its guardrails, as `pulumi up`
		// refuses it: the findings came with the refusal.
		for _, f := range configErr.Guardrails {
			lines = append(lines, f.String())
			if f.Status == string(guardrails.Fail) {
				failed++
			}
		}
	case errors.As(err, &configErr):
		return configErr
	case err != nil:
		return err
	default:
		findings := guardrails.Evaluate(p, profile)
		if old != nil {
			d, err := plan.Compare(old, p)
			if err != nil {
				return err
			}
			findings = append(findings, guardrails.EvaluateDiff(d)...)
		}
		for _, f := range findings {
			lines = append(lines, f.String())
		}
		failed = len(guardrails.Failed(findings))
	}
	fmt.Fprintf(stdout, "Guardrails for stack %q, profile %s: %d rules\n", stack, profile, len(lines))
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d guardrails failed for stack %q", failed, len(lines), stack)
	}
	return nil
}

// Plan runs the program for one stack of the project in dir, with the
// stack's configuration as the Pulumi CLI would hand it to the program.
func Plan(dir, stack string) (*plan.Plan, error) {
	p, _, err := offline.PlanFile(dir, stack)
	return p, err
}

// planConfig runs the program for one stack with cfg.
func planConfig(stack string, cfg plan.StackConfig) (*plan.Plan, *plan.Recorder, error) {
	return offline.Plan(stack, cfg)
}
