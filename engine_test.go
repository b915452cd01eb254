package runnel

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// tcase is one template test in the style of Django's template_tests: a set
// of templates, the data, and the expected output (or an error substring).
type tcase struct {
	name  string
	src   string
	data  map[string]any
	want  string
	err   string // substring of the expected error; "" for none
	files map[string]string
	opts  []Option
}

func runCases(t *testing.T, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			fsys["t.html"] = &fstest.MapFile{Data: []byte(tc.src)}
			e := New(fsys, tc.opts...)
			tmpl, err := e.Template("t.html")
			var got string
			if err == nil {
				got, err = tmpl.RenderString(context.Background(), tc.data)
			}
			if tc.err != "" {
				if err == nil {
					t.Fatalf("want error containing %q, got output %q", tc.err, got)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error containing %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want {
				t.Fatalf("\n got: %q\nwant: %q", got, tc.want)
			}
		})
	}
}

type person struct {
	FirstName string
	Age       int
	Friends   []*person
	UserID    int
}

func (p *person) Greeting() string { return "Hi " + p.FirstName }

func (p person) Upper() string { return strings.ToUpper(p.FirstName) }

func TestBasicSyntax(t *testing.T) {
	bob := &person{FirstName: "Bob", Age: 30, UserID: 7}
	runCases(t, []tcase{
		{name: "text", src: "hello", want: "hello"},
		{name: "var", src: "{{ a }}", data: map[string]any{"a": "x"}, want: "x"},
		{name: "missing", src: "[{{ a }}]", want: "[]"},
		{name: "escape", src: "{{ a }}", data: map[string]any{"a": `<a href="x">'&'</a>`}, want: "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"},
		{name: "safe", src: "{{ a|safe }}", data: map[string]any{"a": "<b>"}, want: "<b>"},
		{name: "safestring", src: "{{ a }}", data: map[string]any{"a": MarkSafe("<b>")}, want: "<b>"},
		{name: "literal-safe", src: `{{ "<b>" }}`, want: "<b>"},
		{name: "int", src: "{{ 5 }} {{ -3 }} {{ 1.5 }} {{ 2.0 }}", want: "5 -3 1.5 2.0"},
		{name: "bools", src: "{{ True }} {{ False }} {{ None }}", want: "True False None"},
		{name: "dotted", src: "{{ a.b.c }}", data: map[string]any{"a": map[string]any{"b": map[string]any{"c": 1}}}, want: "1"},
		{name: "index", src: "{{ a.1 }}", data: map[string]any{"a": []string{"x", "y"}}, want: "y"},
		{name: "struct-field", src: "{{ p.FirstName }} {{ p.first_name }} {{ p.age }} {{ p.user_id }}", data: map[string]any{"p": bob}, want: "Bob Bob 30 7"},
		{name: "struct-method", src: "{{ p.Greeting }} {{ p.greeting }} {{ p.upper }}", data: map[string]any{"p": bob}, want: "Hi Bob Hi Bob BOB"},
		{name: "struct-value", src: "{{ p.first_name }} {{ p.upper }} {{ p.greeting }}", data: map[string]any{"p": *bob}, want: "Bob BOB Hi Bob"},
		{name: "func", src: "{{ f }}", data: map[string]any{"f": func() string { return "called" }}, want: "called"},
		{name: "func-ctx", src: "{{ f }}", data: map[string]any{"f": func(ctx context.Context) (int, error) { return 42, nil }}, want: "42"},
		{name: "func-args-invalid", src: "[{{ f }}]", data: map[string]any{"f": func(a int) int { return a }}, want: "[]"},
		{name: "comment", src: "a{# x #}b", want: "ab"},
		{name: "multiline-comment-is-text", src: "a{# x\n #}b", want: "a{# x\n #}b"},
		{name: "unclosed-var-is-text", src: "a {{ b", want: "a {{ b"},
		{name: "string-if-invalid", src: "{{ a }}|{{ a.b|escape }}", opts: []Option{WithStringIfInvalid("INVALID")}, want: "INVALID|INVALID"},
		{name: "string-if-invalid-s", src: "{{ a.b }}", opts: []Option{WithStringIfInvalid("bad %s")}, want: "bad a.b"},
		{name: "strict", src: "{{ a }}", opts: []Option{WithStrict()}, err: "undefined variable: a"},
		{name: "strict-default", src: `{{ a|default:"d" }}`, opts: []Option{WithStrict()}, want: "d"},
		{name: "autoescape-off-option", src: "{{ a }}", data: map[string]any{"a": "<"}, opts: []Option{WithAutoescape(false)}, want: "<"},
		{name: "underscore", src: "{{ _a }}", err: "may not begin with underscores"},
		{name: "empty-var", src: "{{ }}", err: "Empty variable tag on line 1"},
		{name: "remainder", src: "{{ a b }}", err: "Could not parse the remainder"},
		{name: "unknown-filter", src: "{{ a|nope }}", err: "Invalid filter: 'nope'"},
		{name: "filter-arg-count", src: "{{ a|safe:1 }}", err: "safe requires 1 arguments, 2 provided"},
		{name: "map-items", src: "{% for k, v in m.items %}{{ k }}={{ v }};{% endfor %}", data: map[string]any{"m": map[string]int{"b": 2, "a": 1}}, want: "a=1;b=2;"},
		{name: "ordered-map", src: "{% for k, v in m.items %}{{ k }}={{ v }};{% endfor %}", data: map[string]any{"m": NewOrderedMap("z", 1, "a", 2)}, want: "z=1;a=2;"},
	})
}

func TestIfTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "true", src: "{% if a %}yes{% endif %}", data: map[string]any{"a": 1}, want: "yes"},
		{name: "false", src: "{% if a %}yes{% else %}no{% endif %}", data: map[string]any{"a": 0}, want: "no"},
		{name: "elif", src: "{% if a == 1 %}1{% elif a == 2 %}2{% else %}x{% endif %}", data: map[string]any{"a": 2}, want: "2"},
		{name: "and-or", src: "{% if a and b or c %}y{% else %}n{% endif %}", data: map[string]any{"a": 1, "b": 0, "c": 1}, want: "y"},
		{name: "not", src: "{% if not a %}y{% endif %}", want: "y"},
		{name: "in", src: "{% if 'b' in s %}y{% endif %}{% if 2 in l %}z{% endif %}{% if 5 not in l %}w{% endif %}", data: map[string]any{"s": "abc", "l": []int{1, 2}}, want: "yzw"},
		{name: "is-none", src: "{% if a is None %}y{% endif %}{% if b is not None %}z{% endif %}", data: map[string]any{"a": nil, "b": 1}, want: "yz"},
		{name: "compare", src: "{% if a < b %}lt{% endif %}{% if a >= 1.5 %}ge{% endif %}", data: map[string]any{"a": 2, "b": 3}, want: "ltge"},
		{name: "compare-bad-types", src: "{% if a < 'x' %}y{% else %}n{% endif %}", data: map[string]any{"a": 2}, want: "n"},
		{name: "eq-int-float", src: "{% if 1 == 1.0 %}y{% endif %}{% if True == 1 %}z{% endif %}", want: "yz"},
		{name: "missing-is-none", src: "{% if x is None %}y{% endif %}", want: "y"},
		{name: "filter-in-cond", src: "{% if x|default:'q' == 'q' %}y{% endif %}", want: "y"},
		{name: "precedence", src: "{% if a or b and c %}y{% else %}n{% endif %}", data: map[string]any{"a": 1, "b": 0, "c": 0}, want: "y"},
		{name: "unused", src: "{% if a b %}{% endif %}", err: "Unused 'b' at end of if expression."},
		{name: "unexpected-end", src: "{% if a and %}{% endif %}", err: "Unexpected end of expression in if tag."},
		{name: "not-expecting", src: "{% if and a %}{% endif %}", err: "Not expecting 'and' in this position in if tag."},
		{name: "unclosed", src: "{% if a %}x", err: "Unclosed tag on line 1: 'if'. Looking for one of: elif, else, endif."},
		{name: "invalid-inner", src: "{% if a %}{% foo %}{% endif %}", err: "Invalid block tag on line 1: 'foo', expected 'elif', 'else' or 'endif'. Did you forget to register or load this tag?"},
	})
}

