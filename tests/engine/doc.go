// Package engine runs the program through the real Pulumi engine: the CLI
// and the YAML language host built from source (tools/engine), the
// Kubernetes provider rendering manifests to a directory, and a stand-in for
// the azure-native and azuread providers (./standin). See engine_test.go.
package engine
