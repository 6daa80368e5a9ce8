package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/stacks"
)

// TestBadConfigSameMessageAndNothingRegistered sets one bad value in dev:
// `pulumi preview` fails with the message the offline plan gives, every
// line of it, with no stack trace, and the program registers nothing but
// the stack.
func TestBadConfigSameMessageAndNothingRegistered(t *testing.T) {
	ctx := context.Background()
	s, dir := newStack(t, "dev")
	if err := s.SetConfigWithOptions(ctx, "secure-aks:cluster.nodeCount", auto.ConfigValue{Value: "0"}, &auto.ConfigOptions{Path: true}); err != nil {
		t.Fatal(err)
	}
	_, _, err := offline.PlanFile(dir, "dev")
	var configErr *stacks.ConfigError
	if !errors.As(err, &configErr) {
		t.Fatalf("the offline plan: %v; want a configuration error", err)
	}
	want := strings.TrimSpace(configErr.Error())
	if !strings.Contains(want, "secure-aks:cluster.nodeCount") {
		t.Fatalf("the offline message does not name the key: %q", want)
	}

	steps := recordSteps()
	_, err = s.Preview(ctx, optpreview.EventStreams(steps.ch))
	var registered []string
	for urn, st := range steps.wait() {
		if st.Type != "pulumi:pulumi:Stack" {
			registered = append(registered, urn)
		}
	}
	if err == nil {
		t.Fatal("pulumi preview with nodeCount 0 passed")
	}
	// The engine wraps it ("an unhandled error occurred: 1 error
	// occurred: * ..."): every line of the message is there as the plan
	// prints it.
	for _, line := range strings.Split(want, "\n") {
		if !strings.Contains(err.Error(), strings.TrimSpace(line)) {
			t.Errorf("pulumi preview's error lacks the offline plan's line %q:\n%v", line, err)
		}
	}
	if strings.Contains(err.Error(), "goroutine ") || strings.Contains(err.Error(), "panic:") {
		t.Errorf("a stack trace in the error:\n%v", err)
	}
	if len(registered) != 0 {
		t.Errorf("a bad configuration registered %v", registered)
	}
	if _, err := os.Stat(filepath.Join(dir, "standin.log")); err == nil {
		t.Error("the stand-in was asked to create something")
	}
}
