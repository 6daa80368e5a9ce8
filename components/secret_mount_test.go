package components

import (
	"fmt"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/internal/plan"
)

func validSecretMountArgs() SecretMountArgs {
	return SecretMountArgs{
		Namespace: "apps",
		VaultName: pulumi.String("kv-test"),
		TenantID:  pulumi.String("tenant-id"),
		ClientID:  pulumi.String("client-id"),
		Objects:   []SecretObject{{Name: "MyApplicationSecret"}},
	}
}

func TestSecretMountArgsDefaults(t *testing.T) {
	t.Parallel()
	caller := validSecretMountArgs()
	caller.SyncSecret = &SyncSecret{}
	got := caller.withDefaults("reader")
	if got.Name != "reader" || got.MountPath != "/mnt/secrets-store" || got.Objects[0].Type != ObjectTypeSecret ||
		got.SyncSecret.SecretName != "reader" || got.SyncSecret.Type != "Opaque" {
		t.Errorf("defaults = %+v, sync %+v", got, got.SyncSecret)
	}
	if caller.Name != "" || caller.Objects[0].Type != "" || caller.SyncSecret.SecretName != "" {
		t.Errorf("withDefaults modified the caller's args")
	}
}

func TestSecretMountArgsValidate(t *testing.T) {
	t.Parallel()
	tests := []validateCase[SecretMountArgs]{
		{"valid", func(*SecretMountArgs) {}, nil},
		{"valid every option", func(a *SecretMountArgs) {
			a.Objects = []SecretObject{
				{Name: "tls", Type: ObjectTypeSecret, Format: "pfx", Encoding: "base64", Alias: "tls.pfx"},
				{Name: "tls", Type: ObjectTypeCert, Format: "pem", Alias: "tls.crt", Version: "0123456789abcdef0123456789ABCDEF"},
				{Name: "signing", Type: ObjectTypeKey, Alias: "keys/signing.pem"},
			}
		}, nil},
		{"namespace", func(a *SecretMountArgs) { a.Namespace = "" }, []string{`Namespace "": must be a DNS-1123 label`}},
		{"class name", func(a *SecretMountArgs) { a.Name = "Azure_KV" }, []string{`Name "Azure_KV": must be a DNS-1123 subdomain`}},
		{"vault name required", func(a *SecretMountArgs) { a.VaultName = nil }, []string{"VaultName (unset): is required"}},
		{"tenant required", func(a *SecretMountArgs) { a.TenantID = nil }, []string{"TenantID (unset): is required"}},
		// The walkthrough's SecretProviderClass has no clientID.
		{"client ID required", func(a *SecretMountArgs) { a.ClientID = nil }, []string{"ClientID (unset): is required"}},
		{"objects required", func(a *SecretMountArgs) { a.Objects = nil }, []string{`Objects "": must name at least one object`}},
		{"object name", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "my_secret"}} }, []string{`Objects[0].Name "my_secret"`}},
		{"object type", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "s", Type: "certificate"}} }, []string{`Objects[0].Type "certificate"`}},
		{"object version", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "s", Version: "latest"}} }, []string{`Objects[0].Version "latest"`}},
		{"pfx only for secrets", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "c", Type: ObjectTypeCert, Format: "pfx"}} }, []string{`Objects[0].Format "pfx": "pfx" is only supported for type "secret"`}},
		{"format", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "c", Format: "der"}} }, []string{`Objects[0].Format "der": must be "pem" or "pfx"`}},
		{"encoding only for secrets", func(a *SecretMountArgs) {
			a.Objects = []SecretObject{{Name: "k", Type: ObjectTypeKey, Encoding: "hex"}}
		}, []string{`Objects[0].Encoding "hex": is only supported for type "secret"`}},
		{"encoding", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "s", Encoding: "utf-16"}} }, []string{`Objects[0].Encoding "utf-16"`}},
		{"alias absolute", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "s", Alias: "/etc/passwd"}} }, []string{`Objects[0].Alias "/etc/passwd": must be a relative file name`}},
		{"alias backsteps", func(a *SecretMountArgs) { a.Objects = []SecretObject{{Name: "s", Alias: "../s"}} }, []string{`Objects[0].Alias "../s": must not contain ".."`}},
		{"file names unique", func(a *SecretMountArgs) {
			a.Objects = []SecretObject{{Name: "a"}, {Name: "b", Alias: "a"}}
		}, []string{`Objects[1].Alias "a": file name already used by Objects[0]`}},
		{"sync secret name", func(a *SecretMountArgs) { a.SyncSecret = &SyncSecret{SecretName: "My_Secret"} }, []string{`SyncSecret.SecretName "My_Secret"`}},
		{"sync secret keys flat", func(a *SecretMountArgs) {
			a.SyncSecret = &SyncSecret{}
			a.Objects = []SecretObject{{Name: "s", Alias: "dir/s"}}
		}, []string{`Objects[0].Alias "dir/s": must not contain "/" when SyncSecret is set`}},
		{"mount path", func(a *SecretMountArgs) { a.MountPath = "mnt" }, []string{`MountPath "mnt": must be an absolute path`}},
	}
	runValidateCases(t, validSecretMountArgs, SecretMountArgs.Validate, tests)
}

