package runnel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/lorem"

	"github.com/runnelhq/runnel/internal/dateformat"
)

// Ports of Django's tests/template_tests/syntax_tests for cycle, resetcycle,
// firstof, ifchanged, filter, spaceless, lorem, regroup, templatetag, url,
// widthratio, now, querystring, csrf_token and debug.

// miscNeedFilters skips a test whose templates use filters another part of
// the package has not registered yet.
func miscNeedFilters(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, ok := builtins.filters[n]; !ok {
			t.Skipf("filter %q not registered", n)
		}
	}
}

// miscCustomLib is Django's template_tests "custom" library, reduced to the
// noop filter the ported tests use.
var miscCustomLib = NewLibrary().Filter("noop", func(v any, _ any) any { return v })

// miscRange is Python's list(range(n)).
func miscRange(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestCycleTag ports test_cycle.py.
func TestCycleTag(t *testing.T) {
	miscNeedFilters(t, "lower", "force_escape")
	values := []int{1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 9, 9}
	runCases(t, []tcase{
		{name: "cycle01", src: "{% cycle a %}", err: "No named cycles in template. 'a' is not defined"},
		{name: "cycle05", src: "{% cycle %}", err: "'cycle' tag requires at least two arguments"},
		{name: "cycle07", src: "{% cycle a,b,c as foo %}{% cycle bar %}", err: "Could not parse the remainder: ',b,c' from 'a,b,c'"},
		{name: "cycle10", src: "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}", want: "ab"},
		{name: "cycle11", src: "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}{% cycle abc %}", want: "abc"},
		{name: "cycle12", src: "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}{% cycle abc %}{% cycle abc %}", want: "abca"},
		{name: "cycle13", src: "{% for i in test %}{% cycle 'a' 'b' %}{{ i }},{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "a0,b1,a2,b3,a4,"},
		{name: "cycle14", src: "{% cycle one two as foo %}{% cycle foo %}", data: map[string]any{"one": "1", "two": "2"}, want: "12"},
		{name: "cycle15", src: "{% for i in test %}{% cycle aye bee %}{{ i }},{% endfor %}", data: map[string]any{"test": miscRange(5), "aye": "a", "bee": "b"}, want: "a0,b1,a2,b3,a4,"},
		{name: "cycle16", src: "{% cycle one|lower two as foo %}{% cycle foo %}", data: map[string]any{"one": "A", "two": "2"}, want: "a2"},
		{name: "cycle17", src: "{% cycle 'a' 'b' 'c' as abc silent %}{% cycle abc %}{% cycle abc %}{% cycle abc %}{% cycle abc %}", want: ""},
		{name: "cycle18", src: "{% cycle 'a' 'b' 'c' as foo invalid_flag %}", err: "Only 'silent' flag is allowed after cycle's name, not 'invalid_flag'."},
		{name: "cycle19", src: "{% cycle 'a' 'b' as silent %}{% cycle silent %}", want: "ab"},
		{name: "cycle20", src: "{% cycle one two as foo %} &amp; {% cycle foo %}", data: map[string]any{"two": "C & D", "one": "A & B"}, want: "A &amp; B &amp; C &amp; D"},
		{name: "cycle21", src: "{% filter force_escape %}{% cycle one two as foo %} & {% cycle foo %}{% endfilter %}", data: map[string]any{"two": "C & D", "one": "A & B"}, want: "A &amp;amp; B &amp; C &amp;amp; D"},
		{name: "cycle22", src: "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}{{ x }}{% endfor %}", data: map[string]any{"values": []int{1, 2, 3, 4}}, want: "1234"},
		{name: "cycle23", src: "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}{{ abc }}{{ x }}{% endfor %}", data: map[string]any{"values": []int{1, 2, 3, 4}}, want: "a1b2c3a4"},
		{name: "cycle24", src: "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}{% include 'included-cycle' %}{% endfor %}", files: map[string]string{"included-cycle": "{{ abc }}"}, data: map[string]any{"values": []int{1, 2, 3, 4}}, want: "abca"},
		{name: "cycle25", src: "{% cycle a as abc %}", data: map[string]any{"a": "<"}, want: "&lt;"},
		{name: "cycle26", src: "{% cycle a b as ab %}{% cycle ab %}", data: map[string]any{"a": "<", "b": ">"}, want: "&lt;&gt;"},
		{name: "cycle27", src: "{% autoescape off %}{% cycle a b as ab %}{% cycle ab %}{% endautoescape %}", data: map[string]any{"a": "<", "b": ">"}, want: "<>"},
		{name: "cycle28", src: "{% cycle a|safe b as ab %}{% cycle ab %}", data: map[string]any{"a": "<", "b": ">"}, want: "<&gt;"},
		{name: "cycle29", src: "{% cycle 'a' 'b' 'c' as cycler silent %}{% for x in values %}{% ifchanged x %}{% cycle cycler %}{{ cycler }}{% else %}{{ cycler }}{% endifchanged %}{% endfor %}", data: map[string]any{"values": values}, want: "bcabcabcccaa"},
		{name: "cycle30", src: "{% cycle 'a' 'b' 'c' as cycler silent %}{% for x in values %}{% with doesnothing=irrelevant %}{% ifchanged x %}{% cycle cycler %}{{ cycler }}{% else %}{{ cycler }}{% endifchanged %}{% endwith %}{% endfor %}", data: map[string]any{"irrelevant": 1, "values": values}, want: "bcabcabcccaa"},
		{name: "undefined_cycle", src: "{% cycle 'a' 'b' 'c' as cycler silent %}{% for x in values %}{% cycle undefined %}{{ cycler }}{% endfor %}", err: "Named cycle 'undefined' does not exist"},
		// runnel: each include renders with its own cycle state, as Django's
		// render context does.
		{name: "include-own-state", src: "{% include 'c' %}{% include 'c' %}", files: map[string]string{"c": "{% cycle 'x' 'y' %}{% cycle 'x' 'y' %}"}, want: "xxxx"},
		{name: "state-per-render-node", src: "{% for i in l %}{% cycle 1 2 3 %}{% endfor %}|{% for i in l %}{% cycle 1 2 3 %}{% endfor %}", data: map[string]any{"l": miscRange(4)}, want: "1231|1231"},
	})
}

// TestCycleStateIsPerRender checks that each render starts its cycles afresh.
func TestCycleStateIsPerRender(t *testing.T) {
	e := New(nil)
	tmpl := e.MustParse("c.html", "{% cycle 'a' 'b' %}{% cycle 'x' 'y' as n %}")
	for range 3 {
		got, err := tmpl.RenderString(context.Background(), nil)
		if err != nil || got != "ax" {
			t.Fatalf("got %q, %v", got, err)
		}
	}
}

// TestResetCycleTag ports test_resetcycle.py ({% ifequal %} written as {% if %}).
func TestResetCycleTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "resetcycle01", src: "{% resetcycle %}", err: "No cycles in template."},
		{name: "resetcycle02", src: "{% resetcycle undefinedcycle %}", err: "Named cycle 'undefinedcycle' does not exist."},
		{name: "resetcycle03", src: "{% cycle 'a' 'b' %}{% resetcycle undefinedcycle %}", err: "Named cycle 'undefinedcycle' does not exist."},
		{name: "resetcycle04", src: "{% cycle 'a' 'b' as ab %}{% resetcycle undefinedcycle %}", err: "Named cycle 'undefinedcycle' does not exist."},
		{name: "resetcycle05", src: "{% for i in test %}{% cycle 'a' 'b' %}{% resetcycle %}{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "aaaaa"},
		{name: "resetcycle06", src: "{% cycle 'a' 'b' 'c' as abc %}{% for i in test %}{% cycle abc %}{% cycle '-' '+' %}{% resetcycle %}{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "ab-c-a-b-c-"},
		{name: "resetcycle07", src: "{% cycle 'a' 'b' 'c' as abc %}{% for i in test %}{% resetcycle abc %}{% cycle abc %}{% cycle '-' '+' %}{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "aa-a+a-a+a-"},
		{name: "resetcycle08", src: "{% for i in outer %}{% for j in inner %}{% cycle 'a' 'b' %}{% endfor %}{% resetcycle %}{% endfor %}", data: map[string]any{"outer": miscRange(2), "inner": miscRange(3)}, want: "abaaba"},
		{name: "resetcycle09", src: "{% for i in outer %}{% cycle 'a' 'b' %}{% for j in inner %}{% cycle 'X' 'Y' %}{% endfor %}{% resetcycle %}{% endfor %}", data: map[string]any{"outer": miscRange(2), "inner": miscRange(3)}, want: "aXYXbXYX"},
		{name: "resetcycle10", src: "{% for i in test %}{% cycle 'X' 'Y' 'Z' as XYZ %}{% cycle 'a' 'b' 'c' as abc %}{% if i == 1 %}{% resetcycle abc %}{% endif %}{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "XaYbZaXbYc"},
		{name: "resetcycle11", src: "{% for i in test %}{% cycle 'X' 'Y' 'Z' as XYZ %}{% cycle 'a' 'b' 'c' as abc %}{% if i == 1 %}{% resetcycle XYZ %}{% endif %}{% endfor %}", data: map[string]any{"test": miscRange(5)}, want: "XaYbXcYaZb"},
		{name: "too-many", src: "{% cycle 'a' 'b' as ab %}{% resetcycle ab cd %}", err: "'resetcycle' tag accepts at most one argument."},
	})
}

// TestFirstOfTag ports test_firstof.py.
func TestFirstOfTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "firstof01", src: "{% firstof a b c %}", data: map[string]any{"a": 0, "c": 0, "b": 0}, want: ""},
		{name: "firstof02", src: "{% firstof a b c %}", data: map[string]any{"a": 1, "c": 0, "b": 0}, want: "1"},
		{name: "firstof03", src: "{% firstof a b c %}", data: map[string]any{"a": 0, "c": 0, "b": 2}, want: "2"},
		{name: "firstof04", src: "{% firstof a b c %}", data: map[string]any{"a": 0, "c": 3, "b": 0}, want: "3"},
		{name: "firstof05", src: "{% firstof a b c %}", data: map[string]any{"a": 1, "c": 3, "b": 2}, want: "1"},
		{name: "firstof06", src: "{% firstof a b c %}", data: map[string]any{"c": 3, "b": 0}, want: "3"},
		{name: "firstof07", src: `{% firstof a b "c" %}`, data: map[string]any{"a": 0}, want: "c"},
		{name: "firstof08", src: `{% firstof a b "c and d" %}`, data: map[string]any{"a": 0, "b": 0}, want: "c and d"},
		{name: "firstof09", src: "{% firstof %}", err: "'firstof' statement requires at least one argument"},
		{name: "firstof10", src: "{% firstof a %}", data: map[string]any{"a": "<"}, want: "&lt;"},
		{name: "firstof11", src: "{% firstof a b %}", data: map[string]any{"a": "<", "b": ">"}, want: "&lt;"},
		{name: "firstof12", src: "{% firstof a b %}", data: map[string]any{"a": "", "b": ">"}, want: "&gt;"},
		{name: "firstof13", src: "{% autoescape off %}{% firstof a %}{% endautoescape %}", data: map[string]any{"a": "<"}, want: "<"},
		{name: "firstof14", src: "{% firstof a|safe b %}", data: map[string]any{"a": "<"}, want: "<"},
		{name: "firstof15", src: "{% firstof a b c as myvar %}[{{ myvar }}]", data: map[string]any{"a": 0, "b": 2, "c": 3}, want: "[2]"},
		{name: "all-false-asvar", src: "{% firstof a b c as myvar %}[{{ myvar }}]", data: map[string]any{"a": 0, "b": 0, "c": 0}, want: "[]"},
		{name: "asvar-escaped-once", src: "{% firstof a as v %}{{ v }}", data: map[string]any{"a": "<"}, want: "&lt;"},
	})
}

