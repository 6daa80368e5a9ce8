package components

import (
	"crypto/sha1" //nolint:gosec // SHA-1 is what RFC 4122 name-based UUIDs (version 5) are defined with.
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// deterministicGUID returns an RFC 4122 version-5 UUID of the parts, in the
// spirit of ARM's guid() template function: the same parts always give the same
// GUID, so a role assignment keeps its name across deployments.
func deterministicGUID(parts ...string) string {
	// The URL namespace from RFC 4122, appendix C.
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New() //nolint:gosec
	h.Write(ns)
	h.Write([]byte(strings.Join(parts, "/")))
	s := h.Sum(nil)[:16]
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// roleAssignmentName is ARM's guid(scope, principalId, roleDefinitionId)
// convention for a role assignment's name, compared case-insensitively as ARM
// compares IDs (docs/azure-facts.md#names-azure-holds-unique).
func roleAssignmentName(scope, principalID, roleDefinitionID string) string {
	return deterministicGUID(strings.ToLower(scope), strings.ToLower(principalID), strings.ToLower(roleDefinitionID))
}

// derivedVaultName is a vault name of at most 24 characters, unique per
// subscription, resource group, project, stack and component, as ARM's
// uniqueString(subscription().id, resourceGroup().id): "kv", up to 13 letters
// and digits of the component name, "-", 8 hex characters of the hash.
func derivedVaultName(component, subscriptionID, resourceGroup, project, stack string) string {
	scope := strings.ToLower("/subscriptions/" + subscriptionID + "/resourceGroups/" + resourceGroup)
	return "kv" + sanitizeAlnum(component, 13) + "-" + shortHash(8, scope, project, stack, component)
}

// derivedRegistryName is a registry name of at most 24 characters, unique
// per subscription, resource group, project, stack and component:
// "cr", up to 14 letters and digits of the component name and 8 hex
// characters of the hash. Registry names allow letters and digits only.
func derivedRegistryName(component, subscriptionID, resourceGroup, project, stack string) string {
	scope := strings.ToLower("/subscriptions/" + subscriptionID + "/resourceGroups/" + resourceGroup)
	return "cr" + sanitizeAlnum(component, 14) + shortHash(8, scope, project, stack, component)
}

// dnsPrefix derives a cluster's DNS prefix: 1-54 letters, digits and
// hyphens, starting and ending with a letter or digit. From an explicit
// cluster name (which may hold underscores and 63 characters), underscores
// become hyphens and the name is cut to 54 characters; an auto-named cluster
// takes the letters and digits of its component name, or "aks". Every name
// that was already a valid prefix is kept as it is, so no existing cluster
// is replaced.
func dnsPrefix(clusterName, component string) string {
	if clusterName == "" {
		if p := sanitizeAlnum(component, 40); p != "" {
			return p
		}
		return "aks"
	}
	p := strings.ReplaceAll(clusterName, "_", "-")
	if len(p) > azure.MaxDNSPrefixLength {
		p = p[:azure.MaxDNSPrefixLength]
	}
	return strings.TrimRight(p, "-")
}

// applicationDisplayName is the default display name of a workload's Entra
// application: PROJECT-STACK-NAME-HASH, where HASH is 8 hex characters of a
// hash of the resource group, project, stack and component, so that two
// people's stacks of one name (each with its own auto-named resource group)
// are told apart in the portal. PROJECT-STACK-NAME is cut to fit Entra's
// limit.
func applicationDisplayName(resourceGroup, project, stack, name string) string {
	n := project + "-" + stack + "-" + name
	if len(n) > azure.MaxApplicationDisplayNameLength-9 {
		n = n[:azure.MaxApplicationDisplayNameLength-9]
	}
	return n + "-" + shortHash(8, strings.ToLower(resourceGroup), project, stack, name)
}

// shortHash returns n hex characters of the SHA-256 of the parts.
func shortHash(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])[:n]
}

// sanitizeAlnum keeps lowercase letters and digits of s, at most max of them.
func sanitizeAlnum(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
