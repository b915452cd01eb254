package proxytest

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocumentedConfigs checks that docs/deployment.md shows exactly the
// nginx and Caddy configurations this suite runs: every ```nginx and
// ```caddy block of the page is one of them, and each of them is on the
// page.
func TestDocumentedConfigs(t *testing.T) {
	doc, err := os.ReadFile("../docs/deployment.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	for _, m := range fenceRE.FindAllStringSubmatch(string(doc), -1) {
		blocks[m[1]] = append(blocks[m[1]], strings.TrimSuffix(m[2], "\n"))
	}
	tested := map[string][]string{}
	for _, s := range setups {
		switch {
		case s.config == "":
		case strings.HasPrefix(s.config, "location "):
			if !slices.Contains(tested["nginx"], s.config) {
				tested["nginx"] = append(tested["nginx"], s.config)
			}
		case !slices.Contains(tested["caddy"], s.config):
			tested["caddy"] = append(tested["caddy"], s.config)
		}
	}
	for _, lang := range []string{"nginx", "caddy"} {
		for _, b := range blocks[lang] {
			if !slices.Contains(tested[lang], b) {
				t.Errorf("docs/deployment.md shows a %s configuration that proxytest does not run:\n%s", lang, b)
			}
		}
		for _, c := range tested[lang] {
			if !slices.Contains(blocks[lang], c) {
				t.Errorf("proxytest runs a %s configuration that docs/deployment.md does not show:\n%s", lang, c)
			}
		}
	}
}

// fenceRE matches a fenced code block: its language and its text.
var fenceRE = regexp.MustCompile("(?ms)^```(\\w*)\\n(.*?)^```$")
