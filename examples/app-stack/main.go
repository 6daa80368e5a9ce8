// Command app-stack is an app team's Pulumi program on the secure-aks
// platform: `pulumi up -s dev` in this directory. See app.Program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/examples/app-stack/app"
)

func main() { pulumi.Run(app.Program) }
