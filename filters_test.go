package runnel

import (
	"strings"
	"testing"
	"time"
)

// These are the template-level cases of Django's
// tests/template_tests/filter_tests/test_*.py, with their autoescape
// variants. The function-level cases are in filters_func_test.go.

// m is shorthand for a data map.
type m = map[string]any

// safeClass and unsafeClass are Django's template_tests.utils SafeClass and
// UnsafeClass.
type safeClass struct{}

func (safeClass) HTML() string   { return "you &gt; me" }
func (safeClass) String() string { return "you &gt; me" }

type unsafeClass struct{}

func (unsafeClass) String() string { return "you & me" }

func TestFilterAddTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "add01", src: `{{ i|add:"5" }}`, data: m{"i": 2000}, want: "2005"},
		{name: "add02", src: `{{ i|add:"napis" }}`, data: m{"i": 2000}, want: ""},
		{name: "add03", src: `{{ i|add:16 }}`, data: m{"i": "not_an_int"}, want: ""},
		{name: "add04", src: `{{ i|add:"16" }}`, data: m{"i": "not_an_int"}, want: "not_an_int16"},
		{name: "add05", src: `{{ l1|add:l2 }}`, data: m{"l1": []int{1, 2}, "l2": []int{3, 4}}, want: "[1, 2, 3, 4]"},
		{name: "add07", src: `{{ d|add:t|date }}`, data: m{"d": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "t": 10 * 24 * time.Hour}, want: "Jan. 11, 2000"},
		{name: "add08", src: `{{ s1|add:s2 }}`, data: m{"s1": "string", "s2": "lazy"}, want: "stringlazy"},
		{name: "add-float-trunc", src: `{{ f|add:"2" }}`, data: m{"f": 1.5}, want: "3"},
		{name: "add-safe-literals", src: `{{ "<b>"|add:"</b>" }}`, want: "<b></b>"},
		{name: "add-unsafe-concat", src: `{{ a|add:"</b>" }}`, data: m{"a": "<b>"}, want: "&lt;b&gt;&lt;/b&gt;"},
	})
}

func TestFilterAddslashesTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "addslashes01", src: `{% autoescape off %}{{ a|addslashes }} {{ b|addslashes }}{% endautoescape %}`, data: m{"a": "<a>'", "b": MarkSafe("<a>'")}, want: `<a>\' <a>\'`},
		{name: "addslashes02", src: `{{ a|addslashes }} {{ b|addslashes }}`, data: m{"a": "<a>'", "b": MarkSafe("<a>'")}, want: `&lt;a&gt;\&#x27; <a>\'`},
	})
}

func TestFilterAutoescapeStringfilter(t *testing.T) {
	runCases(t, []tcase{
		{name: "autoescape-stringfilter01", src: `{{ unsafe|capfirst }}`, data: m{"unsafe": unsafeClass{}}, want: "You &amp; me"},
		{name: "autoescape-stringfilter02", src: `{% autoescape off %}{{ unsafe|capfirst }}{% endautoescape %}`, data: m{"unsafe": unsafeClass{}}, want: "You & me"},
		{name: "autoescape-stringfilter03", src: `{{ safe|capfirst }}`, data: m{"safe": safeClass{}}, want: "You &gt; me"},
		{name: "autoescape-stringfilter04", src: `{% autoescape off %}{{ safe|capfirst }}{% endautoescape %}`, data: m{"safe": safeClass{}}, want: "You &gt; me"},
	})
}

func TestFilterCapfirstTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "capfirst01", src: `{% autoescape off %}{{ a|capfirst }} {{ b|capfirst }}{% endautoescape %}`, data: m{"a": "fred>", "b": MarkSafe("fred&gt;")}, want: "Fred> Fred&gt;"},
		{name: "capfirst02", src: `{{ a|capfirst }} {{ b|capfirst }}`, data: m{"a": "fred>", "b": MarkSafe("fred&gt;")}, want: "Fred&gt; Fred&gt;"},
	})
}

func TestFilterCenterTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "center01", src: `{% autoescape off %}.{{ a|center:"5" }}. .{{ b|center:"5" }}.{% endautoescape %}`, data: m{"a": "a&b", "b": MarkSafe("a&b")}, want: ". a&b . . a&b ."},
		{name: "center02", src: `.{{ a|center:"5" }}. .{{ b|center:"5" }}.`, data: m{"a": "a&b", "b": MarkSafe("a&b")}, want: ". a&amp;b . . a&b ."},
		{name: "center-bad-arg", src: `{{ a|center:"x" }}`, data: m{"a": "a"}, err: "invalid literal for int()"},
	})
}

func TestFilterChaining(t *testing.T) {
	ab := m{"a": "a < b", "b": MarkSafe("a < b")}
	runCases(t, []tcase{
		{name: "chaining01", src: `{{ a|capfirst|center:"7" }}.{{ b|capfirst|center:"7" }}`, data: ab, want: " A &lt; b . A < b "},
		{name: "chaining02", src: `{% autoescape off %}{{ a|capfirst|center:"7" }}.{{ b|capfirst|center:"7" }}{% endautoescape %}`, data: ab, want: " A < b . A < b "},
		{name: "chaining03", src: `{{ a|cut:"b"|capfirst }}.{{ b|cut:"b"|capfirst }}`, data: ab, want: "A &lt; .A < "},
		{name: "chaining04", src: `{% autoescape off %}{{ a|cut:"b"|capfirst }}.{{ b|cut:"b"|capfirst }}{% endautoescape %}`, data: ab, want: "A < .A < "},
		{name: "chaining05", src: `{{ a|escape|capfirst }}`, data: ab, want: "A &lt; b"},
		{name: "chaining06", src: `{% autoescape off %}{{ a|escape|capfirst }}{% endautoescape %}`, data: ab, want: "A &lt; b"},
		{name: "chaining07", src: `{{ a|force_escape|cut:";" }}`, data: ab, want: "a &amp;lt b"},
		{name: "chaining08", src: `{% autoescape off %}{{ a|force_escape|cut:";" }}{% endautoescape %}`, data: ab, want: "a &lt b"},
		{name: "chaining09", src: `{{ a|cut:";"|force_escape }}`, data: ab, want: "a &lt; b"},
		{name: "chaining10", src: `{% autoescape off %}{{ a|cut:";"|force_escape }}{% endautoescape %}`, data: ab, want: "a &lt; b"},
		{name: "chaining11", src: `{{ a|cut:"b"|safe }}`, data: ab, want: "a < "},
		{name: "chaining12", src: `{% autoescape off %}{{ a|cut:"b"|safe }}{% endautoescape %}`, data: ab, want: "a < "},
		{name: "chaining13", src: `{{ a|safe|force_escape }}`, data: ab, want: "a &lt; b"},
		{name: "chaining14", src: `{% autoescape off %}{{ a|safe|force_escape }}{% endautoescape %}`, data: ab, want: "a &lt; b"},
	})
}

