// Command pulumi-resource-secure-aks is the secure-aks component provider.
// The Pulumi engine starts it; `pulumi-resource-secure-aks -schema` prints
// its schema instead (provider/schema.json is that output).
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/secure-aks/secure-aks/provider"
)

func main() {
	ctx := context.Background()
	if len(os.Args) == 2 && os.Args[1] == "-schema" {
		schema, err := provider.SchemaJSON(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pulumi-resource-secure-aks:", err)
			os.Exit(1)
		}
		os.Stdout.Write(schema)
		return
	}
	prov, err := provider.New()
	if err == nil {
		err = p.RunProvider(ctx, provider.Name, provider.Version, prov)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-secure-aks:", err)
		os.Exit(1)
	}
}
