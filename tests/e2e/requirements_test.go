package e2e

// What TestEndToEnd needs from its environment, and the check that names
// every missing piece. No build tag: the table test below runs offline.

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	// envRequired=1 makes missing requirements fail the test instead of
	// skipping it.
	envRequired = "SECURE_AKS_E2E_REQUIRED"
	// envKeep=1 keeps the stack and its resources after the test.
	envKeep = "SECURE_AKS_E2E_KEEP"
)

const (
	// cleanupBudget is kept back from the go test deadline for the cleanup:
	// destroying AKS takes 5-10 minutes, purging the vault about one.
	cleanupBudget = 20 * time.Minute
	// minTimeout is the least go test -timeout the test starts with: the
	// steps take 15-25 minutes, plus cleanupBudget. With less, go test would
	// kill the binary mid-run, and no cleanup would destroy what it created.
	minTimeout = 55 * time.Minute
)

// credentialKind is how azure-native, and so the test, signs in to Azure.
type credentialKind int

const (
	credentialNone credentialKind = iota
	credentialClientSecret
	credentialOIDC
	credentialAzureCLI
)

func (k credentialKind) String() string {
	switch k {
	case credentialClientSecret:
		return "service principal with a client secret"
	case credentialOIDC:
		return "OIDC (workload identity federation)"
	case credentialAzureCLI:
		return "az login session"
	}
	return "none"
}

// settings are the requirements that were found.
type settings struct {
	SubscriptionID string
	TenantID       string
	ClientID       string
	Credential     credentialKind
	// Keep is SECURE_AKS_E2E_KEEP=1.
	Keep bool
}

// environment is what checkRequirements looks at, so that tests can fake it.
type environment struct {
	LookupEnv func(string) (string, bool)
	LookPath  func(string) (string, error)
	// AzureCLISession returns nil if `az` has a session that can use the
	// subscription.
	AzureCLISession func(subscriptionID string) error
	// TimeLeft is the time until the go test deadline; false if there is none.
	TimeLeft func() (time.Duration, bool)
}

// checkRequirements returns what was found and one line per missing
// requirement, each naming the variable or tool.
func checkRequirements(env environment) (settings, []string) {
	var s settings
	var missing []string
	get := func(name string) string {
		v, _ := env.LookupEnv(name)
		return strings.TrimSpace(v)
	}
	need := func(name, why string) string {
		v := get(name)
		if v == "" {
			missing = append(missing, name+": "+why)
		}
		return v
	}
	s.SubscriptionID = need("ARM_SUBSCRIPTION_ID", "the subscription to deploy to")
	s.TenantID = need("ARM_TENANT_ID", "the Entra tenant of that subscription")
	s.Keep = get(envKeep) == "1"
	missing = append(missing, checkCredentials(env, get, &s)...)
	missing = append(missing, checkPulumi(env, get)...)
	if left, ok := env.TimeLeft(); ok && left < minTimeout {
		missing = append(missing, fmt.Sprintf("go test -timeout %dm or more (this run would be killed after %s, before its cleanup destroys what it created): add -timeout 60m",
			int(minTimeout.Minutes()), left.Round(time.Second)))
	}
	return s, missing
}

// azureCredentialsHelp lists the ways to sign in that the test supports.
const azureCredentialsHelp = "Azure credentials: ARM_CLIENT_ID with ARM_CLIENT_SECRET; or ARM_CLIENT_ID with ARM_USE_OIDC=true and " +
	"ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH or GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN; " +
	"or the az CLI on PATH with an az login session"