func TestFilterCutTemplates(t *testing.T) {
	xy := m{"a": "x&y", "b": MarkSafe("x&amp;y")}
	runCases(t, []tcase{
		{name: "cut01", src: `{% autoescape off %}{{ a|cut:"x" }} {{ b|cut:"x" }}{% endautoescape %}`, data: xy, want: "&y &amp;y"},
		{name: "cut02", src: `{{ a|cut:"x" }} {{ b|cut:"x" }}`, data: xy, want: "&amp;y &amp;y"},
		{name: "cut03", src: `{% autoescape off %}{{ a|cut:"&" }} {{ b|cut:"&" }}{% endautoescape %}`, data: xy, want: "xy xamp;y"},
		{name: "cut04", src: `{{ a|cut:"&" }} {{ b|cut:"&" }}`, data: xy, want: "xy xamp;y"},
		{name: "cut05", src: `{% autoescape off %}{{ a|cut:";" }} {{ b|cut:";" }}{% endautoescape %}`, data: xy, want: "x&y x&ampy"},
		{name: "cut06", src: `{{ a|cut:";" }} {{ b|cut:";" }}`, data: xy, want: "x&amp;y x&amp;ampy"},
	})
}

func TestFilterDateTemplates(t *testing.T) {
	fixed30 := time.FixedZone("+0030", 30*60) // Django's get_fixed_timezone(30)
	runCases(t, []tcase{
		{name: "date01", src: `{{ d|date:"m" }}`, data: m{"d": time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)}, want: "01"},
		{name: "date02", src: `{{ d|date }}`, data: m{"d": time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)}, want: "Jan. 1, 2008"},
		{name: "date03", src: `{{ d|date:"m" }}`, data: m{"d": "fail_string"}, want: ""},
		{name: "date04", src: `{{ d|date:"o" }}`, data: m{"d": time.Date(2008, 12, 29, 0, 0, 0, 0, time.UTC)}, want: "2009"},
		{name: "date05", src: `{{ d|date:"o" }}`, data: m{"d": time.Date(2010, 1, 3, 0, 0, 0, 0, time.UTC)}, want: "2009"},
		{name: "date06", src: `{{ d|date:"e" }}`, data: m{"d": time.Date(2009, 3, 12, 0, 0, 0, 0, fixed30)}, want: "+0030"},
		{name: "date08", src: `{{ t|date:"H:i" }}`, data: m{"t": time.Date(2000, 1, 1, 0, 1, 0, 0, time.UTC)}, want: "00:01"},
		{name: "date09", src: `{{ t|date:"H:i" }}`, data: m{"t": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, want: "00:00"},
		{name: "datelazy", src: `{{ t|date:_("H:i") }}`, data: m{"t": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, want: "00:00"},
		{name: "date-pointer", src: `{{ t|date:"Y" }}`, data: m{"t": new(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))}, want: "2000"},
		{name: "date-named", src: `{{ t|date:"SHORT_DATE_FORMAT" }}`, data: m{"t": time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)}, want: "01/02/2000"},
		{name: "date-none", src: `{{ t|date }}`, data: m{"t": nil}, want: ""},
		{name: "date-localtime", src: `{{ t|date:"H:i e" }}`, data: m{"t": time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)},
			opts: []Option{WithTimeZone(time.FixedZone("X", 3600))}, want: "13:00 X"},
	})
}

func TestFilterDictsortTemplates(t *testing.T) {
	people := []any{
		m{"name": "Zed", "age": 19},
		m{"name": "amy", "age": 22},
		m{"name": "Joe", "age": 31},
	}
	runCases(t, []tcase{
		{name: "dictsort-key", src: `{% for p in l|dictsort:"age" %}{{ p.name }} {% endfor %}`, data: m{"l": people}, want: "Zed amy Joe "},
		{name: "dictsortreversed-key", src: `{% for p in l|dictsortreversed:"age" %}{{ p.name }} {% endfor %}`, data: m{"l": people}, want: "Joe amy Zed "},
		{name: "dictsort-string", src: `{% for p in l|dictsort:"name" %}{{ p.name }} {% endfor %}`, data: m{"l": people}, want: "Joe Zed amy "},
		{name: "dictsort-struct", src: `{% for p in l|dictsort:"first_name" %}{{ p.first_name }} {% endfor %}`, data: m{"l": []person{{FirstName: "b"}, {FirstName: "a"}}}, want: "a b "},
		{name: "dictsort-index", src: `{% for p in l|dictsort:1 %}{{ p.0 }}{% endfor %}`, data: m{"l": [][]any{{"a", 3}, {"b", 1}, {"c", 2}}}, want: "bca"},
	})
}

func TestFilterEscapejsTemplates(t *testing.T) {
	in := m{"a": "testing\r\njavascript 'string\" <b>escaping</b>"}
	want := `testing\u000D\u000Ajavascript \u0027string\u0022 \u003Cb\u003Eescaping\u003C/b\u003E`
	runCases(t, []tcase{
		{name: "escapejs01", src: `{{ a|escapejs }}`, data: in, want: want},
		{name: "escapejs02", src: `{% autoescape off %}{{ a|escapejs }}{% endautoescape %}`, data: in, want: want},
	})
}

