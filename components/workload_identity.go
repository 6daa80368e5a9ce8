package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	managedidentity "github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2/v20230131"
	"github.com/pulumi/pulumi-azuread/sdk/v5/go/azuread"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// WorkloadIdentityType is the Pulumi type token of [WorkloadIdentity]. Never
// change it without pulumi.Aliases.
const WorkloadIdentityType = tokens.WorkloadIdentity

// IdentityKind is the kind of Entra identity a workload gets, spelled as the
// secure-aks:workloads configuration spells it (identity: managedIdentity).
type IdentityKind string

const (
	// IdentityKindManagedIdentity is a user-assigned managed identity with a
	// federated identity credential (ARM only, no Microsoft Graph rights
	// needed): the recommended path (docs/azure-facts.md#identity-and-federation).
	IdentityKindManagedIdentity IdentityKind = "managedIdentity"
	// IdentityKindApplication is an Entra application, its service principal
	// and an application federated credential (Microsoft Graph). The
	// walkthrough forgets the service principal, which leaves role
	// assignments nothing to point at.
	IdentityKindApplication IdentityKind = "application"
)

// ObjectType is the kind of Key Vault object a workload reads.
type ObjectType string

// The object types, as the Azure provider names them in objectType.
const (
	// ObjectTypeSecret is a Key Vault secret.
	ObjectTypeSecret ObjectType = "secret"
	// ObjectTypeCert is a Key Vault certificate (its public part).
	ObjectTypeCert ObjectType = "cert"
	// ObjectTypeKey is a Key Vault key (its public part).
	ObjectTypeKey ObjectType = "key"
)

// Workload identity constants (docs/azure-facts.md#identity-and-federation).
const (
	// DefaultAudience is the audience of Entra workload identity federation.
	DefaultAudience = azure.TokenExchangeAudience
	// ClientIDAnnotation and TenantIDAnnotation go on the service account.
	ClientIDAnnotation = azure.ClientIDAnnotation
	TenantIDAnnotation = "azure.workload.identity/tenant-id"
	// UseLabel must be on the pod template: the webhook mutates only pods
	// that carry it.
	UseLabel = "azure.workload.identity/use"
)

// readerRoles maps an object type to the role that reads it in RBAC mode.
var readerRoles = map[ObjectType]struct{ id, short string }{
	ObjectTypeSecret: {azure.RoleKeyVaultSecretsUser, "secrets-user"},
	ObjectTypeCert:   {azure.RoleKeyVaultCertificateUser, "certificate-user"},
	ObjectTypeKey:    {azure.RoleKeyVaultCryptoUser, "crypto-user"},
}

// ServiceAccountRef names a Kubernetes service account.
type ServiceAccountRef struct {
	// Namespace is a DNS-1123 label. Required. Changing it replaces the
	// credential that trusts it.
	Namespace string
	// Name is a DNS-1123 subdomain. Required. Changing it replaces the
	// credential that trusts it.
	Name string
}

// Subject is the federated credential subject for the service account:
// system:serviceaccount:NAMESPACE:NAME.
func (r ServiceAccountRef) Subject() string {
	return "system:serviceaccount:" + r.Namespace + ":" + r.Name
}

// VaultAccess is one vault a workload identity may read. Where the vault is
// made in the same program, build it with Vault.Access: the access policies
// of every workload on that vault are then written one after another
// (docs/azure-facts.md#key-vault-access-policies).
type VaultAccess struct {
	// VaultID is the vault's resource ID. Required. Role assignments are
	// scoped to exactly this ID: changing it replaces them.
	VaultID pulumi.StringInput
	// Authorization is the vault's mode (Vault.Authorization). Optional:
	// default RBAC. Changing it deletes the grants of one mode and creates
	// the other's.
	Authorization VaultAuthorization
	// ObjectTypes are the kinds of object to read. Required, at least one.
	// RBAC: one role per type (Secrets User, Certificate User, Crypto User).
	// Access policies: "get" on each type, nothing more (no "list"). A
	// changed type replaces that role assignment; a policy is changed in
	// place.
	ObjectTypes []ObjectType

	// policies is the vault's access-policy chain, when the VaultAccess
	// came from Vault.Access.
	policies *policyChain
}

