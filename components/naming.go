package components

import (
	"crypto/sha1" //nolint:gosec // SHA-1 is what RFC 4122 name-based UUIDs (version 5) are defined with.
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// deterministicGUID returns an RFC 4122 version-5 UUID of the parts, in the
// spirit of ARM's guid() template function: the same parts always give the same
// GUID, so a role assignment keeps its name across deployments.
func deterministicGUID(parts ...string) string {
	// The URL namespace from RFC 4122, appendix C.
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New() //nolint:gosec
	h.Write(ns)
	h.Write([]byte(strings.Join(parts, "/")))
	s := h.Sum(nil)[:16]
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// shortHash returns n hex characters of the SHA-256 of the parts.
func shortHash(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])[:n]
}

// sanitizeAlnum keeps lowercase letters and digits of s, at most max of them.
func sanitizeAlnum(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
