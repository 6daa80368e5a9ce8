package components

import (
	insights "github.com/pulumi/pulumi-azure-native-sdk/insights/v2/v20210501preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newDiagnostics sends a resource's logs, by category or category group, to
// a Log Analytics workspace (docs/azure-facts.md#audit-logs).
func newDiagnostics(ctx *pulumi.Context, name string, resourceID pulumi.StringOutput, workspaceID pulumi.StringInput, categories, categoryGroups []string, opts []pulumi.ResourceOption) error {
	var logs insights.LogSettingsArray
	for _, c := range categories {
		logs = append(logs, &insights.LogSettingsArgs{Category: pulumi.String(c), Enabled: pulumi.Bool(true)})
	}
	for _, g := range categoryGroups {
		logs = append(logs, &insights.LogSettingsArgs{CategoryGroup: pulumi.String(g), Enabled: pulumi.Bool(true)})
	}
	_, err := insights.NewDiagnosticSetting(ctx, name, &insights.DiagnosticSettingArgs{
		Name:        pulumi.String(name),
		ResourceUri: resourceID,
		WorkspaceId: workspaceID,
		Logs:        logs,
	}, opts...)
	return err
}
