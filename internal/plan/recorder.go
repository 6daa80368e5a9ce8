// Package plan runs a Pulumi program against a recording mock monitor: no
// engine, no providers, no cloud. The recorder keeps every registered resource
// (type, name, parent, provider, dependencies and inputs) and answers with
// plausible, clearly fake outputs, so that wiring between resources is visible.
// The offline plan (cmd/plan) and the tests share it.
package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Fake values the recorder answers with. Each is clearly not a real value.
const (
	// FakeSubscriptionID is the subscription of every fake resource ID.
	FakeSubscriptionID = "00000000-0000-0000-0000-000000000000"
	// IssuerBase is the prefix of every fake OIDC issuer URL.
	IssuerBase = "https://oidc.plan.invalid/"
	// AKSServerAppID is the well-known application ID of the AKS AAD server,
	// as it appears in exec kubeconfigs.
	AKSServerAppID = "6dae42f8-4368-4678-94ff-3960e28e3630"
	// FakeClientKeyData is the client key in the fake admin kubeconfig: a
	// credential that must never show in a plan.
	FakeClientKeyData = "cGxhbi1mYWtlLWtleQ=="
)

// DeployerObjectID is the object ID getClientConfig answers with: the
// identity `pulumi up` runs as, in the plan.
var DeployerObjectID = FakeGUID("client", "objectId")

// Resource is one registered resource.
type Resource struct {
	URN       string         `json:"urn"`
	Type      string         `json:"type"`
	Name      string         `json:"name"`
	Parent    string         `json:"parent"`
	Custom    bool           `json:"custom"`
	Provider  string         `json:"provider,omitempty"`
	Inputs    map[string]any `json:"inputs"`
	DependsOn []string       `json:"dependsOn"`
	// ReplaceOnChanges are the input paths the program marked with
	// pulumi.ReplaceOnChanges.
	ReplaceOnChanges []string `json:"replaceOnChanges,omitempty"`
	// Aliases are the URNs the resource was once known by (pulumi.Aliases):
	// the engine moves a resource from an alias, it does not replace it.
	Aliases []string `json:"aliases,omitempty"`
	// RetainOnDelete, Protect and DeleteBeforeReplace are the resource
	// options of those names: what destroying or replacing the resource does.
	RetainOnDelete      bool `json:"retainOnDelete,omitempty"`
	Protect             bool `json:"protect,omitempty"`
	DeleteBeforeReplace bool `json:"deleteBeforeReplace,omitempty"`
	// IgnoreChanges are the input paths the program marked with
	// pulumi.IgnoreChanges: once the resource exists, the engine sends the
	// old value of each, so a change there changes nothing.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// CustomTimeouts are the pulumi.Timeouts the program set: how long the
	// engine lets the provider create, update or delete the resource.
	CustomTimeouts *CustomTimeouts `json:"customTimeouts,omitempty"`
	// InputSources maps an input path to the resources (URNs) whose
	// outputs its value carries: what a replacement of one of them makes
	// unknown until apply, as `pulumi preview` shows it. The path is a leaf
	// whose value equals an output of that resource, or, where no leaf
	// does (a value derived from an output, a secret), the top-level input
	// the program made depend on it.
	InputSources map[string][]string `json:"inputSources,omitempty"`

	// Version is the provider plugin version the resource asks for.
	Version string `json:"-"`

	// ID is the fake physical ID the recorder gave the resource.
	ID string `json:"-"`
	// RawInputs are the inputs as registered, secrets and all.
	RawInputs resource.PropertyMap `json:"-"`
	// State is what the recorder answered: the inputs plus fake outputs.
	State resource.PropertyMap `json:"-"`
	// PropertyDependencies maps each top-level input to the URNs it
	// depends on, as the program registered it.
	PropertyDependencies map[string][]string `json:"-"`

	// outputValues are the values of the outputs the recorder computed for
	// the resource (its ID, and every state leaf that is not an input).
	outputValues map[string]bool
}

// CustomTimeouts are a resource's custom timeouts, as Go durations ("20m");
// "" is the provider's default.
type CustomTimeouts struct {
	Create string `json:"create,omitempty"`
	Update string `json:"update,omitempty"`
	Delete string `json:"delete,omitempty"`
}

// Invoke is one recorded function call.
type Invoke struct {
	Token string
	Args  resource.PropertyMap
}