// checkCredentials finds the credential azure-native will use. The order is
// azure-native's own (provider/pkg/provider/auth_azidentity.go,
// newSingleMethodAuthCredential): default credential, client certificate,
// client secret, OIDC, managed identity, Azure CLI. The test makes one Azure
// call of its own (the vault purge) and must make it as the same identity,
// so a method it does not implement is refused, not silently replaced.
func checkCredentials(env environment, get func(string) string, s *settings) []string {
	unsupported := func(name, method string) []string {
		return []string{fmt.Sprintf("%s is set, so azure-native would sign in with %s, which this test does not implement for its own Azure call (the vault purge): unset it and use one of the %s",
			name, method, azureCredentialsHelp)}
	}
	needClientID := func() []string {
		if s.ClientID = get("ARM_CLIENT_ID"); s.ClientID == "" {
			return []string{fmt.Sprintf("ARM_CLIENT_ID: the application (client) ID that signs in with the %s", s.Credential)}
		}
		return nil
	}
	switch {
	case get("ARM_USE_DEFAULT_AZURE_CREDENTIAL") == "true":
		return unsupported("ARM_USE_DEFAULT_AZURE_CREDENTIAL", "DefaultAzureCredential")
	case get("ARM_CLIENT_CERTIFICATE_PATH") != "":
		return unsupported("ARM_CLIENT_CERTIFICATE_PATH", "a client certificate")
	case get("ARM_CLIENT_SECRET") != "":
		s.Credential = credentialClientSecret
		return needClientID()
	case get("ARM_USE_OIDC") == "true":
		s.Credential = credentialOIDC
		missing := needClientID()
		if get("ARM_OIDC_TOKEN") == "" && get("ARM_OIDC_TOKEN_FILE_PATH") == "" &&
			(get("ACTIONS_ID_TOKEN_REQUEST_URL") == "" || get("ACTIONS_ID_TOKEN_REQUEST_TOKEN") == "") {
			missing = append(missing, "an OIDC token for ARM_USE_OIDC=true: ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH, or GitHub Actions' "+
				"ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (permissions: id-token: write)")
		}
		return missing
	case get("ARM_USE_MSI") == "true":
		return unsupported("ARM_USE_MSI", "a managed identity")
	}
	// Nothing else configured: azure-native falls back to the Azure CLI.
	if _, err := env.LookPath("az"); err != nil {
		return []string{azureCredentialsHelp + " (none is configured, and az is not on PATH)"}
	}
	s.Credential = credentialAzureCLI
	if err := env.AzureCLISession(s.SubscriptionID); err != nil {
		return []string{fmt.Sprintf("an az login session that can use the subscription (az account show: %v), or another of the %s", err, azureCredentialsHelp)}
	}
	return nil
}

// checkPulumi checks the Pulumi CLI and where it keeps state.
func checkPulumi(env environment, get func(string) string) []string {
	var missing []string
	token, backend := get("PULUMI_ACCESS_TOKEN"), get("PULUMI_BACKEND_URL")
	if token == "" && backend == "" {
		missing = append(missing, "PULUMI_ACCESS_TOKEN (Pulumi Cloud) or PULUMI_BACKEND_URL (a self-managed backend, such as file://$HOME/.pulumi-e2e): where the test keeps its stack's state")
	}
	// A self-managed backend (file://, s3://, azblob://, gs://) gives a new
	// stack passphrase secrets; Pulumi Cloud (http[s]://) encrypts them itself.
	selfManaged := backend != "" && !strings.HasPrefix(backend, "https://") && !strings.HasPrefix(backend, "http://")
	if _, set := env.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); selfManaged && !set && get("PULUMI_CONFIG_PASSPHRASE_FILE") == "" {
		missing = append(missing, fmt.Sprintf("PULUMI_CONFIG_PASSPHRASE (may be empty) or PULUMI_CONFIG_PASSPHRASE_FILE: the self-managed backend %s encrypts the stack's secret with a passphrase", backend))
	}
	if _, err := env.LookPath("pulumi"); err != nil {
		missing = append(missing, "the pulumi CLI on PATH (https://www.pulumi.com/docs/install/)")
	}
	return missing
}

// requirementsMessage is the skip or failure message for missing requirements.
func requirementsMessage(missing []string) string {
	return "TestEndToEnd deploys to a real Azure subscription; missing:\n  - " + strings.Join(missing, "\n  - ") +
		"\nHow to run it: tests/e2e/doc.go, or go -C tests doc ./e2e"
}

// fakeEnvironment is an environment with vars set, every tool on PATH, a
// logged-in az and an hour before the deadline, unless the test changes it.
func fakeEnvironment(vars map[string]string) environment {
	return environment{
		LookupEnv:       func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		LookPath:        func(f string) (string, error) { return "/usr/bin/" + f, nil },
		AzureCLISession: func(string) error { return nil },
		TimeLeft:        func() (time.Duration, bool) { return time.Hour, true },
	}
}

// without takes tools off the fake PATH.
func without(tools ...string) func(*environment) {
	return func(e *environment) {
		e.LookPath = func(f string) (string, error) {
			if slices.Contains(tools, f) {
				return "", errors.New("executable file not found in $PATH")
			}
			return "/usr/bin/" + f, nil
		}
	}
}

