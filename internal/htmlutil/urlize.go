package htmlutil

import (
	"math"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/pystr"
)

// urlize is Django's Urlizer (django.utils.html.urlize): it turns URLs
// (http://, https://, www. and bare domains ending in .com, .edu, .gov, .int,
// .mil, .net or .org) and email addresses in text into links. Punctuation
// and unbalanced brackets around a link stay outside it. Unless limit is
// NoTrimLimit, link texts longer than limit are cut to limit-1 characters
// and "…". Link texts and
// surrounding text are escaped when autoescape is on and the input was not
// safe. Bare domains get "http://", as with Django's default
// URLIZE_ASSUME_HTTPS = False (see UrlizeScheme).
func Urlize(text string, safeInput bool, limit int, nofollow, autoescape bool) string {
	return UrlizeScheme(text, safeInput, limit, nofollow, autoescape, false)
}

// UrlizeScheme is Urlize with bare domains linked with "https://" when
// assumeHTTPS is set (Django's URLIZE_ASSUME_HTTPS = True).
func UrlizeScheme(text string, safeInput bool, limit int, nofollow, autoescape, assumeHTTPS bool) string {
	var b strings.Builder
	b.Grow(len(text) + 32)
	for i := 0; i < len(text); {
		j := i
		sep := urlizeSep(text, i)
		for j < len(text) && urlizeSep(text, j) == sep {
			_, w := utf8.DecodeRuneInString(text[j:])
			j += w
		}
		b.WriteString(urlizeWord(text[i:j], safeInput, limit, nofollow, autoescape, assumeHTTPS))
		i = j
	}
	return b.String()
}

// UrlizeBoundary reports whether text can be cut at i without changing
// what Urlize makes of it (Urlize(text[:i]) + Urlize(text[i:]) is
// Urlize(text)): i starts a run of separators that follows a word.
func UrlizeBoundary(text string, i int) bool {
	if i <= 0 || i >= len(text) || !utf8.RuneStart(text[i]) || !urlizeSep(text, i) {
		return false
	}
	_, w := utf8.DecodeLastRuneInString(text[:i])
	return !urlizeSep(text, i-w)
}

// urlizeSep reports whether the character at s[i] separates words for
// urlize: whitespace, <, >, " or '.
func urlizeSep(s string, i int) bool {
	switch s[i] {
	case '<', '>', '"', '\'':
		return true
	}
	return spaceAt(s, i) > 0
}

// NoTrimLimit is the limit of urlize that leaves link texts whole.
const NoTrimLimit = math.MinInt

// maxURLLength is Django's MAX_URL_LENGTH: longer words are not linked.
const maxURLLength = 2048

// urlizeWord is Urlizer.handle_word.
func urlizeWord(word string, safeInput bool, limit int, nofollow, autoescape, assumeHTTPS bool) string {
	plain := func() string {
		if !safeInput && autoescape {
			return Escape(word)
		}
		return word
	}
	if !strings.ContainsAny(word, ".@:") {
		return plain()
	}
	lead, middle, trail := trimPunctuation(word)
	var href string
	rel := ""
	if nofollow {
		rel = ` rel="nofollow"`
	}
	n := pystr.Len(middle)
	switch {
	case n <= maxURLLength && isSimpleURL(middle):
		href = smartURLQuote(Unescape(middle))
	case n <= maxURLLength && isSimpleURL2(middle):
		scheme := "http://"
		if assumeHTTPS {
			scheme = "https://"
		}
		href = smartURLQuote(scheme + Unescape(middle))
	case !strings.Contains(middle, ":") && isEmailSimple(middle):
		at := strings.LastIndexByte(middle, '@')
		href = "mailto:" + Quote(middle[:at], "") + "@" + Quote(middle[at+1:], "")
		rel = ""
	}
	if href == "" {
		return plain()
	}
	trimmed := middle
	if limit != NoTrimLimit && n > limit {
		rs := []rune(middle)
		trimmed = string(rs[:max(0, limit-1)]) + "…"
	}
	if autoescape && !safeInput {
		lead, trail, trimmed = Escape(lead), Escape(trail), Escape(trimmed)
	}
	return lead + `<a href="` + Escape(href) + `"` + rel + ">" + trimmed + "</a>" + trail
}

