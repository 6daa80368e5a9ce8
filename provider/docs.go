package provider

import (
	"reflect"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/secure-aks/secure-aks/components"
)

// The schema describes every component, input and output with the library's
// own doc comments (docs_gen.go, from go -C provider run ./cmd/docgen), so a
// TypeScript, Python or YAML user reads what a Go user reads.

// describeFields describes each exported, non-embedded field of the struct s
// points to with the library doc of lib.FIELD, or of lib.as[FIELD] for an
// output the provider names differently, plus what more[FIELD] adds.
func describeFields(an infer.Annotator, s any, lib string, as, more map[string]string) {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := f.Name
		if libName, ok := as[name]; ok {
			name = libName
		}
		doc := libraryDocs[lib+"."+name]
		if extra := more[f.Name]; extra != "" {
			doc += " " + extra
		}
		if doc != "" {
			an.Describe(v.Field(i).Addr().Interface(), doc)
		}
	}
}

func (a *ClusterArgs) Annotate(an infer.Annotator) { describeFields(an, a, "ClusterArgs", nil, nil) }
func (a *VaultArgs) Annotate(an infer.Annotator)   { describeFields(an, a, "VaultArgs", nil, nil) }
func (a *VaultPrivateEndpoint) Annotate(an infer.Annotator) {
	describeFields(an, a, "PrivateEndpointArgs", nil, nil)
}
func (a *NodePoolArgs) Annotate(an infer.Annotator) { describeFields(an, a, "NodePoolArgs", nil, nil) }
func (a *MaintenanceWindow) Annotate(an infer.Annotator) {
	describeFields(an, a, "MaintenanceWindow", nil, nil)
}
func (a *RegistryArgs) Annotate(an infer.Annotator) { describeFields(an, a, "RegistryArgs", nil, nil) }
func (a *PrivateEndpointArgs) Annotate(an infer.Annotator) {
	describeFields(an, a, "PrivateEndpointArgs", nil, nil)
}
func (a *WorkloadIdentityArgs) Annotate(an infer.Annotator) {
	describeFields(an, a, "WorkloadIdentityArgs", nil, map[string]string{
		"AdditionalSubjects": "Keys are stable names, not the subjects.",
	})
}
func (a *ServiceAccountRef) Annotate(an infer.Annotator) {
	describeFields(an, a, "ServiceAccountRef", nil, nil)
}
func (a *VaultAccess) Annotate(an infer.Annotator) { describeFields(an, a, "VaultAccess", nil, nil) }
func (a *SecretMountArgs) Annotate(an infer.Annotator) {
	describeFields(an, a, "SecretMountArgs", nil, nil)
}
func (a *SecretObject) Annotate(an infer.Annotator) { describeFields(an, a, "SecretObject", nil, nil) }
func (a *SyncSecret) Annotate(an infer.Annotator)   { describeFields(an, a, "SyncSecret", nil, nil) }

func (c *Cluster) Annotate(an infer.Annotator) {
	if c.Cluster == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		c.Cluster = &components.Cluster{}
	}
	an.Describe(c, libraryDocs["Cluster"])
	describeFields(an, c, "Cluster",
		map[string]string{
			"ClusterID":               "ID",
			"ClusterUID":              "UID",
			"KubeletClientID":         "KubeletIdentity",
			"KubeletObjectID":         "KubeletIdentity",
			"SecretsProviderClientID": "SecretsProviderIdentity",
			"SecretsProviderObjectID": "SecretsProviderIdentity",
		},
		map[string]string{
			"KubeletClientID":         "Its client ID.",
			"KubeletObjectID":         "Its object (principal) ID.",
			"SecretsProviderClientID": "Its client ID.",
			"SecretsProviderObjectID": "Its object (principal) ID.",
		})
}

func (v *Vault) Annotate(an infer.Annotator) {
	if v.Vault == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		v.Vault = &components.Vault{}
	}
	an.Describe(v, libraryDocs["Vault"])
	describeFields(an, v, "Vault", map[string]string{"VaultID": "ID"}, nil)
}

func (a *NetworkArgs) Annotate(an infer.Annotator) { describeFields(an, a, "NetworkArgs", nil, nil) }

func (n *Network) Annotate(an infer.Annotator) {
	if n.Network == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		n.Network = &components.Network{}
	}
	an.Describe(n, libraryDocs["Network"])
	describeFields(an, n, "Network", map[string]string{"NetworkID": "ID"}, nil)
}

func (r *Registry) Annotate(an infer.Annotator) {
	if r.Registry == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		r.Registry = &components.Registry{}
	}
	an.Describe(r, libraryDocs["Registry"])
	describeFields(an, r, "Registry", map[string]string{"RegistryID": "ID"}, nil)
}

func (w *WorkloadIdentity) Annotate(an infer.Annotator) {
	if w.WorkloadIdentity == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		w.WorkloadIdentity = &components.WorkloadIdentity{}
	}
	an.Describe(w, libraryDocs["WorkloadIdentity"]+" Its service account is created through the Kubernetes provider in the resource options.")
	describeFields(an, w, "WorkloadIdentity", map[string]string{"IdentityID": "ID"}, map[string]string{
		"PodLabels": "The labels a pod template needs to run as this identity (azure.workload.identity/use).",
	})
}

func (m *SecretMount) Annotate(an infer.Annotator) {
	if m.SecretMount == nil {
		// infer annotates a zero value; the annotator walks the fields
		// promoted from the embedded library component.
		m.SecretMount = &components.SecretMount{}
	}
	an.Describe(m, libraryDocs["SecretMount"]+" Its SecretProviderClass is created through the Kubernetes provider in the resource options.")
	describeFields(an, m, "SecretMount", map[string]string{"SecretProviderClassID": "ID"}, map[string]string{
		"VolumeName": "The name of the pod volume that mounts the class, unique per mount.",
	})
}