// TestRenderObjectsNestedForm: objects is a YAML document whose "array"
// items are YAML documents themselves. The upstream provider's own parser
// checks the same in tests/.
func TestRenderObjectsNestedForm(t *testing.T) {
	t.Parallel()
	in := []SecretObject{
		{Name: "MyApplicationSecret", Type: ObjectTypeSecret},
		{Name: "tls", Type: ObjectTypeCert, Alias: "tls: crt", Format: "pem", Version: "0123456789abcdef0123456789abcdef"},
	}
	out, err := RenderObjects(in)
	if err != nil {
		t.Fatal(err)
	}
	var outer map[string][]string
	if err := yaml.Unmarshal([]byte(out), &outer); err != nil || len(outer) != 1 || len(outer["array"]) != 2 {
		t.Fatalf("outer document %q: %v, %v", out, outer, err)
	}
	want := []map[string]string{
		{"objectName": "MyApplicationSecret", "objectType": "secret"},
		{"objectName": "tls", "objectType": "cert", "objectAlias": "tls: crt", "objectFormat": "pem", "objectVersion": "0123456789abcdef0123456789abcdef"},
	}
	for i, doc := range outer["array"] {
		var obj map[string]string
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("array[%d] %q: %v", i, doc, err)
		}
		if fmt.Sprint(obj) != fmt.Sprint(want[i]) {
			t.Errorf("array[%d] = %v, want %v", i, obj, want[i])
		}
	}
}

