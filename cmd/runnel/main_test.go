package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRender(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.html": "<title>{% block t %}{% endblock %}</title>",
		"page.html": "{% extends 'base.html' %}{% block t %}{{ name }} {% for k, v in m.items %}{{ k }}{{ v }}{% endfor %}{% endblock %}",
		"data.json": `{"name": "<Ann>", "m": {"z": 1, "a": 2.5}}`,
	})
	var out, errb bytes.Buffer
	code := run([]string{"render", "-dir", dir, "-data", filepath.Join(dir, "data.json"), "page.html"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got, want := out.String(), "<title>&lt;Ann&gt; z1a2.5</title>"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

// TestRenderDjangoLibraries: the CLI knows Django's libraries, as a Django
// project's templates expect.
func TestRenderDjangoLibraries(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"page.html": `{% load static i18n tz l10n %}{% static "a b.css" %} {% translate "Hi" %} {% get_current_timezone as z %}{% if z %}tz{% endif %} {{ 1.5|localize }}`,
	})
	var out, errb bytes.Buffer
	if code := run([]string{"render", "-dir", dir, "page.html"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got, want := out.String(), "/static/a%20b.css Hi tz 1.5"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestRenderMissing(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"render", "-dir", t.TempDir(), "nope.html"}, &out, &errb); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "template not found") {
		t.Fatalf("stderr %q", errb.String())
	}
}

func TestCheck(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok.html":       "{% if a %}{{ a }}{% endif %}",
		"bad.html":      "line\n{% if a %}",
		"sub/also.html": "{{ a|nofilter }}",
	})
	var out, errb bytes.Buffer
	code := run([]string{"check", dir}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"bad.html:2:1: Unclosed tag on line 2: 'if'", "sub/also.html:1:1: Invalid filter: 'nofilter'", "^"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "3 templates checked, 2 with errors") {
		t.Errorf("stderr %q", errb.String())
	}
	out.Reset()
	errb.Reset()
	// Static files beside the templates are not templates, unless -ext
	// says so.
	okDir := writeFiles(t, map[string]string{"ok.html": "fine", "data.json": `{"a": "{% nope %}"}`, "app.js": "let s = '{% x';", "README.md": "{% nope %}"})
	if code := run([]string{"check", "-ext", "html,.JSON", okDir}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "2 templates checked, 1 with errors") {
		t.Errorf("-ext html,.JSON: exit %d, %s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"check", okDir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func TestExplain(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.html": "<html><head><title>{% block title %}Shop{% endblock %}</title></head>\n<body>{% include 'nav.html' %}{% block content %}{% endblock %}</body></html>",
		"nav.html":  "<nav>{{ user.name }}</nav>",
		"page.html": "{% extends 'base.html' %}{% block content %}{% for p in products %}{{ p }}{% if forloop.last %}.{% endif %}{% endfor %}" +
			"{% defer %}{{ slow }}{% placeholder %}…{% enddefer %}{% endblock %}",
	})
	var out, errb bytes.Buffer
	if code := run([]string{"explain", "-dir", dir, "page.html"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"plan for page.html",
		"extends:   page.html → base.html",
		"includes:  nav.html",
		"first flush: nav.html:1:6, after 50 bytes of static text",
		"nav.html:1:6",
		"first-flush",
		"page.html:1:45",
		"{% for p in products %} waits for products",
		"read-ahead",
		"is out of order",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run([]string{"explain", "-dir", dir, "-json", "page.html"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var plan struct {
		Name       string `json:"name"`
		FirstFlush struct {
			Template string `json:"template"`
			Line     int    `json:"line"`
		} `json:"first_flush"`
		StaticBytes int `json:"static_bytes"`
		Findings    []struct {
			Kind string `json:"kind"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if plan.Name != "page.html" || plan.FirstFlush.Template != "nav.html" || plan.StaticBytes != 50 || len(plan.Findings) < 4 {
		t.Errorf("plan %+v", plan)
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"explain", "-dir", dir, "nope.html"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "template not found") {
		t.Errorf("missing template: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"explain"}, &out, &errb); code != 2 {
		t.Errorf("no name: exit %d", code)
	}
}

// TestCheckLibs: with -libs, a template that loads the application's own
// libraries has its other errors reported instead of only "not a
// registered tag library".
func TestCheckLibs(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"form.html": "{% load widget_tweaks shop_tags %}\n{% render_field form.f class+=\"x\" %}{% price p currency=\"EUR\" %}\n{{ x|nofilter }}\n{% if %}{% endif %}",
	})
	var out, errb bytes.Buffer
	if code := run([]string{"check", dir}, &out, &errb); code != 1 || !strings.Contains(out.String(), "'widget_tweaks' is not a registered tag library") {
		t.Fatalf("without -libs: exit %d\n%s", code, out.String())
	}
	out.Reset()
	errb.Reset()
	// The opaque libraries accept any filter after their load, so the
	// error found is the {% if %} one on line 4.
	code := run([]string{"check", "-libs", "widget_tweaks, shop_tags", dir}, &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "form.html:4:1: Unexpected end of expression in if tag.") {
		t.Fatalf("with -libs: exit %d\n%s", code, out.String())
	}
}

func TestRenderURLs(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"page.html": `<a href="{% url "blog:detail" pk=7 %}">{% url "home" %}</a>`,
		"urls.json": `{"home": "/", "blog:detail": "/blog/<int:pk>/"}`,
	})
	var out, errb bytes.Buffer
	if code := run([]string{"render", "-dir", dir, "-urls", filepath.Join(dir, "urls.json"), "page.html"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got, want := out.String(), `<a href="/blog/7/">/</a>`; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

// TestRenderDirs: -dir more than once searches the directories in order,
// and a template may extend its own name in the next one.
func TestRenderDirs(t *testing.T) {
	project := writeFiles(t, map[string]string{
		"admin/base_site.html": `{% extends "admin/base_site.html" %}{% block brand %}mine{% endblock %}`,
	})
	admin := writeFiles(t, map[string]string{
		"admin/base_site.html": `[{% block brand %}theirs{% endblock %}]`,
	})
	var out, errb bytes.Buffer
	if code := run([]string{"render", "-dir", project, "-dir", admin, "admin/base_site.html"}, &out, &errb); code != 0 || out.String() != "[mine]" {
		t.Fatalf("exit %d: %q %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"render", "-dir", admin, "admin/base_site.html"}, &out, &errb); code != 0 || out.String() != "[theirs]" {
		t.Fatalf("exit %d: %q %s", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"render", "-dir", project, "admin/base_site.html"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "skipped to avoid recursion") || !strings.Contains(errb.String(), filepath.ToSlash(project)) {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// TestCheckDirs: check takes several directories, and checks each one's
// files, also those an earlier directory overrides.
func TestCheckDirs(t *testing.T) {
	project := writeFiles(t, map[string]string{"admin/base_site.html": `{% extends "admin/base_site.html" %}{% block brand %}mine{% endblock %}`})
	admin := writeFiles(t, map[string]string{"admin/base_site.html": "{% if %}{% endif %}"})
	var out, errb bytes.Buffer
	if code := run([]string{"check", project, admin}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "2 templates checked, 1 with errors") || !strings.Contains(out.String(), "Unexpected end of expression in if tag.") {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
}
