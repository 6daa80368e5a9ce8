package provider

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
)

// SecretMountArgs are components.SecretMountArgs as schema properties. Each
// field's meaning, default and rules are the library's; see its docs. The
// SecretProviderClass goes through the Kubernetes provider given in the
// resource options.
type SecretMountArgs struct {
	Namespace  string             `pulumi:"namespace"`
	Name       string             `pulumi:"name,optional"`
	VaultName  pulumi.StringInput `pulumi:"vaultName"`
	TenantID   pulumi.StringInput `pulumi:"tenantId"`
	ClientID   pulumi.StringInput `pulumi:"clientId"`
	Objects    []SecretObject     `pulumi:"objects"`
	SyncSecret *SyncSecret        `pulumi:"syncSecret,optional"`
	MountPath  string             `pulumi:"mountPath,optional"`
	CloudName  string             `pulumi:"cloudName,optional"`
}

// SecretObject is components.SecretObject: one vault object to mount.
type SecretObject struct {
	Name     string      `pulumi:"name"`
	Type     *ObjectType `pulumi:"type,optional"`
	Version  string      `pulumi:"version,optional"`
	Alias    string      `pulumi:"alias,optional"`
	Format   string      `pulumi:"format,optional"`
	Encoding string      `pulumi:"encoding,optional"`
}

// SyncSecret is components.SyncSecret.
type SyncSecret struct {
	SecretName string `pulumi:"secretName,optional"`
	Type       string `pulumi:"type,optional"`
}

// SecretMount is components.SecretMount with its outputs as schema
// properties: what a pod spec needs to mount the class.
type SecretMount struct {
	*components.SecretMount
	SecretProviderClassID pulumi.StringOutput `pulumi:"secretProviderClassId"`
	Name                  pulumi.StringOutput `pulumi:"name"`
	Namespace             pulumi.StringOutput `pulumi:"namespace"`
	MountPath             pulumi.StringOutput `pulumi:"mountPath"`
	VolumeName            pulumi.StringOutput `pulumi:"volumeName"`
}

// NewSecretMount wraps components.NewSecretMount.
func NewSecretMount(ctx *pulumi.Context, name string, args SecretMountArgs, opts ...pulumi.ResourceOption) (*SecretMount, error) {
	objects := make([]components.SecretObject, len(args.Objects))
	for i, o := range args.Objects {
		objects[i] = components.SecretObject{Name: o.Name, Type: components.ObjectType(enum(o.Type)), Version: o.Version, Alias: o.Alias, Format: o.Format, Encoding: o.Encoding}
	}
	var sync *components.SyncSecret
	if args.SyncSecret != nil {
		sync = &components.SyncSecret{SecretName: args.SyncSecret.SecretName, Type: args.SyncSecret.Type}
	}
	lib := components.SecretMountArgs{
		Namespace:  args.Namespace,
		Name:       args.Name,
		VaultName:  args.VaultName,
		TenantID:   args.TenantID,
		ClientID:   args.ClientID,
		Objects:    objects,
		SyncSecret: sync,
		MountPath:  args.MountPath,
		CloudName:  args.CloudName,
	}
	// The class is named after the resource unless name is given: validate
	// that name, and say where it came from, so that a YAML resource called
	// ordersSecrets learns why "ordersSecrets" is refused.
	defaulted := lib.Name == ""
	if defaulted {
		lib.Name = name
	}
	if err := validate("secret mount", name, lib, args); err != nil {
		if defaulted && strings.Contains(err.Error(), fmt.Sprintf("name %q", name)) {
			err = fmt.Errorf("%w\nname is not set, so the class takes the resource's name %q: set name to a DNS-1123 subdomain (orders-secrets), or rename the resource", err, name)
		}
		return nil, err
	}
	m, err := components.NewSecretMount(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &SecretMount{
		SecretMount:           m,
		SecretProviderClassID: m.ID,
		Name:                  m.Name,
		Namespace:             m.Namespace,
		MountPath:             m.MountPath,
		VolumeName:            pulumi.String(m.VolumeName()).ToStringOutput(),
	}, nil
}
