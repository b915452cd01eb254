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
