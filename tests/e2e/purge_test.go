package e2e

// Purging a soft-deleted vault through the ARM REST API, and when the purge
// is done. No build tag: the table test below runs it offline against
// net/http/httptest servers; azure_test.go wires it to a real token.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// armEndpoint is Azure Resource Manager in the public cloud.
	armEndpoint = "https://management.azure.com"
	// keyVaultAPIVersion is a Microsoft.KeyVault API version with
	// "Vaults - Purge Deleted" and "Vaults - Get Deleted"
	// (learn.microsoft.com/rest/api/keyvault).
	keyVaultAPIVersion = "2023-02-01"
	// purgeTimeout bounds one vault's purge. Purges usually end within a
	// minute; the cleanup (cleanupBudget) must still have time left after
	// `pulumi destroy`.
	purgeTimeout = 6 * time.Minute
	// purgePollInterval is the wait between polls when Azure sends no
	// Retry-After.
	purgePollInterval = 10 * time.Second
	// purgeMaxWait caps one wait: a Retry-After, or the backoff after
	// throttling and server errors.
	purgeMaxWait = time.Minute
	// armRequestTimeout bounds one ARM request.
	armRequestTimeout = time.Minute
)

// vaultPurger purges soft-deleted vaults through ARM. Its fields are
// injectable so that the offline test runs against httptest with a fake
// clock; the live test sets only Token and Logf.
type vaultPurger struct {
	// Endpoint is ARM's base URL. Empty means armEndpoint.
	Endpoint string
	// Client sends the requests. Nil means a client with armRequestTimeout.
	Client *http.Client
	// Token returns a bearer token for ARM. Required.
	Token func(ctx context.Context) (string, error)
	// Interval is the wait between polls without Retry-After, and the first
	// step of the backoff. Zero means purgePollInterval.
	Interval time.Duration
	// MaxWait caps one wait. Zero means purgeMaxWait.
	MaxWait time.Duration
	// Timeout bounds the whole purge, on the Now clock. Zero means
	// purgeTimeout.
	Timeout time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Sleep waits d, or returns ctx's error if ctx ends first. Nil means a
	// timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logf logs progress. Nil means no log.
	Logf func(format string, args ...any)
}

