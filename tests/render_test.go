package tests

// Shared by the upstream checks: run a stack's program against the recording
// mock of internal/plan, take the Kubernetes objects it registers as JSON, and
// decode them strictly into upstream's own Go types.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/secure-aks/secure-aks/internal/offline"
	"github.com/secure-aks/secure-aks/internal/plan"
	"github.com/secure-aks/secure-aks/stacks"
)

// Resource type suffixes, without API versions.
const (
	typeServiceAccount       = "kubernetes:core/v1:ServiceAccount"
	typeDeployment           = "kubernetes:apps/v1:Deployment"
	typeSecretProviderClass  = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
	typeUserAssignedIdentity = ":UserAssignedIdentity"
	typeApplication          = "azuread:index/application:Application"
)

// stackNames are the stacks whose files are checked: every Pulumi.STACK.yaml
// of the project, except the end-to-end test's throwaway stacks.
var stackNames, stackNamesErr = plan.StackFiles("..")

// TestEveryStackFileIsChecked guards the discovery: the checks below run on
// every stack file, and on at least dev, prod and staging.
func TestEveryStackFileIsChecked(t *testing.T) {
	if stackNamesErr != nil {
		t.Fatal(stackNamesErr)
	}
	for _, want := range []string{"dev", "prod", "staging"} {
		if !slices.Contains(stackNames, want) {
			t.Errorf("stack files found: %v; %s is missing, so the upstream checks would skip it", stackNames, want)
		}
	}
	if engineManifests != "" {
		// Under tests/engine, every stack's manifests are there to check.
		for _, stack := range stackNames {
			files, _ := filepath.Glob(filepath.Join(engineManifests, stack, "1-manifest", "*.yaml"))
			if len(files) == 0 {
				t.Errorf("no manifests rendered by pulumi-kubernetes for stack %s in %s", stack, engineManifests)
			}
		}
		t.Logf("checking the manifests pulumi-kubernetes rendered, in %s", engineManifests)
	}
}

// workloadConfig is one secure-aks:workloads entry as the program itself
// reads it (stacks.LoadConfig, defaults applied): the configuration the
// rendered objects must carry out.
type workloadConfig = stacks.WorkloadConfig

// rendered is one stack's mock run.
type rendered struct {
	stack     string
	plan      *plan.Plan
	workloads []workloadConfig
}

var (
	renderMu    sync.Mutex
	renderCache = map[string]*rendered{}
)

// render runs the stack's program once per test binary and returns the run.
func render(t *testing.T, stack string) *rendered {
	t.Helper()
	renderMu.Lock()
	defer renderMu.Unlock()
	if r, ok := renderCache[stack]; ok {
		return r
	}
	cfg, err := plan.LoadStackFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := offline.Plan(stack, cfg)
	if err != nil {
		t.Fatalf("stack %s: mock run: %v", stack, err)
	}
	loaded, err := offline.LoadConfig(stack, cfg)
	if err != nil {
		t.Fatalf("stack %s: loading config: %v", stack, err)
	}
	workloads := loaded.Workloads
	if len(workloads) == 0 {
		t.Fatalf("stack %s: no workloads configured, nothing to check", stack)
	}
	r := &rendered{stack: stack, plan: p, workloads: workloads}
	renderCache[stack] = r
	return r
}

// forEachWorkload runs f as a subtest for every workload of every stack. A
// run that checks nothing fails: a check with zero subtests cannot fail.
func forEachWorkload(t *testing.T, f func(t *testing.T, r *rendered, w workloadConfig)) {
	n := 0
	for _, stack := range stackNames {
		r := render(t, stack)
		for _, w := range r.workloads {
			n++
			t.Run(stack+"/"+w.Name, func(t *testing.T) { f(t, r, w) })
		}
	}
	if n == 0 {
		t.Fatalf("no workload in the stacks %v: the check checked nothing", stackNames)
	}
}

// find returns the one resource of a type with a logical name.
func (r *rendered) find(t *testing.T, typeSuffix, name string) plan.Resource {
	t.Helper()
	res, err := plan.Find(r.plan.Resources, typeSuffix, name)
	if err != nil {
		t.Fatalf("stack %s: %v", r.stack, err)
	}
	return res
}

// output returns the stack output at a dotted path, as a string.
func (r *rendered) output(t *testing.T, path string) string {
	t.Helper()
	v, ok := plan.Lookup(r.plan.Outputs, path)
	if !ok {
		t.Fatalf("stack %s: no output %s", r.stack, path)
	}
	s, ok := v.(string)
	if !ok || s == "" || s == plan.SecretMarker || s == plan.UnknownMarker {
		t.Fatalf("stack %s: output %s = %#v, want a known plain string", r.stack, path, v)
	}
	return s
}

// identityClientID is the client ID the recorder gave the workload's
// identity (a user-assigned managed identity, or an Entra application),
// checked against the stack output.
func (r *rendered) identityClientID(t *testing.T, w workloadConfig) string {
	t.Helper()
	var identity plan.Resource
	switch w.Identity {
	case "managedIdentity":
		identity = r.find(t, typeUserAssignedIdentity, w.Name)
	case "application":
		identity = r.find(t, typeApplication, w.Name)
	default:
		t.Fatalf("stack %s: workload %s has identity %q; these checks know managedIdentity and application: extend identityClientID", r.stack, w.Name, w.Identity)
	}
	v, ok := identity.State["clientId"]
	if !ok || !v.IsString() || v.StringValue() == "" {
		t.Fatalf("stack %s: identity %s has no clientId in its state: %v", r.stack, w.Name, v)
	}
	clientID := v.StringValue()
	if out := r.output(t, "workloads."+w.Name+".clientId"); out != clientID {
		t.Fatalf("stack %s: output workloads.%s.clientId = %q, identity's clientId = %q", r.stack, w.Name, out, clientID)
	}
	return clientID
}

