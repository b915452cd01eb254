// Package slug is Django's slugify (django.utils.text.slugify without
// allow_unicode), with the NFKD-to-ASCII table it needs (table.go, made by
// gen.py from Python's unicodedata).
package slug

//go:generate python3 gen.py

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Slugify reduces s to ASCII (NFKD decomposition, non-ASCII dropped),
// lower-cases it, drops characters that are not letters, digits,
// underscores, hyphens or spaces, turns runs of hyphens and spaces into one
// hyphen, and strips leading and trailing hyphens and underscores.
func Slugify(s string) string {
	var a strings.Builder
	a.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			a.WriteRune(r)
		} else {
			a.WriteString(ASCII(r))
		}
	}
	var b strings.Builder
	b.Grow(a.Len())
	dash := false
	for _, c := range []byte(strings.ToLower(a.String())) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_':
			if dash {
				b.WriteByte('-')
				dash = false
			}
			b.WriteByte(c)
		case c == '-' || isSpace(c):
			dash = true
		}
	}
	if dash {
		b.WriteByte('-')
	}
	return strings.Trim(b.String(), "-_")
}

// isSpace reports whether the ASCII byte c is whitespace to Python's \s
// (space, \t \n \v \f \r, and the separators \x1c–\x1f).
func isSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1c && c <= 0x1f
}

// ASCII returns what NFKD decomposition of r keeps in ASCII ("" when
// nothing).
func ASCII(r rune) string {
	u := uint32(r)
	i := sort.Search(len(nfkdASCII), func(i int) bool { return nfkdASCII[i].hi >= u })
	if i == len(nfkdASCII) || nfkdASCII[i].lo > u {
		return ""
	}
	e := &nfkdASCII[i]
	if e.seq == 1 {
		return string(rune(e.out[0]) + rune(u-e.lo))
	}
	return e.out
}
