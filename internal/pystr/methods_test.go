package pystr

import (
	"reflect"
	"testing"
)

func TestMethods(t *testing.T) {
	for _, c := range [][2]string{
		{Upper("straße ﬁ"), "STRASSE FI"},
		{Lower("ÀB"), "àb"},
		{Title("hello wORLD ﬁsh"), "Hello World Fish"},
		{Center("ab", 6), "  ab  "},
		{Center("abc", 6), " abc  "},
		{FormatCenter("even", 7), " even  "},
		{FormatCenter("odd", 6), " odd  "},
		{Center("even", 7), "  even "},
		{Ljust("a", 3), "a  "},
		{Rjust("a", 3), "  a"},
		{ExpandTabs("a\tb"), "a       b"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
	if got := Splitlines("a\nb\r\nc\x1cd\u2028"); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("Splitlines = %q", got)
	}
}

func TestTrimWhitespace(t *testing.T) {
	for in, want := range map[string]string{
		"  a  b \n  c\t\n\u00a0d  ": "a  b c d",
		"x\u2028y":                  "x\u2028y",
		"\n\n":                      "",
	} {
		if got := TrimWhitespace(in); got != want {
			t.Errorf("TrimWhitespace(%q) = %q, want %q", in, got, want)
		}
	}
}
