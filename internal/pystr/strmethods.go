package pystr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The str methods a Django template can call: those that take no
// arguments. A template calls a method it reaches by a lookup
// ({{ name.upper }}), and a method that needs arguments cannot be called
// there (the variable is invalid).

// Method returns the result of Python's s.name() for the str methods that
// take no arguments: text for the case mappings and strips, []string for
// split, rsplit and splitlines, bool for the is* predicates. ok is false for
// any other name (a method needing arguments, or no method at all).
func Method(s, name string) (v any, ok bool) {
	switch name {
	case "upper":
		return Upper(s), true
	case "lower":
		return Lower(s), true
	case "title":
		return Title(s), true
	case "capitalize":
		return Capitalize(s), true
	case "swapcase":
		return Swapcase(s), true
	case "casefold":
		return Casefold(s), true
	case "strip":
		return Strip(s), true
	case "lstrip":
		return strings.TrimLeftFunc(s, IsSpace), true
	case "rstrip":
		return strings.TrimRightFunc(s, IsSpace), true
	case "split", "rsplit":
		return Split(s), true
	case "splitlines":
		return Splitlines(s), true
	case "expandtabs":
		return ExpandTabs(s), true
	case "isdigit":
		return all(s, isDigit), true
	case "isdecimal":
		return all(s, isDecimal), true
	case "isnumeric":
		return all(s, unicode.IsNumber), true
	case "isalpha":
		return all(s, unicode.IsLetter), true
	case "isalnum":
		return all(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }), true
	case "isspace":
		return all(s, IsSpace), true
	case "isascii":
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return false, true
			}
		}
		return true, true
	case "isprintable":
		for _, r := range s {
			if !unicode.IsPrint(r) {
				return false, true
			}
		}
		return true, true
	case "isupper":
		return caseIs(s, isLowerRune), true
	case "islower":
		return caseIs(s, isUpperRune), true
	case "istitle":
		return IsTitle(s), true
	case "isidentifier":
		return IsIdentifier(s), true
	}
	return nil, false
}

// all reports whether s is not empty and f holds for each of its characters,
// as Python's is* predicates do.
func all(s string, f func(rune) bool) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !f(r) {
			return false
		}
	}
	return true
}

func isDecimal(r rune) bool { return unicode.Is(unicode.Nd, r) }

// isDigit is Python's Numeric_Type Digit or Decimal: the decimal digits
// and the digits of category No that stand alone (superscripts, circled
// and parenthesized digits); not fractions or Roman numerals.
func isDigit(r rune) bool {
	if unicode.Is(unicode.Nd, r) {
		return true
	}
	if !unicode.Is(unicode.No, r) {
		return false
	}
	switch {
	case r == 0xb2, r == 0xb3, r == 0xb9, r >= 0x2070 && r <= 0x2079, r >= 0x2080 && r <= 0x2089,
		r >= 0x2460 && r <= 0x2468, r >= 0x2474 && r <= 0x247c, r >= 0x2488 && r <= 0x2490,
		r == 0x24ea, r >= 0x24f5 && r <= 0x24fd, r == 0x24ff, r >= 0x2776 && r <= 0x277e,
		r >= 0x2780 && r <= 0x2788, r >= 0x278a && r <= 0x2792, r >= 0x1369 && r <= 0x1371,
		r == 0x19da, r >= 0x1f100 && r <= 0x1f10a:
		return true
	}
	return false
}

func isUpperRune(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.Is(unicode.Other_Uppercase, r)
}

func isLowerRune(r rune) bool {
	return unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r)
}

func isCased(r rune) bool { return isUpperRune(r) || isLowerRune(r) }

// caseIs is isupper (bad = lower case) or islower (bad = upper or title
// case): some cased character, and none of the other case.
func caseIs(s string, bad func(rune) bool) bool {
	cased := false
	for _, r := range s {
		if bad(r) {
			return false
		}
		if isCased(r) {
			cased = true
		}
	}
	return cased
}

// IsTitle is Python's str.istitle(): upper and title case characters
// follow only uncased ones, lower case ones only cased ones, and there is
// at least one cased character.
func IsTitle(s string) bool {
	cased, prevCased := false, false
	for _, r := range s {
		switch {
		case isUpperRune(r):
			if prevCased {
				return false
			}
			prevCased, cased = true, true
		case isLowerRune(r):
			if !prevCased {
				return false
			}
			prevCased, cased = true, true
		default:
			prevCased = false
		}
	}
	return cased
}

// IsIdentifier is Python's str.isidentifier(): a letter, a letter number
// or "_", then letters, numbers, marks and connector punctuation (Go has no
// XID_Start/XID_Continue tables; these are their general categories).
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		start := r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
		if i == 0 {
			if !start {
				return false
			}
			continue
		}
		if !start && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) &&
			!unicode.Is(unicode.Nd, r) && !unicode.Is(unicode.Pc, r) {
			return false
		}
	}
	return true
}

// Capitalize is Python's str.capitalize(): the first character in title
// case, the rest in lower case.
func Capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	first, ok := specialTitle[r]
	if !ok {
		first = string(unicode.ToTitle(r))
	}
	return first + Lower(s[n:])
}

// Swapcase is Python's str.swapcase(): upper case characters to lower,
// lower case ones to upper (ß to SS).
func Swapcase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsUpper(r) || unicode.Is(unicode.Other_Uppercase, r):
			if r == 'İ' {
				b.WriteString("i\u0307")
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		case isLowerRune(r):
			if x, ok := specialUpper[r]; ok {
				b.WriteString(x)
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
		case unicode.IsTitle(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Casefold is Python's str.casefold(): Lower, then the foldings that
// differ from lower-casing that Go's tables know (final sigma, ß and the
// Latin ligatures to their letters, and Go's simple folding of the rest).
func Casefold(s string) string {
	l := Lower(s)
	var b strings.Builder
	b.Grow(len(l))
	for _, r := range l {
		switch r {
		case 'ß', 'ẞ':
			b.WriteString("ss")
			continue
		case 'ς', 'σ':
			b.WriteRune('σ')
			continue
		}
		if x, ok := specialUpper[r]; ok {
			b.WriteString(Lower(x))
			continue
		}
		// The smallest rune of r's folding orbit that is lower case is
		// the folded form of characters such as the long s (ſ → s).
		f := r
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if o < f && unicode.IsLower(o) {
				f = o
			}
		}
		b.WriteRune(f)
	}
	return b.String()
}
