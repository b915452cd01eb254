package runnel_test

// The shapes of custom tags that real Django projects use, written against
// the public API only (this is an external test package): a block tag with
// a lexer-like raw body ({% highlight %}, after django-pygments' {% pygment %}),
// a conditional block tag with {% else %} ({% iffeature %}), tags with their
// own argument grammar ({% render_field form.f class+="x" %} of
// django-widget-tweaks, {% picture img format-{avif,webp} fill-800x600 %} of
// Wagtail), and a tag that sets a variable ({% get_admin_log 10 as admin_log
// for_user user %} of Django's admin).

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/streamtest"
)

// highlightKeywords are the words {% highlight "go" %} marks.
var highlightKeywords = map[string]bool{"func": true, "return": true, "package": true, "var": true}

// shapesLib is a library of the four shapes.
func shapesLib() *runnel.Library {
	lib := runnel.NewLibrary()

	// {% highlight "lang" %}…raw source…{% endhighlight %}: the body is not
	// template code; the tag lexes it itself.
	lib.Tag("highlight", runnel.TagSpec{End: "endhighlight", Raw: true}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) != 2 {
			return nil, p.Errorf("'%s' takes one argument, the language", bits[0])
		}
		if bits[1] != `"go"` {
			return nil, p.Errorf("'%s': unknown language %s", bits[0], bits[1])
		}
		src := p.Branches()[0].Raw()
		if i := strings.Index(src, "\t"); i >= 0 {
			return nil, p.Branches()[0].ErrorfAt(i, "tabs are not allowed in highlighted code")
		}
		var b strings.Builder
		b.WriteString(`<pre class="go">`)
		for _, word := range splitWords(src) {
			if highlightKeywords[word] {
				b.WriteString(`<span class="k">` + word + `</span>`)
			} else {
				b.WriteString(string(runnel.Escape(word)))
			}
		}
		b.WriteString(`</pre>`)
		html := b.String()
		return nodeFunc(func(r *runnel.Renderer) error { r.WriteString(html); return nil }), nil
	})

	// {% iffeature "name" %}…{% else %}…{% endiffeature %}: a flag from the
	// variable "features"; only the chosen branch renders, and it streams.
	lib.Tag("iffeature", runnel.TagSpec{End: "endiffeature", Middles: []string{"else"}}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) != 2 {
			return nil, p.Errorf("'%s' takes one argument", bits[0])
		}
		name, err := p.Expr(bits[1])
		if err != nil {
			return nil, err
		}
		branches := p.Branches()
		if len(branches) > 2 {
			return nil, branches[2].Errorf("'%s' takes one {%% else %%}", bits[0])
		}
		on, err := branches[0].Body()
		if err != nil {
			return nil, err
		}
		var off runnel.Body
		if len(branches) == 2 {
			if branches[1].Args != "" {
				return nil, branches[1].Errorf("'else' takes no arguments")
			}
			if off, err = branches[1].Body(); err != nil {
				return nil, err
			}
		}
		return nodeFunc(func(r *runnel.Renderer) error {
			flag, err := name.Resolve(r)
			if err != nil {
				return err
			}
			features, _ := r.Get("features")
			set, _ := features.(map[string]bool)
			if set[runnel.ToString(flag)] {
				return r.Render(on)
			}
			return r.Render(off)
		}), nil
	})

	// {% render_field field attr="v" attr+="v" … %}: its own grammar of
	// attribute assignments and appends.
	lib.Tag("render_field", runnel.TagSpec{}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) < 2 {
			return nil, p.Errorf("'%s' tag requires a form field followed by a list of attributes and values in the form attr=\"value\"", bits[0])
		}
		field, err := p.Expr(bits[1])
		if err != nil {
			return nil, err
		}
		type attr struct {
			name   string
			append bool
			val    *runnel.Expr
		}
		var attrs []attr
		for _, bit := range bits[2:] {
			name, val, ok := strings.Cut(bit, "=")
			if !ok || name == "" || val == "" {
				return nil, p.Errorf("'%s': could not parse the attribute %q", bits[0], bit)
			}
			a := attr{name: name}
			if n, ok := strings.CutSuffix(name, "+"); ok {
				a.name, a.append = n, true
			}
			if a.val, err = p.Expr(val); err != nil {
				return nil, err
			}
			attrs = append(attrs, a)
		}
		return nodeFunc(func(r *runnel.Renderer) error {
			f, err := field.Resolve(r)
			if err != nil {
				return err
			}
			w, ok := f.(widget)
			if !ok {
				return fmt.Errorf("render_field: %T is not a form field", f)
			}
			set := map[string]string{"name": w.Name, "class": w.Class}
			order := []string{"name", "class"}
			for _, a := range attrs {
				v, err := a.val.Resolve(r)
				if err != nil {
					return err
				}
				if _, seen := set[a.name]; !seen {
					order = append(order, a.name)
				}
				if a.append && set[a.name] != "" {
					set[a.name] += " " + runnel.ToString(v)
				} else {
					set[a.name] = runnel.ToString(v)
				}
			}
			r.WriteString("<input")
			for _, k := range order {
				if set[k] != "" {
					r.WriteString(" " + k + `="` + string(runnel.Escape(set[k])) + `"`)
				}
			}
			r.WriteString(">")
			return nil
		}), nil
	})

	// {% picture img format-{avif,webp} fill-800x600 %}: filter specs that
	// are not template expressions at all.
	lib.Tag("picture", runnel.TagSpec{}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) < 3 {
			return nil, p.Errorf("'%s' needs an image and at least one filter spec", bits[0])
		}
		img, err := p.Expr(bits[1])
		if err != nil {
			return nil, err
		}
		var formats []string
		size := ""
		for _, spec := range bits[2:] {
			switch {
			case strings.HasPrefix(spec, "format-{") && strings.HasSuffix(spec, "}"):
				formats = strings.Split(spec[len("format-{"):len(spec)-1], ",")
			case strings.HasPrefix(spec, "fill-"):
				size = spec[len("fill-"):]
			default:
				return nil, p.Errorf("'%s': unknown filter spec %q", bits[0], spec)
			}
		}
		return nodeFunc(func(r *runnel.Renderer) error {
			v, err := img.Resolve(r)
			if err != nil {
				return err
			}
			name := runnel.ToString(v)
			r.WriteString("<picture>")
			for _, f := range formats {
				r.WriteString(`<source type="image/` + f + `" srcset="` + string(runnel.Escape(name+"."+size+"."+f)) + `">`)
			}
			r.WriteString("</picture>")
			return nil
		}), nil
	})

	// {% get_admin_log N as var [for_user user] %}: sets a variable from
	// its own syntax, as Django's admin does.
	lib.Tag("get_admin_log", runnel.TagSpec{}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) < 4 || bits[2] != "as" {
			return nil, p.Errorf("'%s' statements require two arguments", bits[0])
		}
		limit, err := p.Expr(bits[1])
		if err != nil {
			return nil, err
		}
		varName := bits[3]
		var user *runnel.Expr
		if len(bits) > 4 {
			if len(bits) != 6 || bits[4] != "for_user" {
				return nil, p.Errorf("Fourth argument to '%s' must be 'for_user'", bits[0])
			}
			if user, err = p.Expr(bits[5]); err != nil {
				return nil, err
			}
		}
		return nodeFunc(func(r *runnel.Renderer) error {
			n, err := limit.Resolve(r)
			if err != nil {
				return err
			}
			entries, _ := r.Get("log")
			list, _ := runnel.ToList(entries)
			var who string
			if user != nil {
				u, err := user.Resolve(r)
				if err != nil {
					return err
				}
				who = runnel.ToString(u)
			}
			var out []any
			for _, e := range list {
				if who != "" && !strings.HasPrefix(runnel.ToString(e), who+":") {
					continue
				}
				if k, ok := n.(int); ok && len(out) == k {
					break
				}
				out = append(out, e)
			}
			r.SetUpward(varName, out)
			return nil
		}), nil
	})
	return lib
}