// Access returns a VaultAccess for this vault that reads the given types.
// Access policies made from it are written after every other policy on
// the vault that this program writes through the Vault.
func (v *Vault) Access(types ...ObjectType) VaultAccess {
	return VaultAccess{VaultID: v.ID, Authorization: v.Authorization, ObjectTypes: types, policies: v.policies}
}

// WorkloadIdentityArgs configures a [WorkloadIdentity]. The zero value of
// every optional field selects the documented default.
//
// Pass the cluster's Kubernetes provider with pulumi.Providers in the
// options: the service account is created through it.
type WorkloadIdentityArgs struct {
	// Kind is IdentityKindManagedIdentity or IdentityKindApplication.
	// Optional: default IdentityKindManagedIdentity. Changing it deletes the
	// identity and creates one of the other kind, with a new client ID.
	Kind IdentityKind
	// ResourceGroupName holds the managed identity. Required for
	// ManagedIdentity. For Application, optional: it goes into the hash of
	// the default display name, so that two stacks of one name in two
	// resource groups are told apart. Changing it replaces the managed
	// identity, or renames the application in place.
	ResourceGroupName pulumi.StringInput
	// Location of the managed identity. Optional: the provider's default.
	// Changing it replaces the managed identity.
	Location pulumi.StringPtrInput
	// Name is the managed identity's name (3-128 letters, digits, hyphens and
	// underscores, starting with a letter or digit; changing it replaces the
	// identity) or the application's display name (at most 256 characters;
	// changed in place). Optional: a managed identity is auto-named from the
	// component name with a random suffix; an application is named
	// PROJECT-STACK-COMPONENT-HASH, with 8 hex characters of a hash of
	// ResourceGroupName, project, stack and component, cut to 256 characters
	// (docs/azure-facts.md#other-name-limits).
	Name string
	// OIDCIssuerURL is the cluster's OIDC issuer URL (Cluster.OIDCIssuerURL),
	// used verbatim as the federated credentials' issuer. Required. Changed
	// in place.
	OIDCIssuerURL pulumi.StringInput
	// Namespace of the service account: a DNS-1123 label. Required. Changing
	// it replaces the service account and its federated credential.
	Namespace string
	// ServiceAccountName: a DNS-1123 subdomain. Required. Changing it
	// replaces the service account and its federated credential.
	ServiceAccountName string
	// ServiceAccountDependsOn are resources the service account waits for,
	// such as a namespace the caller creates for it. Optional. Only the
	// service account waits for them: the Azure identity, its credentials
	// and grants do not, so they are made while the cluster is still being
	// created. A dependency given to the component itself
	// (pulumi.DependsOn) holds up every child instead. A change affects the
	// order of creation only: it is made in place.
	ServiceAccountDependsOn []pulumi.Resource
	// CreateNamespace creates Namespace. Default false: it must exist.
	// Turning it on creates it; changing it deletes the namespace and
	// everything in it when turned off.
	CreateNamespace bool
	// AdditionalSubjects federates more service accounts (created elsewhere)
	// with the same identity, keyed by a stable name (a DNS-1123 label).
	// Optional. Their credentials are written one after another: ARM answers
	// 409 to concurrent writes on one identity. At most 19, for Azure's 20
	// credentials per identity. Adding an entry never touches the others; a
	// changed service account replaces that entry's credential.
	AdditionalSubjects map[string]ServiceAccountRef
	// Audiences of the federated credentials. Default
	// ["api://AzureADTokenExchange"]. If given, not empty and no empty entry.
	// Changed in place.
	Audiences []string
	// VaultAccess grants read access to vaults, keyed by a stable name.
	// Optional. Adding an entry never touches the others; a changed vault or
	// object type replaces that entry's grants.
	VaultAccess map[string]VaultAccess
	// Labels are added to the service account's labels. Optional. Changed in
	// place.
	Labels map[string]string
	// Tags are set on the managed identity. Optional. Changed in place.
	Tags map[string]string
}