func TestFilterEscapeseqTemplates(t *testing.T) {
	data := m{"a": []any{"x&y", "<p>"}, "b": []any{MarkSafe("x&y"), MarkSafe("<p>")}}
	runCases(t, []tcase{
		{name: "escapeseq_basic", src: `{{ a|escapeseq|join:", " }} -- {{ b|escapeseq|join:", " }}`, data: data, want: "x&amp;y, &lt;p&gt; -- x&y, <p>"},
		{name: "escapeseq_autoescape_off", src: `{% autoescape off %}{{ a|escapeseq|join:", " }} -- {{ b|escapeseq|join:", "}}{% endautoescape %}`, data: data, want: "x&amp;y, &lt;p&gt; -- x&y, <p>"},
		{name: "escapeseq_join", src: `{{ a|escapeseq|join:"<br/>" }}`, data: data, want: "x&amp;y<br/>&lt;p&gt;"},
		{name: "escapeseq_join_autoescape_off", src: `{% autoescape off %}{{ a|escapeseq|join:"<br/>" }}{% endautoescape %}`, data: data, want: "x&amp;y<br/>&lt;p&gt;"},
	})
}

func TestFilterFirstLastTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "first01", src: `{{ a|first }} {{ b|first }}`, data: m{"a": []any{"a&b", "x"}, "b": []any{MarkSafe("a&b"), "x"}}, want: "a&amp;b a&b"},
		{name: "first02", src: `{% autoescape off %}{{ a|first }} {{ b|first }}{% endautoescape %}`, data: m{"a": []any{"a&b", "x"}, "b": []any{MarkSafe("a&b"), "x"}}, want: "a&b a&b"},
		{name: "last01", src: `{{ a|last }} {{ b|last }}`, data: m{"a": []any{"x", "a&b"}, "b": []any{"x", MarkSafe("a&b")}}, want: "a&amp;b a&b"},
		{name: "last02", src: `{% autoescape off %}{{ a|last }} {{ b|last }}{% endautoescape %}`, data: m{"a": []any{"x", "a&b"}, "b": []any{"x", MarkSafe("a&b")}}, want: "a&b a&b"},
		{name: "last-empty_list", src: `{% autoescape off %}{{ a|last }}{% endautoescape %}`, data: m{"a": []any{}}, want: ""},
		{name: "first-typed", src: `{{ a|first }}{{ a|last }}`, data: m{"a": []int{4, 5, 6}}, want: "46"},
		{name: "first-missing", src: `[{{ nope|first }}]`, want: "[]"},
	})
}

func TestFilterFloatformatTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "floatformat01", src: `{% autoescape off %}{{ a|floatformat }} {{ b|floatformat }}{% endautoescape %}`, data: m{"a": "1.42", "b": MarkSafe("1.42")}, want: "1.4 1.4"},
		{name: "floatformat02", src: `{{ a|floatformat }} {{ b|floatformat }}`, data: m{"a": "1.42", "b": MarkSafe("1.42")}, want: "1.4 1.4"},
		{name: "floatformat-args", src: `{{ a|floatformat:3 }} {{ a|floatformat:"-3" }} {{ b|floatformat:"-3" }} {{ c|floatformat:"2g" }}`, data: m{"a": 34.23234, "b": 34.0, "c": 6666.6666}, want: "34.232 34.232 34 6,666.67"},
		{name: "floatformat-bad", src: `[{{ a|floatformat }}]`, data: m{"a": "abc"}, want: "[]"},
	})
}

func TestFilterIriencodeTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "iriencode01", src: `{{ url|iriencode }}`, data: m{"url": "?test=1&me=2"}, want: "?test=1&amp;me=2"},
		{name: "iriencode02", src: `{% autoescape off %}{{ url|iriencode }}{% endautoescape %}`, data: m{"url": "?test=1&me=2"}, want: "?test=1&me=2"},
		{name: "iriencode03", src: `{{ url|iriencode }}`, data: m{"url": MarkSafe("?test=1&me=2")}, want: "?test=1&me=2"},
		{name: "iriencode04", src: `{% autoescape off %}{{ url|iriencode }}{% endautoescape %}`, data: m{"url": MarkSafe("?test=1&me=2")}, want: "?test=1&me=2"},
	})
}

func TestFilterJoinTemplates(t *testing.T) {
	ab := []any{"alpha", "beta & me"}
	runCases(t, []tcase{
		{name: "join01", src: `{{ a|join:", " }}`, data: m{"a": ab}, want: "alpha, beta &amp; me"},
		{name: "join02", src: `{% autoescape off %}{{ a|join:", " }}{% endautoescape %}`, data: m{"a": ab}, want: "alpha, beta & me"},
		{name: "join03", src: `{{ a|join:" &amp; " }}`, data: m{"a": ab}, want: "alpha &amp; beta &amp; me"},
		{name: "join04", src: `{% autoescape off %}{{ a|join:" &amp; " }}{% endautoescape %}`, data: m{"a": ab}, want: "alpha &amp; beta & me"},
		{name: "join05", src: `{{ a|join:var }}`, data: m{"a": ab, "var": " & "}, want: "alpha &amp; beta &amp; me"},
		{name: "join06", src: `{{ a|join:var }}`, data: m{"a": ab, "var": MarkSafe(" & ")}, want: "alpha & beta &amp; me"},
		{name: "join07", src: `{{ a|join:var|lower }}`, data: m{"a": []any{"Alpha", "Beta & me"}, "var": " & "}, want: "alpha &amp; beta &amp; me"},
		{name: "join08", src: `{{ a|join:var|lower }}`, data: m{"a": []any{"Alpha", "Beta & me"}, "var": MarkSafe(" & ")}, want: "alpha & beta &amp; me"},
		{name: "join_autoescape_off", src: `{% autoescape off %}{{ var_list|join:var_joiner }}{% endautoescape %}`,
			data: m{"var_list": []string{"<p>Hello World!</p>", "beta & me", "<script>Hi!</script>"}, "var_joiner": "<br/>"},
			want: "<p>Hello World!</p><br/>beta & me<br/><script>Hi!</script>"},
		{name: "join-ints-autoescape-off", src: `{% autoescape off %}{{ l|join:"," }}{% endautoescape %}`, data: m{"l": []int{1, 2}}, want: "[1, 2]"},
		{name: "join-ints", src: `{{ l|join:"," }}`, data: m{"l": []int{1, 2}}, want: "1,2"},
	})
}

func TestFilterJSONScriptTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "json-tag01", src: `{{ value|json_script:"test_id" }}`, data: m{"value": m{"a": "testing\r\njson 'string\" <b>escaping</b>"}},
			want: `<script id="test_id" type="application/json">{"a": "testing\r\njson 'string\" \u003Cb\u003Eescaping\u003C/b\u003E"}</script>`},
		{name: "json-tag02", src: `{{ value|json_script }}`, data: m{"value": m{}}, want: `<script type="application/json">{}</script>`},
		{name: "json-id-escaped", src: `{{ value|json_script:id }}`, data: m{"value": 1, "id": `"x"`}, want: `<script id="&quot;x&quot;" type="application/json">1</script>`},
	})
}

func TestFilterLengthTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "length01", src: `{{ list|length }}`, data: m{"list": []any{"4", nil, true, m{}}}, want: "4"},
		{name: "length02", src: `{{ list|length }}`, data: m{"list": []any{}}, want: "0"},
		{name: "length03", src: `{{ string|length }}`, data: m{"string": ""}, want: "0"},
		{name: "length04", src: `{{ string|length }}`, data: m{"string": "django"}, want: "6"},
		{name: "length05", src: `{% if string|length == 6 %}Pass{% endif %}`, data: m{"string": MarkSafe("django")}, want: "Pass"},
		{name: "length06", src: `{{ int|length }}`, data: m{"int": 7}, want: "0"},
		{name: "length07", src: `{{ None|length }}`, data: m{"None": nil}, want: "0"},
	})
}

func TestFilterLinebreaksTemplates(t *testing.T) {
	xy := m{"a": "x&\ny", "b": MarkSafe("x&\ny")}
	runCases(t, []tcase{
		{name: "linebreaks01", src: `{{ a|linebreaks }} {{ b|linebreaks }}`, data: xy, want: "<p>x&amp;<br>y</p> <p>x&<br>y</p>"},
		{name: "linebreaks02", src: `{% autoescape off %}{{ a|linebreaks }} {{ b|linebreaks }}{% endautoescape %}`, data: xy, want: "<p>x&<br>y</p> <p>x&<br>y</p>"},
		{name: "linebreaksbr01", src: `{{ a|linebreaksbr }} {{ b|linebreaksbr }}`, data: xy, want: "x&amp;<br>y x&<br>y"},
		{name: "linebreaksbr02", src: `{% autoescape off %}{{ a|linebreaksbr }} {{ b|linebreaksbr }}{% endautoescape %}`, data: xy, want: "x&<br>y x&<br>y"},
	})
}

func TestFilterLinenumbersTemplates(t *testing.T) {
	data := m{"a": "one\n<two>\nthree", "b": MarkSafe("one\n&lt;two&gt;\nthree")}
	runCases(t, []tcase{
		{name: "linenumbers01", src: `{{ a|linenumbers }} {{ b|linenumbers }}`, data: data, want: "1. one\n2. &lt;two&gt;\n3. three 1. one\n2. &lt;two&gt;\n3. three"},
		{name: "linenumbers02", src: `{% autoescape off %}{{ a|linenumbers }} {{ b|linenumbers }}{% endautoescape %}`, data: data, want: "1. one\n2. <two>\n3. three 1. one\n2. &lt;two&gt;\n3. three"},
	})
}

func TestFilterPaddingTemplates(t *testing.T) {
	ab := m{"a": "a&b", "b": MarkSafe("a&b")}
	runCases(t, []tcase{
		{name: "ljust01", src: `{% autoescape off %}.{{ a|ljust:"5" }}. .{{ b|ljust:"5" }}.{% endautoescape %}`, data: ab, want: ".a&b  . .a&b  ."},
		{name: "ljust02", src: `.{{ a|ljust:"5" }}. .{{ b|ljust:"5" }}.`, data: ab, want: ".a&amp;b  . .a&b  ."},
		{name: "rjust01", src: `{% autoescape off %}.{{ a|rjust:"5" }}. .{{ b|rjust:"5" }}.{% endautoescape %}`, data: ab, want: ".  a&b. .  a&b."},
		{name: "rjust02", src: `.{{ a|rjust:"5" }}. .{{ b|rjust:"5" }}.`, data: ab, want: ".  a&amp;b. .  a&b."},
	})
}

func TestFilterLowerUpperTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "lower01", src: `{% autoescape off %}{{ a|lower }} {{ b|lower }}{% endautoescape %}`, data: m{"a": "Apple & banana", "b": MarkSafe("Apple &amp; banana")}, want: "apple & banana apple &amp; banana"},
		{name: "lower02", src: `{{ a|lower }} {{ b|lower }}`, data: m{"a": "Apple & banana", "b": MarkSafe("Apple &amp; banana")}, want: "apple &amp; banana apple &amp; banana"},
		{name: "upper01", src: `{% autoescape off %}{{ a|upper }} {{ b|upper }}{% endautoescape %}`, data: m{"a": "a & b", "b": MarkSafe("a &amp; b")}, want: "A & B A &AMP; B"},
		{name: "upper02", src: `{{ a|upper }} {{ b|upper }}`, data: m{"a": "a & b", "b": MarkSafe("a &amp; b")}, want: "A &amp; B A &amp;AMP; B"},
	})
}

func TestFilterMakeListTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "make_list01", src: `{% autoescape off %}{{ a|make_list }}{% endautoescape %}`, data: m{"a": MarkSafe("&")}, want: "['&']"},
		{name: "make_list02", src: `{{ a|make_list }}`, data: m{"a": MarkSafe("&")}, want: "[&#x27;&amp;&#x27;]"},
		{name: "make_list03", src: `{% autoescape off %}{{ a|make_list|stringformat:"s"|safe }}{% endautoescape %}`, data: m{"a": MarkSafe("&")}, want: "['&']"},
		{name: "make_list04", src: `{{ a|make_list|stringformat:"s"|safe }}`, data: m{"a": MarkSafe("&")}, want: "['&']"},
	})
}

func TestFilterPhone2numericTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "phone2numeric01", src: `{{ a|phone2numeric }} {{ b|phone2numeric }}`, data: m{"a": "<1-800-call-me>", "b": MarkSafe("<1-800-call-me>")}, want: "&lt;1-800-2255-63&gt; <1-800-2255-63>"},
		{name: "phone2numeric02", src: `{% autoescape off %}{{ a|phone2numeric }} {{ b|phone2numeric }}{% endautoescape %}`, data: m{"a": "<1-800-call-me>", "b": MarkSafe("<1-800-call-me>")}, want: "<1-800-2255-63> <1-800-2255-63>"},
		{name: "phone2numeric03", src: `{{ a|phone2numeric }}`, data: m{"a": "How razorback-jumping frogs can level six piqued gymnasts!"}, want: "469 729672225-5867464 37647 226 53835 749 747833 49662787!"},
	})
}

func TestFilterPluralizeTemplates(t *testing.T) {
	var cases []tcase
	for _, c := range []struct{ src, v, want string }{
		{`vote{{ value|pluralize }}`, "0", "votes"}, {`vote{{ value|pluralize }}`, "1", "vote"}, {`vote{{ value|pluralize }}`, "2", "votes"},
		{`class{{ value|pluralize:"es" }}`, "0", "classes"}, {`class{{ value|pluralize:"es" }}`, "1", "class"}, {`class{{ value|pluralize:"es" }}`, "2", "classes"},
		{`cand{{ value|pluralize:"y,ies" }}`, "0", "candies"}, {`cand{{ value|pluralize:"y,ies" }}`, "1", "candy"}, {`cand{{ value|pluralize:"y,ies" }}`, "2", "candies"},
	} {
		cases = append(cases, tcase{name: c.want + c.v, src: c.src, data: m{"value": c.v}, want: c.want})
	}
	cases = append(cases, tcase{name: "list", src: `{{ l|length }} item{{ l|pluralize }}`, data: m{"l": []int{1}}, want: "1 item"})
	runCases(t, cases)
}

func TestFilterRandomTemplates(t *testing.T) {
	data := m{"a": []any{"a&b", "a&b"}, "b": []any{MarkSafe("a&b"), MarkSafe("a&b")}}
	runCases(t, []tcase{
		{name: "random01", src: `{{ a|random }} {{ b|random }}`, data: data, want: "a&amp;b a&b"},
		{name: "random02", src: `{% autoescape off %}{{ a|random }} {{ b|random }}{% endautoescape %}`, data: data, want: "a&b a&b"},
		{name: "empty_list", src: `{{ list|random }}`, data: m{"list": []any{}}, want: ""},
	})
}

func TestFilterSafeseqTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "safeseq01", src: `{{ a|join:", " }} -- {{ a|safeseq|join:", " }}`, data: m{"a": []any{"&", "<"}}, want: "&amp;, &lt; -- &, <"},
		{name: "safeseq02", src: `{% autoescape off %}{{ a|join:", " }} -- {{ a|safeseq|join:", " }}{% endautoescape %}`, data: m{"a": []any{"&", "<"}}, want: "&, < -- &, <"},
	})
}

func TestFilterSliceTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "slice01", src: `{{ a|slice:"1:3" }} {{ b|slice:"1:3" }}`, data: m{"a": "a&b", "b": MarkSafe("a&b")}, want: "&amp;b &b"},
		{name: "slice02", src: `{% autoescape off %}{{ a|slice:"1:3" }} {{ b|slice:"1:3" }}{% endautoescape %}`, data: m{"a": "a&b", "b": MarkSafe("a&b")}, want: "&b &b"},
		{name: "slice-list", src: `{{ l|slice:":2" }} {{ l|slice:"::-1" }} {{ l|slice:"-2:" }}`, data: m{"l": []int{1, 2, 3}}, want: "[1, 2] [3, 2, 1] [2, 3]"},
		{name: "slice-for", src: `{% for x in l|slice:"1:" %}{{ x }}{% endfor %}`, data: m{"l": []string{"a", "b", "c"}}, want: "bc"},
	})
}

func TestFilterSlugifyTemplates(t *testing.T) {
	data := m{"a": "a & b", "b": MarkSafe("a &amp; b")}
	runCases(t, []tcase{
		{name: "slugify01", src: `{% autoescape off %}{{ a|slugify }} {{ b|slugify }}{% endautoescape %}`, data: data, want: "a-b a-amp-b"},
		{name: "slugify02", src: `{{ a|slugify }} {{ b|slugify }}`, data: data, want: "a-b a-amp-b"},
	})
}

func TestFilterStringformatTemplates(t *testing.T) {
	data := m{"a": "a<b", "b": MarkSafe("a<b")}
	runCases(t, []tcase{
		{name: "stringformat01", src: `{% autoescape off %}.{{ a|stringformat:"5s" }}. .{{ b|stringformat:"5s" }}.{% endautoescape %}`, data: data, want: ".  a<b. .  a<b."},
		{name: "stringformat02", src: `.{{ a|stringformat:"5s" }}. .{{ b|stringformat:"5s" }}.`, data: data, want: ".  a&lt;b. .  a<b."},
	})
}

