package pystr

import (
	"strings"
	"unicode/utf8"
)

// TrimWhitespace is Django's translation.trim_whitespace: strip the ends,
// and turn each whitespace run that holds a newline into one space.
func TrimWhitespace(s string) string {
	s = strings.TrimFunc(s, IsSpace)
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !IsSpace(r) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		j := i
		newline := false
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !IsSpace(r) {
				break
			}
			if r == '\n' {
				newline = true
			}
			j += size
		}
		if newline {
			b.WriteByte(' ')
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}
