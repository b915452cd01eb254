package htmlutil

import (
	"strings"
	"testing"
)

// TestStripTags ports utils_tests.test_html.TestUtilsHtml.test_strip_tags.
func TestStripTags(t *testing.T) {
	for _, c := range [][2]string{
		{"<p>See: &#39;&eacute; is an apostrophe followed by e acute</p>", "See: &#39;&eacute; is an apostrophe followed by e acute"},
		{"<p>See: &#x27;&eacute; is an apostrophe followed by e acute</p>", "See: &#x27;&eacute; is an apostrophe followed by e acute"},
		{"<adf>a", "a"},
		{"</adf>a", "a"},
		{"<asdf><asdf>e", "e"},
		{"hi, <f x", "hi, <f x"},
		{"234<235, right?", "234<235, right?"},
		{"a4<a5 right?", "a4<a5 right?"},
		{"b7>b2!", "b7>b2!"},
		{"</fe", "</fe"},
		{"<x>b<y>", "b"},
		{"a<p onclick=\"alert('<test>')\">b</p>c", "abc"},
		{"a<p a >b</p>c", "abc"},
		{"d<a:b c:d>e</p>f", "def"},
		{`<strong>foo</strong><a href="http://example.com">bar</a>`, "foobar"},
		{"&gotcha&#;<>", "&gotcha&#;<>"},
		{"<sc<!-- -->ript>test<<!-- -->/script>", "ript>test"},
		{"<script>alert()</script>&h", "alert()h"},
		{"><!" + strings.Repeat("&", 16000) + "D", "><!" + strings.Repeat("&", 16000) + "D"},
		{"X<<<<br>br>br>br>X", "XX"},
	} {
		got, err := StripTags(c[0])
		if err != nil || got != c[1] {
			t.Errorf("strip_tags(%.60q) = %.60q, %v; want %.60q", c[0], got, err, c[1])
		}
	}
	if _, err := StripTags("<" + strings.Repeat("<a", 60) + strings.Repeat("x", 1000)); err == nil {
		t.Error("strip_tags of a deeply nested open tag: want SuspiciousOperation")
	}
}

// TestUrlize ports utils_tests.test_html's urlize cases.
func TestUrlize(t *testing.T) {
	// utils_tests.test_html: urlize without nofollow and the inputs that
	// must come back unchanged (some of them catastrophic for regexes).
	if got := Urlize("Search for google.com/?q=1&lt! and see.", false, NoTrimLimit, false, false); got != `Search for <a href="http://google.com/?q=1%3C">google.com/?q=1&lt</a>! and see.` {
		t.Errorf("urlize entity: %q", got)
	}
	for _, in := range []string{
		"a" + strings.Repeat("@a", 50000) + "a",
		"a" + strings.Repeat(".", 1000000) + "a",
		"foo@", "@foo.com", "foo@.example.com", "foo@localhost", "foo@localhost.",
		strings.Repeat("(", 100000) + ":" + strings.Repeat(")", 100000),
		strings.Repeat("(", 100000) + "&:" + strings.Repeat(")", 100000),
		strings.Repeat("([", 100000) + ":" + strings.Repeat("])", 100000),
		strings.Repeat("[(", 100000) + ":" + strings.Repeat(")]", 100000),
		strings.Repeat("([[", 100000) + ":" + strings.Repeat("]])", 100000),
		"&:" + strings.Repeat(";", 100000),
	} {
		if got := Urlize(in, false, NoTrimLimit, false, false); got != in {
			t.Errorf("Urlize(%.40q...) changed the input: %.80q", in, got)
		}
	}
}
