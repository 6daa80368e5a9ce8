package stacks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/internal/tokens"
)

// WorkloadConfig is one entry of secure-aks:workloads: a service account
// federated to an Azure identity, and a SecretProviderClass for the vault.
type WorkloadConfig struct {
	// Name is a DNS-1123 label, unique among workloads. Required.
	Name string `json:"name"`
	// Namespace of the service account and the class. Default "default".
	Namespace string `json:"namespace"`
	// CreateNamespace creates Namespace. Default false. A namespace that
	// several workloads share is created once, and each of them waits for it.
	CreateNamespace bool `json:"createNamespace"`
	// ServiceAccount is the service account's name. Default: Name.
	ServiceAccount string `json:"serviceAccount"`
	// Identity is "managedIdentity" (default) or "application": a
	// components.IdentityKind.
	Identity string `json:"identity"`
	// Objects are the vault objects to mount. Required, at least one.
	Objects []ObjectConfig `json:"objects"`
	// SyncSecret mirrors the objects into a Kubernetes Secret. Default false.
	SyncSecret bool `json:"syncSecret"`
	// Sample deploys the walkthrough's busybox reader. Default false.
	Sample bool `json:"sample"`
}

// ObjectConfig is one vault object a workload mounts.
type ObjectConfig struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Alias    string `json:"alias"`
	Version  string `json:"version"`
	Format   string `json:"format"`
	Encoding string `json:"encoding"`
	// Existing declares an object that this stack does not write: it is in
	// the vault already. Secrets not declared existing must be listed in
	// vault.secretNames; certificates and keys are always existing.
	Existing bool `json:"existing"`
}

// SampleImage is the image of the walkthrough's reader. With a registry
// (secure-aks:registry) the sample pulls it from there, as
// REGISTRY.azurecr.io/busybox:1.36: import it first with `az acr import`.
const SampleImage = "busybox:1.36"

// sampleImage is SampleImage, from the stack's registry when it has one.
func (p *Platform) sampleImage() pulumi.StringInput {
	if p.RegistryLoginServer == nil {
		return pulumi.String(SampleImage)
	}
	return pulumi.Sprintf("%s/%s", p.RegistryLoginServer, SampleImage)
}

// SampleReadyTimeout is how long `pulumi up` waits for the sample
// Deployment to become ready: the 10 minutes a new role assignment may take
// to reach Key Vault, plus the kubelet's mount retries.
const SampleReadyTimeout = "20m"

// sampleUserID is the sample's user and group: nobody (65534), not root.
const sampleUserID = 65534

var workloadName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

func (w WorkloadConfig) withDefaults() WorkloadConfig {
	if w.Namespace == "" {
		w.Namespace = "default"
	}
	if w.ServiceAccount == "" {
		w.ServiceAccount = w.Name
	}
	if w.Identity == "" {
		w.Identity = string(components.IdentityKindManagedIdentity)
	}
	return w
}

// kind is the identity's kind: configuration and Go spell it the same.
func (w WorkloadConfig) kind() components.IdentityKind {
	return components.IdentityKind(w.Identity)
}

func (w WorkloadConfig) objects() []components.SecretObject {
	out := make([]components.SecretObject, len(w.Objects))
	for i, o := range w.Objects {
		out[i] = components.SecretObject{Name: o.Name, Type: components.ObjectType(o.Type), Alias: o.Alias, Version: o.Version, Format: o.Format, Encoding: o.Encoding}
	}
	return out
}

// objectNames lists the vault objects the workload mounts.
func (w WorkloadConfig) objectNames() []string {
	out := make([]string, len(w.Objects))
	for i, o := range w.Objects {
		out[i] = o.Name
	}
	return out
}

