package tests

// The real Azure Workload Identity mutating webhook
// (github.com/Azure/azure-workload-identity/pkg/webhook) run on the sample pod,
// and the upstream MutatingWebhookConfiguration's objectSelector matched
// against the pod template's labels.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-workload-identity/pkg/webhook"
	jsonpatch "github.com/evanphx/json-patch/v5"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/secure-aks/secure-aks/internal/plan"
)

const (
	workloadIdentityModule = "github.com/Azure/azure-workload-identity"
	// upstreamWebhookName is the webhook in deploy/azure-wi-webhook.yaml.
	upstreamWebhookName = "mutation.azure-workload-identity.io"
	// publicCloudAuthorityHost is Azure public cloud's Entra ID endpoint,
	// what the webhook injects as AZURE_AUTHORITY_HOST by default.
	publicCloudAuthorityHost = "https://login.microsoftonline.com/"
	// fakeServerVersion is what the fake API server's /version reports.
	fakeServerVersion = "v1.31.9"
)

// samplePod builds the pod the Deployment's ReplicaSet would create: the pod
// template's metadata and spec, in the Deployment's namespace.
func samplePod(d *appsv1.Deployment) *corev1.Pod {
	tmpl := d.Spec.Template.DeepCopy()
	meta := tmpl.ObjectMeta
	meta.GenerateName = d.Name + "-"
	meta.Namespace = d.Namespace
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: meta,
		Spec:       tmpl.Spec,
	}
}

// fakeAPIServer answers /version, which is all NewPodMutator's discovery
// client asks for.
func fakeAPIServer(t *testing.T) *rest.Config {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/version" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(version.Info{Major: "1", Minor: "31", GitVersion: fakeServerVersion})
	}))
	t.Cleanup(srv.Close)
	return &rest.Config{Host: srv.URL}
}

// mutate runs the upstream webhook's handler on pod, with sa in the cluster,
// and returns the pod after the API server would have applied the patch.
func mutate(t *testing.T, pod *corev1.Pod, sa *corev1.ServiceAccount, clusterTenantID string) *corev1.Pod {
	t.Helper()
	// The webhook's configuration comes from the environment, as in its
	// Deployment: the cluster's tenant, and the cloud.
	t.Setenv("AZURE_TENANT_ID", clusterTenantID)
	t.Setenv("AZURE_ENVIRONMENT", "AzurePublicCloud")
	t.Setenv("PROXY_IMAGE", "")
	t.Setenv("PROXY_INIT_IMAGE", "")

	cluster := fake.NewClientBuilder().WithScheme(upstreamScheme).WithObjects(sa.DeepCopy()).Build()
	handler, err := webhook.NewPodMutator(cluster, cluster, "", upstreamScheme, fakeAPIServer(t))
	if err != nil {
		t.Fatalf("webhook.NewPodMutator: %v", err)
	}

	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       "sample-pod-create",
		Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
		Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
		Namespace: pod.Namespace,
		Operation: admissionv1.Create,
		Object:    runtime.RawExtension{Raw: raw},
	}}
	resp := handler.Handle(context.Background(), req)
	if err := resp.Complete(req); err != nil {
		t.Fatalf("admission response: %v", err)
	}
	if !resp.Allowed {
		t.Fatalf("webhook denied the pod: %+v", resp.Result)
	}
	if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch || len(resp.Patch) == 0 {
		t.Fatalf("webhook returned no JSON patch (patchType %v, %d bytes)", resp.PatchType, len(resp.Patch))
	}

	// Apply the patch as the API server does, with a real JSON-patch library.
	patch, err := jsonpatch.DecodePatch(resp.Patch)
	if err != nil {
		t.Fatalf("decoding the webhook's patch: %v\n%s", err, resp.Patch)
	}
	patched, err := patch.Apply(raw)
	if err != nil {
		t.Fatalf("applying the webhook's patch: %v\n%s", err, resp.Patch)
	}
	out, err := decodeStrict[*corev1.Pod](patched)
	if err != nil {
		t.Fatalf("mutated pod: %v\n%s", err, patched)
	}
	return out
}

// mutatedSamplePod runs the webhook on the workload's sample pod.
func mutatedSamplePod(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) *corev1.Pod {
	t.Helper()
	tenant := inputString(t, r.vault(t), "properties.tenantId")
	return mutate(t, samplePod(d), r.serviceAccount(t, w), tenant)
}

