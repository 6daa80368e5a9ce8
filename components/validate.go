package components

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/secure-aks/secure-aks/internal/azure"
)

// Small validators shared by the components. Each checks one rule and returns
// the rule's text, or "" when the value is fine.

var (
	guidPattern              = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	kubernetesVersionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)
	vmSizePattern            = regexp.MustCompile(`^Standard_[A-Za-z0-9_]+$`)
	// AKS cluster names: 1-63 characters, letters, digits, underscores and
	// hyphens, starting and ending with a letter or digit.
	// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerservice
	clusterNamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)
	// Key Vault object (secret) names: 1-127 letters, digits and hyphens.
	secretNamePattern = regexp.MustCompile(`^[0-9A-Za-z-]{1,127}$`)
	// Azure tag names may not contain these characters.
	// https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
	tagNameForbidden = "<>%&\\?/"
)

// CheckSecretName checks a Key Vault object (secret, certificate, key) name
// against Azure's rules, one message per broken rule
// (docs/azure-facts.md#other-name-limits).
func CheckSecretName(name string) []string {
	if !secretNamePattern.MatchString(name) {
		return []string{"must be 1-127 letters, digits and hyphens"}
	}
	return nil
}

func checkGUID(v string) string {
	if !guidPattern.MatchString(v) {
		return "must be a GUID such as 00000000-0000-0000-0000-000000000000"
	}
	return ""
}

// checkIPv4Range accepts an IPv4 address or an IPv4 CIDR range.
func checkIPv4Range(v string) string {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || !p.Addr().Is4() {
			return "must be an IPv4 address or CIDR range such as 203.0.113.0/24"
		}
		if p.Masked() != p {
			return fmt.Sprintf("must be a network address: did you mean %s?", p.Masked())
		}
		return ""
	}
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return "must be an IPv4 address or CIDR range such as 203.0.113.0/24"
	}
	return ""
}

func checkKubernetesVersion(v string) string {
	if !kubernetesVersionPattern.MatchString(v) {
		return "must be MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.33 or 1.33.2"
	}
	return ""
}

// checkPollInterval checks a Go duration of at least one second.
func checkPollInterval(v string) string {
	d, err := time.ParseDuration(v)
	if err != nil {
		return "must be a duration such as 30s, 2m or 1h"
	}
	if d < time.Second {
		return "must be at least 1s"
	}
	return ""
}

// checkTags applies Azure's tag limits: at most azure.MaxTags tags, names of 1-512
// characters without <>%&\?/, values of at most 256 characters.
func checkTags(fe *fieldErrors, field string, tags map[string]string) {
	if len(tags) > azure.MaxTags {
		fe.addf(field, len(tags), "must hold at most %d tags", azure.MaxTags)
	}
	for _, k := range sortedKeys(tags) {
		switch {
		case k == "" || len(k) > 512:
			fe.add(field, k, "tag names must be 1-512 characters")
		case strings.ContainsAny(k, tagNameForbidden):
			fe.addf(field, k, "tag names must not contain any of %s", tagNameForbidden)
		}
		if len(tags[k]) > 256 {
			fe.add(field+"."+k, tags[k], "tag values must be at most 256 characters")
		}
	}
}

// checkUnique reports duplicates in a list field.
func checkUnique(fe *fieldErrors, field string, values []string) {
	seen := map[string]bool{}
	for i, v := range values {
		if seen[v] {
			fe.add(fmt.Sprintf("%s[%d]", field, i), v, "must not repeat an earlier entry")
		}
		seen[v] = true
	}
}

// regexpHex32 is a Key Vault object version.
var regexpHex32 = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// checkOneOf reports a value that is not one of allowed.
func checkOneOf[T ~string](fe *fieldErrors, field string, value T, allowed []T) {
	if !slices.Contains(allowed, value) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		fe.addf(field, string(value), "must be one of %s", strings.Join(names, ", "))
	}
}