// objectTypes lists the distinct object types the workload reads.
func (w WorkloadConfig) objectTypes() []components.ObjectType {
	var types []components.ObjectType
	for _, o := range w.objects() {
		t := o.Type
		if t == "" {
			t = components.ObjectTypeSecret
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return types
}

// validateWorkloads checks the workloads against each other, the vault's
// secrets and the components' own rules, naming configuration keys.
func (c *Config) validateWorkloads() error {
	var errs []error
	seen := map[string]int{}
	accounts := map[string]int{}
	for i, w := range c.Workloads {
		at := fmt.Sprintf("workloads[%d]", i)
		nameTaken := false
		if !workloadName.MatchString(w.Name) {
			errs = append(errs, fmt.Errorf("%s %q: must be a DNS-1123 label: 1-63 lowercase letters, digits and hyphens", key(at+".name"), w.Name))
		} else if j, ok := seen[w.Name]; ok {
			nameTaken = true
			errs = append(errs, fmt.Errorf("%s %q: already used by %s", key(at+".name"), w.Name, key(fmt.Sprintf("workloads[%d]", j))))
		}
		seen[w.Name] = i
		// Each workload creates its service account: two on one account
		// would both create it, and `pulumi up` fails on "already exists".
		// (A repeated name is reported above, not again as its account.)
		account := w.Namespace + "/" + w.ServiceAccount
		if j, ok := accounts[account]; ok && !nameTaken {
			errs = append(errs, fmt.Errorf("%s %q: %s already creates service account %q in namespace %q: give each workload its own service account",
				key(at+".serviceAccount"), w.ServiceAccount, key(fmt.Sprintf("workloads[%d].serviceAccount", j)), w.ServiceAccount, w.Namespace))
		} else if !ok {
			accounts[account] = i
		}
		for j, o := range w.Objects {
			okey := key(fmt.Sprintf("%s.objects[%d]", at, j))
			switch {
			case o.Existing:
			case o.Type == "" || o.Type == string(components.ObjectTypeSecret):
				if !slices.Contains(c.Vault.SecretNames, o.Name) {
					errs = append(errs, fmt.Errorf("%s.name %q: is not in %s: add it there, or declare it existing: true", okey, o.Name, key("vault.secretNames")))
				}
			default:
				errs = append(errs, fmt.Errorf("%s.type %q: this stack writes only secrets: declare the %s existing: true", okey, o.Type, o.Type))
			}
		}
		wi := c.identityArgs(w, pulumi.String(""), pulumi.String(""), &components.Vault{Authorization: c.vaultAuthorization()})
		// The stack derives VaultAccess from the objects, whose types the
		// mount's rules below name by their own keys; and an invalid name is
		// reported once, not again for the service account and the class
		// named after it: one message per problem.
		nameInvalid := !workloadName.MatchString(w.Name)
		derived := func(fe *components.FieldError) bool {
			return fe.Field == "VaultAccess" || strings.HasPrefix(fe.Field, "VaultAccess.") ||
				(nameInvalid && fe.Value == w.Name && (fe.Field == "Name" || fe.Field == "ServiceAccountName"))
		}
		identityErrs := dropFieldErrors(tagCountDropped(wi.Validate()), derived)
		errs = append(errs, components.RenameFields(identityErrs, func(f string) string { return workloadKey(at, f) }))
		mount := mountArgs(w, pulumi.String(""), pulumi.String(""), pulumi.String(""))
		errs = append(errs, components.RenameFields(dropFieldErrors(mount.Validate(), derived), func(f string) string { return workloadKey(at, f) }))
	}
	return errors.Join(errs...)
}

// dropFieldErrors removes from err the FieldErrors that drop selects.
func dropFieldErrors(err error, drop func(*components.FieldError) bool) error {
	var keep []error
	for _, e := range components.Unjoin(err) {
		var fe *components.FieldError
		if errors.As(e, &fe) && drop(fe) {
			continue
		}
		keep = append(keep, e)
	}
	return errors.Join(keep...)
}

// workloadKey maps a WorkloadIdentity or SecretMount field to its key. Tags
// are secure-aks:tags, which every workload carries.
func workloadKey(at, field string) string {
	if field == "Tags" || strings.HasPrefix(field, "Tags.") {
		return key("t" + field[1:])
	}
	names := map[string]string{
		"Kind":               "identity",
		"Namespace":          "namespace",
		"ServiceAccountName": "serviceAccount",
		"Name":               "name",
		"Objects":            "objects",
		"SyncSecret":         "syncSecret",
	}
	var parts []string
	for _, p := range strings.Split(field, ".") {
		head, idx := p, ""
		if i := strings.Index(p, "["); i >= 0 {
			head, idx = p[:i], p[i:]
		}
		if n, ok := names[head]; ok {
			head = n
		} else if head != "" {
			head = strings.ToLower(head[:1]) + head[1:]
		}
		parts = append(parts, head+idx)
	}
	return key(at + "." + strings.Join(parts, "."))
}

func (c *Config) identityArgs(w WorkloadConfig, resourceGroupName, issuer pulumi.StringInput, vault *components.Vault) *components.WorkloadIdentityArgs {
	return &components.WorkloadIdentityArgs{
		Kind:               w.kind(),
		ResourceGroupName:  resourceGroupName,
		Location:           pulumi.String(c.Location),
		OIDCIssuerURL:      issuer,
		Namespace:          w.Namespace,
		ServiceAccountName: w.ServiceAccount,
		VaultAccess: map[string]components.VaultAccess{
			// Vault.Access names the vault by its ID output, so that this
			// workload's access policy is written after the others on it.
			"vault": vault.Access(w.objectTypes()...),
		},
		Labels: map[string]string{"app": w.Name},
		Tags:   c.Tags,
	}
}

func mountArgs(w WorkloadConfig, vaultName, tenantID, clientID pulumi.StringInput) *components.SecretMountArgs {
	a := &components.SecretMountArgs{
		Namespace: w.Namespace,
		VaultName: vaultName,
		TenantID:  tenantID,
		ClientID:  clientID,
		Objects:   w.objects(),
	}
	if w.SyncSecret {
		a.SyncSecret = &components.SyncSecret{}
	}
	return a
}

// Workload is what deployWorkload creates for one WorkloadConfig.
type Workload struct {
	Identity *components.WorkloadIdentity
	Mount    *components.SecretMount
	// Sample is the busybox reader, when asked for.
	Sample pulumi.Resource
}

// deployWorkload wires one workload: the cluster's issuer into the federated
// credential, the identity's client ID into the service account and the
// SecretProviderClass, the vault's name and tenant into the class.
func deployWorkload(ctx *pulumi.Context, cfg *Config, p *Platform, w WorkloadConfig, namespace *corev1.Namespace) (*Workload, error) {
	opts := []pulumi.ResourceOption{pulumi.Providers(p.Cluster.KubernetesProvider)}
	identity := cfg.identityArgs(w, p.ResourceGroupName, p.Cluster.OIDCIssuerURL, p.Vault)
	if namespace != nil {
		// The Kubernetes objects wait for the namespace the stack creates
		// for them. The identity's Azure side (identity, service principal,
		// grants) does not: it waits for no cluster.
		identity.ServiceAccountDependsOn = []pulumi.Resource{namespace}
	}
	// The identity never creates the namespace: deployNamespaces does, once.
	wi, err := components.NewWorkloadIdentity(ctx, w.Name, identity, opts...)
	if err != nil {
		return nil, err
	}
	if namespace != nil {
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{namespace}))
	}
	// The class waits for the service account. Dependencies name concrete
	// resources: a dependency on a component covers only the children it has
	// registered so far, which is a race.
	mount, err := components.NewSecretMount(ctx, w.Name, mountArgs(w, p.Vault.Name, p.Vault.TenantID, wi.ClientID),
		append(opts, pulumi.DependsOn([]pulumi.Resource{wi.ServiceAccount}))...)
	if err != nil {
		return nil, err
	}
	out := &Workload{Identity: wi, Mount: mount}
	if w.Sample {
		out.Sample, err = deploySample(ctx, p, w, wi, mount)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deployNamespaces creates, once each, the namespaces that workloads ask to
// create (createNamespace), however many workloads share them, and returns
// them by name. Every workload in such a namespace waits for it.
func deployNamespaces(ctx *pulumi.Context, cfg *Config, p *Platform) (map[string]*corev1.Namespace, error) {
	out := map[string]*corev1.Namespace{}
	for _, w := range cfg.Workloads {
		if !w.CreateNamespace || out[w.Namespace] != nil {
			continue
		}
		ns, err := corev1.NewNamespace(ctx, "namespace-"+w.Namespace, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(w.Namespace),
				Labels: pulumi.StringMap{
					"app.kubernetes.io/managed-by": pulumi.String("pulumi"),
					"app.kubernetes.io/part-of":    pulumi.String("secure-aks"),
				},
			},
		}, pulumi.Provider(p.Cluster.KubernetesProvider))
		if err != nil {
			return nil, fmt.Errorf("creating namespace %q: %w", w.Namespace, err)
		}
		out[w.Namespace] = ns
	}
	return out, nil
}