// TestIfChangedTag ports test_if_changed.py.
func TestIfChangedTag(t *testing.T) {
	days := []any{map[string]any{"hours": []int{1, 2, 3}, "day": 1}, map[string]any{"hours": []int{3}, "day": 2}}
	custom := []Option{WithLibrary("custom", miscCustomLib)}
	runCases(t, []tcase{
		{name: "ifchanged01", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% endfor %}", data: map[string]any{"num": []int{1, 2, 3}}, want: "123"},
		{name: "ifchanged02", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 3}}, want: "13"},
		{name: "ifchanged03", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 1}}, want: "1"},
		{name: "ifchanged04", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 2, 3}, "numx": []int{2, 2, 2}}, want: "122232"},
		{name: "ifchanged05", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 1}, "numx": []int{1, 2, 3}}, want: "1123123123"},
		{name: "ifchanged06", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 1}, "numx": []int{2, 2, 2}}, want: "1222"},
		{name: "ifchanged07", src: "{% for n in num %}{% ifchanged %}{{ n }}{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}{% endifchanged %}{% for y in numy %}{% ifchanged %}{{ y }}{% endifchanged %}{% endfor %}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 1}, "numx": []int{2, 2, 2}, "numy": []int{3, 3, 3}}, want: "1233323332333"},
		{name: "ifchanged08", src: "{% for data in datalist %}{% for c,d in data %}{% if c %}{% ifchanged %}{{ d }}{% endifchanged %}{% endif %}{% endfor %}{% endfor %}", data: map[string]any{"datalist": [][]any{
			{[]any{1, "a"}, []any{1, "a"}, []any{0, "b"}, []any{1, "c"}},
			{[]any{0, "a"}, []any{1, "c"}, []any{1, "d"}, []any{1, "d"}, []any{0, "e"}},
		}}, want: "accd"},
		{name: "ifchanged-param01", src: "{% for n in num %}{% ifchanged n %}..{% endifchanged %}{{ n }}{% endfor %}", data: map[string]any{"num": []int{1, 2, 3}}, want: "..1..2..3"},
		{name: "ifchanged-param02", src: "{% for n in num %}{% for x in numx %}{% ifchanged n %}..{% endifchanged %}{{ x }}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 2, 3}, "numx": []int{5, 6, 7}}, want: "..567..567..567"},
		{name: "ifchanged-param03", src: "{% for n in num %}{{ n }}{% for x in numx %}{% ifchanged x n %}{{ x }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"num": []int{1, 1, 2}, "numx": []int{5, 6, 6}}, want: "156156256"},
		{name: "ifchanged-param04", src: "{% for d in days %}{% ifchanged %}{{ d.day }}{% endifchanged %}{% for h in d.hours %}{% ifchanged d h %}{{ h }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"days": days}, want: "112323"},
		{name: "ifchanged-param05", src: "{% for d in days %}{% ifchanged d.day %}{{ d.day }}{% endifchanged %}{% for h in d.hours %}{% ifchanged d.day h %}{{ h }}{% endifchanged %}{% endfor %}{% endfor %}", data: map[string]any{"days": days}, want: "112323"},
		{name: "ifchanged-else01", src: "{% for id in ids %}{{ id }}{% ifchanged id %}-first{% else %}-other{% endifchanged %},{% endfor %}", data: map[string]any{"ids": []int{1, 1, 2, 2, 2, 3}}, want: "1-first,1-other,2-first,2-other,2-other,3-first,"},
		{name: "ifchanged-else02", src: `{% for id in ids %}{{ id }}-{% ifchanged id %}{% cycle "red" "blue" %}{% else %}gray{% endifchanged %},{% endfor %}`, data: map[string]any{"ids": []int{1, 1, 2, 2, 2, 3}}, want: "1-red,1-gray,2-blue,2-gray,2-gray,3-red,"},
		{name: "ifchanged-else03", src: `{% for id in ids %}{{ id }}{% ifchanged id %}-{% cycle "red" "blue" %}{% else %}{% endifchanged %},{% endfor %}`, data: map[string]any{"ids": []int{1, 1, 2, 2, 2, 3}}, want: "1-red,1,2-blue,2,2,3-red,"},
		{name: "ifchanged-else04", src: "{% for id in ids %}{% ifchanged %}***{{ id }}*{% else %}...{% endifchanged %}{{ forloop.counter }}{% endfor %}", data: map[string]any{"ids": []int{1, 1, 2, 2, 2, 3, 4}}, want: "***1*1...2***2*3...4...5***3*6***4*7"},
		{name: "ifchanged-filter-ws", src: `{% load custom %}{% for n in num %}{% ifchanged n|noop:"x y" %}..{% endifchanged %}{{ n }}{% endfor %}`, opts: custom, data: map[string]any{"num": []int{1, 2, 3}}, want: "..1..2..3"},
		{name: "render-once", src: `{% ifchanged %}{% cycle "1st time" "2nd time" %}{% endifchanged %}`, want: "1st time"},
		{name: "include", src: `{% for x in vars %}{% include "include" %}{% endfor %}`, files: map[string]string{"include": "{% ifchanged %}{{ x }}{% endifchanged %}"}, data: map[string]any{"vars": []int{1, 1, 2, 2, 3, 3}}, want: "123"},
		{name: "outside-loop", src: "{% ifchanged %}a{% endifchanged %}{% ifchanged 1 %}b{% endifchanged %}", want: "ab"},
		{name: "two-else", src: "{% ifchanged %}a{% else %}b{% else %}c{% endifchanged %}", err: "Invalid block tag on line 1: 'else', expected 'endifchanged'."},
	})
}

// TestIfChangedConcurrency is Django's #15849: ifchanged state belongs to the
// render, so a render started from inside another does not disturb it.
func TestIfChangedConcurrency(t *testing.T) {
	e := New(nil)
	tmpl := e.MustParse("t", "[0{% for x in foo %},{% with var=get_value %}{% ifchanged %}{{ var }}{% endifchanged %}{% endwith %}{% endfor %}]")
	var inner string
	n := 0
	get := func() int {
		n++
		if n == 3 {
			m := 0
			var err error
			inner, err = tmpl.RenderString(context.Background(), map[string]any{"foo": miscRange(3), "get_value": func() int { m++; return m }})
			if err != nil {
				t.Error(err)
			}
		}
		return n
	}
	outer, err := tmpl.RenderString(context.Background(), map[string]any{"foo": miscRange(3), "get_value": get})
	if err != nil || outer != "[0,1,2,3]" || inner != "[0,1,2,3]" {
		t.Fatalf("outer %q inner %q err %v", outer, inner, err)
	}
}

// TestFilterTag ports test_filter_tag.py.
func TestFilterTag(t *testing.T) {
	miscNeedFilters(t, "upper", "lower", "cut")
	runCases(t, []tcase{
		{name: "filter01", src: "{% filter upper %}{% endfilter %}", want: ""},
		{name: "filter02", src: "{% filter upper %}django{% endfilter %}", want: "DJANGO"},
		{name: "filter03", src: "{% filter upper|lower %}django{% endfilter %}", want: "django"},
		{name: "filter04", src: "{% filter cut:remove %}djangospam{% endfilter %}", data: map[string]any{"remove": "spam"}, want: "django"},
		{name: "filter05", src: "{% filter safe %}fail{% endfilter %}", err: `"filter safe" is not permitted.  Use the "autoescape" tag instead.`},
		{name: "filter05bis", src: "{% filter upper|safe %}fail{% endfilter %}", err: `"filter safe" is not permitted.`},
		{name: "filter06", src: "{% filter escape %}fail{% endfilter %}", err: `"filter escape" is not permitted.`},
		{name: "filter06bis", src: "{% filter upper|escape %}fail{% endfilter %}", err: `"filter escape" is not permitted.`},
		{name: "body-escaped-once", src: "{% filter upper %}<b>{{ x }}</b>{% endfilter %}", data: map[string]any{"x": "a&b"}, want: "<B>A&AMP;B</B>"},
		{name: "var-scoped", src: "{% filter upper %}x{% endfilter %}[{{ var }}]", want: "X[]"},
		{name: "no-filter", src: "{% filter %}x{% endfilter %}", err: "'filter' tag requires at least one filter"},
		{name: "unknown", src: "{% filter nope %}x{% endfilter %}", err: "Invalid filter: 'nope'"},
	})
}

// TestSpacelessTag ports test_spaceless.py.
func TestSpacelessTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "spaceless01", src: "{% spaceless %} <b>    <i> text </i>    </b> {% endspaceless %}", want: "<b><i> text </i></b>"},
		{name: "spaceless02", src: "{% spaceless %} <b> \n <i> text </i> \n </b> {% endspaceless %}", want: "<b><i> text </i></b>"},
		{name: "spaceless03", src: "{% spaceless %}<b><i>text</i></b>{% endspaceless %}", want: "<b><i>text</i></b>"},
		{name: "spaceless04", src: "{% spaceless %}<b>   <i>{{ text }}</i>  </b>{% endspaceless %}", data: map[string]any{"text": "This & that"}, want: "<b><i>This &amp; that</i></b>"},
		{name: "spaceless05", src: "{% autoescape off %}{% spaceless %}<b>   <i>{{ text }}</i>  </b>{% endspaceless %}{% endautoescape %}", data: map[string]any{"text": "This & that"}, want: "<b><i>This & that</i></b>"},
		{name: "spaceless06", src: "{% spaceless %}<b>   <i>{{ text|safe }}</i>  </b>{% endspaceless %}", data: map[string]any{"text": "This & that"}, want: "<b><i>This & that</i></b>"},
		{name: "text-kept", src: "{% spaceless %}<p>\n  Hello  \n</p>{% endspaceless %}", want: "<p>\n  Hello  \n</p>"},
		{name: "unicode-space", src: "{% spaceless %}\u00a0<a>\u2003\t<b>{% endspaceless %}", want: "<a><b>"},
	})
}

