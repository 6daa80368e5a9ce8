package tests

// The ServiceAccount and the sample Deployment, decoded strictly into
// k8s.io/api's own types.

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/secure-aks/secure-aks/internal/plan"
)

const (
	useLabel           = "azure.workload.identity/use"
	clientIDAnnotation = "azure.workload.identity/client-id"
	secretsStoreDriver = "secrets-store.csi.k8s.io"
	secretsStoreMount  = "/mnt/secrets-store"
	spcVolumeAttribute = "secretProviderClass"
	sampleSuffix       = "-sample"
)

// serviceAccount returns the workload's rendered ServiceAccount, decoded
// strictly into corev1.ServiceAccount.
func (r *rendered) serviceAccount(t *testing.T, w workloadConfig) *corev1.ServiceAccount {
	t.Helper()
	res := r.kubeObjectNamed(t, typeServiceAccount, w.Namespace, w.ServiceAccount)
	sa := mustDecodeStrict[*corev1.ServiceAccount](t, res)
	if sa.Name != w.ServiceAccount || sa.Namespace != w.Namespace {
		t.Fatalf("decoded ServiceAccount is %s/%s, want %s/%s", sa.Namespace, sa.Name, w.Namespace, w.ServiceAccount)
	}
	if out := r.output(t, "workloads."+w.Name+".serviceAccount"); out != sa.Name {
		t.Fatalf("output workloads.%s.serviceAccount = %q, rendered ServiceAccount %q", w.Name, out, sa.Name)
	}
	return sa
}

// sampleDeployment returns the workload's sample Deployment, decoded strictly
// into appsv1.Deployment.
func (r *rendered) sampleDeployment(t *testing.T, w workloadConfig) *appsv1.Deployment {
	t.Helper()
	d := mustDecodeStrict[*appsv1.Deployment](t, r.find(t, typeDeployment, w.Name+sampleSuffix))
	if d.Namespace != w.Namespace {
		t.Fatalf("sample Deployment is in namespace %q, the workload in %q", d.Namespace, w.Namespace)
	}
	return d
}

// forEachSample runs f as a subtest for every workload with a sample
// Deployment (sample: true), and fails if no stack has one: the checks must
// not pass on nothing. Workloads without a sample get no subtest.
func forEachSample(t *testing.T, f func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment)) {
	n := 0
	for _, stack := range stackNames {
		r := render(t, stack)
		for _, w := range r.workloads {
			if !w.Sample {
				continue
			}
			n++
			t.Run(stack+"/"+w.Name, func(t *testing.T) { f(t, r, w, r.sampleDeployment(t, w)) })
		}
	}
	if n == 0 {
		t.Fatalf("no stack in %v has a workload with sample: true; the sample checks would check nothing", stackNames)
	}
}

// Guards a ServiceAccount annotated with a placeholder or another identity's
// client ID (or not at all): the webhook injects whatever the annotation says
// as AZURE_CLIENT_ID, and the token exchange then fails.
func TestServiceAccountClientIDAnnotationIsTheIdentitysClientID(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		clientID := r.identityClientID(t, w)
		sa := r.serviceAccount(t, w)
		got, ok := sa.Annotations[clientIDAnnotation]
		if !ok {
			t.Fatalf("ServiceAccount %s/%s has no %s annotation; annotations: %v", sa.Namespace, sa.Name, clientIDAnnotation, sa.Annotations)
		}
		if got != clientID {
			t.Errorf("ServiceAccount %s annotation = %q, want the identity's clientId %q", clientIDAnnotation, got, clientID)
		}
	})
}

// Guards the walkthrough's trap of labelling the Deployment's own metadata
// with azure.workload.identity/use: the webhook's objectSelector looks at the
// pod, so the label must be on spec.template.metadata.
func TestUseLabelOnPodTemplateNotDeploymentMetadata(t *testing.T) {
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		got, ok := d.Spec.Template.Labels[useLabel]
		if !ok {
			where := "anywhere"
			if _, onDeployment := d.Labels[useLabel]; onDeployment {
				where = "on the pod template (it is on the Deployment's own metadata only)"
			}
			t.Fatalf("Deployment %s: label %s missing %s; template labels: %v", d.Name, useLabel, where, d.Spec.Template.Labels)
		}
		if got != "true" {
			t.Errorf("Deployment %s: pod template label %s = %q, want \"true\"", d.Name, useLabel, got)
		}
	})
}

