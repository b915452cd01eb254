package htmlutil

import (
	"strings"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/pystr"
)

// parser is a port of the tokenizer of Python's html.parser.HTMLParser,
// which Django's strip_tags and its HTML truncation (truncatechars_html,
// truncatewords_html) are built on. Their output on malformed markup depends
// on exactly how that parser splits text, tags, comments and character
// references, so the port keeps its rules, including its regular
// expressions' backtracking, rather than using a spec-compliant HTML parser.
type parser struct {
	raw             string // unprocessed input (Python's rawdata)
	convertCharrefs bool   // pass text with references decoded, in one piece
	cdataElem       string // "script" or "style" while inside one
	starttagText    string // source of the last start tag
	h               handler
	stop            bool // set by a handler to abandon parsing
	// abort, when set, is called every 1024 constructs; when it returns
	// true the parser stops (and sets stop) for the caller to look at why.
	abort func() bool
	steps int
}

// handler receives what parser finds. Comments, declarations and
// processing instructions are dropped, as both of runnel's users do.
type handler interface {
	startTag(p *parser, tag string, selfClosing bool)
	endTag(p *parser, tag string)
	data(p *parser, text string)
	entityRef(p *parser, name string)
	charRef(p *parser, name string)
}

// feed parses as much of s as can be parsed without knowing what follows.
func (p *parser) feed(s string) {
	p.raw += s
	p.goahead(false)
}

// close parses the rest of the input as if followed by the end of file.
func (p *parser) close() { p.goahead(true) }

// text hands a run of text to the handler, decoding references first when
// the parser converts them.
func (p *parser) text(s string) {
	if p.convertCharrefs && p.cdataElem == "" {
		s = Unescape(s)
	}
	p.h.data(p, s)
}

// goahead is HTMLParser.goahead: it handles the input up to the first
// construct that may be incomplete (everything when end is true) and keeps
// the rest in p.raw.
func (p *parser) goahead(end bool) {
	raw := p.raw
	i, n := 0, len(raw)
loop:
	for i < n {
		if p.abort != nil {
			if p.steps++; p.steps%1024 == 0 && p.abort() {
				p.stop = true
				return
			}
		}
		var j int
		if p.convertCharrefs && p.cdataElem == "" {
			j = strings.IndexByte(raw[i:], '<')
			if j < 0 {
				// A reference cut at the end of the buffer must wait for
				// the rest, unless something ends it.
				amppos := strings.LastIndexByte(raw[max(i, n-34):], '&')
				if amppos >= 0 {
					amppos += max(i, n-34)
					if strings.IndexFunc(raw[amppos:], func(r rune) bool { return r == ';' || pystr.IsSpace(r) }) < 0 {
						break
					}
				}
				j = n
			} else {
				j += i
			}
		} else {
			j = p.interesting(raw, i)
			if j < 0 {
				if p.cdataElem != "" {
					break
				}
				j = n
			}
		}
		if i < j {
			p.text(raw[i:j])
			if p.stop {
				return
			}
		}
		i = j
		if i == n {
			break
		}
		switch {
		case raw[i] == '<':
			var k int
			switch {
			case i+1 < n && isASCIILetter(raw[i+1]):
				k = p.parseStartTag(i)
			case strings.HasPrefix(raw[i:], "</"):
				k = p.parseEndTag(i)
			case strings.HasPrefix(raw[i:], "<!--"):
				k = parseComment(raw, i)
			case strings.HasPrefix(raw[i:], "<?"):
				k = indexFrom(raw, ">", i+2)
				if k >= 0 {
					k++
				}
			case strings.HasPrefix(raw[i:], "<!"):
				k = parseHTMLDeclaration(raw, i)
			case i+1 < n:
				p.h.data(p, "<")
				k = i + 1
			default:
				break loop
			}
			if p.stop {
				return
			}
			if k < 0 {
				if !end {
					break loop
				}
				k = indexFrom(raw, ">", i+1)
				if k < 0 {
					k = indexFrom(raw, "<", i+1)
					if k < 0 {
						k = i + 1
					}
				} else {
					k++
				}
				p.text(raw[i:k])
				if p.stop {
					return
				}
			}
			i = k
		case strings.HasPrefix(raw[i:], "&#"):
			if t := matchCharref(raw, i); t >= 0 {
				p.h.charRef(p, raw[i+2:t])
				if p.stop {
					return
				}
				if raw[t] == ';' {
					t++
				}
				i = t
				continue
			}
			if strings.Contains(raw[i:], ";") {
				p.h.data(p, raw[i:i+2])
				if p.stop {
					return
				}
				i += 2
			}
			break loop
		case raw[i] == '&':
			if t := matchEntityref(raw, i); t >= 0 {
				p.h.entityRef(p, raw[i+1:t])
				if p.stop {
					return
				}
				if raw[t] == ';' {
					t++
				}
				i = t
				continue
			}
			if i+1 < n && (isASCIILetter(raw[i+1]) || raw[i+1] == '#') {
				// An incomplete reference.
				if end && i+2 == n {
					i++
				}
				break loop
			} else if i+1 < n {
				p.h.data(p, "&")
				if p.stop {
					return
				}
				i++
			} else {
				break loop
			}
		}
	}
	if end && i < n && p.cdataElem == "" {
		p.text(raw[i:n])
		if p.stop {
			return
		}
		i = n
	}
	p.raw = raw[i:]
}

