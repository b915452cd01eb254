package runnel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// TestOpaqueLibrary: with an application library stood in for, a template
// that loads it still has its other errors reported, every one of them;
// a stray built-in end tag is still an error; {% load x from lib %}
// accepts just x.
func TestOpaqueLibrary(t *testing.T) {
	e := New(nil, WithLibrary("widget_tweaks", OpaqueLibrary()), WithLibrary("wagtailimages_tags", OpaqueLibrary()))
	for _, tc := range []struct{ src, err string }{
		{`{% load widget_tweaks %}{% render_field form.f class+="x" %}{{ v|attr:"a" }}{% iffeature "x" %}a{% else %}b{% endiffeature %}`, ""},
		{`{% load wagtailimages_tags %}{% picture img format-{avif,webp} fill-800x600 %}{% image img width-400 as i %}{{ i.url }}`, ""},
		{`{% load widget_tweaks %}{% render_field f %}{{ x|nosuchbuiltin }}`, ""}, // any filter after the load
		{`{% load widget_tweaks %}{% render_field f %}{% if %}x{% endif %}`, "Unexpected end of expression in if tag."},
		{`{% load widget_tweaks %}{% mytag %}{% endif %}`, "Invalid block tag on line 1: 'endif'"},
		{`{% load widget_tweaks %}{% for x %}{% endfor %}`, "'for' statements should have at least four words"},
		{`{% render_field f %}{% load widget_tweaks %}`, "Invalid block tag on line 1: 'render_field'"}, // before the load
		{`{% load render_field from widget_tweaks %}{% render_field f %}{{ x|attr:"a" }}`, "Invalid filter: 'attr'"},
		{`{% load render_field attr from widget_tweaks %}{% render_field f %}{{ x|attr:"a" }}`, ""},
		{`{% load nosuch %}`, "'nosuch' is not a registered tag library"},
	} {
		_, err := e.Parse("t.html", tc.src)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.src, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: want an error with %q, got %v", tc.src, tc.err, err)
		}
	}
	tmpl := e.MustParse("t.html", `{% load widget_tweaks %}a{% render_field f %}`)
	if _, err := tmpl.RenderString(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "stand-in library") {
		t.Fatalf("render: %v", err)
	}
}

// TestEngineCheck: Check compiles every template file (by extension) and
// reports each broken one, naming it.
func TestEngineCheck(t *testing.T) {
	fsys := fstest.MapFS{
		"base.html":         {Data: []byte("{% block a %}{% endblock %}")},
		"pages/ok.html":     {Data: []byte(`{% extends "base.html" %}{% block a %}{{ x }}{% endblock %}`)},
		"pages/bad.html":    {Data: []byte("line\n{% if %}{% endif %}")},
		"mail/bad.txt":      {Data: []byte("{{ x|nosuch }}")},
		"data.json":         {Data: []byte(`{"a": "{% nope %}"}`)},
		".hidden/bad.html":  {Data: []byte("{% nope %}")},
		"emails/welcome.MJ": {Data: []byte("{% nope %}")},
	}
	names, err := New(fsys).Check(CheckOptions{})
	if want := "base.html mail/bad.txt pages/bad.html pages/ok.html"; strings.Join(names, " ") != want {
		t.Fatalf("checked %v, want %s", names, want)
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	if len(errs) != 2 {
		t.Fatalf("errors %v", err)
	}
	var se *Error
	if !errors.As(errs[0], &se) || !strings.Contains(errs[0].Error(), "mail/bad.txt:1") || !strings.Contains(errs[1].Error(), "pages/bad.html:2") {
		t.Fatalf("errors: %v", err)
	}
	names, _ = New(fsys).Check(CheckOptions{Exts: []string{"mj", ".JSON"}})
	if strings.Join(names, " ") != "data.json emails/welcome.MJ" {
		t.Fatalf("-ext: %v", names)
	}
}

// TestEngineCheckDirs: Check reads every directory and app, and compiles
// a template an earlier directory overrides from its own directory.
func TestEngineCheckDirs(t *testing.T) {
	project := fstest.MapFS{"admin/base_site.html": {Data: []byte(`{% extends "admin/base_site.html" %}`)}}
	admin := fstest.MapFS{"templates/admin/base_site.html": {Data: []byte("{% if %}{% endif %}")}, "static/x.html": {Data: []byte("{% nope %}")}}
	noTemplates := fstest.MapFS{"models.py": {Data: []byte("")}}
	names, err := New(project, WithAppDirs(admin, noTemplates)).Check(CheckOptions{})
	if strings.Join(names, " ") != "admin/base_site.html admin/base_site.html" {
		t.Fatalf("checked %v", names)
	}
	if err == nil || !strings.Contains(err.Error(), "Unexpected end of expression in if tag.") || strings.Contains(err.Error(), "nope") {
		t.Fatalf("errors: %v", err)
	}
}
