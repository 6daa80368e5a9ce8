package components

import (
	"errors"
	"fmt"
)

// FieldError is one broken validation rule: the Args field, the value it held
// and the rule it broke. Validation joins all FieldErrors with errors.Join, so
// that a caller sees every problem at once. Callers that expose Args under other
// names (configuration keys, for example) can rename Field with [RenameFields].
type FieldError struct {
	// Field is the Args field path, such as "NodeCount" or "AvailabilityZones[1]".
	Field string
	// Value is the offending value.
	Value any
	// Rule says what the value must be, in lowercase: "must be between 1 and 100".
	Rule string
}

// Error formats the error as `Field "value": rule`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Field, quote(e.Value), e.Rule)
}

func quote(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case nil:
		return "(unset)"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// fieldErrors collects FieldErrors in the order the rules run.
type fieldErrors []error

func (fe *fieldErrors) add(field string, value any, rule string) {
	*fe = append(*fe, &FieldError{Field: field, Value: value, Rule: rule})
}

func (fe *fieldErrors) addf(field string, value any, format string, args ...any) {
	fe.add(field, value, fmt.Sprintf(format, args...))
}

func (fe fieldErrors) err() error { return errors.Join(fe...) }

// RenameFields rewrites the Field of every FieldError inside err (as joined by
// errors.Join) with rename, and returns the rewritten, joined error. Errors
// that are not FieldErrors are kept as they are.
func RenameFields(err error, rename func(field string) string) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range Unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, &FieldError{Field: rename(fe.Field), Value: fe.Value, Rule: fe.Rule})
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// Unjoin flattens an error made by errors.Join (at any depth) into its parts.
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Unjoin(e)...)
		}
		return out
	}
	return []error{err}
}
