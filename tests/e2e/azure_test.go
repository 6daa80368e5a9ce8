//go:build e2e

package e2e

// The test's one Azure call of its own: purging the soft-deleted vault after
// `pulumi destroy`, through the ARM REST API (the management plane, never a
// vault's data plane), signed in as azure-native is. The purge itself is in
// purge_test.go, which has no build tag, so that its table test runs offline.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

const (
	// oidcAudience is the audience Entra expects of a federated token.
	oidcAudience = "api://AzureADTokenExchange"
)

// newCredential signs in the way checkCredentials found azure-native will.
func newCredential(s settings) (azcore.TokenCredential, error) {
	var cred azcore.TokenCredential
	var err error
	switch s.Credential {
	case credentialClientSecret:
		cred, err = azidentity.NewClientSecretCredential(s.TenantID, s.ClientID, os.Getenv("ARM_CLIENT_SECRET"), nil)
	case credentialOIDC:
		cred, err = azidentity.NewClientAssertionCredential(s.TenantID, s.ClientID, oidcToken, nil)
	case credentialAzureCLI:
		cred, err = azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: s.TenantID})
	default:
		return nil, fmt.Errorf("no Azure credential configured (%s)", s.Credential)
	}
	if err != nil {
		return nil, fmt.Errorf("creating the Azure credential (%s): %w", s.Credential, err)
	}
	return cred, nil
}

// oidcToken returns the federated token from the same sources, in the same
// order, as azure-native: ARM_OIDC_TOKEN, the file ARM_OIDC_TOKEN_FILE_PATH,
// then GitHub Actions' token endpoint. It is called for each new access
// token, so a short-lived GitHub token is fetched fresh.
func oidcToken(ctx context.Context) (string, error) {
	if tok := os.Getenv("ARM_OIDC_TOKEN"); tok != "" {
		return tok, nil
	}
	if p := os.Getenv("ARM_OIDC_TOKEN_FILE_PATH"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("reading the OIDC token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return githubOIDCToken(ctx, os.Getenv("ACTIONS_ID_TOKEN_REQUEST_URL"), os.Getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
}

// githubOIDCToken requests an ID token from GitHub Actions for Entra.
func githubOIDCToken(ctx context.Context, requestURL, bearer string) (string, error) {
	u, err := url.Parse(requestURL)
	if err != nil {
		return "", fmt.Errorf("ACTIONS_ID_TOKEN_REQUEST_URL: %w", err)
	}
	q := u.Query()
	q.Set("audience", oidcAudience)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("requesting a GitHub OIDC token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting a GitHub OIDC token: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting a GitHub OIDC token: %s: %s", resp.Status, body)
	}
	var tok struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.Value == "" {
		return "", fmt.Errorf("decoding the GitHub OIDC token response: %v", err)
	}
	return tok.Value, nil
}

// purgeDeletedVault purges a soft-deleted vault and waits until Azure has
// done it (vaultPurger, in purge_test.go), signed in with cred.
func purgeDeletedVault(ctx context.Context, cred azcore.TokenCredential, subscriptionID, location, name string, logf func(string, ...any)) error {
	p := vaultPurger{
		Token: func(ctx context.Context) (string, error) {
			tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armEndpoint + "/.default"}})
			return tok.Token, err
		},
		Logf: logf,
	}
	return p.purge(ctx, subscriptionID, location, name)
}
