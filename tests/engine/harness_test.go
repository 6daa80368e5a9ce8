package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The binaries the engine tests run, built from the versions pinned in
// tools/engine/*/go.mod into a cache keyed by those files: a missing one is
// built, never skipped.
var (
	// pulumiBin is the Pulumi CLI.
	pulumiBin string
	// yamlHost is the YAML language host, pulumi-language-yaml.
	yamlHost string
	// kubernetesBin is the Kubernetes provider.
	kubernetesBin string
	// standinBin stands in for azure-native and azuread (./standin).
	standinBin string
	// workRoot holds PULUMI_HOME and every test's files and backend.
	workRoot string
)

// Plugin versions the program asks for; the Kubernetes provider built here
// is the v4.25.0 commit (tools/engine/kubernetes/main.go), installed under
// the version the program's SDK asks for.
const (
	azureNativeVersion = "2.90.0"
	azureADVersion     = "5.53.5"
	kubernetesVersion  = "4.32.0"
	// componentVersion is provider.Version, the component provider's.
	componentVersion = "0.2.0"
	// pulumiVersion is the CLI's version, set at build time: the Automation
	// API refuses a CLI that reports none.
	pulumiVersion = "v3.274.1"
)

func TestMain(m *testing.M) {
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setUp(m *testing.M) (int, error) {
	cache, err := cacheDir()
	if err != nil {
		return 0, err
	}
	// The component plugin is installed under the version the provider
	// reports (api/README.md: a release sets both).
	if src, err := os.ReadFile("../../provider/provider.go"); err != nil || !strings.Contains(string(src), `const Version = "`+componentVersion+`"`) {
		return 0, fmt.Errorf("componentVersion %s is not provider.Version in provider/provider.go (%v)", componentVersion, err)
	}
	tools, err := filepath.Abs("../../tools/engine")
	if err != nil {
		return 0, err
	}
	if pulumiBin, err = buildTool(cache, filepath.Join(tools, "pulumi"), "pulumi", "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
		"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version="+pulumiVersion); err != nil {
		return 0, err
	}
	if yamlHost, err = buildTool(cache, filepath.Join(tools, "yaml"), "pulumi-language-yaml", "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml", ""); err != nil {
		return 0, err
	}
	if kubernetesBin, err = buildKubernetes(cache, filepath.Join(tools, "kubernetes")); err != nil {
		return 0, err
	}
	if workRoot, err = os.MkdirTemp("", "secure-aks-engine-"); err != nil {
		return 0, err
	}
	defer os.RemoveAll(workRoot)
	standinBin = filepath.Join(workRoot, "standin")
	if out, err := exec.Command("go", "build", "-o", standinBin, "./standin").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building the stand-in provider: %v\n%s", err, out)
	}
	componentBin := filepath.Join(workRoot, "pulumi-resource-secure-aks")
	if out, err := exec.Command("go", "-C", "../../provider", "build", "-o", componentBin, "./cmd/pulumi-resource-secure-aks").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building the component provider: %v\n%s", err, out)
	}

	// The CLI, its language host and plugins come from here only: nothing
	// is downloaded, and no other Pulumi on the machine is used.
	for k, v := range map[string]string{
		"PATH":                                        filepath.Dir(pulumiBin) + string(os.PathListSeparator) + filepath.Dir(yamlHost) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PULUMI_HOME":                                 filepath.Join(workRoot, "home"),
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-tests",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
	} {
		os.Setenv(k, v)
	}
	for _, p := range []struct{ name, version, file string }{
		{"azure-native", azureNativeVersion, standinBin},
		{"azuread", azureADVersion, standinBin},
		{"kubernetes", kubernetesVersion, kubernetesBin},
		{"secure-aks", componentVersion, componentBin},
	} {
		if out, err := exec.Command(pulumiBin, "plugin", "install", "resource", p.name, p.version, "--file", p.file).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("installing the %s plugin: %v\n%s", p.name, err, out)
		}
	}
	return m.Run(), nil
}

// cacheDir is where built tools are kept between runs:
// SECURE_AKS_ENGINE_CACHE, or secure-aks-engine in the user's cache.
func cacheDir() (string, error) {
	if d := os.Getenv("SECURE_AKS_ENGINE_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "secure-aks-engine"), nil
}

// toolKey hashes what decides a tool's binary: its module's go.mod, go.sum
// and Go files, and the build flags.
func toolKey(moduleDir, flags string) (string, error) {
	h := sha256.New()
	io.WriteString(h, flags)
	files, err := filepath.Glob(filepath.Join(moduleDir, "*"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		base := filepath.Base(f)
		if base != "go.mod" && base != "go.sum" && !strings.HasSuffix(base, ".go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", base, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// buildTool returns the cached binary of pkg built in moduleDir, building it
// first if the cache lacks it.
func buildTool(cache, moduleDir, name, pkg, ldflags string) (string, error) {
	key, err := toolKey(moduleDir, ldflags)
	if err != nil {
		return "", err
	}
	out := filepath.Join(cache, key, name)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	fmt.Fprintf(os.Stderr, "engine tests: building %s from %s (once per version; minutes when cold)\n", name, moduleDir)
	args := []string{"build", "-o", out + ".tmp"}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = moduleDir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", name, err, stderr.String())
	}
	return out, os.Rename(out+".tmp", out)
}

// buildKubernetes builds the Kubernetes provider: its main embeds the
// schema and Terraform mapping of the pinned provider module, copied in
// first (they are not checked in).
func buildKubernetes(cache, moduleDir string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-kubernetes/provider/v4")
	cmd.Dir = moduleDir
	dir, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("finding the Kubernetes provider module: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "cmd", "pulumi-resource-kubernetes")
	for _, f := range []string{"schema.json", "terraform-mapping.json"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(moduleDir, f), data, 0o644); err != nil {
			return "", err
		}
	}
	return buildTool(cache, moduleDir, "pulumi-resource-kubernetes", ".", "-X main.Version=4.25.0")
}
