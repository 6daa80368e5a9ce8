package provider

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/secure-aks/secure-aks/components"
)

// WorkloadIdentityArgs are components.WorkloadIdentityArgs as schema
// properties. Each field's meaning, default and rules are the library's; see
// its docs. The service account goes through the Kubernetes provider given
// in the resource options (providers: {kubernetes: ...}).
type WorkloadIdentityArgs struct {
	Kind               *IdentityKind                `pulumi:"kind,optional"`
	ResourceGroupName  pulumi.StringInput           `pulumi:"resourceGroupName,optional"`
	Location           pulumi.StringInput           `pulumi:"location,optional"`
	Name               string                       `pulumi:"name,optional"`
	OIDCIssuerURL      pulumi.StringInput           `pulumi:"oidcIssuerUrl"`
	Namespace          string                       `pulumi:"namespace"`
	ServiceAccountName string                       `pulumi:"serviceAccountName"`
	CreateNamespace    bool                         `pulumi:"createNamespace,optional"`
	AdditionalSubjects map[string]ServiceAccountRef `pulumi:"additionalSubjects,optional"`
	Audiences          []string                     `pulumi:"audiences,optional"`
	VaultAccess        map[string]VaultAccess       `pulumi:"vaultAccess,optional"`
	Labels             map[string]string            `pulumi:"labels,optional"`
	Tags               map[string]string            `pulumi:"tags,optional"`
}

// ServiceAccountRef is components.ServiceAccountRef.
type ServiceAccountRef struct {
	Namespace string `pulumi:"namespace"`
	Name      string `pulumi:"name"`
}

// VaultAccess is components.VaultAccess: read access to one vault.
//
// Authorization is plain in the library, because it decides what is made
// (role assignments or access policies). Here it takes an Output too, as
// the platform's vaultAuthorization output is one in every other
// language: construct reads its value, which a stack reference or a
// literal knows even in a preview, and refuses an unknown one by name.
type VaultAccess struct {
	VaultID       pulumi.StringInput `pulumi:"vaultId"`
	Authorization pulumi.StringInput `pulumi:"authorization,optional"`
	ObjectTypes   []ObjectType       `pulumi:"objectTypes,optional"`
}

// WorkloadIdentity is components.WorkloadIdentity with its outputs as schema
// properties.
type WorkloadIdentity struct {
	*components.WorkloadIdentity
	IdentityID         pulumi.StringOutput    `pulumi:"identityId"`
	ClientID           pulumi.StringOutput    `pulumi:"clientId"`
	PrincipalID        pulumi.StringOutput    `pulumi:"principalId"`
	TenantID           pulumi.StringOutput    `pulumi:"tenantId"`
	Namespace          pulumi.StringOutput    `pulumi:"namespace"`
	ServiceAccountName pulumi.StringOutput    `pulumi:"serviceAccountName"`
	Subject            pulumi.StringOutput    `pulumi:"subject"`
	PodLabels          pulumi.StringMapOutput `pulumi:"podLabels"`
}

// NewWorkloadIdentity wraps components.NewWorkloadIdentity.
func NewWorkloadIdentity(ctx *pulumi.Context, name string, args WorkloadIdentityArgs, opts ...pulumi.ResourceOption) (*WorkloadIdentity, error) {
	var subjects map[string]components.ServiceAccountRef
	if args.AdditionalSubjects != nil {
		subjects = map[string]components.ServiceAccountRef{}
		for k, s := range args.AdditionalSubjects {
			subjects[k] = components.ServiceAccountRef{Namespace: s.Namespace, Name: s.Name}
		}
	}
	var access map[string]components.VaultAccess
	if args.VaultAccess != nil {
		access = map[string]components.VaultAccess{}
		for k, a := range args.VaultAccess {
			types := make([]components.ObjectType, len(a.ObjectTypes))
			for i, t := range a.ObjectTypes {
				types[i] = components.ObjectType(t)
			}
			auth, err := known(ctx, a.Authorization, "vaultAccess."+k+".authorization")
			if err != nil {
				return nil, fmt.Errorf("workload identity %q: %w", name, err)
			}
			access[k] = components.VaultAccess{VaultID: a.VaultID, Authorization: components.VaultAuthorization(auth), ObjectTypes: types}
		}
	}
	lib := components.WorkloadIdentityArgs{
		Kind:               components.IdentityKind(enum(args.Kind)),
		ResourceGroupName:  args.ResourceGroupName,
		Location:           stringPtr(args.Location),
		Name:               args.Name,
		OIDCIssuerURL:      args.OIDCIssuerURL,
		Namespace:          args.Namespace,
		ServiceAccountName: args.ServiceAccountName,
		CreateNamespace:    args.CreateNamespace,
		AdditionalSubjects: subjects,
		Audiences:          args.Audiences,
		VaultAccess:        access,
		Labels:             args.Labels,
		Tags:               args.Tags,
	}
	if err := validate("workload identity", name, lib, args); err != nil {
		return nil, err
	}
	w, err := components.NewWorkloadIdentity(ctx, name, &lib, opts...)
	if err != nil {
		return nil, err
	}
	return &WorkloadIdentity{
		WorkloadIdentity:   w,
		IdentityID:         w.ID,
		ClientID:           w.ClientID,
		PrincipalID:        w.PrincipalID,
		TenantID:           w.TenantID,
		Namespace:          w.Namespace,
		ServiceAccountName: w.ServiceAccountName,
		Subject:            w.Subject,
		PodLabels:          w.PodLabels().ToStringMapOutput(),
	}, nil
}

// known is the value of an input the library takes plain: "" for none.
// An input's value has arrived with the Construct request, so awaiting it
// does not wait on anything; a value unknown in this preview is refused,
// naming the property, because it decides which resources exist.
func known(ctx *pulumi.Context, in pulumi.StringInput, property string) (string, error) {
	if in == nil {
		return "", nil
	}
	res, err := internals.UnsafeAwaitOutput(ctx.Context(), in.ToStringOutput())
	if err != nil {
		return "", fmt.Errorf("%s: %w", property, err)
	}
	if !res.Known {
		return "", fmt.Errorf("%s is not known yet: it decides which resources are made (role assignments or access policies), so give a value known in a preview, such as a stack reference's output or a literal", property)
	}
	s, _ := res.Value.(string)
	return s, nil
}