func TestForTag(t *testing.T) {
	runCases(t, []tcase{
		{name: "basic", src: "{% for x in l %}{{ x }},{% endfor %}", data: map[string]any{"l": []int{1, 2, 3}}, want: "1,2,3,"},
		{name: "reversed", src: "{% for x in l reversed %}{{ x }}{% endfor %}", data: map[string]any{"l": []any{1, 2, 3}}, want: "321"},
		{name: "empty", src: "{% for x in l %}{{ x }}{% empty %}none{% endfor %}", data: map[string]any{"l": []int{}}, want: "none"},
		{name: "missing", src: "{% for x in l %}{{ x }}{% empty %}none{% endfor %}", want: "none"},
		{name: "forloop", src: "{% for x in l %}{{ forloop.counter }}{{ forloop.counter0 }}{{ forloop.revcounter }}{{ forloop.revcounter0 }}{{ forloop.first }}{{ forloop.last }}{{ forloop.length }} {% endfor %}", data: map[string]any{"l": "ab"}, want: "1021TrueFalse2 2110FalseTrue2 "},
		{name: "parentloop", src: "{% for a in l %}{% for b in l %}{{ forloop.parentloop.counter }}{{ forloop.counter }} {% endfor %}{% endfor %}", data: map[string]any{"l": []int{1, 2}}, want: "11 12 21 22 "},
		{name: "unpack", src: "{% for a, b in l %}{{ a }}-{{ b }};{% endfor %}", data: map[string]any{"l": [][]int{{1, 2}, {3, 4}}}, want: "1-2;3-4;"},
		{name: "unpack-spaces", src: "{% for a , b in l %}{{ a }}{{ b }}{% endfor %}", data: map[string]any{"l": [][]int{{1, 2}}}, want: "12"},
		{name: "unpack-wrong", src: "{% for a, b, c in l %}{% endfor %}", data: map[string]any{"l": [][]int{{1, 2}}}, err: "Need 3 values to unpack in for loop; got 2."},
		{name: "structs", src: "{% for p in l %}{{ p.first_name }}{% endfor %}", data: map[string]any{"l": []person{{FirstName: "A"}, {FirstName: "B"}}}, want: "AB"},
		{name: "scope", src: "{% for x in l %}{% endfor %}[{{ x }}]", data: map[string]any{"l": []int{1}}, want: "[]"},
		{name: "map-keys", src: "{% for k in m %}{{ k }}{% endfor %}", data: map[string]any{"m": map[string]int{"b": 1, "a": 2}}, want: "ab"},
		{name: "bad-format", src: "{% for x from l %}{% endfor %}", err: "'for' statements should use the format 'for x in y'"},
		{name: "few-words", src: "{% for x in %}{% endfor %}", err: "'for' statements should have at least four words"},
	})
}