// Recorder is a pulumi.MockResourceMonitor that records what a program does.
type Recorder struct {
	project, stack string
	// subscription is the subscription getClientConfig answers, and the one
	// every fake resource ID is in.
	subscription string
	// stackReferences are the outputs of the stacks a StackReference may
	// name, by stack name.
	stackReferences map[string]resource.PropertyMap

	mu        sync.Mutex
	resources []Resource
	invokes   []Invoke
}

// NewRecorder returns an empty recorder for one project and stack, signed in
// to the subscription FakeSubscriptionID.
func NewRecorder(project, stack string) *Recorder {
	return &Recorder{project: project, stack: stack, subscription: FakeSubscriptionID, stackReferences: map[string]resource.PropertyMap{}}
}

// InSubscription makes the recorder answer as if the provider were signed in
// to another subscription, so that tests can deploy one stack to two.
func (r *Recorder) InSubscription(id string) *Recorder {
	r.subscription = id
	return r
}

// Resources returns the recorded resources sorted by URN.
func (r *Recorder) Resources() []Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.resources)
	slices.SortFunc(out, func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	return out
}

// Invokes returns the recorded function calls in call order.
func (r *Recorder) Invokes() []Invoke {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.invokes)
}

// NewResource records a resource and answers with fake outputs.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	res := Resource{
		Type:      args.TypeToken,
		Name:      args.Name,
		Custom:    args.Custom,
		RawInputs: args.Inputs,
		Inputs:    PlainMap(args.Inputs),
	}
	if rpc != nil {
		res.Parent = rpc.GetParent()
		res.DependsOn = slices.Sorted(slices.Values(uniq(rpc.GetDependencies())))
		for k, v := range rpc.GetPropertyDependencies() {
			if urns := slices.Sorted(slices.Values(uniq(v.GetUrns()))); len(urns) > 0 {
				if res.PropertyDependencies == nil {
					res.PropertyDependencies = map[string][]string{}
				}
				res.PropertyDependencies[k] = urns
			}
		}
		if ct := rpc.GetCustomTimeouts(); ct != nil && (ct.GetCreate() != "" || ct.GetUpdate() != "" || ct.GetDelete() != "") {
			res.CustomTimeouts = &CustomTimeouts{Create: ct.GetCreate(), Update: ct.GetUpdate(), Delete: ct.GetDelete()}
		}
		if p := rpc.GetProvider(); p != "" {
			res.Provider = providerURN(p)
		}
		res.ReplaceOnChanges = slices.Sorted(slices.Values(rpc.GetReplaceOnChanges()))
		res.Aliases = slices.Clone(rpc.GetAliasURNs())
		for _, a := range rpc.GetAliases() {
			switch {
			case a.GetUrn() != "":
				res.Aliases = append(res.Aliases, a.GetUrn())
			case a.GetSpec() != nil:
				// A spec names only what changed: the rest is the resource's own.
				spec, typ, name, parent := a.GetSpec(), res.Type, res.Name, res.Parent
				if args.Custom && spec.GetName() == "" && spec.GetParentUrn() == "" && !spec.GetNoParent() {
					// Provider SDKs alias every custom resource to each API
					// version of its type (azure-native, kubernetes); that
					// says nothing about this program, so the plan leaves it
					// out. A component's type-only alias is the program's.
					continue
				}
				if spec.GetType() != "" {
					typ = spec.GetType()
				}
				if spec.GetName() != "" {
					name = spec.GetName()
				}
				if spec.GetParentUrn() != "" {
					parent = spec.GetParentUrn()
				}
				if spec.GetNoParent() {
					parent = ""
				}
				res.Aliases = append(res.Aliases, r.urn(parent, typ, name))
			}
		}
		res.RetainOnDelete = rpc.GetRetainOnDelete()
		res.IgnoreChanges = rpc.GetIgnoreChanges()
		res.Protect = rpc.GetProtect()
		res.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		res.Version = rpc.GetVersion()
	}
	if res.DependsOn == nil {
		res.DependsOn = []string{}
	}
	res.URN = r.urn(res.Parent, res.Type, res.Name)
	id, state := fakeOutputs(r.subscription, res.Type, res.Name, args.Inputs)
	if res.Type == "pulumi:pulumi:StackReference" {
		var err error
		if id, state, err = r.stackReference(args); err != nil {
			return "", nil, err
		}
	}
	if !args.Custom {
		id = ""
	}
	res.ID, res.State = id, state
	res.outputValues = outputValues(res)

	r.mu.Lock()
	res.InputSources = r.inputSources(res)
	r.resources = append(r.resources, res)
	r.mu.Unlock()
	return id, state, nil
}

