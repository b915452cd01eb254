// Package pystr holds the bits of Python's semantics that Django's filters
// rely on: str.isspace, strip() and split() without arguments, len() in code
// points, repr() of a str, int() of a str, and Python's exception kinds, so
// that a filter can swallow the one Django swallows. It works on plain Go
// strings and does not import the engine.
package pystr

import (
	"fmt"
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

// Repr is Python's repr() of a str.
func Repr(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// ParseInt is int() of a str.
func ParseInt(s string) (int64, error) {
	t := Strip(s)
	bad := Errorf(ValueError, "invalid literal for int() with base 10: %s", Repr(s))
	if t == "" {
		return 0, bad
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
				return 0, bad
			}
			prevDigit = false
			continue
		}
		d, ok := Digit(r)
		if !ok {
			return 0, bad
		}
		b.WriteByte(byte('0' + d))
		prevDigit = true
		n++
	}
	if n == 0 || !prevDigit {
		return 0, bad
	}
	v, err := strconv.ParseInt(b.String(), 10, 64)
	if err != nil {
		return 0, Errorf(ValueError, "integer too large")
	}
	return v, nil
}

// Digit returns the value of a decimal digit: ASCII, or one of the
// common non-Latin digit sets that Python's int() also accepts.
func Digit(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return int(r - z), true
		}
	}
	return 0, false
}

// digitZeros are the code points of the digit zero of the decimal digit
// sets Digit knows besides ASCII.
var digitZeros = [...]rune{
	0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66,
	0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0,
	0x1810, 0xFF10,
}
