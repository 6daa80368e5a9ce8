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
	"context"
	"encoding/json"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Name is the Pulumi package name: the prefix of every type token, and the
// binary's name after pulumi-resource-.
const Name = "secure-aks"

// Version is the provider's version, the library release it serves.
const Version = "0.1.0"

// New returns the provider.
func New() (p.Provider, error) {
	return infer.NewProviderBuilder().
		WithDisplayName("secure-aks").
		WithDescription("AKS with Workload Identity and the Azure Key Vault Secrets Store CSI driver: pods read their secrets as files, and no credential is written into code, images or manifests.").
		WithKeywords("azure", "aks", "kubernetes", "key vault", "workload identity", "category/cloud", "kind/component").
		WithLicense("Apache-2.0").
		WithRepository("https://github.com/secure-aks/secure-aks").
		WithPublisher("secure-aks").
		WithLanguageMap(map[string]any{
			"nodejs": map[string]any{"packageName": "@secure-aks/secure-aks"},
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
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