func TestWithAndAutoescape(t *testing.T) {
	runCases(t, []tcase{
		{name: "with", src: "{% with a=1 b='x' %}{{ a }}{{ b }}{% endwith %}[{{ a }}]", want: "1x[]"},
		{name: "with-legacy", src: "{% with l.0 as first %}{{ first }}{% endwith %}", data: map[string]any{"l": []string{"q"}}, want: "q"},
		{name: "with-empty", src: "{% with %}{% endwith %}", err: "'with' expected at least one variable assignment"},
		{name: "autoescape-off", src: "{% autoescape off %}{{ a }}{% endautoescape %}{{ a }}", data: map[string]any{"a": "<"}, want: "<&lt;"},
		{name: "autoescape-bad", src: "{% autoescape maybe %}{% endautoescape %}", err: "'autoescape' argument should be 'on' or 'off'"},
		{name: "verbatim", src: "{% verbatim %}{{ a }}{% if %}{% endverbatim %}", want: "{{ a }}{% if %}"},
		{name: "verbatim-named", src: "{% verbatim x %}{% endverbatim %}{% endverbatim x %}", want: "{% endverbatim %}"},
		{name: "comment-tag", src: "a{% comment %}{% if %}{{ x }}{% endcomment %}b", want: "ab"},
		{name: "comment-note", src: `a{% comment "why" %}x{% endcomment %}b`, want: "ab"},
	})
}

func TestInheritance(t *testing.T) {
	files := map[string]string{
		"base.html":   "<head>{% block title %}Base{% endblock %}</head>{% block body %}B{% endblock %}",
		"middle.html": "{% extends 'base.html' %}{% block body %}M[{{ block.super }}]{% endblock %}",
		"inc.html":    "inc:{{ x }}",
		"rel/a.html":  "{% include './b.html' %}",
		"rel/b.html":  "B!",
		"self.html":   "{% extends 'self.html' %}",
		"loop.html":   "{% include 'loop.html' %}",
	}
	runCases(t, []tcase{
		{name: "extends", src: "{% extends 'base.html' %}{% block title %}T{% endblock %}", files: files, want: "<head>T</head>B"},
		{name: "super", src: "{% extends 'base.html' %}{% block title %}{{ block.super }}+T{% endblock %}", files: files, want: "<head>Base+T</head>B"},
		{name: "three-levels", src: "{% extends 'middle.html' %}{% block body %}C{{ block.super }}{% endblock %}", files: files, want: "<head>Base</head>CM[B]"},
		{name: "leading-text", src: "x{% extends 'base.html' %}", files: files, want: "x<head>Base</head>B"},
		{name: "extends-var", src: "{% extends p %}", data: map[string]any{"p": "base.html"}, files: files, want: "<head>Base</head>B"},
		{name: "not-first", src: "{{ a }}{% extends 'base.html' %}", files: files, err: "must be the first tag"},
		{name: "dup-block", src: "{% block a %}{% endblock %}{% block a %}{% endblock %}", err: "'block' tag with name 'a' appears more than once"},
		{name: "endblock-name", src: "{% block a %}{% endblock b %}", err: "expected 'endblock' or 'endblock a'"},
		{name: "super-in-base", src: "{% block a %}{{ block.super }}{% endblock %}", err: "Did you use {{ block.super }} in a base template?"},
		{name: "include", src: "{% include 'inc.html' %}", data: map[string]any{"x": 1}, files: files, want: "inc:1"},
		{name: "include-with", src: "{% include 'inc.html' with x=2 %}", files: files, want: "inc:2"},
		{name: "include-only", src: "{% include 'inc.html' only %}", data: map[string]any{"x": 1}, files: files, want: "inc:"},
		{name: "include-var", src: "{% include n %}", data: map[string]any{"n": "inc.html", "x": 3}, files: files, want: "inc:3"},
		{name: "include-list", src: "{% include n %}", data: map[string]any{"n": []string{"nope.html", "inc.html"}, "x": 3}, files: files, want: "inc:3"},
		{name: "include-relative", src: "{% include 'rel/a.html' %}", files: files, want: "B!"},
		{name: "include-missing", src: "{% include 'nope.html' %}", files: files, err: "template not found"},
		{name: "extends-cycle", src: "{% extends 'self.html' %}", files: files, err: "recursion"},
		{name: "include-cycle", src: "{% include 'loop.html' %}", files: files, err: "maximum include depth"},
		{name: "block-in-if-overrides", src: "{% extends 'base.html' %}{% if 1 %}{% block body %}X{% endblock %}{% endif %}", files: files, want: "<head>Base</head>X"},
	})
}

