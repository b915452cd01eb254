// Package text is the part of Django's django.utils.text that the filters
// use: truncation by characters and words (Truncator) and word wrapping
// (wrap, with Python's textwrap rules). It does not import the engine.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/pystr"
)

// TruncateChars is Django's Truncator.chars with the default "…": combining
// characters do not count toward the length.
func TruncateChars(s string, length int) string {
	if length <= 0 {
		return ""
	}
	truncLen := length - 1 // the ellipsis takes one place
	count := 0
	end := -1
	for i, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		count++
		if end < 0 && count > truncLen {
			end = i
		}
		if count > length {
			if end < 0 {
				end = 0
			}
			return AddTruncation(s[:end], "…")
		}
	}
	return s
}

// AddTruncation is Django's add_truncation_text: the marker is appended
// unless the text already ends with it.
func AddTruncation(text, truncate string) string {
	if strings.HasSuffix(text, truncate) {
		return text
	}
	return text + truncate
}

// FirstWords joins the first n whitespace-separated words of s with single
// spaces (Python's " ".join(s.split()[:n])), reading no further than the
// start of word n+1; more reports whether there is one.
func FirstWords(s string, n int) (head string, more bool) {
	var buf [64]byte
	b, more := AppendFirstWords(buf[:0], s, n)
	return string(b), more
}

// AppendFirstWords is FirstWords appending the words to b.
func AppendFirstWords(b []byte, s string, n int) (_ []byte, more bool) {
	words := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if pystr.IsSpace(r) {
			i += size
			continue
		}
		if words == n {
			return b, true
		}
		j := i + size
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if pystr.IsSpace(r) {
				break
			}
			j += size
		}
		if words > 0 {
			b = append(b, ' ')
		}
		b = append(b, s[i:j]...)
		words++
		i = j
	}
	return b, false
}

// Wrap is django.utils.text.wrap: each line (Python's splitlines) is
// wrapped with textwrap.TextWrapper(width, break_long_words=False,
// break_on_hyphens=False, replace_whitespace=False), a line whose wrapping is
// empty is kept as it was, and a trailing newline is kept.
func Wrap(text string, width int) string { return WrapStop(text, width, nil) }

// WrapStop is Wrap that calls stop (when not nil) every 1024 words and
// gives up, returning what it has, when stop returns true: the caller
// looks at why.
func WrapStop(text string, width int, stop func() bool) string {
	var out []string
	for _, line := range pystr.Splitlines(text) {
		wrapped := textWrap(line, width, stop)
		if len(wrapped) == 0 {
			out = append(out, line)
		} else {
			out = append(out, wrapped...)
		}
	}
	if strings.HasSuffix(text, "\n") {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// textWrap is Python's TextWrapper.wrap for one line with the options
// Django's wrap uses: tabs expanded to 8 columns, chunks split on ASCII
// whitespace, whitespace dropped at line starts (except the first) and ends,
// and words longer than the width put on their own line. The chunks
// (alternating runs of word and whitespace characters) are read as the
// lines are made, not listed first.
func textWrap(line string, width int, stop func() bool) []string {
	line = pystr.ExpandTabs(line)
	isWS := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	pos := 0
	// peek returns the chunk at pos.
	peek := func() string {
		j := pos
		ws := isWS(line[pos])
		for j < len(line) && isWS(line[j]) == ws {
			j++
		}
		return line[pos:j]
	}
	blank := func(s string) bool { return pystr.Strip(s) == "" }
	var lines []string
	var cur []string
	for n := 0; pos < len(line); n++ {
		if stop != nil && n%1024 == 1023 && stop() {
			break
		}
		cur = cur[:0]
		curLen := 0
		if len(lines) > 0 {
			if c := peek(); blank(c) {
				pos += len(c)
			}
		}
		for pos < len(line) {
			c := peek()
			l := pystr.Len(c)
			if curLen+l > width {
				break
			}
			cur = append(cur, c)
			curLen += l
			pos += len(c)
		}
		if pos < len(line) && len(cur) == 0 {
			if c := peek(); pystr.Len(c) > width {
				cur = append(cur, c)
				pos += len(c)
			}
		}
		if len(cur) > 0 && blank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, ""))
		}
	}
	return lines
}
