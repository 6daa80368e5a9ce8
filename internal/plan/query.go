package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Find returns the recorded resource whose type ends with typeSuffix (so
// ":ManagedCluster" matches any API version) and whose logical name is name.
func Find(rs []Resource, typeSuffix, name string) (Resource, error) {
	var found []Resource
	for _, r := range rs {
		if strings.HasSuffix(r.Type, typeSuffix) && r.Name == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		return Resource{}, fmt.Errorf("want one %s named %q, found %d", typeSuffix, name, len(found))
	}
	return found[0], nil
}

// OfType returns every recorded resource whose type ends with typeSuffix.
func OfType(rs []Resource, typeSuffix string) []Resource {
	var out []Resource
	for _, r := range rs {
		if strings.HasSuffix(r.Type, typeSuffix) {
			out = append(out, r)
		}
	}
	return out
}

// Input returns the input at a dotted path ("properties.sku.name",
// "agentPoolProfiles.0.count") with secrets revealed, and whether it exists.
func (r Resource) Input(path string) (any, bool) {
	return Lookup(Reveal(resource.NewProperty(r.RawInputs)), path)
}

// IsSecretInput says whether the input at a dotted path was registered as a
// secret (or under a secret parent).
func (r Resource) IsSecretInput(path string) bool {
	v, ok := Lookup(PlainMap(r.RawInputs), path)
	return ok && v == SecretMarker
}

// Lookup walks a dotted path through nested maps and lists.
func Lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		switch cur := v.(type) {
		case map[string]any:
			next, ok := cur[part]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(cur) {
				return nil, false
			}
			v = cur[i]
		default:
			return nil, false
		}
	}
	return v, true
}
