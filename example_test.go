package runnel_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
)

func Example() {
	templates := fstest.MapFS{
		"base.html": {Data: []byte("<title>{% block title %}Shop{% endblock %}</title>\n{% block content %}{% endblock %}")},
		"home.html": {Data: []byte(`{% extends "base.html" %}{% block title %}{{ block.super }} · Home{% endblock %}
{% block content %}<h1>Hello, {{ user.first_name|default:"guest" }}!</h1>
{% for p in products %}<li>{{ forloop.counter }}. {{ p.Name }}{% if not forloop.last %},{% endif %}</li>
{% endfor %}{% endblock %}`)},
	}
	type Product struct{ Name string }
	type User struct{ FirstName string }

	eng := runnel.New(templates)
	t, err := eng.Template("home.html")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = t.Render(context.Background(), os.Stdout, map[string]any{
		"user":     &User{FirstName: "Ada"},
		"products": []Product{{"Kettle <2l>"}, {"Mug"}},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// <title>Shop · Home</title>
	// <h1>Hello, Ada!</h1>
	// <li>1. Kettle &lt;2l&gt;,</li>
	// <li>2. Mug</li>
}

func ExampleEngine_Parse() {
	eng := runnel.New(nil)
	t, err := eng.Parse("inline", `{{ name|upper }} has {{ items|length }} item{{ items|length|pluralize }}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := t.RenderString(context.Background(), map[string]any{"name": "ada", "items": []int{1, 2}})
	fmt.Println(out)
	// Output: ADA has 2 items
}

func ExampleError() {
	_, err := runnel.New(nil).Parse("page.html", "<ul>\n  {% for x in items %}<li>{{ x }}</li>\n</ul>")
	fmt.Println(err)
	// Output:
	// page.html:2:3: Unclosed tag on line 2: 'for'. Looking for one of: empty, endfor.
	//       {% for x in items %}<li>{{ x }}</li>
	//       ^
}

func ExampleMarkSafe() {
	t := runnel.New(nil).MustParse("p", "{{ trusted }} {{ untrusted }}")
	out, _ := t.RenderString(context.Background(), map[string]any{
		"trusted":   runnel.MarkSafe("<b>bold</b>"),
		"untrusted": "<b>bold</b>",
	})
	fmt.Println(out)
	// Output: <b>bold</b> &lt;b&gt;bold&lt;/b&gt;
}

func ExampleLibrary() {
	lib := runnel.NewLibrary().
		Filter("cents", func(n int) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }).
		SimpleTag("greet", func(name string, kwargs map[string]any) string {
			return "Hello, " + name + fmt.Sprint(kwargs["punct"])
		})
	eng := runnel.New(nil, runnel.WithLibrary("shop", lib))
	t := eng.MustParse("p", `{% load shop %}{{ 1999|cents }} {% greet "Ada" punct="!" %}`)
	out, _ := t.RenderString(context.Background(), nil)
	fmt.Println(out)
	// Output: 19.99 Hello, Ada!
}

// panelNode is {% panel title %}…{% else %}…{% endpanel %}: the body in a
// panel when title is true, the else branch otherwise.
type panelNode struct {
	title      *runnel.Expr
	body, none runnel.Body
}

func (n *panelNode) Render(r *runnel.Renderer) error {
	title, err := n.title.Resolve(r)
	if err != nil {
		return err
	}
	if !runnel.Truthy(title) {
		return r.Render(n.none)
	}
	r.WriteString(`<section class="panel"><h2>`)
	r.WriteValue(title) // escaped, as {{ title }} would be
	r.WriteString(`</h2>`)
	if err := r.Render(n.body); err != nil { // streams, late data included
		return err
	}
	r.WriteString(`</section>`)
	return nil
}

func ExampleLibrary_Tag() {
	lib := runnel.NewLibrary().Tag("panel", runnel.TagSpec{End: "endpanel", Middles: []string{"else"}},
		func(p *runnel.TagParser) (runnel.Node, error) {
			bits := p.Bits() // ["panel", "title"], as Django's split_contents
			if len(bits) != 2 {
				return nil, p.Errorf("'panel' takes one argument")
			}
			title, err := p.Expr(bits[1])
			if err != nil {
				return nil, err
			}
			n := &panelNode{title: title}
			for i, b := range p.Branches() {
				body, err := b.Body()
				if err != nil {
					return nil, err
				}
				if i == 0 {
					n.body = body
				} else {
					n.none = body
				}
			}
			return n, nil
		})
	eng := runnel.New(nil, runnel.WithLibrary("panels", lib))
	t := eng.MustParse("p", `{% load panels %}{% panel heading %}<p>{{ text }}</p>{% else %}nothing{% endpanel %}`)
	out, _ := t.RenderString(context.Background(), map[string]any{"heading": "Q&A", "text": "Ask away"})
	fmt.Println(out)
	_, err := eng.Parse("q", "{% load panels %}\n{% panel %}{% endpanel %}")
	fmt.Println(err)
	// Output:
	// <section class="panel"><h2>Q&amp;A</h2><p>Ask away</p></section>
	// q:2:1: 'panel' takes one argument
	//     {% panel %}{% endpanel %}
	//     ^
}

func ExampleLibrary_SimpleBlockTag() {
	// Django 5.2's @register.simple_block_tag: the function gets the body,
	// rendered (and escaped), and the tag's arguments.
	lib := runnel.NewLibrary().SimpleBlockTag("card", "", func(content runnel.SafeString, title string) runnel.SafeString {
		return runnel.SafeString(`<div class="card"><h3>`) + runnel.Escape(title) + "</h3>" + content + "</div>"
	})
	eng := runnel.New(nil, runnel.WithLibrary("cards", lib))
	t := eng.MustParse("p", `{% load cards %}{% card "Q&A" %}<p>{{ text }}</p>{% endcard %}`)
	out, _ := t.RenderString(context.Background(), map[string]any{"text": "1 < 2"})
	fmt.Println(out)
	// Output:
	// <div class="card"><h3>Q&amp;A</h3><p>1 &lt; 2</p></div>
}

func ExampleEngine_Check() {
	fsys := fstest.MapFS{
		"ok.html":  {Data: []byte(`{% load shop %}{% price item %}`)},
		"bad.html": {Data: []byte("{% load shop %}\n{% if %}{% endif %}")},
	}
	// The application's own library "shop" is stood in for; a test suite
	// would register the real one.
	eng := runnel.New(fsys, runnel.WithLibrary("shop", runnel.OpaqueLibrary()))
	names, err := eng.Check(runnel.CheckOptions{})
	fmt.Println(names)
	fmt.Println(err)
	// Output:
	// [bad.html ok.html]
	// bad.html:2:1: Unexpected end of expression in if tag.
	//     {% if %}{% endif %}
	//     ^
}

func ExampleGo() {
	// Late values start before rendering and run concurrently; the page
	// waits for each only where it uses it, flushing what it has first.
	ctx := context.Background()
	slow := func(d time.Duration, v string) func(context.Context) (string, error) {
		return func(ctx context.Context) (string, error) {
			select {
			case <-time.After(d): // stands in for a slow service
				return v, nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
	}
	data := map[string]any{
		"recs":    runnel.Go(ctx, slow(20*time.Millisecond, "kettle")),
		"reviews": slow(30*time.Millisecond, "5 stars"), // started when rendering starts
	}
	t := runnel.New(nil).MustParse("p", "<h1>Shop</h1> {{ recs }} / {{ reviews }}")
	if err := t.Render(ctx, os.Stdout, data); err != nil {
		fmt.Println(err)
	}
	// Output: <h1>Shop</h1> kettle / 5 stars
}

func ExampleTemplate_Stream() {
	t := runnel.New(nil).MustParse("p", `<body>{% defer %}<p>{{ recent|join:", " }}</p>{% placeholder %}<p>Loading…</p>{% enddefer %}<main>…</main></body>`)
	recent := runnel.Ready([]string{"mug", "kettle"})
	var b strings.Builder
	// InOrder renders sections in place; Streaming would send a placeholder
	// first and the section later, out of order.
	err := t.Stream(context.Background(), &b, map[string]any{"recent": recent}, runnel.StreamOptions{Mode: runnel.InOrder})
	fmt.Println(b.String(), err)
	// Output: <body><p>mug, kettle</p><main>…</main></body> <nil>
}

func ExampleEngine_Handler() {
	eng := runnel.New(fstest.MapFS{"home.html": {Data: []byte("<h1>{{ title }}</h1>")}})
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", eng.Handler("home.html", func(r *http.Request) (any, error) {
		return map[string]any{"title": "Welcome"}, nil
	}))
	_ = mux // http.ListenAndServe("localhost:8080", mux)
	fmt.Println("ok")
	// Output: ok
}

func ExampleDecimal() {
	eng := runnel.New(fstest.MapFS{"t": {Data: []byte(`{{ price }} {{ price|floatformat:1 }} {{ items }} {% if price > 1 %}more{% endif %}`)}})
	t, _ := eng.Template("t")
	out, _ := t.RenderString(context.Background(), map[string]any{
		"price": runnel.MustDecimal("1.25"),
		"items": []any{runnel.MustDecimal("1.10"), runnel.Tuple{1, 2}},
	})
	fmt.Println(out)
	// Output: 1.25 1.3 [Decimal(&#x27;1.10&#x27;), (1, 2)] more
}

func ExampleDate() {
	eng := runnel.New(fstest.MapFS{"t": {Data: []byte(`{{ day }} | {{ day|date:"D j M" }} | {{ at }} | {{ at|date:"c" }} | {{ lunch }} | {{ name.title }}`)}})
	t, _ := eng.Template("t")
	out, _ := t.RenderString(context.Background(), map[string]any{
		"day":   runnel.Date{Year: 2000, Month: 1, Day: 1},
		"at":    runnel.Naive(time.Date(2000, 7, 1, 13, 5, 0, 0, time.UTC)),
		"lunch": runnel.TimeOfDay{Hour: 12, Minute: 30},
		"name":  "ada lovelace",
	})
	fmt.Println(out)
	// Output: Jan. 1, 2000 | Sat 1 Jan | July 1, 2000, 1:05 p.m. | 2000-07-01T13:05:00 | 12:30 p.m. | Ada Lovelace
}
