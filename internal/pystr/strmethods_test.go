package pystr

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// pyr is repr() of a Method result.
func pyr(v any) string {
	switch x := v.(type) {
	case string:
		return Repr(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case []string:
		p := make([]string, len(x))
		for i, s := range x {
			p[i] = Repr(s)
		}
		return "[" + strings.Join(p, ", ") + "]"
	}
	return "?"
}

// TestMethodAgainstPython compares Method with Python 3.12's str methods:
// testdata/strmethods.txt is the output of the loop below run in Python
// ("repr(s) name repr(s.name())"; generated with Python 3.11, whose str
// methods are 3.12's on these characters), less the final-sigma cases, which Go's
// case mapping does not have.
func TestMethodAgainstPython(t *testing.T) {
	tests := []string{"hello wORLD", "straße ﬁ", "ǆemal", "İstanbul", "Hello World", "HELLO", "hello", "123", "½", "²3", "", "  a b \t", "a\nb\r\nc", "ſ", "ΣΑΣ", "_x1", "1x", "ab c", "Ⅻ", "a\u200b"}
	ms := strings.Fields("upper lower title capitalize swapcase casefold strip split splitlines isdigit isdecimal isnumeric isalpha isalnum isspace isascii isprintable isupper islower istitle isidentifier")
	var b strings.Builder
	for _, s := range tests {
		for _, m := range ms {
			v, _ := Method(s, m)
			fmt.Fprintf(&b, "%s %s %s\n", Repr(s), m, pyr(v))
		}
	}
	want, err := os.ReadFile("testdata/strmethods.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range strings.Split(b.String(), "\n") {
		got[l] = true
	}
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if !got[l] {
			t.Errorf("Python: %s", l)
		}
	}
}