func envOf(c corev1.Container) map[string]string {
	m := map[string]string{}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

// Guards the end of the chain: the pod the Deployment creates, run through
// the real webhook with the rendered ServiceAccount, gets the identity's
// client ID, the tenant, the token file and the authority host that the
// Azure SDK (and the CSI provider) read, and the projected token volume.
func TestWorkloadIdentityWebhookMutatesSamplePod(t *testing.T) {
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		clientID := r.identityClientID(t, w)
		tenant := inputString(t, r.vault(t), "properties.tenantId")
		pod := mutatedSamplePod(t, r, w, d)

		want := map[string]string{
			webhook.AzureClientIDEnvVar:           clientID,
			webhook.AzureTenantIDEnvVar:           tenant,
			webhook.AzureFederatedTokenFileEnvVar: filepath.Join(webhook.TokenFileMountPath, webhook.TokenFilePathName),
			webhook.AzureAuthorityHostEnvVar:      publicCloudAuthorityHost,
		}
		if len(pod.Spec.Containers) == 0 {
			t.Fatal("mutated pod has no containers")
		}
		for _, c := range pod.Spec.Containers {
			env := envOf(c)
			for name, value := range want {
				if got, ok := env[name]; !ok {
					t.Errorf("container %s: no env %s after mutation; env: %v", c.Name, name, env)
				} else if got != value {
					t.Errorf("container %s: env %s = %q, want %q", c.Name, name, got, value)
				}
			}
			mounted := false
			for _, m := range c.VolumeMounts {
				if m.Name == webhook.TokenFilePathName {
					mounted = true
					if m.MountPath != webhook.TokenFileMountPath || !m.ReadOnly {
						t.Errorf("container %s: token volume mounted at %q (readOnly %v), want %q read-only", c.Name, m.MountPath, m.ReadOnly, webhook.TokenFileMountPath)
					}
				}
			}
			if !mounted {
				t.Errorf("container %s: volume %s not mounted; mounts: %+v", c.Name, webhook.TokenFilePathName, c.VolumeMounts)
			}
		}

		tokenVolume := projectedTokenVolume(pod)
		if tokenVolume == nil {
			t.Fatalf("no projected service account token volume %s; volumes: %+v", webhook.TokenFilePathName, pod.Spec.Volumes)
		}
		if tokenVolume.Path != webhook.TokenFilePathName {
			t.Errorf("projected token path = %q, want %q", tokenVolume.Path, webhook.TokenFilePathName)
		}

		// The mutation adds; it must not have dropped the secrets-store volume.
		csi := false
		for _, v := range pod.Spec.Volumes {
			csi = csi || (v.CSI != nil && v.CSI.Driver == secretsStoreDriver)
		}
		if !csi {
			t.Errorf("mutated pod lost its %s volume", secretsStoreDriver)
		}
	})
}

// projectedTokenVolume returns the service account token projection of the
// volume the webhook adds, or nil.
func projectedTokenVolume(pod *corev1.Pod) *corev1.ServiceAccountTokenProjection {
	for _, v := range pod.Spec.Volumes {
		if v.Name != webhook.TokenFilePathName || v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.ServiceAccountToken != nil {
				return s.ServiceAccountToken
			}
		}
	}
	return nil
}

// Guards a federated credential whose subject names another namespace or
// service account, or whose audience is not the one the projected token
// carries: Entra ID then refuses the token exchange (AADSTS70021).
func TestFederatedCredentialTrustsTheProjectedToken(t *testing.T) {
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		pod := mutatedSamplePod(t, r, w, d)
		tokenVolume := projectedTokenVolume(pod)
		if tokenVolume == nil {
			t.Fatal("webhook added no projected token volume")
		}
		sa := pod.Spec.ServiceAccountName
		if sa == "" {
			sa = "default"
		}
		wantSubject := "system:serviceaccount:" + pod.Namespace + ":" + sa

		// Managed-identity and application credentials alike.
		fics := plan.OfType(r.plan.Resources, "FederatedIdentityCredential")
		var matched []string
		for _, fic := range fics {
			subject, _ := fic.Input("subject")
			if subject != wantSubject {
				continue
			}
			audiences, _ := fic.Input("audiences")
			list, _ := audiences.([]any)
			for _, a := range list {
				if a == tokenVolume.Audience {
					matched = append(matched, fic.Name)
				}
			}
		}
		if len(matched) != 1 {
			t.Errorf("want one FederatedIdentityCredential with subject %q and audience %q (the projected token's), found %v among %d credentials", wantSubject, tokenVolume.Audience, matched, len(fics))
		}
	})
}

// upstreamWebhookConfiguration reads the MutatingWebhookConfiguration from
// deploy/azure-wi-webhook.yaml in the azure-workload-identity module this
// module requires, and returns its pod-mutating webhook.
func upstreamWebhookConfiguration(t *testing.T) admissionregistrationv1.MutatingWebhook {
	t.Helper()
	// go list -m works offline once the module is in the module cache, which
	// building this test already required.
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", workloadIdentityModule)
	cmd.Stderr = os.Stderr
	dirOut, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", workloadIdentityModule, err)
	}
	dir := strings.TrimSpace(string(dirOut))
	if dir == "" {
		t.Fatalf("go list -m %s: module not in the module cache", workloadIdentityModule)
	}
	path := filepath.Join(dir, "deploy", "azure-wi-webhook.yaml")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var configs []*admissionregistrationv1.MutatingWebhookConfiguration
	docs := utilyaml.NewYAMLReader(bufio.NewReader(f))
	for {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var tm metav1.TypeMeta
		if err := sigsyaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if tm.Kind != "MutatingWebhookConfiguration" {
			continue
		}
		mwc, err := decodeStrict[*admissionregistrationv1.MutatingWebhookConfiguration](doc)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		configs = append(configs, mwc)
	}
	if len(configs) != 1 {
		t.Fatalf("%s: want one MutatingWebhookConfiguration, found %d", path, len(configs))
	}
	for _, wh := range configs[0].Webhooks {
		if wh.Name == upstreamWebhookName {
			if !coversPodCreate(wh.Rules) {
				t.Fatalf("%s: webhook %s does not cover pod CREATE: %+v", path, wh.Name, wh.Rules)
			}
			return wh
		}
	}
	t.Fatalf("%s: no webhook %s", path, upstreamWebhookName)
	return admissionregistrationv1.MutatingWebhook{}
}