// outputValues are the values the recorder computed for res: its ID and
// every leaf of its state that is not one of its inputs.
func outputValues(res Resource) map[string]bool {
	out := map[string]bool{}
	if res.ID != "" {
		out[res.ID] = true
	}
	in := map[string]bool{}
	for _, l := range leaves("", res.Inputs) {
		in[l.path] = true
	}
	for _, l := range leaves("", PlainMap(res.State)) {
		if !in[l.path] && l.value != "" && l.value != SecretMarker {
			out[l.value] = true
		}
	}
	return out
}

// inputSources finds, for each input of res that the program made depend
// on recorded resources, the leaves that carry one of their outputs; where
// none does, the whole input. r.mu is held.
func (r *Recorder) inputSources(res Resource) map[string][]string {
	byURN := map[string]*Resource{}
	for i := range r.resources {
		byURN[r.resources[i].URN] = &r.resources[i]
	}
	out := map[string][]string{}
	for key, urns := range res.PropertyDependencies {
		keyLeaves := leaves(key, res.Inputs[key])
		for _, urn := range urns {
			src := byURN[urn]
			if src == nil || !src.Custom {
				continue
			}
			found := false
			for _, l := range keyLeaves {
				if src.outputValues[l.value] {
					out[l.path] = append(out[l.path], urn)
					found = true
				}
			}
			if !found {
				out[key] = append(out[key], urn)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	for k, v := range out {
		out[k] = slices.Compact(slices.Sorted(slices.Values(v)))
	}
	return out
}

// stackReference answers a StackReference with the outputs given for its
// stack (WithStackReference), as the engine does: the stack's name, its
// outputs, and the names of the secret ones.
func (r *Recorder) stackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	name := args.ID
	if name == "" {
		name = str(args.Inputs, "name")
	}
	outputs, ok := r.stackReferences[name]
	if !ok {
		return "", nil, fmt.Errorf("plan: no outputs given for a StackReference to stack %q", name)
	}
	var secrets []resource.PropertyValue
	for _, k := range slices.Sorted(maps.Keys(outputs)) {
		if outputs[k].ContainsSecrets() {
			secrets = append(secrets, resource.NewProperty(string(k)))
		}
	}
	return name, resource.PropertyMap{
		"name":              resource.NewProperty(name),
		"outputs":           resource.NewProperty(outputs.Copy()),
		"secretOutputNames": resource.NewProperty(secrets),
	}, nil
}

// Call records a function call and answers the functions the program uses.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes = append(r.invokes, Invoke{Token: args.Token, Args: args.Args})
	r.mu.Unlock()

	return FakeInvoke(r.subscription, args.Token, args.Args)
}

// FakeInvoke answers the functions the program calls as the recorder does:
// getClientConfig (signed in to subscription) and the cluster credential
// listings. The engine tests' stand-in providers answer with it too.
func FakeInvoke(subscription, token string, args resource.PropertyMap) (resource.PropertyMap, error) {
	_, mod, fn := splitToken(token)
	switch {
	case fn == "getClientConfig":
		return resource.NewPropertyMapFromMap(map[string]any{
			"clientId":       FakeGUID("client", "clientId"),
			"objectId":       DeployerObjectID,
			"subscriptionId": subscription,
			"tenantId":       FakeGUID("tenant"),
		}), nil
	case strings.HasPrefix(mod, "containerservice") && fn == "listManagedClusterAdminCredentials":
		return kubeconfigResult("clusterAdmin", adminKubeconfig(str(args, "resourceName"))), nil
	case strings.HasPrefix(mod, "containerservice") && fn == "listManagedClusterUserCredentials":
		return kubeconfigResult("clusterUser", execKubeconfig(str(args, "resourceName"))), nil
	}
	return nil, fmt.Errorf("plan: no fake answer for function %q", token)
}

// FakeResource returns the fake ID and state the recorder answers a custom
// resource with: its inputs plus the outputs Azure or Microsoft Graph would
// compute, all clearly fake. The engine tests' stand-in providers create
// resources with it, so that the engine's state and the offline plan agree.
func FakeResource(subscription, typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	return fakeOutputs(subscription, typ, name, inputs)
}

// urn builds the URN the mock monitor gives a resource, so that parents and
// dependencies can be matched against recorded resources.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := ""
	if parent != "" {
		if i := strings.LastIndex(parent, "::"); i > 0 {
			head := parent[:i]
			if j := strings.LastIndex(head, "::"); j > 0 {
				parentType = head[j+2:]
			}
		}
	}
	qualified := typ
	if parentType != "" && parentType != "pulumi:pulumi:Stack" {
		qualified = parentType + "$" + typ
	}
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", r.stack, r.project, qualified, name)
}

