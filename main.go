// Command secure-aks is the Pulumi program: `pulumi up -s dev`.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/stacks"
)

func main() { pulumi.Run(stacks.Run) }
