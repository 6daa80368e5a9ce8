package tests

// The SecretProviderClass, decoded strictly into the Secrets Store CSI
// driver's own type, and its parameters read by the Azure provider's own
// exported code (pkg/provider/types), as the provider reads them at mount time.

import (
	"testing"

	"github.com/Azure/secrets-store-csi-driver-provider-azure/pkg/provider/types"
	"gopkg.in/yaml.v3" // the YAML library pkg/provider/types itself uses
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// secretProviderClass returns the workload's rendered SecretProviderClass,
// decoded strictly into the CSI driver's SecretProviderClass.
func (r *rendered) secretProviderClass(t *testing.T, w workloadConfig) *secretsstorev1.SecretProviderClass {
	t.Helper()
	name := r.output(t, "workloads."+w.Name+".secretProviderClass")
	spc := mustDecodeStrict[*secretsstorev1.SecretProviderClass](t, r.kubeObjectNamed(t, typeSecretProviderClass, w.Namespace, name))
	if spc.Name != name || spc.Namespace != w.Namespace {
		t.Fatalf("decoded SecretProviderClass is %s/%s, want %s/%s", spc.Namespace, spc.Name, w.Namespace, name)
	}
	if len(spc.Spec.Parameters) == 0 {
		t.Fatalf("SecretProviderClass %s has no parameters", spc.Name)
	}
	return spc
}

// Guards a class the CSI driver would hand to another provider (or to none):
// spec.provider selects the plugin socket, and the AKS add-on runs "azure".
func TestSecretProviderClassDecodesAsUpstreamTypeWithAzureProvider(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		spc := r.secretProviderClass(t, w)
		if spc.Spec.Provider != "azure" {
			t.Errorf("SecretProviderClass %s: spec.provider = %q, want \"azure\"", spc.Name, spc.Spec.Provider)
		}
	})
}

// Guards the walkthrough's missing clientID: without it the provider does not
// use workload identity at all, and falls back to asking for a service
// principal secret (nodePublishSecretRef). usePodIdentity must be off.
func TestSecretProviderClassMissingClientID(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		clientID := r.identityClientID(t, w)
		params := r.secretProviderClass(t, w).Spec.Parameters
		if got := types.GetClientID(params); got != clientID {
			t.Errorf("types.GetClientID = %q, want the identity's clientId %q", got, clientID)
		}
		usePodIdentity, err := types.GetUsePodIdentity(params)
		if err != nil {
			t.Fatalf("types.GetUsePodIdentity: %v", err)
		}
		if usePodIdentity {
			t.Errorf("types.GetUsePodIdentity = true: aad-pod-identity mode, not workload identity")
		}
		useVMIdentity, err := types.GetUseVMManagedIdentity(params)
		if err != nil {
			t.Fatalf("types.GetUseVMManagedIdentity: %v", err)
		}
		if useVMIdentity {
			t.Errorf("types.GetUseVMManagedIdentity = true: the kubelet's identity, not the workload's")
		}
	})
}

// Guards the deprecated tenantId key (the provider reads tenantID first and
// only falls back to tenantId) and a tenant other than the vault's, which
// fails the token exchange. syncInterval is not a provider parameter at all:
// rotation is the driver's --rotation-poll-interval (the add-on's
// rotationPollInterval).
func TestSecretProviderClassTenantIDNotDeprecatedTenantId(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		vaultTenant := inputString(t, r.vault(t), "properties.tenantId")
		params := r.secretProviderClass(t, w).Spec.Parameters
		got := types.GetTenantID(params)
		if got == "" {
			t.Fatalf("types.GetTenantID is empty; parameters: %v", params)
		}
		if got != vaultTenant {
			t.Errorf("types.GetTenantID = %q, want the vault's tenant %q", got, vaultTenant)
		}
		for _, key := range []string{types.TenantIDParameter, "syncInterval"} {
			if v, ok := params[key]; ok {
				t.Errorf("parameters has %q = %q; remove it", key, v)
			}
		}
	})
}

