package htmlutil

// escapeOf numbers the HTML special characters (0 for the others) for
// escapes: one table lookup per byte, the fast path of text that needs no
// escaping, in 256 bytes of table.
var escapeOf = [256]uint8{'<': 1, '>': 2, '&': 3, '"': 4, '\'': 5}

// escapes are the replacements, by escapeOf's number.
var escapes = [6]string{"", "&lt;", "&gt;", "&amp;", "&quot;", "&#x27;"}

// AppendEscape appends s to b with the HTML special characters escaped as
// Django's escape() does (&, <, >, " and ' become &amp; &lt; &gt; &quot;
// &#x27;). It copies runs of safe bytes in one append.
func AppendEscape(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		k := escapeOf[s[i]]
		if k == 0 {
			continue
		}
		esc := escapes[k]
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// Escape returns s escaped for HTML, as Django's escape() does.
func Escape(s string) string {
	for i := 0; i < len(s); i++ {
		if escapeOf[s[i]] != 0 {
			return string(AppendEscape(make([]byte, 0, len(s)+16), s))
		}
	}
	return s
}

// LowerASCII returns s with the ASCII letters A-Z lowered and every other
// byte as it is, so that an offset in the result is the same offset in s.
// HTML's tag and attribute names are case-insensitive in ASCII only;
// strings.ToLower also lowers other letters, some of which change length
// (İ, ẞ, the Kelvin sign), and offsets found in its result then point
// elsewhere in s, or past its end.
func LowerASCII(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
