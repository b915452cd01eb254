package runnel

import (
	"bytes"
	"context"
	"testing"
	"testing/fstest"
)

// In-package benchmarks of the render hot paths. The comparison against
// other engines lives in the bench/ module.

type benchNav struct{ Item, Link string }

type benchUser struct {
	FirstName      string
	RawContent     string
	EscapedContent string
}

type benchPage struct {
	User     *benchUser
	Nav      []*benchNav
	Title    string
	Messages []string
}

var benchFS = fstest.MapFS{
	"base.html":   {Data: []byte(`<!DOCTYPE html><html><body>{% include "header.html" %}{% include "nav.html" %}<section>{% block content %}{% endblock %}</section>{% include "footer.html" %}</body></html>`)},
	"header.html": {Data: []byte(`<header><title>{{ Title }}'s Home Page</title><div class="header">Page Header</div></header>`)},
	"nav.html":    {Data: []byte(`<nav><ul class="navigation">{% for i in Nav %}<li><a href="{{ i.Link }}">{{ i.Item }}</a></li>{% endfor %}</ul></nav>`)},
	"footer.html": {Data: []byte(`<div class="footer">copyright 2016</div>`)},
	"index.html":  {Data: []byte(`{% extends "base.html" %}{% block content %}<div class="content"><div class="welcome"><h4>Hello {{ User.FirstName }}</h4><div class="raw">{{ User.RawContent|safe }}</div><div class="enc">{{ User.EscapedContent }}</div></div>{% for m in Messages %}{% if forloop.counter0 == 2 %}<p>{{ m }}</p>{% else %}<p>{{ m|upper }}</p>{% endif %}{% endfor %}</div>{% endblock %}`)},
	"simple.html": {Data: []byte(`<html><body><h1>{{ u.FirstName }}</h1><p>Here's a list of your favorite colors:</p><ul>{% for c in u.FavoriteColors %}<li>{{ c }}</li>{% endfor %}</ul></body></html>`)},
}

func benchData() *benchPage {
	return &benchPage{
		User:     &benchUser{FirstName: "Bob", RawContent: "<div><p>Raw Content to be displayed</p></div>", EscapedContent: "<div><div><div>Escaped</div></div></div>"},
		Nav:      []*benchNav{{"Link 1", "http://www.mytest.com/"}, {"Link 2", "http://www.mytest.com/"}, {"Link 3", "http://www.mytest.com/"}},
		Title:    "Bob",
		Messages: []string{"hello", "world", "<escape me>", "again", "bye"},
	}
}

func BenchmarkRenderComplex(b *testing.B) {
	t, err := New(benchFS).Template("index.html")
	if err != nil {
		b.Fatal(err)
	}
	data := benchData()
	benchRender(b, t, data)
}

func BenchmarkRenderSimple(b *testing.B) {
	t, err := New(benchFS).Template("simple.html")
	if err != nil {
		b.Fatal(err)
	}
	type user struct {
		FirstName      string
		FavoriteColors []string
	}
	data := map[string]any{"u": &user{FirstName: "Bob", FavoriteColors: []string{"blue", "green", "mauve"}}}
	benchRender(b, t, data)
}

func BenchmarkEscape(b *testing.B) {
	s := "plain text with no specials at all, a typical paragraph of content"
	var o output
	b.ReportAllocs()
	for b.Loop() {
		o.buf = o.buf[:0]
		o.writeEscaped(s)
	}
}

// BenchmarkRenderLarge renders a table of 10,000 rows with a filter per
// cell: the cost of the per-iteration work of {% for %} (the context and
// limit checks) and of filters.
func BenchmarkRenderLarge(b *testing.B) {
	t, err := New(nil).Parse("large.html", `<table>{% for r in rows %}<tr><td>{{ forloop.counter }}</td><td>{{ r.name|title }}</td><td>{{ r.n|add:1 }}</td></tr>{% endfor %}</table>`)
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]map[string]any, 10_000)
	for i := range rows {
		rows[i] = map[string]any{"name": "row name", "n": i}
	}
	data := map[string]any{"rows": rows}
	benchRender(b, t, data)
}

// benchRender renders t with data into a reused buffer, b.N times.
func benchRender(b *testing.B, t *Template, data any) {
	b.Helper()
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := t.Render(ctx, &buf, data); err != nil {
			b.Fatal(err)
		}
	}
}
