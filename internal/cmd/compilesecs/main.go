// Command compilesecs sums the compile time in a Go action graph, as written
// by `go build -debug-actiongraph=FILE`, and lists the packages that took
// longest. It is how BENCHMARKS.md measures compile-seconds.
//
//	go run ./internal/cmd/compilesecs [-top 15] [-only PACKAGES.txt] FILE
//
// With -only, it counts only the packages listed in PACKAGES.txt, one import
// path per line, as `go list -deps` prints them: what a consumer that
// imports just those packages would compile.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

type action struct {
	Mode      string
	Package   string
	NeedBuild bool
	TimeStart time.Time
	TimeDone  time.Time
}

func main() {
	top := flag.Int("top", 15, "how many packages to list")
	onlyFile := flag.String("only", "", "count only the packages listed in this file, one per line (go list -deps)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compilesecs [-top N] [-only PACKAGES.txt] ACTIONGRAPH.json")
		os.Exit(2)
	}
	var only map[string]bool
	if *onlyFile != "" {
		list, err := os.ReadFile(*onlyFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compilesecs:", err)
			os.Exit(1)
		}
		only = map[string]bool{}
		for _, p := range strings.Fields(string(list)) {
			only[p] = true
		}
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "compilesecs:", err)
		os.Exit(1)
	}
	var actions []action
	if err := json.Unmarshal(data, &actions); err != nil {
		fmt.Fprintln(os.Stderr, "compilesecs:", err)
		os.Exit(1)
	}
	type pkg struct {
		name string
		secs float64
	}
	var pkgs []pkg
	total, groups := 0.0, map[string]float64{}
	for _, a := range actions {
		if a.Mode != "build" || a.TimeStart.IsZero() || a.TimeDone.IsZero() {
			continue
		}
		if only != nil && !only[a.Package] {
			continue
		}
		s := a.TimeDone.Sub(a.TimeStart).Seconds()
		total += s
		pkgs = append(pkgs, pkg{a.Package, s})
		groups[group(a.Package)] += s
	}
	slices.SortFunc(pkgs, func(a, b pkg) int { return cmp.Compare(b.secs, a.secs) })
	fmt.Printf("compile-seconds: %.1f over %d packages\n\nby group:\n", total, len(pkgs))
	var names []string
	for g := range groups {
		names = append(names, g)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(groups[b], groups[a]) })
	for _, g := range names {
		fmt.Printf("  %7.1f s  %5.1f%%  %s\n", groups[g], 100*groups[g]/total, g)
	}
	fmt.Printf("\ntop %d packages:\n", *top)
	for i, p := range pkgs {
		if i == *top {
			break
		}
		fmt.Printf("  %7.1f s  %s\n", p.secs, p.name)
	}
}

// group names the family a package belongs to.
func group(p string) string {
	for _, prefix := range []string{
		"github.com/pulumi/pulumi-azure-native-sdk/containerservice",
		"github.com/pulumi/pulumi-azure-native-sdk/keyvault",
		"github.com/pulumi/pulumi-azure-native-sdk/authorization",
		"github.com/pulumi/pulumi-azure-native-sdk/resources",
		"github.com/pulumi/pulumi-azure-native-sdk/managedidentity",
		"github.com/pulumi/pulumi-azuread",
		"github.com/pulumi/pulumi-kubernetes",
		"github.com/pulumi/pulumi/sdk",
		"github.com/secure-aks",
	} {
		if strings.HasPrefix(p, prefix) {
			return prefix
		}
	}
	if !strings.Contains(p, ".") {
		return "standard library"
	}
	return "other dependencies"
}