// trimPunctuation is Urlizer.trim_punctuation: it splits a word into leading
// opening brackets, the link candidate, and trailing punctuation and
// unbalanced closing brackets. A trailing ";" that ends an HTML entity stays.
func trimPunctuation(word string) (lead, middle, trail string) {
	middle = strings.TrimLeft(word, "([")
	lead = word[:len(word)-len(middle)]
	counts := map[byte]int{}
	counted := map[byte]bool{}
	// Python's CountsDict counts in the word as it was before trimming.
	orig := middle
	count := func(c byte) int {
		if !counted[c] {
			counts[c] = strings.Count(orig, string(c))
			counted[c] = true
		}
		return counts[c]
	}
	var trails []string
	trimmed := true
	for trimmed && middle != "" {
		trimmed = false
		for _, pair := range [2][2]byte{{'(', ')'}, {'[', ']'}} {
			opening, closing := pair[0], pair[1]
			if count(opening) < count(closing) {
				if strings.TrimRight(middle, string(closing)) != middle {
					strip := count(closing) - count(opening)
					rs := []rune(middle)
					cut := max(len(rs)-strip, 0)
					trails = append(trails, string(rs[cut:]))
					middle = string(rs[:cut])
					trimmed = true
					counts[closing] -= strip
				}
			}
		}
		amp := strings.LastIndexByte(middle, '&')
		var rstripped string
		if amp == -1 {
			rstripped = strings.TrimRight(middle, ".,:;!")
		} else {
			rstripped = strings.TrimRight(middle, ".,:!")
		}
		if rstripped != middle {
			trails = append(trails, middle[len(rstripped):])
			middle = rstripped
			trimmed = true
		}
		if strings.HasSuffix(middle, ";") {
			var potential string
			if amp >= 0 {
				potential = middle[amp:]
			} else {
				potential = middle[len(middle)-1:]
			}
			unescaped := Unescape(potential)
			if unescaped == potential || strings.HasSuffix(unescaped, ";") {
				rstripped = strings.TrimRight(middle, ".,:;!")
				trailStart := len(rstripped)
				semis := len(middle) - len(strings.TrimRight(middle, ";"))
				if amp > -1 && semis > 1 {
					// Leave up to the most recent semicolon, which might
					// end an entity.
					recent := strings.IndexByte(middle[trailStart:], ';')
					idx := recent + trailStart + 1
					trails = append(trails, middle[idx:])
					middle = rstripped + middle[trailStart:idx]
				} else {
					trails = append(trails, middle[trailStart:])
					middle = rstripped
				}
				trimmed = true
			}
		}
	}
	var t strings.Builder
	for i := len(trails) - 1; i >= 0; i-- {
		t.WriteString(trails[i])
	}
	return lead, middle, t.String()
}

// isWordRune reports whether r matches Python's \w in a str pattern.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) ||
		unicode.Is(unicode.No, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isSimpleURL matches ^https?://\[?\w (ignoring case).
func isSimpleURL(s string) bool {
	l := strings.ToLower(s)
	var rest string
	switch {
	case strings.HasPrefix(l, "http://"):
		rest = s[7:]
	case strings.HasPrefix(l, "https://"):
		rest = s[8:]
	default:
		return false
	}
	rest = strings.TrimPrefix(rest, "[")
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && isWordRune(r)
}

// isSimpleURL2 matches a www. address or a bare domain name ending in one of
// the original generic top-level domains, optionally followed by a path:
// ^www\.|^(?!http)hostname(\.label)*\.(com|edu|gov|int|mil|net|org)($|/.*)$
// with Django's hostname and label rules (letters, digits, non-ASCII
// characters up to U+FFFF, inner hyphens, at most 63 characters).
func isSimpleURL2(s string) bool {
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "www.") {
		return true
	}
	if strings.HasPrefix(l, "http") {
		return false
	}
	host := s
	if k := strings.IndexByte(s, '/'); k >= 0 {
		host = s[:k]
		if strings.ContainsAny(s[k:], "\n") {
			return false
		}
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	switch strings.ToLower(labels[len(labels)-1]) {
	case "com", "edu", "gov", "int", "mil", "net", "org":
	default:
		return false
	}
	for _, lab := range labels[:len(labels)-1] {
		n := 0
		for _, r := range lab {
			n++
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' ||
				r >= 0xa1 && r <= 0xffff || r == 0x212a || r == 0x17f) {
				return false
			}
		}
		if n == 0 || n > 63 || lab[0] == '-' || lab[len(lab)-1] == '-' {
			return false
		}
	}
	return true
}

