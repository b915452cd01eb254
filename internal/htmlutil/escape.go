package htmlutil

// AppendEscape appends s to b with the HTML special characters escaped as
// Django's escape() does (&, <, >, " and ' become &amp; &lt; &gt; &quot;
// &#x27;). It copies runs of safe bytes in one append.
func AppendEscape(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#x27;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// Escape returns s escaped for HTML, as Django's escape() does.
func Escape(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&', '"', '\'':
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