// withDefaults returns a copy of p with every zero field defaulted.
func (p vaultPurger) withDefaults() vaultPurger {
	if p.Endpoint == "" {
		p.Endpoint = armEndpoint
	}
	if p.Client == nil {
		p.Client = &http.Client{Timeout: armRequestTimeout}
	}
	if p.Interval == 0 {
		p.Interval = purgePollInterval
	}
	if p.MaxWait == 0 {
		p.MaxWait = purgeMaxWait
	}
	if p.Timeout == 0 {
		p.Timeout = purgeTimeout
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Logf == nil {
		p.Logf = func(string, ...any) {}
	}
	return p
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// pollKind is what the next request of a purge asks.
type pollKind int

const (
	// postPurge is "Vaults - Purge Deleted": POST .../deletedVaults/N/purge.
	postPurge pollKind = iota
	// checkBeforeRepost is "Vaults - Get Deleted" after a POST that failed
	// transiently: it decides whether to POST again.
	checkBeforeRepost
	// pollVault is "Vaults - Get Deleted" until it answers 404.
	pollVault
	// pollAsyncOperation is a GET of the Azure-AsyncOperation URL.
	pollAsyncOperation
	// pollLocation is a GET of the Location URL.
	pollLocation
)

// purgeRun is the state of one purge.
type purgeRun struct {
	vaultPurger
	name, location string
	// deletedVault and purgeURL are the deleted vault's GET and purge URLs.
	deletedVault, purgeURL string
	// kind and target are the next request.
	kind   pollKind
	target string
	// started is set once Azure has accepted a purge (202) or said one runs
	// (409). From then on the purge is never POSTed again.
	started bool
	// failures counts consecutive transient failures, for the backoff.
	failures int
	// last describes the last response, for the deadline error.
	last string
}

// purge purges the soft-deleted vault name in location and returns once
// Azure has removed it, or with an error that names the vault.
//
//   - POST .../deletedVaults/N/purge answers 200 (purged), 202 (accepted),
//     404 (no such deleted vault: nothing to purge, logged) or 409 (a purge
//     or another operation on the vault already runs).
//   - After a 202, it polls Azure-AsyncOperation if present, else Location,
//     else the deleted vault itself until it answers 404. After a 409 it
//     polls the deleted vault. It honours Retry-After.
//   - It never POSTs again once Azure has accepted a purge or said one runs.
//   - 429, 5xx and network errors are retried with backoff; on the POST,
//     only after a GET of the deleted vault (see retry).
//   - It gives up after Timeout, with an error that says so.
func (p vaultPurger) purge(ctx context.Context, subscriptionID, location, name string) error {
	p = p.withDefaults()
	vaultURL := fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.KeyVault/locations/%s/deletedVaults/%s",
		strings.TrimSuffix(p.Endpoint, "/"), url.PathEscape(subscriptionID), url.PathEscape(location), url.PathEscape(name))
	query := "?api-version=" + url.QueryEscape(keyVaultAPIVersion)
	r := &purgeRun{
		vaultPurger:  p,
		name:         name,
		location:     location,
		deletedVault: vaultURL + query,
		purgeURL:     vaultURL + "/purge" + query,
		kind:         postPurge,
	}
	r.target = r.purgeURL
	deadline := p.Now().Add(p.Timeout)
	for {
		method := http.MethodGet
		if r.kind == postPurge {
			method = http.MethodPost
		}
		resp, body, err := r.do(ctx, method, r.target)
		var tokenErr *armTokenError
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("purging vault %s: %w", name, ctx.Err())
		case errors.As(err, &tokenErr):
			return fmt.Errorf("purging vault %s: %w", name, err)
		}
		var wait time.Duration
		if err != nil || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			wait = r.retry(method, resp, err)
		} else {
			r.failures = 0
			r.last = fmt.Sprintf("%s %s: %s", method, redact(r.target), resp.Status)
			done, err := r.next(resp, body)
			if err != nil {
				return fmt.Errorf("purging vault %s: %s %s: %w", name, method, redact(r.target), err)
			}
			if done {
				return nil
			}
			if r.kind != postPurge {
				wait = r.retryAfter(resp, r.Interval)
			}
			// A repost follows its check at once: the backoff was spent
			// before the check.
		}
		left := deadline.Sub(r.Now())
		if left <= 0 {
			return r.deadlineError()
		}
		if wait > 0 {
			if err := r.Sleep(ctx, min(wait, left)); err != nil {
				return fmt.Errorf("purging vault %s: %w", name, err)
			}
		}
	}
}

// retry handles a transient failure (429, 5xx or a network error) of the
// current request and returns the wait before the next one.
func (r *purgeRun) retry(method string, resp *http.Response, err error) time.Duration {
	r.failures++
	wait := r.backoff(resp, r.failures)
	if err != nil {
		r.last = err.Error()
	} else {
		r.last = fmt.Sprintf("%s %s: %s", method, redact(r.target), resp.Status)
	}
	r.Logf("purge of vault %s: %s; next request in %s", r.name, r.last, wait)
	if r.kind == postPurge {
		// The POST may or may not have started a purge: a 429 says the
		// request was not carried out, but a 5xx or a dropped connection can
		// come after Key Vault started the purge. So the POST is not simply
		// sent again: first a GET of the deleted vault. A 404 there means
		// the vault is purged already. A 200 means it is still there; a
		// deleted vault shows no state of a running purge, and neither a 202
		// nor a 409 came back to say one runs, so one more POST is what is
		// left to do. If a purge runs after all, Azure answers that POST with
		// 409 (an operation is in progress) instead of starting another, and
		// the purge goes on by polling the deleted vault.
		r.kind, r.target = checkBeforeRepost, r.deletedVault
	}
	return wait
}

