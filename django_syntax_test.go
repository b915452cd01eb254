package runnel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel/syntax"
)

// This file and the other django_*_test.go files port Django's own template
// tests (tests/template_tests/syntax_tests/ and test_custom.py) to Go. Each
// case is run the way Django's @setup decorator runs it: once with the
// default engine and once with string_if_invalid="INVALID". Python test data
// is mapped to Go: tuples and lists become []any, dicts map[string]any (or
// map[any]any where keys are not strings), classes structs with methods, and
// an exception raised by a method becomes an error it returns.

//
// Skipped, as they test Python internals with no Go meaning: the repr() of
// BlockContext, ForNode, WithNode, IncludeNode and ExtendsNode; test_numpy
// and test_setup; test_include's loader.get_template wrapper (a *Template
// is included directly, see include-template-argument).

// dcase is one ported Django test.
type dcase struct {
	name  string            // Django's template name
	src   string            // the template under test
	files map[string]string // the other templates of the test's @setup
	data  map[string]any
	// dataFn builds data that needs the engine (templates in the context).
	dataFn func(e *Engine) map[string]any
	want   string
	// inv is the output with string_if_invalid="INVALID", when it differs.
	inv *string
	// err is a substring of the expected error ("" for none); errAny accepts
	// any error.
	err string
	// invErr is the error expected with string_if_invalid="INVALID", when it
	// differs from err.
	invErr *string
	// compile requires the error to come from loading the template
	// (Django's get_template), not from rendering it.
	compile bool
	opts    []Option
}

// errAny is a dcase.err that accepts any error.
const errAny = "\x00any"

func ptr(s string) *string { return &s }

// djangoLibs stands in for the template-tag libraries of Django's test suite
// (tests/template_tests/templatetags).
func djangoLibs() []Option {
	echo := &tagDef{compile: func(c *compiler, t *syntax.TagNode) (node, error) {
		return &textNode{text: strings.Join(strings.Fields(t.Args), " ")}, nil
	}}
	testtags := NewLibrary().Filter("upper", strings.ToUpper)
	testtags.tags["echo"] = echo
	testtags.tags["other_echo"] = echo

	subEcho := NewLibrary().SimpleTag("echo2", func(arg any) any { return arg })

	badTag := NewLibrary().SimpleTag("badsimpletag", func() (string, error) {
		return "", errors.New("I am a bad simpletag")
	})
	badTag.tags["badtag"] = &tagDef{compile: func(*compiler, *syntax.TagNode) (node, error) {
		return nil, errors.New("I am a bad tag")
	}}

	return []Option{
		WithLibrary("testtags", testtags),
		WithLibrary("subpackage.echo", subEcho),
		WithLibrary("bad_tag", badTag),
		WithLibrary("custom", customLib()),
		WithLibrary("inclusion", inclusionLib()),
	}
}

// runDjango runs ported Django cases in the default and the
// string_if_invalid="INVALID" configurations.
func runDjango(t *testing.T, cases []dcase) {
	t.Helper()
	for _, tc := range cases {
		for _, invalid := range []bool{false, true} {
			name := tc.name
			if invalid {
				name += "/INVALID"
			}
			t.Run(name, func(t *testing.T) {
				runDjangoCase(t, tc, invalid)
			})
		}
	}
}

