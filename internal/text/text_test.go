package text

import (
	"strings"
	"testing"

	"github.com/runnelhq/runnel/internal/pystr"
)

func TestFirstWordsMatchesSplit(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a  b\tc\nd ", "héllo wörld  x", "\u00a0a\u2003b", "one two three four"} {
		for n := 1; n < 6; n++ {
			w := pystr.Split(s)
			want, wantMore := strings.Join(w, " "), false
			if len(w) > n {
				want, wantMore = strings.Join(w[:n], " "), true
			}
			got, more := FirstWords(s, n)
			if got != want || more != wantMore {
				t.Errorf("FirstWords(%q, %d) = %q, %v; want %q, %v", s, n, got, more, want, wantMore)
			}
		}
	}
}

func TestTruncateChars(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"The quick brown fox", 10, "The quick…"}, {"short", 10, "short"}, {"héllo", 3, "hé…"}, {"abc", 0, ""}} {
		if got := TruncateChars(c.in, c.n); got != c.want {
			t.Errorf("TruncateChars(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	if got := Wrap("this is a long paragraph of text that really needs to be wrapped I'm afraid", 14); got != "this is a long\nparagraph of\ntext that\nreally needs\nto be wrapped\nI'm afraid" {
		t.Errorf("Wrap = %q", got)
	}
}