// next interprets a response that is neither throttling nor a server error:
// it says whether the purge is done, or sets the next request.
func (r *purgeRun) next(resp *http.Response, body []byte) (done bool, err error) {
	code := resp.StatusCode
	switch r.kind {
	case postPurge:
		switch code {
		case http.StatusOK, http.StatusNoContent:
			return true, nil
		case http.StatusNotFound:
			r.Logf("purge of vault %s: no deleted vault %s in %s (404): nothing to purge, it is purged already", r.name, r.name, r.location)
			return true, nil
		case http.StatusConflict:
			r.started = true
			r.Logf("purge of vault %s: a purge or another operation on it already runs (409); polling the deleted vault instead of purging again", r.name)
			r.kind, r.target = pollVault, r.deletedVault
			return false, nil
		case http.StatusAccepted:
			r.started = true
			if op := r.sameHost(resp, "Azure-AsyncOperation"); op != "" {
				r.kind, r.target = pollAsyncOperation, op
			} else if loc := r.sameHost(resp, "Location"); loc != "" {
				r.kind, r.target = pollLocation, loc
			} else {
				r.Logf("purge of vault %s: accepted (202) with no operation to poll; polling the deleted vault until it is gone", r.name)
				r.kind, r.target = pollVault, r.deletedVault
			}
			return false, nil
		}
	case checkBeforeRepost:
		switch code {
		case http.StatusNotFound:
			r.Logf("purge of vault %s: the deleted vault is gone (404): purged", r.name)
			return true, nil
		case http.StatusOK:
			if r.started {
				// Unreachable: a check only follows a POST, and no POST
				// follows a 202 or 409. Kept as the invariant.
				r.kind, r.target = pollVault, r.deletedVault
			} else {
				r.kind, r.target = postPurge, r.purgeURL
			}
			return false, nil
		}
	case pollVault:
		switch code {
		case http.StatusNotFound:
			return true, nil
		case http.StatusOK:
			return false, nil
		}
	case pollAsyncOperation:
		switch code {
		case http.StatusAccepted:
			return false, nil
		case http.StatusNotFound:
			r.Logf("purge of vault %s: its operation is unknown (404); polling the deleted vault", r.name)
			r.kind, r.target = pollVault, r.deletedVault
			return false, nil
		case http.StatusOK:
			var op struct {
				Status string `json:"status"`
			}
			if err := json.Unmarshal(body, &op); err != nil {
				return false, fmt.Errorf("decoding the operation status: %w: %s", err, trim(body))
			}
			switch strings.ToLower(op.Status) {
			case "succeeded":
				return true, nil
			case "failed", "canceled", "cancelled":
				return false, fmt.Errorf("the operation ended with status %s: %s", op.Status, trim(body))
			}
			return false, nil
		}
	case pollLocation:
		switch code {
		case http.StatusAccepted:
			return false, nil
		case http.StatusOK, http.StatusNoContent:
			return true, nil
		case http.StatusNotFound:
			r.Logf("purge of vault %s: its operation is unknown (404); polling the deleted vault", r.name)
			r.kind, r.target = pollVault, r.deletedVault
			return false, nil
		}
	}
	return false, fmt.Errorf("%s: %s", resp.Status, trim(body))
}

// deadlineError says that the vault is still not purged after Timeout.
func (r *purgeRun) deadlineError() error {
	state := "Azure never accepted a purge"
	if r.started {
		state = "Azure accepted the purge, which may still finish"
	}
	return fmt.Errorf("purging vault %s in %s: still not purged after %s (%s); last response: %s", r.name, r.location, r.Timeout, state, r.last)
}

// sameHost returns the URL in the response's header, resolved against the
// request, if it is on the request's scheme and host. A URL elsewhere would
// be sent the bearer token, so it is not followed; the deleted vault is
// polled instead.
func (r *purgeRun) sameHost(resp *http.Response, header string) string {
	v := resp.Header.Get(header)
	if v == "" {
		return ""
	}
	base, err := url.Parse(r.target)
	if err != nil {
		return ""
	}
	u, err := base.Parse(v)
	if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
		r.Logf("purge of vault %s: not following %s %s (not on %s)", r.name, header, redact(v), base.Host)
		return ""
	}
	return u.String()
}

// backoff is the wait after the n-th consecutive transient failure:
// Retry-After if Azure sent one, else Interval doubled each time, up to
// MaxWait.
func (p vaultPurger) backoff(resp *http.Response, n int) time.Duration {
	d := p.Interval
	for i := 1; i < n && d < p.MaxWait; i++ {
		d *= 2
	}
	return p.retryAfter(resp, min(d, p.MaxWait))
}

