package htmlutil

// The byte tests of HTML's tokenizer, shared by the engine's HTML state
// model (htmlstate.go) and the framing of late HTML (internal/framing).
// HTML folds case in ASCII only: strings.EqualFold folds more, and
// strings.ToLower can change a string's length.

// IsASCIIAlpha reports whether c is an ASCII letter (a tag name starts
// with one).
func IsASCIIAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// IsSpace reports whether c ends a tag name or separates attributes (CR
// counts: the input stream turns it into LF).
func IsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// EqualFoldLower reports whether a equals the lower-case ASCII lower,
// folding only the ASCII letters of a.
func EqualFoldLower(a, lower string) bool {
	if len(a) != len(lower) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// HasPrefixFoldLower reports whether s starts with the lower-case ASCII
// prefix, folding only the ASCII letters of s.
func HasPrefixFoldLower(s, prefix string) bool {
	return len(s) >= len(prefix) && EqualFoldLower(s[:len(prefix)], prefix)
}
