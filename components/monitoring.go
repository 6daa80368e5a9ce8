package components

import (
	"fmt"

	insights "github.com/pulumi/pulumi-azure-native-sdk/insights/v2/v20230311"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// newContainerInsights creates the data collection rule that sends the
// cluster's Container Insights stream to the workspace, and associates it
// with the cluster. The agent authenticates with its managed identity
// (useAADAuth on the add-on); the rule is what it reads its destination from.
func (a ClusterArgs) newContainerInsights(ctx *pulumi.Context, name string, clusterID, location pulumi.StringInput, opts []pulumi.ResourceOption) error {
	const destination = "workspace"
	dcr, err := insights.NewDataCollectionRule(ctx, name+"-container-insights", &insights.DataCollectionRuleArgs{
		ResourceGroupName: a.ResourceGroupName,
		// The rule lives in the cluster's region (docs/azure-facts.md#container-insights).
		Location:    location,
		Kind:        pulumi.String("Linux"),
		Description: pulumi.String("Container Insights: the cluster's logs and inventory to its Log Analytics workspace"),
		DataSources: &insights.DataCollectionRuleDataSourcesArgs{
			Extensions: insights.ExtensionDataSourceArray{&insights.ExtensionDataSourceArgs{
				Name:          pulumi.String(azure.ContainerInsightsAssociation),
				ExtensionName: pulumi.String("ContainerInsights"),
				Streams:       pulumi.ToStringArray([]string{azure.ContainerInsightsStream}),
				ExtensionSettings: pulumi.Map{
					"dataCollectionSettings": pulumi.Map{
						"interval":               pulumi.String(azure.ContainerInsightsInterval),
						"namespaceFilteringMode": pulumi.String("Off"),
						"enableContainerLogV2":   pulumi.Bool(true),
					},
				},
			}},
		},
		Destinations: &insights.DataCollectionRuleDestinationsArgs{
			LogAnalytics: insights.LogAnalyticsDestinationArray{&insights.LogAnalyticsDestinationArgs{
				Name:                pulumi.String(destination),
				WorkspaceResourceId: a.DiagnosticsWorkspaceID,
			}},
		},
		DataFlows: insights.DataFlowArray{&insights.DataFlowArgs{
			Streams:      pulumi.ToStringArray([]string{azure.ContainerInsightsStream}),
			Destinations: pulumi.ToStringArray([]string{destination}),
		}},
		Tags: toStringMap(a.Tags),
	}, opts...)
	if err != nil {
		return fmt.Errorf("container insights: %w", err)
	}
	if _, err := insights.NewDataCollectionRuleAssociation(ctx, name+"-container-insights-link", &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String(azure.ContainerInsightsAssociation),
		ResourceUri:          clusterID,
		DataCollectionRuleId: dcr.ID(),
		Description:          pulumi.String("Container Insights of this cluster"),
	}, opts...); err != nil {
		return fmt.Errorf("container insights: %w", err)
	}
	return nil
}
