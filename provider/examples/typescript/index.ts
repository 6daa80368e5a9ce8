// An app team's TypeScript program on the secure-aks platform: the same
// wiring as examples/app-stack, through the SDK generated from
// provider/schema.json. CI type-checks it (tsc --noEmit); it is not deployed.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as secureaks from "@secure-aks/secure-aks";

const config = new pulumi.Config();
const platform = new pulumi.StackReference("platform", { name: config.require("platformStack") });
const out = (name: string) => platform.requireOutput(name).apply(v => String(v));

// Every Kubernetes object goes through the platform cluster, identified by
// its resource ID so that a rotated kubeconfig does not replace it.
const cluster = new k8s.Provider("platform-cluster", {
    kubeconfig: out("kubeconfig"),
    clusterIdentifier: out("clusterUid"),
});

const identity = new secureaks.WorkloadIdentity("orders", {
    resourceGroupName: out("resourceGroupName"),
    oidcIssuerUrl: out("oidcIssuerUrl"),
    namespace: "orders",
    serviceAccountName: "orders-api",
    // The library's enumerations are SDK enums: secureaks.ObjectType.Secret
    // is "secret", and a misspelt value does not compile.
    kind: secureaks.IdentityKind.ManagedIdentity,
    vaultAccess: {
        // authorization takes the platform's output: the grants follow the
        // vault's mode (role assignments or access policies).
        platform: { vaultId: out("vaultId"), authorization: out("vaultAuthorization"), objectTypes: [secureaks.ObjectType.Secret] },
    },
}, { providers: { kubernetes: cluster } });

const mount = new secureaks.SecretMount("orders", {
    namespace: "orders",
    vaultName: out("vaultName"),
    tenantId: out("tenantId"),
    clientId: identity.clientId,
    objects: [{ name: "db-password", type: secureaks.ObjectType.Secret, alias: "db" }],
}, { providers: { kubernetes: cluster } });

new k8s.apps.v1.Deployment("orders", {
    metadata: { namespace: "orders" },
    spec: {
        selector: { matchLabels: { app: "orders" } },
        template: {
            metadata: { labels: pulumi.all([identity.podLabels]).apply(([labels]) => ({ ...labels, app: "orders" })) },
            spec: {
                serviceAccountName: identity.serviceAccountName,
                containers: [{
                    name: "orders",
                    image: "busybox:1.36",
                    command: ["sh", "-c", "while true; do cat /mnt/secrets-store/db; sleep 60; done"],
                    volumeMounts: [{ name: mount.volumeName, mountPath: mount.mountPath, readOnly: true }],
                }],
                volumes: [{
                    name: mount.volumeName,
                    csi: {
                        driver: "secrets-store.csi.k8s.io",
                        readOnly: true,
                        volumeAttributes: { secretProviderClass: mount.name },
                    },
                }],
            },
        },
    },
}, { provider: cluster, dependsOn: [identity, mount] });

export const clientId = identity.clientId;
