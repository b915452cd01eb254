package runnel

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/syntax"
)

// Ports of Django's test_simple_tag.py and of the simple and inclusion tag
// tests of test_custom.py, with Go stand-ins for the functions of
// tests/template_tests/templatetags/custom.py and inclusion.py.
//
// Go functions have no parameter names and no default values, so:
//   - a Python default (two='hi') is applied by the Go function itself, which
//     takes the optional parameters as a variadic ...any;
//   - keyword arguments are passed in a map[string]any parameter; the function
//     decides what they mean (one=99 cannot bind a positional parameter).
// Django's compile-time checks that need names ("did not receive value(s)
// for the argument(s): 'one'", "unexpected keyword argument" for a function
// with **kwargs) therefore become the function's own checks.
//
// Skipped: verify_tag (Python function metadata), the takes_context=True
// "must have a first argument of 'context'" errors (a Go function declares
// a TagContext parameter by type, so it cannot be misdeclared), use_l10n and
// current_app (no such context attributes), test_no_render_side_effect
// (nodelist mutation), and the library import errors and eggs (Python
// imports). simple_block_tag (Django 5.2) is Library.SimpleBlockTag, whose
// end_name is its second argument.

// pyJoin joins values with ", " as str() would show them.
func pyJoin(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = toStr(v)
	}
	return strings.Join(parts, ", ")
}

// oneDefault applies Python's (one, two='hi', *args) binding to Go
// arguments: the first is one, then two (default "hi"), then the rest.
func oneDefault(one any, rest []any, kw map[string]any) []any {
	if v, ok := kw["one"]; ok {
		one = v
	}
	var two any = "hi"
	if len(rest) > 0 {
		two, rest = rest[0], rest[1:]
	}
	if v, ok := kw["two"]; ok {
		two = v
	}
	return append([]any{one, two}, rest...)
}

// sortedKwargs formats keyword arguments sorted by name, as custom.py does.
func sortedKwargs(kw map[string]any) string {
	keys := make([]string, 0, len(kw))
	for k := range kw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + toStr(kw[k])
	}
	return strings.Join(parts, ", ")
}

// customLib is Django's templatetags/custom.py.
func customLib() *Library {
	l := NewLibrary()
	l.Filter("trim", func(s string, n int) string {
		r := []rune(s)
		return string(r[:min(n, len(r))])
	})
	l.Filter("noop", func(v any, _ ...any) any { return v })
	// make_data_div is decorated with @mark_safe: its output is safe, its
	// input not escaped.
	l.Filter("make_data_div", func(v any) SafeString {
		return SafeString(fmt.Sprintf(`<div data-name="%s"></div>`, toStr(v)))
	})
	l.SimpleTag("no_params", func() string { return "no_params - Expected result" })
	l.SimpleTag("one_param", func(arg any) string { return fmt.Sprintf("one_param - Expected result: %s", toStr(arg)) })
	l.SimpleTag("explicit_no_context", func(arg any) string {
		return fmt.Sprintf("explicit_no_context - Expected result: %s", toStr(arg))
	})
	l.SimpleTag("no_params_with_context", func(c TagContext) string {
		v, _ := c.Get("value")
		return fmt.Sprintf("no_params_with_context - Expected result (context value: %s)", toStr(v))
	})
	l.SimpleTag("params_and_context", func(c TagContext, arg any) string {
		v, _ := c.Get("value")
		return fmt.Sprintf("params_and_context - Expected result (context value: %s): %s", toStr(v), toStr(arg))
	})
	l.SimpleTag("simple_two_params", func(one, two any) string {
		return fmt.Sprintf("simple_two_params - Expected result: %s, %s", toStr(one), toStr(two))
	})
	l.SimpleTag("simple_keyword_only_param", func(kw map[string]any) string {
		return fmt.Sprintf("simple_keyword_only_param - Expected result: %s", toStr(kw["kwarg"]))
	})
	l.SimpleTag("simple_keyword_only_default", func(kw map[string]any) string {
		v, ok := kw["kwarg"]
		if !ok {
			v = 42
		}
		return fmt.Sprintf("simple_keyword_only_default - Expected result: %s", toStr(v))
	})
	l.SimpleTag("simple_one_default", func(kw map[string]any, args ...any) (string, error) {
		if len(args) > 2 {
			return "", fmt.Errorf("'simple_one_default' received too many positional arguments")
		}
		var one any
		if len(args) > 0 {
			one, args = args[0], args[1:]
		}
		v := oneDefault(one, args, kw)
		return fmt.Sprintf("simple_one_default - Expected result: %s, %s", toStr(v[0]), toStr(v[1])), nil
	})
	l.SimpleTag("simple_unlimited_args", func(one any, rest ...any) string {
		return "simple_unlimited_args - Expected result: " + pyJoin(oneDefault(one, rest, nil))
	})
	l.SimpleTag("simple_only_unlimited_args", func(args ...any) string {
		return "simple_only_unlimited_args - Expected result: " + pyJoin(args)
	})
	l.SimpleTag("simple_unlimited_args_kwargs", func(one any, kw map[string]any, rest ...any) string {
		return fmt.Sprintf("simple_unlimited_args_kwargs - Expected result: %s / %s", pyJoin(oneDefault(one, rest, nil)), sortedKwargs(kw))
	})
	l.SimpleTag("escape_naive", func(c TagContext) string {
		v, _ := c.Get("name")
		return fmt.Sprintf("Hello %s!", toStr(v))
	})
	l.SimpleTag("escape_explicit", func(c TagContext) SafeString {
		v, _ := c.Get("name")
		return SafeString(htmlutil.Escape(fmt.Sprintf("Hello %s!", toStr(v))))
	})
	l.SimpleTag("escape_format_html", func(c TagContext) SafeString {
		v, _ := c.Get("name")
		return SafeString("Hello " + string(conditionalEscape(v)) + "!")
	})
	l.tags["counter"] = &tagDef{compile: func(*compiler, *syntax.TagNode) (node, error) {
		return &djCounterNode{}, nil
	}}
	l.SimpleTag("minustwo", func(v int) int { return v - 2 })
	l.SimpleTag("minusone", func(v int) int { return v - 1 })
	addBlockTags(l)
	return l
}