// Guards a pod that runs as the namespace's default service account, which
// carries no client-id annotation and has no federated credential.
func TestSamplePodRunsAsTheFederatedServiceAccount(t *testing.T) {
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		sa := r.serviceAccount(t, w)
		if got := d.Spec.Template.Spec.ServiceAccountName; got != sa.Name {
			t.Errorf("Deployment %s: serviceAccountName = %q, want %q", d.Name, got, sa.Name)
		}
	})
}

// Guards a CSI volume that names the wrong SecretProviderClass or driver, is
// not read-only (the driver refuses writable secrets-store volumes), or is
// not mounted read-only where the walkthrough reads it.
func TestSamplePodMountsSecretProviderClassReadOnly(t *testing.T) {
	forEachSample(t, func(t *testing.T, r *rendered, w workloadConfig, d *appsv1.Deployment) {
		spcName := r.output(t, "workloads."+w.Name+".secretProviderClass")
		spc := r.kubeObjectNamed(t, typeSecretProviderClass, w.Namespace, spcName)
		if n, _ := spc.Input("metadata.name"); n != spcName {
			t.Fatalf("SecretProviderClass resource has metadata.name %v, want %q", n, spcName)
		}

		pod := d.Spec.Template.Spec
		var volume *corev1.Volume
		for i, v := range pod.Volumes {
			if v.CSI != nil && v.CSI.Driver == secretsStoreDriver {
				if volume != nil {
					t.Fatalf("Deployment %s: two %s volumes, %s and %s", d.Name, secretsStoreDriver, volume.Name, v.Name)
				}
				volume = &pod.Volumes[i]
			}
		}
		if volume == nil {
			t.Fatalf("Deployment %s: no CSI volume with driver %s; volumes: %+v", d.Name, secretsStoreDriver, pod.Volumes)
		}
		if volume.CSI.ReadOnly == nil || !*volume.CSI.ReadOnly {
			t.Errorf("Deployment %s: CSI volume %s is not readOnly: true", d.Name, volume.Name)
		}
		if got := volume.CSI.VolumeAttributes[spcVolumeAttribute]; got != spcName {
			t.Errorf("Deployment %s: CSI volume %s volumeAttributes.%s = %q, want %q", d.Name, volume.Name, spcVolumeAttribute, got, spcName)
		}

		if len(pod.Containers) == 0 {
			t.Fatalf("Deployment %s: no containers", d.Name)
		}
		for _, c := range pod.Containers {
			var mount *corev1.VolumeMount
			for i, m := range c.VolumeMounts {
				if m.Name == volume.Name {
					mount = &c.VolumeMounts[i]
				}
			}
			if mount == nil {
				t.Errorf("Deployment %s: container %s does not mount volume %s", d.Name, c.Name, volume.Name)
				continue
			}
			if mount.MountPath != secretsStoreMount {
				t.Errorf("Deployment %s: container %s mounts %s at %q, want %q", d.Name, c.Name, volume.Name, mount.MountPath, secretsStoreMount)
			}
			if !mount.ReadOnly {
				t.Errorf("Deployment %s: container %s mounts %s writable, want readOnly: true", d.Name, c.Name, volume.Name)
			}
		}
	})
}

// Guards the sample flag: the walkthrough's busybox reader is deployed where
// a workload asks for it (dev) and nowhere else (prod).
func TestSampleDeploymentOnlyWhereConfigured(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		n := 0
		for _, res := range plan.OfType(r.plan.Resources, typeDeployment) {
			if res.Name == w.Name+sampleSuffix {
				n++
			}
		}
		want := 0
		if w.Sample {
			want = 1
		}
		if n != want {
			t.Errorf("workload %s (sample: %v): %d sample Deployments, want %d", w.Name, w.Sample, n, want)
		}
	})
}

// Guards the decoder used by every check here: it must refuse a field that
// Kubernetes does not know, or a misspelt annotation key would pass.
func TestStrictDecoderRejectsUnknownAndMiscasedFields(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field": `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","annotation":{"x":"y"}}}`,
		"miscased":      `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"Name":"a"}}`,
		"wrong kind":    `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeStrict[*corev1.ServiceAccount]([]byte(doc)); err == nil {
				t.Errorf("decoded %s without error", doc)
			}
		})
	}
	ok := `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","annotations":{"x":"y"}}}`
	if _, err := decodeStrict[*corev1.ServiceAccount]([]byte(ok)); err != nil {
		t.Errorf("a valid ServiceAccount failed to decode: %v", err)
	}
}
