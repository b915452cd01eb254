package htmlutil

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"plain":               "plain",
		`<a href="x">'&'</a>`: "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;",
		"é<":                  "é&lt;",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if got := string(AppendEscape([]byte("x"), in)); got != "x"+want {
			t.Errorf("AppendEscape(%q) = %q", in, got)
		}
	}
}

// TestUnescape checks Python's html.unescape rules.
func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"&lt;b&gt;":   "<b>",
		"&amp;amp;":   "&amp;",
		"&#39;&#x27;": "''",
		"&#x80;":      "€", // Windows-1252 for 0x80–0x9F
		"&#xD800;":    "\uFFFD",
		"&copy2026":   "©2026", // a named reference without its semicolon
		"&nosuch;":    "&nosuch;",
	} {
		if got := Unescape(in); got != want {
			t.Errorf("Unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTruncate ports utils_tests.test_text's html truncation cases.
func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in    string
		n     int
		words bool
		want  string
	}{
		{"<p>one <b>two</b> three</p>", 2, true, "<p>one <b>two</b> …</p>"},
		{"<p>one <b>two</b> three</p>", 3, true, "<p>one <b>two</b> three</p>"},
		{"<p>Hello world</p>", 5, false, "<p>Hell…</p>"},
		{"<p>Hi<br>there</p>", 4, false, "<p>Hi<br>t…</p>"}, // the ellipsis counts,
		{"x", 0, false, ""},
	} {
		if got := Truncate(c.in, c.n, c.words); got != c.want {
			t.Errorf("Truncate(%q, %d, words=%v) = %q, want %q", c.in, c.n, c.words, got, c.want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("a b/ü?", "/"); got != "a%20b/%C3%BC%3F" {
		t.Errorf("Quote = %q", got)
	}
}

func TestLowerASCII(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"abc":            "abc",
		"</BODY>":        "</body>",
		"İZMİR</Body>":   "İzmİr</body>",
		"\u212aK ẞ Ⱥ<P>": "\u212ak ẞ Ⱥ<p>",
	} {
		got := LowerASCII(in)
		if got != want || len(got) != len(in) {
			t.Errorf("LowerASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEscapeEveryByte: the table escapes exactly Django's five characters.
func TestEscapeEveryByte(t *testing.T) {
	want := map[byte]string{'<': "&lt;", '>': "&gt;", '&': "&amp;", '"': "&quot;", '\'': "&#x27;"}
	for c := 0; c < 256; c++ {
		s := string([]byte{'a', byte(c), 'b'})
		w, ok := want[byte(c)]
		if !ok {
			w = string([]byte{byte(c)})
		}
		if got := string(AppendEscape(nil, s)); got != "a"+w+"b" {
			t.Errorf("byte %#x: %q", c, got)
		}
		if got := Escape(s); got != "a"+w+"b" {
			t.Errorf("Escape byte %#x: %q", c, got)
		}
	}
}

// TestEscapeWords: the word-at-a-time scan finds every special character
// at every position of a word, in text of every length up to three words,
// as the byte-at-a-time definition does.
func TestEscapeWords(t *testing.T) {
	ref := func(s string) string {
		var out []byte
		for i := 0; i < len(s); i++ {
			if k := escapeOf[s[i]]; k != 0 {
				out = append(out, escapes[k]...)
			} else {
				out = append(out, s[i])
			}
		}
		return string(out)
	}
	for n := 0; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("x", n))
				b[pos] = byte(c)
				if pos+1 < n {
					b[pos+1] = byte(255 - c) // neighbours that borrow
				}
				s := string(b)
				if got, want := string(AppendEscape(nil, s)), ref(s); got != want {
					t.Fatalf("%q: %q, want %q", s, got, want)
				}
			}
		}
	}
}
