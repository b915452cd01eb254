// Package pystr holds the bits of Python's semantics that Django's filters
// rely on: str.isspace, strip() and split() without arguments, len() in code
// points, repr() of a str, int() of a str, and Python's exception kinds, so
// that a filter can swallow the one Django swallows. It works on plain Go
// strings and does not import the engine.
package pystr

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsSpace reports whether r is whitespace for Python's str methods
// (str.split(), str.strip(), the \s of re), which count the ASCII
// information separators U+001C..U+001F as well as Unicode spaces.
func IsSpace(r rune) bool {
	if r < utf8.RuneSelf {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f:
			return true
		}
		return false
	}
	return unicode.IsSpace(r)
}

// Strip is Python's str.strip() without arguments.
func Strip(s string) string { return strings.TrimFunc(s, IsSpace) }

// Split is Python's str.split() without arguments: runs of whitespace
// separate the words, and leading or trailing whitespace gives no empty word.
func Split(s string) []string { return strings.FieldsFunc(s, IsSpace) }

// Len is Python's len() of a str: the number of code points.
func Len(s string) int { return utf8.RuneCountInString(s) }

// badInt is int()'s ValueError for s. Python quotes all of s; a text
// longer than 200 characters is cut (with "...") so that the message costs
// little however long the text is.
func badInt(s string) error {
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return Errorf(ValueError, "invalid literal for int() with base 10: %s...", Repr(s[:cut]))
	}
	return Errorf(ValueError, "invalid literal for int() with base 10: %s", Repr(s))
}

// ParseInt is int() of a str.
func ParseInt(s string) (int64, error) {
	t := Strip(s)
	if t == "" {
		return 0, badInt(s)
	}
	var b strings.Builder
	i := 0
	if t[0] == '+' || t[0] == '-' {
		b.WriteByte(t[0])
		i = 1
	}
	prevDigit := false
	n := 0
	for _, r := range t[i:] {
		if r == '_' {
			if !prevDigit {
				return 0, badInt(s)
			}
			prevDigit = false
			continue
		}
		d, ok := Digit(r)
		if !ok {
			return 0, badInt(s)
		}
		b.WriteByte(byte('0' + d))
		prevDigit = true
		n++
	}
	if n == 0 || !prevDigit {
		return 0, badInt(s)
	}
	v, err := strconv.ParseInt(b.String(), 10, 64)
	if err != nil {
		return 0, Errorf(ValueError, "integer too large")
	}
	return v, nil
}