// vault returns the stack's one Key Vault.
func (r *rendered) vault(t *testing.T) plan.Resource {
	t.Helper()
	// azure-native:keyvault:Vault or a versioned azure-native:keyvault/vX:Vault,
	// not the secure-aks:index:Vault component.
	var vaults []plan.Resource
	for _, res := range plan.OfType(r.plan.Resources, ":Vault") {
		if strings.HasPrefix(res.Type, "azure-native:keyvault") {
			vaults = append(vaults, res)
		}
	}
	if len(vaults) != 1 {
		t.Fatalf("stack %s: want one Key Vault, found %d", r.stack, len(vaults))
	}
	return vaults[0]
}

// inputString returns a resource's input at a dotted path as a string.
func inputString(t *testing.T, res plan.Resource, path string) string {
	t.Helper()
	v, ok := res.Input(path)
	if !ok {
		t.Fatalf("%s %s: no input %s", res.Type, res.Name, path)
	}
	s, ok := v.(string)
	if !ok || s == "" || s == plan.UnknownMarker {
		t.Fatalf("%s %s: input %s = %#v, want a known string", res.Type, res.Name, path, v)
	}
	return s
}

// engineManifests is, when tests/engine runs these checks
// (SECURE_AKS_ENGINE_MANIFESTS), a directory with one directory per stack
// holding what pulumi-kubernetes itself rendered for it through the real
// engine (renderYamlToDirectory). The checks then decode those files instead
// of the objects the program registers under the mock; a missing file fails.
var engineManifests = os.Getenv("SECURE_AKS_ENGINE_MANIFESTS")

// kubeObject returns the Kubernetes object a resource registers, as the JSON
// the provider sends to the API server (secrets revealed), or, under
// tests/engine, as pulumi-kubernetes rendered it.
func kubeObject(t *testing.T, res plan.Resource) []byte {
	t.Helper()
	if engineManifests != "" {
		return renderedManifest(t, res)
	}
	data, err := json.Marshal(plan.Reveal(resource.NewProperty(res.RawInputs)))
	if err != nil {
		t.Fatalf("%s %s: %v", res.Type, res.Name, err)
	}
	return data
}

// kubeObjectNamed returns the one resource of a Kubernetes type whose object
// metadata has namespace and name.
func (r *rendered) kubeObjectNamed(t *testing.T, typeSuffix, namespace, name string) plan.Resource {
	t.Helper()
	var found []plan.Resource
	for _, res := range plan.OfType(r.plan.Resources, typeSuffix) {
		ns, _ := res.Input("metadata.namespace")
		n, _ := res.Input("metadata.name")
		if ns == namespace && n == name {
			found = append(found, res)
		}
	}
	if len(found) != 1 {
		t.Fatalf("stack %s: want one %s %s/%s, found %d", r.stack, typeSuffix, namespace, name, len(found))
	}
	return found[0]
}

// upstreamScheme knows the built-in Kubernetes types and the Secrets Store
// CSI driver's SecretProviderClass, all from upstream's own packages.
var upstreamScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := secretsstorev1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}()

// strictDecoder is apimachinery's strict deserializer: unknown fields,
// duplicate fields and fields in the wrong case are errors, as with
// kubectl's --validate=strict, and apiVersion/kind must be registered.
var strictDecoder = serializer.NewCodecFactory(upstreamScheme, serializer.EnableStrict).UniversalDeserializer()

// decodeStrict decodes data into a new object of type T, failing the test on
// any unknown field or on an apiVersion/kind other than T's.
func decodeStrict[T runtime.Object](data []byte) (T, error) {
	var zero T
	obj, gvk, err := strictDecoder.Decode(data, nil, nil)
	if err != nil {
		return zero, err
	}
	typed, ok := obj.(T)
	if !ok {
		return zero, fmt.Errorf("decoded %s as %T, want %T", gvk, obj, zero)
	}
	return typed, nil
}

// mustDecodeStrict is decodeStrict for a rendered resource.
func mustDecodeStrict[T runtime.Object](t *testing.T, res plan.Resource) T {
	t.Helper()
	obj, err := decodeStrict[T](kubeObject(t, res))
	if err != nil {
		t.Fatalf("%s %s: strict decode into upstream type: %v", res.Type, res.Name, err)
	}
	return obj
}

// renderedManifest reads the manifest pulumi-kubernetes rendered for res in
// its stack's directory of engineManifests, named as pulumi-kubernetes names
// it (renderPathForResource: APIVERSION-kind-NAMESPACE-NAME.yaml under
// 1-manifest), as JSON.
func renderedManifest(t *testing.T, res plan.Resource) []byte {
	t.Helper()
	stack, _, _ := strings.Cut(strings.TrimPrefix(res.URN, "urn:pulumi:"), "::")
	apiVersion, kind := inputString(t, res, "apiVersion"), inputString(t, res, "kind")
	namespace, _ := res.Input("metadata.namespace")
	if namespace == nil || namespace == "" {
		namespace = "default"
	}
	file := fmt.Sprintf("%s-%s-%v-%s.yaml", strings.NewReplacer("/", "_", ":", "_").Replace(apiVersion), strings.ToLower(kind), namespace, inputString(t, res, "metadata.name"))
	data, err := os.ReadFile(filepath.Join(engineManifests, stack, "1-manifest", file))
	if err != nil {
		t.Fatalf("%s %s: pulumi-kubernetes rendered no manifest for it: %v", res.Type, res.Name, err)
	}
	out, err := sigsyaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}
