package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata/")

// TestGoldenPlans renders the whole plan of each real stack and compares it
// with testdata/STACK.json. Review changes in the diff; regenerate with
// `go test ./cmd/plan -update`.
func TestGoldenPlans(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			var out bytes.Buffer
			if err := run([]string{"-dir", "../..", "-stack", stack, "-format", "json"}, &out); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", stack+".json")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/plan -update to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("plan for %s differs from %s; review, then go test ./cmd/plan -update\n%s", stack, golden, firstDiff(string(want), out.String()))
			}
			// The JSON has the documented shape.
			var p struct {
				Stack     string `json:"stack"`
				Resources []struct {
					URN, Type, Name, Parent, Provider string
					Custom                            bool
					Inputs                            map[string]any
					DependsOn                         []string
				} `json:"resources"`
				Outputs map[string]any `json:"outputs"`
			}
			dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			if p.Stack != stack || len(p.Resources) == 0 || len(p.Outputs) == 0 {
				t.Errorf("plan = %+v", p)
			}
			if strings.Contains(out.String(), "s3cr3t") || strings.Contains(out.String(), "BEGIN") {
				t.Error("plan shows a secret value")
			}
		})
	}
}

func TestFormats(t *testing.T) {
	for format, want := range map[string]string{
		"text": "+ secure-aks:index:Cluster aks (component)",
		"md":   "| `azure-native:containerservice/v20241001:ManagedCluster` | `aks` | `secure-aks:index:Cluster::aks` |",
	} {
		var out bytes.Buffer
		if err := run([]string{"-dir", "../..", "-stack", "prod", "-format", format}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("-format %s lacks %q:\n%s", format, want, out.String())
		}
	}
	if err := run([]string{"-format", "yaml"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `-format "yaml"`) {
		t.Errorf("err = %v", err)
	}
}

// TestConfigErrorPrintsNoResources plans a stack file with bad values: the
// run fails with every problem named by key, and prints no resources.
func TestConfigErrorPrintsNoResources(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := `config:
  azure-native:location: eastus
  secure-aks:cluster:
    nodeCount: 0
  secure-aks:vault:
    softDeleteRetentionDays: 365
`
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.broken.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run([]string{"-dir", dir, "-stack", "broken", "-format", "json"}, &out)
	if err == nil {
		t.Fatal("no error for a bad stack file")
	}
	if !strings.HasPrefix(err.Error(), `stack "broken" has 2 configuration problem(s):`) {
		t.Errorf("error does not start with the summary line:\n%v", err)
	}
	for _, want := range []string{"\n  - secure-aks:cluster.nodeCount 0", "\n  - secure-aks:vault.softDeleteRetentionDays 365"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed output for a bad config:\n%s", out.String())
	}
	if err := run([]string{"-dir", dir, "-stack", "missing"}, &out); err == nil || !strings.Contains(err.Error(), "Pulumi.missing.yaml") {
		t.Errorf("missing stack file: err = %v", err)
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}
