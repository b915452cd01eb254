package htmlutil

// escapeOf numbers the HTML special characters (0 for the others) for
// escapes: one table lookup per byte, the fast path of text that needs no
// escaping, in 256 bytes of table.
var escapeOf = [256]uint8{'<': 1, '>': 2, '&': 3, '"': 4, '\'': 5}

// escapes are the replacements, by escapeOf's number.
var escapes = [6]string{"", "&lt;", "&gt;", "&amp;", "&quot;", "&#x27;"}

// AppendEscape appends s to b with the HTML special characters escaped as
// Django's escape() does (&, <, >, " and ' become &amp; &lt; &gt; &quot;
// &#x27;). It copies runs of safe bytes in one append; in longer text it
// finds them eight bytes at a time.
func AppendEscape(b []byte, s string) []byte {
	if len(s) >= 16 {
		return appendEscapeWords(b, s)
	}
	return AppendEscapeShort(b, s)
}

// AppendEscapeShort is AppendEscape a byte at a time: the fastest for the
// short values most pages are made of, and small enough to be inlined.
func AppendEscapeShort(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if k := escapeOf[s[i]]; k != 0 {
			b = append(b, s[last:i]...)
			b = append(b, escapes[k]...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// appendEscapeWords is AppendEscape scanning eight bytes at a time.
func appendEscapeWords(b []byte, s string) []byte {
	last, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		if !special8(load8(s, i)) {
			continue
		}
		for j := i; j < i+8; j++ {
			if k := escapeOf[s[j]]; k != 0 {
				b = append(b, s[last:j]...)
				b = append(b, escapes[k]...)
				last = j + 1
			}
		}
	}
	for ; i < len(s); i++ {
		if k := escapeOf[s[i]]; k != 0 {
			b = append(b, s[last:i]...)
			b = append(b, escapes[k]...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// load8 reads the eight bytes of s at i as a little-endian word (the
// compiler makes this one load).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// special8 reports whether one of the eight bytes of x is an HTML special
// character: '"' (0x22); '&' or '\” (0x26, 0x27: 0x27 with the low bit
// set); '<' or '>' (0x3C, 0x3E: 0x3E with bit 1 set). A byte is found by
// XOR-ing it to zero and testing for a zero byte, exactly (a borrow can
// only mark a byte after a true zero).
func special8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(y uint64) uint64 { return (y - ones) &^ y & highs }
	return zero(x^(0x22*ones))|zero((x|ones)^(0x27*ones))|zero((x|0x02*ones)^(0x3E*ones)) != 0
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