// addBlockTags adds custom.py's simple block tags (Django 5.2).
func addBlockTags(l *Library) {
	l.SimpleBlockTag("div", "", func(content SafeString, kw map[string]any) SafeString {
		id, ok := kw["id"]
		if !ok {
			id = "test"
		}
		return SafeString(fmt.Sprintf("<div id='%s'>%s</div>", toStr(id), content))
	})
	l.SimpleBlockTag("one_param_block", "", func(content string, arg any) string {
		return fmt.Sprintf("one_param_block - Expected result: %s with content %s", toStr(arg), content)
	})
	l.SimpleBlockTag("explicit_no_context_block", "", func(content string, arg any) string {
		return fmt.Sprintf("explicit_no_context_block - Expected result: %s with content %s", toStr(arg), content)
	})
	l.SimpleBlockTag("no_params_with_context_block", "", func(c TagContext, content string) string {
		v, _ := c.Get("value")
		return fmt.Sprintf("no_params_with_context_block - Expected result (context value: %s) (content value: %s)", toStr(v), content)
	})
	l.SimpleBlockTag("params_and_context_block", "", func(c TagContext, content string, arg any) string {
		v, _ := c.Get("value")
		return fmt.Sprintf("params_and_context_block - Expected result (context value: %s) (content value: %s): %s", toStr(v), content, toStr(arg))
	})
	l.SimpleBlockTag("simple_two_params_block", "", func(content string, one, two any) string {
		return fmt.Sprintf("simple_two_params_block - Expected result (content value: %s): %s, %s", content, toStr(one), toStr(two))
	})
	l.SimpleBlockTag("simple_keyword_only_param_block", "", func(content string, kw map[string]any) (string, error) {
		v, ok := kw["kwarg"]
		if !ok {
			return "", fmt.Errorf("'simple_keyword_only_param_block' did not receive value(s) for the argument(s): 'kwarg'")
		}
		return fmt.Sprintf("simple_keyword_only_param_block - Expected result (content value: %s): %s", content, toStr(v)), nil
	})
	l.SimpleBlockTag("simple_keyword_only_default_block", "", func(content string, kw map[string]any) string {
		v, ok := kw["kwarg"]
		if !ok {
			v = 42
		}
		return fmt.Sprintf("simple_keyword_only_default_block - Expected result (content value: %s): %s", content, toStr(v))
	})
	l.SimpleBlockTag("simple_one_default_block", "", func(content string, kw map[string]any, args ...any) (string, error) {
		if len(args) > 2 {
			return "", fmt.Errorf("'simple_one_default_block' received too many positional arguments")
		}
		for k := range kw {
			if k != "one" && k != "two" {
				return "", fmt.Errorf("'simple_one_default_block' received unexpected keyword argument '%s'", k)
			}
		}
		var one any
		if len(args) > 0 {
			one, args = args[0], args[1:]
		}
		v := oneDefault(one, args, kw)
		return fmt.Sprintf("simple_one_default_block - Expected result (content value: %s): %s, %s", content, toStr(v[0]), toStr(v[1])), nil
	})
	l.SimpleBlockTag("simple_unlimited_args_block", "", func(content string, one any, rest ...any) string {
		return fmt.Sprintf("simple_unlimited_args_block - Expected result (content value: %s): %s", content, pyJoin(oneDefault(one, rest, nil)))
	})
	l.SimpleBlockTag("simple_only_unlimited_args_block", "", func(content string, args ...any) string {
		return fmt.Sprintf("simple_only_unlimited_args_block - Expected result (content value: %s): %s", content, pyJoin(args))
	})
	l.SimpleBlockTag("simple_unlimited_args_kwargs_block", "", func(content string, one any, kw map[string]any, rest ...any) string {
		return fmt.Sprintf("simple_unlimited_args_kwargs_block - Expected result (content value: %s): %s / %s", content, pyJoin(oneDefault(one, rest, nil)), sortedKwargs(kw))
	})
	l.SimpleBlockTag("escape_naive_block", "", func(c TagContext, content string) string {
		v, _ := c.Get("name")
		return fmt.Sprintf("Hello %s: %s!", toStr(v), content)
	})
	l.SimpleBlockTag("escape_explicit_block", "", func(c TagContext, content string) SafeString {
		v, _ := c.Get("name")
		return SafeString(htmlutil.Escape(fmt.Sprintf("Hello %s: %s!", toStr(v), content)))
	})
	l.SimpleBlockTag("escape_format_html_block", "", func(c TagContext, content SafeString) SafeString {
		v, _ := c.Get("name")
		return SafeString("Hello " + string(conditionalEscape(v)) + ": " + string(content) + "!")
	})
	l.SimpleBlockTag("simple_block_tag_with_end_name", "stop", func(content string) string {
		return "end_name - " + content
	})
	l.SimpleBlockTag("repeat", "", func(content SafeString, n int) SafeString {
		return SafeString(strings.Repeat(string(content), max(n, 0)))
	})
}

