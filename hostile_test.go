package runnel

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Values that hold themselves are printed as Python prints them ([...] and
// {...}), and compared and walked without end; before, each of these
// overflowed Go's stack (a fatal error that takes down every request).

// cyclicList is Python's l = [1]; l.append(l).
func cyclicList() []any {
	l := []any{1, nil}
	l[1] = l
	return l
}

// cyclicDict is Python's d = {"a": 1}; d["self"] = d.
func cyclicDict() map[string]any {
	d := map[string]any{"a": 1}
	d["self"] = d
	return d
}

func TestCyclicValues(t *testing.T) {
	l, d := cyclicList(), cyclicDict()
	om := NewOrderedMap("z", 1)
	om.Set("me", om)
	var p any
	p = &p // a pointer to an interface that holds the pointer
	inner := []any{"x"}
	pair := []any{inner, nil}
	pair[1] = []any{pair} // a cycle two lists long
	runCases(t, []tcase{
		{name: "print", src: `{{ l }}`, data: m{"l": l}, want: "[1, [...]]"},
		{name: "print-dict", src: `{{ d }}`, data: m{"d": d}, want: "{&#x27;a&#x27;: 1, &#x27;self&#x27;: {...}}"},
		{name: "print-ordered", src: `{% autoescape off %}{{ om }}{% endautoescape %}`, data: m{"om": om}, want: "{'z': 1, 'me': {...}}"},
		{name: "print-two-lists", src: `{% autoescape off %}{{ p }}{% endautoescape %}`, data: m{"p": pair}, want: "[['x'], [[...]]]"},
		{name: "join", src: `{{ l|join:", " }}`, data: m{"l": l}, want: "1, [1, [...]]"},
		{name: "pprint", src: `{{ l|pprint }}`, data: m{"l": l}, want: "[1, [...]]"},
		{name: "escape", src: `{{ d|escape }}`, data: m{"d": d}, want: "{&#x27;a&#x27;: 1, &#x27;self&#x27;: {...}}"},
		{name: "stringformat-r", src: `{{ l|stringformat:"r" }}`, data: m{"l": l}, want: "[1, [...]]"},
		{name: "for", src: `{% for x in l %}<{{ x }}>{% endfor %}`, data: m{"l": l}, want: "<1><[1, [...]]>"},
		{name: "for-nested", src: `{% for x in l.1 %}{% for y in x.1 %}{{ y }};{% endfor %}{% endfor %}`, data: m{"l": l}, want: "1;[1, [...]];"},
		{name: "equal-itself", src: `{% if l == l %}yes{% endif %}`, data: m{"l": l}, want: "yes"},
		{name: "equal-copy", src: `{% if l == k %}yes{% else %}no{% endif %}`, data: m{"l": l, "k": cyclicList()}, want: "no"},
		{name: "in", src: `{% if l in l %}yes{% endif %}`, data: m{"l": l}, want: "yes"},
		{name: "less-copy", src: `{% if l < k %}lt{% else %}no{% endif %}`, data: m{"l": l, "k": cyclicList()}, want: "no"},
		{name: "pointer-chain", src: `{% if p %}true{% endif %}|{{ p|length }}`, data: m{"p": &p}, want: "true|0"},
		{name: "unordered_list", src: `{{ l|unordered_list }}`, data: m{"l": []any{"a", l}}, err: "unordered_list: the list contains itself"},
		{name: "unordered_list-dict", src: `{{ d|unordered_list }}`, data: m{"d": d}, want: "\t<li>a</li>\n\t<li>self</li>"},
		{name: "json_script", src: `{{ l|json_script }}`, data: m{"l": l}, err: "circular"},
	})
}

// deepList is n lists, each the only item of the next.
func deepList(n int) []any {
	var v any = "leaf"
	for range n {
		v = []any{v}
	}
	return v.([]any)
}

func TestDeepValues(t *testing.T) {
	deep := deepList(100_000)
	out, err := renderSrc(t, `{{ v }}`, m{"v": deep})
	if err != nil {
		t.Fatal(err)
	}
	// Python would raise RecursionError; the engine stops following at
	// maxValueDepth and writes [...] there.
	if want := strings.Repeat("[", maxValueDepth) + "[...]" + strings.Repeat("]", maxValueDepth); out != want {
		t.Errorf("printed %d bytes, want %d: %.40q…", len(out), len(want), out)
	}
	var nested any = []any{"leaf"}
	for range 100_000 {
		nested = []any{"x", nested}
	}
	if _, err := renderSrc(t, `{{ v|unordered_list }}`, m{"v": nested}); err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Errorf("unordered_list of 100,000 levels: %v", err)
	}
	if _, err := renderSrc(t, `{% if v == w %}{% endif %}`, m{"v": deep, "w": deepList(100_000)}); err != nil {
		t.Errorf("comparing 100,000 levels: %v", err)
	}
}

