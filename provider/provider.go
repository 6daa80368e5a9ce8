// Package provider serves the secure-aks components to every Pulumi
// language: a component provider built with pulumi-go-provider's infer
// package. Each component wraps the library's constructor (package
// components), so every default, rule and message is the library's own; this
// package only maps schema properties to Args fields and outputs back.
//
// The type tokens are the library's (secure-aks:index:Cluster, Vault,
// WorkloadIdentity, SecretMount), so a stack can move between the Go library
// and the provider without replacing anything.
package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Name is the Pulumi package name: the prefix of every type token, and the
// binary's name after pulumi-resource-.
const Name = "secure-aks"

// Version is the provider's version, the library release it serves.
const Version = "0.2.0"

// New returns the provider.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("secure-aks").
		WithDescription("AKS with Workload Identity and the Azure Key Vault Secrets Store CSI driver: pods read their secrets as files, and no credential is written into code, images or manifests.").
		WithKeywords("azure", "aks", "kubernetes", "key vault", "workload identity", "category/cloud", "kind/component").
		WithLicense("Apache-2.0").
		WithRepository("https://github.com/secure-aks/secure-aks").
		WithPublisher("secure-aks").
		// Cluster.kubernetesProvider is the Kubernetes package's provider,
		// so the SDKs depend on that package.
		WithLanguageMap(map[string]any{
			"nodejs": map[string]any{
				"packageName":  "@secure-aks/secure-aks",
				"dependencies": map[string]string{"@pulumi/kubernetes": "^" + kubernetesVersion},
			},
			"python": map[string]any{
				"requires": map[string]string{"pulumi-kubernetes": ">=" + kubernetesVersion + ",<5.0.0"},
			},
		}).
		// This package's Go name is the module of every token it infers;
		// the library's tokens live in "index".
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"provider": "index"}).
		WithComponents(
			infer.ComponentF(NewCluster),
			infer.ComponentF(NewVault),
			infer.ComponentF(NewRegistry),
			infer.ComponentF(NewNetwork),
			infer.ComponentF(NewWorkloadIdentity),
			infer.ComponentF(NewSecretMount),
		).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	inferred := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := inferred(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = referKubernetesProvider(resp.Schema)
		return resp, err
	}
	return prov, nil
}

// kubernetesVersion is the Kubernetes package the schema refers to: the
// version of its Go SDK in go.mod, which Cluster's kubernetesProvider tag
// also names (TestKubernetesProviderIsThePackages holds the three equal).
const kubernetesVersion = "4.32.0"

// referKubernetesProvider rewrites infer's reference to a foreign resource,
// /kubernetes/vX/schema.json#/resources/kubernetes:index:Provider, into the
// reference to that package's provider, /kubernetes/vX/schema.json#/provider:
// a provider is not among a package's resources, and its token is
// pulumi:providers:kubernetes (the schema's "#/provider" form, as
// pulumi-eks serves its cluster's provider). infer v1.5.0 has no tag for it.
func referKubernetesProvider(raw string) (string, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return "", fmt.Errorf("reading the inferred schema: %w", err)
	}
	prefix := "/kubernetes/v" + kubernetesVersion + "/schema.json#"
	found := 0
	// Properties is a map: a changed entry is changed in spec.
	for _, res := range spec.Resources {
		for name, prop := range res.Properties {
			if prop.Ref == prefix+"/resources/kubernetes:index:Provider" {
				prop.Ref = prefix + "/provider"
				res.Properties[name] = prop
				found++
			}
		}
	}
	if found != 1 {
		return "", fmt.Errorf("the inferred schema has %d references to the Kubernetes provider v%s, want 1 (Cluster.kubernetesProvider)", found, kubernetesVersion)
	}
	out, err := json.Marshal(spec)
	return string(out), err
}

// SchemaJSON is the provider's Pulumi package schema, indented, as
// `pulumi-resource-secure-aks -schema` prints it and provider/schema.json
// holds it.
func SchemaJSON(ctx context.Context) ([]byte, error) {
	prov, err := New()
	if err != nil {
		return nil, fmt.Errorf("building the provider: %w", err)
	}
	spec, err := p.GetSchema(ctx, Name, Version, prov)
	if err != nil {
		return nil, fmt.Errorf("inferring the schema: %w", err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(spec); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
