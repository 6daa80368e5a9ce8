package components

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// SecretMountType is the Pulumi type token of [SecretMount]. Never change it
// without pulumi.Aliases.
const SecretMountType = tokens.SecretMount

// Secrets Store CSI constants (docs/azure-facts.md#secretproviderclass).
const (
	// CSIDriver is the driver name in a pod's csi volume.
	CSIDriver = "secrets-store.csi.k8s.io"
	// DefaultMountPath is where the walkthrough mounts the volume.
	DefaultMountPath = "/mnt/secrets-store"
	// volumeNamePrefix starts the name of the pod volume that mounts a class:
	// secrets-store-CLASS, unique per mount, so that one pod can mount
	// classes of several vaults.
	volumeNamePrefix = "secrets-store-"
)

// SecretObject is one Key Vault object to mount as a file.
type SecretObject struct {
	// Name is the object's name in the vault: 1-127 letters, digits and
	// hyphens. Required. Changed in place, like every field here: the class's
	// parameters change, and pods pick them up on their next mount.
	Name string
	// Type is ObjectTypeSecret, ObjectTypeCert or ObjectTypeKey. Optional:
	// default ObjectTypeSecret. Changed in place.
	Type ObjectType
	// Version pins a version: 32 hexadecimal characters. Optional: by
	// default the latest, which rotation follows. Changed in place.
	Version string
	// Alias is the file name. Optional: by default Name. A relative path
	// without "..". File names must be unique within a mount. Changed in
	// place.
	Alias string
	// Format is "pem" or "pfx" (pfx only for type secret). Optional.
	// Changed in place.
	Format string
	// Encoding is "utf-8", "hex" or "base64", only for type secret.
	// Optional. Changed in place.
	Encoding string
}

// FileName is the file the object is mounted as: Alias, or else Name.
func (o SecretObject) FileName() string {
	if o.Alias != "" {
		return o.Alias
	}
	return o.Name
}

// SyncSecret mirrors the mounted objects into a Kubernetes Secret
// (spec.secretObjects). The Secret exists only while at least one pod mounts
// the volume: the driver creates it on the first mount and deletes it after
// the last pod is gone. Environment variables read from it change only when
// the pod restarts.
type SyncSecret struct {
	// SecretName is the Kubernetes Secret's name: a DNS-1123 subdomain.
	// Optional: by default the class name. Changed in place.
	SecretName string
	// Type is the Secret's type. Optional: by default "Opaque". Changed in
	// place.
	Type string
}

// SecretMountArgs configures a [SecretMount]. Pass the cluster's Kubernetes
// provider with pulumi.Providers in the options.
type SecretMountArgs struct {
	// Namespace of the SecretProviderClass: the pods' namespace, a DNS-1123
	// label. Required. A class is namespaced and serves one vault. Changing
	// it replaces the class.
	Namespace string
	// Name of the class: a DNS-1123 subdomain. Optional: by default the
	// component name. Changing it replaces the class.
	Name string
	// VaultName is the vault's name (Vault.Name). Required. Changed in place,
	// like every parameter below: pods pick it up on their next mount.
	VaultName pulumi.StringInput
	// TenantID is the vault's tenant (Vault.TenantID). Required. Changed in
	// place.
	TenantID pulumi.StringInput
	// ClientID is the workload identity's client ID
	// (WorkloadIdentity.ClientID). Required: without it the provider falls
	// back to service-principal mode and the mount fails with
	// "nodePublishSecretRef secret is not set" (docs/azure-facts.md#secretproviderclass).
	// Changed in place.
	ClientID pulumi.StringInput
	// Objects to mount, in this order. Required, at least one. Changed in
	// place.
	Objects []SecretObject
	// SyncSecret, if set, mirrors the objects into a Kubernetes Secret.
	// Optional. Changed in place.
	SyncSecret *SyncSecret
	// MountPath is where VolumeMount mounts the volume: an absolute path.
	// Default DefaultMountPath. It creates no resource.
	MountPath string
	// CloudName is the Azure cloud, such as "AzurePublicCloud". Optional:
	// the provider's default, the public cloud. Changed in place.
	CloudName string
}

// SecretMount is a SecretProviderClass for one vault, with helpers for the
// pod spec that mounts it.
type SecretMount struct {
	pulumi.ResourceState

	// ID is the SecretProviderClass's ID: NAMESPACE/NAME.
	ID pulumi.StringOutput
	// Name is the SecretProviderClass's name.
	Name pulumi.StringOutput
	// Namespace is its namespace.
	Namespace pulumi.StringOutput
	// MountPath is where VolumeMount mounts the volume.
	MountPath pulumi.StringOutput
	// Class is the SecretProviderClass, for pulumi.DependsOn.
	Class pulumi.Resource

	className, mountPath string
}