func TestSecretProviderClassParameters(t *testing.T) {
	t.Parallel()
	rec, err := runMocked(t, func(ctx *pulumi.Context) error {
		a := validSecretMountArgs()
		a.Objects = append(a.Objects, SecretObject{Name: "db-password", Alias: "db"})
		a.SyncSecret = &SyncSecret{SecretName: "reader-env"}
		m, err := NewSecretMount(ctx, "reader", &a)
		if err != nil {
			return err
		}
		// A pod built with the helpers, as app code would.
		_, err = corev1.NewPod(ctx, "app", &corev1.PodArgs{
			Metadata: &metav1.ObjectMetaArgs{Labels: pulumi.StringMap{UseLabel: pulumi.String("true")}},
			Spec: &corev1.PodSpecArgs{
				Containers: corev1.ContainerArray{&corev1.ContainerArgs{
					Name: pulumi.String("app"), Image: pulumi.String("busybox"),
					VolumeMounts: corev1.VolumeMountArray{m.VolumeMount("")},
				}},
				Volumes: corev1.VolumeArray{m.Volume()},
			},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := mustFind(t, rec, SecretMountType, "reader")
	spc := mustFind(t, rec, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "reader")
	// Every resource but the app's pod belongs to the component.
	var mine []plan.Resource
	for _, r := range rec.Resources() {
		if !strings.HasSuffix(r.Type, ":Pod") {
			mine = append(mine, r)
		}
	}
	wantParentedTo(t, mine, comp)
	wantInput(t, spc, "apiVersion", "secrets-store.csi.x-k8s.io/v1")
	wantInput(t, spc, "kind", "SecretProviderClass")
	wantInput(t, spc, "metadata.name", "reader")
	wantInput(t, spc, "metadata.namespace", "apps")
	wantInput(t, spc, "spec.provider", "azure")
	params, _ := spc.Input("spec.parameters")
	got := fmt.Sprint(params)
	objects, _ := RenderObjects([]SecretObject{{Name: "MyApplicationSecret", Type: ObjectTypeSecret}, {Name: "db-password", Type: ObjectTypeSecret, Alias: "db"}})
	want := fmt.Sprint(map[string]any{
		"usePodIdentity": "false",
		"clientID":       "client-id",
		"keyvaultName":   "kv-test",
		"tenantID":       "tenant-id",
		"objects":        objects,
	})
	if got != want {
		t.Errorf("parameters = %s\nwant         %s", got, want)
	}
	// The walkthrough's mistakes: no clientID, the deprecated tenantId, and a
	// syncInterval parameter that does not exist.
	for _, bad := range []string{"tenantId", "syncInterval"} {
		if _, ok := spc.Input("spec.parameters." + bad); ok {
			t.Errorf("parameter %s is set", bad)
		}
	}
	wantInput(t, spc, "spec.secretObjects.0.secretName", "reader-env")
	wantInput(t, spc, "spec.secretObjects.0.type", "Opaque")
	wantInput(t, spc, "spec.secretObjects.0.data.1.objectName", "db")
	wantInput(t, spc, "spec.secretObjects.0.data.1.key", "db")

	pod := mustFind(t, rec, "kubernetes:core/v1:Pod", "app")
	wantInput(t, pod, "metadata.labels", map[string]any{UseLabel: "true"})
	wantInput(t, pod, "spec.volumes.0.name", "secrets-store-reader")
	wantInput(t, pod, "spec.volumes.0.csi.driver", "secrets-store.csi.k8s.io")
	wantInput(t, pod, "spec.volumes.0.csi.readOnly", true)
	wantInput(t, pod, "spec.volumes.0.csi.volumeAttributes.secretProviderClass", "reader")
	wantInput(t, pod, "spec.containers.0.volumeMounts.0.name", "secrets-store-reader")
	wantInput(t, pod, "spec.containers.0.volumeMounts.0.mountPath", "/mnt/secrets-store")
	wantInput(t, pod, "spec.containers.0.volumeMounts.0.readOnly", true)
}

func TestNewSecretMountInvalidRegistersNothing(t *testing.T) {
	t.Parallel()
	wantRejected(t, `creating secret mount "reader": ClientID (unset): is required`, func(ctx *pulumi.Context) error {
		a := validSecretMountArgs()
		a.ClientID = nil
		_, err := NewSecretMount(ctx, "reader", &a)
		return err
	})
}

// TestVolumeNamesUniquePerMount: two classes (two vaults) mount side by side
// in one pod; every name is a DNS-1123 label.
func TestVolumeNamesUniquePerMount(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 60) + ".b" + strings.Repeat("c", 60)
	names := map[string]string{}
	for _, class := range []string{"reader", "reader-two", long, long + "x"} {
		m := &SecretMount{className: class}
		n := m.VolumeName()
		if !dns1123Label.MatchString(n) {
			t.Errorf("class %q: volume name %q is not a DNS-1123 label", class, n)
		}
		if prev, ok := names[n]; ok {
			t.Errorf("classes %q and %q share the volume name %q", prev, class, n)
		}
		names[n] = class
		if mount := m.VolumeMount(""); mount.Name != m.Volume().Name {
			t.Errorf("class %q: the mount names another volume", class)
		}
	}
}