// interesting finds the next place the parser must look at outside the
// text-converting mode: "<" or "&" normally, the closing tag inside script
// or style. It returns -1 when there is none.
func (p *parser) interesting(raw string, i int) int {
	if p.cdataElem == "" {
		k := strings.IndexAny(raw[i:], "<&")
		if k < 0 {
			return -1
		}
		return i + k
	}
	for k := i; ; {
		m := indexFrom(raw, "</", k)
		if m < 0 {
			return -1
		}
		j := skipSpace(raw, m+2)
		if len(raw)-j >= len(p.cdataElem) && strings.EqualFold(raw[j:j+len(p.cdataElem)], p.cdataElem) {
			j = skipSpace(raw, j+len(p.cdataElem))
			if j < len(raw) && raw[j] == '>' {
				return m
			}
		}
		k = m + 2
	}
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isASCIIAlnum reports whether c is an ASCII letter or digit.
func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' }

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// indexFrom is strings.Index of sub in s from position i, as a position in
// s, or -1.
func indexFrom(s, sub string, i int) int {
	if i > len(s) {
		return -1
	}
	k := strings.Index(s[i:], sub)
	if k < 0 {
		return -1
	}
	return i + k
}

// spaceAt returns the width of the whitespace character (Python's \s) at
// s[i], or 0 when there is none.
func spaceAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		if pystr.IsSpace(rune(c)) {
			return 1
		}
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if pystr.IsSpace(r) {
		return w
	}
	return 0
}

// skipSpace returns the position after the whitespace at s[i:].
func skipSpace(s string, i int) int {
	for {
		w := spaceAt(s, i)
		if w == 0 {
			return i
		}
		i += w
	}
}

// matchCharref matches &#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F] at s[i]
// and returns the position of the terminating character, or -1.
func matchCharref(s string, i int) int {
	j := i + 2
	if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
		k := j + 1
		for k < len(s) && isHex(s[k]) {
			k++
		}
		if k > j+1 && k < len(s) {
			return k
		}
		return -1
	}
	k := j
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k > j && k < len(s) && !isHex(s[k]) {
		return k
	}
	return -1
}

// matchEntityref matches &([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9] at s[i]
// (with the regular expression's backtracking) and returns the position of
// the terminating character, or -1.
func matchEntityref(s string, i int) int {
	j := i + 1
	if j >= len(s) || !isASCIILetter(s[j]) {
		return -1
	}
	k := j + 1
	for k < len(s) && (isASCIIAlnum(s[k]) || s[k] == '-' || s[k] == '.') {
		k++
	}
	if k < len(s) {
		return k
	}
	// At the end of the input the name gives back characters until a "-"
	// or "." can serve as the terminator.
	for t := k - 1; t > j; t-- {
		if s[t] == '-' || s[t] == '.' {
			return t
		}
	}
	return -1
}

// parseComment parses <!-- ... --> at s[i] and returns the position after
// it, or -1 when it is not closed.
func parseComment(s string, i int) int {
	for k := i + 4; ; {
		m := indexFrom(s, "--", k)
		if m < 0 {
			return -1
		}
		j := skipSpace(s, m+2)
		if j < len(s) && s[j] == '>' {
			return j + 1
		}
		k = m + 1
	}
}