// providerURN drops the "::ID" from a provider reference "URN::ID".
func providerURN(ref string) string {
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return ref
	}
	return ref[:i]
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// splitToken splits "azure-native:containerservice/v20241001:ManagedCluster"
// into package, module (without version) and member.
func splitToken(tok string) (pkg, mod, member string) {
	parts := strings.SplitN(tok, ":", 3)
	if len(parts) != 3 {
		return "", "", tok
	}
	mod = parts[1]
	if i := strings.Index(mod, "/"); i >= 0 {
		mod = mod[:i]
	}
	return parts[0], mod, parts[2]
}

// FakeGUID returns a GUID-shaped value derived from parts. It starts with
// eight zeros, so nobody takes it for a real ID.
func FakeGUID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	h := hex.EncodeToString(sum[:])
	return "00000000-" + h[0:4] + "-4" + h[4:7] + "-8" + h[7:10] + "-" + h[10:22]
}

// armNames maps a resource type to the input that holds its Azure name, and
// the ARM type it lives under.
var armNames = map[string][2]string{
	"resources:ResourceGroup":                     {"resourceGroupName", ""},
	"containerservice:ManagedCluster":             {"resourceName", "Microsoft.ContainerService/managedClusters"},
	"keyvault:Vault":                              {"vaultName", "Microsoft.KeyVault/vaults"},
	"keyvault:Secret":                             {"secretName", "secrets"},
	"authorization:RoleAssignment":                {"roleAssignmentName", "Microsoft.Authorization/roleAssignments"},
	"managedidentity:UserAssignedIdentity":        {"resourceName", "Microsoft.ManagedIdentity/userAssignedIdentities"},
	"managedidentity:FederatedIdentityCredential": {"federatedIdentityCredentialResourceName", "federatedIdentityCredentials"},
	"network:VirtualNetwork":                      {"virtualNetworkName", "Microsoft.Network/virtualNetworks"},
	"network:PrivateEndpoint":                     {"privateEndpointName", "Microsoft.Network/privateEndpoints"},
	"network:PrivateZone":                         {"privateZoneName", "Microsoft.Network/privateDnsZones"},
	"network:VirtualNetworkLink":                  {"virtualNetworkLinkName", "virtualNetworkLinks"},
	"network:PrivateDnsZoneGroup":                 {"privateDnsZoneGroupName", "privateDnsZoneGroups"},
	"operationalinsights:Workspace":               {"workspaceName", "Microsoft.OperationalInsights/workspaces"},
	"insights:DiagnosticSetting":                  {"name", "Microsoft.Insights/diagnosticSettings"},
	"authorization:ManagementLockByScope":         {"lockName", "Microsoft.Authorization/locks"},
	"containerservice:AgentPool":                  {"agentPoolName", "agentPools"},
	"containerservice:MaintenanceConfiguration":   {"configName", "maintenanceConfigurations"},
	"containerregistry:Registry":                  {"registryName", "Microsoft.ContainerRegistry/registries"},
	"insights:DataCollectionRule":                 {"dataCollectionRuleName", "Microsoft.Insights/dataCollectionRules"},
	"insights:DataCollectionRuleAssociation":      {"associationName", "Microsoft.Insights/dataCollectionRuleAssociations"},
}

