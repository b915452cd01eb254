package runnel

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"
)

type appendFields struct {
	S   string
	F   float64
	I   int
	B   bool
	L   []string
	Nil *string
}

// TestAppendFormsAgree: the forms of a filter that skip making a value
// (filterDef.app as the last filter of {{ }}, filterDef.raw on a field's
// pointer) write exactly what the general form writes, for text, safe
// text, fields and plain values, with autoescaping on and off, and with
// every kind of argument.
func TestAppendFormsAgree(t *testing.T) {
	texts := []string{
		"", "plain", "Mixed Case & <b>", "straße ǅ ß ﬁ", "İstanbul", "ÀÉÎ õü",
		"  lots   of\twhite\nspace  ", "one two three four five six seven eight nine ten",
		"ends with … already …", "\u00a0nbsp\u2003em\u3000space", "\xff\xfebad utf8",
		"a'b\"c", "don't stop 1st 2ND o'NEIL it's x'Y 3rd42nd", "ALL CAPS and_under-score",
	}
	floats := []float64{0, math.Copysign(0, -1), 1.005, 18.125, -1.5, 1234567.891, 1e300, 1e-20,
		math.Inf(1), math.Inf(-1), math.NaN(), 0.0004, -0.0004, 100}
	args := []string{"", `:"2"`, `:"-2"`, `:"0"`, `:"3g"`, `:"2u"`, `:"-3gu"`, `:"x"`,
		`:"8"`, `:"1"`, `:"-1"`, `:0`, `:3`, `:-5`, `:9223372036854775807`, `:"99999999"`}
	var exprs []string
	for _, f := range []string{"upper", "lower", "title", "truncatewords", "floatformat", "add"} {
		for _, a := range args {
			if (f == "upper" || f == "lower" || f == "title") != (a == "") || ((f == "truncatewords" || f == "add") && a == "") {
				continue
			}
			exprs = append(exprs, "v|"+f+a, "v|safe|"+f+a, `v|default:"D"|`+f+a)
		}
	}
	exprs = append(exprs, `v|default:"<D>"`, `v|length`, `v|default:"x"|length`)

	var src strings.Builder
	for i, e := range exprs {
		fmt.Fprintf(&src, "%d:{{ %s }}\x1e{%% with r=%s %%}{{ r }}{%% endwith %%}\x1f", i, e, e)
	}
	page := src.String()
	e := New(fstest.MapFS{
		"on.html":  {Data: []byte(page)},
		"off.html": {Data: []byte("{% autoescape off %}" + page + "{% endautoescape %}")},
	})
	var values []any
	for _, s := range texts {
		values = append(values, s, SafeString(s), &appendFields{S: s})
	}
	for _, f := range floats {
		values = append(values, f, &appendFields{F: f})
	}
	values = append(values, 7, -3, 1<<62, true, nil, []string{"a", "b"}, &appendFields{L: []string{"x"}},
		&appendFields{I: 41}, &appendFields{I: 1<<63 - 1})
	check := func(name string, data map[string]any, field string) {
		t.Helper()
		tmpl, err := e.Template(name)
		if err != nil {
			t.Fatal(err)
		}
		out, err := tmpl.RenderString(context.Background(), data)
		if err != nil {
			t.Fatalf("%s %v: %v", name, data["v"], err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\x1f"), "\x1f") {
			idx, rest, _ := strings.Cut(line, ":")
			direct, bound, _ := strings.Cut(rest, "\x1e")
			if direct != bound {
				var i int
				fmt.Sscan(idx, &i)
				t.Errorf("%s, v=%#v%s, {{ %s }}: %q, general form %q", name, data["v"], field, exprs[i], direct, bound)
			}
		}
	}
	for _, v := range values {
		for _, name := range []string{"on.html", "off.html"} {
			check(name, map[string]any{"v": v}, "")
			if f, ok := v.(*appendFields); ok {
				// The fields themselves, reached through a lookup (pointers).
				for _, fv := range []string{"S", "F", "I", "L", "Nil"} {
					src := strings.ReplaceAll(page, "v|", "w."+fv+"|")
					fe := New(fstest.MapFS{"p.html": {Data: []byte(src)}})
					tmpl, err := fe.Template("p.html")
					if err != nil {
						t.Fatal(err)
					}
					out, err := tmpl.RenderString(context.Background(), map[string]any{"w": f})
					if err != nil {
						t.Fatal(err)
					}
					// The same as the field's value given as a value.
					plain := map[string]any{"S": f.S, "F": f.F, "I": f.I, "L": f.L, "Nil": nil}[fv]
					ptmpl, _ := e.Template(name)
					want, err := ptmpl.RenderString(context.Background(), map[string]any{"v": plain})
					if err != nil {
						t.Fatal(err)
					}
					if name == "on.html" && out != want {
						t.Errorf("field %s of %+v:\n%s\nas a value:\n%s", fv, *f, out, want)
					}
				}
			}
		}
	}
}