type widget struct{ Name, Class string }

// splitWords splits src into runs of letters and runs of anything else.
func splitWords(src string) []string {
	var out []string
	start := 0
	for i, c := range src {
		if i > start && unicode.IsLetter(c) != unicode.IsLetter(rune(src[start])) {
			out = append(out, src[start:i])
			start = i
		}
	}
	if start < len(src) {
		out = append(out, src[start:])
	}
	return out
}

type nodeFunc func(r *runnel.Renderer) error

func (f nodeFunc) Render(r *runnel.Renderer) error { return f(r) }

func shapesEngine() *runnel.Engine {
	return runnel.New(nil, runnel.WithLibrary("shapes", shapesLib()))
}

func TestTagShapes(t *testing.T) {
	e := shapesEngine()
	data := map[string]any{
		"features": map[string]bool{"beta": true},
		"form":     map[string]any{"email": widget{Name: "email", Class: "input"}},
		"img":      "cat",
		"user":     "ann",
		"log":      []any{"ann:1", "bob:2", "ann:3", "ann:4"},
		"x":        "<x>",
	}
	for _, tc := range []struct{ src, want string }{
		{"{% load shapes %}{% highlight \"go\" %}func f() { return \"{{ x }}\" < 1 }{% endhighlight %}",
			`<pre class="go"><span class="k">func</span> f() { <span class="k">return</span> &quot;{{ x }}&quot; &lt; 1 }</pre>`},
		{`{% load shapes %}{% iffeature "beta" %}new {{ x }}{% else %}old{% endiffeature %}`, "new &lt;x&gt;"},
		{`{% load shapes %}{% iffeature "gamma" %}new{% else %}old {{ x }}{% endiffeature %}`, "old &lt;x&gt;"},
		{`{% load shapes %}{% iffeature "gamma" %}new{% endiffeature %}`, ""},
		{`{% load shapes %}{% render_field form.email class+="wide" placeholder="E-mail & more" type="email" %}`,
			`<input name="email" class="input wide" placeholder="E-mail &amp; more" type="email">`},
		{`{% load shapes %}{% render_field form.email class=x %}`, `<input name="email" class="&lt;x&gt;">`},
		{`{% load shapes %}{% picture img format-{avif,webp} fill-800x600 %}`,
			`<picture><source type="image/avif" srcset="cat.800x600.avif"><source type="image/webp" srcset="cat.800x600.webp"></picture>`},
		{`{% load shapes %}{% get_admin_log 2 as admin_log for_user user %}{% for e in admin_log %}[{{ e }}]{% endfor %}`, "[ann:1][ann:3]"},
		{`{% load shapes %}{% get_admin_log 3 as admin_log %}{{ admin_log|length }}`, "3"},
		{`{% load shapes %}{% if 1 %}{% get_admin_log 1 as l %}{% endif %}{{ l.0 }}`, "ann:1"},
	} {
		tmpl, err := e.Parse("shapes.html", tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		got, err := tmpl.RenderString(context.Background(), data)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s\n got: %q\nwant: %q", tc.src, got, tc.want)
		}
	}
}

