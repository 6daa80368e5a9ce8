// Package tests holds the checks that go beyond unit tests. It is a module of
// its own, so that its tooling never enters the import graph of the library.
//
//   - Upstream checks (no build tag; go test ./...): the dev and prod stacks
//     are rendered offline with the recording mock of internal/plan, and the
//     Kubernetes objects they register are checked by upstream's own code:
//     decoded strictly into k8s.io/api and Secrets Store CSI driver types
//     (kubernetes_test.go), the SecretProviderClass parameters read by the
//     Azure provider's pkg/provider/types (secretproviderclass_test.go), and
//     the sample pod run through the Azure Workload Identity webhook's handler
//     and matched against its upstream objectSelector (webhook_test.go).
//     render_test.go holds the shared rendering and strict decoding.
//   - e2e/ (build tag e2e): the end-to-end test on a real subscription with
//     the Automation API: deploy a throwaway stack, read the secret in the
//     sample pod, rotate it, expect no drift, destroy and purge. Without its
//     environment it skips and names what is missing. See CONTRIBUTING.md, "Run
//     the end-to-end test", and e2e/doc.go.
//
// monis.app/mlog, which the webhook imports for logging only, is not served
// by the module proxy here; go.mod replaces it with internal/mlog, a small
// log/slog implementation of the calls the webhook makes. The webhook's own
// logic is upstream's.
package tests
