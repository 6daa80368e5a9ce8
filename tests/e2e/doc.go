// Package e2e holds the live end-to-end test of the secure-aks program:
// TestEndToEnd deploys a throwaway copy of the dev stack to a real Azure
// subscription with the Pulumi Automation API, reads the secret from the
// sample pod, rotates it, checks that the stack has no drift, and destroys it.
// It is behind the build tag e2e, so `go test ./...` never runs it. Without
// the tag, this package's tests check, offline, the requirement checks below
// and the vault purge against scripted ARM answers (net/http/httptest, a fake
// clock), and TestThrowawayConfig in the tests package checks that the
// throwaway stack's configuration (package stackfile) is valid and matches
// what the live test looks for.
//
// # Run
//
// From the repository root:
//
//	go -C tests test -tags e2e -run TestEndToEnd -timeout 60m -v ./e2e
//
// The -timeout matters: go test's default (10m) would kill the test in the
// middle of the deployment, before its cleanup could destroy anything, so the
// test refuses to start with less than 55 minutes.
//
// # What it needs
//
// Environment:
//
//   - ARM_SUBSCRIPTION_ID and ARM_TENANT_ID.
//   - Azure credentials, the ones azure-native itself reads, in its order:
//     ARM_CLIENT_ID with ARM_CLIENT_SECRET (service principal); or ARM_CLIENT_ID
//     with ARM_USE_OIDC=true and an OIDC token in ARM_OIDC_TOKEN, in the file
//     ARM_OIDC_TOKEN_FILE_PATH, or from GitHub Actions
//     (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, set by
//     `permissions: id-token: write`); or, with none of those, an `az login`
//     session. The test signs in the same way for its own Azure call (the
//     vault purge), so it refuses the methods it does not implement:
//     ARM_USE_DEFAULT_AZURE_CREDENTIAL, ARM_CLIENT_CERTIFICATE_PATH and
//     ARM_USE_MSI. Public cloud only.
//   - Pulumi state: PULUMI_ACCESS_TOKEN (Pulumi Cloud) or PULUMI_BACKEND_URL
//     (for example file://$HOME/.pulumi-e2e). A self-managed backend also
//     needs PULUMI_CONFIG_PASSPHRASE (may be empty) or
//     PULUMI_CONFIG_PASSPHRASE_FILE: the test's stack encrypts its secret
//     with a passphrase.
//   - SECURE_AKS_E2E_REQUIRED=1 (optional) turns every missing requirement
//     into a failure instead of a skip: a run that claims to cover this test
//     cannot pass by skipping it.
//   - SECURE_AKS_E2E_KEEP=1 (optional) keeps the stack and its Azure
//     resources after the test, for debugging; the log says how to destroy
//     them. They cost money until you do.
//
// Tools: the pulumi CLI on PATH (it installs the azure-native and kubernetes
// plugins on first use, so it needs the network), the az CLI when signing in
// with `az login`, and Go. No kubectl or kubelogin: the test execs into the
// pod with client-go, using the stack's admin kubeconfig (dev keeps local
// accounts on). The identity needs Owner, or Contributor plus User Access
// Administrator, on the subscription: the program creates role assignments.
// It needs no Key Vault data-plane role: the program writes the secrets
// through ARM (the management plane), and the test's own Azure calls are ARM
// too. The test never calls a vault's data plane (https://VAULT.vault.azure.net,
// `az keyvault secret`) and never waits for a role of the deployer to
// propagate.
//
// # What it does
//
//  1. Writes Pulumi.e2e-SUFFIX.yaml in the repository root from
//     Pulumi.dev.yaml, with a random SUFFIX in the stack name, environment
//     and resource group (the vault's name is derived from organization,
//     project and stack, so it is unique too), one Standard_D2s_v5 node,
//     rotation every 1m, purge protection off, 7 days' retention and the
//     sample reader on. It checks that file offline with the program's own
//     configuration loader, then creates the stack from the repository root
//     (the real main.go and Pulumi.yaml), sets a random secret value with
//     `config set --secret --path`, and runs `pulumi up`. Nothing in that
//     first `pulumi up` depends on data-plane role propagation: the secret is
//     written through ARM.
//  2. Waits, up to 12 minutes, for the sample pod to run, then execs
//     `cat /mnt/secrets-store/FILE` in it and compares the file with the
//     value it set. Until the pod identity's own role (Key Vault Secrets
//     User) propagates, the CSI mount fails with 403 and kubelet retries it:
//     that is expected, and the wait covers it. If the pod never gets ready,
//     the failure lists the pod's FailedMount events.
//  3. Sets a new value in the stack's config and runs `pulumi up` again (a
//     new secret version, through ARM), then polls the file every 5 seconds
//     until it changes, within twice the configured rotationPollInterval; it
//     logs the latency from the end of that update, and checks that the pod
//     was not restarted.
//  4. Runs `pulumi preview` and `pulumi refresh` with the Automation API's
//     ExpectNoChanges options (--expect-no-changes): the engine fails either
//     on any change, and the test lists the resources that the event stream
//     names as changed.
//  5. In its cleanup, registered as soon as the stack exists, so that a
//     failure or timeout at any step still tears down: `pulumi destroy`,
//     a purge of the soft-deleted vault (the name is then free again),
//     `pulumi stack rm`, and the stack file.
//
// The purge is "Vaults - Purge Deleted" on the ARM REST API, with a token
// from azidentity. It follows Azure-AsyncOperation, else Location, after a
// 202; with neither, and after a 409 (a purge already runs), it polls the
// deleted vault until that answers 404. A 404 to the purge itself means
// there is nothing to purge. It honours Retry-After, retries 429 and 5xx
// with backoff, never sends a second purge once one is accepted or running,
// and after a failed purge request sends another only if the deleted vault
// still exists. It gives up after 6 minutes with an error naming the vault.
//
// The steps stop 20 minutes before the go test deadline to leave the cleanup
// its time. An interrupt (Ctrl-C, SIGTERM) during the steps stops the current
// one, and the cleanup still runs; an interrupt during the cleanup kills the
// test. A failed cleanup logs what to destroy and purge by hand; the stack
// name is logged when the stack is created, and its Azure resources carry
// the tag e2e-stack=NAME.
//
// # Time and cost
//
// About 30 minutes, 45 at worst: the first `pulumi up` 8-15 minutes (AKS
// creation alone is typically 5-10), reading and rotation 2-4, preview and
// refresh 2-3, destroy 8-12 (AKS deletion), the purge about 1 (6 at most).
// A pod identity role that takes its longest to propagate adds up to 12
// minutes before the read, still within -timeout 60m.
//
// About USD 0.10 per run, under 0.20 even if every item were billed for a
// whole hour. Estimated from Azure's East US pay-as-you-go list prices
// (Linux virtual machines, managed disks, load balancer, IP addresses and Key
// Vault pricing pages) as known when this was written, not re-checked live;
// use the Azure pricing calculator for current numbers. For the ~40 minutes
// the resources exist:
//
//   - 1 Standard_D2s_v5 Linux node, $0.096/hour: about $0.064;
//   - its 128 GiB Premium SSD OS disk (P10, about $19.71/month): about $0.02;
//   - the cluster's Standard load balancer, $0.025/hour (first 5 rules), and
//     its Standard public IP, $0.005/hour: about $0.02;
//   - Key Vault operations, $0.03 per 10,000: the add-on polls once a
//     minute, so well under $0.01;
//   - the AKS control plane (Free tier), managed identities, federated
//     credentials and role assignments: no charge.
package e2e