// TestLoremTag ports test_lorem.py and checks the random forms' shape.
func TestLoremTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "lorem1", src: "{% lorem 3 w %}", want: "lorem ipsum dolor"},
		{name: "lorem_default", src: "{% lorem %}", want: lorem.CommonParagraph},
		{name: "lorem_syntax_error", src: "{% lorem 1 2 3 4 %}", err: "Incorrect format for 'lorem' tag"},
		{name: "single-word", src: "{% lorem w %}", want: "lorem"},
		{name: "single-paragraph", src: "{% lorem p %}", want: "<p>" + lorem.CommonParagraph + "</p>"},
		{name: "count-var", src: "{% lorem n w %}", data: map[string]any{"n": 2}, want: "lorem ipsum"},
		{name: "negative-count", src: "{% lorem -18 w %}", want: "lorem"},
		{name: "zero-paragraphs", src: "{% lorem 0 p %}", want: ""},
	})
	e := New(nil)
	render := func(src string) string {
		t.Helper()
		out, err := e.MustParse("l", src).RenderString(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for range 20 {
		words := strings.Split(render("{% lorem 3 w random %}"), " ")
		if len(words) != 3 {
			t.Fatalf("random words: %q", words)
		}
		for _, w := range words {
			if !slices.Contains(lorem.WordList[:], w) {
				t.Fatalf("%q is not a lorem word", w)
			}
		}
	}
	if n := strings.Count(render("{% lorem 2 p %}"), "<p>"); n != 2 {
		t.Fatalf("lorem 2 p: %d paragraphs", n)
	}
	if n := strings.Count(render("{% lorem two p %}"), "<p>"); n != 1 {
		t.Fatalf("lorem two p: %d paragraphs", n)
	}
	blocks := render("{% lorem 3 b %}")
	parts := strings.Split(blocks, "\n\n")
	if len(parts) != 3 || parts[0] != lorem.CommonParagraph || strings.Contains(blocks, "<p>") {
		t.Fatalf("lorem 3 b: %q", blocks)
	}
	for _, p := range parts[1:] {
		if p == "" || !strings.ContainsAny(p[len(p)-1:], "?.") || p[:1] != strings.ToUpper(p[:1]) {
			t.Fatalf("bad random paragraph %q", p)
		}
	}
	if w := strings.Fields(render("{% lorem 25 w %}")); len(w) != 25 || strings.Join(w[:19], " ") != strings.Join(lorem.CommonWords[:], " ") {
		t.Fatalf("lorem 25 w: %q", w)
	}
	if w := strings.Fields(render("{% lorem 300 w random %}")); len(w) != 300 {
		t.Fatalf("lorem 300 w random: %d words", len(w))
	}
	if p := render("{% lorem 1 p random %}"); p == "<p>"+lorem.CommonParagraph+"</p>" || !strings.HasPrefix(p, "<p>") {
		t.Fatalf("lorem 1 p random: %q", p)
	}
}

// TestRegroupTag ports test_regroup.py.
func TestRegroupTag(t *testing.T) {
	data := []any{
		map[string]any{"foo": "c", "bar": 1},
		map[string]any{"foo": "d", "bar": 1},
		map[string]any{"foo": "a", "bar": 2},
		map[string]any{"foo": "b", "bar": 2},
		map[string]any{"foo": "x", "bar": 3},
	}
	type musician struct{ Name, Instrument string }
	musicians := []musician{{"Django Reinhardt", "Guitar"}, {"Emily Remler", "Guitar"}, {"Lovie Austin", "Piano"}, {"Duke Ellington", "Trumpet"}}
	runCases(t, []tcase{
		{name: "regroup01", src: "{% regroup data by bar as grouped %}{% for group in grouped %}{{ group.grouper }}:{% for item in group.list %}{{ item.foo }}{% endfor %},{% endfor %}", data: map[string]any{"data": data}, want: "1:cd,2:ab,3:x,"},
		{name: "regroup02", src: "{% regroup data by bar as grouped %}{% for group in grouped %}{{ group.grouper }}:{% for item in group.list %}{{ item.foo }}{% endfor %}{% endfor %}", want: ""},
		{name: "regroup05", src: "{% regroup data by bar as %}", err: "'regroup' tag takes five arguments"},
		{name: "regroup06", src: "{% regroup data by bar thisaintright grouped %}", err: "next-to-last argument to 'regroup' tag must be 'as'"},
		{name: "regroup07", src: "{% regroup data thisaintright bar as grouped %}", err: "second argument to 'regroup' tag must be 'by'"},
		{name: "regroup08", src: "{% regroup data by bar as grouped toomanyargs %}", err: "'regroup' tag takes five arguments"},
		{name: "regroup_unpack", src: "{% regroup data by bar as grouped %}{% for grouper, group in grouped %}{{ grouper }}:{% for item in group %}{{ item.foo }}{% endfor %},{% endfor %}", data: map[string]any{"data": data}, want: "1:cd,2:ab,3:x,"},
		{name: "structs", src: "{% regroup musicians by instrument as grouped %}{% for g in grouped %}{{ g.grouper }}[{% for m in g.list %}{{ m.name }};{% endfor %}]{% endfor %}", data: map[string]any{"musicians": musicians}, want: "Guitar[Django Reinhardt;Emily Remler;]Piano[Lovie Austin;]Trumpet[Duke Ellington;]"},
		{name: "missing-key", src: "{% regroup data by nope as g %}{% for x in g %}{{ x.grouper }}:{{ x.list|length }}{% endfor %}", data: map[string]any{"data": data}, want: "None:5"},
		{name: "empty", src: "{% regroup data by bar as g %}[{% for x in g %}x{% endfor %}]", data: map[string]any{"data": []any{}}, want: "[]"},
		{name: "not-iterable", src: "{% regroup data by bar as g %}", data: map[string]any{"data": 5}, err: "'int' object is not iterable"},
	})
}

// TestRegroupWithFilters ports the regroup tests that group by a filtered
// value.
func TestRegroupWithFilters(t *testing.T) {
	miscNeedFilters(t, "join", "first")
	runCases(t, []tcase{
		{name: "regroup04", src: `{% regroup data by bar|join:"" as grouped %}{% for group in grouped %}{{ group.grouper }}:{% for item in group.list %}{{ item.foo|first }}{% endfor %},{% endfor %}`, data: map[string]any{"data": []any{
			map[string]any{"foo": "x", "bar": []string{"ab", "c"}},
			map[string]any{"foo": "y", "bar": []string{"a", "bc"}},
			map[string]any{"foo": "z", "bar": []string{"a", "d"}},
		}}, want: "abc:xy,ad:z,"},
	})
	miscNeedFilters(t, "date")
	runCases(t, []tcase{
		{name: "regroup03", src: `{% regroup data by at|date:"m" as grouped %}{% for group in grouped %}{{ group.grouper }}:{% for item in group.list %}{{ item.at|date:"d" }}{% endfor %},{% endfor %}`, data: map[string]any{"data": []any{
			map[string]any{"at": time.Date(2012, 2, 14, 0, 0, 0, 0, time.UTC)},
			map[string]any{"at": time.Date(2012, 2, 28, 0, 0, 0, 0, time.UTC)},
			map[string]any{"at": time.Date(2012, 7, 4, 0, 0, 0, 0, time.UTC)},
		}}, want: "02:1428,07:04,"},
	})
}

// TestTemplateTagTag ports test_template_tag.py.
func TestTemplateTagTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "templatetag01", src: "{% templatetag openblock %}", want: "{%"},
		{name: "templatetag02", src: "{% templatetag closeblock %}", want: "%}"},
		{name: "templatetag03", src: "{% templatetag openvariable %}", want: "{{"},
		{name: "templatetag04", src: "{% templatetag closevariable %}", want: "}}"},
		{name: "templatetag05", src: "{% templatetag %}", err: "'templatetag' statement takes one argument"},
		{name: "templatetag06", src: "{% templatetag foo %}", err: "Invalid templatetag argument: 'foo'. Must be one of: ['openblock', 'closeblock', 'openvariable', 'closevariable', 'openbrace', 'closebrace', 'opencomment', 'closecomment']"},
		{name: "templatetag07", src: "{% templatetag openbrace %}", want: "{"},
		{name: "templatetag08", src: "{% templatetag closebrace %}", want: "}"},
		{name: "templatetag09", src: "{% templatetag openbrace %}{% templatetag openbrace %}", want: "{{"},
		{name: "templatetag10", src: "{% templatetag closebrace %}{% templatetag closebrace %}", want: "}}"},
		{name: "templatetag11", src: "{% templatetag opencomment %}", want: "{#"},
		{name: "templatetag12", src: "{% templatetag closecomment %}", want: "#}"},
	})
}

