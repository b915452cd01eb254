package pystr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Center is Python's str.center with a space fill; widths count code
// points, and an odd margin puts the extra space left when width is odd.
func Center(s string, width int) string {
	n := Len(s)
	if width <= n {
		return s
	}
	marg := width - n
	left := marg/2 + (marg & width & 1)
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", marg-left)
}

// FormatCenter is Python's format(s, "^width"), which Django's center
// filter uses since 5.1: the left margin is half the padding rounded down,
// so an odd padding puts the extra space on the right ("even" in 7 is
// " even  "), where str.center would put it left when width is odd.
func FormatCenter(s string, width int) string {
	n := Len(s)
	if width <= n {
		return s
	}
	marg := width - n
	left := marg / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", marg-left)
}

// Ljust is Python's str.ljust with a space fill.
func Ljust(s string, width int) string {
	if n := Len(s); width > n {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// Rjust is Python's str.rjust with a space fill.
func Rjust(s string, width int) string {
	if n := Len(s); width > n {
		return strings.Repeat(" ", width-n) + s
	}
	return s
}

// Upper is Python's str.upper(): Go's per-rune mapping plus the common
// one-to-many mappings (ß to SS, the Latin ligatures).
func Upper(s string) string {
	u := strings.ToUpper(s)
	if !hasSpecialCase(u) {
		return u
	}
	var b strings.Builder
	for _, r := range u {
		if x, ok := specialUpper[r]; ok {
			b.WriteString(x)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Lower is Python's str.lower(): Go's per-rune mapping plus İ, which
// lower-cases to "i" and a combining dot.
func Lower(s string) string {
	l := strings.ToLower(s)
	if strings.ContainsRune(s, 'İ') {
		// Go maps İ to i; Python keeps the dot as U+0307.
		var b strings.Builder
		for _, r := range s {
			if r == 'İ' {
				b.WriteString("i\u0307")
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	return l
}

// specialUpper holds the upper-case mappings of Python that expand one
// character to several.
var specialUpper = map[rune]string{
	'ß': "SS", 'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST", 'ŉ': "ʼN",
}

// specialTitle holds the title-case mappings of Python that expand one
// character to several.
var specialTitle = map[rune]string{
	'ß': "Ss", 'ﬀ': "Ff", 'ﬁ': "Fi", 'ﬂ': "Fl", 'ﬃ': "Ffi", 'ﬄ': "Ffl", 'ﬅ': "St", 'ﬆ': "St", 'ŉ': "ʼN",
}

// hasSpecialCase reports whether s has a character of specialUpper.
func hasSpecialCase(s string) bool {
	for _, r := range s {
		if r >= 0xdf {
			if _, ok := specialUpper[r]; ok {
				return true
			}
		}
	}
	return false
}

// Title is Python's str.title(): a cased character that follows a cased
// character is lower-cased, any other is title-cased.
func Title(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prevCased := false
	for _, r := range s {
		if prevCased {
			b.WriteRune(unicode.ToLower(r))
		} else if x, ok := specialTitle[r]; ok {
			b.WriteString(x)
		} else {
			b.WriteRune(unicode.ToTitle(r))
		}
		prevCased = unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
	}
	return b.String()
}

// Splitlines is Python's str.splitlines(): lines end at \n, \r, \r\n, \v,
// \f, \x1c, \x1d, \x1e, \x85, U+2028 and U+2029, which are dropped.
func Splitlines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, s[start:i])
			if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
			start = i + n
		}
		i += n
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// ExpandTabs is Python's str.expandtabs() with tab stops every 8 columns.
func ExpandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// AppendUpper appends Upper(s) to b, without building a string when s is
// ASCII.
func AppendUpper(b []byte, s string) []byte { return appendCase(b, s, 'a', Upper) }

// AppendLower appends Lower(s) to b, without building a string when s is
// ASCII.
func AppendLower(b []byte, s string) []byte { return appendCase(b, s, 'A', Lower) }

// appendCase appends s with the ASCII letters from first to first+25
// switched to the other case, or, for text that is not ASCII, full(s).
func appendCase(b []byte, s string, first byte, full func(string) string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, full(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if first <= c && c <= first+25 {
			c ^= 0x20 // a ↔ A
		}
		b = append(b, c)
	}
	return b
}
