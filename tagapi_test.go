package runnel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// wrapLib is a library with a block tag written against the public tag API:
// {% wrap tag %}…{% endwrap %} writes the body inside <tag>…</tag>.
func wrapLib() *Library {
	return NewLibrary().Tag("wrap", TagSpec{End: "endwrap"}, func(p *TagParser) (Node, error) {
		bits := p.Bits()
		if len(bits) != 2 {
			return nil, p.Errorf("'wrap' takes one argument")
		}
		tag, err := p.Expr(bits[1])
		if err != nil {
			return nil, err
		}
		body, err := p.Branches()[0].Body()
		if err != nil {
			return nil, err
		}
		return &wrapNode{tag: tag, body: body}, nil
	})
}

type wrapNode struct {
	tag  *Expr
	body Body
}

func (n *wrapNode) Render(r *Renderer) error {
	tag, err := n.tag.Resolve(r)
	if err != nil {
		return err
	}
	r.WriteString("<" + ToString(tag) + ">")
	if err := r.Render(n.body); err != nil {
		return err
	}
	r.WriteString("</" + ToString(tag) + ">")
	return nil
}

// TestCustomBlockTagStreams: the body of a tag written with Library.Tag
// streams as any other part of the page. What comes before a late value in
// the body reaches the client before the value resolves.
func TestCustomBlockTagStreams(t *testing.T) {
	e := New(nil, WithLibrary("wrap", wrapLib()))
	tmpl := e.MustParse("p", `{% load wrap %}<h1>shell</h1>{% wrap "main" %}<p>before</p>{{ slow }}<p>after</p>{% endwrap %}`)
	f, resolve := NewFuture[any]()
	w := newChunkWriter()
	done := renderAsync(context.Background(), tmpl, w, map[string]any{"slow": f}, StreamOptions{Mode: InOrder})
	first := w.next(t)
	if first != `<h1>shell</h1><main><p>before</p>` {
		t.Fatalf("first chunk %q, want everything up to the late value", first)
	}
	resolve("<late>", nil)
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if got := w.golden(); !strings.HasSuffix(got, `&lt;late&gt;<p>after</p></main>`) {
		t.Fatalf("page %q", got)
	}
}

// TestTagAPI covers the parse- and render-time API: split_contents, errors
// with positions, raw bodies, keyword arguments, scopes and settings.
func TestTagAPI(t *testing.T) {
	lib := wrapLib().
		Tag("raw", TagSpec{End: "endraw", Raw: true}, func(p *TagParser) (Node, error) {
			b := p.Branches()[0]
			if strings.Contains(b.Raw(), "bad") {
				return nil, b.ErrorfAt(strings.Index(b.Raw(), "bad"), "bad in the body")
			}
			if _, err := b.Body(); err == nil {
				return nil, errors.New("a raw body compiled")
			}
			return fixedText(strings.ToUpper(b.Raw())), nil
		}).
		Tag("kw", TagSpec{}, func(p *TagParser) (Node, error) {
			names, vals, rest, err := p.Kwargs(p.Bits()[1:], true)
			if err != nil {
				return nil, err
			}
			if len(rest) != 0 {
				return nil, p.Errorf("left over: %v", rest)
			}
			return nodeFunc(func(r *Renderer) error {
				return r.Scope(func() error {
					for i, n := range names {
						v, err := vals[i].Resolve(r)
						if err != nil {
							return err
						}
						r.Set(n, v)
					}
					a, _ := r.Get("a")
					b, _ := r.Get("b")
					r.WriteValue(a)
					r.WriteValue(b)
					return nil
				})
			}), nil
		}).
		Tag("undef", TagSpec{}, func(p *TagParser) (Node, error) {
			e, err := p.Expr(p.Bits()[1])
			if err != nil {
				return nil, err
			}
			return nodeFunc(func(r *Renderer) error {
				v, defined, err := e.Lookup(r)
				if err != nil {
					return err
				}
				if !defined {
					v, err = r.Undefined(e.String())
				}
				r.WriteValue(v)
				return err
			}), nil
		}).
		Filter("zone", func(r *Renderer, _ any) string { return r.TimeZone().String() })
	opts := []Option{WithLibrary("t", lib)}
	runCases(t, []tcase{
		{name: "bits", src: `{% load t %}{% wrap "em" %}x{% endwrap %}`, opts: opts, want: "<em>x</em>"},
		{name: "error-position", src: "{% load t %}\n  {% wrap %}{% endwrap %}", opts: opts, err: "t.html:2:3: 'wrap' takes one argument"},
		{name: "raw", src: `{% load t %}{% raw %}a {{ b }} {% c %}{% endraw %}`, opts: opts, want: "A {{ B }} {% C %}"},
		{name: "raw-error-position", src: "{% load t %}{% raw %}\nok bad{% endraw %}", opts: opts, err: "t.html:2:4: bad in the body"},
		{name: "kwargs-scope", src: `{% load t %}{% kw a=1 b=s %}|{{ a }}`, data: map[string]any{"s": "<"}, opts: opts, want: "1&lt;|"},
		{name: "kwargs-legacy", src: `{% load t %}{% kw 2 as a and 3 as b %}`, opts: opts, want: "23"},
		{name: "undefined", src: `{% load t %}{% undef nope %}`, opts: append(opts, WithStringIfInvalid("?%s?")), want: "?nope?"},
		{name: "undefined-strict", src: `{% load t %}{% undef nope %}`, opts: append(opts, WithStrict()), err: "undefined variable: nope"},
		{name: "defined-nil", src: `{% load t %}{% undef x %}`, data: map[string]any{"x": nil}, opts: opts, want: "None"},
		{name: "renderer-filter", src: `{% load t %}{{ 0|zone }}`, opts: append(opts, WithTimeZone(mustLoc(t, "Asia/Tokyo"))), want: "Asia/Tokyo"},
	})
}

// nodeFunc is a Node made of a function.
type nodeFunc func(r *Renderer) error

func (f nodeFunc) Render(r *Renderer) error { return f(r) }

// fixedText is a Node that writes fixed text.
type fixedText string

func (n fixedText) Render(r *Renderer) error { r.WriteString(string(n)); return nil }

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip(err)
	}
	return loc
}

// TestRecordPanicDoesNotOutliveRender: a panic inside a recorded body
// ends the render with an error, and the pooled state keeps no recording
// for the next render.
func TestRecordPanicDoesNotOutliveRender(t *testing.T) {
	lib := NewLibrary().
		Tag("rec", TagSpec{End: "endrec"}, func(p *TagParser) (Node, error) {
			body, err := p.Branches()[0].Body()
			if err != nil {
				return nil, err
			}
			return nodeFunc(func(r *Renderer) error { _, _, err := r.Record(body, 0); return err }), nil
		}).
		SimpleTag("boom", func() string { panic("boom") })
	e := New(nil, WithLibrary("t", lib))
	if _, err := e.MustParse("p", "{% load t %}{% rec %}a{% boom %}{% endrec %}").RenderString(context.Background(), nil); err == nil {
		t.Fatal("no error")
	}
	s := &state{}
	s.main.record(0)
	s.reset()
	if len(s.main.recs) != 0 {
		t.Fatalf("reset kept %d recordings", len(s.main.recs))
	}
}