// miscResolver reverses the URL names of Django's template_tests.urls,
// quoting arguments the way Django's reverse() does.
func miscResolver(_ context.Context, name string, args []any, kwargs map[string]any) (string, error) {
	type route struct {
		prefix string
		params []string
	}
	routes := map[string]route{
		"index":             {"/", nil},
		"client":            {"/client/", []string{"id"}},
		"client_action":     {"/client/", []string{"id", "action"}},
		"named.client":      {"/named-client/", []string{"id"}},
		"метка_оператора":   {"/Юникод/", []string{"tag"}},
		"метка_оператора_2": {"/Юникод/", []string{"tag"}},
	}
	r, ok := routes[name]
	if !ok {
		return "", fmt.Errorf("Reverse for '%s' not found. '%s' is not a valid view function or pattern name.", name, name)
	}
	vals := make([]string, 0, len(r.params))
	if len(args) > 0 && len(kwargs) > 0 {
		return "", errors.New("Don't mix *args and **kwargs in call to reverse()!")
	}
	for i, p := range r.params {
		switch {
		case i < len(args):
			vals = append(vals, toStr(args[i]))
		case kwargs[p] != nil:
			vals = append(vals, toStr(kwargs[p]))
		}
	}
	if len(vals) != len(r.params) || len(args) > len(r.params) {
		return "", fmt.Errorf("Reverse for '%s' with arguments '%v' not found.", name, args)
	}
	path := r.prefix
	for _, v := range vals {
		path += v + "/"
	}
	return htmlutil.Quote(path, "!$&'()*+,;=/~:@"), nil
}