func (a SecretMountArgs) withDefaults(name string) SecretMountArgs {
	if a.Name == "" {
		a.Name = name
	}
	if a.MountPath == "" {
		a.MountPath = DefaultMountPath
	}
	objects := make([]SecretObject, len(a.Objects))
	for i, o := range a.Objects {
		if o.Type == "" {
			o.Type = ObjectTypeSecret
		}
		objects[i] = o
	}
	a.Objects = objects
	if a.SyncSecret != nil {
		s := *a.SyncSecret
		if s.SecretName == "" {
			s.SecretName = a.Name
		}
		if s.Type == "" {
			s.Type = "Opaque"
		}
		a.SyncSecret = &s
	}
	return a
}

// Validate applies the defaults to a copy of a and checks every rule, the
// objects as the Azure provider validates them. An empty Name is checked by
// NewSecretMount, which derives it from the component name.
func (a SecretMountArgs) Validate() error {
	a = a.withDefaults("")
	var fe fieldErrors
	if !dns1123Label.MatchString(a.Namespace) {
		fe.add("Namespace", a.Namespace, "must be a DNS-1123 label: 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit")
	}
	if a.Name != "" && !dns1123Subdomain.MatchString(a.Name) {
		fe.add("Name", a.Name, "must be a DNS-1123 subdomain: lowercase letters, digits, hyphens and dots")
	}
	for _, f := range []struct {
		field string
		in    pulumi.StringInput
	}{{"VaultName", a.VaultName}, {"TenantID", a.TenantID}, {"ClientID", a.ClientID}} {
		if f.in == nil {
			fe.add(f.field, nil, "is required")
		}
	}
	if len(a.Objects) == 0 {
		fe.add("Objects", "", "must name at least one object")
	}
	files := map[string]int{}
	for i, o := range a.Objects {
		field := fmt.Sprintf("Objects[%d]", i)
		for _, r := range CheckSecretName(o.Name) {
			fe.add(field+".Name", o.Name, r)
		}
		if _, ok := readerRoles[o.Type]; !ok {
			fe.add(field+".Type", string(o.Type), `must be "secret", "cert" or "key"`)
		}
		if o.Version != "" && !regexpHex32.MatchString(o.Version) {
			fe.add(field+".Version", o.Version, "must be a Key Vault version: 32 hexadecimal characters")
		}
		// The provider's rules (secrets-store-csi-driver-provider-azure
		// v1.7.0, pkg/provider/validate.go), stricter only in case.
		switch o.Format {
		case "", "pem":
		case "pfx":
			if o.Type != ObjectTypeSecret {
				fe.add(field+".Format", o.Format, `"pfx" is only supported for type "secret"`)
			}
		default:
			fe.add(field+".Format", o.Format, `must be "pem" or "pfx"`)
		}
		if o.Encoding != "" {
			if o.Type != ObjectTypeSecret {
				fe.add(field+".Encoding", o.Encoding, `is only supported for type "secret"`)
			} else if !slices.Contains([]string{"utf-8", "hex", "base64"}, o.Encoding) {
				fe.add(field+".Encoding", o.Encoding, `must be "utf-8", "hex" or "base64"`)
			}
		}
		file := o.FileName()
		switch {
		case filepath.IsAbs(file):
			fe.add(field+".Alias", file, "must be a relative file name")
		case strings.Contains(file, ".."):
			fe.add(field+".Alias", file, `must not contain ".."`)
		}
		if j, ok := files[file]; ok {
			fe.addf(field+".Alias", file, "file name already used by Objects[%d]: aliases must be unique", j)
		}
		files[file] = i
	}
	if a.SyncSecret != nil {
		if a.SyncSecret.SecretName != "" && !dns1123Subdomain.MatchString(a.SyncSecret.SecretName) {
			fe.add("SyncSecret.SecretName", a.SyncSecret.SecretName, "must be a DNS-1123 subdomain")
		}
		for i, o := range a.Objects {
			if strings.Contains(o.FileName(), "/") {
				fe.add(fmt.Sprintf("Objects[%d].Alias", i), o.FileName(), "must not contain \"/\" when SyncSecret is set: it becomes a Secret key")
			}
		}
	}
	if !strings.HasPrefix(a.MountPath, "/") {
		fe.add("MountPath", a.MountPath, "must be an absolute path")
	}
	return fe.err()
}

// RenderObjects renders the objects parameter in the exact nested form the
// Azure provider parses: a YAML document with one key, "array", whose items
// are themselves YAML documents, one per object. It uses a YAML library,
// never string concatenation (docs/azure-facts.md#secretproviderclass).
func RenderObjects(objects []SecretObject) (string, error) {
	type kvObject struct {
		ObjectName     string `yaml:"objectName"`
		ObjectType     string `yaml:"objectType"`
		ObjectVersion  string `yaml:"objectVersion,omitempty"`
		ObjectAlias    string `yaml:"objectAlias,omitempty"`
		ObjectFormat   string `yaml:"objectFormat,omitempty"`
		ObjectEncoding string `yaml:"objectEncoding,omitempty"`
	}
	var array struct {
		Array []string `yaml:"array"`
	}
	for _, o := range objects {
		b, err := yaml.Marshal(kvObject{o.Name, string(o.Type), o.Version, o.Alias, o.Format, o.Encoding})
		if err != nil {
			return "", err
		}
		array.Array = append(array.Array, string(b))
	}
	b, err := yaml.Marshal(array)
	return string(b), err
}

