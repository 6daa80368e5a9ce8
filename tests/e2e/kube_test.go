//go:build e2e

package e2e

// The cluster side, with client-go: find the sample pod, read a file in it
// as `kubectl exec POD -- cat FILE` does, and watch the file change.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/remotecommand"
)

// execTimeout bounds one exec into the pod.
const execTimeout = 30 * time.Second

// kube is a client of the throwaway cluster.
type kube struct {
	config *rest.Config
	client kubernetes.Interface
}

// newKube builds a client from a kubeconfig: the stack's admin kubeconfig,
// which carries a client certificate, so no exec plugin (kubelogin) runs.
func newKube(kubeconfig string) (*kube, error) {
	config, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return nil, fmt.Errorf("parsing the stack's kubeconfig output: %w", err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("creating a Kubernetes client: %w", err)
	}
	return &kube{config: config, client: client}, nil
}

// waitForPod polls until a pod with the labels runs with every container
// ready, and returns the newest such pod. A pod whose secrets volume fails to
// mount with 403 is waited for: its identity's role assignment is still
// propagating, and kubelet retries the mount.
func (k *kube) waitForPod(ctx context.Context, namespace string, podLabels map[string]string, limit time.Duration) (*corev1.Pod, error) {
	selector := labels.SelectorFromSet(podLabels).String()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var last string
	var seen []corev1.Pod
	for {
		pods, err := k.client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			last = err.Error()
		} else if pod := newestReady(pods.Items); pod != nil {
			return pod, nil
		} else {
			last, seen = describePods(pods.Items), pods.Items
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no running, ready pod %s in namespace %s within %s; last seen: %s%s",
				selector, namespace, limit, last, k.mountFailures(parent, seen))
		case <-time.After(5 * time.Second):
		}
	}
}

// newestReady returns the newest running pod whose containers are all
// ready and that is not being deleted, or nil.
func newestReady(pods []corev1.Pod) *corev1.Pod {
	var best *corev1.Pod
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning || len(p.Status.ContainerStatuses) == 0 {
			continue
		}
		if slices.ContainsFunc(p.Status.ContainerStatuses, func(c corev1.ContainerStatus) bool { return !c.Ready }) {
			continue
		}
		if best == nil || p.CreationTimestamp.After(best.CreationTimestamp.Time) {
			best = p
		}
	}
	return best
}

// describePods says why pods are not ready: phase and waiting reasons. A
// failing CSI mount shows here only as ContainerCreating; its error is in the
// pod's events (mountFailures).
func describePods(pods []corev1.Pod) string {
	if len(pods) == 0 {
		return "no pods"
	}
	var parts []string
	for _, p := range pods {
		s := fmt.Sprintf("%s %s", p.Name, p.Status.Phase)
		for _, c := range p.Status.ContainerStatuses {
			if w := c.State.Waiting; w != nil {
				s += fmt.Sprintf(", %s waiting: %s %s", c.Name, w.Reason, w.Message)
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// mountFailures returns the newest FailedMount event of each pod, such as
// the 403 of the CSI driver while the pod identity's Key Vault Secrets User
// assignment propagates, or "" if there is none. It runs after the wait
// timed out, so it has a few seconds of its own.
func (k *kube) mountFailures(parent context.Context, pods []corev1.Pod) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), 10*time.Second)
	defer cancel()
	var out []string
	for _, p := range pods {
		events, err := k.client.CoreV1().Events(p.Namespace).List(ctx, metav1.ListOptions{FieldSelector: fields.AndSelectors(
			fields.OneTermEqualSelector("involvedObject.name", p.Name),
			fields.OneTermEqualSelector("reason", "FailedMount"),
		).String()})
		if err != nil {
			out = append(out, fmt.Sprintf("%s: listing its FailedMount events: %v", p.Name, err))
			continue
		}
		var newest *corev1.Event
		for i := range events.Items {
			if e := &events.Items[i]; newest == nil || e.LastTimestamp.After(newest.LastTimestamp.Time) {
				newest = e
			}
		}
		if newest != nil {
			out = append(out, fmt.Sprintf("%s: FailedMount (x%d): %s", p.Name, newest.Count, newest.Message))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "\nmount errors (a 403 means the pod identity's role assignment had not propagated yet):\n  " + strings.Join(out, "\n  ")
}

// mountingContainer returns the pod's container that mounts dir.
func mountingContainer(pod *corev1.Pod, dir string) (string, error) {
	for _, c := range pod.Spec.Containers {
		if slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == dir }) {
			return c.Name, nil
		}
	}
	return "", fmt.Errorf("no container of pod %s/%s mounts %s", pod.Namespace, pod.Name, dir)
}

// readFile returns the content of a file in a container, with
// `cat FILE` run through the exec subresource (SPDY, as kubectl exec).
func (k *kube) readFile(ctx context.Context, pod *corev1.Pod, container, file string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, execTimeout)
	defer cancel()
	req := k.client.CoreV1().RESTClient().Post().
		Resource("pods").Namespace(pod.Namespace).Name(pod.Name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: container,
			Command:   []string{"cat", file},
			Stdout:    true,
			Stderr:    true,
		}, scheme.ParameterCodec)
	exec, err := remotecommand.NewSPDYExecutor(k.config, http.MethodPost, req.URL())
	if err != nil {
		return "", fmt.Errorf("preparing exec into pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	var stdout, stderr bytes.Buffer
	if err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr}); err != nil {
		return "", fmt.Errorf("exec cat %s in pod %s/%s: %w: %s", file, pod.Namespace, pod.Name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// waitForChange polls the file until it no longer holds old, and returns how
// long after the call that was. It fails if the file does not change within
// limit, or changes to anything but want. Exec errors are retried until the
// limit: the add-on swaps the files while it writes a new version.
func (k *kube) waitForChange(ctx context.Context, pod *corev1.Pod, container, file, old, want string, limit, every time.Duration) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var lastErr error
	for {
		got, err := k.readFile(ctx, pod, container, file)
		switch {
		case err != nil:
			lastErr = err
		case got == want:
			return time.Since(start), nil
		case got != old:
			return 0, fmt.Errorf("%s changed to %q, want the new value %q", file, got, want)
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return 0, fmt.Errorf("%s did not change within %s; last read error: %w", file, limit, lastErr)
			}
			return 0, fmt.Errorf("%s still holds the old value after %s (twice the poll interval)", file, limit)
		case <-time.After(every):
		}
	}
}

// checkNotRestarted fails if the pod was replaced or a container restarted:
// rotation updates the mounted files in place and never restarts pods.
func (k *kube) checkNotRestarted(ctx context.Context, before *corev1.Pod) error {
	now, err := k.client.CoreV1().Pods(before.Namespace).Get(ctx, before.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("reading pod %s/%s after the rotation: %w", before.Namespace, before.Name, err)
	}
	if now.UID != before.UID {
		return fmt.Errorf("pod %s/%s was replaced during the rotation", before.Namespace, before.Name)
	}
	restarts := func(p *corev1.Pod) map[string]int32 {
		m := map[string]int32{}
		for _, c := range p.Status.ContainerStatuses {
			m[c.Name] = c.RestartCount
		}
		return m
	}
	b, a := restarts(before), restarts(now)
	var errs []error
	for name, n := range a {
		if n != b[name] {
			errs = append(errs, fmt.Errorf("container %s of pod %s restarted during the rotation (%d -> %d restarts)", name, now.Name, b[name], n))
		}
	}
	return errors.Join(errs...)
}