// fakeOutputs returns the fake ID and state for a resource: its inputs plus
// the outputs Azure would compute, all clearly fake.
func fakeOutputs(subscription, typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	state := inputs.Copy()
	pkg, mod, member := splitToken(typ)
	switch {
	case pkg == "kubernetes":
		return kubernetesID(name, inputs), state
	case pkg == "azuread":
		return azureADOutputs(member, name, state)
	case pkg != "azure-native":
		return name + "-plan-id", state
	}
	spec, ok := armNames[mod+":"+member]
	if !ok {
		return name + "-plan-id", state
	}
	azName := str(inputs, spec[0])
	if azName == "" {
		// azure-native auto-names from the logical name and a random suffix.
		azName = name + "-plan"
	}
	state["name"] = resource.NewProperty(azName)
	rg := str(inputs, "resourceGroupName")
	rgID := "/subscriptions/" + subscription + "/resourceGroups/" + rg
	var id string
	switch mod + ":" + member {
	case "resources:ResourceGroup":
		id = "/subscriptions/" + subscription + "/resourceGroups/" + azName
	case "keyvault:Secret":
		vault := str(inputs, "vaultName")
		id = rgID + "/providers/Microsoft.KeyVault/vaults/" + vault + "/secrets/" + azName
		props := objectOf(state, "properties")
		uri := fakeVaultURI(vault) + "secrets/" + azName
		props["secretUri"] = resource.NewProperty(uri)
		props["secretUriWithVersion"] = resource.NewProperty(uri + "/" + shortHex(32, id))
		state["properties"] = resource.NewProperty(props)
	case "authorization:RoleAssignment":
		id = str(inputs, "scope") + "/providers/Microsoft.Authorization/roleAssignments/" + azName
	case "managedidentity:FederatedIdentityCredential":
		id = rgID + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + str(inputs, "resourceName") + "/federatedIdentityCredentials/" + azName
	case "network:VirtualNetworkLink":
		id = rgID + "/providers/Microsoft.Network/privateDnsZones/" + str(inputs, "privateZoneName") + "/virtualNetworkLinks/" + azName
	case "network:PrivateDnsZoneGroup":
		id = rgID + "/providers/Microsoft.Network/privateEndpoints/" + str(inputs, "privateEndpointName") + "/privateDnsZoneGroups/" + azName
	case "insights:DiagnosticSetting":
		id = str(inputs, "resourceUri") + "/providers/Microsoft.Insights/diagnosticSettings/" + azName
	case "authorization:ManagementLockByScope":
		id = str(inputs, "scope") + "/providers/Microsoft.Authorization/locks/" + azName
	case "containerservice:AgentPool", "containerservice:MaintenanceConfiguration":
		id = rgID + "/providers/Microsoft.ContainerService/managedClusters/" + str(inputs, "resourceName") + "/" + spec[1] + "/" + azName
	case "insights:DataCollectionRuleAssociation":
		id = str(inputs, "resourceUri") + "/providers/" + spec[1] + "/" + azName
	case "keyvault:AccessPolicy":
		policy := objectOf(inputs, "policy")
		id = rgID + "/providers/Microsoft.KeyVault/vaults/" + str(inputs, "vaultName") + "/accessPolicy/" + str(policy, "objectId")
	default:
		id = rgID + "/providers/" + spec[1] + "/" + azName
	}
	switch mod + ":" + member {
	case "containerservice:ManagedCluster":
		state["oidcIssuerProfile"] = resource.NewProperty(resource.PropertyMap{
			"enabled":   resource.NewProperty(true),
			"issuerURL": resource.NewProperty(IssuerBase + azName + "/" + FakeGUID(id, "issuer") + "/"),
		})
		state["identityProfile"] = resource.NewProperty(resource.PropertyMap{
			"kubeletidentity": identity(id, "kubelet"),
		})
		addons := objectOf(state, "addonProfiles")
		for k, v := range addons {
			if v.IsObject() {
				obj := v.ObjectValue().Copy()
				obj["identity"] = identity(id, string(k))
				addons[k] = resource.NewProperty(obj)
			}
		}
		state["addonProfiles"] = resource.NewProperty(addons)
		state["fqdn"] = resource.NewProperty(azName + ".hcp.plan.invalid")
		// The ID of this incarnation of the cluster: a cluster replaced under
		// its name keeps its resource ID but gets a new resourceUID.
		state["resourceUID"] = resource.NewProperty(shortHex(24, id+"/resourceUID"))
	case "containerregistry:Registry":
		state["loginServer"] = resource.NewProperty(strings.ToLower(azName) + ".azurecr.io")
	case "keyvault:Vault":
		props := objectOf(state, "properties")
		props["vaultUri"] = resource.NewProperty(fakeVaultURI(azName))
		state["properties"] = resource.NewProperty(props)
	case "operationalinsights:Workspace":
		state["customerId"] = resource.NewProperty(FakeGUID(id, "customerId"))
	case "managedidentity:UserAssignedIdentity":
		state["clientId"] = resource.NewProperty(FakeGUID(id, "clientId"))
		state["principalId"] = resource.NewProperty(FakeGUID(id, "principalId"))
		state["tenantId"] = resource.NewProperty(FakeGUID("tenant"))
	}
	return id, state
}

