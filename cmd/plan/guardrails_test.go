package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/secure-aks/secure-aks/internal/guardrails"
)

// TestEveryStackPassesItsProfile runs -check on every stack file: each passes
// every rule of its own profile, and prints one line per rule.
func TestEveryStackPassesItsProfile(t *testing.T) {
	if n := len(guardrails.Rules); n < 20 {
		t.Fatalf("%d rules, want at least 20", n)
	}
	for _, stack := range stackFiles(t) {
		t.Run(stack, func(t *testing.T) {
			var out bytes.Buffer
			if err := run([]string{"-dir", "../..", "-stack", stack, "-check"}, &out); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 1+len(guardrails.Rules) {
				t.Errorf("%d lines, want a header and one per rule:\n%s", len(lines), out.String())
			}
			for _, l := range lines[1:] {
				if !strings.HasPrefix(l, "PASS ") && !strings.HasPrefix(l, "SKIP ") {
					t.Errorf("not a PASS or SKIP line: %s", l)
				}
			}
		})
	}
}
