package runnel

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

type siteInner struct {
	Deep string
	N    int
}

type siteOuter struct {
	Pad   [3]byte
	Name  string
	Count int
	Big   int64
	Ratio float64
	OK    bool
	Color siteColor
	When  time.Time
	Tags  []string
	siteInner
	*sitePtr
	Fn   func() string
	Any  any
	Next *siteOuter
}

type sitePtr struct{ Behind string }

type siteColor string

type siteOther struct {
	X    int
	Name string
}

// TestFieldSiteFastPath: a lookup site that learned a struct field's offset
// reads the same values as the general path, for every kind of field, after
// the data's type changes under it, through nil pointers, and concurrently.
func TestFieldSiteFastPath(t *testing.T) {
	src := `{{ v.Name }}|{{ v.Count }}|{{ v.Big }}|{{ v.Ratio }}|{{ v.OK }}|{{ v.Color }}|` +
		`{{ v.When|date:"Y" }}|{{ v.Tags|join:"," }}|{{ v.Deep }}|{{ v.N }}|{{ v.Behind }}|` +
		`{{ v.Fn }}|{{ v.Any }}|{{ v.Next.Name }}|{{ v.name }}|{% for t in v.Tags %}{{ t }}{% endfor %}`
	e := New(fstest.MapFS{"t.html": {Data: []byte(src)}})
	tmpl, err := e.Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	full := &siteOuter{
		Name: "a<b", Count: 3, Big: 1 << 40, Ratio: 1.5, OK: true, Color: "red",
		When: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Tags: []string{"x", "y"},
		siteInner: siteInner{Deep: "deep", N: 7}, sitePtr: &sitePtr{Behind: "behind"},
		Fn: func() string { return "called" }, Any: "any",
		Next: &siteOuter{Name: "next"},
	}
	want := `a&lt;b|3|1099511627776|1.5|True|red|2024|x,y|deep|7|behind|called|any|next|a&lt;b|xy`
	// Twice: the first render learns the sites, the second uses them.
	for i := range 2 {
		got, err := tmpl.RenderString(context.Background(), map[string]any{"v": full})
		if err != nil || got != want {
			t.Fatalf("render %d: %q, %v; want %q", i, got, err, want)
		}
	}
	// The same sites see another type, a nil pointer of the learned type,
	// a struct with a nil embedded pointer, and a struct value.
	for _, c := range []struct {
		v    any
		want string
	}{
		{&siteOther{X: 1, Name: "other"}, "other" + strings.Repeat("|", 14) + "other|"},
		{(*siteOuter)(nil), strings.Repeat("|", 15)},
		{&siteOuter{Name: "n"}, `n|0|0|0.0|False||0001|||0||None|None||n|`},
		{siteOuter{Name: "val"}, `val|0|0|0.0|False||0001|||0||None|None||val|`},
		{full, want},
	} {
		got, err := tmpl.RenderString(context.Background(), map[string]any{"v": c.v})
		if err != nil || got != c.want {
			t.Errorf("%T: %q, %v; want %q", c.v, got, err, c.want)
		}
	}
	// Concurrent renders of fresh sites (run with -race).
	tmpl2, err := New(fstest.MapFS{"t.html": {Data: []byte(src)}}).Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			v := any(full)
			w := want
			if i%2 == 1 {
				v, w = &siteOther{Name: "o"}, "o"+strings.Repeat("|", 14)+"o|"
			}
			for range 50 {
				got, err := tmpl2.RenderString(context.Background(), map[string]any{"v": v})
				if err != nil || got != w {
					t.Errorf("concurrent: %q, %v; want %q", got, err, w)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestRootSlots: a name's value is found in the data map once per render,
// and never outlives what it was found in: a {% with %} or a loop shadows
// it, an isolated include does not see it (and sees its own names), the
// next render of the pooled state sees the next data.
func TestRootSlots(t *testing.T) {
	e := New(fstest.MapFS{
		"p.html":  {Data: []byte(`{{ a }}|{% with a="w" %}{{ a }}{% endwith %}|{% for a in l %}{{ a }}{% endfor %}|{% include "i.html" only %}|{% include "i.html" with b="x" only %}|{% include "i.html" %}|{{ a }}{{ b }}`)},
		"i.html":  {Data: []byte(`[{{ a }}{{ b }}]`)},
		"p2.html": {Data: []byte(`{{ b }}{{ a }}`)},
	})
	p, err := e.Template("p.html")
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.Template("p2.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{"a": "1", "l": []int{7, 8}}, `1|w|78|[]|[x]|[1]|1`},
		{map[string]any{"a": "2", "b": "B"}, `2|w||[]|[x]|[2B]|2B`},
		{map[string]any{"b": "3"}, `|w||[]|[x]|[3]|3`},
	} {
		got, err := p.RenderString(context.Background(), c.data)
		if err != nil || got != c.want {
			t.Errorf("%v: %q, %v; want %q", c.data, got, err, c.want)
		}
		got, err = p2.RenderString(context.Background(), c.data)
		want := ""
		for _, k := range []string{"b", "a"} {
			if v, ok := c.data[k]; ok {
				want += v.(string)
			}
		}
		if err != nil || got != want {
			t.Errorf("p2 %v: %q, %v; want %q", c.data, got, err, want)
		}
	}
}

// TestFieldDisplayedAsValue: a number reached as a struct field (handed
// out by pointer) displays as the same number given as a value: localized,
// positional.
func TestFieldDisplayedAsValue(t *testing.T) {
	type nums struct {
		F float64
		I int64
	}
	e := New(fstest.MapFS{"t.html": {Data: []byte(`{{ n.F }} {{ f }} {{ n.I }} {{ i }}`)}}, WithLanguageCode("de"))
	tmpl, err := e.Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []float64{1.5, 1e-20, 1e20} {
		n := &nums{F: f, I: 1 << 40}
		got, err := tmpl.RenderString(context.Background(), map[string]any{"n": n, "f": f, "i": n.I})
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Fields(got)
		if len(parts) != 4 || parts[0] != parts[1] || parts[2] != parts[3] {
			t.Errorf("%v: %q", f, got)
		}
		if f == 1.5 && parts[0] != "1,5" {
			t.Errorf("1.5 in German: %q", parts[0])
		}
	}
}

// TestLoopCounterWritten: {{ forloop.counter }} and {{ forloop.counter0 }},
// written without making a value, display as the counter's value does
// (grouped under USE_THOUSAND_SEPARATOR),
// and a forloop of the data outside a loop is the data's.
func TestLoopCounterWritten(t *testing.T) {
	src := `{% for x in l %}{% if forloop.last %}{{ forloop.counter }} {{ forloop.counter0 }} {% with c=forloop.counter %}{{ c }}{% endwith %}{% endif %}{% endfor %}|{{ forloop.counter }}`
	for _, c := range []struct {
		opts []Option
		want string
	}{
		{nil, `1234 1233 1234|data`},
		{[]Option{WithSettings(Settings{UseThousandSeparator: true})}, `1,234 1,233 1,234|data`},
	} {
		e := New(fstest.MapFS{"t.html": {Data: []byte(src)}}, c.opts...)
		tmpl, err := e.Template("t.html")
		if err != nil {
			t.Fatal(err)
		}
		got, err := tmpl.RenderString(context.Background(), map[string]any{
			"l": make([]int, 1234), "forloop": map[string]any{"counter": "data"},
		})
		if err != nil || got != c.want {
			t.Errorf("%q, %v; want %q", got, err, c.want)
		}
	}
}