// djCounterNode is custom.py's CounterNode: a node that counts its renders,
// to show that {% include %} reuses compiled templates (not safe for
// concurrent renders, like Django's).
type djCounterNode struct{ n int }

func (c *djCounterNode) render(s *state) error {
	s.out.writeInt(int64(c.n))
	c.n++
	return nil
}

// inclusionLib is Django's templatetags/inclusion.py.
func inclusionLib() *Library {
	l := NewLibrary()
	result := func(s string) map[string]any { return map[string]any{"result": s} }
	l.InclusionTag("inclusion_no_params", "inclusion.html", func() map[string]any {
		return result("inclusion_no_params - Expected result")
	})
	l.InclusionTag("inclusion_one_param", "inclusion.html", func(arg any) map[string]any {
		return result("inclusion_one_param - Expected result: " + toStr(arg))
	})
	l.InclusionTag("inclusion_explicit_no_context", "inclusion.html", func(arg any) map[string]any {
		return result("inclusion_explicit_no_context - Expected result: " + toStr(arg))
	})
	l.InclusionTag("inclusion_no_params_with_context", "inclusion.html", func(c TagContext) map[string]any {
		v, _ := c.Get("value")
		return result(fmt.Sprintf("inclusion_no_params_with_context - Expected result (context value: %s)", toStr(v)))
	})
	l.InclusionTag("inclusion_params_and_context", "inclusion.html", func(c TagContext, arg any) map[string]any {
		v, _ := c.Get("value")
		return result(fmt.Sprintf("inclusion_params_and_context - Expected result (context value: %s): %s", toStr(v), toStr(arg)))
	})
	l.InclusionTag("inclusion_two_params", "inclusion.html", func(one, two any) map[string]any {
		return result(fmt.Sprintf("inclusion_two_params - Expected result: %s, %s", toStr(one), toStr(two)))
	})
	l.InclusionTag("inclusion_one_default", "inclusion.html", func(kw map[string]any, args ...any) map[string]any {
		var one any
		if len(args) > 0 {
			one, args = args[0], args[1:]
		}
		v := oneDefault(one, args, kw)
		return result(fmt.Sprintf("inclusion_one_default - Expected result: %s, %s", toStr(v[0]), toStr(v[1])))
	})
	l.InclusionTag("inclusion_keyword_only_default", "inclusion.html", func(kw map[string]any) map[string]any {
		v, ok := kw["kwarg"]
		if !ok {
			v = 42
		}
		return result("inclusion_keyword_only_default - Expected result: " + toStr(v))
	})
	l.InclusionTag("inclusion_unlimited_args", "inclusion.html", func(one any, rest ...any) map[string]any {
		return result("inclusion_unlimited_args - Expected result: " + pyJoin(oneDefault(one, rest, nil)))
	})
	l.InclusionTag("inclusion_only_unlimited_args", "inclusion.html", func(args ...any) map[string]any {
		return result("inclusion_only_unlimited_args - Expected result: " + pyJoin(args))
	})
	l.InclusionTag("inclusion_unlimited_args_kwargs", "inclusion.html", func(one any, kw map[string]any, rest ...any) map[string]any {
		return result(fmt.Sprintf("inclusion_unlimited_args_kwargs - Expected result: %s / %s", pyJoin(oneDefault(one, rest, nil)), sortedKwargs(kw)))
	})
	l.InclusionTag("inclusion_extends1", "inclusion_extends1.html", func() map[string]any { return nil })
	l.InclusionTag("inclusion_extends2", "inclusion_extends2.html", func() map[string]any { return nil })
	return l
}