// TestURLTag ports test_url.py against miscResolver.
func TestURLTag(t *testing.T) {
	miscNeedFilters(t, "join")
	res := []Option{WithURLResolver(miscResolver)}
	client := map[string]any{"id": 1}
	const omega = "/%D0%AE%D0%BD%D0%B8%D0%BA%D0%BE%D0%B4/%CE%A9/"
	runCases(t, []tcase{
		{name: "url01", src: `{% url "client" client.id %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/"},
		{name: "url02", src: `{% url "client_action" id=client.id action="update" %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/update/"},
		{name: "url02a", src: `{% url "client_action" client.id "update" %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/update/"},
		{name: "url02b", src: `{% url 'client_action' id=client.id action='update' %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/update/"},
		{name: "url02c", src: `{% url 'client_action' client.id 'update' %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/update/"},
		{name: "url03", src: `{% url "index" %}`, opts: res, want: "/"},
		{name: "url04", src: `{% url "named.client" client.id %}`, opts: res, data: map[string]any{"client": client}, want: "/named-client/1/"},
		{name: "url05", src: `{% url "метка_оператора" v %}`, opts: res, data: map[string]any{"v": "Ω"}, want: omega},
		{name: "url06", src: `{% url "метка_оператора_2" tag=v %}`, opts: res, data: map[string]any{"v": "Ω"}, want: omega},
		{name: "url10", src: `{% url "client_action" id=client.id action="two words" %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/two%20words/"},
		{name: "url11", src: `{% url "client_action" id=client.id action="==" %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/==/"},
		{name: "url12", src: `{% url "client_action" id=client.id action="!$&'()*+,;=~:@," %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/!$&amp;&#x27;()*+,;=~:@,/"},
		{name: "url13", src: `{% url "client_action" id=client.id action=arg|join:"-" %}`, opts: res, data: map[string]any{"client": client, "arg": []string{"a", "b"}}, want: "/client/1/a-b/"},
		{name: "url14", src: `{% url "client_action" client.id arg|join:"-" %}`, opts: res, data: map[string]any{"client": client, "arg": []string{"a", "b"}}, want: "/client/1/a-b/"},
		{name: "url15", src: `{% url "client_action" 12 "test" %}`, opts: res, want: "/client/12/test/"},
		{name: "url18", src: `{% url "client" "1,2" %}`, opts: res, want: "/client/1,2/"},
		{name: "url19", src: `{% url named_url client.id %}`, opts: res, data: map[string]any{"client": client, "named_url": "client"}, want: "/client/1/"},
		{name: "url20", src: `{% url url_name_in_var client.id %}`, opts: res, data: map[string]any{"client": client, "url_name_in_var": "named.client"}, want: "/named-client/1/"},
		{name: "url21", src: `{% autoescape off %}{% url "client_action" id=client.id action="!$&'()*+,;=~:@," %}{% endautoescape %}`, opts: res, data: map[string]any{"client": client}, want: "/client/1/!$&'()*+,;=~:@,/"},
		{name: "url-fail01", src: `{% url %}`, opts: res, err: "'url' takes at least one argument, a URL pattern name."},
		{name: "url-fail02", src: `{% url "no_such_view" %}`, opts: res, err: "Reverse for 'no_such_view' not found."},
		{name: "url-fail03", src: `{% url "client" %}`, opts: res, err: "Reverse for 'client'"},
		{name: "url-fail04", src: `{% url "view" id, %}`, opts: res, err: "Could not parse the remainder: ',' from 'id,'"},
		{name: "url-fail05", src: `{% url "view" id= %}`, opts: res, err: "Could not parse the remainder: '=' from 'id='"},
		{name: "url-fail06", src: `{% url "view" a.id=id %}`, opts: res, err: "Could not parse the remainder: '=id' from 'a.id=id'"},
		{name: "url-fail07", src: `{% url "view" a.id!id %}`, opts: res, err: "Could not parse the remainder"},
		{name: "url-fail08", src: `{% url "view" id="unterminatedstring %}`, opts: res, err: "Could not parse the remainder"},
		{name: "url-fail09", src: `{% url "view" id=", %}`, opts: res, err: "Could not parse the remainder"},
		{name: "url-fail11", src: `{% url named_url %}`, opts: res, err: "Reverse for '' not found."},
		{name: "url-fail12", src: `{% url named_url %}`, opts: res, data: map[string]any{"named_url": "no_such_view"}, err: "Reverse for 'no_such_view' not found."},
		{name: "url-fail13", src: `{% url named_url %}`, opts: res, data: map[string]any{"named_url": "template_tests.views.client"}, err: "not found"},
		{name: "url-fail14", src: `{% url named_url id, %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-fail15", src: `{% url named_url id= %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-fail16", src: `{% url named_url a.id=id %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-fail17", src: `{% url named_url a.id!id %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-fail18", src: `{% url named_url id="unterminatedstring %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-fail19", src: `{% url named_url id=", %}`, opts: res, data: map[string]any{"named_url": "view"}, err: "Could not parse the remainder"},
		{name: "url-asvar01", src: `{% url "index" as url %}`, opts: res, want: ""},
		{name: "url-asvar02", src: `{% url "index" as url %}{{ url }}`, opts: res, want: "/"},
		{name: "url-asvar03", src: `{% url "no_such_view" as url %}{{ url }}`, opts: res, want: ""},
		{name: "asvar-escaped-on-output", src: `{% url "client_action" 1 "a&b" as u %}{{ u }}`, opts: res, want: "/client/1/a&amp;b/"},
		{name: "no-resolver", src: `{% url "index" %}`, err: "the engine has no URL resolver (configure one with runnel.WithURLResolver)"},
		{name: "no-resolver-asvar", src: `{% url "index" as u %}[{{ u }}]`, want: "[]"},
	})
}

// TestURLResolverArguments checks what {% url %} hands the resolver.
func TestURLResolverArguments(t *testing.T) {
	var gotName string
	var gotArgs []any
	var gotKw map[string]any
	var gotCtx context.Context
	type key struct{}
	r := func(ctx context.Context, name string, args []any, kw map[string]any) (string, error) {
		gotCtx, gotName, gotArgs, gotKw = ctx, name, args, kw
		return "/x/", nil
	}
	e := New(nil, WithURLResolver(r))
	ctx := context.WithValue(context.Background(), key{}, 1)
	_, err := e.MustParse("u", `{% url "n" 1 "s" missing %}{% url "k" a=1 b=x %}`).RenderString(ctx, map[string]any{"x": 2.5})
	if err != nil {
		t.Fatal(err)
	}
	if gotCtx.Value(key{}) != 1 || gotName != "k" || gotArgs == nil || len(gotArgs) != 0 || gotKw["a"] != 1 || gotKw["b"] != 2.5 {
		t.Fatalf("ctx %v name %q args %#v kwargs %#v", gotCtx, gotName, gotArgs, gotKw)
	}
	_, _ = e.MustParse("u", `{% url "n" 1 "s" missing %}`).RenderString(ctx, nil)
	if gotName != "n" || len(gotArgs) != 3 || gotArgs[0] != 1 || toStr(gotArgs[1]) != "s" || gotArgs[2] != "" || gotKw != nil {
		t.Fatalf("name %q args %#v kwargs %#v", gotName, gotArgs, gotKw)
	}
}

// TestWidthRatioTag ports test_width_ratio.py.
func TestWidthRatioTag(t *testing.T) {
	custom := []Option{WithLibrary("custom", miscCustomLib)}
	const msg = "widthratio final argument must be a number"
	runCases(t, []tcase{
		{name: "widthratio01", src: "{% widthratio a b 0 %}", data: map[string]any{"a": 50, "b": 100}, want: "0"},
		{name: "widthratio02", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 0, "b": 0}, want: "0"},
		{name: "widthratio03", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 0, "b": 100}, want: "0"},
		{name: "widthratio04", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 50, "b": 100}, want: "50"},
		{name: "widthratio05", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 100, "b": 100}, want: "100"},
		{name: "widthratio06", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 50, "b": 80}, want: "62"},
		{name: "widthratio07", src: "{% widthratio a b 100 %}", data: map[string]any{"a": 50, "b": 70}, want: "71"},
		{name: "widthratio08", src: "{% widthratio %}", err: "widthratio takes at least three arguments"},
		{name: "widthratio09", src: "{% widthratio a b %}", data: map[string]any{"a": 50, "b": 100}, err: "widthratio takes at least three arguments"},
		{name: "widthratio10", src: "{% widthratio a b 100.0 %}", data: map[string]any{"a": 50, "b": 100}, want: "50"},
		{name: "widthratio11", src: "{% widthratio a b c %}", data: map[string]any{"a": 50, "c": 100, "b": 100}, want: "50"},
		{name: "widthratio12a", src: "{% widthratio a b c %}", data: map[string]any{"a": "a", "c": 100, "b": 100}, want: ""},
		{name: "widthratio12b", src: "{% widthratio a b c %}", data: map[string]any{"a": nil, "c": 100, "b": 100}, want: ""},
		{name: "widthratio13a", src: "{% widthratio a b c %}", data: map[string]any{"a": 0, "c": 100, "b": "b"}, want: ""},
		{name: "widthratio13b", src: "{% widthratio a b c %}", data: map[string]any{"a": 0, "c": 100, "b": nil}, want: ""},
		{name: "widthratio14a", src: "{% widthratio a b c %}", data: map[string]any{"a": 0, "c": "c", "b": 100}, err: msg},
		{name: "widthratio14b", src: "{% widthratio a b c %}", data: map[string]any{"a": 0, "c": nil, "b": 100}, err: msg},
		{name: "widthratio15", src: `{% load custom %}{% widthratio a|noop:"x y" b 0 %}`, opts: custom, data: map[string]any{"a": 50, "b": 100}, want: "0"},
		{name: "widthratio16", src: "{% widthratio a b 100 as variable %}-{{ variable }}-", data: map[string]any{"a": 50, "b": 100}, want: "-50-"},
		{name: "widthratio17", src: "{% widthratio a b 100 as variable %}-{{ variable }}-", data: map[string]any{"a": 100, "b": 100}, want: "-100-"},
		{name: "widthratio18", src: "{% widthratio a b 100 as %}", err: "widthratio takes at least three arguments"},
		{name: "widthratio19", src: "{% widthratio a b 100 not_as variable %}", err: "Invalid syntax in widthratio tag. Expecting 'as' keyword"},
		{name: "widthratio20", src: "{% widthratio a b 100 %}", data: map[string]any{"a": math.Inf(1), "b": math.Inf(1)}, want: ""},
		{name: "widthratio21", src: "{% widthratio a b 100 %}", data: map[string]any{"a": math.Inf(1), "b": 2}, want: ""},
		{name: "zerodivisionerror_as_var", src: "{% widthratio a b 100 as variable %}-{{ variable }}-", data: map[string]any{"a": 0, "b": 0}, want: "-0-"},
		{name: "typeerror_as_var", src: "{% widthratio a b c as variable %}-{{ variable }}-", data: map[string]any{"a": "a", "c": 100, "b": 100}, want: "--"},
		{name: "half-even", src: "{% widthratio 175 200 100 %} {% widthratio 5 2 1 %} {% widthratio -5 2 1 %} {% widthratio -1 3 1 %}", want: "88 2 -2 0"},
		{name: "numeric-strings", src: `{% widthratio "50" "100.0" "100" %}`, want: "50"},
		{name: "missing-width", src: "{% widthratio 1 2 c %}", err: msg},
		{name: "big", src: "{% widthratio 1 1 1000000000000000000 %}", want: "1000000000000000000"},
	})
}

// TestNowTag ports test_now.py.
func TestNowTag(t *testing.T) {
	now := time.Now()
	jny := fmt.Sprintf("%d %d %d", now.Day(), int(now.Month()), now.Year())
	dateFormat := dateformat.Format(now, "DATE_FORMAT")
	runCases(t, []tcase{
		{name: "now01", src: `{% now "j n Y" %}`, want: jny},
		{name: "now02", src: `{% now "DATE_FORMAT" %}`, want: dateFormat},
		{name: "now03", src: `{% now 'j n Y' %}`, want: jny},
		{name: "now04", src: `{% now 'DATE_FORMAT' %}`, want: dateFormat},
		{name: "now05", src: `{% now 'j "n" Y'%}`, want: fmt.Sprintf(`%d "%d" %d`, now.Day(), int(now.Month()), now.Year())},
		{name: "now06", src: `{% now "j 'n' Y"%}`, want: fmt.Sprintf(`%d '%d' %d`, now.Day(), int(now.Month()), now.Year())},
		{name: "now07", src: `{% now "j n Y" as N %}-{{N}}-`, want: "-" + jny + "-"},
		{name: "no_args", src: `{% now %}`, err: "'now' statement takes one argument"},
		{name: "as-escaped", src: `{% now "<Y>" as N %}{{ N }}`, want: fmt.Sprintf("&lt;%d&gt;", now.Year())},
	})
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tz database")
	}
	e := New(nil, WithTimeZone(tokyo))
	got, err := e.MustParse("n", `{% now "e" %}`).RenderString(context.Background(), nil)
	if err != nil || got != "JST" {
		t.Fatalf("time zone: got %q, %v", got, err)
	}
}

// TestCsrfTokenTag covers {% csrf_token %} (Django's CsrfTokenNode).
func TestCsrfTokenTag(t *testing.T) {
	const src = "{% csrf_token %}"
	runCases(t, []tcase{
		{name: "token", src: src, data: map[string]any{"csrf_token": "abc"}, want: `<input type="hidden" name="csrfmiddlewaretoken" value="abc">`},
		{name: "escaped", src: src, data: map[string]any{"csrf_token": `a"<b`}, want: `<input type="hidden" name="csrfmiddlewaretoken" value="a&quot;&lt;b">`},
		{name: "func", src: src, data: map[string]any{"csrf_token": func() string { return "t" }}, want: `<input type="hidden" name="csrfmiddlewaretoken" value="t">`},
		{name: "notprovided", src: src, data: map[string]any{"csrf_token": "NOTPROVIDED"}, want: ""},
		{name: "missing", src: src, want: ""},
		{name: "empty", src: src, data: map[string]any{"csrf_token": ""}, want: ""},
	})
}

// TestDebugTag ports test_debug.py (without the module dump).
func TestDebugTag(t *testing.T) {
	debugOn := func(e *Engine) { e.debugTag = true }
	runCases(t, []tcase{
		{name: "off", src: "{% debug %}", data: map[string]any{"a": 1}, want: ""},
		{name: "plain", src: "{% debug %}", data: map[string]any{"a": 1}, opts: []Option{debugOn}, want: "{&#x27;a&#x27;: 1}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, &#x27;True&#x27;: True}\n\n{}"},
		{name: "script", src: "{% debug %}", data: map[string]any{"frag": "<script>"}, opts: []Option{debugOn}, want: "{&#x27;frag&#x27;: &#x27;&lt;script&gt;&#x27;}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, &#x27;True&#x27;: True}\n\n{}"},
		{name: "scopes", src: "{% with b=x %}{% debug %}{% endwith %}", data: map[string]any{"x": 2}, opts: []Option{debugOn}, want: "{&#x27;b&#x27;: 2}{&#x27;x&#x27;: 2}{&#x27;False&#x27;: False, &#x27;None&#x27;: None, &#x27;True&#x27;: True}\n\n{}"},
	})
}

// TestQuerystringTag ports Django 6's test_querystring.py, with an
// *http.Request as the context's request.
func TestQuerystringTag(t *testing.T) {
	req := func(target string) map[string]any {
		return map[string]any{"request": httptest.NewRequest("GET", target, nil)}
	}
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	qd := func(raw string) url.Values { v, _ := url.ParseQuery(raw); return v }
	cases := []tcase{
		{name: "empty_get_params", src: "{% querystring %}", data: req("/"), want: "?"},
		{name: "remove_all_params", src: "{% querystring a=None %}", data: req("/?a=b"), want: "?"},
		{name: "remove_all_params-empty", src: "{% querystring a=None %}", data: req("/"), want: "?"},
		{name: "remove_all_params_custom_querydict", src: "{% querystring my_query_dict my_dict a=None %}", data: map[string]any{"my_query_dict": qd("a=1&b=2"), "my_dict": map[string]any{"b": nil}}, want: "?"},
		{name: "non_empty_get_params", src: "{% querystring %}", data: req("/?a=b"), want: "?a=b"},
		{name: "multiple", src: "{% querystring %}", data: req("/?x=y&a=b"), want: "?x=y&amp;a=b"},
		{name: "empty_params-dict", src: "{% querystring qd %}", data: with(req("/"), "qd", map[string]any{}), want: "?"},
		{name: "empty_params-querydict", src: "{% querystring qd %}", data: with(req("/?a=b"), "qd", url.Values{}), want: "?"},
		{name: "empty_params-dict-qs", src: "{% querystring qd %}", data: with(req("/?a=b"), "qd", map[string]any{}), want: "?"},
		{name: "replace", src: "{% querystring a=1 %}", data: req("/?x=y&a=b"), want: "?x=y&amp;a=1"},
		{name: "add", src: "{% querystring test_new='something' %}", data: req("/?a=b"), want: "?a=b&amp;test_new=something"},
		{name: "remove", src: "{% querystring test=None a=1 %}", data: req("/?test=value&a=1"), want: "?a=1"},
		{name: "remove_nonexistent", src: "{% querystring nonexistent=None a=1 %}", data: req("/?x=y&a=1"), want: "?x=y&amp;a=1"},
		{name: "remove_from_dict", src: "{% querystring my_dict a=1 %}", data: with(req("/?test=value"), "my_dict", map[string]any{"test": nil}), want: "?a=1"},
		{name: "variable", src: "{% querystring a=a %}", data: with(req("/"), "a", 1), want: "?a=1"},
		{name: "dict", src: "{% querystring my_dict %}", data: map[string]any{"my_dict": map[string]any{"a": 1}}, want: "?a=1"},
		{name: "dict_list_values", src: "{% querystring my_dict %}", data: map[string]any{"my_dict": map[string]any{"a": []int{1, 2}}}, want: "?a=1&amp;a=2"},
		{name: "multiple_args_override", src: "{% querystring my_dict my_query_dict x=3 y=None %}", data: map[string]any{"my_dict": NewOrderedMap("x", 0, "y", 42), "my_query_dict": qd("a=1&b=2")}, want: "?x=3&amp;a=1&amp;b=2"},
		{name: "request_get_ignored", src: "{% querystring my_mapping %}", data: with(req("/?x=y&a=b"), "my_mapping", map[string]any{"y": "x"}), want: "?y=x"},
		{name: "request_get_ignored-empty", src: "{% querystring my_mapping %}", data: with(req("/?x=y&a=b"), "my_mapping", map[string]any{}), want: "?"},
		{name: "same_arg", src: "{% querystring a=1 a=2 %}", err: "'querystring' received multiple values for keyword argument 'a'"},
		{name: "non_mapping-None", src: "{% querystring somevar %}", data: with(req("/"), "somevar", nil), err: "querystring requires mappings for positional arguments (got None instead)."},
		{name: "non_mapping-0", src: "{% querystring somevar %}", data: with(req("/"), "somevar", 0), err: "querystring requires mappings for positional arguments (got 0 instead)."},
		{name: "non_mapping-str", src: "{% querystring somevar %}", data: with(req("/"), "somevar", ""), err: "querystring requires mappings for positional arguments (got '' instead)."},
		{name: "non_mapping-list", src: "{% querystring somevar %}", data: with(req("/"), "somevar", []any{}), err: "querystring requires mappings for positional arguments (got [] instead)."},
		{name: "non_string_dict_keys", src: "{% querystring my_dict %}", data: map[string]any{"my_dict": map[int]int{0: 1}}, err: "querystring requires strings for mapping keys (got 0 instead)."},
		{name: "add_list", src: "{% querystring a=my_list %}", data: with(req("/"), "my_list", []int{2, 3}), want: "?a=2&amp;a=3"},
		{name: "add_dict", src: "{% querystring a=my_dict %}", data: with(req("/"), "my_dict", map[int]int{0: 0, 1: 2, 2: 4}), want: "?a=0&amp;a=1&amp;a=2"},
		{name: "explicit_query_dict", src: "{% querystring request.GET a=2 %}", data: req("/?a=1"), want: "?a=2"},
		// test_querystring_with_explicit_query_dict, run by @setup with
		// string_if_invalid="INVALID" too: request.GET is the request's query,
		// not an invalid variable.
		{name: "explicit_query_dict-INVALID", src: "{% querystring request.GET a=2 %}", data: req("/?a=1&b=3"), want: "?a=2&amp;b=3", opts: []Option{WithStringIfInvalid("INVALID")}},
		{name: "explicit_query_dict_no_request", src: "{% querystring my_query_dict a=2 %}", data: map[string]any{"my_query_dict": qd("a=1&b=2")}, want: "?a=2&amp;b=2"},
		{name: "no_request_no_query_dict", src: "{% querystring %}", err: "'Context' object has no attribute 'request'"},
		// Django 6: None items of a list are dropped; a list of only None
		// removes the key.
		{name: "list-with-none", src: "{% querystring a=l %}", data: with(req("/?a=x&b=y"), "l", []any{1, nil, 2}), want: "?a=1&amp;a=2&amp;b=y"},
		{name: "list-all-none", src: "{% querystring a=l %}", data: with(req("/?a=x&b=y"), "l", []any{nil}), want: "?b=y"},
		{name: "request-get-map", src: "{% querystring page=2 %}", data: map[string]any{"request": map[string]any{"GET": qd("q=go+lang")}}, want: "?q=go+lang&amp;page=2"},
		{name: "encoding", src: "{% querystring q=v %}", data: with(req("/?x=%zz&y=a+b%26c"), "v", "ü &/"), want: "?x=%25zz&amp;y=a+b%26c&amp;q=%C3%BC+%26%2F"},
		{name: "blank-values", src: "{% querystring %}", data: req("/?a&b=&&c=1"), want: "?a=&amp;b=&amp;c=1"},
		{name: "repeated-keys", src: "{% querystring b=3 %}", data: req("/?a=1&b=2&a=3"), want: "?a=1&amp;a=3&amp;b=3"},
		{name: "asvar", src: "{% querystring a=1 b=2 as qs %}<a href='{{ qs }}'>", data: req("/"), want: "<a href='?a=1&amp;b=2'>"},
		{name: "autoescape-off", src: "{% autoescape off %}{% querystring a=1 b=2 %}{% endautoescape %}", data: req("/"), want: "?a=1&b=2"},
		{name: "positional-after-keyword", src: "{% querystring a=1 d %}", err: "'querystring' received some positional argument(s) after some keyword argument(s)"},
		{name: "values", src: "{% querystring t=True f=1.5 n=None s='' %}", data: req("/?n=1"), want: "?t=True&amp;f=1.5&amp;s="},
		{name: "no-get", src: "{% querystring %}", data: map[string]any{"request": 3}, err: "object has no attribute 'GET'"},
	}
	runCases(t, cases)
}

// TestMiscTagsConcurrent renders templates holding per-render tag state from
// many goroutines at once.
func TestMiscTagsConcurrent(t *testing.T) {
	e := New(nil)
	tmpl := e.MustParse("c", "{% for i in l %}{% cycle 'a' 'b' as c %}{% ifchanged i %}{{ c }}{% endifchanged %}{% endfor %}{% partialdef p inline %}{% cycle 1 2 %}{% endpartialdef %}{% partial p %}{% regroup l by real as g %}{{ g|length }}")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				out, err := tmpl.RenderString(context.Background(), map[string]any{"l": []int{1, 1, 2, 3}})
				if err != nil || out != "aabaabb111" {
					t.Errorf("got %q, %v", out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