// TestTagShapeErrors: the errors a tag's own grammar reports name the
// template, line and column (the tag's, or a place inside a raw body).
func TestTagShapeErrors(t *testing.T) {
	e := shapesEngine()
	for _, tc := range []struct{ src, want string }{
		{"{% load shapes %}\n  {% highlight \"cobol\" %}x{% endhighlight %}", `shapes.html:2:3: 'highlight': unknown language "cobol"`},
		{"{% load shapes %}{% highlight \"go\" %}\nfunc\n  \tx{% endhighlight %}", "shapes.html:3:3: tabs are not allowed"},
		{"{% load shapes %}{% iffeature \"a\" %}{% else %}{% else %}{% endiffeature %}", "shapes.html:1:47: 'iffeature' takes one {% else %}"},
		{"{% load shapes %}{% iffeature \"a\" %}x", "Unclosed tag on line 1: 'iffeature'. Looking for one of: else, endiffeature."},
		{"{% load shapes %}{% render_field form.f class %}", `'render_field': could not parse the attribute "class"`},
		{"{% load shapes %}{% picture img resize-1 %}", `'picture': unknown filter spec "resize-1"`},
		{"{% load shapes %}\n{% get_admin_log 10 as l for u %}", "shapes.html:2:1: Fourth argument to 'get_admin_log' must be 'for_user'"},
	} {
		_, err := e.Parse("shapes.html", tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: want an error with %q, got %v", tc.src, tc.want, err)
		}
	}
}

// TestConditionalTagStreams: the chosen branch of {% iffeature %} streams:
// its text before a late value reaches the reader before the value is
// resolved.
func TestConditionalTagStreams(t *testing.T) {
	e := shapesEngine()
	tmpl := e.MustParse("p.html", `{% load shapes %}<h1>shell</h1>{% iffeature "beta" %}<p>before</p>{{ slow }}<p>after</p>{% else %}off{% endiffeature %}`)
	slow, resolve := runnel.NewFuture[string]()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := tmpl.Render(context.Background(), pw, map[string]any{"features": map[string]bool{"beta": true}, "slow": slow})
		pw.CloseWithError(err)
		done <- err
	}()
	rd := streamtest.NewReader(t, pr)
	rd.Until("<p>before</p>") // arrives while slow is unresolved
	resolve("<late>", nil)
	if rest := rd.Rest(); rest != "&lt;late&gt;<p>after</p>" {
		t.Fatalf("rest %q", rest)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestEndTag: a tag sees the tag that ended its body, as {% endblock name %}
// checks its name.
func TestEndTag(t *testing.T) {
	lib := runnel.NewLibrary().Tag("section", runnel.TagSpec{End: "endsection"}, func(p *runnel.TagParser) (runnel.Node, error) {
		name := p.Bits()[1]
		if end := p.EndTag(); end != "endsection" && end != "endsection "+name {
			return nil, p.Errorf("'%s' ended by '%s'", name, end)
		}
		body, err := p.Branches()[0].Body()
		if err != nil {
			return nil, err
		}
		return nodeFunc(func(r *runnel.Renderer) error { return r.Render(body) }), nil
	})
	e := runnel.New(nil, runnel.WithLibrary("s", lib))
	if _, err := e.Parse("t", "{% load s %}{% section a %}x{% endsection a %}{% section b %}y{% endsection %}"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Parse("t", "{% load s %}{% section a %}x{% endsection b %}"); err == nil || !strings.Contains(err.Error(), "'a' ended by 'endsection b'") {
		t.Fatalf("got %v", err)
	}
}