// ---- test_simple_tag.py ----

func TestDjangoSimpleTag(t *testing.T) {
	runDjango(t, []dcase{
		{name: "simpletag-renamed01", src: "{% load custom %}{% minusone 7 %}", want: "6"},
		{name: "simpletag-renamed02", src: "{% load custom %}{% minustwo 7 %}", want: "5"},
		{name: "simpletag-renamed03", src: "{% load custom %}{% minustwo_overridden_name 7 %}", err: "Invalid block tag on line 1: 'minustwo_overridden_name'", compile: true},
	})
}

// ---- test_custom.py ----

// customEngine is test_custom.py's engine: the custom and inclusion
// libraries, and the app templates the inclusion tags render.
func customEngine(opts ...Option) *Engine {
	fsys := fstest.MapFS{
		"inclusion.html":          {Data: []byte("{{ result }}\n")},
		"inclusion_base.html":     {Data: []byte("{% block content %}base{% endblock %}\n")},
		"inclusion_extends1.html": {Data: []byte("{% extends 'inclusion_base.html' %}{% block content %}one{% endblock %}\n")},
		"inclusion_extends2.html": {Data: []byte("{% extends 'inclusion_base.html' %}{% block content %}two{% endblock %}\n")},
	}
	return New(fsys, append(djangoLibs(), opts...)...)
}