func runDjangoCase(t *testing.T, tc dcase, invalid bool) {
	t.Helper()
	fsys := fstest.MapFS{"inclusion.html": &fstest.MapFile{Data: []byte("{{ result }}")}}
	for name, src := range tc.files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	fsys[tc.name] = &fstest.MapFile{Data: []byte(tc.src)}
	opts := append(djangoLibs(), tc.opts...)
	want, wantErr := tc.want, tc.err
	if invalid {
		opts = append(opts, WithStringIfInvalid("INVALID"))
		if tc.inv != nil {
			want = *tc.inv
		}
		if tc.invErr != nil {
			wantErr = *tc.invErr
		}
	}
	e := New(fsys, opts...)
	data := tc.data
	if tc.dataFn != nil {
		data = tc.dataFn(e)
	}
	tmpl, err := e.Template(tc.name)
	compiled := err == nil
	var got string
	if err == nil {
		got, err = tmpl.RenderString(context.Background(), data)
	}
	if wantErr != "" {
		if err == nil {
			t.Fatalf("want error containing %q, got output %q", wantErr, got)
		}
		if wantErr != errAny && !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("want error containing %q, got %v", wantErr, err)
		}
		if tc.compile && compiled {
			t.Fatalf("want the error when loading the template, got it when rendering: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got != want {
		t.Fatalf("\n got: %q\nwant: %q", got, want)
	}
}

// ---- Go stand-ins for Django's test objects (template_tests/utils.py) ----

// djSomeException is SomeException: silent_variable_failure = True.
type djSomeException struct{}

func (djSomeException) Error() string               { return "SomeException" }
func (djSomeException) SilentVariableFailure() bool { return true }

var (
	errSomeOther      = errors.New("SomeOtherException")
	errTypeError      = errors.New("TypeError")
	errAttributeError = errors.New("AttributeError")
	errShouldNotRun   = errors.New("ShouldNotExecuteException")
)

type djOtherClass struct{}

func (djOtherClass) Method() string { return "OtherClass.method" }

// djSomeClass is SomeClass. Python's __getitem__ keys silent_fail_key and
// noisy_fail_key, and its raising properties, become methods returning an
// error.
type djSomeClass struct {
	Otherclass djOtherClass
}

func (*djSomeClass) Method() string                        { return "SomeClass.method" }
func (*djSomeClass) Method2(o any) any                     { return o }
func (*djSomeClass) Method3() (string, error)              { return "", djSomeException{} }
func (*djSomeClass) Method4() (string, error)              { return "", errSomeOther }
func (*djSomeClass) Method5() (string, error)              { return "", errTypeError }
func (*djSomeClass) SilentFailKey() (any, error)           { return nil, djSomeException{} }
func (*djSomeClass) NoisyFailKey() (any, error)            { return nil, errSomeOther }
func (*djSomeClass) SilentFailAttribute() (any, error)     { return nil, djSomeException{} }
func (*djSomeClass) NoisyFailAttribute() (any, error)      { return nil, errSomeOther }
func (*djSomeClass) AttributeErrorAttribute() (any, error) { return nil, errAttributeError }
func (*djSomeClass) TypeErrorAttribute() (any, error)      { return nil, errTypeError }

func newSomeClass() *djSomeClass { return &djSomeClass{} }

func (djSilentAttrClass) B() (any, error) { return nil, djSomeException{} }
func (djTestObj) IsTrue() bool            { return true }
func (djTestObj) IsFalse() bool           { return false }
func (djTestObj) IsBad() (bool, error)    { return false, errShouldNotRun }
func (djUTF8Class) String() string        { return "ŠĐĆŽćžšđ" }
func (djUnsafeClass) String() string      { return "you & me" }
func (djSafeClass) HTML() string          { return "you &gt; me" }

// silentGetItem stands in for SilentGetItemClass, whose __getitem__ raises
// SomeException for every key.
func silentGetItem() map[string]any {
	return map[string]any{"b": func() (any, error) { return nil, djSomeException{} }}
}

// djTuple builds a Python tuple or list.
func djTuple(items ...any) []any { return items }

// djSilentAttrClass is SilentAttrClass: property b raises SomeException.
type djSilentAttrClass struct{}

// djTestObj is TestObj.
type djTestObj struct{}

// djUTF8Class is UTF8Class: __str__ returns non-ASCII text.
type djUTF8Class struct{}

// djUnsafeClass is UnsafeClass: __str__ returns "you & me".
type djUnsafeClass struct{}

// djSafeClass is SafeClass: __str__ returns mark_safe("you &gt; me"); Go's
// equivalent of a safe __str__ is the SafeHTML interface.
type djSafeClass struct{}

// ---- test_basic.py ----

var basicTemplates = map[string]string{
	"basic-syntax01": "something cool",
	"basic-syntax02": "{{ headline }}",
	"basic-syntax03": "{{ first }} --- {{ second }}",
}

func TestDjangoBasicSyntax(t *testing.T) {
	runDjango(t, []dcase{
		{name: "basic-syntax01", src: "something cool", want: "something cool"},
		{name: "basic-syntax02", src: "{{ headline }}", data: map[string]any{"headline": "Success"}, want: "Success"},
		{name: "basic-syntax03", src: "{{ first }} --- {{ second }}", data: map[string]any{"first": 1, "second": 2}, want: "1 --- 2"},
		{name: "basic-syntax04", src: "as{{ missing }}df", want: "asdf", inv: ptr("asINVALIDdf")},
		{name: "basic-syntax06", src: "{{ multi word variable }}", err: errAny, compile: true},
		{name: "basic-syntax07", src: "{{ }}", err: "Empty variable tag on line 1", compile: true},
		{name: "basic-syntax08", src: "{{        }}", err: "Empty variable tag on line 1", compile: true},
		{name: "basic-syntax09", src: "{{ var.method }}", data: map[string]any{"var": newSomeClass()}, want: "SomeClass.method"},
		{name: "basic-syntax10", src: "{{ var.otherclass.method }}", data: map[string]any{"var": newSomeClass()}, want: "OtherClass.method"},
		{name: "basic-syntax11", src: "{{ var.blech }}", data: map[string]any{"var": newSomeClass()}, want: "", inv: ptr("INVALID")},
		{name: "basic-syntax12", src: "{{ var.__dict__ }}", err: "Variables and attributes may not begin with underscores: 'var.__dict__'", compile: true},
		{name: "basic-syntax13", src: "{{ va>r }}", err: "Could not parse the remainder: '>r' from 'va>r'", compile: true},
		{name: "basic-syntax14", src: "{{ (var.r) }}", err: "Could not parse the remainder: '(var.r)' from '(var.r)'", compile: true},
		{name: "basic-syntax15", src: "{{ sp%am }}", err: "Could not parse the remainder: '%am' from 'sp%am'", compile: true},
		{name: "basic-syntax16", src: "{{ eggs! }}", err: "Could not parse the remainder: '!' from 'eggs!'", compile: true},
		{name: "basic-syntax17", src: "{{ moo? }}", err: "Could not parse the remainder: '?' from 'moo?'", compile: true},
		{name: "basic-syntax18", src: "{{ foo.bar }}", data: map[string]any{"foo": map[string]any{"bar": "baz"}}, want: "baz"},
		{name: "basic-syntax19", src: "{{ foo.spam }}", data: map[string]any{"foo": map[string]any{"bar": "baz"}}, want: "", inv: ptr("INVALID")},
		{name: "basic-syntax20", src: "{{ var.method2 }}", data: map[string]any{"var": newSomeClass()}, want: "", inv: ptr("INVALID")},
		{name: "basic-syntax20b", src: "{{ var.method5 }}", data: map[string]any{"var": newSomeClass()}, err: "TypeError"},
		{name: "basic-syntax21", src: "a {{ moo %} b", want: "a {{ moo %} b"},
		{name: "basic-syntax22", src: "{{ moo #}", want: "{{ moo #}"},
		{name: "basic-syntax23", src: "{{ moo #} {{ cow }}", err: errAny, compile: true},
		{name: "basic-syntax24", src: "{{ moo\n }}", want: "{{ moo\n }}"},
		{name: "basic-syntax25", src: `{{ "fred" }}`, want: "fred"},
		{name: "basic-syntax26", src: `{{ "\"fred\"" }}`, want: `"fred"`},
		{name: "basic-syntax27", src: `{{ _("\"fred\"") }}`, want: `"fred"`},
		// SilentGetItemClass's __getitem__ raises SomeException for every
		// key; Go has no __getitem__ that can fail, so the stand-in is a
		// mapping whose value is a callable raising it.
		{name: "basic-syntax28", src: "{{ a.b }}", data: map[string]any{"a": silentGetItem()}, want: "", inv: ptr("INVALID")},
		{name: "basic-syntax29", src: "{{ a.b }}", data: map[string]any{"a": djSilentAttrClass{}}, want: "", inv: ptr("INVALID")},
		{name: "basic-syntax30", src: "{{ 1.2.3 }}", data: map[string]any{"1": map[string]any{"2": map[string]any{"3": "d"}}}, want: "d"},
		{name: "basic-syntax31", src: "{{ 1.2.3 }}", data: map[string]any{"1": map[string]any{"2": djTuple("a", "b", "c", "d")}}, want: "d"},
		{name: "basic-syntax32", src: "{{ 1.2.3 }}", data: map[string]any{"1": djTuple(djTuple("x", "x", "x", "x"), djTuple("y", "y", "y", "y"), djTuple("a", "b", "c", "d"))}, want: "d"},
		{name: "basic-syntax33", src: "{{ 1.2.3 }}", data: map[string]any{"1": djTuple("xxxx", "yyyy", "abcd")}, want: "d"},
		{name: "basic-syntax34", src: "{{ 1.2.3 }}", data: map[string]any{"1": djTuple(map[string]any{"x": "x"}, map[string]any{"y": "y"}, map[string]any{"z": "z", "3": "d"})}, want: "d"},
		{name: "basic-syntax35", src: "{{ 1 }}", data: map[string]any{"1": "abc"}, want: "1"},
		{name: "basic-syntax36", src: "{{ 1.2 }}", data: map[string]any{"1": "abc"}, want: "1.2"},
		{name: "basic-syntax37", src: "{{ callable }}", data: map[string]any{"callable": func() string { return "foo bar" }}, want: "foo bar"},
		{name: "basic-syntax38", src: "{{ var.callable }}", data: map[string]any{"var": map[string]any{"callable": func() string { return "foo bar" }}}, want: "foo bar"},
		{name: "unclosed-block", src: "{% block content %}", err: "Unclosed tag on line 1: 'block'. Looking for one of: endblock.", compile: true},
		{name: "unclosed-block2", src: "{% if a %}", err: "Unclosed tag on line 1: 'if'. Looking for one of: elif, else, endif.", compile: true},
		{name: "tpl-str", src: "%s", want: "%s"},
		{name: "tpl-percent", src: "%%", want: "%%"},
		{name: "tpl-weird-percent", src: "% %s", want: "% %s"},
		// Not in Django's suite: Python's int() and float() accept
		// underscores between digits, so Django's Variable does too.
		{name: "number-underscores", src: "{{ 1_000 }} {{ 1_0.5 }} {{ 1e3 }} {{ -2 }}", want: "1000 10.5 1000.0 -2"},
		{name: "number-trailing-dot", src: "{{ 5. }}", want: "", inv: ptr("INVALID")},
		{name: "unicode-names", src: "{{ ключ }}{% with имя=ключ|add:1 %}{{ имя }}{% endwith %}", data: map[string]any{"ключ": 1}, want: "12"},
		{name: "forloop-repr", src: "{% for x in l %}{{ forloop }}{% endfor %}", data: map[string]any{"l": djTuple(1)},
			want: "{&#x27;parentloop&#x27;: {}, &#x27;length&#x27;: 1, &#x27;counter0&#x27;: 0, &#x27;counter&#x27;: 1, &#x27;revcounter&#x27;: 1, &#x27;revcounter0&#x27;: 0, &#x27;first&#x27;: True, &#x27;last&#x27;: True}"},
		// A silent failure gives the value string_if_invalid, as Django's
		// _resolve_lookup does; filters and tags then see that text.
		{name: "silent-failure-in-filter-arg", src: "[{{ x|default:var.method3 }}]", data: map[string]any{"x": "", "var": newSomeClass()}, want: "[]", inv: ptr("[INVALID]")},
		{name: "silent-failure-in-if", src: "{% if var.method3 %}y{% else %}n{% endif %}", data: map[string]any{"var": newSomeClass()}, want: "n", inv: ptr("y")},
		{name: "silent-failure-in-for", src: "{% for x in var.method3 %}{{ x }}{% empty %}e{% endfor %}", data: map[string]any{"var": newSomeClass()}, want: "e", inv: ptr("INVALID")},
		{name: "silent-failure-format", src: "{{ var.method3 }}", data: map[string]any{"var": newSomeClass()}, opts: []Option{WithStringIfInvalid("INVALID %s")}, want: "INVALID %s", inv: ptr("INVALID")},
		{name: "silent-failure-root", src: "[{{ f }}]", data: map[string]any{"f": func() (string, error) { return "", djSomeException{} }}, want: "[]", inv: ptr("[INVALID]")},
	})
}

// ---- test_filter_syntax.py ----

func TestDjangoFilterSyntax(t *testing.T) {
	greatest := map[string]any{"var": "Django is the greatest!"}
	runDjango(t, []dcase{
		{name: "filter-syntax01", src: "{{ var|upper }}", data: greatest, want: "DJANGO IS THE GREATEST!"},
		{name: "filter-syntax02", src: "{{ var|upper|lower }}", data: greatest, want: "django is the greatest!"},
		{name: "filter-syntax03", src: "{{ var |upper }}", data: greatest, want: "DJANGO IS THE GREATEST!"},
		{name: "filter-syntax04", src: "{{ var| upper }}", data: greatest, want: "DJANGO IS THE GREATEST!"},
		{name: "filter-syntax05", src: "{{ var|does_not_exist }}", err: "Invalid filter: 'does_not_exist'", compile: true},
		{name: "filter-syntax06", src: "{{ var|fil(ter) }}", err: "Invalid filter: 'fil'", compile: true},
		{name: "filter-syntax07", src: "{% nothing_to_see_here %}", err: "Invalid block tag on line 1: 'nothing_to_see_here'. Did you forget to register or load this tag?", compile: true},
		{name: "filter-syntax08", src: "{% %}", err: "Empty block tag on line 1", compile: true},
		{name: "filter-syntax08-multi-line", src: "line 1\nline 2\nline 3{% %}\nline 4\nline 5", err: "Empty block tag on line 3", compile: true},
		{name: "filter-syntax09", src: `{{ var|cut:"o"|upper|lower }}`, data: map[string]any{"var": "Foo"}, want: "f"},
		{name: "filter-syntax10", src: `{{ var|default_if_none:" endquote\" hah" }}`, data: map[string]any{"var": nil}, want: ` endquote" hah`},
		{name: "filter-syntax11", src: `{{ var|default_if_none:var2 }}`, data: map[string]any{"var": nil, "var2": "happy"}, want: "happy"},
		{name: "filter-syntax13", src: `1{{ var.method3 }}2`, data: map[string]any{"var": newSomeClass()}, want: "12", inv: ptr("1INVALID2")},
		{name: "filter-syntax14", src: `1{{ var.method4 }}2`, data: map[string]any{"var": newSomeClass()}, err: "SomeOtherException"},
		{name: "filter-syntax15", src: `{{ var|default_if_none:"foo\bar" }}`, data: map[string]any{"var": nil}, want: `foo\bar`},
		{name: "filter-syntax16", src: `{{ var|default_if_none:"foo\now" }}`, data: map[string]any{"var": nil}, want: `foo\now`},
		{name: "filter-syntax17", src: `{{ var|join:"" }}`, data: map[string]any{"var": djTuple("a", "b", "c")}, want: "abc"},
		{name: "filter-syntax18", src: `{{ var }}`, data: map[string]any{"var": djUTF8Class{}}, want: "ŠĐĆŽćžšđ"},
		{name: "filter-syntax19", src: "{{ var|truncatewords:1 }}", data: map[string]any{"var": "hello world"}, want: "hello …"},
		{name: "filter-syntax20", src: `{{ ""|default_if_none:"was none" }}`, want: ""},
		{name: "filter-syntax21", src: `1{{ var.silent_fail_key }}2`, data: map[string]any{"var": newSomeClass()}, want: "12", inv: ptr("1INVALID2")},
		{name: "filter-syntax22", src: `1{{ var.silent_fail_attribute }}2`, data: map[string]any{"var": newSomeClass()}, want: "12", inv: ptr("1INVALID2")},
		{name: "filter-syntax23", src: `1{{ var.noisy_fail_key }}2`, data: map[string]any{"var": newSomeClass()}, err: "SomeOtherException"},
		{name: "filter-syntax24", src: `1{{ var.noisy_fail_attribute }}2`, data: map[string]any{"var": newSomeClass()}, err: "SomeOtherException"},
		{name: "filter-syntax25", src: "{{ var.attribute_error_attribute }}", data: map[string]any{"var": newSomeClass()}, err: "AttributeError"},
		{name: "type-error-attribute", src: "{{ var.type_error_attribute }}", data: map[string]any{"var": newSomeClass()}, err: "TypeError"},
		// Not in Django's suite: the order in which FilterExpression reports
		// errors (the first bad filter before the unparsable remainder).
		{name: "filter-order-arg", src: "{{ var|upper:1|nope }}", err: "upper requires 1 arguments, 2 provided", compile: true},
		{name: "filter-some-characters", src: "{{ var|upper x|lower }}", err: "Could not parse some characters: var|upper| x||lower", compile: true},
		{name: "filter-no-variable", src: "{{ |upper }}", err: "Could not find variable at start of |upper.", compile: true},
		{name: "filter-in-if-first", src: "{% if x|nope y %}{% endif %}", err: "Invalid filter: 'nope'", compile: true},
		{name: "filter-in-if-remainder", src: "{% if x|nope(y) %}{% endif %}", err: "Invalid filter: 'nope'", compile: true},
		{name: "filter-in-tag-remainder", src: "{% with a=x|nope(y) %}{% endwith %}", err: "Invalid filter: 'nope'", compile: true},
	})
}

// ---- test_builtins.py, test_list_index.py, test_multiline.py ----

func TestDjangoBuiltinsListIndexMultiline(t *testing.T) {
	items := map[string]any{"var": djTuple("first item", "second item")}
	multiline := "\nHello,\nboys.\nHow\nare\nyou\ngentlemen.\n"
	runDjango(t, []dcase{
		{name: "builtins01", src: "{{ True }}", want: "True"},
		{name: "builtins02", src: "{{ False }}", want: "False"},
		{name: "builtins03", src: "{{ None }}", want: "None"},
		{name: "list-index01", src: "{{ var.1 }}", data: items, want: "second item"},
		{name: "list-index02", src: "{{ var.5 }}", data: items, want: "", inv: ptr("INVALID")},
		{name: "list-index03", src: "{{ var.1 }}", data: map[string]any{"var": nil}, want: "", inv: ptr("INVALID")},
		{name: "list-index04", src: "{{ var.1 }}", data: map[string]any{"var": map[string]any{}}, want: "", inv: ptr("INVALID")},
		{name: "list-index05", src: "{{ var.1 }}", data: map[string]any{"var": map[string]any{"1": "hello"}}, want: "hello"},
		{name: "list-index06", src: "{{ var.1 }}", data: map[string]any{"var": map[int]string{1: "hello"}}, want: "hello"},
		{name: "list-index07", src: "{{ var.1 }}", data: map[string]any{"var": map[any]any{"1": "hello", 1: "world"}}, want: "hello"},
		{name: "multiline01", src: multiline, want: multiline},
	})
}

// ---- test_comment.py, test_verbatim.py ----

func TestDjangoCommentVerbatim(t *testing.T) {
	runDjango(t, []dcase{
		{name: "comment-syntax01", src: "{# this is hidden #}hello", want: "hello"},
		{name: "comment-syntax02", src: "{# this is hidden #}hello{# foo #}", want: "hello"},
		{name: "comment-syntax03", src: "foo{#  {% if %}  #}", want: "foo"},
		{name: "comment-syntax04", src: "foo{#  {% endblock %}  #}", want: "foo"},
		{name: "comment-syntax05", src: "foo{#  {% somerandomtag %}  #}", want: "foo"},
		{name: "comment-syntax06", src: "foo{# {% #}", want: "foo"},
		{name: "comment-syntax07", src: "foo{# %} #}", want: "foo"},
		{name: "comment-syntax08", src: "foo{# %} #}bar", want: "foobar"},
		{name: "comment-syntax09", src: "foo{# {{ #}", want: "foo"},
		{name: "comment-syntax10", src: "foo{# }} #}", want: "foo"},
		{name: "comment-syntax11", src: "foo{# { #}", want: "foo"},
		{name: "comment-syntax12", src: "foo{# } #}", want: "foo"},
		{name: "comment-tag01", src: "{% comment %}this is hidden{% endcomment %}hello", want: "hello"},
		{name: "comment-tag02", src: "{% comment %}this is hidden{% endcomment %}hello{% comment %}foo{% endcomment %}", want: "hello"},
		{name: "comment-tag03", src: "foo{% comment %} {% if %} {% endcomment %}", want: "foo"},
		{name: "comment-tag04", src: "foo{% comment %} {% endblock %} {% endcomment %}", want: "foo"},
		{name: "comment-tag05", src: "foo{% comment %} {% somerandomtag %} {% endcomment %}", want: "foo"},
		{name: "verbatim-tag01", src: "{% verbatim %}{{bare   }}{% endverbatim %}", want: "{{bare   }}"},
		{name: "verbatim-tag02", src: "{% verbatim %}{% endif %}{% endverbatim %}", want: "{% endif %}"},
		{name: "verbatim-tag03", src: "{% verbatim %}It's the {% verbatim %} tag{% endverbatim %}", want: "It's the {% verbatim %} tag"},
		{name: "verbatim-tag04", src: "{% verbatim %}{% verbatim %}{% endverbatim %}{% endverbatim %}", err: errAny, compile: true},
		{name: "verbatim-tag05", src: "{% verbatim %}{% endverbatim %}{% verbatim %}{% endverbatim %}", want: ""},
		{name: "verbatim-tag06", src: "{% verbatim special %}Don't {% endverbatim %} just yet{% endverbatim special %}", want: "Don't {% endverbatim %} just yet"},
	})
}

// ---- test_invalid_string.py ----

func TestDjangoInvalidString(t *testing.T) {
	runDjango(t, []dcase{
		{name: "invalidstr01", src: `{{ var|default:"Foo" }}`, want: "Foo", inv: ptr("INVALID")},
		{name: "invalidstr02", src: `{{ var|default_if_none:"Foo" }}`, want: "", inv: ptr("INVALID")},
		{name: "invalidstr03", src: "{% for v in var %}({{ v }}){% endfor %}", want: ""},
		{name: "invalidstr04", src: "{% if var %}Yes{% else %}No{% endif %}", want: "No"},
		{name: "invalidstr04_2", src: `{% if var|default:"Foo" %}Yes{% else %}No{% endif %}`, want: "Yes"},
		{name: "invalidstr05", src: "{{ var }}", want: "", inv: ptr("INVALID")},
		{name: "invalidstr06", src: "{{ var.prop }}", want: "", inv: ptr("INVALID")},
		// invalidstr07 ({% blocktranslate %}) is in templatetags/i18n.
		// Django's "%s" form of string_if_invalid names the variable.
		{name: "invalidstr-format", src: "{{ var.prop }}", opts: []Option{WithStringIfInvalid("INVALID %s")}, want: "INVALID var.prop", inv: ptr("INVALID")},
	})
}
