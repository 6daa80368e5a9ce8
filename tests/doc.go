// Package tests holds the checks that go beyond unit tests. It is a module of
// its own, so that its tooling never enters the import graph of the library.
//
//   - live_test.go (build tag azure): deploys a real stack to Azure with the
//     Automation API, checks it, and destroys it. See the README, "Run against
//     Azure".
package tests