// NewSecretMount creates a SecretProviderClass that mounts objects of one
// vault with the workload identity's client ID. Invalid args register nothing.
func NewSecretMount(ctx *pulumi.Context, name string, args *SecretMountArgs, opts ...pulumi.ResourceOption) (*SecretMount, error) {
	if args == nil {
		args = &SecretMountArgs{}
	}
	a := args.withDefaults(name)
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating secret mount %q: %w", name, err)
	}
	objects, err := RenderObjects(a.Objects)
	if err != nil {
		return nil, fmt.Errorf("creating secret mount %q: rendering objects: %w", name, err)
	}
	m := &SecretMount{className: a.Name, mountPath: a.MountPath}
	if err := ctx.RegisterComponentResource(SecretMountType, name, m, opts...); err != nil {
		return nil, fmt.Errorf("creating secret mount %q: %w", name, err)
	}

	// Parameters are all strings, and their keys are case-sensitive.
	params := pulumi.StringMap{
		"usePodIdentity": pulumi.String("false"),
		"clientID":       a.ClientID,
		"keyvaultName":   a.VaultName,
		"tenantID":       a.TenantID, // not the deprecated tenantId
		"objects":        pulumi.String(objects),
	}
	if a.CloudName != "" {
		params["cloudName"] = pulumi.String(a.CloudName)
	}
	spec := pulumi.Map{"provider": pulumi.String("azure"), "parameters": params}
	if a.SyncSecret != nil {
		data := pulumi.Array{}
		for _, o := range a.Objects {
			data = append(data, pulumi.Map{"objectName": pulumi.String(o.FileName()), "key": pulumi.String(o.FileName())})
		}
		spec["secretObjects"] = pulumi.Array{pulumi.Map{
			"secretName": pulumi.String(a.SyncSecret.SecretName),
			"type":       pulumi.String(a.SyncSecret.Type),
			"data":       data,
		}}
	}
	class, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(azure.SecretProviderClassAPIVersion),
		Kind:       pulumi.String(azure.SecretProviderClassKind),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(a.Name),
			Namespace: pulumi.String(a.Namespace),
			Labels:    pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("pulumi"), "app.kubernetes.io/part-of": pulumi.String("secure-aks")},
		},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, childOptions(m, opts)...)
	if err != nil {
		return nil, fmt.Errorf("creating secret mount %q: %w", name, err)
	}

	m.Class = class
	m.ID = class.ID().ToStringOutput()
	m.Name = pulumi.String(a.Name).ToStringOutput()
	m.Namespace = pulumi.String(a.Namespace).ToStringOutput()
	m.MountPath = pulumi.String(a.MountPath).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"id":        m.ID,
		"name":      m.Name,
		"namespace": m.Namespace,
		"mountPath": m.MountPath,
	}); err != nil {
		return nil, fmt.Errorf("creating secret mount %q: registering outputs: %w", name, err)
	}
	return m, nil
}

// VolumeName is the name of the pod volume that mounts the class:
// secrets-store-CLASS, cut with a hash to a DNS-1123 label of 63 characters.
// It is unique per class, so that one pod can mount several (one per vault).
func (m *SecretMount) VolumeName() string {
	n := volumeNamePrefix + m.className
	if len(n) > 63 {
		n = strings.TrimRight(n[:54], "-.") + "-" + shortHash(8, m.className)
	}
	return strings.ReplaceAll(n, ".", "-")
}

// Volume is the pod volume that mounts the class: the Secrets Store CSI
// driver, read-only (required), named VolumeName.
func (m *SecretMount) Volume() *corev1.VolumeArgs {
	return &corev1.VolumeArgs{
		Name: pulumi.String(m.VolumeName()),
		Csi: &corev1.CSIVolumeSourceArgs{
			Driver:           pulumi.String(CSIDriver),
			ReadOnly:         pulumi.Bool(true),
			VolumeAttributes: pulumi.StringMap{"secretProviderClass": pulumi.String(m.className)},
		},
	}
}

// VolumeMount mounts Volume read-only at path, or at MountPath if path is
// empty. Mount the directory, not single files: subPath mounts are not
// refreshed by rotation.
func (m *SecretMount) VolumeMount(path string) *corev1.VolumeMountArgs {
	if path == "" {
		path = m.mountPath
	}
	return &corev1.VolumeMountArgs{
		Name:      pulumi.String(m.VolumeName()),
		MountPath: pulumi.String(path),
		ReadOnly:  pulumi.Bool(true),
	}
}
