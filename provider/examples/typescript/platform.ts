// A platform team's TypeScript program: the cluster itself, and a namespace
// deployed into it through the Kubernetes provider the Cluster component
// serves. CI type-checks it beside index.ts (tsc --noEmit); it is not
// deployed.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as secureaks from "@secure-aks/secure-aks";

const config = new pulumi.Config();

const cluster = new secureaks.Cluster("platform", {
    resourceGroupName: config.require("resourceGroupName"),
    tier: secureaks.ClusterTier.Standard,
    upgradeChannel: secureaks.UpgradeChannel.Patch,
});

// cluster.kubernetesProvider is the library's own provider, typed as
// @pulumi/kubernetes' Provider. It arrives as an Output, and a resource
// option takes a plain provider (pulumi/pulumi#7012), so the namespace is
// declared in its apply. The component sends the reference in a preview
// too, so the preview should show the namespace (CI type-checks this
// program; it does not run it).
export const namespace = cluster.kubernetesProvider.apply(provider =>
    new k8s.core.v1.Namespace("apps", { metadata: { name: "apps" } }, { provider }).metadata.name);
export const oidcIssuerUrl = cluster.oidcIssuerUrl;