func TestCheckRequirements(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"ARM_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000001",
		"ARM_TENANT_ID":       "00000000-0000-0000-0000-000000000002",
		"PULUMI_ACCESS_TOKEN": "pul-token",
	}
	with := func(extra map[string]string, drop ...string) map[string]string {
		out := maps.Clone(base)
		maps.Copy(out, extra)
		for _, k := range drop {
			delete(out, k)
		}
		return out
	}
	cases := []struct {
		name    string
		vars    map[string]string
		modify  func(*environment)
		want    credentialKind
		missing []string // one substring per missing line, in order
	}{
		{name: "az login session", vars: base, want: credentialAzureCLI},
		{name: "client secret", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_CLIENT_SECRET": "s"}), want: credentialClientSecret},
		{name: "client secret wins over OIDC, as in azure-native", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_CLIENT_SECRET": "s", "ARM_USE_OIDC": "true"}), want: credentialClientSecret},
		{name: "OIDC token", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": "jwt"}), want: credentialOIDC},
		{name: "OIDC from GitHub Actions", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_USE_OIDC": "true",
			"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"}), want: credentialOIDC},
		{name: "self-managed backend with an empty passphrase", vars: with(map[string]string{"PULUMI_BACKEND_URL": "file:///tmp/state", "PULUMI_CONFIG_PASSPHRASE": ""}, "PULUMI_ACCESS_TOKEN"), want: credentialAzureCLI},
		{name: "no deadline (-timeout 0)", vars: base, modify: func(e *environment) { e.TimeLeft = func() (time.Duration, bool) { return 0, false } }, want: credentialAzureCLI},

		{name: "no subscription", vars: with(nil, "ARM_SUBSCRIPTION_ID"), want: credentialAzureCLI, missing: []string{"ARM_SUBSCRIPTION_ID"}},
		{name: "no tenant", vars: with(nil, "ARM_TENANT_ID"), want: credentialAzureCLI, missing: []string{"ARM_TENANT_ID"}},
		{name: "client secret without client ID", vars: with(map[string]string{"ARM_CLIENT_SECRET": "s"}), want: credentialClientSecret, missing: []string{"ARM_CLIENT_ID"}},
		{name: "OIDC without a token", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_USE_OIDC": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token"}),
			want: credentialOIDC, missing: []string{"an OIDC token"}},
		{name: "no credentials and no az", vars: base, modify: without("az"), missing: []string{"az is not on PATH"}},
		{name: "az without a session", vars: base, modify: func(e *environment) {
			e.AzureCLISession = func(string) error { return errors.New("Please run 'az login'") }
		}, want: credentialAzureCLI, missing: []string{"az login session"}},
		{name: "certificate is refused", vars: with(map[string]string{"ARM_CLIENT_ID": "app", "ARM_CLIENT_CERTIFICATE_PATH": "/c.pfx", "ARM_CLIENT_SECRET": "s"}),
			missing: []string{"ARM_CLIENT_CERTIFICATE_PATH is set"}},
		{name: "managed identity is refused", vars: with(map[string]string{"ARM_USE_MSI": "true"}), missing: []string{"ARM_USE_MSI is set"}},
		{name: "no Pulumi backend", vars: with(nil, "PULUMI_ACCESS_TOKEN"), want: credentialAzureCLI, missing: []string{"PULUMI_ACCESS_TOKEN (Pulumi Cloud) or PULUMI_BACKEND_URL"}},
		{name: "self-managed backend without passphrase", vars: with(map[string]string{"PULUMI_BACKEND_URL": "azblob://state"}), want: credentialAzureCLI,
			missing: []string{"PULUMI_CONFIG_PASSPHRASE"}},
		{name: "no pulumi CLI", vars: base, modify: without("pulumi"), want: credentialAzureCLI, missing: []string{"pulumi CLI"}},
		{name: "go test's default timeout", vars: base, modify: func(e *environment) { e.TimeLeft = func() (time.Duration, bool) { return 10 * time.Minute, true } },
			want: credentialAzureCLI, missing: []string{"-timeout 55m or more"}},
		{name: "nothing at all", vars: map[string]string{}, modify: without("az", "pulumi"),
			missing: []string{"ARM_SUBSCRIPTION_ID", "ARM_TENANT_ID", "Azure credentials", "PULUMI_ACCESS_TOKEN", "pulumi CLI"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := fakeEnvironment(tc.vars)
			if tc.modify != nil {
				tc.modify(&env)
			}
			got, missing := checkRequirements(env)
			if got.Credential != tc.want {
				t.Errorf("credential = %s, want %s", got.Credential, tc.want)
			}
			if len(missing) != len(tc.missing) {
				t.Fatalf("missing = %d line(s), want %d:\n%s", len(missing), len(tc.missing), requirementsMessage(missing))
			}
			for i, want := range tc.missing {
				if !strings.Contains(missing[i], want) {
					t.Errorf("missing[%d] = %q, want it to mention %q", i, missing[i], want)
				}
			}
		})
	}
}