// kubernetesID is the ID the Kubernetes provider gives an object:
// NAMESPACE/NAME, or NAME for cluster-scoped objects.
func kubernetesID(name string, inputs resource.PropertyMap) string {
	meta := objectOf(inputs, "metadata")
	n := str(meta, "name")
	if n == "" {
		n = name + "-plan"
	}
	if ns := str(meta, "namespace"); ns != "" {
		return ns + "/" + n
	}
	return n
}

// azureADOutputs fakes what Microsoft Graph computes for Entra objects.
func azureADOutputs(member, name string, state resource.PropertyMap) (string, resource.PropertyMap) {
	switch member {
	case "Application":
		objectID := FakeGUID("application", name, "objectId")
		state["clientId"] = resource.NewProperty(FakeGUID("application", name, "clientId"))
		state["objectId"] = resource.NewProperty(objectID)
		return "/applications/" + objectID, state
	case "ServicePrincipal":
		objectID := FakeGUID("servicePrincipal", name, "objectId")
		state["objectId"] = resource.NewProperty(objectID)
		state["applicationTenantId"] = resource.NewProperty(FakeGUID("tenant"))
		return objectID, state
	}
	return FakeGUID(member, name), state
}

func fakeVaultURI(name string) string { return "https://" + name + ".vault.plan.invalid/" }

func identity(id, which string) resource.PropertyValue {
	return resource.NewProperty(resource.PropertyMap{
		"clientId":   resource.NewProperty(FakeGUID(id, which, "clientId")),
		"objectId":   resource.NewProperty(FakeGUID(id, which, "objectId")),
		"resourceId": resource.NewProperty("/subscriptions/" + FakeSubscriptionID + "/resourceGroups/plan-node-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + which),
	})
}

func shortHex(n int, s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// str returns a string input, unwrapping secrets and outputs, or "".
func str(m resource.PropertyMap, k string) string {
	v, ok := m[resource.PropertyKey(k)]
	if !ok {
		return ""
	}
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		case v.IsString():
			return v.StringValue()
		default:
			return ""
		}
	}
}

func objectOf(m resource.PropertyMap, k string) resource.PropertyMap {
	if v, ok := m[resource.PropertyKey(k)]; ok && v.IsObject() {
		return v.ObjectValue().Copy()
	}
	return resource.PropertyMap{}
}

func kubeconfigResult(name, kubeconfig string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"kubeconfigs": []any{map[string]any{
			"name":  name,
			"value": base64.StdEncoding.EncodeToString([]byte(kubeconfig)),
		}},
	})
}

func adminKubeconfig(cluster string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: https://%[1]s.hcp.plan.invalid:443
    certificate-authority-data: cGxhbi1mYWtlLWNh
contexts:
- name: %[1]s-admin
  context: {cluster: %[1]s, user: clusterAdmin_%[1]s}
current-context: %[1]s-admin
users:
- name: clusterAdmin_%[1]s
  user:
    client-certificate-data: cGxhbi1mYWtlLWNlcnQ=
    client-key-data: %[2]s
`, cluster, FakeClientKeyData)
}

func execKubeconfig(cluster string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: https://%[1]s.hcp.plan.invalid:443
    certificate-authority-data: cGxhbi1mYWtlLWNh
contexts:
- name: %[1]s
  context: {cluster: %[1]s, user: clusterUser_%[1]s}
current-context: %[1]s
users:
- name: clusterUser_%[1]s
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, %[2]s, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, %[3]s, --login, devicecode]
      interactiveMode: IfAvailable
`, cluster, AKSServerAppID, FakeGUID("tenant"))
}