func TestFilterStriptagsTemplates(t *testing.T) {
	data := m{"a": "<a>x</a> <p><b>y</b></p>", "b": MarkSafe("<a>x</a> <p><b>y</b></p>")}
	runCases(t, []tcase{
		{name: "striptags01", src: `{{ a|striptags }} {{ b|striptags }}`, data: data, want: "x y x y"},
		{name: "striptags02", src: `{% autoescape off %}{{ a|striptags }} {{ b|striptags }}{% endautoescape %}`, data: data, want: "x y x y"},
	})
}

func TestFilterTimeTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "time00", src: `{{ dt|time }}`, data: m{"dt": time.Date(2000, 1, 1, 16, 25, 0, 0, time.UTC)}, want: "4:25 p.m."},
		{name: "time01", src: `{{ dt|time:"e:O:T:Z" }}`, data: m{"dt": time.Date(2000, 1, 1, 16, 25, 0, 0, time.FixedZone("+0315", 195*60))}, want: "+0315:+0315:+0315:11700"},
		{name: "time06", src: `{{ obj|time:"P:e:O:T:Z" }}`, data: m{"obj": "non-datetime-value"}, want: ""},
		{name: "time-date-only-format", src: `[{{ dt|time:"Y" }}]`, data: m{"dt": time.Date(2000, 1, 1, 16, 25, 0, 0, time.UTC)}, want: "[]"},
	})
}

func TestFilterTimesinceTemplates(t *testing.T) {
	now := time.Now()
	nowTZ := now.In(time.FixedZone("", 195*60))
	day := 24 * time.Hour
	runCases(t, []tcase{
		{name: "timesince01", src: `{{ a|timesince }}`, data: m{"a": now.Add(-70 * time.Second)}, want: "1\u00a0minute"},
		{name: "timesince02", src: `{{ a|timesince }}`, data: m{"a": now.Add(-day - time.Minute)}, want: "1\u00a0day"},
		{name: "timesince03", src: `{{ a|timesince }}`, data: m{"a": now.Add(-time.Hour - 25*time.Minute - 10*time.Second)}, want: "1\u00a0hour, 25\u00a0minutes"},
		{name: "timesince04", src: `{{ a|timesince:b }}`, data: m{"a": now.Add(-2 * day), "b": now.Add(-day)}, want: "1\u00a0day"},
		{name: "timesince05", src: `{{ a|timesince:b }}`, data: m{"a": now.Add(-2*day - time.Minute), "b": now.Add(-2 * day)}, want: "1\u00a0minute"},
		{name: "timesince06", src: `{{ a|timesince:b }}`, data: m{"a": nowTZ.Add(-8 * time.Hour), "b": nowTZ}, want: "8\u00a0hours"},
		{name: "timesince07", src: `{{ earlier|timesince }}`, data: m{"earlier": now.Add(-7 * day)}, want: "1\u00a0week"},
		{name: "timesince08", src: `{{ earlier|timesince:now }}`, data: m{"now": now, "earlier": now.Add(-7 * day)}, want: "1\u00a0week"},
		{name: "timesince09", src: `{{ later|timesince }}`, data: m{"later": now.Add(7 * day)}, want: "0\u00a0minutes"},
		{name: "timesince10", src: `{{ later|timesince:now }}`, data: m{"now": now, "later": now.Add(7 * day)}, want: "0\u00a0minutes"},
		{name: "timesince11", src: `{{ a|timesince }}`, data: m{"a": now}, want: "0\u00a0minutes"},
		{name: "timesince13", src: `{{ a|timesince }}`, data: m{"a": nowTZ}, want: "0\u00a0minutes"},
		{name: "timesince14", src: `{{ a|timesince:b }}`, data: m{"a": now, "b": nowTZ}, want: "0\u00a0minutes"},
		{name: "timesince20", src: `{{ a|timesince:b }}`, data: m{"a": time.Date(2018, 5, 9, 0, 0, 0, 0, time.UTC), "b": time.Date(2018, 5, 9, 0, 0, 0, 0, time.UTC).Add(729 * day)}, want: "1\u00a0year, 11\u00a0months"},
		{name: "timesince-none", src: `{{ a|timesince }}`, data: m{"a": nil}, want: ""},
		{name: "timesince-not-a-time", src: `[{{ a|timesince }}{{ b|timeuntil:a }}]`, data: m{"a": "x", "b": now}, want: "[]"},
		{name: "timeuntil01", src: `{{ a|timeuntil }}`, data: m{"a": now.Add(2*time.Minute + 10*time.Second)}, want: "2\u00a0minutes"},
		{name: "timeuntil02", src: `{{ a|timeuntil }}`, data: m{"a": now.Add(day + 10*time.Second)}, want: "1\u00a0day"},
		{name: "timeuntil03", src: `{{ a|timeuntil }}`, data: m{"a": now.Add(8*time.Hour + 10*time.Minute + 10*time.Second)}, want: "8\u00a0hours, 10\u00a0minutes"},
		{name: "timeuntil04", src: `{{ a|timeuntil:b }}`, data: m{"a": now.Add(-day), "b": now.Add(-2 * day)}, want: "1\u00a0day"},
		{name: "timeuntil05", src: `{{ a|timeuntil:b }}`, data: m{"a": now.Add(-2 * day), "b": now.Add(-2*day - time.Minute)}, want: "1\u00a0minute"},
		{name: "timeuntil06", src: `{{ earlier|timeuntil }}`, data: m{"earlier": now.Add(-7 * day)}, want: "0\u00a0minutes"},
		{name: "timeuntil07", src: `{{ earlier|timeuntil:now }}`, data: m{"now": now, "earlier": now.Add(-7 * day)}, want: "0\u00a0minutes"},
		{name: "timeuntil08", src: `{{ later|timeuntil }}`, data: m{"later": now.Add(7*day + time.Hour)}, want: "1\u00a0week"},
		{name: "timeuntil09", src: `{{ later|timeuntil:now }}`, data: m{"now": now, "later": now.Add(7 * day)}, want: "1\u00a0week"},
		{name: "timeuntil11", src: `{{ a|timeuntil }}`, data: m{"a": nowTZ}, want: "0\u00a0minutes"},
		{name: "timeuntil12", src: `{{ a|timeuntil:b }}`, data: m{"a": nowTZ, "b": now}, want: "0\u00a0minutes"},
	})
}

func TestFilterTitleTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "title1", src: `{{ a|title }}`, data: m{"a": "JOE'S CRAB SHACK"}, want: "Joe&#x27;s Crab Shack"},
		{name: "title2", src: `{{ a|title }}`, data: m{"a": "555 WEST 53RD STREET"}, want: "555 West 53rd Street"},
	})
}

func TestFilterTruncateTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "truncatechars01", src: `{{ a|truncatechars:3 }}`, data: m{"a": "Testing, testing"}, want: "Te…"},
		{name: "truncatechars02", src: `{{ a|truncatechars:7 }}`, data: m{"a": "Testing"}, want: "Testing"},
		{name: "truncatechars03", src: `{{ a|truncatechars:'e' }}`, data: m{"a": "Testing, testing"}, want: "Testing, testing"},
		{name: "truncatechars04", src: `{{ a|truncatechars:3 }}`, data: m{"a": "abc"}, want: "abc"},
		{name: "truncatewords01", src: `{% autoescape off %}{{ a|truncatewords:"2" }} {{ b|truncatewords:"2"}}{% endautoescape %}`, data: m{"a": "alpha & bravo", "b": MarkSafe("alpha &amp; bravo")}, want: "alpha & … alpha &amp; …"},
		{name: "truncatewords02", src: `{{ a|truncatewords:"2" }} {{ b|truncatewords:"2"}}`, data: m{"a": "alpha & bravo", "b": MarkSafe("alpha &amp; bravo")}, want: "alpha &amp; … alpha &amp; …"},
		{name: "truncatewords_html-safe-input", src: `{{ a|truncatewords_html:1 }}`, data: m{"a": MarkSafe("<b>x y</b>")}, want: "<b>x …</b>"},
		{name: "truncatewords_html-unsafe-input", src: `{{ a|truncatewords_html:1 }}`, data: m{"a": "<b>x y</b>"}, want: "&lt;b&gt;x …&lt;/b&gt;"},
	})
}

func TestFilterUnorderedListTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "unordered_list01", src: `{{ a|unordered_list }}`, data: m{"a": []any{"x>", []any{"<y"}}}, want: "\t<li>x&gt;\n\t<ul>\n\t\t<li>&lt;y</li>\n\t</ul>\n\t</li>"},
		{name: "unordered_list02", src: `{% autoescape off %}{{ a|unordered_list }}{% endautoescape %}`, data: m{"a": []any{"x>", []any{"<y"}}}, want: "\t<li>x>\n\t<ul>\n\t\t<li><y</li>\n\t</ul>\n\t</li>"},
		{name: "unordered_list03", src: `{{ a|unordered_list }}`, data: m{"a": []any{"x>", []any{MarkSafe("<y")}}}, want: "\t<li>x&gt;\n\t<ul>\n\t\t<li><y</li>\n\t</ul>\n\t</li>"},
		{name: "unordered_list04", src: `{% autoescape off %}{{ a|unordered_list }}{% endautoescape %}`, data: m{"a": []any{"x>", []any{MarkSafe("<y")}}}, want: "\t<li>x>\n\t<ul>\n\t\t<li><y</li>\n\t</ul>\n\t</li>"},
		{name: "unordered_list05", src: `{% autoescape off %}{{ a|unordered_list }}{% endautoescape %}`, data: m{"a": []any{"x>", []any{"<y"}}}, want: "\t<li>x>\n\t<ul>\n\t\t<li><y</li>\n\t</ul>\n\t</li>"},
	})
}

func TestFilterURLEncodeTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "urlencode01", src: `{{ url|urlencode }}`, data: m{"url": `/test&"/me?/`}, want: "/test%26%22/me%3F/"},
		{name: "urlencode02", src: `/test/{{ urlbit|urlencode:"" }}/`, data: m{"urlbit": "escape/slash"}, want: "/test/escape%2Fslash/"},
	})
}

func TestFilterUrlizeTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "urlize01", src: `{% autoescape off %}{{ a|urlize }} {{ b|urlize }}{% endautoescape %}`,
			data: m{"a": "http://example.com/?x=&y=", "b": MarkSafe("http://example.com?x=&amp;y=&lt;2&gt;")},
			want: `<a href="http://example.com/?x=&amp;y=" rel="nofollow">http://example.com/?x=&y=</a> <a href="http://example.com?x=&amp;y=%3C2%3E" rel="nofollow">http://example.com?x=&amp;y=&lt;2&gt;</a>`},
		{name: "urlize02", src: `{{ a|urlize }} {{ b|urlize }}`,
			data: m{"a": "http://example.com/?x=&y=", "b": MarkSafe("http://example.com?x=&amp;y=")},
			want: `<a href="http://example.com/?x=&amp;y=" rel="nofollow">http://example.com/?x=&amp;y=</a> <a href="http://example.com?x=&amp;y=" rel="nofollow">http://example.com?x=&amp;y=</a>`},
		{name: "urlize03", src: `{% autoescape off %}{{ a|urlize }}{% endautoescape %}`, data: m{"a": MarkSafe("a &amp; b")}, want: "a &amp; b"},
		{name: "urlize04", src: `{{ a|urlize }}`, data: m{"a": MarkSafe("a &amp; b")}, want: "a &amp; b"},
		{name: "urlize05", src: `{% autoescape off %}{{ a|urlize }}{% endautoescape %}`, data: m{"a": "<script>alert('foo')</script>"}, want: "<script>alert('foo')</script>"},
		{name: "urlize06", src: `{{ a|urlize }}`, data: m{"a": "<script>alert('foo')</script>"}, want: "&lt;script&gt;alert(&#x27;foo&#x27;)&lt;/script&gt;"},
		{name: "urlize07", src: `{{ a|urlize }}`, data: m{"a": "Email me at me@example.com"}, want: `Email me at <a href="mailto:me@example.com">me@example.com</a>`},
		{name: "urlize08", src: `{{ a|urlize }}`, data: m{"a": "Email me at <me@example.com>"}, want: `Email me at &lt;<a href="mailto:me@example.com">me@example.com</a>&gt;`},
		{name: "urlize09", src: `{% autoescape off %}{{ a|urlize }}{% endautoescape %}`, data: m{"a": "http://example.com/?x=&amp;y=&lt;2&gt;"},
			want: `<a href="http://example.com/?x=&amp;y=%3C2%3E" rel="nofollow">http://example.com/?x=&amp;y=&lt;2&gt;</a>`},
		{name: "urlizetrunc01", src: `{% autoescape off %}{{ a|urlizetrunc:"8" }} {{ b|urlizetrunc:"8" }}{% endautoescape %}`,
			data: m{"a": `"Unsafe" http://example.com/x=&y=`, "b": MarkSafe("&quot;Safe&quot; http://example.com?x=&amp;y=")},
			want: `"Unsafe" <a href="http://example.com/x=&amp;y=" rel="nofollow">http://…</a> &quot;Safe&quot; <a href="http://example.com?x=&amp;y=" rel="nofollow">http://…</a>`},
		{name: "urlizetrunc02", src: `{{ a|urlizetrunc:"8" }} {{ b|urlizetrunc:"8" }}`,
			data: m{"a": `"Unsafe" http://example.com/x=&y=`, "b": MarkSafe("&quot;Safe&quot; http://example.com?x=&amp;y=")},
			want: `&quot;Unsafe&quot; <a href="http://example.com/x=&amp;y=" rel="nofollow">http://…</a> &quot;Safe&quot; <a href="http://example.com?x=&amp;y=" rel="nofollow">http://…</a>`},
	})
}

func TestFilterWordcountWordwrapTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "wordcount01", src: `{% autoescape off %}{{ a|wordcount }} {{ b|wordcount }}{% endautoescape %}`, data: m{"a": "a & b", "b": MarkSafe("a &amp; b")}, want: "3 3"},
		{name: "wordcount02", src: `{{ a|wordcount }} {{ b|wordcount }}`, data: m{"a": "a & b", "b": MarkSafe("a &amp; b")}, want: "3 3"},
		{name: "wordwrap01", src: `{% autoescape off %}{{ a|wordwrap:"3" }} {{ b|wordwrap:"3" }}{% endautoescape %}`, data: m{"a": "a & b", "b": MarkSafe("a & b")}, want: "a &\nb a &\nb"},
		{name: "wordwrap02", src: `{{ a|wordwrap:"3" }} {{ b|wordwrap:"3" }}`, data: m{"a": "a & b", "b": MarkSafe("a & b")}, want: "a &amp;\nb a &\nb"},
	})
}

func TestFilterYesnoTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "yesno-true", src: `{{ var|yesno:"yup,nup,mup" }} {{ var|yesno }}`, data: m{"var": true}, want: "yup yes"},
		{name: "yesno-escaped", src: `{{ var|yesno:"<y>,<n>" }}`, data: m{"var": false}, want: "&lt;n&gt;"},
	})
}

func TestFilterDivisiblebyGetDigitTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "divisibleby", src: `{{ 4|divisibleby:2 }} {{ 4|divisibleby:"3" }}`, want: "True False"},
		{name: "divisibleby-in-if", src: `{% if 21|divisibleby:7 %}y{% endif %}`, want: "y"},
		{name: "divisibleby-zero", src: `{{ 4|divisibleby:0 }}`, err: "modulo by zero"},
		{name: "get_digit", src: `{{ 123|get_digit:1 }}{{ 123|get_digit:"2" }}{{ 123|get_digit:5 }}`, want: "320"},
	})
}

func TestFilterFilesizeformatPprintTemplates(t *testing.T) {
	runCases(t, []tcase{
		{name: "filesizeformat", src: `{{ n|filesizeformat }}`, data: m{"n": 1024}, want: "1.0\u00a0KB"},
		{name: "pprint", src: `{{ v|pprint }}`, data: m{"v": m{"b": []any{1, "x"}, "a": nil}}, want: "{&#x27;a&#x27;: None, &#x27;b&#x27;: [1, &#x27;x&#x27;]}"},
		{name: "pprint-str", src: `{% autoescape off %}{{ v|pprint }}{% endautoescape %}`, data: m{"v": "x"}, want: "'x'"},
	})
}

// TestFilterArgErrors checks the compile-time argument checks.
func TestFilterArgErrors(t *testing.T) {
	runCases(t, []tcase{
		{name: "missing-arg", src: `{{ a|cut }}`, err: "requires 2 arguments, 1 provided"},
		{name: "extra-arg", src: `{{ a|lower:"x" }}`, err: "requires 1 arguments, 2 provided"},
		{name: "length_is-removed", src: `{{ a|length_is:2 }}`, err: "Invalid filter: 'length_is'"},
	})
}

// TestEveryBuiltinFilter makes sure each of Django's built-in filters is
// registered.
func TestEveryBuiltinFilter(t *testing.T) {
	names := "add addslashes capfirst center cut date default default_if_none dictsort dictsortreversed divisibleby escape escapejs escapeseq filesizeformat first floatformat force_escape get_digit iriencode join json_script last length linebreaks linebreaksbr linenumbers ljust lower make_list phone2numeric pluralize pprint random rjust safe safeseq slice slugify stringformat striptags time timesince timeuntil title truncatechars truncatechars_html truncatewords truncatewords_html unordered_list upper urlencode urlize urlizetrunc wordcount wordwrap yesno"
	for _, n := range strings.Fields(names) {
		if builtins.filters[n] == nil {
			t.Errorf("filter %s is not registered", n)
		}
	}
}