func TestErrorPosition(t *testing.T) {
	e := New(nil)
	_, err := e.Parse("page.html", "line one\n  {% if x %}\n  {% bogus %}\n{% endif %}")
	if err == nil {
		t.Fatal("want error")
	}
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("want *Error, got %T", err)
	}
	if te.Pos.Line != 3 || te.Pos.Col != 3 {
		t.Fatalf("pos = %+v", te.Pos)
	}
	want := "page.html:3:3: Invalid block tag on line 3: 'bogus', expected 'elif', 'else' or 'endif'. Did you forget to register or load this tag?\n      {% bogus %}\n      ^"
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
}

func TestRuntimeErrorNamesTemplate(t *testing.T) {
	e := New(nil)
	tmpl := e.MustParse("p.html", "ok\n{{ f }}")
	_, err := tmpl.RenderString(context.Background(), map[string]any{"f": func() (string, error) { return "", errors.New("boom") }})
	if err == nil || !strings.Contains(err.Error(), "p.html:2:1: boom") {
		t.Fatalf("got %v", err)
	}
}

func TestPanicIsError(t *testing.T) {
	e := New(nil)
	tmpl := e.MustParse("p.html", "{{ f }}")
	_, err := tmpl.RenderString(context.Background(), map[string]any{"f": func() string { panic("kaboom") }})
	if err == nil || !strings.Contains(err.Error(), "kaboom") {
		t.Fatalf("got %v", err)
	}
}

func TestCustomLibrary(t *testing.T) {
	lib := NewLibrary().
		Filter("double", func(n int) int { return n * 2 }).
		Filter("wrap", func(s, w string) string { return w + s + w }).
		SimpleTag("greet", func(name string, kw map[string]any) string { return "Hello <" + name + ">" + toStr(kw["punct"]) }).
		SimpleTag("sum", func(nums ...int) int {
			t := 0
			for _, n := range nums {
				t += n
			}
			return t
		}).
		InclusionTag("card", "card.html", func(title string) map[string]any { return map[string]any{"title": title} })
	files := map[string]string{"card.html": "<h1>{{ title }}</h1>"}
	runCases(t, []tcase{
		{name: "filter", src: "{% load mine %}{{ 3|double }} {{ 'x'|wrap:'*' }}", opts: []Option{WithLibrary("mine", lib)}, want: "6 *x*"},
		{name: "not-loaded", src: "{{ 3|double }}", opts: []Option{WithLibrary("mine", lib)}, err: "Invalid filter: 'double'"},
		{name: "simple-tag", src: "{% load mine %}{% greet 'Bo' punct='!' %}", opts: []Option{WithLibrary("mine", lib)}, want: "Hello &lt;Bo&gt;!"},
		{name: "simple-tag-as", src: "{% load mine %}{% sum 1 2 3 as total %}[{{ total }}]", opts: []Option{WithLibrary("mine", lib)}, want: "[6]"},
		{name: "inclusion", src: "{% load mine %}{% card 'T&C' %}", files: files, opts: []Option{WithLibrary("mine", lib)}, want: "<h1>T&amp;C</h1>"},
		{name: "load-from", src: "{% load double from mine %}{{ 2|double }}", opts: []Option{WithLibrary("mine", lib)}, want: "4"},
		{name: "load-bad", src: "{% load nope %}", err: "'nope' is not a registered tag library"},
		{name: "builtins", src: "{{ 2|double }}", opts: []Option{WithBuiltins(lib)}, want: "4"},
		{name: "too-many", src: "{% load mine %}{% greet 'a' 'b' %}", opts: []Option{WithLibrary("mine", lib)}, err: "received too many positional arguments"},
	})
}