// parseHTMLDeclaration parses a construct starting "<!" at s[i]: a doctype,
// a marked section, or a bogus comment up to the next ">". It returns the
// position after it, or -1 when it is not complete.
func parseHTMLDeclaration(s string, i int) int {
	switch {
	case strings.HasPrefix(s[i:], "<!--"):
		return parseComment(s, i)
	case strings.HasPrefix(s[i:], "<!["):
		return parseMarkedSection(s, i)
	case len(s)-i >= 9 && strings.EqualFold(s[i:i+9], "<!doctype"):
		k := indexFrom(s, ">", i+9)
		if k < 0 {
			return -1
		}
		return k + 1
	}
	k := indexFrom(s, ">", i+2)
	if k < 0 {
		return -1
	}
	return k + 1
}

// parseMarkedSection parses <![name ... ]]> (or the ]> of MS Office
// conditionals) at s[i]. Unknown section names are treated as bogus comments.
func parseMarkedSection(s string, i int) int {
	j := i + 3
	if j == len(s) {
		return -1
	}
	k := j
	if k < len(s) && isASCIILetter(s[k]) {
		k++
		for k < len(s) && (isASCIIAlnum(s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.') {
			k++
		}
	}
	name := strings.ToLower(s[j:k])
	if skipSpace(s, k) == len(s) && k > j {
		return -1
	}
	var closers []string
	switch name {
	case "temp", "cdata", "ignore", "include", "rcdata":
		closers = []string{"]", "]", ">"}
	case "if", "else", "endif":
		closers = []string{"]", ">"}
	default:
		e := indexFrom(s, ">", i+2)
		if e < 0 {
			return -1
		}
		return e + 1
	}
	for from := i + 3; ; {
		m := indexFrom(s, closers[0], from)
		if m < 0 {
			return -1
		}
		p := m + 1
		ok := true
		for _, c := range closers[1:] {
			p = skipSpace(s, p)
			if p < len(s) && s[p] == c[0] {
				p++
			} else {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
		from = m + 1
	}
}

// tagNameEnd returns the end of a tag name ([a-zA-Z][^\t\n\r\f />\x00]*)
// starting at s[i], which must be a letter.
func tagNameEnd(s string, i int) int {
	k := i + 1
	for k < len(s) {
		switch s[k] {
		case '\t', '\n', '\r', '\f', ' ', '/', '>', 0:
			return k
		}
		k++
	}
	return k
}

// skipSpaceSlash skips (?:\s|/(?!>))*: whitespace and slashes not followed
// by ">".
func skipSpaceSlash(s string, i int) int {
	for i < len(s) {
		if w := spaceAt(s, i); w > 0 {
			i += w
		} else if s[i] == '/' && !(i+1 < len(s) && s[i+1] == '>') {
			i++
		} else {
			break
		}
	}
	return i
}

// matchAttr matches one attribute of a start tag at s[i], as the attribute
// part of Python's attrfind_tolerant and locatestarttagend_tolerant does
// (a name preceded by a quote, whitespace or "/", an optional "=" and value,
// then whitespace and slashes). It returns the end of the match.
func matchAttr(s string, i int) (int, bool) {
	if i <= 0 || i >= len(s) {
		return 0, false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	if !(prev == '\'' || prev == '"' || prev == '/' || pystr.IsSpace(prev)) {
		return 0, false
	}
	if spaceAt(s, i) > 0 || s[i] == '/' || s[i] == '>' {
		return 0, false
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	p := i + w
	for p < len(s) && spaceAt(s, p) == 0 && s[p] != '/' && s[p] != '=' && s[p] != '>' {
		_, w := utf8.DecodeRuneInString(s[p:])
		p += w
	}
	// The value: \s*=+\s* then a quoted or bare value.
	q := skipSpace(s, p)
	if q < len(s) && s[q] == '=' {
		eqStart := q
		for q < len(s) && s[q] == '=' {
			q++
		}
		eqEnd := q
		ws := skipSpace(s, q)
		if e, ok := matchAttrValue(s, ws); ok {
			p = e
		} else if ws > eqEnd {
			// Giving back the last whitespace character lets an empty
			// bare value match before it.
			_, w := utf8.DecodeLastRuneInString(s[:ws])
			p = ws - w
		} else if eqEnd-eqStart > 1 {
			// Giving back the last "=" lets a bare value start there.
			p = bareValueEnd(s, eqEnd-1)
		}
	}
	return skipSpaceSlash(s, p), true
}

// matchAttrValue matches '...', "..." or a bare value (?!['"])[^>\s]* at
// s[i] and returns its end.
func matchAttrValue(s string, i int) (int, bool) {
	if i < len(s) && (s[i] == '\'' || s[i] == '"') {
		k := indexFrom(s, s[i:i+1], i+1)
		if k < 0 {
			return 0, false
		}
		return k + 1, true
	}
	return bareValueEnd(s, i), true
}

// bareValueEnd returns the end of [^>\s]* at s[i].
func bareValueEnd(s string, i int) int {
	for i < len(s) && s[i] != '>' && spaceAt(s, i) == 0 {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// checkStartTag is check_for_whole_start_tag: the end of the start tag at
// s[i], or -1 when it may continue past the end of the input.
func checkStartTag(s string, i int) int {
	j := tagNameEnd(s, i+1)
	// (?:[\s/]*(?:attribute)*)?\s*
	for j < len(s) {
		if w := spaceAt(s, j); w > 0 {
			j += w
		} else if s[j] == '/' {
			j++
		} else {
			break
		}
	}
	for {
		e, ok := matchAttr(s, j)
		if !ok {
			break
		}
		j = e
	}
	j = skipSpace(s, j)
	if j >= len(s) {
		return -1
	}
	switch c := s[j]; {
	case c == '>':
		return j + 1
	case c == '/':
		if strings.HasPrefix(s[j:], "/>") {
			return j + 2
		}
		return -1
	case isASCIILetter(c) || c == '=' || c == '/':
		return -1
	}
	if j > i {
		return j
	}
	return i + 1
}

// parseStartTag handles the start tag at raw[i] and returns the position
// after it, or -1 when it is incomplete.
func (p *parser) parseStartTag(i int) int {
	raw := p.raw
	p.starttagText = ""
	endpos := checkStartTag(raw, i)
	if endpos < 0 {
		return endpos
	}
	p.starttagText = raw[i:endpos]
	nameEnd := tagNameEnd(raw, i+1)
	tag := strings.ToLower(raw[i+1 : nameEnd])
	k := skipSpaceSlash(raw, nameEnd)
	for k < endpos {
		e, ok := matchAttr(raw, k)
		if !ok {
			break
		}
		k = e
	}
	rest := ""
	if k < endpos {
		rest = pystr.Strip(raw[k:endpos])
	}
	if rest != ">" && rest != "/>" {
		p.h.data(p, raw[i:endpos])
		return endpos
	}
	if strings.HasSuffix(rest, "/>") {
		p.h.startTag(p, tag, true)
	} else {
		p.h.startTag(p, tag, false)
		if tag == "script" || tag == "style" {
			p.cdataElem = tag
		}
	}
	return endpos
}

// parseEndTag handles the end tag at raw[i] and returns the position after
// it, or -1 when it is incomplete.
func (p *parser) parseEndTag(i int) int {
	raw := p.raw
	gt := indexFrom(raw, ">", i+1)
	if gt < 0 {
		return -1
	}
	gtpos := gt + 1
	// </\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>
	j := skipSpace(raw, i+2)
	matched := false
	var name string
	if j < len(raw) && isASCIILetter(raw[j]) {
		k := j + 1
		for k < len(raw) && (isASCIIAlnum(raw[k]) || strings.IndexByte("-.:_", raw[k]) >= 0) {
			k++
		}
		e := skipSpace(raw, k)
		if e < len(raw) && raw[e] == '>' {
			matched, name = true, raw[j:k]
		}
	}
	if !matched {
		if p.cdataElem != "" {
			p.h.data(p, raw[i:gtpos])
			return gtpos
		}
		if i+2 >= len(raw) || !isASCIILetter(raw[i+2]) {
			if strings.HasPrefix(raw[i:], "</>") {
				return i + 3
			}
			// A bogus comment up to the next ">".
			return gtpos
		}
		nameEnd := tagNameEnd(raw, i+2)
		tag := strings.ToLower(raw[i+2 : nameEnd])
		end := indexFrom(raw, ">", skipSpaceSlash(raw, nameEnd))
		p.h.endTag(p, tag)
		return end + 1
	}
	elem := strings.ToLower(name)
	if p.cdataElem != "" && elem != p.cdataElem {
		p.h.data(p, raw[i:gtpos])
		return gtpos
	}
	p.h.endTag(p, elem)
	p.cdataElem = ""
	return gtpos
}
