//go:build e2e

package e2e

// The test's one Azure call of its own: purging the soft-deleted vault after
// `pulumi destroy`, through the ARM REST API, signed in as azure-native is.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

const (
	// armEndpoint is Azure Resource Manager in the public cloud.
	armEndpoint = "https://management.azure.com"
	// keyVaultAPIVersion is a Microsoft.KeyVault API version with
	// "Vaults - Purge Deleted" (learn.microsoft.com/rest/api/keyvault).
	keyVaultAPIVersion = "2023-02-01"
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
// done it:
// POST /subscriptions/S/providers/Microsoft.KeyVault/locations/L/deletedVaults/N/purge
// answers 200 (purged) or 202 with a Location to poll.
func purgeDeletedVault(ctx context.Context, cred azcore.TokenCredential, subscriptionID, location, name string) error {
	purgeURL := fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.KeyVault/locations/%s/deletedVaults/%s/purge?api-version=%s",
		armEndpoint, url.PathEscape(subscriptionID), url.PathEscape(location), url.PathEscape(name), keyVaultAPIVersion)
	method, target := http.MethodPost, purgeURL
	for {
		resp, body, err := armRequest(ctx, cred, method, target)
		if err != nil {
			return fmt.Errorf("purging vault %s: %w", name, err)
		}
		wait := retryAfter(resp, 10*time.Second)
		switch {
		case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent:
			return nil
		case resp.StatusCode == http.StatusAccepted && resp.Header.Get("Location") != "":
			// Accepted: poll the operation.
			method, target = http.MethodGet, resp.Header.Get("Location")
		case resp.StatusCode == http.StatusAccepted:
			// Polling an operation that is still running.
		case resp.StatusCode == http.StatusConflict || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			// Another operation on the vault, throttling, or a server error:
			// try the same request again.
		default:
			return fmt.Errorf("purging vault %s: %s %s: %s: %s", name, method, target, resp.Status, body)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("purging vault %s: %w", name, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// armRequest sends one authenticated ARM request and reads the response.
func armRequest(ctx context.Context, cred azcore.TokenCredential, method, target string) (*http.Response, []byte, error) {
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armEndpoint + "/.default"}})
	if err != nil {
		return nil, nil, fmt.Errorf("getting an ARM token: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the response to %s %s: %w", method, target, err)
	}
	return resp, body, nil
}

// retryAfter is the response's Retry-After in seconds, or def.
func retryAfter(resp *http.Response, def time.Duration) time.Duration {
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 && s <= 60 {
		return time.Duration(s) * time.Second
	}
	return def
}