type profile struct {
	Tags  []string
	Attrs map[string]int
	Empty []int
	Inner struct{ Name string }
	Count int
}

func TestStructFieldKinds(t *testing.T) {
	p := &profile{Tags: []string{"a", "<b>"}, Attrs: map[string]int{"x": 1}, Count: 300}
	p.Inner.Name = "in"
	runCases(t, []tcase{
		{name: "slice-field", src: "{{ p.tags }}|{{ p.tags.1 }}|{% for t in p.tags %}{{ t }}{% endfor %}|{% if p.tags %}y{% endif %}{% if p.empty %}n{% endif %}|{% if 'a' in p.tags %}in{% endif %}", data: map[string]any{"p": p}, want: "[&#x27;a&#x27;, &#x27;&lt;b&gt;&#x27;]|&lt;b&gt;|a&lt;b&gt;|y|in"},
		{name: "map-field", src: "{{ p.attrs.x }}{% for k, v in p.attrs.items %}{{ k }}{{ v }}{% endfor %}", data: map[string]any{"p": p}, want: "1x1"},
		{name: "nested-struct", src: "{{ p.inner.name }}{{ p.count }}{% if p.count > 299 %}!{% endif %}", data: map[string]any{"p": p}, want: "in300!"},
		{name: "value-struct", src: "{{ p.tags.0 }}{{ p.count }}", data: map[string]any{"p": *p}, want: "a300"},
		{name: "struct-root", src: "{{ Count }}{{ tags.1 }}", data: nil, want: ""},
	})
	e := New(nil)
	out, err := e.MustParse("r", "{{ count }}-{{ tags.0 }}").RenderString(context.Background(), p)
	if err != nil || out != "300-a" {
		t.Fatalf("struct data: %q %v", out, err)
	}
}

func TestDevModeReloadsChangedTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		"base.html": {Data: []byte("[{% block b %}{% endblock %}]")},
		"page.html": {Data: []byte("{% extends 'base.html' %}{% block b %}v1{% endblock %}")},
	}
	render := func(e *Engine) string {
		t.Helper()
		tmpl, err := e.Template("page.html")
		if err != nil {
			t.Fatal(err)
		}
		out, err := tmpl.RenderString(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	dev, prod := New(fsys, WithDevMode()), New(fsys)
	if render(dev) != "[v1]" || render(prod) != "[v1]" {
		t.Fatal("first render")
	}
	fsys["page.html"] = &fstest.MapFile{Data: []byte("{% extends 'base.html' %}{% block b %}v2{% endblock %}")}
	fsys["base.html"] = &fstest.MapFile{Data: []byte("<{% block b %}{% endblock %}>")}
	if got := render(dev); got != "<v2>" {
		t.Fatalf("dev mode did not reload: %q", got)
	}
	if got := render(prod); got != "[v1]" {
		t.Fatalf("cached engine changed: %q", got)
	}
}

func TestConcurrentRenders(t *testing.T) {
	e := New(benchFS)
	tmpl, err := e.Template("index.html")
	if err != nil {
		t.Fatal(err)
	}
	want, err := tmpl.RenderString(context.Background(), benchData())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				got, err := tmpl.RenderString(context.Background(), benchData())
				if err != nil || got != want {
					t.Errorf("concurrent render differs: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestUnregisteredDjangoLibrary: loading one of Django's libraries that the
// engine was not given names the package that provides it.
func TestUnregisteredDjangoLibrary(t *testing.T) {
	runCases(t, []tcase{
		{name: "i18n", src: "{% load i18n %}", err: "'i18n' is not a registered tag library"},
		{name: "hint", src: "{% load static %}", err: "github.com/runnelhq/runnel/templatetags/static"},
		{name: "other", src: "{% load nope %}", err: "'nope' is not a registered tag library. Must be one of:"},
	})
}
