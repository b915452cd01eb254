package runnel

import (
	"context"
	"strings"
	"testing"
)

func TestURLMap(t *testing.T) {
	e := New(nil, WithURLResolver(URLMap(map[string]string{
		"home":        "/",
		"blog:detail": "/blog/<int:pk>/",
		"blog:tag":    "/blog/tag/<slug:tag>/",
		"files":       "/files/<path:p>",
		"user":        "/u/<name>/<int:page>",
	})))
	for _, tc := range []struct{ src, want string }{
		{`{% url "home" %}`, "/"},
		{`{% url "blog:detail" 42 %}`, "/blog/42/"},
		{`{% url "blog:detail" pk=7 %}`, "/blog/7/"},
		{`{% url "blog:tag" "go-lang" %}`, "/blog/tag/go-lang/"},
		{`{% url "files" "a b/ü.txt" %}`, "/files/a%20b/%C3%BC.txt"},
		{`{% url "user" "ann&bob" 2 %}`, "/u/ann&amp;bob/2"},
		{`{% url "blog:detail" "x" as u %}[{{ u }}]`, "[]"},
		{`{% url "nope" as u %}[{{ u }}]`, "[]"},
	} {
		tmpl, err := e.Parse("t", tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		got, err := tmpl.RenderString(context.Background(), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{`{% url "nope" %}`, "Reverse for 'nope' not found. 'nope' is not a valid view function or pattern name."},
		{`{% url "blog:detail" "x" %}`, `Reverse for 'blog:detail' with arguments '('x',)' not found. 1 pattern(s) tried: ['blog/(?P<pk>[0-9]+)/\\Z']`},
		{`{% url "blog:detail" 1 2 %}`, `with arguments '(1, 2)' not found`},
		{`{% url "blog:detail" id=1 %}`, `Reverse for 'blog:detail' with keyword arguments '{'id': 1}' not found.`},
	} {
		tmpl, err := e.Parse("t", tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		_, err = tmpl.RenderString(context.Background(), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.src, err, tc.want)
		}
	}
}