// TestUnorderedListContext: unordered_list looks at the render's context
// while it works, not only when it is done.
func TestUnorderedListContext(t *testing.T) {
	items := make([]any, 0, 400_000)
	for i := range 200_000 {
		items = append(items, i, []any{"x", "y"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := New(fstest.MapFS{"t.html": {Data: []byte(`{{ v|unordered_list }}`)}})
	tmpl, err := e.Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = tmpl.RenderString(ctx, m{"v": items})
	if err == nil {
		t.Fatal("a canceled render of unordered_list succeeded")
	}
	t.Logf("canceled after %v: %v", time.Since(start), err)
}

func renderSrc(t *testing.T, src string, data map[string]any) (string, error) {
	t.Helper()
	e := New(fstest.MapFS{"t.html": {Data: []byte(src)}})
	tmpl, err := e.Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl.RenderString(context.Background(), data)
}

// TestDeepNesting: a template nesting block tags past the limit fails to
// parse with an error naming the place, instead of overflowing the stack.
func TestDeepNesting(t *testing.T) {
	const n = 500_000
	src := strings.Repeat("{% if x %}", n) + "deep" + strings.Repeat("{% endif %}", n)
	e := New(fstest.MapFS{"deep.html": {Data: []byte(src)}})
	_, err := e.Template("deep.html")
	if err == nil || !strings.Contains(err.Error(), "Tags nested too deeply: 'if' on line 1 opens level 513") || !strings.Contains(err.Error(), "deep.html:1:5121") {
		t.Fatalf("500,000 nested ifs: %.300v", err)
	}

	ok := strings.Repeat("{% if x %}", 512) + "deep" + strings.Repeat("{% endif %}", 512)
	if out, err := renderSrc(t, ok, m{"x": true}); err != nil || out != "deep" {
		t.Fatalf("512 nested ifs: %q, %v", out, err)
	}

	e = New(fstest.MapFS{"t.html": {Data: []byte(`{% for a in x %}{% if a %}{% with b=a %}{% endwith %}{% endif %}{% endfor %}`)}}, WithMaxNesting(2))
	if _, err := e.Template("t.html"); err == nil || !strings.Contains(err.Error(), "'with' on line 1 opens level 3, and at most 2 may be open") {
		t.Fatalf("WithMaxNesting(2): %v", err)
	}

	nots := "{% if " + strings.Repeat("not ", 100_000) + "x %}y{% endif %}"
	e = New(fstest.MapFS{"t.html": {Data: []byte(nots)}})
	if _, err := e.Template("t.html"); err == nil || !strings.Contains(err.Error(), "Too many 'not' operators") {
		t.Fatalf("100,000 nots: %.200v", err)
	}
}

// TestLoremContext: {% lorem %} with a huge count ends with its context,
// writing as it goes rather than building the text first.
func TestLoremContext(t *testing.T) {
	for _, src := range []string{`{% lorem 999999999 b %}`, `{% lorem k w %}`, `{% lorem k p random %}`} {
		t.Run(src, func(t *testing.T) {
			e := New(fstest.MapFS{"t.html": {Data: []byte(src)}})
			tmpl, err := e.Template("t.html")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			w := &countingWriter{}
			start := time.Now()
			err = tmpl.Render(ctx, w, m{"k": 1 << 40})
			if err == nil {
				t.Fatal("a lorem of 10^9 paragraphs ended without error")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("ended %v after its context's 100ms", d)
			}
			if w.n == 0 {
				t.Errorf("nothing was written before the context ended: the text is built before it is written")
			}
			t.Logf("%v, %d bytes written: %v", time.Since(start), w.n, err)
		})
	}
	if out, err := renderSrc(t, `{% lorem 3 w %}|{% lorem -2 w %}|{% lorem 2 p %}`, nil); err != nil || !strings.HasPrefix(out, "lorem ipsum dolor|lorem ipsum dolor sit amet consectetur adipisicing elit sed do eiusmod tempor incididunt ut labore et dolore|<p>Lorem ipsum") {
		t.Errorf("lorem: %q, %v", out, err)
	}
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