// retryAfter is the response's Retry-After, in seconds or as an HTTP date,
// at most MaxWait; def if it has none.
func (p vaultPurger) retryAfter(resp *http.Response, def time.Duration) time.Duration {
	if resp == nil {
		return def
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return def
	}
	var d time.Duration
	if s, err := strconv.Atoi(v); err == nil {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(p.Now())
	} else {
		return def
	}
	return min(max(d, 0), p.MaxWait)
}

// armTokenError is a failure to get an ARM token: not retried.
type armTokenError struct{ err error }

func (e *armTokenError) Error() string { return "getting an ARM token: " + e.err.Error() }
func (e *armTokenError) Unwrap() error { return e.err }

// do sends one authenticated ARM request and reads the response.
func (p vaultPurger) do(ctx context.Context, method, target string) (*http.Response, []byte, error) {
	tok, err := p.Token(ctx)
	if err != nil {
		return nil, nil, &armTokenError{err: err}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	resp, err := p.Client.Do(req)
	if err != nil {
		// Not the url.Error itself: it quotes the URL with its query.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, nil, fmt.Errorf("%s %s: %w", method, redact(target), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the response to %s %s: %w", method, redact(target), err)
	}
	return resp, body, nil
}

// redact is a URL without its query: operation URLs can carry signatures.
func redact(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// trim shortens a response body for an error message.
func trim(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 1000 {
		s = s[:1000] + "..."
	}
	return s
}

// fakeClock is a clock whose Sleep advances it at once and records the wait.
type fakeClock struct {
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

// armStep is one scripted answer of the fake ARM: the request it expects
// (method and path, query ignored) and its response. The last step of a
// script with repeat set answers every further request.
type armStep struct {
	method, path string
	status       int
	header       map[string]string
	body         string
	// repeat answers every further request with this step.
	repeat bool
	// drop closes the connection without an answer.
	drop bool
}

// fakeARM serves a script of steps and records what was asked.
type fakeARM struct {
	t      *testing.T
	script []armStep
	mu     sync.Mutex
	calls  []string
}

func (f *fakeARM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.Method + " " + r.URL.Path
	f.calls = append(f.calls, call)
	if got := r.Header.Get("Authorization"); got != "Bearer test-token" {
		f.t.Errorf("%s: Authorization = %q, want the bearer token", call, got)
	}
	if strings.Contains(r.URL.Path, "/deletedVaults/") && r.URL.Query().Get("api-version") != keyVaultAPIVersion {
		f.t.Errorf("%s: api-version = %q, want %s", call, r.URL.Query().Get("api-version"), keyVaultAPIVersion)
	}
	if len(f.script) == 0 {
		f.t.Errorf("unexpected request %s: the script is over", call)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	s := f.script[0]
	if !s.repeat {
		f.script = f.script[1:]
	}
	if r.Method != s.method || r.URL.Path != s.path {
		f.t.Errorf("request %d = %s, want %s %s", len(f.calls), call, s.method, s.path)
	}
	if s.drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			f.t.Errorf("hijacking the connection: %v", err)
			return
		}
		conn.Close()
		return
	}
	for k, v := range s.header {
		w.Header().Set(k, strings.ReplaceAll(v, "{server}", "http://"+r.Host))
	}
	w.WriteHeader(s.status)
	_, _ = io.WriteString(w, s.body)
}

func TestVaultPurge(t *testing.T) {
	t.Parallel()
	const (
		vault  = "/subscriptions/sub-1/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-e2e"
		purge  = vault + "/purge"
		op     = "/subscriptions/sub-1/providers/Microsoft.KeyVault/locations/westeurope/operationResults/op-1"
		post   = http.MethodPost
		get    = http.MethodGet
		second = time.Second
	)
	cases := []struct {
		name   string
		script []armStep
		// wantErr is a substring of the error; empty means success.
		wantErr string
		// wantCalls are the requests in order, when the case checks them.
		wantCalls []string
		// wantWaits are the clock's waits in order, when the case checks them.
		wantWaits []time.Duration
		wantLog   string
		// timeout is the purge's Timeout; zero means a minute.
		timeout time.Duration
	}{
		{
			name:      "200: purged at once",
			script:    []armStep{{method: post, path: purge, status: 200}},
			wantCalls: []string{post + " " + purge},
		},
		{
			name: "202 with Location: poll it until 200",
			script: []armStep{
				{method: post, path: purge, status: 202, header: map[string]string{"Location": "{server}" + op + "?api-version=x&sig=secret"}},
				{method: get, path: op, status: 202},
				{method: get, path: op, status: 200},
			},
			wantCalls: []string{post + " " + purge, get + " " + op, get + " " + op},
			wantWaits: []time.Duration{10 * second, 10 * second},
		},
		{
			name: "202 with Azure-AsyncOperation: preferred to Location, Retry-After honoured",
			script: []armStep{
				{method: post, path: purge, status: 202, header: map[string]string{
					"Azure-AsyncOperation": "{server}" + op, "Location": "{server}/elsewhere", "Retry-After": "3"}},
				{method: get, path: op, status: 200, body: `{"status":"InProgress"}`, header: map[string]string{"Retry-After": "5"}},
				{method: get, path: op, status: 200, body: `{"status":"Succeeded"}`},
			},
			wantCalls: []string{post + " " + purge, get + " " + op, get + " " + op},
			wantWaits: []time.Duration{3 * second, 5 * second},
		},
		{
			name: "202 with Azure-AsyncOperation that fails",
			script: []armStep{
				{method: post, path: purge, status: 202, header: map[string]string{"Azure-AsyncOperation": "{server}" + op + "?sig=secret"}},
				{method: get, path: op, status: 500},
				{method: get, path: op, status: 200, body: `{"status":"Failed","error":{"code":"Boom"}}`},
			},
			wantErr: "the operation ended with status Failed",
		},
		{
			name: "202 with no Location: poll the deleted vault until 404, never POST again",
			script: []armStep{
				{method: post, path: purge, status: 202},
				{method: get, path: vault, status: 200, body: `{"name":"kv-e2e"}`},
				{method: get, path: vault, status: 200, body: `{"name":"kv-e2e"}`},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault, get + " " + vault, get + " " + vault},
			wantWaits: []time.Duration{10 * second, 10 * second, 10 * second},
			wantLog:   "no operation to poll",
		},
		{
			name: "Location on another host is not followed: poll the deleted vault",
			script: []armStep{
				{method: post, path: purge, status: 202, header: map[string]string{"Location": "https://attacker.example/op"}},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault},
			wantLog:   "not following Location",
		},
		{
			name: "409: a purge already runs, poll the deleted vault",
			script: []armStep{
				{method: post, path: purge, status: 409, body: `{"error":{"code":"Conflict"}}`},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault},
			wantLog:   "already runs (409)",
		},
		{
			name:      "404 on POST: nothing to purge",
			script:    []armStep{{method: post, path: purge, status: 404}},
			wantCalls: []string{post + " " + purge},
			wantLog:   "nothing to purge",
		},
		{
			name: "deadline exceeded while the deleted vault stays",
			script: []armStep{
				{method: post, path: purge, status: 202},
				{method: get, path: vault, status: 200, repeat: true},
			},
			wantErr: "purging vault kv-e2e in westeurope: still not purged after 1m0s (Azure accepted the purge",
		},
		{
			name: "429 on POST, deleted vault still there: POST again after the backoff",
			script: []armStep{
				{method: post, path: purge, status: 429, header: map[string]string{"Retry-After": "2"}},
				{method: get, path: vault, status: 200},
				{method: post, path: purge, status: 200},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault, post + " " + purge},
			wantWaits: []time.Duration{2 * second},
		},
		{
			name: "500 on POST, deleted vault gone: purged, no second POST",
			script: []armStep{
				{method: post, path: purge, status: 500},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault},
		},
		{
			name: "503 on POST, then 409 on the repost: poll, never a third POST",
			script: []armStep{
				{method: post, path: purge, status: 503},
				{method: get, path: vault, status: 200},
				{method: post, path: purge, status: 409},
				{method: get, path: vault, status: 200},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault, post + " " + purge, get + " " + vault, get + " " + vault},
		},
		{
			name: "5xx and 429 on polls: retried with a growing backoff",
			script: []armStep{
				{method: post, path: purge, status: 202},
				{method: get, path: vault, status: 503},
				{method: get, path: vault, status: 502},
				{method: get, path: vault, status: 429},
				{method: get, path: vault, status: 200},
				{method: get, path: vault, status: 404},
			},
			wantWaits: []time.Duration{10 * second, 10 * second, 20 * second, 40 * second, 10 * second},
			timeout:   5 * time.Minute,
		},
		{
			name: "connection dropped on POST, deleted vault gone: purged, no second POST",
			script: []armStep{
				{method: post, path: purge, drop: true},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault},
			wantLog:   "the deleted vault is gone",
		},
		{
			name: "connection dropped on POST, deleted vault still there: POST again",
			script: []armStep{
				{method: post, path: purge, drop: true},
				{method: get, path: vault, status: 200},
				{method: post, path: purge, status: 202},
				{method: get, path: vault, status: 404},
			},
			wantCalls: []string{post + " " + purge, get + " " + vault, post + " " + purge, get + " " + vault},
		},
		{
			name:    "403 on POST is an error",
			script:  []armStep{{method: post, path: purge, status: 403, body: `{"error":{"code":"AuthorizationFailed"}}`}},
			wantErr: "purging vault kv-e2e: POST",
		},
		{
			name: "unexpected status on a poll is an error",
			script: []armStep{
				{method: post, path: purge, status: 202},
				{method: get, path: vault, status: 401},
			},
			wantErr: "401 Unauthorized",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			arm := &fakeARM{t: t, script: tc.script}
			srv := httptest.NewServer(arm)
			defer srv.Close()
			clock := &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			var logs []string
			p := vaultPurger{
				Endpoint: srv.URL,
				Client:   srv.Client(),
				Token:    func(context.Context) (string, error) { return "test-token", nil },
				Interval: 10 * time.Second,
				MaxWait:  time.Minute,
				Timeout:  cmp.Or(tc.timeout, time.Minute),
				Now:      clock.Now,
				Sleep:    clock.Sleep,
				Logf:     func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) },
			}
			err := p.purge(context.Background(), "sub-1", "westeurope", "kv-e2e")
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("purge: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("purge succeeded, want an error with %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("purge: %v, want an error with %q", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "vault kv-e2e") {
				t.Errorf("error %q does not name the vault", err)
			}
			if err != nil && strings.Contains(err.Error(), "sig=") {
				t.Errorf("error %q shows an operation URL's query", err)
			}
			if i := slices.IndexFunc(logs, func(l string) bool { return strings.Contains(l, "sig=") }); i >= 0 {
				t.Errorf("log line %q shows an operation URL's query", logs[i])
			}
			arm.mu.Lock()
			defer arm.mu.Unlock()
			if tc.wantCalls != nil && !slices.Equal(arm.calls, tc.wantCalls) {
				t.Errorf("requests:\n  %s\nwant:\n  %s", strings.Join(arm.calls, "\n  "), strings.Join(tc.wantCalls, "\n  "))
			}
			if n := len(arm.script); n > 0 && !arm.script[0].repeat {
				t.Errorf("%d scripted response(s) never requested, first %s %s", n, arm.script[0].method, arm.script[0].path)
			}
			if tc.wantWaits != nil && !slices.Equal(clock.waits, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", clock.waits, tc.wantWaits)
			}
			if elapsed := clock.now.Sub(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); elapsed > p.Timeout {
				t.Errorf("the purge waited %s, more than its timeout %s", elapsed, p.Timeout)
			}
			if tc.wantLog != "" && !slices.ContainsFunc(logs, func(l string) bool { return strings.Contains(l, tc.wantLog) }) {
				t.Errorf("log:\n  %s\nwant a line with %q", strings.Join(logs, "\n  "), tc.wantLog)
			}
		})
	}
}

func TestVaultPurgeRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := vaultPurger{Now: func() time.Time { return now }, MaxWait: time.Minute}.withDefaults()
	cases := []struct {
		name, header string
		want         time.Duration
	}{
		{"absent: the default", "", 7 * time.Second},
		{"seconds", "4", 4 * time.Second},
		{"HTTP date", now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{"date in the past: no wait", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"capped at MaxWait", "3600", time.Minute},
		{"garbage: the default", "soon", 7 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{Header: http.Header{}}
			if tc.header != "" {
				resp.Header.Set("Retry-After", tc.header)
			}
			if got := p.retryAfter(resp, 7*time.Second); got != tc.want {
				t.Errorf("retryAfter(%q) = %s, want %s", tc.header, got, tc.want)
			}
		})
	}
}
