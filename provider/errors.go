package provider

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/secure-aks/secure-aks/components"
)

// validate runs the library's own validation of lib and names every broken
// rule by its schema property path in args, the type the caller wrote
// (vaultAccess.main.objectTypes, not VaultAccess.main.ObjectTypes), so a
// TypeScript, Python or YAML user reads the names they used.
func validate(kind, name string, lib interface{ Validate() error }, args any) error {
	err := lib.Validate()
	if err == nil {
		return nil
	}
	renamed := components.RenameFields(err, func(field string) string { return schemaPath(reflect.TypeOf(args), field) })
	return fmt.Errorf("%s %q: %w", kind, name, renamed)
}

// schemaPath turns a library field path ("Objects[1].Name",
// "VaultAccess.main.ObjectTypes") into the schema's property path, walking t,
// the provider's args type: a field becomes its pulumi tag name, a map key
// (".key" or "[key]") and an index stay as they are.
func schemaPath(t reflect.Type, field string) string {
	segments := strings.Split(field, ".")
	for i, segment := range segments {
		name, index, _ := strings.Cut(segment, "[")
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil:
		case t.Kind() == reflect.Struct:
			f, ok := t.FieldByName(name)
			if !ok {
				t = nil
				break
			}
			if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag != "" {
				name = tag
			}
			t = f.Type
		case t.Kind() == reflect.Map:
			t = t.Elem()
		default:
			t = nil
		}
		if index != "" {
			segments[i] = name + "[" + index
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
				t = t.Elem()
			}
		} else {
			segments[i] = name
		}
	}
	return strings.Join(segments, ".")
}