// WorkloadIdentity is an Entra identity federated to a Kubernetes service
// account and granted read access to vaults.
type WorkloadIdentity struct {
	pulumi.ResourceState

	// ID identifies the identity: the managed identity's Azure resource ID,
	// or the Entra application's Microsoft Graph ID (/applications/OBJECT_ID).
	ID pulumi.StringOutput
	// ClientID is the identity's client (application) ID: the service
	// account annotation and the SecretProviderClass clientID.
	ClientID pulumi.StringOutput
	// PrincipalID is the object ID that role assignments name.
	PrincipalID pulumi.StringOutput
	// TenantID is the identity's tenant.
	TenantID pulumi.StringOutput
	// Namespace and ServiceAccountName name the service account.
	Namespace          pulumi.StringOutput
	ServiceAccountName pulumi.StringOutput
	// Subject is the primary credential's subject.
	Subject pulumi.StringOutput
	// ServiceAccount is the annotated service account, for pulumi.DependsOn.
	ServiceAccount pulumi.Resource

	// ready are the resources a pod needs before it starts; see Ready.
	ready []pulumi.Resource
}

// PodLabels are the labels the pod template of a pod that runs as this
// identity needs: the workload identity webhook mutates only pods labelled
// azure.workload.identity/use=true (docs/azure-facts.md#identity-and-federation).
func (w *WorkloadIdentity) PodLabels() pulumi.StringMap {
	return pulumi.StringMap{UseLabel: pulumi.String("true")}
}

// Ready returns the resources a pod that uses this identity should wait for
// (pulumi.DependsOn): the service account, whose annotation the webhook reads
// when the pod is created, the federated credentials and the vault grants.
// Depending on these, rather than on the component, names every one of them
// explicitly.
func (w *WorkloadIdentity) Ready() []pulumi.Resource {
	return slices.Clone(w.ready)
}

