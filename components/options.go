package components

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// childOptions are the options every child of the component c gets: c as its
// parent, through which it inherits c's providers, and the dependencies the
// caller gave c with pulumi.DependsOn or pulumi.DependsOnInputs. The Go SDK
// does not pass a component's dependencies on to its children, so without
// this, a service account would not wait for a namespace that the caller
// made the component depend on.
func childOptions(c pulumi.Resource, opts []pulumi.ResourceOption) []pulumi.ResourceOption {
	out := []pulumi.ResourceOption{pulumi.Parent(c)}
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		// NewResourceOptions returns no error today; should it one day, the
		// component's registration has already checked the options.
		return out
	}
	if len(ro.DependsOn) > 0 {
		out = append(out, pulumi.DependsOn(ro.DependsOn))
	}
	for _, in := range ro.DependsOnInputs {
		out = append(out, pulumi.DependsOnInputs(in))
	}
	return out
}

// protectIf returns a copy of child with pulumi.Protect(true) appended when
// protect is set. It never appends Protect(false): that would override a
// pulumi.Protect(true) the caller gave the component, which its children
// inherit through their parent.
func protectIf(child []pulumi.ResourceOption, protect bool) []pulumi.ResourceOption {
	out := slices.Clone(child)
	if protect {
		out = append(out, pulumi.Protect(true))
	}
	return out
}
