// Command docgen copies the library's doc comments (package components) into
// provider/docs_gen.go, so that the schema, and every SDK generated from it,
// describes each component, input and output in the library's own words:
// required or not, the default, the rules, what a change replaces.
//
//	go -C provider run ./cmd/docgen > provider/docs_gen.go
//
// TestDocsUpToDate fails when the library's docs changed and this was not
// rerun.
package main

import (
	"fmt"
	"os"

	"github.com/secure-aks/secure-aks/provider/internal/libdocs"
)

func main() {
	src, err := libdocs.Generate("../components")
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
	os.Stdout.Write(src)
}
