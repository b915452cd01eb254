package runnel

import (
	"iter"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The function-level cases (FunctionTests) of Django's
// tests/template_tests/filter_tests/test_*.py, plus the strip_tags, urlize,
// escapejs and json_script cases of tests/utils_tests/test_html.py. Each
// calls the filter function directly, with autoescaping on unless a case
// says otherwise (Django's filters default to autoescape=True when called
// directly).

// fcall calls the named built-in filter; arg nil means no argument.
func fcall(t *testing.T, name string, in, arg any) any {
	t.Helper()
	return fcallAuto(t, name, in, arg, true)
}

// fcallAuto is fcall with an explicit autoescape setting.
func fcallAuto(t *testing.T, name string, in, arg any, autoescape bool) any {
	t.Helper()
	out, err := fcallErr(name, in, arg, autoescape)
	if err != nil {
		t.Fatalf("%s(%#v, %#v): unexpected error %v", name, in, arg, err)
	}
	return out
}

// fcallErr calls a filter and returns its error.
func fcallErr(name string, in, arg any, autoescape bool) (any, error) {
	s := &state{eng: New(nil), autoescape: autoescape}
	return builtins.filters[name].fn(s, indirect(in), arg)
}

// fcase is one function-level case: want is compared with the text of the
// result, or with the result itself when it is not a string.
type fcase struct {
	in, arg, want any
}

// checkFilter runs function-level cases of one filter.
func checkFilter(t *testing.T, name string, cases []fcase) {
	t.Helper()
	for _, c := range cases {
		got := fcall(t, name, c.in, c.arg)
		if ws, ok := c.want.(string); ok {
			gs, ok := isString(got)
			if !ok || gs != ws {
				t.Errorf("%s(%#v, %#v) = %#v, want %q", name, c.in, c.arg, got, ws)
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s(%#v, %#v) = %#v, want %#v", name, c.in, c.arg, got, c.want)
		}
	}
}

func TestFuncAdd(t *testing.T) {
	checkFilter(t, "add", []fcase{{"1", "2", 3}, {[]any{1}, []int{2}, []any{1, 2}}, {nil, 1, ""}})
}

func TestFuncAddslashes(t *testing.T) {
	checkFilter(t, "addslashes", []fcase{
		{`"double quotes" and 'single quotes'`, nil, `\"double quotes\" and \'single quotes\'`},
		{`\ : backslashes, too`, nil, `\\ : backslashes, too`},
		{123, nil, "123"},
	})
}

func TestFuncCapfirst(t *testing.T) {
	checkFilter(t, "capfirst", []fcase{{"hello world", nil, "Hello world"}, {"", nil, ""}, {"ßa", nil, "SSa"}})
}

func TestFuncCenterLjustRjust(t *testing.T) {
	checkFilter(t, "center", []fcase{{"test", 6, " test "}, {123, 5, " 123 "}, {"ab", 5, " ab  "}, {"abc", 6, " abc  "},
		// Django 5.1+ test_center.py: test_odd_input, test_even_input, test_widths.
		{"odd", 6, " odd  "}, {"even", 7, " even  "},
		{"something", -1, "something"}, {"something", 0, "something"}, {"something", 5, "something"}, {"something", 9, "something"}})
	checkFilter(t, "ljust", []fcase{{"test", 10, "test      "}, {"test", 3, "test"}, {123, 4, "123 "}})
	checkFilter(t, "rjust", []fcase{{"test", 10, "      test"}, {"test", 3, "test"}, {123, 4, " 123"}})
}

func TestFuncCut(t *testing.T) {
	checkFilter(t, "cut", []fcase{
		{"a string to be mangled", "a", " string to be mngled"},
		{"a string to be mangled", "ng", "a stri to be maled"},
		{"a string to be mangled", "strings", "a string to be mangled"},
		{123, "2", "13"},
	})
}

func TestFuncDate(t *testing.T) {
	d := time.Date(2005, 12, 29, 0, 0, 0, 0, time.UTC)
	checkFilter(t, "date", []fcase{
		{d, "d F Y", "29 December 2005"},
		{"", nil, ""},
		{nil, nil, ""},
		{d, `jS \o\f F`, "29th of December"},
	})
}

func TestFuncDictsort(t *testing.T) {
	sorted := fcall(t, "dictsort", []any{
		m{"age": 23, "name": "Barbara-Ann"},
		m{"age": 63, "name": "Ra Ra Rasputin"},
		m{"name": "Jonny B Goode", "age": 18},
	}, "age").([]any)
	var names []string
	for _, d := range sorted {
		names = append(names, d.(m)["name"].(string))
	}
	if strings.Join(names, ",") != "Jonny B Goode,Barbara-Ann,Ra Ra Rasputin" {
		t.Errorf("dictsort by age: %v", names)
	}
	rev := fcall(t, "dictsortreversed", []any{
		m{"age": 23, "name": "Barbara-Ann"},
		m{"age": 63, "name": "Ra Ra Rasputin"},
		m{"name": "Jonny B Goode", "age": 18},
	}, "age").([]any)
	if rev[0].(m)["age"] != 63 || rev[2].(m)["age"] != 18 {
		t.Errorf("dictsortreversed: %v", rev)
	}
	// Complex sorting key.
	data := []any{
		m{"foo": m{"bar": 1, "baz": "c"}},
		m{"foo": m{"bar": 2, "baz": "b"}},
		m{"foo": m{"bar": 3, "baz": "a"}},
	}
	got := fcall(t, "dictsort", data, "foo.baz").([]any)
	if got[0].(m)["foo"].(m)["bar"] != 3 || got[2].(m)["foo"].(m)["bar"] != 1 {
		t.Errorf("dictsort foo.baz: %v", got)
	}
	// Lists of tuples sorted by an index, and tuple-like dicts by a key.
	tuples := []any{[]any{"a", "42"}, []any{"c", "string"}, []any{"b", "foo"}}
	checkFilter(t, "dictsort", []fcase{
		{tuples, 0, []any{[]any{"a", "42"}, []any{"b", "foo"}, []any{"c", "string"}}},
		{[]any{m{"0": "a", "1": "42"}, m{"0": "c", "1": "string"}, m{"0": "b", "1": "foo"}}, "0",
			[]any{m{"0": "a", "1": "42"}, m{"0": "b", "1": "foo"}, m{"0": "c", "1": "string"}}},
	})
	checkFilter(t, "dictsortreversed", []fcase{
		{tuples, 0, []any{[]any{"c", "string"}, []any{"b", "foo"}, []any{"a", "42"}}},
	})
	// Invalid values and arguments fail silently.
	for _, name := range []string{"dictsort", "dictsortreversed"} {
		checkFilter(t, name, []fcase{
			{[]any{1, 2, 3}, "age", ""},
			{"Hello!", "age", ""},
			{m{"a": 1}, "age", ""},
			{1, "age", ""},
			{[]any{m{}}, "._private", ""},
			{[]any{m{"_private": "test"}}, "_private", ""},
			{[]any{m{"nested": m{"_private": "test"}}}, "nested._private", ""},
			{[]any{m{"a": 1}, m{"a": "x"}}, "a", ""},
		})
	}
	// The property resolver: keys, then attributes; lists are not indexed
	// by a path.
	type user struct{ Password string }
	dict := m{"a": m{"b1": m{"c": "result1"}, "b2": &user{Password: "abc"}, "b3": m{"0": "result2"}, "b4": []int{0, 1, 2}}}
	s := &state{eng: New(nil)}
	for _, c := range []struct {
		arg  any
		data any
		want any
	}{
		{"a.b1.c", dict, "result1"},
		{"a.b2.password", dict, "abc"},
		{"a.b3.0", dict, "result2"},
		{0, []any{"a", "b", "c"}, "a"},
	} {
		r, _ := propertyResolver(s, c.arg)
		if got, ok := r(c.data); !ok || got != c.want {
			t.Errorf("resolver(%v) = %v, %v; want %v", c.arg, got, ok, c.want)
		}
	}
	for _, c := range []struct {
		arg  any
		data any
	}{
		{"a.b1.d", dict}, {"a.b2.password.0", dict}, {"a.b4.0", dict}, {"a", []any{"a", "b"}}, {"0", []any{"a", "b"}}, {4, []any{"a", "b"}},
	} {
		if r, ok := propertyResolver(s, c.arg); ok {
			if got, ok := r(c.data); ok {
				t.Errorf("resolver(%v) = %v, want failure", c.arg, got)
			}
		}
	}
	if _, ok := propertyResolver(s, "a.b2._private"); ok {
		t.Error("private lookups must be refused")
	}
}

func TestFuncDivisibleby(t *testing.T) {
	checkFilter(t, "divisibleby", []fcase{{4, 2, true}, {4, 3, false}})
	if _, err := fcallErr("divisibleby", "x", 2, true); err == nil {
		t.Error("divisibleby of text: want an error")
	}
}

func TestFuncEscapejs(t *testing.T) {
	checkFilter(t, "escapejs", []fcase{
		{`"double quotes" and 'single quotes'`, nil, `\u0022double quotes\u0022 and \u0027single quotes\u0027`},
		{`\ : backslashes, too`, nil, `\u005C : backslashes, too`},
		{"and lots of whitespace: \r\n\t\v\f\b", nil, `and lots of whitespace: \u000D\u000A\u0009\u000B\u000C\u0008`},
		{`<script>and this</script>`, nil, `\u003Cscript\u003Eand this\u003C/script\u003E`},
		{"paragraph separator:\u2029and line separator:\u2028", nil, `paragraph separator:\u2029and line separator:\u2028`},
		{"`", nil, `\u0060`},
		{"\x7f\u0085 =-;", nil, `\u007F\u0085 \u003D\u002D\u003B`},
	})
}

func TestFuncFilesizeformat(t *testing.T) {
	checkFilter(t, "filesizeformat", []fcase{
		{0, nil, "0\u00a0bytes"}, {1, nil, "1\u00a0byte"}, {1023, nil, "1023\u00a0bytes"}, {1024, nil, "1.0\u00a0KB"},
		{10 * 1024, nil, "10.0\u00a0KB"}, {1024*1024 - 1, nil, "1024.0\u00a0KB"}, {1024 * 1024, nil, "1.0\u00a0MB"},
		{1024 * 1024 * 50, nil, "50.0\u00a0MB"}, {1024*1024*1024 - 1, nil, "1024.0\u00a0MB"}, {1024 * 1024 * 1024, nil, "1.0\u00a0GB"},
		{1 << 40, nil, "1.0\u00a0TB"}, {1 << 50, nil, "1.0\u00a0PB"}, {(1 << 50) * 2000, nil, "2000.0\u00a0PB"},
		{"", nil, "0\u00a0bytes"}, {"\u03b1", nil, "0\u00a0bytes"},
		{-1, nil, "-1\u00a0byte"}, {-100, nil, "-100\u00a0bytes"}, {-1024 * 1024 * 50, nil, "-50.0\u00a0MB"},
	})
}

func TestFuncFirstLast(t *testing.T) {
	checkFilter(t, "first", []fcase{{[]any{0, 1, 2}, nil, 0}, {"", nil, ""}, {"test", nil, "t"}})
	checkFilter(t, "last", []fcase{{[]any{0, 1, 2}, nil, 2}, {"", nil, ""}, {"test", nil, "t"}})
	if _, err := fcallErr("first", nil, nil, true); err == nil {
		t.Error("first of None: want an error, as Python's None[0]")
	}
}

func TestFuncFloatformat(t *testing.T) {
	checkFilter(t, "floatformat", []fcase{
		{7.7, nil, "7.7"}, {7.0, nil, "7"}, {0.7, nil, "0.7"}, {-0.7, nil, "-0.7"}, {0.07, nil, "0.1"},
		{-0.07, nil, "-0.1"}, {0.007, nil, "0.0"}, {0.0, nil, "0"}, {7.7, 0, "8"}, {7.7, 3, "7.700"},
		{6.0, 3, "6.000"}, {6.2, 3, "6.200"}, {6.2, -3, "6.200"}, {13.1031, -3, "13.103"}, {11.1197, -2, "11.12"},
		{11.0, -2, "11"}, {11.000001, -2, "11.00"}, {8.2798, 3, "8.280"}, {5555.555, 2, "5555.56"}, {1.3, 2, "1.30"},
		{0.12345, 2, "0.12"}, {13.1031, "bar", "13.1031"}, {18.125, 2, "18.13"},
		{-1.323297138040798e35, 2, "-132329713804079800000000000000000000.00"},
		{-1.323297138040798e35, -2, "-132329713804079800000000000000000000"},
		{1.5e-15, 20, "0.00000000000000150000"}, {1.5e-15, -20, "0.00000000000000150000"},
		{1.00000000000000015, 16, "1.0000000000000002"},
		{10000, "g", "10,000"}, {66666.666, "1g", "66,666.7"}, {10000, "g2", "10000"},
		{0, 6, "0.000000"}, {"0.00", 0, "0"}, {"0.0000", 2, "0.00"},
		{-0.01, -1, "0.0"}, {-0.001, 2, "0.00"}, {-0.499, 0, "0"},
	})
	for _, v := range []any{nil, []any{}, m{}, "abc123", "123abc", "foo", "1e", "1e+", "e400", "1e^2", "1e2e3", "1e.2", "1+e2", "1e2+"} {
		checkFilter(t, "floatformat", []fcase{{v, nil, ""}, {v, "bar", ""}})
	}
}

func TestFuncGetDigit(t *testing.T) {
	checkFilter(t, "get_digit", []fcase{{123, 1, 3}, {123, 2, 2}, {123, 3, 1}, {123, 4, 0}, {123, 0, 123}, {"xyz", 0, "xyz"}})
}

func TestFuncIriencode(t *testing.T) {
	checkFilter(t, "iriencode", []fcase{
		{"S\u00f8r-Tr\u00f8ndelag", nil, "S%C3%B8r-Tr%C3%B8ndelag"},
		{fcall(t, "urlencode", "fran\u00e7ois & jill", nil), nil, "fran%C3%A7ois%20%26%20jill"},
	})
}

func TestFuncJoin(t *testing.T) {
	checkFilter(t, "join", []fcase{
		{[]any{0, 1, 2}, "glue", "0glue1glue2"},
		{[]any{"<a>", "<img>", "</a>"}, "<br>", "&lt;a&gt;&lt;br&gt;&lt;img&gt;&lt;br&gt;&lt;/a&gt;"},
	})
	if got := fcallAuto(t, "join", []any{"<a>", "<img>", "</a>"}, "<br>", false); toStr(got) != "<a><br><img><br></a>" {
		t.Errorf("join autoescape off: %q", got)
	}
	obj := &person{}
	if got := fcall(t, "join", obj, "<br>"); got != obj {
		t.Errorf("join of a non-iterable: %#v", got)
	}
	if got := fcallAuto(t, "join", obj, "<br>", false); got != obj {
		t.Errorf("join of a non-iterable, autoescape off: %#v", got)
	}
}

func TestFuncJSONScript(t *testing.T) {
	checkFilter(t, "json_script", []fcase{
		{"&<>", "test_id", `<script id="test_id" type="application/json">"\u0026\u003C\u003E"</script>`},
		{m{"a": "<script>test&ing</script>"}, "test_id", `<script id="test_id" type="application/json">{"a": "\u003Cscript\u003Etest\u0026ing\u003C/script\u003E"}</script>`},
		{m{"key": "value"}, nil, `<script type="application/json">{"key": "value"}</script>`},
		{NewOrderedMap("b", 1.0, "a", []any{nil, true, "é\U0001F600\x01"}), nil,
			`<script type="application/json">{"b": 1.0, "a": [null, true, "\u00e9\ud83d\ude00\u0001"]}</script>`},
		{struct {
			Name string `json:"name"`
			N    float64
		}{"x", 2.5}, nil, `<script type="application/json">{"name": "x", "N": 2.5}</script>`},
		{time.Date(2020, 1, 2, 3, 4, 5, 6007000, time.UTC), nil, `<script type="application/json">"2020-01-02T03:04:05.006Z"</script>`},
		{90*time.Minute + 1500*time.Microsecond, nil, `<script type="application/json">"P0DT01H30M00.001500S"</script>`},
	})
}

func TestFuncLength(t *testing.T) {
	checkFilter(t, "length", []fcase{{"1234", nil, 4}, {MarkSafe("1234"), nil, 4}, {[]int{1, 2, 3, 4}, nil, 4}, {"\u00e9t\u00e9", nil, 3}})
}

func TestFuncLinebreaks(t *testing.T) {
	checkFilter(t, "linebreaks", []fcase{
		{"line 1", nil, "<p>line 1</p>"},
		{"line 1\nline 2", nil, "<p>line 1<br>line 2</p>"},
		{"line 1\rline 2", nil, "<p>line 1<br>line 2</p>"},
		{"line 1\r\nline 2", nil, "<p>line 1<br>line 2</p>"},
		{123, nil, "<p>123</p>"},
		{"foo\n<a>bar</a>\nbuz", nil, "<p>foo<br>&lt;a&gt;bar&lt;/a&gt;<br>buz</p>"},
		{"Header\n\nline 1\r\nline2", nil, "<p>Header</p>\n\n<p>line 1<br>line2</p>"},
		{"para1\n\npara2\r\rpara3", nil, "<p>para1</p>\n\n<p>para2</p>\n\n<p>para3</p>"},
		{"para1\nsub1\rsub2\n\npara2", nil, "<p>para1<br>sub1<br>sub2</p>\n\n<p>para2</p>"},
		{"para1\r\n\r\npara2\rsub1\r\rpara4", nil, "<p>para1</p>\n\n<p>para2<br>sub1</p>\n\n<p>para4</p>"},
		{"para1\tmore\n\npara2", nil, "<p>para1\tmore</p>\n\n<p>para2</p>"},
	})
	if got := fcallAuto(t, "linebreaks", "foo\n<a>bar</a>\nbuz", nil, false); toStr(got) != "<p>foo<br><a>bar</a><br>buz</p>" {
		t.Errorf("linebreaks autoescape off: %q", got)
	}
	checkFilter(t, "linebreaksbr", []fcase{
		{"line 1\nline 2", nil, "line 1<br>line 2"},
		{"line 1\rline 2", nil, "line 1<br>line 2"},
		{"line 1\r\nline 2", nil, "line 1<br>line 2"},
		{123, nil, "123"},
		{"foo\n<a>bar</a>\nbuz", nil, "foo<br>&lt;a&gt;bar&lt;/a&gt;<br>buz"},
	})
	if got := fcallAuto(t, "linebreaksbr", "foo\n<a>bar</a>\nbuz", nil, false); toStr(got) != "foo<br><a>bar</a><br>buz" {
		t.Errorf("linebreaksbr autoescape off: %q", got)
	}
}

func TestFuncLinenumbers(t *testing.T) {
	checkFilter(t, "linenumbers", []fcase{
		{"line 1\nline 2", nil, "1. line 1\n2. line 2"},
		{strings.Repeat("x\n", 9) + "x", nil, "01. x\n02. x\n03. x\n04. x\n05. x\n06. x\n07. x\n08. x\n09. x\n10. x"},
		{123, nil, "1. 123"},
		{"foo\n<a>bar</a>\nbuz", nil, "1. foo\n2. &lt;a&gt;bar&lt;/a&gt;\n3. buz"},
	})
	if got := fcallAuto(t, "linenumbers", "foo\n<a>bar</a>\nbuz", nil, false); toStr(got) != "1. foo\n2. <a>bar</a>\n3. buz" {
		t.Errorf("linenumbers autoescape off: %q", got)
	}
}

func TestFuncLowerUpper(t *testing.T) {
	checkFilter(t, "lower", []fcase{{"TEST", nil, "test"}, {"\u00cb", nil, "\u00eb"}, {123, nil, "123"}})
	checkFilter(t, "upper", []fcase{{"Mixed case input", nil, "MIXED CASE INPUT"}, {"\u00eb", nil, "\u00cb"}, {123, nil, "123"}, {"stra\u00dfe", nil, "STRASSE"}})
}

func TestFuncMakeList(t *testing.T) {
	checkFilter(t, "make_list", []fcase{{"abc", nil, []any{"a", "b", "c"}}, {1234, nil, []any{"1", "2", "3", "4"}}})
}

func TestFuncPhone2numeric(t *testing.T) {
	checkFilter(t, "phone2numeric", []fcase{{"0800 flowers", nil, "0800 3569377"}})
}

func TestFuncPluralize(t *testing.T) {
	checkFilter(t, "pluralize", []fcase{
		{1, nil, ""}, {0, nil, "s"}, {2, nil, "s"},
		{0.5, nil, "s"}, {1.5, nil, "s"}, {1.0, nil, ""},
		{[]any{1}, nil, ""}, {[]any{}, nil, "s"}, {[]any{1, 2, 3}, nil, "s"},
		{1, "es", ""}, {0, "es", "es"}, {2, "es", "es"},
		{1, "y,ies", "y"}, {0, "y,ies", "ies"}, {2, "y,ies", "ies"}, {0, "y,ies,error", ""},
		{&person{}, "y,es", ""}, {&person{}, "es", ""},
		{"", "y,es", ""}, {"", "es", ""},
	})
}

func TestFuncSlice(t *testing.T) {
	obj := &person{}
	checkFilter(t, "slice", []fcase{
		{"abcdefg", "0", ""}, {"abcdefg", "1", "a"}, {"abcdefg", 1, "a"}, {"abcdefg", "-1", "abcdef"},
		{"abcdefg", "1:2", "b"}, {"abcdefg", "1:3", "bc"}, {"abcdefg", "0::2", "aceg"},
		{"abcdefg", "::-2", "geca"}, {"abcdefg", "5:1:-1", "fedc"}, {"abcdefg", "-3:", "efg"},
		{obj, "0::2", obj}, {m{}, "1", m{}}, {"abc", "::0", "abc"}, {"abc", "a:b", "abc"}, {"abc", "1:2:3:4", "abc"},
		{[]int{1, 2, 3}, "1:", []any{2, 3}},
	})
}

func TestFuncSlugify(t *testing.T) {
	checkFilter(t, "slugify", []fcase{
		{" Jack & Jill like numbers 1,2,3 and 4 and silly characters ?%.$!/", nil, "jack-jill-like-numbers-123-and-4-and-silly-characters"},
		{"Un \u00e9l\u00e9phant \u00e0 l'or\u00e9e du bois", nil, "un-elephant-a-loree-du-bois"},
		{123, nil, "123"},
		{"\ufb01ne \u00bd \u2163 \u00c6ther \u0141\u00f3d\u017a", nil, "fine-12-iv-ther-odz"},
		{"__a--b__", nil, "a-b"},
	})
}

func TestFuncStringformat(t *testing.T) {
	checkFilter(t, "stringformat", []fcase{
		{1, "03d", "001"}, {[]any{1, nil}, "s", "[1, None]"}, {map[int]int{1: 2, 2: 3}, "s", "{1: 2, 2: 3}"},
		{1, "z", ""}, {&person{}, "d", ""}, {nil, "d", ""},
	})
}

func TestFuncStriptags(t *testing.T) {
	checkFilter(t, "striptags", []fcase{
		{`some <b>html</b> with <script>alert("You smell")</script> disallowed <img /> tags`, nil, `some html with alert("You smell") disallowed  tags`},
		{123, nil, "123"},
	})
}

func TestFuncTime(t *testing.T) {
	checkFilter(t, "time", []fcase{
		{"", nil, ""}, {nil, nil, ""},
		{time.Date(2000, 1, 1, 13, 0, 0, 0, time.UTC), "h", "01"},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "h", "12"},
	})
}

func TestFuncTimesinceTimeuntil(t *testing.T) {
	now := time.Now()
	checkFilter(t, "timesince", []fcase{
		{now.Add(-24 * time.Hour), nil, "1\u00a0day"},
		{nil, nil, ""},
		{time.Date(2005, 12, 29, 0, 0, 0, 0, time.UTC), time.Date(2005, 12, 30, 0, 0, 0, 0, time.UTC), "1\u00a0day"},
	})
	checkFilter(t, "timeuntil", []fcase{
		{now.Add(24*time.Hour + time.Second), nil, "1\u00a0day"},
		{nil, nil, ""},
		{time.Date(2005, 12, 30, 0, 0, 0, 0, time.UTC), time.Date(2005, 12, 29, 0, 0, 0, 0, time.UTC), "1\u00a0day"},
	})
}

func TestFuncTitle(t *testing.T) {
	checkFilter(t, "title", []fcase{
		{"a nice title, isn't it?", nil, "A Nice Title, Isn't It?"},
		{"discoth\u00e8que", nil, "Discoth\u00e8que"},
		{123, nil, "123"},
	})
}

func TestFuncTruncate(t *testing.T) {
	checkFilter(t, "truncatechars", []fcase{
		{"Testing, testing", 3, "Te…"}, {"Testing", 7, "Testing"}, {"Testing, testing", "e", "Testing, testing"},
		{"abc", 0, ""}, {"abc", 1, "…"}, {"e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"},
	})
	checkFilter(t, "truncatewords", []fcase{
		{"A sentence with a few words in it", 1, "A …"},
		{"A sentence with a few words in it", 5, "A sentence with a few …"},
		{"A sentence with a few words in it", 100, "A sentence with a few words in it"},
		{"A sentence with a few words in it", "not a number", "A sentence with a few words in it"},
		{123, 2, "123"},
	})
	html := `<p>one <a href="#">two - three <br>four</a> five</p>`
	checkFilter(t, "truncatechars_html", []fcase{
		{html, 0, ""},
		{html, 4, "<p>one…</p>"},
		{html, 9, `<p>one <a href="#">two …</a></p>`},
		{html, 100, html},
		{"<b>\u00c5ngstr\u00f6m</b> was here", 3, "<b>\u00c5n…</b>"},
		{"a<b>b</b>c", 3, "a<b>b</b>c"},
		{html, "a", html},
		// References count as the one character they stand for (Django 5.1+
		// decodes them, then escapes the text again).
		{`<p>one &lt; <a href="#">two - three <br>four</a> five</p>`, 7, `<p>one &lt; <a href="#">…</a></p>`},
		{`<p>one &#60; <a href="#">two - three <br>four</a> five</p>`, 6, "<p>one &lt;…</p>"},
	})
	checkFilter(t, "truncatewords_html", []fcase{
		{html, 0, ""},
		{html, 2, `<p>one <a href="#">two …</a></p>`},
		{html, 4, `<p>one <a href="#">two - three <br> …</a></p>`},
		{html, 5, `<p>one <a href="#">two - three <br>four</a> …</p>`},
		{html, 100, html},
		{"\u00c5ngstr\u00f6m was here", 1, "\u00c5ngstr\u00f6m …"},
		{"<i>Buenos d&iacute;as! &#x00bf;C&oacute;mo est&aacute;?</i>", 3, "<i>Buenos días! ¿Cómo …</i>"},
		{"<p>string</p>", "a", "<p>string</p>"},
	})
}

func TestFuncUnorderedList(t *testing.T) {
	checkFilter(t, "unordered_list", []fcase{
		{[]any{"item 1", "item 2"}, nil, "\t<li>item 1</li>\n\t<li>item 2</li>"},
		{[]any{"item 1", []any{"item 1.1"}}, nil, "\t<li>item 1\n\t<ul>\n\t\t<li>item 1.1</li>\n\t</ul>\n\t</li>"},
		{[]any{"item 1", []any{"item 1.1", "item1.2"}, "item 2"}, nil,
			"\t<li>item 1\n\t<ul>\n\t\t<li>item 1.1</li>\n\t\t<li>item1.2</li>\n\t</ul>\n\t</li>\n\t<li>item 2</li>"},
		{[]any{"item 1", "item 2", []any{"item 2.1"}}, nil,
			"\t<li>item 1</li>\n\t<li>item 2\n\t<ul>\n\t\t<li>item 2.1</li>\n\t</ul>\n\t</li>"},
		{[]any{"item 1", []any{"item 1.1", []any{"item 1.1.1", []any{"item 1.1.1.1"}}}}, nil,
			"\t<li>item 1\n\t<ul>\n\t\t<li>item 1.1\n\t\t<ul>\n\t\t\t<li>item 1.1.1\n\t\t\t<ul>\n\t\t\t\t<li>item 1.1.1.1</li>\n\t\t\t</ul>\n\t\t\t</li>\n\t\t</ul>\n\t\t</li>\n\t</ul>\n\t</li>"},
		{[]any{"States", []any{"Kansas", []any{"Lawrence", "Topeka"}, "Illinois"}}, nil,
			"\t<li>States\n\t<ul>\n\t\t<li>Kansas\n\t\t<ul>\n\t\t\t<li>Lawrence</li>\n\t\t\t<li>Topeka</li>\n\t\t</ul>\n\t\t</li>\n\t\t<li>Illinois</li>\n\t</ul>\n\t</li>"},
		{[]any{"<a>item 1</a>", "item 2"}, nil, "\t<li>&lt;a&gt;item 1&lt;/a&gt;</li>\n\t<li>item 2</li>"},
		{[]any{ulItem("a"), ulItem("b"), ulItem("<a>c</a>")}, nil,
			"\t<li>ulitem-a</li>\n\t<li>ulitem-b</li>\n\t<li>ulitem-&lt;a&gt;c&lt;/a&gt;</li>"},
	})
	if got := fcallAuto(t, "unordered_list", []any{"<a>item 1</a>", "item 2"}, nil, false); toStr(got) != "\t<li><a>item 1</a></li>\n\t<li>item 2</li>" {
		t.Errorf("unordered_list autoescape off: %q", got)
	}
	if got := fcallAuto(t, "unordered_list", []any{ulItem("a"), ulItem("b"), ulItem("<a>c</a>")}, nil, false); toStr(got) != "\t<li>ulitem-a</li>\n\t<li>ulitem-b</li>\n\t<li>ulitem-<a>c</a></li>" {
		t.Errorf("unordered_list of objects, autoescape off: %q", got)
	}
	// Nested iterators stand for Python's generators.
	var inner iter.Seq[string] = func(yield func(string) bool) { _ = yield("B") && yield("C") }
	gen := []any{"A", inner, "D"}
	if got := fcall(t, "unordered_list", gen, nil); toStr(got) != "\t<li>A\n\t<ul>\n\t\t<li>B</li>\n\t\t<li>C</li>\n\t</ul>\n\t</li>\n\t<li>D</li>" {
		t.Errorf("unordered_list of generators: %q", got)
	}
}

// ulItem is Django's ULItem test class.
type ulItem string

func (u ulItem) String() string { return "ulitem-" + string(u) }

func TestFuncURLEncode(t *testing.T) {
	checkFilter(t, "urlencode", []fcase{
		{"fran\u00e7ois & jill", nil, "fran%C3%A7ois%20%26%20jill"},
		{1, nil, "1"},
		{"escape/slash", "", "escape%2Fslash"},
	})
}

func TestFuncUrlize(t *testing.T) {
	ln := func(href, text string) string { return `<a href="` + href + `" rel="nofollow">` + text + `</a>` }
	checkFilter(t, "urlize", []fcase{
		{"http://google.com", nil, ln("http://google.com", "http://google.com")},
		{"http://google.com/", nil, ln("http://google.com/", "http://google.com/")},
		{"www.google.com", nil, ln("http://www.google.com", "www.google.com")},
		{"djangoproject.org", nil, ln("http://djangoproject.org", "djangoproject.org")},
		{"djangoproject.org/", nil, ln("http://djangoproject.org/", "djangoproject.org/")},
		// URL split characters.
		{`www.server.com"abc`, nil, ln("http://www.server.com", "www.server.com") + "&quot;abc"},
		{"www.server.com'abc", nil, ln("http://www.server.com", "www.server.com") + "&#x27;abc"},
		{"www.server.com<abc", nil, ln("http://www.server.com", "www.server.com") + "&lt;abc"},
		{"www.server.com>abc", nil, ln("http://www.server.com", "www.server.com") + "&gt;abc"},
		{"info@djangoproject.org", nil, `<a href="mailto:info@djangoproject.org">info@djangoproject.org</a>`},
		{"some.organization", nil, "some.organization"},
		{"https://google.com", nil, ln("https://google.com", "https://google.com")},
		// Quoting.
		{"http://hi.baidu.com/%E9%87%8D%E6%96%B0%E5%BC%80%E5%A7%8B", nil,
			ln("http://hi.baidu.com/%E9%87%8D%E6%96%B0%E5%BC%80%E5%A7%8B", "http://hi.baidu.com/%E9%87%8D%E6%96%B0%E5%BC%80%E5%A7%8B")},
		{"www.mystore.com/30%OffCoupons!", nil, ln("http://www.mystore.com/30%25OffCoupons", "www.mystore.com/30%OffCoupons") + "!"},
		{"https://en.wikipedia.org/wiki/Caf%C3%A9", nil, ln("https://en.wikipedia.org/wiki/Caf%C3%A9", "https://en.wikipedia.org/wiki/Caf%C3%A9")},
		{"https://en.wikipedia.org/wiki/Café", nil, ln("https://en.wikipedia.org/wiki/Caf%C3%A9", "https://en.wikipedia.org/wiki/Café")},
		// Balanced parentheses.
		{"https://en.wikipedia.org/wiki/Django_(web_framework)", nil,
			ln("https://en.wikipedia.org/wiki/Django_(web_framework)", "https://en.wikipedia.org/wiki/Django_(web_framework)")},
		{"(see https://en.wikipedia.org/wiki/Django_(web_framework))", nil,
			"(see " + ln("https://en.wikipedia.org/wiki/Django_(web_framework)", "https://en.wikipedia.org/wiki/Django_(web_framework)") + ")"},
		{"foo@bar.com or www.bar.com", nil, `<a href="mailto:foo@bar.com">foo@bar.com</a> or ` + ln("http://www.bar.com", "www.bar.com")},
		// Internationalized domain names are percent-encoded (Django 6
		// leaves IDNA to the browser).
		{"http://\u00e7a.ws", nil, ln("http://%C3%A7a.ws", "http://\u00e7a.ws")},
		{"www.\u00e7a.ws", nil, ln("http://www.%C3%A7a.ws", "www.\u00e7a.ws")},
		{"\u00e7a.org", nil, ln("http://%C3%A7a.org", "\u00e7a.org")},
		{"info@\u00e7a.org", nil, `<a href="mailto:info@%C3%A7a.org">info@` + "\u00e7a.org</a>"},
		// Malformed URLs.
		{"http:///www.google.com", nil, "http:///www.google.com"},
		{"http://.google.com", nil, "http://.google.com"},
		{"http://@foo.com", nil, "http://@foo.com"},
		{"usa.gov", nil, ln("http://usa.gov", "usa.gov")},
		{"email@.stream.ru", nil, "email@.stream.ru"},
		{"HTTPS://github.com/", nil, ln("https://github.com/", "HTTPS://github.com/")},
		// Punctuation.
		{"(Go to http://www.example.com/foo.)", nil, "(Go to " + ln("http://www.example.com/foo", "http://www.example.com/foo") + ".)"},
		{"A test http://testing.com/example..", nil, "A test " + ln("http://testing.com/example", "http://testing.com/example") + ".."},
		{"A test http://testing.com/example!!", nil, "A test " + ln("http://testing.com/example", "http://testing.com/example") + "!!"},
		{"A test http://testing.com/example!!!", nil, "A test " + ln("http://testing.com/example", "http://testing.com/example") + "!!!"},
		{`A test http://testing.com/example.,:;)"!`, nil, "A test " + ln("http://testing.com/example", "http://testing.com/example") + ".,:;)&quot;!"},
		// Brackets.
		{"[see www.example.com]", nil, "[see " + ln("http://www.example.com", "www.example.com") + "]"},
		// Django 6 validates the host name: "[" makes it invalid.
		{"see test[at[example.com", nil, "see test[at[example.com"},
		{"[http://168.192.0.1](http://168.192.0.1)", nil, "[" + ln("http://168.192.0.1](http://168.192.0.1)", "http://168.192.0.1](http://168.192.0.1)")},
		{"http://192.168.0.15/api/9", nil, ln("http://192.168.0.15/api/9", "http://192.168.0.15/api/9")},
		{"http://[2001:db8:cafe::2]/api/9", nil, ln("http://[2001:db8:cafe::2]/api/9", "http://[2001:db8:cafe::2]/api/9")},
		// Exclamation marks.
		{"Go to djangoproject.com! and enjoy.", nil, "Go to " + ln("http://djangoproject.com", "djangoproject.com") + "! and enjoy."},
		{"Search for google.com/?q=! and see.", nil, "Search for " + ln("http://google.com/?q=", "google.com/?q=") + "! and see."},
		{"Search for google.com/?q=dj!`? and see.", nil, "Search for " + ln("http://google.com/?q=dj%21%60%3F", "google.com/?q=dj!`?") + " and see."},
		{"Search for google.com/?q=dj!`?! and see.", nil, "Search for " + ln("http://google.com/?q=dj%21%60%3F", "google.com/?q=dj!`?") + "! and see."},
		{123, nil, "123"},
		{`foo<a href=" google.com ">bar</a>buz`, nil, `foo&lt;a href=&quot; ` + ln("http://google.com", "google.com") + ` &quot;&gt;bar&lt;/a&gt;buz`},
	})
	off := func(in, want string) {
		t.Helper()
		if got := toStr(fcallAuto(t, "urlize", in, nil, false)); got != want {
			t.Errorf("urlize(%q, autoescape=False):\n got %q\nwant %q", in, got, want)
		}
	}
	off(`foo<a href=" google.com ">bar</a>buz`, `foo<a href=" `+ln("http://google.com", "google.com")+` ">bar</a>buz`)
	off("http://example.com?x=&amp;", ln("http://example.com?x=", "http://example.com?x=&amp;"))
	off("http://example.com?x=&amp;;", ln("http://example.com?x=", "http://example.com?x=&amp;")+";")
	off("http://example.com?x=&amp;;;", ln("http://example.com?x=", "http://example.com?x=&amp;")+";;")
	for _, q := range []string{`"`, "'"} {
		mail := `<a href="mailto:hi@example.com">hi@example.com</a>`
		off("before "+q+"hi@example.com"+q+" afterward", "before "+q+mail+q+" afterward")
		off("before hi@example.com"+q+" afterward", "before "+mail+q+" afterward")
		off("before "+q+"hi@example.com afterward", "before "+q+mail+" afterward")
	}
	off(`Email us at "hi@example.com", or phone us at +xx.yy`, `Email us at "<a href="mailto:hi@example.com">hi@example.com</a>", or phone us at +xx.yy`)
	for _, w := range [][3]string{{"()", "(", ")"}, {"<>", "&lt;", "&gt;"}, {"[]", "[", "]"}, {`""`, "&quot;", "&quot;"}, {"''", "&#x27;", "&#x27;"}} {
		in := w[0][:1] + "https://www.example.org/" + w[0][1:]
		checkFilter(t, "urlize", []fcase{{in, nil, w[1] + ln("https://www.example.org/", "https://www.example.org/") + w[2]}})
	}
}

func TestFuncUrlizetrunc(t *testing.T) {
	uri := "http://31characteruri.com/test/"
	ln := func(href, text string) string { return `<a href="` + href + `" rel="nofollow">` + text + `</a>` }
	checkFilter(t, "urlizetrunc", []fcase{
		{uri, 31, ln(uri, uri)},
		{uri, 30, ln(uri, "http://31characteruri.com/tes…")},
		{uri, 1, ln(uri, "…")},
		{uri, -5, ln(uri, "…")},
		{"http://short.com/", 20, ln("http://short.com/", "http://short.com/")},
		{"http://www.google.co.uk/search?hl=en&q=some+long+url&btnG=Search&meta=", 20,
			ln("http://www.google.co.uk/search?hl=en&amp;q=some+long+url&amp;btnG=Search&amp;meta=", "http://www.google.c…")},
		{123, 1, "123"},
		{`foo<a href=" google.com ">bar</a>buz`, 10, `foo&lt;a href=&quot; ` + ln("http://google.com", "google.com") + ` &quot;&gt;bar&lt;/a&gt;buz`},
	})
	if got := toStr(fcallAuto(t, "urlizetrunc", `foo<a href=" google.com ">bar</a>buz`, 9, false)); got != `foo<a href=" `+ln("http://google.com", "google.c…")+` ">bar</a>buz` {
		t.Errorf("urlizetrunc autoescape off: %q", got)
	}
}

func TestFuncWordcountWordwrap(t *testing.T) {
	checkFilter(t, "wordcount", []fcase{{"", nil, 0}, {"oneword", nil, 1}, {"lots of words", nil, 3}, {123, nil, 1}})
	checkFilter(t, "wordwrap", []fcase{
		{"this is a long paragraph of text that really needs to be wrapped I'm afraid", 14,
			"this is a long\nparagraph of\ntext that\nreally needs\nto be wrapped\nI'm afraid"},
		{"this is a short paragraph of text.\n  But this line should be indented", 14,
			"this is a\nshort\nparagraph of\ntext.\n  But this\nline should be\nindented"},
		{"this is a short paragraph of text.\n  But this line should be indented", 15,
			"this is a short\nparagraph of\ntext.\n  But this line\nshould be\nindented"},
		{123, 2, "123"},
		{"a\n\nb\n", 5, "a\n\nb\n"},
	})
	if _, err := fcallErr("wordwrap", "x", 0, true); err == nil {
		t.Error("wordwrap:0: want an error")
	}
}

func TestFuncYesno(t *testing.T) {
	checkFilter(t, "yesno", []fcase{
		{true, nil, "yes"}, {false, nil, "no"}, {nil, nil, "maybe"},
		{true, "certainly,get out of town,perhaps", "certainly"},
		{false, "certainly,get out of town,perhaps", "get out of town"},
		{nil, "certainly,get out of town", "get out of town"},
		{nil, "certainly,get out of town,perhaps", "perhaps"},
		{true, "yes", true}, {false, "yes", false},
	})
	if got := fcall(t, "yesno", nil, "yes"); got != nil {
		t.Errorf("yesno(None, 'yes') = %#v, want None", got)
	}
}
