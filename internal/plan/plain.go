package plan

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Markers that stand in for values the plan must not or cannot show.
const (
	SecretMarker  = "[secret]"
	UnknownMarker = "[unknown]"
)

// PlainMap turns registered inputs into plain JSON-able values: secrets become
// "[secret]", unknowns "[unknown]" and resource references their URN.
func PlainMap(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k == "__defaults" {
			continue
		}
		out[string(k)] = Plain(v)
	}
	return out
}

// Plain turns one property value into a plain JSON-able value.
func Plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return SecretMarker
	case v.IsComputed():
		return UnknownMarker
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return SecretMarker
		}
		if !o.Known {
			return UnknownMarker
		}
		return Plain(o.Element)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsObject():
		return PlainMap(v.ObjectValue())
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = Plain(e)
		}
		return out
	case v.IsNull():
		return nil
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	default:
		return v.V
	}
}

// Reveal unwraps secrets and outputs, for tests that assert the values
// themselves.
func Reveal(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Reveal(v.SecretValue().Element)
	case v.IsOutput():
		return Reveal(v.OutputValue().Element)
	case v.IsComputed():
		return UnknownMarker
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = Reveal(e)
		}
		return out
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = Reveal(e)
		}
		return out
	case v.IsNull():
		return nil
	default:
		return v.V
	}
}
