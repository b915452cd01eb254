package runnel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// explainFS is a realistic shop page: a base with head, nav and footer
// includes, and a product page that extends it.
var explainFS = fstest.MapFS{
	"base.html": {Data: []byte(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{% block title %}Shop{% endblock %}</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  {% include "nav.html" %}
  <main>{% block content %}{% endblock %}</main>
  {% include "footer.html" %}
</body>
</html>
`)},
	"nav.html":    {Data: []byte(`<nav><a href="/">Home</a> <a href="/cart">Cart ({{ cart.count }})</a></nav>`)},
	"footer.html": {Data: []byte(`<footer>&copy; Shop {% now "Y" %}</footer>`)},
	"product.html": {Data: []byte(`{% extends "base.html" %}
{% block title %}{{ product.name }} – {{ block.super }}{% endblock %}
{% block content %}
  {% await product %}
  <h1>{{ product.name }}</h1>
  <ul>
  {% for r in reviews %}<li>{{ r.text }}{% if not forloop.last %}<hr>{% endif %}</li>{% endfor %}
  </ul>
  {% defer timeout=2 %}{% for p in related %}<a>{{ p.name }}</a>{% endfor %}{% placeholder %}<p>Loading…</p>{% error %}<p>{{ error.message }}</p>{% enddefer %}
  {% defer %}{{ stock }}{% enddefer %}
  {% spaceless %}<p>{% defer %}{{ stock }}{% placeholder %}…{% enddefer %}</p>{% endspaceless %}
  {% for q in questions reversed %}{{ forloop.counter }}/{{ forloop.length }} {{ q }}{% endfor %}
{% endblock %}
`)},
	"late_title.html": {Data: []byte(`{% extends "base.html" %}{% block title %}{{ product.name }}{% endblock %}`)},
	"static.html":     {Data: []byte(`<p>{% with x="a" %}{{ x }}{% endwith %} {{ "lit"|upper }}</p>`)},
	"flush.html":      {Data: []byte(`<head></head>{% flush %}<body>{{ a }}</body>`)},
	"rec.html":        {Data: []byte(`a{% include "rec.html" %}{% include "missing.html" %}{% include name %}`)},
	"inc_await.html":  {Data: []byte(`<body>{% include "awaits.html" %}</body>`)},
	"awaits.html":     {Data: []byte(`{% await user %}{{ user }}`)},
	"seq.html":        {Data: []byte(`{% if items %}<ul>{% for i in items %}<li>{{ i }}{% endfor %}</ul>{% endif %}{% for i in items %}{{ i }}{% endfor %}{% for i in items|slice:":2" %}{% endfor %}`)},
	"super.html":      {Data: []byte(`{% extends "superbase.html" %}{% block b %}<i>child</i>{{ block.super }}{% endblock %}`)},
	"superbase.html":  {Data: []byte(`<body>{% block b %}<b>base</b>{{ late }}{% endblock %}</body>`)},
	"parts.html":      {Data: []byte(`{% partialdef card %}<div>{{ item }}</div>{% endpartialdef %}<main>{% partial card %}</main>`)},
	"tags.html":       {Data: []byte(`{% load shop %}<body><p>{% price item as p %}{{ p }}</p>{% badge %}</body>`)},
	"badge.html":      {Data: []byte(`<span>{{ label }}</span>`)},
	"dyn.html":        {Data: []byte(`{% extends parent %}{% block a %}{{ x }}{% endblock %}`)},
	"bad.html":        {Data: []byte(`{% if %}`)},
	"await_if.html":   {Data: []byte(`{% if x %}{% await user %}{% endif %}{% for p in ps %}{% await p.info %}{% endfor %}<body>{{ user }}</body>`)},
	"loopinc.html":    {Data: []byte(`<ul>{% for i in items %}{% include "li.html" %}{% endfor %}</ul>`)},
	"li.html":         {Data: []byte(`<li>{{ i }}{% if forloop.last %}!{% endif %}</li>`)},
}

func explainEngine() *Engine {
	lib := NewLibrary().
		SimpleTag("price", func(ctx context.Context, item any) string { return "1" }).
		InclusionTag("badge", "badge.html", func() map[string]any { return map[string]any{"label": "new"} })
	return New(explainFS, WithLibrary("shop", lib))
}

func mustExplain(t *testing.T, e *Engine, name string) *Plan {
	t.Helper()
	p, err := e.Explain(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// explainFind returns the findings of kind whose message contains sub.
func explainFind(p *Plan, kind FindingKind, sub string) []Finding {
	var out []Finding
	for _, f := range p.Findings {
		if f.Kind == kind && strings.Contains(f.Message, sub) {
			out = append(out, f)
		}
	}
	return out
}

func explainWant1(t *testing.T, p *Plan, kind FindingKind, sub string) Finding {
	t.Helper()
	fs := explainFind(p, kind, sub)
	if len(fs) != 1 {
		t.Fatalf("want one %s finding with %q, got %d:\n%s", kind, sub, len(fs), p)
	}
	return fs[0]
}

func TestExplainProductPage(t *testing.T) {
	p := mustExplain(t, explainEngine(), "product.html")
	if got := strings.Join(p.Chain, ","); got != "product.html,base.html" {
		t.Errorf("chain %s", got)
	}
	if got := strings.Join(p.Templates, ","); got != "product.html,base.html,nav.html,footer.html" {
		t.Errorf("templates %s", got)
	}
	// product.name is awaited, so the title does not wait: the first flush
	// point is the cart count in the nav.
	ff := p.FirstFlush
	if ff == nil || ff.Template != "nav.html" || ff.Line != 1 || ff.Col != 49 || p.FirstFlushInHead || ff.Warning {
		t.Fatalf("first flush %+v in head %v\n%s", ff, p.FirstFlushInHead, p)
	}
	src := string(explainFS["base.html"].Data)
	head := src[:strings.Index(src, "{% block title %}")] + " – Shop" +
		src[strings.Index(src, "</title>"):strings.Index(src, "{% include")] +
		`<nav><a href="/">Home</a> <a href="/cart">Cart (`
	// The title's text is the child's " – " and base's "Shop".
	if p.StaticBytes != len(head) {
		t.Errorf("static bytes %d, want %d", p.StaticBytes, len(head))
	}
	if p.Findings[0].Kind != FindingAwait {
		t.Errorf("the await should come first:\n%s", p)
	}
	explainWant1(t, p, FindingAwait, "waits for product before its first byte")
	explainWant1(t, p, FindingBuffer, "{{ block.super }}: base.html's version of block title")
	explainWant1(t, p, FindingLoop, "{% for r in reviews %} waits for reviews")
	explainWant1(t, p, FindingReadAhead, "forloop.last")
	explainWant1(t, p, FindingReadAll, "reversed")
	explainWant1(t, p, FindingReadAll, "forloop.length")
	if f := explainWant1(t, p, FindingDefer, "{% defer timeout=2 %} is out of order"); f.Line != 9 || !strings.Contains(f.Message, "timeout 2s") || !strings.Contains(f.Message, "error content: shown") {
		t.Errorf("defer finding %v", f)
	}
	explainWant1(t, p, FindingBuffer, "when rendered in place (InOrder mode), its body is buffered because it has a timeout and error content")
	explainWant1(t, p, FindingLoop, "waits for related inside its section")
	if f := explainWant1(t, p, FindingDefer, "{% defer %} renders in place (no placeholder)"); f.Line != 10 {
		t.Errorf("in-place defer %v", f)
	}
	if f := explainWant1(t, p, FindingDefer, "has a placeholder but renders in place"); !f.Warning || !strings.Contains(f.Message, "{% spaceless %}") {
		t.Errorf("defer in spaceless %v", f)
	}
	explainWant1(t, p, FindingBuffer, "{% spaceless %}: its whole body")
	if len(explainFind(p, FindingHead, "")) != 0 {
		t.Errorf("no late value in <head> expected:\n%s", p)
	}
	// Findings are in render order: the title (head) before the nav, the
	// nav before the content.
	var order []int
	for _, k := range []FindingKind{FindingBuffer, FindingFirstFlush, FindingLoop} {
		for i, f := range p.Findings {
			if f.Kind == k {
				order = append(order, i)
				break
			}
		}
	}
	if order[0] > order[1] || order[1] > order[2] {
		t.Errorf("not in render order:\n%s", p)
	}
	out := p.String()
	for _, s := range []string{"plan for product.html", "extends:   product.html → base.html", "includes:  nav.html, footer.html", "first flush: nav.html:1:49, after", "product.html:7:3", "warning: {% defer %} has a placeholder"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
}

func TestExplainLateInHead(t *testing.T) {
	p := mustExplain(t, explainEngine(), "late_title.html")
	ff := p.FirstFlush
	if ff == nil || ff.Template != "late_title.html" || !p.FirstFlushInHead || !ff.Warning || !strings.Contains(ff.Message, "inside <head>") || !strings.Contains(ff.Message, "inside <title>") {
		t.Fatalf("first flush %+v\n%s", ff, p)
	}
	src := string(explainFS["base.html"].Data)
	if want := strings.Index(src, "{% block title %}"); p.StaticBytes != want {
		t.Errorf("static bytes %d want %d", p.StaticBytes, want)
	}
	if !strings.Contains(p.String(), "inside <head> (warning)") {
		t.Errorf("report:\n%s", p)
	}
}

// TestExplainMatchesRender checks the first flush point against a real
// render: with every value late, the first chunk flushed is exactly the
// static text Explain counted.
func TestExplainMatchesRender(t *testing.T) {
	e := explainEngine()
	for _, tc := range []struct {
		name string
		late []string
	}{
		{"late_title.html", []string{"product", "cart"}},
		{"product.html", []string{"cart", "reviews", "related", "stock", "questions"}},
		{"super.html", []string{"late"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustExplain(t, e, tc.name)
			tmpl, err := e.Template(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			// The late values never resolve: the render is cancelled once
			// the first chunk is in.
			data := map[string]any{}
			for _, n := range tc.late {
				data[n], _ = NewFuture[any]()
			}
			// An awaited value is written before the first flush: keep it
			// empty so that the first chunk is only static text.
			data["product"] = Ready[any](map[string]any{"name": ""})
			if tc.name == "late_title.html" {
				data["product"], _ = NewFuture[any]()
			}
			ctx, cancel := context.WithCancel(context.Background())
			w := newChunkWriter()
			done := renderAsync(ctx, tmpl, w, data, StreamOptions{Mode: InOrder})
			first := w.next(t)
			cancel()
			if err := wait(t, done); !errors.Is(err, context.Canceled) {
				t.Errorf("render: %v", err)
			}
			if len(first) != p.StaticBytes {
				t.Errorf("first chunk is %d bytes, Explain says %d:\n%q\n%s", len(first), p.StaticBytes, first, p)
			}
		})
	}
}

func TestExplainNoData(t *testing.T) {
	p := mustExplain(t, explainEngine(), "static.html")
	if p.FirstFlush != nil {
		t.Fatalf("first flush %+v", p.FirstFlush)
	}
	if p.StaticBytes != len("<p>")+len(" ")+len("</p>") {
		t.Errorf("static bytes %d", p.StaticBytes)
	}
	if !strings.Contains(p.String(), "first flush: none") {
		t.Errorf("report:\n%s", p)
	}
}

func TestExplainFlushTag(t *testing.T) {
	p := mustExplain(t, explainEngine(), "flush.html")
	if ff := p.FirstFlush; ff == nil || ff.Col != 14 || !strings.Contains(ff.Message, "{% flush %}") || p.StaticBytes != len("<head></head>") {
		t.Fatalf("first flush %+v, %d bytes", ff, p.StaticBytes)
	}
}

func TestExplainIncludes(t *testing.T) {
	p := mustExplain(t, explainEngine(), "rec.html")
	explainWant1(t, p, FindingNote, "recursive include of rec.html")
	explainWant1(t, p, FindingNote, "cannot load missing.html")
	explainWant1(t, p, FindingNote, "chosen at render time")
	if p.FirstFlush == nil || p.FirstFlush.Col != 54 {
		t.Errorf("dynamic include name is a data use: %+v", p.FirstFlush)
	}

	p = mustExplain(t, explainEngine(), "inc_await.html")
	if f := explainWant1(t, p, FindingNote, "waits where it stands"); f.Template != "awaits.html" || !f.Warning {
		t.Errorf("await in include: %v", f)
	}
	if len(explainFind(p, FindingAwait, "")) != 0 {
		t.Errorf("an included await does not run before the first byte:\n%s", p)
	}
	if p.FirstFlush == nil || p.FirstFlush.Template != "awaits.html" {
		t.Errorf("the included template's value is not awaited: %+v", p.FirstFlush)
	}
}

func TestExplainSequences(t *testing.T) {
	p := mustExplain(t, explainEngine(), "seq.html")
	if f := explainWant1(t, p, FindingReadAhead, "tests items"); f.Col != 1 || f.Warning {
		t.Errorf("if items: %v", f)
	}
	explainWant1(t, p, FindingNote, "loops again over items")
	explainWant1(t, p, FindingReadAll, "filters its sequence")
}

func TestExplainSuper(t *testing.T) {
	p := mustExplain(t, explainEngine(), "super.html")
	explainWant1(t, p, FindingBuffer, "superbase.html's version of block b")
	ff := p.FirstFlush
	if ff == nil || ff.Template != "superbase.html" || !strings.Contains(ff.Message, "{{ block.super }}") {
		t.Fatalf("first flush %+v", ff)
	}
	// Only the text before the block.super reaches the client; the base's
	// <b>base</b> is held in the buffer.
	if p.StaticBytes != len("<body><i>child</i>") {
		t.Errorf("static bytes %d", p.StaticBytes)
	}
}

func TestExplainPartialsAndTags(t *testing.T) {
	e := explainEngine()
	p := mustExplain(t, e, "parts.html")
	if ff := p.FirstFlush; ff == nil || ff.Col != 27 || p.StaticBytes != len("<main><div>") {
		t.Errorf("partial: %+v %d\n%s", ff, p.StaticBytes, p)
	}
	p = mustExplain(t, e, "parts.html#card")
	if ff := p.FirstFlush; ff == nil || p.StaticBytes != len("<div>") {
		t.Errorf("partial page: %+v %d\n%s", ff, p.StaticBytes, p)
	}

	p = mustExplain(t, e, "tags.html")
	explainWant1(t, p, FindingCall, "{% price item as p %}")
	explainWant1(t, p, FindingBuffer, "stores its result in p")
	if ff := p.FirstFlush; ff == nil || !strings.Contains(ff.Message, "{% price item as p %}") {
		t.Errorf("first flush %+v", ff)
	}
	if !strings.Contains(strings.Join(p.Templates, ","), "badge.html") {
		t.Errorf("inclusion tag template not followed: %v", p.Templates)
	}
}

func TestExplainDynamicParentAndErrors(t *testing.T) {
	e := explainEngine()
	p := mustExplain(t, e, "dyn.html")
	explainWant1(t, p, FindingNote, "chosen at render time ({% extends parent %})")
	if p.FirstFlush == nil {
		t.Errorf("the blocks of a page with a dynamic parent are walked:\n%s", p)
	}
	if _, err := e.Explain("bad.html"); err == nil {
		t.Error("a template that does not compile must fail")
	}
	if _, err := e.Explain("nope.html"); !errors.Is(err, ErrTemplateNotFound) {
		t.Errorf("missing template: %v", err)
	}
}

func TestExplainAwaitPlacement(t *testing.T) {
	p := mustExplain(t, explainEngine(), "await_if.html")
	if f := explainWant1(t, p, FindingAwait, "inside {% if %}"); !f.Warning {
		t.Errorf("await in if: %v", f)
	}
	explainWant1(t, p, FindingAwait, "inside {% for %} but runs before the page renders, where the names")
	// user is awaited: using it does not wait, so the first flush point
	// is the if.
	if ff := p.FirstFlush; ff == nil || ff.Col != 1 {
		t.Errorf("first flush %+v", ff)
	}
}

func TestExplainForloopInInclude(t *testing.T) {
	p := mustExplain(t, explainEngine(), "loopinc.html")
	if f := explainWant1(t, p, FindingReadAhead, "forloop.last"); f.Template != "li.html" || !strings.Contains(f.Message, "loop at loopinc.html:1:5") {
		t.Errorf("read-ahead %v", f)
	}
}