// Guards a class that points at another vault than the one the stack
// creates (the walkthrough's <key-vault-name> left in, or a stale name).
func TestSecretProviderClassKeyvaultNameIsTheStacksVault(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		vaultName := r.output(t, "vaultName")
		if in := inputString(t, r.vault(t), "vaultName"); in != vaultName {
			t.Fatalf("output vaultName = %q, Vault input vaultName = %q", vaultName, in)
		}
		if got := types.GetKeyVaultName(r.secretProviderClass(t, w).Spec.Parameters); got != vaultName {
			t.Errorf("types.GetKeyVaultName = %q, want %q", got, vaultName)
		}
	})
}

// Guards a hand-written objects parameter: it is YAML inside YAML (a document
// with an "array" of strings, each itself a YAML document), and a wrong
// indent or a flattened list parses to nothing or to the wrong objects.
func TestSecretProviderClassObjectsParseWithProviderCode(t *testing.T) {
	forEachWorkload(t, func(t *testing.T, r *rendered, w workloadConfig) {
		if len(w.Objects) == 0 {
			t.Fatalf("workload %s configures no objects; nothing to check", w.Name)
		}
		objects := types.GetObjects(r.secretProviderClass(t, w).Spec.Parameters)
		if objects == "" {
			t.Fatal("types.GetObjects is empty")
		}
		array, err := types.GetObjectsArray(objects)
		if err != nil {
			t.Fatalf("types.GetObjectsArray: %v\nobjects:\n%s", err, objects)
		}
		if len(array.Array) != len(w.Objects) {
			t.Fatalf("types.GetObjectsArray found %d objects, the stack file configures %d\nobjects:\n%s", len(array.Array), len(w.Objects), objects)
		}
		parsed := map[string]types.KeyVaultObject{}
		for i, item := range array.Array {
			var kv types.KeyVaultObject
			if err := yaml.Unmarshal([]byte(item), &kv); err != nil {
				t.Fatalf("array[%d]: yaml into types.KeyVaultObject: %v\n%s", i, err, item)
			}
			if kv.ObjectName == "" {
				t.Fatalf("array[%d]: no objectName\n%s", i, item)
			}
			if _, dup := parsed[kv.ObjectName]; dup {
				t.Fatalf("array[%d]: objectName %s twice", i, kv.ObjectName)
			}
			parsed[kv.ObjectName] = kv
		}
		for _, o := range w.Objects {
			kv, ok := parsed[o.Name]
			if !ok {
				t.Errorf("configured object %s is not in the parsed objects %v", o.Name, parsed)
				continue
			}
			want := types.KeyVaultObject{
				ObjectName:     o.Name,
				ObjectType:     o.Type,
				ObjectAlias:    o.Alias,
				ObjectVersion:  o.Version,
				ObjectFormat:   o.Format,
				ObjectEncoding: o.Encoding,
			}
			if want.ObjectType == "" {
				want.ObjectType = types.VaultObjectTypeSecret // the program's default
			}
			if kv != want {
				t.Errorf("object %s: provider parsed %+v, want %+v", o.Name, kv, want)
			}
			if kv.GetFileName() != firstNonEmpty(o.Alias, o.Name) {
				t.Errorf("object %s: provider writes file %q, want %q", o.Name, kv.GetFileName(), firstNonEmpty(o.Alias, o.Name))
			}
		}
	})
}

// Guards the walkthrough's own case: dev mounts MyApplicationSecret as a
// secret, as the provider reads it.
func TestWalkthroughSecretIsMountedInDev(t *testing.T) {
	r := render(t, "dev")
	found := false
	for _, w := range r.workloads {
		array, err := types.GetObjectsArray(types.GetObjects(r.secretProviderClass(t, w).Spec.Parameters))
		if err != nil {
			t.Fatalf("workload %s: types.GetObjectsArray: %v", w.Name, err)
		}
		for _, item := range array.Array {
			var kv types.KeyVaultObject
			if err := yaml.Unmarshal([]byte(item), &kv); err != nil {
				t.Fatalf("workload %s: %v", w.Name, err)
			}
			if kv.ObjectName == "MyApplicationSecret" && kv.ObjectType == types.VaultObjectTypeSecret {
				found = true
			}
		}
	}
	if !found {
		t.Error("no dev SecretProviderClass mounts objectName MyApplicationSecret with objectType secret")
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
