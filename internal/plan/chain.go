package plan

import "slices"

// LongestChain returns the longest chain of resources in p that must be
// created one after another: each waits for the one before it, through a
// dependency (explicit or through an input) or its provider. Components
// create nothing and are left out. The length of this chain, times a
// resource's creation time, bounds how long `pulumi up` takes.
func LongestChain(p *Plan) []Resource {
	byURN := map[string]Resource{}
	for _, r := range p.Resources {
		if r.Custom {
			byURN[r.URN] = r
		}
	}
	memo := map[string][]Resource{}
	var chain func(r Resource) []Resource
	chain = func(r Resource) []Resource {
		if c, ok := memo[r.URN]; ok {
			return c
		}
		memo[r.URN] = []Resource{r} // a cycle, which the engine refuses, ends here
		var longest []Resource
		for _, d := range append(slices.Clone(r.DependsOn), r.Provider) {
			if dep, ok := byURN[d]; ok {
				if c := chain(dep); len(c) > len(longest) {
					longest = c
				}
			}
		}
		c := append(slices.Clone(longest), r)
		memo[r.URN] = c
		return c
	}
	var longest []Resource
	for _, r := range p.Resources {
		if c := chain(r); r.Custom && len(c) > len(longest) {
			longest = c
		}
	}
	return longest
}
