package components

import (
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Small helpers every component uses: conversions to Pulumi inputs, sorted
// map keys (children in a stable order), and ARM resource ID parts.

// toStringArray converts a list, nil for an empty one (the property unset).
func toStringArray(v []string) pulumi.StringArray {
	if len(v) == 0 {
		return nil
	}
	out := make(pulumi.StringArray, len(v))
	for i, s := range v {
		out[i] = pulumi.String(s)
	}
	return out
}

// toStringMap converts a map, nil for an empty one (the property unset).
func toStringMap(m map[string]string) pulumi.StringMap {
	if len(m) == 0 {
		return nil
	}
	out := pulumi.StringMap{}
	for k, v := range m {
		out[k] = pulumi.String(v)
	}
	return out
}

// sortedKeys returns a map's keys in order, so that children are registered
// in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// idSegment returns the segment after key in an ARM resource ID (keys
// compared case-insensitively), or "".
func idSegment(id, key string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], key) {
			return parts[i+1]
		}
	}
	return ""
}
