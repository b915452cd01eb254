package runnel

import (
	"testing"
	"time"
)

type omHolder struct {
	M *OrderedMap
	N OrderedMap
}

type omCycle struct{ M *OrderedMap }

// TestOrderedMapPrintsAsDict: an OrderedMap, by pointer or by value, at
// the top, in a list or in a struct's fields, prints as the Python dict it
// stands for.
func TestOrderedMapPrintsAsDict(t *testing.T) {
	om := NewOrderedMap("a", 1, "b", "x")
	cyc := NewOrderedMap("a", 1)
	cyc.Set("c", omCycle{cyc})
	d := m{"om": om, "omv": *om, "h": omHolder{om, *om}, "l": []any{om, *om}, "cyc": cyc}
	off := []Option{WithAutoescape(false)}
	runCases(t, []tcase{
		{name: "pointer", src: `{{ om }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "value", src: `{{ omv }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "escaped", src: `{{ omv }}`, data: d, want: `{&#x27;a&#x27;: 1, &#x27;b&#x27;: &#x27;x&#x27;}`},
		{name: "pprint", src: `{{ omv|pprint }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "in-list", src: `{{ l }}`, data: d, opts: off, want: `[{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'x'}]`},
		{name: "in-struct", src: `{{ h }}`, data: d, opts: off, want: `{{'a': 1, 'b': 'x'} {'a': 1, 'b': 'x'}}`},
		{name: "field", src: `{{ h.N }} {{ h.n.b }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'} x`},
		{name: "stringformat", src: `{{ omv|stringformat:"s" }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "value-lookups", src: `{% for k, v in omv.items %}{{ k }}={{ v }};{% endfor %}{{ omv.a }}{{ omv|length }}`, data: d, want: `a=1;b=x;12`},
		{name: "json_script", src: `{{ omv|json_script }}`, data: d, want: `<script type="application/json">{"a": 1, "b": "x"}</script>`},
		{name: "cycle-through-struct", src: `{{ cyc }}`, data: d, opts: off, want: `{'a': 1, 'c': {{...}}}`},
	})
}

type strKind string

// TestStrMethods: Python's str methods that take no arguments, called from
// a template as Django calls them; those needing arguments are invalid.
func TestStrMethods(t *testing.T) {
	d := m{"s": "hello wORLD", "ss": MarkSafe("a<b"), "sp": "  a  b \n", "l": []any{"x", "Yz"}, "ls": []string{"ab"},
		"k": strKind("kind"), "n": "123", "nilp": (*string)(nil), "p": &person{FirstName: "ada"}, "gr": "straße"}
	inv := []Option{WithStringIfInvalid("INVALID")}
	runCases(t, []tcase{
		{name: "upper", src: `{{ s.upper }}`, data: d, want: "HELLO WORLD"},
		{name: "lower-title-capitalize", src: `{{ s.lower }}|{{ s.title }}|{{ s.capitalize }}|{{ s.swapcase }}`, data: d, want: "hello world|Hello World|Hello world|HELLO World"},
		{name: "casefold", src: `{{ gr.casefold }} {{ gr.upper }}`, data: d, want: "strasse STRASSE"},
		// SafeString's str methods return str: the result is escaped.
		{name: "safe-result-escaped", src: `{{ ss.upper }}`, data: d, want: "A&lt;B"},
		{name: "strip", src: `[{{ sp.strip }}][{{ sp.lstrip }}][{{ sp.rstrip }}]`, data: d, want: "[a  b][a  b \n][  a  b]"},
		{name: "split", src: `{{ sp.split }} {{ sp.split|length }}{% for w in s.split %}<{{ w }}>{% endfor %}`, data: d, opts: []Option{WithAutoescape(false)}, want: "['a', 'b'] 2<hello><wORLD>"},
		{name: "splitlines", src: `{% for l in ml.splitlines %}<{{ l }}>{% endfor %}`, data: m{"ml": "a\nb\r\nc\u0085d"}, want: "<a><b><c><d>"},
		{name: "predicates", src: `{{ n.isdigit }} {{ s.isdigit }} {{ n.isdecimal }} {{ n.isnumeric }} {{ s.isalpha }} {{ n.isalnum }} {{ sp.isspace }} {{ s.isascii }}`, data: d, want: "True False True True False True False True"},
		{name: "case-predicates", src: `{{ s.isupper }} {{ s.islower }} {{ s.title.istitle }} {{ s.isidentifier }}`, data: d, want: "False False True False"},
		{name: "in-if", src: `{% if n.isdigit %}digits{% endif %}{% if s.isdigit %}no{% endif %}`, data: d, want: "digits"},
		{name: "list-item", src: `{{ l.0.upper }}{{ l.1.lower }}{{ ls.0.upper }}`, data: d, want: "XyzAB"},
		{name: "named-string-type", src: `{{ k.upper }}`, data: d, want: "KIND"},
		{name: "field", src: `{{ p.first_name.title }}`, data: d, want: "Ada"},
		{name: "chained", src: `{{ s.upper.lower.split.1 }}`, data: d, want: "world"},
		{name: "then-filter", src: `{{ s.upper|lower }}`, data: d, want: "hello world"},
		{name: "needs-args", src: `{{ s.zfill }}|{{ s.count }}|{{ s.startswith }}|{{ s.center }}|{{ s.nosuch }}`, data: d, opts: inv, want: "INVALID|INVALID|INVALID|INVALID|INVALID"},
		{name: "none", src: `{{ nilp.upper }}`, data: d, opts: inv, want: "INVALID"},
		{name: "list-methods-need-args", src: `{{ l.count }}|{{ l.index }}|{{ l.upper }}`, data: d, opts: inv, want: "INVALID|INVALID|INVALID"},
		{name: "dict-get-needs-args", src: `{{ dd.get }}|{{ dd.items|length }}`, data: m{"dd": map[string]any{"a": 1}}, opts: inv, want: "INVALID|1"},
		{name: "dict-key-first", src: `{{ dd.upper }}`, data: m{"dd": map[string]any{"upper": "key"}}, want: "key"},
	})
}

// TestTuple: runnel.Tuple is a Python tuple.
func TestTuple(t *testing.T) {
	d := m{"t": Tuple{1, 2}, "one": Tuple{"a"}, "empty": Tuple{}, "l": []any{1, 2}, "lt": []any{Tuple{1, "x"}, Tuple{2, "y"}},
		"nested": Tuple{Tuple{1}, []any{2}}, "dd": NewOrderedMap("a", 1)}
	off := []Option{WithAutoescape(false)}
	runCases(t, []tcase{
		{name: "print", src: `{{ t }} {{ one }} {{ empty }}`, data: d, opts: off, want: "(1, 2) ('a',) ()"},
		{name: "escaped", src: `{{ one }}`, data: d, want: "(&#x27;a&#x27;,)"},
		{name: "in-list", src: `{{ lt }} {{ nested }}`, data: d, opts: off, want: "[(1, 'x'), (2, 'y')] ((1,), [2])"},
		{name: "pprint", src: `{{ t|pprint }}`, data: d, want: "(1, 2)"},
		{name: "iterate", src: `{% for x in t %}{{ x }};{% endfor %}`, data: d, want: "1;2;"},
		{name: "unpack", src: `{% for n, s in lt %}{{ n }}={{ s }};{% endfor %}`, data: d, want: "1=x;2=y;"},
		{name: "index", src: `{{ t.0 }}{{ t.1 }}`, data: d, want: "12"},
		{name: "in", src: `{% if 2 in t %}yes{% endif %}{% if 3 not in t %} no{% endif %}`, data: d, want: "yes no"},
		{name: "length-join-first-last", src: `{{ t|length }} {{ t|join:"-" }} {{ t|first }} {{ t|last }}`, data: d, want: "2 1-2 1 2"},
		{name: "truthy", src: `{% if empty %}x{% else %}empty{% endif %}{% if one %} one{% endif %}`, data: d, want: "empty one"},
		{name: "add-tuples", src: `{{ t|add:one }}`, data: d, opts: off, want: "(1, 2, 'a')"},
		{name: "add-list-tuple", src: `[{{ l|add:t }}][{{ t|add:l }}]`, data: d, want: "[][]"},
		{name: "add-lists", src: `{{ l|add:l }}`, data: d, want: "[1, 2, 1, 2]"},
		{name: "not-equal-to-list", src: `{% if t == l %}eq{% else %}ne{% endif %} {% if t == t %}eq{% endif %}`, data: d, want: "ne eq"},
		{name: "items-are-tuples", src: `{{ dd.items }}`, data: d, opts: off, want: "[('a', 1)]"},
		{name: "json_script", src: `{{ t|json_script }}`, data: d, want: `<script type="application/json">[1, 2]</script>`},
		{name: "stringformat", src: `{{ t|stringformat:"s" }}`, data: d, want: "(1, 2)"},
	})
}

// TestBlockSuperFailedArgument: a filter argument that fails to resolve in
// a parent's block is, through {{ block.super }}, a failed lookup of
// block.super (Django 3.2 and later render these strings), while the parent
// rendered directly fails.
func TestBlockSuperFailedArgument(t *testing.T) {
	files := map[string]string{
		"base.html":  "[{% block b %}A{{ x|add:missing }}B{% endblock %}]",
		"base3.html": "[{% block b %}A{% if x|default:missing %}y{% endif %}B{% endblock %}]",
		"mid.html":   "{% extends 'base.html' %}{% block b %}({{ block.super }}){% endblock %}",
	}
	d := m{"x": 1}
	inv := []Option{WithStringIfInvalid("INV(%s)")}
	runCases(t, []tcase{
		{name: "parent-fails", src: `{% include "base.html" %}`, files: files, data: d, err: "missing"},
		{name: "super-silent", src: `{% extends "base.html" %}{% block b %}<{{ block.super }}>{% endblock %}`, files: files, data: d, want: "[<>]"},
		{name: "super-invalid", src: `{% extends "base.html" %}{% block b %}<{{ block.super }}>{% endblock %}`, files: files, data: d, opts: inv, want: "[<INV(block.super)>]"},
		{name: "super-default", src: `{% extends "base.html" %}{% block b %}<{{ block.super|default:"D" }}>{% endblock %}`, files: files, data: d, want: "[<D>]"},
		{name: "super-if-arg", src: `{% extends "base3.html" %}{% block b %}<{{ block.super }}>{% endblock %}`, files: files, data: d, want: "[<AB>]"},
		{name: "two-levels", src: `{% extends "mid.html" %}{% block b %}<{{ block.super }}>{% endblock %}`, files: files, data: d, want: "[<()>]"},
	})
}

// TestDecimal: runnel.Decimal is Python's decimal.Decimal.
func TestDecimalStr(t *testing.T) {
	// Python: str(Decimal(s)) and Django's number_format (display).
	for _, c := range []struct{ in, str, shown string }{
		{"1.10", "1.10", "1.10"},
		{"0E+3", "0E+3", "0"},
		{"1E+3", "1E+3", "1000"},
		{"-0", "-0", "-0"},
		{"0.000001", "0.000001", "0.000001"},
		{"1E-7", "1E-7", "0.0000001"},
		{"123.456E-10", "1.23456E-8", "0.0000000123456"},
		{"-1.5E+2", "-1.5E+2", "-150"},
		{"100", "100", "100"},
		{"0E-3", "0.000", "0.000"},
		{" 1_000.5 ", "1000.5", "1000.5"},
		{"NaN", "NaN", "NaN"},
		{"-inf", "-Infinity", "-Infinity"},
		{"1E+300", "1E+300", "1e+300"},
	} {
		d := MustDecimal(c.in)
		if got := d.String(); got != c.str {
			t.Errorf("str(Decimal(%q)) = %q, want %q", c.in, got, c.str)
		}
		if got := d.Localized(); got != c.shown {
			t.Errorf("number_format(Decimal(%q)) = %q, want %q", c.in, got, c.shown)
		}
	}
	if got := NewDecimal(110, -2).String(); got != "1.10" {
		t.Errorf("NewDecimal(110, -2) = %q", got)
	}
	if got := NewDecimal(-5, 3).String(); got != "-5E+3" {
		t.Errorf("NewDecimal(-5, 3) = %q", got)
	}
	if _, err := ParseDecimal("1.2.3"); err == nil {
		t.Error("ParseDecimal(1.2.3): no error")
	}
}

func TestDecimalTemplates(t *testing.T) {
	d := m{"d": MustDecimal("1.10"), "z": MustDecimal("0.00"), "big": MustDecimal("1E+3"), "h": MustDecimal("2.5"),
		"neg": MustDecimal("-1.5"), "third": MustDecimal("0.1"), "pd": func() *Decimal { x := MustDecimal("3.50"); return &x }(),
		"ten": MustDecimal("10")}
	off := []Option{WithAutoescape(false)}
	runCases(t, []tcase{
		{name: "display", src: `{{ d }} {{ big }} {{ z }} {{ pd }}`, data: d, want: "1.10 1000 0.00 3.50"},
		{name: "in-list", src: `{{ l }}`, data: m{"l": []any{MustDecimal("1.10"), 2}}, opts: off, want: "[Decimal('1.10'), 2]"},
		{name: "pprint", src: `{{ d|pprint }}`, data: d, opts: off, want: "Decimal('1.10')"},
		{name: "stringformat-s", src: `{{ big|stringformat:"s" }}`, data: d, want: "1E+3"},
		{name: "stringformat-numbers", src: `{{ h|stringformat:"d" }} {{ x|stringformat:".2f" }} {{ d|stringformat:"r" }} [{{ d|stringformat:"x" }}]`, data: m{"h": MustDecimal("2.5"), "x": MustDecimal("1.005"), "d": MustDecimal("1.10")}, opts: off, want: "2 1.00 Decimal('1.10') []"},
		{name: "filesizeformat", src: `{{ x|filesizeformat }}`, data: m{"x": MustDecimal("2048.9")}, want: "2.0\u00a0KB"},
		{name: "truthy", src: `{% if z %}t{% else %}f{% endif %}{% if d %}t{% endif %}`, data: d, want: "ft"},
		// Django's floatformat goes through Decimal: exact, ROUND_HALF_UP.
		{name: "floatformat", src: `{{ d|floatformat }} {{ d|floatformat:2 }} {{ h|floatformat:0 }} {{ neg|floatformat:0 }} {{ big|floatformat:2 }}`, data: d, want: "1.1 1.10 3 -2 1000.00"},
		{name: "floatformat-exact", src: `{{ x|floatformat:2 }}`, data: m{"x": MustDecimal("1.005")}, want: "1.01"},
		// add: int() of a Decimal truncates.
		{name: "add", src: `{{ h|add:1 }} {{ neg|add:"1" }}`, data: d, want: "3 0"},
		{name: "divisibleby", src: `{{ ten|divisibleby:5 }} {{ h|divisibleby:2 }}`, data: d, want: "True True"},
		// Python compares a Decimal with an int or a float exactly.
		{name: "compare", src: `{% if d == 1.1 %}eq{% else %}ne{% endif %} {% if h == 2.5 %}eq{% endif %} {% if ten == 10 %}eq{% endif %} {% if d > 1 %}gt{% endif %} {% if third < 0.1 %}lt{% else %}nlt{% endif %}`, data: d, want: "ne eq eq gt lt"},
		{name: "compare-decimals", src: `{% if d == e %}eq{% endif %}`, data: m{"d": MustDecimal("1.10"), "e": MustDecimal("1.1")}, want: "eq"},
		{name: "json_script", src: `{{ d|json_script }}`, data: d, want: `<script type="application/json">"1.10"</script>`},
		{name: "json_script-in-dict", src: `{{ o|json_script }}`, data: m{"o": NewOrderedMap("price", MustDecimal("9.99"))}, want: `<script type="application/json">{"price": "9.99"}</script>`},
	})
}

// TestCivilTimes: Date, TimeOfDay and NaiveDateTime are Python's date,
// time and naive datetime, formatted as Django formats them.
func TestCivilTimes(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	day := Date{2000, 1, 1}
	clock := TimeOfDay{Hour: 12, Minute: 30}
	naive := NaiveDateTime{Date{2000, 7, 1}, TimeOfDay{Hour: 13, Minute: 5, Second: 7, Microsecond: 123}}
	d := m{"d": day, "pd": &day, "c": clock, "n": naive, "aware": time.Date(2000, 7, 1, 13, 5, 0, 0, time.UTC),
		"later": Date{2000, 1, 15}, "nlater": NaiveDateTime{Date{2000, 7, 3}, TimeOfDay{Hour: 13, Minute: 5}}}
	tz := []Option{WithTimeZone(ny)}
	off := []Option{WithAutoescape(false), WithTimeZone(ny)}
	runCases(t, []tcase{
		{name: "display", src: `{{ d }}|{{ pd }}|{{ c }}|{{ n }}`, data: d, opts: tz, want: "Jan. 1, 2000|Jan. 1, 2000|12:30 p.m.|July 1, 2000, 1:05 p.m."},
		// A naive datetime is never converted to the current time zone.
		{name: "naive-not-converted", src: `{{ n|date:"H:i" }} {{ aware|date:"H:i" }}`, data: d, opts: tz, want: "13:05 09:05"},
		{name: "str", src: `{{ d|stringformat:"s" }}|{{ c|stringformat:"s" }}|{{ n|stringformat:"s" }}|{{ d|join:"" }}`, data: d, want: "2000-01-01|12:30:00|2000-07-01 13:05:07.000123|Jan. 1, 2000"},
		{name: "repr", src: `{{ l }}|{{ d|pprint }}`, data: m{"l": []any{day, clock, naive, TimeOfDay{1, 2, 3, 0}}, "d": day}, opts: off,
			want: "[datetime.date(2000, 1, 1), datetime.time(12, 30), datetime.datetime(2000, 7, 1, 13, 5, 7, 123), datetime.time(1, 2, 3)]|datetime.date(2000, 1, 1)"},
		{name: "attributes", src: `{{ d.year }}-{{ d.month }}-{{ d.day }} {{ c.hour }}:{{ c.minute }} {{ n.year }} {{ n.date }}`, data: d, want: "2000-1-1 12:30 2000 July 1, 2000"},
		// date: a date takes date characters; time characters are
		// Django's TypeError.
		{name: "date-of-date", src: `{{ d|date:"D, j M Y" }} {{ d|date:"c" }} {{ d|date }} {{ d|date:"SHORT_DATE_FORMAT" }} [{{ d|date:"I" }}]`, data: d, opts: tz, want: "Sat, 1 Jan 2000 2000-01-01 Jan. 1, 2000 01/01/2000 []"},
		{name: "date-of-date-time-char", src: `{{ d|date:"Y H:i" }}`, data: d, err: "may not contain time-related format specifiers (found 'H')"},
		{name: "date-of-date-r", src: `{{ d|date:"r" }}`, data: d, err: "found 'r'"},
		{name: "date-of-date-U", src: `{{ d|date:"U" }}`, data: d, opts: tz, want: "946702800"},
		// date of a time: time characters work, date ones give "".
		{name: "date-of-time", src: `{{ c|date:"H:i A" }} {{ c|date:"c" }} [{{ c|date:"e O T Z I" }}] [{{ c|date:"Y" }}]`, data: d, opts: tz, want: "12:30 PM 12:30:00 [    ] []"},
		{name: "time-of-time", src: `{{ c|time }} {{ c|time:"H:i:s u" }} [{{ c|time:"e O T Z" }}] [{{ c|time:"j" }}]`, data: d, opts: tz, want: "12:30 p.m. 12:30:00 000000 [   ] []"},
		{name: "time-of-date", src: `[{{ d|time }}][{{ d|time:"H" }}]`, data: d, want: "[][]"},
		// A naive datetime has no tzinfo to name (e) and no offset in c;
		// O, T, Z, I and r take the default time zone.
		{name: "naive-zone-chars", src: `[{{ n|date:"e" }}] {{ n|date:"O T Z I" }} {{ n|date:"c" }} {{ n|date:"r" }} {{ n|date:"U" }}`, data: d, opts: tz,
			want: "[] -0400 EDT -14400 1 2000-07-01T13:05:07.000123 Sat, 01 Jul 2000 13:05:07 -0400 962471107"},
		{name: "naive-time-filter", src: `{{ n|time:"H:i" }} [{{ n|time:"e" }}] {{ n|time:"T" }}`, data: d, opts: tz, want: "13:05 [] EDT"},
		{name: "timesince-dates", src: `{{ d|timesince:later }} {{ later|timeuntil:d }} {{ n|timesince:nlater }}`, data: d, want: "2\u00a0weeks 2\u00a0weeks 1\u00a0day, 23\u00a0hours"},
		{name: "timesince-naive-aware", src: `[{{ n|timesince:aware }}][{{ aware|timesince:n }}]`, data: d, want: "[][]"},
		{name: "json_script", src: `{{ l|json_script }}`, data: m{"l": []any{day, clock, naive, TimeOfDay{1, 2, 3, 456789}}},
			want: `<script type="application/json">["2000-01-01", "12:30:00", "2000-07-01T13:05:07.000", "01:02:03.456"]</script>`},
		{name: "compare", src: `{% if d == d2 %}eq{% endif %}{% if d != later %} ne{% endif %}{% if d < later %} lt{% endif %}{% if c > c2 %} gt{% endif %}{% if d < c %}bad{% endif %}`,
			data: m{"d": day, "d2": Date{2000, 1, 1}, "later": Date{2000, 1, 2}, "c": clock, "c2": TimeOfDay{Hour: 9}}, want: "eq ne lt gt"},
	})
}

// TestSafeStringCharacters: in Python a SafeString's characters (index,
// iteration) are plain str, escaped when displayed; filters marked is_safe
// keep a safe input safe (last, slice).
func TestSafeStringCharacters(t *testing.T) {
	runCases(t, []tcase{{name: "chars",
		src:  `{{ s.0 }}|{{ s|first }}|{{ s|last }}|{{ s|slice:":2" }}|{{ s|join:"," }}|{{ s|make_list }}|{{ s|length }}|{% for c in s %}{{ c }}{% endfor %}|{{ s|unordered_list }}`,
		data: m{"s": MarkSafe("<b>")},
		want: "&lt;|&lt;|>|<b|&lt;,b,&gt;|[&#x27;&lt;&#x27;, &#x27;b&#x27;, &#x27;&gt;&#x27;]|3|&lt;b&gt;|\t<li>&lt;</li>\n\t<li>b</li>\n\t<li>&gt;</li>"}})
}