func coversPodCreate(rules []admissionregistrationv1.RuleWithOperations) bool {
	has := func(list []string, v string) bool {
		for _, e := range list {
			if e == v || e == "*" {
				return true
			}
		}
		return false
	}
	for _, r := range rules {
		ops := make([]string, len(r.Operations))
		for i, o := range r.Operations {
			ops[i] = string(o)
		}
		if has(ops, string(admissionregistrationv1.Create)) && has(r.APIGroups, "") && has(r.APIVersions, "v1") && has(r.Resources, "pods") {
			return true
		}
	}
	return false
}

// selects reports whether the webhook is called for a pod with podLabels in
// a namespace with nsLabels: the API server's objectSelector and
// namespaceSelector semantics (an absent selector matches everything).
func selects(t *testing.T, wh admissionregistrationv1.MutatingWebhook, podLabels, nsLabels map[string]string) bool {
	t.Helper()
	match := func(sel *metav1.LabelSelector, set map[string]string) bool {
		if sel == nil {
			return true
		}
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			t.Fatalf("webhook %s: selector %+v: %v", wh.Name, sel, err)
		}
		return s.Matches(labels.Set(set))
	}
	return match(wh.ObjectSelector, podLabels) && match(wh.NamespaceSelector, nsLabels)
}

// namespaceLabels are the labels the API server puts on every namespace.
func namespaceLabels(ns string) map[string]string {
	return map[string]string{"kubernetes.io/metadata.name": ns}
}

// Guards the walkthrough's trap from the webhook's side: upstream's webhook
// configuration selects pods by the azure.workload.identity/use label, so the
// sample pod template's labels must be selected.
func TestUpstreamWebhookSelectsSamplePod(t *testing.T) {
	wh := upstreamWebhookConfiguration(t)
	if wh.ObjectSelector == nil {
		t.Fatalf("upstream webhook %s has no objectSelector", wh.Name)
	}
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		if !selects(t, wh, d.Spec.Template.Labels, namespaceLabels(d.Namespace)) {
			t.Errorf("upstream objectSelector %s does not select the pod template's labels %v: the webhook is never called", metav1.FormatLabelSelector(wh.ObjectSelector), d.Spec.Template.Labels)
		}
	})
}

// Guards the missing workload identity label: without it (or with it only on
// the Deployment's metadata, which pods do not inherit) upstream's
// objectSelector does not select the pod, the webhook never runs, and the pod
// starts with no AZURE_* variables and no token: the CSI mount then fails.
func TestMissingWorkloadIdentityLabelIsNotMutated(t *testing.T) {
	wh := upstreamWebhookConfiguration(t)
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		ns := namespaceLabels(d.Namespace)
		cases := map[string]map[string]string{}

		without := map[string]string{}
		for k, v := range d.Spec.Template.Labels {
			if k != useLabel {
				without[k] = v
			}
		}
		cases["label removed from the pod template"] = without

		// The label moved to the Deployment's own metadata: the ReplicaSet's
		// pods get the template's labels only.
		moved := d.DeepCopy()
		delete(moved.Spec.Template.Labels, useLabel)
		if moved.Labels == nil {
			moved.Labels = map[string]string{}
		}
		moved.Labels[useLabel] = "true"
		cases["label on the Deployment metadata only"] = samplePod(moved).Labels

		for _, v := range []string{"false", "True"} {
			wrong := map[string]string{useLabel: v}
			for k, val := range without {
				wrong[k] = val
			}
			cases["label value "+v] = wrong
		}

		for name, podLabels := range cases {
			if selects(t, wh, podLabels, ns) {
				t.Errorf("%s: upstream objectSelector %s selects labels %v", name, metav1.FormatLabelSelector(wh.ObjectSelector), podLabels)
			}
		}
		// The control: the rendered labels themselves are selected, so the
		// cases above fail for the label and nothing else.
		if !selects(t, wh, d.Spec.Template.Labels, ns) {
			t.Errorf("the rendered pod template labels %v are not selected either", d.Spec.Template.Labels)
		}
	})
}