// isEmailSimple reports whether s is an email address as Django's
// EmailValidator (without allowed bare hosts) sees it: a dot-atom or quoted
// local part, and a domain of labels ending in a top-level domain of at least
// two characters, or an IP address literal in brackets. Non-ASCII letters
// are accepted in the domain (internationalized domain names).
func isEmailSimple(s string) bool {
	if s == "" || pystr.Len(s) > 320 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return false
	}
	return emailUser(s[:at]) && emailDomain(s[at+1:])
}

// emailUser validates the local part of an address.
func emailUser(u string) bool {
	if u == "" {
		return false
	}
	if u[0] == '"' {
		if len(u) < 2 || u[len(u)-1] != '"' {
			return false
		}
		in := u[1 : len(u)-1]
		for i := 0; i < len(in); i++ {
			c := in[i]
			if c == '\\' {
				i++
				if i >= len(in) || in[i] == 0 || in[i] == '\n' || in[i] == '\r' || in[i] > 0x7f {
					return false
				}
				continue
			}
			if c == 0 || c == '\t' || c == '\n' || c == '\r' || c == '"' || c > 0x7f {
				return false
			}
		}
		return true
	}
	for _, atom := range strings.Split(u, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			c := atom[i]
			if !(isASCIIAlnum(c) || strings.IndexByte("-!#$%&'*+/=?^_`{}|~", c) >= 0) {
				return false
			}
		}
	}
	return true
}

// emailDomain validates the domain part of an address.
func emailDomain(d string) bool {
	if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		ip := d[1 : len(d)-1]
		ip = strings.TrimPrefix(strings.TrimPrefix(ip, "IPv6:"), "ipv6:")
		_, err := netip.ParseAddr(ip)
		return err == nil
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	isLabelRune := func(r rune) bool {
		return r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || r == '-') || r >= 0xa1 && unicode.IsLetter(r) || r >= 0xa1 && unicode.IsDigit(r)
	}
	for i, lab := range labels {
		n := pystr.Len(lab)
		last := i == len(labels)-1
		if n == 0 || n > 63 || lab[len(lab)-1] == '-' || (!last && lab[0] == '-') {
			return false
		}
		if last && n < 2 {
			return false
		}
		for _, r := range lab {
			if !isLabelRune(r) {
				return false
			}
		}
	}
	return true
}

// smartURLQuote is Django's smart_urlquote: it percent-encodes what needs
// it in each part of a URL without encoding what is already encoded, and
// re-encodes the query string.
func smartURLQuote(u string) string {
	const safe = "!$&'()*+,;=:/?#[]@~"
	uq := func(seg string) string { return Quote(pyUnquote(seg), safe) }
	scheme, netloc, path, query, fragment, ok := urlSplit(u)
	if !ok {
		return uq(u)
	}
	netloc = uq(netloc)
	if query != "" {
		var parts []string
		for _, kv := range strings.Split(query, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			k = pyUnquote(pyUnquote(strings.ReplaceAll(k, "+", " ")))
			v = pyUnquote(pyUnquote(strings.ReplaceAll(v, "+", " ")))
			parts = append(parts, quotePlus(k)+"="+quotePlus(v))
		}
		query = strings.Join(parts, "&")
	}
	path = uq(path)
	fragment = uq(fragment)
	return urlUnsplit(scheme, netloc, path, query, fragment)
}

// quotePlus is Python's urllib.parse.quote_plus with no safe characters.
func quotePlus(s string) string {
	return strings.ReplaceAll(Quote(s, " "), " ", "+")
}

// pyUnquote is Python's urllib.parse.unquote: %XX sequences are decoded as
// UTF-8, each invalid sequence becoming U+FFFD as Python's "replace" error
// handler does; malformed escapes stay as they are.
func pyUnquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var out, pending []byte
	flush := func() {
		out = appendPyUTF8(out, pending)
		pending = pending[:0]
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			pending = append(pending, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		flush()
		out = append(out, s[i])
	}
	flush()
	return string(out)
}

