// Package app is the orders service's stack on the secure-aks platform. It
// reads the platform's outputs through a StackReference (platform.Reference)
// and creates, in the platform's cluster and against the platform's vault:
// the service's own workload identity, its SecretProviderClass, a
// Deployment that mounts it, and a PodDisruptionBudget that keeps one
// replica up while node upgrades drain the nodes. It creates no cluster and
// no vault, and exports the identity's client ID.
//
// The pods can ask for a node pool of the platform: nodeSelector (an
// object of node labels, such as {"workload": "apps"}, the label prod's
// user pool carries) and tolerations (a list of "key=value:Effect", for a
// pool with taints).
package app

import (
	"fmt"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/secure-aks/secure-aks/components"
	"github.com/secure-aks/secure-aks/platform"
)

// The service's names.
const (
	// Name names the service's resources and its Kubernetes objects.
	Name = "orders"
	// Namespace and ServiceAccount are where the service runs, as whom.
	Namespace      = "orders"
	ServiceAccount = "orders-api"
	// Image is the service's container image; busybox stands in for it.
	Image = "busybox:1.36"
	// userID is the service's non-root user and group.
	userID = 65534
)

// Program is the app stack: Build, then export its outputs.
func Program(ctx *pulumi.Context) error {
	outputs, err := Build(ctx)
	if err != nil {
		return err
	}
	for name, v := range outputs {
		ctx.Export(name, v)
	}
	return nil
}

// Build creates the app stack's resources and returns its outputs: the
// identity's client ID, the namespace and the service account.
func Build(ctx *pulumi.Context) (pulumi.Map, error) {
	cfg := config.New(ctx, "")
	stack := cfg.Get("platformStack")
	if stack == "" {
		return nil, fmt.Errorf("%s:platformStack: is required: pulumi config set platformStack ORG/secure-aks/STACK", ctx.Project())
	}
	secret := cfg.Get("secretName")
	var nodeSelector map[string]string
	var tolerations []string
	if err := cfg.TryObject("nodeSelector", &nodeSelector); err != nil && cfg.Get("nodeSelector") != "" {
		return nil, fmt.Errorf("%s:nodeSelector: must be an object of node labels, such as {\"workload\": \"apps\"}", ctx.Project())
	}
	if err := cfg.TryObject("tolerations", &tolerations); err != nil && cfg.Get("tolerations") != "" {
		return nil, fmt.Errorf("%s:tolerations: must be a list of \"key=value:Effect\"", ctx.Project())
	}
	podTolerations, err := parseTolerations(ctx.Project(), tolerations)
	if err != nil {
		return nil, err
	}

	p, err := platform.Reference(ctx, "platform", stack)
	if err != nil {
		return nil, err
	}
	k8s, err := p.KubernetesProvider(ctx, "platform-cluster")
	if err != nil {
		return nil, err
	}
	onCluster := pulumi.Providers(k8s)

	id, err := components.NewWorkloadIdentity(ctx, Name, &components.WorkloadIdentityArgs{
		ResourceGroupName:  p.ResourceGroupName,
		Location:           p.Location.ToStringPtrOutput(),
		OIDCIssuerURL:      p.OIDCIssuerURL,
		Namespace:          Namespace,
		ServiceAccountName: ServiceAccount,
		CreateNamespace:    true,
		VaultAccess:        map[string]components.VaultAccess{"platform": p.VaultAccess(components.ObjectTypeSecret)},
	}, onCluster)
	if err != nil {
		return nil, err
	}
	mount, err := components.NewSecretMount(ctx, Name, &components.SecretMountArgs{
		Namespace: Namespace,
		VaultName: p.VaultName,
		TenantID:  p.TenantID,
		ClientID:  id.ClientID,
		Objects:   []components.SecretObject{{Name: secret}},
	}, onCluster, pulumi.DependsOn([]pulumi.Resource{id.ServiceAccount}))
	if err != nil {
		return nil, err
	}

	labels := pulumi.StringMap{"app": pulumi.String(Name)}
	podLabels := pulumi.StringMap{"app": pulumi.String(Name)}
	for k, v := range id.PodLabels() {
		podLabels[k] = v
	}
	_, err = appsv1.NewDeployment(ctx, Name, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(Name), Namespace: pulumi.String(Namespace), Labels: labels},
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(2),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: podLabels},
				Spec: &corev1.PodSpecArgs{
					ServiceAccountName: id.ServiceAccountName,
					// The platform's node pool for this service, if asked.
					NodeSelector: pulumi.ToStringMap(nodeSelector),
					Tolerations:  podTolerations,
					// The "restricted" Pod Security Standard.
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						RunAsUser:      pulumi.Int(userID),
						RunAsGroup:     pulumi.Int(userID),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:    pulumi.String(Name),
						Image:   pulumi.String(Image),
						Command: pulumi.ToStringArray([]string{"sh", "-c", "while true; do sleep 3600; done"}),
						VolumeMounts: corev1.VolumeMountArray{
							mount.VolumeMount(""),
						},
						SecurityContext: &corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.Bool(false),
							ReadOnlyRootFilesystem:   pulumi.Bool(true),
							Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
						},
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("16Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")},
						},
					}},
					Volumes: corev1.VolumeArray{mount.Volume()},
				},
			},
		},
	}, pulumi.Provider(k8s), pulumi.DependsOn(append(id.Ready(), mount.Class)))
	if err != nil {
		return nil, fmt.Errorf("creating deployment %q: %w", Name, err)
	}
	// Two replicas: a node upgrade drains one node at a time, and this
	// budget keeps one replica serving while it does.
	if _, err := policyv1.NewPodDisruptionBudget(ctx, Name, &policyv1.PodDisruptionBudgetArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(Name), Namespace: pulumi.String(Namespace), Labels: labels},
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MinAvailable: pulumi.Int(1),
			Selector:     &metav1.LabelSelectorArgs{MatchLabels: labels},
		},
	}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{id})); err != nil {
		return nil, fmt.Errorf("creating pod disruption budget %q: %w", Name, err)
	}
	return pulumi.Map{
		"clientId":       id.ClientID,
		"namespace":      pulumi.String(Namespace),
		"serviceAccount": id.ServiceAccountName,
	}, nil
}

// parseTolerations turns "key=value:Effect" entries into pod tolerations.
func parseTolerations(project string, entries []string) (corev1.TolerationArray, error) {
	var out corev1.TolerationArray
	for i, t := range entries {
		kv, effect, ok := strings.Cut(t, ":")
		k, v, _ := strings.Cut(kv, "=")
		if !ok || k == "" || (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
			return nil, fmt.Errorf("%s:tolerations[%d] %q: must be key=value:Effect, with Effect NoSchedule, PreferNoSchedule or NoExecute", project, i, t)
		}
		out = append(out, &corev1.TolerationArgs{Key: pulumi.String(k), Operator: pulumi.String("Equal"), Value: pulumi.String(v), Effect: pulumi.String(effect)})
	}
	return out, nil
}
