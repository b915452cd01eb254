package htmlutil

import (
	"html"
	"strings"
	"unicode/utf8"
)

// unescapeHTML is Python's html.unescape: numeric references follow
// Python's replacement rules (Windows-1252 for 0x80-0x9F, U+FFFD for
// surrogates and out-of-range values, nothing for other invalid code
// points); named references, with or without the semicolon, are looked up in
// the HTML5 table (through Go's html package), longest prefix first.
func Unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			continue
		}
		end, repl, ok := unescapeRef(s, i)
		if !ok {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = end
		i = end - 1
	}
	b.WriteString(s[last:])
	return b.String()
}

// unescapeRef decodes the reference at s[i] ("&..."), returning where it
// ends and its text.
func unescapeRef(s string, i int) (end int, repl string, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		k := j + 1
		hex := k < len(s) && (s[k] == 'x' || s[k] == 'X')
		if hex {
			k++
		}
		start := k
		for k < len(s) && (hex && isHex(s[k]) || !hex && s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k == start {
			return 0, "", false
		}
		num := uint64(0)
		for _, c := range []byte(s[start:k]) {
			if num <= 0x10ffff {
				if hex {
					num = num*16 + uint64(unhex(c))
				} else {
					num = num*10 + uint64(c-'0')
				}
			}
		}
		if k < len(s) && s[k] == ';' {
			k++
		}
		return k, charrefText(num), true
	}
	// [^\t\n\f <&#;]{1,32};?
	k := j
	for n := 0; k < len(s) && n < 32; n++ {
		c := s[k]
		if c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#' || c == ';' {
			break
		}
		_, w := utf8.DecodeRuneInString(s[k:])
		k += w
	}
	if k == j {
		return 0, "", false
	}
	if k < len(s) && s[k] == ';' {
		k++
	}
	// Python looks the name up whole, then its longest known prefix
	// (only the legacy names without ";" can be prefixes); Go's decoder
	// does the same for the ASCII letters and digits it reads, which are
	// all a known name can contain.
	return k, html.UnescapeString(s[i:k]), true
}

// charrefText is the text of a numeric character reference, by Python's
// rules.
func charrefText(num uint64) string {
	if r, ok := invalidCharrefs[num]; ok {
		return r
	}
	switch {
	case num >= 0xd800 && num <= 0xdfff, num > 0x10ffff:
		return "\uFFFD"
	case num >= 0x1 && num <= 0x8, num >= 0xe && num <= 0x1f, num >= 0x7f && num <= 0x9f,
		num >= 0xfdd0 && num <= 0xfdef, num == 0xb, num&0xfffe == 0xfffe:
		return ""
	}
	return string(rune(num))
}

// invalidCharrefs are Python's replacements for numeric references to
// NUL, CR and the C1 range (read as Windows-1252).
var invalidCharrefs = map[uint64]string{
	0x00: "\ufffd", 0x0d: "\r", 0x80: "\u20ac", 0x81: "\x81", 0x82: "\u201a", 0x83: "\u0192",
	0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021", 0x88: "\u02c6", 0x89: "\u2030",
	0x8a: "\u0160", 0x8b: "\u2039", 0x8c: "\u0152", 0x8d: "\x8d", 0x8e: "\u017d", 0x8f: "\x8f",
	0x90: "\x90", 0x91: "\u2018", 0x92: "\u2019", 0x93: "\u201c", 0x94: "\u201d", 0x95: "\u2022",
	0x96: "\u2013", 0x97: "\u2014", 0x98: "\u02dc", 0x99: "\u2122", 0x9a: "\u0161", 0x9b: "\u203a",
	0x9c: "\u0153", 0x9d: "\x9d", 0x9e: "\u017e", 0x9f: "\u0178",
}
