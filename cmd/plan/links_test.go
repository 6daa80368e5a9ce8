package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	inlineLink    = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	referenceLink = regexp.MustCompile(`(?m)^\[[^\]]+\]:\s*(\S+)`)
	heading       = regexp.MustCompile(`(?m)^#{1,6} (.+)$`)
)

// TestMarkdownLinksResolve: every relative link in the repository's
// Markdown files names a file that exists, and every #anchor a heading of
// the file it points to (as GitHub makes anchors).
func TestMarkdownLinksResolve(t *testing.T) {
	out, err := exec.Command("git", "-C", "../..", "ls-files", "-co", "--exclude-standard", "*.md").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 8 {
		t.Fatalf("%d Markdown files: the walk checks little", len(files))
	}
	anchors := map[string]map[string]bool{}
	anchorsOf := func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		a := map[string]bool{}
		data, err := os.ReadFile(filepath.Join("../..", file))
		if err == nil {
			for _, m := range heading.FindAllStringSubmatch(withoutCode(string(data)), -1) {
				a[githubAnchor(strings.TrimSpace(m[1]))] = true
			}
		}
		anchors[file] = a
		return a
	}
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(filepath.Join("../..", file))
		if err != nil {
			t.Fatal(err)
		}
		text := withoutCode(string(data))
		var targets []string
		for _, re := range []*regexp.Regexp{inlineLink, referenceLink} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				targets = append(targets, m[1])
			}
		}
		for _, target := range targets {
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(file), path)))
				if _, err := os.Stat(filepath.Join("../..", dest)); err != nil {
					t.Errorf("%s links to %s, which does not exist", file, target)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(dest, ".md") && !anchorsOf(dest)[anchor] {
				t.Errorf("%s links to %s: %s has no heading with the anchor #%s", file, target, dest, anchor)
			}
		}
	}
	if checked < 20 {
		t.Errorf("%d relative links checked: the walk checks little", checked)
	}
}

// withoutCode drops fenced code blocks, whose brackets are not links.
func withoutCode(text string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in
			continue
		}
		if !in {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
