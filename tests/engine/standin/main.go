// Command standin stands in for the azure-native and azuread providers in
// the engine tests: no Azure, no Microsoft Graph. Installed as the plugins
// pulumi-resource-azure-native 2.90.0 and pulumi-resource-azuread 5.53.5 (the
// versions the program asks for), it serves under the name its file has.
//
//   - Check returns the inputs.
//   - Diff compares old and new inputs leaf by leaf and classifies each change
//     with the day-two replacement table (internal/plan), the same data the
//     offline plan diff uses.
//   - Create and Update answer with the outputs the offline plan's recorder
//     fakes (plan.FakeResource), so the engine's state and the plan agree.
//   - Invoke answers getClientConfig and the cluster credential listings
//     (plan.FakeInvoke).
//   - Delete records the call.
//
// SECURE_AKS_STANDIN_LOG names a file each create, update and delete is
// appended to, one line each: OP TYPE NAME.
//
// SECURE_AKS_STANDIN_FAULTS injects faults as Azure makes them: a
// comma-separated list of NAME=STATUS (409 or 403); the first create of
// the resource of that logical name fails with that answer, once per
// SECURE_AKS_STANDIN_FAULT_DIR (where it marks the fault as spent).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aks/secure-aks/internal/plan"
)

// versions are the plugin versions the program asks for.
var versions = map[string]string{"azure-native": "2.90.0", "azuread": "5.53.5"}

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	version, ok := versions[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "standin: install me as pulumi-resource-azure-native or pulumi-resource-azuread, not %s\n", os.Args[0])
		os.Exit(2)
	}
	if err := p.RunProvider(context.Background(), name, version, provider()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func provider() p.Provider {
	return p.Provider{
		CheckConfig: func(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
			return p.CheckResponse{Inputs: req.Inputs}, nil
		},
		DiffConfig: func(context.Context, p.DiffRequest) (p.DiffResponse, error) {
			return p.DiffResponse{}, nil
		},
		Configure: func(context.Context, p.ConfigureRequest) error { return nil },
		Check: func(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
			return p.CheckResponse{Inputs: req.Inputs}, nil
		},
		Diff: diff,
		Create: func(_ context.Context, req p.CreateRequest) (p.CreateResponse, error) {
			id, state := fake(req.Urn.Type().String(), req.Urn.Name(), req.Properties)
			if req.DryRun {
				// As azure-native previews a create: what Azure computes is
				// known only after apply.
				return p.CreateResponse{Properties: unknownOutputs(req.Properties, state)}, nil
			}
			if err := fault(req.Urn.Name()); err != nil {
				return p.CreateResponse{}, err
			}
			if _, ok := state.GetOk("resourceUID"); ok {
				// A new incarnation: Azure gives every created cluster a
				// new resourceUID, even under the same name.
				state = state.Set("resourceUID", property.New(randomHex(12)))
			}
			record("create", req.Urn.Type().String(), req.Urn.Name())
			return p.CreateResponse{ID: id, Properties: state}, nil
		},
		Update: func(_ context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
			_, state := fake(req.Urn.Type().String(), req.Urn.Name(), req.Inputs)
			if !req.DryRun {
				record("update", req.Urn.Type().String(), req.Urn.Name())
			}
			return p.UpdateResponse{Properties: state}, nil
		},
		Read: func(_ context.Context, req p.ReadRequest) (p.ReadResponse, error) {
			return p.ReadResponse{ID: req.ID, Properties: req.Properties, Inputs: req.Inputs}, nil
		},
		Delete: func(_ context.Context, req p.DeleteRequest) error {
			record("delete", req.Urn.Type().String(), req.Urn.Name())
			return nil
		},
		Invoke: func(_ context.Context, req p.InvokeRequest) (p.InvokeResponse, error) {
			out, err := plan.FakeInvoke(plan.FakeSubscriptionID, req.Token.String(), resource.ToResourcePropertyMap(req.Args))
			if err != nil {
				return p.InvokeResponse{}, err
			}
			return p.InvokeResponse{Return: resource.FromResourcePropertyMap(out)}, nil
		},
	}
}

// fake is the recorder's answer for a resource, from inputs that may hold
// secrets: the outputs keep the inputs' secrets.
func fake(typ, name string, inputs property.Map) (string, property.Map) {
	id, state := plan.FakeResource(plan.FakeSubscriptionID, typ, name, resource.ToResourcePropertyMap(inputs))
	return id, resource.FromResourcePropertyMap(state)
}

// diff compares old and new inputs leaf by leaf; each changed leaf is an
// update, or a replacement where the day-two table says the change
// replaces (an unknown value counts as changed, as in the engine).
func diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	old := leaves("", resource.ToResourcePropertyValue(property.New(req.OldInputs)))
	new := leaves("", resource.ToResourcePropertyValue(property.New(req.Inputs)))
	r := plan.Resource{Type: req.Urn.Type().String()}
	detailed := map[string]p.PropertyDiff{}
	for _, path := range unionKeys(old, new) {
		o, inOld := old[path]
		n, inNew := new[path]
		if inOld && inNew && o == n {
			continue
		}
		var op, np *string
		kind := p.Update
		switch {
		case !inOld:
			np, kind = &n, p.Add
		case !inNew:
			op, kind = &o, p.Delete
		default:
			op, np = &o, &n
		}
		if plan.Classify(r, path, op, np).Kind == plan.EffectReplace {
			kind = map[p.DiffKind]p.DiffKind{p.Add: p.AddReplace, p.Delete: p.DeleteReplace, p.Update: p.UpdateReplace}[kind]
		}
		detailed[path] = p.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return p.DiffResponse{HasChanges: len(detailed) > 0, DetailedDiff: detailed}, nil
}

// leaves flattens a value to "path" → printed leaf, with the plan's path
// syntax (dots and [i]); an unknown value prints as plan.Unknown.
func leaves(prefix string, v resource.PropertyValue) map[string]string {
	out := map[string]string{}
	var walk func(string, resource.PropertyValue)
	walk = func(path string, v resource.PropertyValue) {
		switch {
		case v.IsComputed() || (v.IsOutput() && !v.OutputValue().Known):
			out[path] = plan.Unknown
		case v.IsOutput():
			walk(path, v.OutputValue().Element)
		case v.IsSecret():
			walk(path, v.SecretValue().Element)
		case v.IsObject():
			for k, e := range v.ObjectValue() {
				next := string(k)
				if path != "" {
					next = path + "." + next
				}
				walk(next, e)
			}
		case v.IsArray():
			if len(v.ArrayValue()) == 0 {
				out[path] = "[]"
			}
			for i, e := range v.ArrayValue() {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case v.IsNull():
		default:
			out[path] = fmt.Sprint(v.V)
		}
	}
	walk(prefix, v)
	return out
}

func unionKeys(a, b map[string]string) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

var logMu sync.Mutex

// record appends OP TYPE NAME to SECURE_AKS_STANDIN_LOG, if set.
func record(op, typ, name string) {
	path := os.Getenv("SECURE_AKS_STANDIN_LOG")
	if path == "" {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s %s\n", op, typ, name)
}

// unknownOutputs is state with every output that is not an input unknown,
// at any depth: a cluster's oidcIssuerProfile.enabled is an input, its
// issuerURL is Azure's.
func unknownOutputs(inputs, state property.Map) property.Map {
	out := map[string]property.Value{}
	for k, v := range state.All {
		in, ok := inputs.GetOk(k)
		switch {
		case !ok:
			out[k] = property.New(property.Computed)
		case in.IsMap() && v.IsMap():
			out[k] = property.New(unknownOutputs(in.AsMap(), v.AsMap()))
		default:
			out[k] = v
		}
	}
	return property.NewMap(out)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// faults are Azure's answers the stand-in can give, by status.
var faults = map[string]string{
	"409": "Status=409 Code=\"ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity\" Message=\"Too many Federated Identity Credentials are written concurrently for the managed identity\"",
	"403": "Status=403 Code=\"AuthorizationFailed\" Message=\"The client does not have authorization to perform action; if access was recently granted, please refresh your credentials\"",
}

// fault returns the injected answer for the first create of name, if
// SECURE_AKS_STANDIN_FAULTS asks for one and it is not spent yet.
func fault(name string) error {
	dir := os.Getenv("SECURE_AKS_STANDIN_FAULT_DIR")
	for _, f := range strings.Split(os.Getenv("SECURE_AKS_STANDIN_FAULTS"), ",") {
		n, status, ok := strings.Cut(f, "=")
		if !ok || n != name || dir == "" {
			continue
		}
		marker := filepath.Join(dir, name+".spent")
		if _, err := os.Stat(marker); err == nil {
			return nil
		}
		if err := os.WriteFile(marker, []byte(status), 0o644); err != nil {
			return err
		}
		record("fault", status, name)
		return fmt.Errorf("injected by the stand-in: %s", faults[status])
	}
	return nil
}