// appendPyUTF8 appends the bytes b decoded as UTF-8 with Python's "replace"
// handling: each maximal invalid subsequence becomes one U+FFFD.
func appendPyUTF8(dst, b []byte) []byte {
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		if r != utf8.RuneError || w > 1 {
			dst = append(dst, b[:w]...)
			b = b[w:]
			continue
		}
		// The longest prefix of a well-formed sequence counts as one error.
		n := 1
		c := b[0]
		var size int
		lo, hi := byte(0x80), byte(0xbf)
		switch {
		case c >= 0xc2 && c <= 0xdf:
			size = 2
		case c >= 0xe0 && c <= 0xef:
			size = 3
			if c == 0xe0 {
				lo = 0xa0
			} else if c == 0xed {
				hi = 0x9f
			}
		case c >= 0xf0 && c <= 0xf4:
			size = 4
			if c == 0xf0 {
				lo = 0x90
			} else if c == 0xf4 {
				hi = 0x8f
			}
		}
		for n < size && n < len(b) && b[n] >= lo && b[n] <= hi {
			n++
			lo, hi = 0x80, 0xbf
		}
		dst = append(dst, "\uFFFD"...)
		b = b[n:]
	}
	return dst
}

// unhex returns the value of a hexadecimal digit.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// urlSplit is Python's urllib.parse.urlsplit (without its removal of
// control characters). ok is false where Python raises ValueError (a
// bracket in the host without its partner, or an invalid IPv6 literal).
func urlSplit(u string) (scheme, netloc, path, query, fragment string, ok bool) {
	rest := u
	if i := strings.IndexByte(u, ':'); i > 0 && isASCIILetter(u[0]) {
		valid := true
		for k := 0; k < i; k++ {
			c := u[k]
			if !(isASCIIAlnum(c) || c == '+' || c == '-' || c == '.') {
				valid = false
				break
			}
		}
		if valid {
			scheme, rest = strings.ToLower(u[:i]), u[i+1:]
		}
	}
	if strings.HasPrefix(rest, "//") {
		end := len(rest)
		if k := strings.IndexAny(rest[2:], "/?#"); k >= 0 {
			end = k + 2
		}
		netloc, rest = rest[2:end], rest[end:]
		open, closed := strings.Contains(netloc, "["), strings.Contains(netloc, "]")
		if open != closed {
			return "", "", "", "", "", false
		}
		if open {
			host := netloc[strings.IndexByte(netloc, '[')+1:]
			host, _, _ = strings.Cut(host, "]")
			if _, err := netip.ParseAddr(host); err != nil && !strings.HasPrefix(strings.ToLower(host), "v") {
				return "", "", "", "", "", false
			}
		}
	}
	rest, fragment, _ = strings.Cut(rest, "#")
	path, query, _ = strings.Cut(rest, "?")
	return scheme, netloc, path, query, fragment, true
}

// urlUnsplit is Python's urllib.parse.urlunsplit.
func urlUnsplit(scheme, netloc, path, query, fragment string) string {
	u := path
	if netloc != "" || (scheme != "" && usesNetloc[scheme] && !strings.HasPrefix(u, "//")) {
		if u != "" && u[0] != '/' {
			u = "/" + u
		}
		u = "//" + netloc + u
	}
	if scheme != "" {
		u = scheme + ":" + u
	}
	if query != "" {
		u += "?" + query
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// usesNetloc are the schemes of Python's urllib.parse.uses_netloc.
var usesNetloc = map[string]bool{"": true, "ftp": true, "http": true, "gopher": true, "nntp": true, "telnet": true,
	"imap": true, "wais": true, "file": true, "mms": true, "https": true, "shttp": true, "snews": true,
	"prospero": true, "rtsp": true, "rtsps": true, "rtspu": true, "rsync": true, "svn": true, "svn+ssh": true,
	"sftp": true, "nfs": true, "git": true, "git+ssh": true, "ws": true, "wss": true, "itms-services": true}

// Quote is Python's urllib.parse.quote(s, safe): UTF-8 bytes other than
// letters, digits, "_.-~" and the ASCII characters of safe become %XX.
func Quote(s, safe string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '~' || (c < utf8.RuneSelf && strings.IndexByte(safe, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
