// Replacement for monis.app/mlog, wired in by the replace directive in
// ../../go.mod. monis.app/mlog is not served by the module proxy here; the
// workload-identity webhook (github.com/Azure/azure-workload-identity/pkg/webhook)
// uses it for logging only. The webhook's own logic is upstream's, unchanged.
module monis.app/mlog

go 1.26.6