func renderCustom(t *testing.T, e *Engine, src string, data map[string]any) string {
	t.Helper()
	tmpl, err := e.Parse("", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	out, err := tmpl.RenderString(context.Background(), data)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return out
}

func TestDjangoCustomFilter(t *testing.T) {
	e := customEngine()
	if got := renderCustom(t, e, "{% load custom %}{{ string|trim:5 }}", map[string]any{"string": "abcdefghijklmnopqrstuvwxyz"}); got != "abcde" {
		t.Fatalf("got %q", got)
	}
	// test_decorated_filter
	if got := renderCustom(t, e, "{% load custom %}{{ name|make_data_div }}", map[string]any{"name": "foo"}); got != `<div data-name="foo"></div>` {
		t.Fatalf("got %q", got)
	}
}

func TestDjangoSimpleTags(t *testing.T) {
	e := customEngine()
	c := map[string]any{"value": 42}
	templates := [][2]string{
		{"{% load custom %}{% no_params %}", "no_params - Expected result"},
		{"{% load custom %}{% one_param 37 %}", "one_param - Expected result: 37"},
		{"{% load custom %}{% explicit_no_context 37 %}", "explicit_no_context - Expected result: 37"},
		{"{% load custom %}{% no_params_with_context %}", "no_params_with_context - Expected result (context value: 42)"},
		{"{% load custom %}{% params_and_context 37 %}", "params_and_context - Expected result (context value: 42): 37"},
		{"{% load custom %}{% simple_two_params 37 42 %}", "simple_two_params - Expected result: 37, 42"},
		{"{% load custom %}{% simple_keyword_only_param kwarg=37 %}", "simple_keyword_only_param - Expected result: 37"},
		{"{% load custom %}{% simple_keyword_only_default %}", "simple_keyword_only_default - Expected result: 42"},
		{"{% load custom %}{% simple_keyword_only_default kwarg=37 %}", "simple_keyword_only_default - Expected result: 37"},
		{"{% load custom %}{% simple_one_default 37 %}", "simple_one_default - Expected result: 37, hi"},
		{`{% load custom %}{% simple_one_default 37 two="hello" %}`, "simple_one_default - Expected result: 37, hello"},
		{`{% load custom %}{% simple_one_default one=99 two="hello" %}`, "simple_one_default - Expected result: 99, hello"},
		{"{% load custom %}{% simple_one_default 37 42 %}", "simple_one_default - Expected result: 37, 42"},
		{"{% load custom %}{% simple_unlimited_args 37 %}", "simple_unlimited_args - Expected result: 37, hi"},
		{"{% load custom %}{% simple_unlimited_args 37 42 56 89 %}", "simple_unlimited_args - Expected result: 37, 42, 56, 89"},
		{"{% load custom %}{% simple_only_unlimited_args %}", "simple_only_unlimited_args - Expected result: "},
		{"{% load custom %}{% simple_only_unlimited_args 37 42 56 89 %}", "simple_only_unlimited_args - Expected result: 37, 42, 56, 89"},
		{`{% load custom %}{% simple_unlimited_args_kwargs 37 40|add:2 56 eggs="scrambled" four=1|add:3 %}`, "simple_unlimited_args_kwargs - Expected result: 37, 42, 56 / eggs=scrambled, four=4"},
	}
	for _, tc := range templates {
		if got := renderCustom(t, e, tc[0], c); got != tc[1] {
			t.Errorf("%s\n got: %q\nwant: %q", tc[0], got, tc[1])
		}
		asVar := tc[0][:len(tc[0])-2] + " as var %}Result: {{ var }}"
		if got := renderCustom(t, e, asVar, c); got != "Result: "+tc[1] {
			t.Errorf("%s\n got: %q\nwant: %q", asVar, got, "Result: "+tc[1])
		}
	}
}

func TestDjangoSimpleTagErrors(t *testing.T) {
	e := customEngine()
	errs := [][2]string{
		{"'simple_two_params' received too many positional arguments", "{% load custom %}{% simple_two_params 37 42 56 %}"},
		{"'simple_keyword_only_param' received multiple values for keyword argument 'kwarg'", "{% load custom %}{% simple_keyword_only_param kwarg=42 kwarg=37 %}"},
		{"'simple_keyword_only_default' received multiple values for keyword argument 'kwarg'", "{% load custom %}{% simple_keyword_only_default kwarg=42 kwarg=37 %}"},
		{"'simple_unlimited_args_kwargs' received some positional argument(s) after some keyword argument(s)", `{% load custom %}{% simple_unlimited_args_kwargs 37 40|add:2 eggs="scrambled" 56 four=1|add:3 %}`},
		{"'simple_unlimited_args_kwargs' received multiple values for keyword argument 'eggs'", `{% load custom %}{% simple_unlimited_args_kwargs 37 eggs="scrambled" eggs="scrambled" %}`},
		// Not in Django's list, the same checks on functions without a
		// keyword map and with too few arguments.
		{"'one_param' received unexpected keyword argument 'three'", `{% load custom %}{% one_param 99 three="foo" %}`},
		{"'simple_two_params' did not receive value(s) for the argument(s)", "{% load custom %}{% simple_two_params 37 %}"},
	}
	for _, tc := range errs {
		for _, src := range []string{tc[1], tc[1][:len(tc[1])-2] + " as var %}"} {
			_, err := e.Parse("", src)
			if err == nil || !strings.Contains(err.Error(), tc[0]) {
				t.Errorf("%s: want error %q, got %v", src, tc[0], err)
			}
		}
	}
	// simple_one_default 37 42 56: Django refuses it when compiling; the Go
	// stand-in, which takes ...any, refuses it when called.
	tmpl, err := e.Parse("", "{% load custom %}{% simple_one_default 37 42 56 %}")
	if err == nil {
		_, err = tmpl.RenderString(context.Background(), nil)
	}
	if err == nil || !strings.Contains(err.Error(), "too many positional arguments") {
		t.Errorf("simple_one_default 37 42 56: got %v", err)
	}
}

func TestDjangoSimpleTagEscaping(t *testing.T) {
	e := customEngine()
	off := customEngine(WithAutoescape(false))
	name := map[string]any{"name": "Jack & Jill"}
	for _, tc := range []struct {
		e         *Engine
		src, want string
	}{
		{off, "{% load custom %}{% escape_naive %}", "Hello Jack & Jill!"},
		{e, "{% load custom %}{% escape_naive %}", "Hello Jack &amp; Jill!"},
		{e, "{% load custom %}{% escape_explicit %}", "Hello Jack &amp; Jill!"},
		{e, "{% load custom %}{% escape_format_html %}", "Hello Jack &amp; Jill!"},
		{e, "{% load custom %}{% autoescape off %}{% escape_naive %}{% endautoescape %}", "Hello Jack & Jill!"},
	} {
		if got := renderCustom(t, tc.e, tc.src, name); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestDjangoInclusionTags(t *testing.T) {
	e := customEngine()
	c := map[string]any{"value": 42}
	templates := [][2]string{
		{"{% load inclusion %}{% inclusion_no_params %}", "inclusion_no_params - Expected result\n"},
		{"{% load inclusion %}{% inclusion_one_param 37 %}", "inclusion_one_param - Expected result: 37\n"},
		{"{% load inclusion %}{% inclusion_explicit_no_context 37 %}", "inclusion_explicit_no_context - Expected result: 37\n"},
		{"{% load inclusion %}{% inclusion_no_params_with_context %}", "inclusion_no_params_with_context - Expected result (context value: 42)\n"},
		{"{% load inclusion %}{% inclusion_params_and_context 37 %}", "inclusion_params_and_context - Expected result (context value: 42): 37\n"},
		{"{% load inclusion %}{% inclusion_two_params 37 42 %}", "inclusion_two_params - Expected result: 37, 42\n"},
		{"{% load inclusion %}{% inclusion_one_default 37 %}", "inclusion_one_default - Expected result: 37, hi\n"},
		{`{% load inclusion %}{% inclusion_one_default 37 two="hello" %}`, "inclusion_one_default - Expected result: 37, hello\n"},
		{`{% load inclusion %}{% inclusion_one_default one=99 two="hello" %}`, "inclusion_one_default - Expected result: 99, hello\n"},
		{"{% load inclusion %}{% inclusion_one_default 37 42 %}", "inclusion_one_default - Expected result: 37, 42\n"},
		{"{% load inclusion %}{% inclusion_keyword_only_default kwarg=37 %}", "inclusion_keyword_only_default - Expected result: 37\n"},
		{"{% load inclusion %}{% inclusion_unlimited_args 37 %}", "inclusion_unlimited_args - Expected result: 37, hi\n"},
		{"{% load inclusion %}{% inclusion_unlimited_args 37 42 56 89 %}", "inclusion_unlimited_args - Expected result: 37, 42, 56, 89\n"},
		{"{% load inclusion %}{% inclusion_only_unlimited_args %}", "inclusion_only_unlimited_args - Expected result: \n"},
		{"{% load inclusion %}{% inclusion_only_unlimited_args 37 42 56 89 %}", "inclusion_only_unlimited_args - Expected result: 37, 42, 56, 89\n"},
		{`{% load inclusion %}{% inclusion_unlimited_args_kwargs 37 40|add:2 56 eggs="scrambled" four=1|add:3 %}`, "inclusion_unlimited_args_kwargs - Expected result: 37, 42, 56 / eggs=scrambled, four=4\n"},
	}
	for _, tc := range templates {
		if got := renderCustom(t, e, tc[0], c); got != tc[1] {
			t.Errorf("%s\n got: %q\nwant: %q", tc[0], got, tc[1])
		}
	}
	errs := [][2]string{
		{"'inclusion_two_params' received too many positional arguments", "{% load inclusion %}{% inclusion_two_params 37 42 56 %}"},
		{"'inclusion_unlimited_args' did not receive value(s) for the argument(s)", "{% load inclusion %}{% inclusion_unlimited_args %}"},
		{"'inclusion_unlimited_args_kwargs' received some positional argument(s) after some keyword argument(s)", `{% load inclusion %}{% inclusion_unlimited_args_kwargs 37 40|add:2 eggs="boiled" 56 four=1|add:3 %}`},
		{"'inclusion_unlimited_args_kwargs' received multiple values for keyword argument 'eggs'", `{% load inclusion %}{% inclusion_unlimited_args_kwargs 37 eggs="scrambled" eggs="scrambled" %}`},
	}
	for _, tc := range errs {
		_, err := e.Parse("", tc[1])
		if err == nil || !strings.Contains(err.Error(), tc[0]) {
			t.Errorf("%s: want error %q, got %v", tc[1], tc[0], err)
		}
	}
}

// TestDjangoInclusionRenderContextIsCleared is test_render_context_is_cleared:
// blocks left by one inclusion tag's extends must not leak into the next.
func TestDjangoInclusionRenderContextIsCleared(t *testing.T) {
	e := customEngine()
	got := renderCustom(t, e, "{% load inclusion %}{% inclusion_extends1 %}{% inclusion_extends2 %}", nil)
	if strings.TrimSpace(got) != "one\ntwo" {
		t.Fatalf("got %q", got)
	}
}

// ---- test_custom.py: SimpleBlockTagTests (Django 5.2) ----

func TestDjangoSimpleBlockTags(t *testing.T) {
	e := customEngine()
	c := map[string]any{"value": 42}
	templates := [][2]string{
		{"{% load custom %}{% div %}content{% enddiv %}", "<div id='test'>content</div>"},
		{"{% load custom %}{% one_param_block 37 %}inner{% endone_param_block %}", "one_param_block - Expected result: 37 with content inner"},
		{"{% load custom %}{% explicit_no_context_block 37 %}inner{% endexplicit_no_context_block %}", "explicit_no_context_block - Expected result: 37 with content inner"},
		{"{% load custom %}{% no_params_with_context_block %}inner{% endno_params_with_context_block %}", "no_params_with_context_block - Expected result (context value: 42) (content value: inner)"},
		{"{% load custom %}{% params_and_context_block 37 %}inner{% endparams_and_context_block %}", "params_and_context_block - Expected result (context value: 42) (content value: inner): 37"},
		{"{% load custom %}{% simple_two_params_block 37 42 %}inner{% endsimple_two_params_block %}", "simple_two_params_block - Expected result (content value: inner): 37, 42"},
		{"{% load custom %}{% simple_keyword_only_param_block kwarg=37 %}thirty seven{% endsimple_keyword_only_param_block %}", "simple_keyword_only_param_block - Expected result (content value: thirty seven): 37"},
		{"{% load custom %}{% simple_keyword_only_default_block %}forty two{% endsimple_keyword_only_default_block %}", "simple_keyword_only_default_block - Expected result (content value: forty two): 42"},
		{"{% load custom %}{% simple_keyword_only_default_block kwarg=37 %}thirty seven{% endsimple_keyword_only_default_block %}", "simple_keyword_only_default_block - Expected result (content value: thirty seven): 37"},
		{"{% load custom %}{% simple_one_default_block 37 %}inner{% endsimple_one_default_block %}", "simple_one_default_block - Expected result (content value: inner): 37, hi"},
		{`{% load custom %}{% simple_one_default_block 37 two="hello" %}inner{% endsimple_one_default_block %}`, "simple_one_default_block - Expected result (content value: inner): 37, hello"},
		{`{% load custom %}{% simple_one_default_block one=99 two="hello" %}inner{% endsimple_one_default_block %}`, "simple_one_default_block - Expected result (content value: inner): 99, hello"},
		{"{% load custom %}{% simple_one_default_block 37 42 %}inner{% endsimple_one_default_block %}", "simple_one_default_block - Expected result (content value: inner): 37, 42"},
		{"{% load custom %}{% simple_unlimited_args_block 37 %}thirty seven{% endsimple_unlimited_args_block %}", "simple_unlimited_args_block - Expected result (content value: thirty seven): 37, hi"},
		{"{% load custom %}{% simple_unlimited_args_block 37 42 56 89 %}numbers{% endsimple_unlimited_args_block %}", "simple_unlimited_args_block - Expected result (content value: numbers): 37, 42, 56, 89"},
		{"{% load custom %}{% simple_only_unlimited_args_block %}inner{% endsimple_only_unlimited_args_block %}", "simple_only_unlimited_args_block - Expected result (content value: inner): "},
		{"{% load custom %}{% simple_only_unlimited_args_block 37 42 56 89 %}numbers{% endsimple_only_unlimited_args_block %}", "simple_only_unlimited_args_block - Expected result (content value: numbers): 37, 42, 56, 89"},
		{`{% load custom %}{% simple_unlimited_args_kwargs_block 37 40|add:2 56 eggs="scrambled" four=1|add:3 %}inner content{% endsimple_unlimited_args_kwargs_block %}`, "simple_unlimited_args_kwargs_block - Expected result (content value: inner content): 37, 42, 56 / eggs=scrambled, four=4"},
		// test_simple_block_tag_with_end_name (a custom end_name) and the
		// "as" form, with a body rendered once.
		{"{% load custom %}{% simple_block_tag_with_end_name %}inner{% stop %}", "end_name - inner"},
		{"{% load custom %}{% repeat 2 as bar %}foo{% endrepeat %}{{ bar }}{{ bar|upper }}", "foofooFOOFOO"},
		{"{% load custom %}{% repeat 3 %}{% cycle 'a' 'b' %}{% endrepeat %}", "aaa"},
	}
	for _, tc := range templates {
		if got := renderCustom(t, e, tc[0], c); got != tc[1] {
			t.Errorf("%s\n got: %q\nwant: %q", tc[0], got, tc[1])
		}
	}
}

func TestDjangoSimpleBlockTagErrors(t *testing.T) {
	e := customEngine()
	compileErrs := [][2]string{
		{"'simple_two_params_block' received too many positional arguments", "{% load custom %}{% simple_two_params_block 37 42 56 %}{% endsimple_two_params_block %}"},
		{"'simple_keyword_only_param_block' received multiple values for keyword argument 'kwarg'", "{% load custom %}{% simple_keyword_only_param_block kwarg=42 kwarg=37 %}{% endsimple_keyword_only_param_block %}"},
		{"'simple_keyword_only_default_block' received multiple values for keyword argument 'kwarg'", "{% load custom %}{% simple_keyword_only_default_block kwarg=42 kwarg=37 %}{% endsimple_keyword_only_default_block %}"},
		{"'simple_unlimited_args_kwargs_block' received some positional argument(s) after some keyword argument(s)", `{% load custom %}{% simple_unlimited_args_kwargs_block 37 40|add:2 eggs="scrambled" 56 four=1|add:3 %}{% endsimple_unlimited_args_kwargs_block %}`},
		{"'simple_unlimited_args_kwargs_block' received multiple values for keyword argument 'eggs'", `{% load custom %}{% simple_unlimited_args_kwargs_block 37 eggs="scrambled" eggs="scrambled" %}{% endsimple_unlimited_args_kwargs_block %}`},
		{"Unclosed tag on line 1: 'div'. Looking for one of: enddiv.", "{% load custom %}{% div %}Some content"},
		{"Unclosed tag on line 1: 'simple_one_default_block'. Looking for one of: endsimple_one_default_block.", "{% load custom %}{% simple_one_default_block %}Some content"},
		{"'one_param_block' received unexpected keyword argument 'three'", `{% load custom %}{% one_param_block 99 three="foo" %}{% endone_param_block %}`},
		{"'simple_two_params_block' did not receive value(s) for the argument(s)", "{% load custom %}{% simple_two_params_block 37 %}{% endsimple_two_params_block %}"},
	}
	for _, tc := range compileErrs {
		_, err := e.Parse("", tc[1])
		if err == nil || !strings.Contains(err.Error(), tc[0]) {
			t.Errorf("%s: want error %q, got %v", tc[1], tc[0], err)
		}
	}
	// The functions that take ...any or a keyword map check their own
	// arguments, when called (Django checks names when compiling).
	runErrs := [][2]string{
		{"'simple_one_default_block' received unexpected keyword argument 'three'", `{% load custom %}{% simple_one_default_block 99 two="hello" three="foo" %}{% endsimple_one_default_block %}`},
		{"'simple_one_default_block' received too many positional arguments", "{% load custom %}{% simple_one_default_block 37 42 56 %}{% endsimple_one_default_block %}"},
		{"'simple_keyword_only_param_block' did not receive value(s) for the argument(s): 'kwarg'", "{% load custom %}{% simple_keyword_only_param_block %}{% endsimple_keyword_only_param_block %}"},
	}
	for _, tc := range runErrs {
		tmpl, err := e.Parse("", tc[1])
		if err == nil {
			_, err = tmpl.RenderString(context.Background(), nil)
		}
		if err == nil || !strings.Contains(err.Error(), tc[0]) {
			t.Errorf("%s: want error %q, got %v", tc[1], tc[0], err)
		}
	}
}

func TestDjangoSimpleBlockTagEscaping(t *testing.T) {
	e := customEngine()
	name := map[string]any{"name": "Jack & Jill"}
	for _, tc := range [][2]string{
		{"{% load custom %}{% div %}{{ name }}{% enddiv %}", "<div id='test'>Jack &amp; Jill</div>"},
		{"{% load custom %}{% escape_naive_block %}{{ name }} again{% endescape_naive_block %}", "Hello Jack &amp; Jill: Jack &amp;amp; Jill again!"},
		{"{% load custom %}{% escape_explicit_block %}again{% endescape_explicit_block %}", "Hello Jack &amp; Jill: again!"},
		{"{% load custom %}{% escape_format_html_block %}again{% endescape_format_html_block %}", "Hello Jack &amp; Jill: again!"},
	} {
		if got := renderCustom(t, e, tc[0], name); got != tc[1] {
			t.Errorf("%s\n got: %q\nwant: %q", tc[0], got, tc[1])
		}
	}
}

func TestSimpleBlockTagNeedsContent(t *testing.T) {
	for _, fn := range []any{
		func() string { return "" },
		func(TagContext) string { return "" },
		func(n int) string { return "" },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "must have a first argument of 'content'") {
					t.Errorf("%T: got panic %v", fn, r)
				}
			}()
			NewLibrary().SimpleBlockTag("bad", "", fn)
		}()
	}
}