// deploySample is the walkthrough's step 6: a busybox Deployment that runs
// as the service account, carries the webhook's label on its pod template,
// and mounts the secrets read-only at /mnt/secrets-store. It waits for the
// identity's service account (the webhook reads its annotation when the pod
// is created), credentials and grants, for the class, for the vault
// secrets it mounts (a mount of a secret not yet written fails), and for
// what the cluster gives pods (Cluster.Ready): its user pools, where the pod
// runs once the system pool is tainted, and the kubelet's registry grant,
// with which it pulls the image.
func deploySample(ctx *pulumi.Context, p *Platform, w WorkloadConfig, wi *components.WorkloadIdentity, mount *components.SecretMount) (*appsv1.Deployment, error) {
	selector := pulumi.StringMap{"app": pulumi.String(w.Name)}
	podLabels := pulumi.StringMap{"app": pulumi.String(w.Name)}
	for k, v := range wi.PodLabels() {
		podLabels[k] = v
	}
	d, err := appsv1.NewDeployment(ctx, w.Name+tokens.SampleSuffix, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(w.Name),
			Namespace: pulumi.String(w.Namespace),
			Labels:    selector,
		},
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(1),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: selector},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: podLabels},
				// The Kubernetes "restricted" Pod Security Standard: non-root
				// user and group, the runtime's seccomp profile, no privilege
				// escalation, no capabilities, CPU and memory limits.
				Spec: &corev1.PodSpecArgs{
					ServiceAccountName: wi.ServiceAccountName,
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						RunAsUser:      pulumi.Int(sampleUserID),
						RunAsGroup:     pulumi.Int(sampleUserID),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:    pulumi.String("busybox"),
						Image:   p.sampleImage(),
						Command: pulumi.ToStringArray([]string{"sh", "-c", "while true; do sleep 3600; done"}),
						VolumeMounts: corev1.VolumeMountArray{
							mount.VolumeMount(""),
						},
						SecurityContext: &corev1.SecurityContextArgs{
							RunAsNonRoot:             pulumi.Bool(true),
							RunAsUser:                pulumi.Int(sampleUserID),
							AllowPrivilegeEscalation: pulumi.Bool(false),
							ReadOnlyRootFilesystem:   pulumi.Bool(true),
							Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
						},
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("16Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("50m"), "memory": pulumi.String("32Mi")},
						},
					}},
					Volumes: corev1.VolumeArray{mount.Volume()},
				},
			},
		},
	}, pulumi.Provider(p.Cluster.KubernetesProvider), pulumi.DependsOn(append(append(append(wi.Ready(), mount.Class), p.Cluster.Ready()...), p.Vault.Secrets(w.objectNames()...)...)),
		// pulumi-kubernetes waits 10 minutes for a Deployment to become
		// ready (docs/azure-facts.md#pulumi-specifics). On the first up the pod's vault grant is minutes old: a role
		// assignment takes up to 10 minutes to reach Key Vault
		// (docs/azure-facts.md#key-vault-access), and the kubelet retries
		// the failed mount with a growing backoff. 20 minutes covers both;
		// a timeout leaves the Deployment in the state and fails the up.
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: SampleReadyTimeout, Update: SampleReadyTimeout}))
	if err != nil {
		return nil, fmt.Errorf("creating sample deployment %q: %w", w.Name, err)
	}
	return d, nil
}
