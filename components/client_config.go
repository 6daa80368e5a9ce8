package components

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/v2/utilities"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/tokens"
)

// ClientConfig is the identity and subscription the azure-native provider
// runs as.
type ClientConfig struct {
	// ClientID is the client (application) ID of the signed-in identity.
	ClientID string `pulumi:"clientId"`
	// ObjectID is its object (principal) ID.
	ObjectID string `pulumi:"objectId"`
	// SubscriptionID is the subscription resources are created in.
	SubscriptionID string `pulumi:"subscriptionId"`
	// TenantID is the Entra tenant.
	TenantID string `pulumi:"tenantId"`
}

// GetClientConfig asks the azure-native provider who it runs as, and in which
// subscription. Pass pulumi.Parent(component) to use the component's
// provider. The invoke carries the SDK's plugin version, as every typed
// azure-native call does, so that it uses the same provider as the resources
// and never starts another plugin version.
func GetClientConfig(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (ClientConfig, error) {
	var c ClientConfig
	if err := ctx.Invoke(tokens.GetClientConfig, map[string]any{}, &c, utilities.PkgInvokeDefaultOpts(opts)...); err != nil {
		return ClientConfig{}, fmt.Errorf("reading the Azure client configuration (run az login): %w", err)
	}
	return c, nil
}