var (
	dns1123Label     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)
	identityName     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$`)
)

func (a WorkloadIdentityArgs) withDefaults() WorkloadIdentityArgs {
	if a.Kind == "" {
		a.Kind = IdentityKindManagedIdentity
	}
	if a.Audiences == nil {
		a.Audiences = []string{DefaultAudience}
	}
	return a
}

// Validate applies the defaults to a copy of a and checks every rule. It
// returns all broken rules joined, each a *[FieldError], or nil.
func (a WorkloadIdentityArgs) Validate() error {
	a = a.withDefaults()
	var fe fieldErrors
	if a.Kind != IdentityKindManagedIdentity && a.Kind != IdentityKindApplication {
		fe.addf("Kind", string(a.Kind), "must be %q or %q", IdentityKindManagedIdentity, IdentityKindApplication)
	}
	if a.Kind == IdentityKindManagedIdentity && a.ResourceGroupName == nil {
		fe.add("ResourceGroupName", nil, "is required for a managed identity")
	}
	if a.Name != "" && a.Kind == IdentityKindManagedIdentity && !identityName.MatchString(a.Name) {
		fe.add("Name", a.Name, "must be 3-128 letters, digits, hyphens or underscores, starting with a letter or digit")
	}
	if a.Kind == IdentityKindApplication && len(a.Name) > azure.MaxApplicationDisplayNameLength {
		fe.addf("Name", a.Name, "must be at most %d characters: Entra's limit on a display name", azure.MaxApplicationDisplayNameLength)
	}
	if a.OIDCIssuerURL == nil {
		fe.add("OIDCIssuerURL", nil, "is required: pass the cluster's OIDCIssuerURL")
	}
	checkServiceAccount(&fe, "", ServiceAccountRef{Namespace: a.Namespace, Name: a.ServiceAccountName})
	if n := 1 + len(a.AdditionalSubjects); n > azure.MaxFederatedCredentials {
		fe.addf("AdditionalSubjects", len(a.AdditionalSubjects), "must hold at most %d: Azure allows %d federated credentials per identity", azure.MaxFederatedCredentials-1, azure.MaxFederatedCredentials)
	}
	subjects := map[string]string{a.Namespace + "/" + a.ServiceAccountName: "the primary service account"}
	for _, k := range sortedKeys(a.AdditionalSubjects) {
		ref := a.AdditionalSubjects[k]
		if !dns1123Label.MatchString(k) {
			fe.add("AdditionalSubjects", k, "keys must be DNS-1123 labels: they name the credentials")
		}
		checkServiceAccount(&fe, "AdditionalSubjects."+k+".", ref)
		if prev, ok := subjects[ref.Namespace+"/"+ref.Name]; ok {
			fe.addf("AdditionalSubjects."+k, ref.Namespace+"/"+ref.Name, "repeats %s", prev)
		}
		subjects[ref.Namespace+"/"+ref.Name] = "AdditionalSubjects." + k
	}
	if len(a.Audiences) == 0 {
		fe.add("Audiences", "", "must not be empty")
	}
	for i, aud := range a.Audiences {
		if strings.TrimSpace(aud) == "" {
			fe.add(fmt.Sprintf("Audiences[%d]", i), aud, "must not be empty")
		}
	}
	for _, k := range sortedKeys(a.VaultAccess) {
		va := a.VaultAccess[k]
		field := "VaultAccess." + k
		if !dns1123Label.MatchString(k) {
			fe.add("VaultAccess", k, "keys must be DNS-1123 labels: they name the grants")
		}
		if va.VaultID == nil {
			fe.add(field+".VaultID", nil, "is required")
		}
		if va.Authorization != "" && va.Authorization != VaultAuthorizationRBAC && va.Authorization != VaultAuthorizationAccessPolicy {
			fe.addf(field+".Authorization", string(va.Authorization), "must be %q or %q", VaultAuthorizationRBAC, VaultAuthorizationAccessPolicy)
		}
		if len(va.ObjectTypes) == 0 {
			fe.add(field+".ObjectTypes", "", "must name at least one of secret, cert, key")
		}
		for i, t := range va.ObjectTypes {
			if _, ok := readerRoles[t]; !ok {
				fe.add(fmt.Sprintf("%s.ObjectTypes[%d]", field, i), string(t), `must be "secret", "cert" or "key"`)
			}
		}
	}
	checkTags(&fe, "Tags", a.Tags)
	return fe.err()
}

func checkServiceAccount(fe *fieldErrors, prefix string, ref ServiceAccountRef) {
	if !dns1123Label.MatchString(ref.Namespace) {
		fe.add(prefix+"Namespace", ref.Namespace, "must be a DNS-1123 label: 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit")
	}
	name := "ServiceAccountName"
	if prefix != "" {
		name = "Name"
	}
	if !dns1123Subdomain.MatchString(ref.Name) {
		fe.add(prefix+name, ref.Name, "must be a DNS-1123 subdomain: 1-253 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit")
	}
}

// credentialName is the Azure name of the credential for one subject:
// 3-120 letters, digits, hyphens and underscores.
func credentialName(ref ServiceAccountRef) string {
	n := "sa-" + strings.ReplaceAll(ref.Namespace+"-"+ref.Name, ".", "-")
	if len(n) > 120 {
		n = n[:111] + "-" + shortHash(8, ref.Namespace, ref.Name)
	}
	return n
}

// subject is one service account a credential trusts; key names the
// credential ("" for the primary service account).
type subject struct {
	key string
	ref ServiceAccountRef
}

// subjects are the primary service account, then AdditionalSubjects by key.
func (a WorkloadIdentityArgs) subjects() []subject {
	out := []subject{{"", ServiceAccountRef{Namespace: a.Namespace, Name: a.ServiceAccountName}}}
	for _, k := range sortedKeys(a.AdditionalSubjects) {
		out = append(out, subject{k, a.AdditionalSubjects[k]})
	}
	return out
}

// federate writes one credential per subject with create, each waiting for
// the one before it: ARM rejects concurrent credential writes on one
// identity with 409
// ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity
// (docs/azure-facts.md#other-name-limits).
func (a WorkloadIdentityArgs) federate(name string, w *WorkloadIdentity, child []pulumi.ResourceOption, create func(name string, ref ServiceAccountRef, opts ...pulumi.ResourceOption) (pulumi.Resource, error)) error {
	var previous pulumi.Resource
	for _, s := range a.subjects() {
		opts := slices.Clone(child)
		if previous != nil {
			opts = append(opts, pulumi.DependsOn([]pulumi.Resource{previous}))
		}
		credential := name + "-fic"
		if s.key != "" {
			credential += "-" + s.key
		}
		fic, err := create(credential, s.ref, opts...)
		if err != nil {
			return err
		}
		previous = fic
		w.ready = append(w.ready, fic)
	}
	return nil
}

// managedIdentity creates a user-assigned managed identity and its federated
// credentials: ARM only, no Microsoft Graph rights needed.
func (a WorkloadIdentityArgs) managedIdentity(ctx *pulumi.Context, name string, w *WorkloadIdentity, child []pulumi.ResourceOption) error {
	idArgs := &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: a.ResourceGroupName,
		Location:          a.Location,
		Tags:              toStringMap(a.Tags),
	}
	if a.Name != "" {
		idArgs.ResourceName = pulumi.String(a.Name)
	}
	id, err := managedidentity.NewUserAssignedIdentity(ctx, name, idArgs, child...)
	if err != nil {
		return err
	}
	audiences := pulumi.ToStringArray(a.Audiences)
	err = a.federate(name, w, child, func(n string, ref ServiceAccountRef, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
		return managedidentity.NewFederatedIdentityCredential(ctx, n, &managedidentity.FederatedIdentityCredentialArgs{
			ResourceGroupName:                       a.ResourceGroupName,
			ResourceName:                            id.Name,
			FederatedIdentityCredentialResourceName: pulumi.String(credentialName(ref)),
			Issuer:                                  a.OIDCIssuerURL,
			Subject:                                 pulumi.String(ref.Subject()),
			Audiences:                               audiences,
		}, opts...)
	})
	if err != nil {
		return err
	}
	w.ID = id.ID().ToStringOutput()
	w.ClientID, w.PrincipalID, w.TenantID = id.ClientId, id.PrincipalId, id.TenantId
	return nil
}

// application creates an Entra application, its service principal (what
// role assignments and access policies point at; the walkthrough never
// creates it: docs/azure-facts.md#identity-and-federation) and the
// application's federated credentials, through Microsoft Graph.
func (a WorkloadIdentityArgs) application(ctx *pulumi.Context, name string, w *WorkloadIdentity, child []pulumi.ResourceOption) error {
	var displayName pulumi.StringInput = pulumi.String(a.Name)
	if a.Name == "" {
		project, stack := ctx.Project(), ctx.Stack()
		var rg pulumi.StringInput = pulumi.String("")
		if a.ResourceGroupName != nil {
			rg = a.ResourceGroupName
		}
		displayName = rg.ToStringOutput().ApplyT(func(rg string) string {
			return applicationDisplayName(rg, project, stack, name)
		}).(pulumi.StringOutput)
	}
	// The identity the azuread provider runs as owns what it creates. On
	// create, the provider makes its caller an owner and removes it again
	// unless owners lists it; a deployer with Application.ReadWrite.OwnedBy
	// or the Application Developer role then gets 403 on the next write,
	// the federated credential (docs/azure-facts.md#entra-application-owners).
	// The caller comes from the azuread provider the component is created
	// with, not from azure-native's.
	owners := pulumi.StringArray{azuread.GetClientConfigOutput(ctx, pulumi.Parent(w)).ObjectId()}
	app, err := azuread.NewApplication(ctx, name, &azuread.ApplicationArgs{DisplayName: displayName, Owners: owners}, child...)
	if err != nil {
		return err
	}
	sp, err := azuread.NewServicePrincipal(ctx, name, &azuread.ServicePrincipalArgs{ClientId: app.ClientId, Owners: owners}, child...)
	if err != nil {
		return err
	}
	audiences := pulumi.ToStringArray(a.Audiences)
	err = a.federate(name, w, child, func(n string, ref ServiceAccountRef, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
		return azuread.NewApplicationFederatedIdentityCredential(ctx, n, &azuread.ApplicationFederatedIdentityCredentialArgs{
			ApplicationId: app.ID().ToStringOutput(),
			DisplayName:   pulumi.String(credentialName(ref)),
			Issuer:        a.OIDCIssuerURL,
			Subject:       pulumi.String(ref.Subject()),
			Audiences:     audiences,
		}, opts...)
	})
	if err != nil {
		return err
	}
	w.ID = app.ID().ToStringOutput()
	w.ClientID, w.PrincipalID, w.TenantID = app.ClientId, sp.ObjectId, sp.ApplicationTenantId
	return nil
}

// NewWorkloadIdentity creates an identity, federates it to the service
// account (and AdditionalSubjects), grants it read access to the vaults in
// VaultAccess, and creates the annotated service account. Invalid args
// register nothing.
func NewWorkloadIdentity(ctx *pulumi.Context, name string, args *WorkloadIdentityArgs, opts ...pulumi.ResourceOption) (*WorkloadIdentity, error) {
	if args == nil {
		args = &WorkloadIdentityArgs{}
	}
	a := args.withDefaults()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("creating workload identity %q: %w", name, err)
	}
	w := &WorkloadIdentity{}
	if err := ctx.RegisterComponentResource(WorkloadIdentityType, name, w, opts...); err != nil {
		return nil, fmt.Errorf("creating workload identity %q: %w", name, err)
	}
	wrap := func(err error) error { return fmt.Errorf("creating workload identity %q: %w", name, err) }
	child := childOptions(w, opts)

	primary := ServiceAccountRef{Namespace: a.Namespace, Name: a.ServiceAccountName}
	var err error
	switch a.Kind {
	case IdentityKindManagedIdentity:
		err = a.managedIdentity(ctx, name, w, child)
	case IdentityKindApplication:
		err = a.application(ctx, name, w, child)
	}
	if err != nil {
		return nil, wrap(err)
	}

	for _, k := range sortedKeys(a.VaultAccess) {
		if err := grantVaultRead(ctx, name+"-"+k, a.VaultAccess[k], w, child); err != nil {
			return nil, wrap(err)
		}
	}

	saOpts := slices.Clone(child)
	if len(a.ServiceAccountDependsOn) > 0 {
		saOpts = append(saOpts, pulumi.DependsOn(a.ServiceAccountDependsOn))
	}
	if a.CreateNamespace {
		ns, err := corev1.NewNamespace(ctx, name+"-ns", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(a.Namespace), Labels: toStringMap(a.labels(name))},
		}, child...)
		if err != nil {
			return nil, wrap(err)
		}
		saOpts = append(saOpts, pulumi.DependsOn([]pulumi.Resource{ns}))
	}
	sa, err := corev1.NewServiceAccount(ctx, name+"-sa", &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(a.ServiceAccountName),
			Namespace: pulumi.String(a.Namespace),
			Labels:    toStringMap(a.labels(name)),
			Annotations: pulumi.StringMap{
				ClientIDAnnotation: w.ClientID,
				TenantIDAnnotation: w.TenantID,
			},
		},
	}, saOpts...)
	if err != nil {
		return nil, wrap(err)
	}

	w.ServiceAccount = sa
	w.ready = append(w.ready, sa)
	w.Namespace = pulumi.String(a.Namespace).ToStringOutput()
	w.ServiceAccountName = pulumi.String(a.ServiceAccountName).ToStringOutput()
	w.Subject = pulumi.String(primary.Subject()).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{
		"id":                 w.ID,
		"clientId":           w.ClientID,
		"principalId":        w.PrincipalID,
		"tenantId":           w.TenantID,
		"namespace":          w.Namespace,
		"serviceAccountName": w.ServiceAccountName,
		"subject":            w.Subject,
	}); err != nil {
		return nil, wrap(fmt.Errorf("registering outputs: %w", err))
	}
	return w, nil
}

func (a WorkloadIdentityArgs) labels(name string) map[string]string {
	l := map[string]string{
		"app.kubernetes.io/name":       name,
		"app.kubernetes.io/managed-by": "pulumi",
		"app.kubernetes.io/part-of":    "secure-aks",
	}
	for k, v := range a.Labels {
		l[k] = v
	}
	return l
}

// grantVaultRead gives the identity read access to one vault: in RBAC mode a
// role assignment per object type, scoped to the vault; with access policies
// one policy with "get" on each object type.
func grantVaultRead(ctx *pulumi.Context, name string, va VaultAccess, w *WorkloadIdentity, child []pulumi.ResourceOption) error {
	types := slices.Clone(va.ObjectTypes)
	slices.Sort(types)
	types = slices.Compact(types)
	vaultID := va.VaultID.ToStringOutput()
	if va.Authorization == VaultAuthorizationAccessPolicy {
		perms := &keyvaultPermissions{}
		for _, t := range types {
			perms.add(t)
		}
		policy, err := newAccessPolicy(ctx, name+"-policy", vaultID, va.policies, w.TenantID, w.PrincipalID, perms, child...)
		if err != nil {
			return err
		}
		w.ready = append(w.ready, policy)
		return nil
	}
	for _, t := range types {
		role := readerRoles[t]
		ra, err := newRoleAssignment(ctx, name+"-"+role.short, vaultID, w.PrincipalID, PrincipalTypeServicePrincipal, role.id, child...)
		if err != nil {
			return err
		}
		w.ready = append(w.ready, ra)
	}
	return nil
}
