// Package framing makes late HTML safe to frame: a streamed section's HTML
// inside its carrier template, a placeholder's between its markers.
//
// A section's HTML is sent inside a carrier, <template for="id">…</template>
// (with an <svg> wrapper inside the template for SVG sections), and a
// placeholder's HTML between <?start name="id"> and <?end>. Late HTML may be
// anything a |safe value holds, so before it is framed, Frame reads it
// the way the browser's tokenizer does (the WHATWG tokenizer states, and as
// much of tree construction as decides the tokenizer's state and which
// <template> elements are open), and makes inert whatever could close the
// carrier early, leave it open, or open or close a placeholder range:
//
//   - a </template> end tag that would close the carrier (one with no
//     <template> of the section's own open) is escaped (&lt;/template…);
//     <template>…</template> pairs of the section (declarative shadow DOM)
//     are kept, and the section's templates still open at its end are
//     closed;
//   - a <template> start tag in SVG or MathML content is escaped (it would
//     create an SVG or MathML element that a later </svg> closes silently,
//     or, in an integration point such as <foreignObject>, an HTML template
//     that parsers handle differently), as is one where the parser's state
//     is not known for sure;
//   - "<?" (which opens a processing instruction in browsers that patch
//     natively, and a bogus comment, which the fallback script reads as a
//     marker, elsewhere) is escaped, and a comment whose text starts with
//     "?" gets a "_" in front, so that no comment reads as a marker;
//   - <object>, <applet> and <marquee> are escaped (a cell closed around
//     one would leave a marker on the list of active formatting elements,
//     and a <b> or <a> opened before it would be reopened in the page
//     after the carrier), and tables and cells left open are closed before
//     their template closes, for the same reason;
//   - <plaintext>, which no end tag closes, is escaped, and so are
//     raw-text start tags and CDATA sections where the parser might or
//     might not treat them as such (a <style> in a <select>, a <col>-only
//     template, after malformed SVG), so that this reading and the
//     browser's agree;
//   - what the HTML leaves unfinished at its end is finished as the
//     browser would if the HTML were a document of its own: an unclosed
//     comment gets "-->", a bogus comment or doctype ">", a CDATA section
//     "]]>", an unclosed raw-text or escapable raw-text element (script,
//     style, xmp, iframe, noembed, noframes, noscript, textarea, title) its
//     end tag, and an unfinished tag is dropped.
//
// Everything else is left byte for byte as it was, and HTML with nothing to
// change is returned as it is. Only ASCII letters are case-folded, as the
// HTML tokenizer does.
package framing

import (
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// Start is where late HTML begins.
type Start uint8

const (
	// Carrier: the content of a section's carrier template.
	Carrier Start = iota
	// CarrierSVG: inside the <svg> wrapper of a carrier template.
	CarrierSVG
	// Page: in the page's content (a placeholder).
	Page
	// PageSVG: in the page's SVG content (a placeholder in <svg>).
	PageSVG
)

// fctx is what the parser would do with the next start tag, as far as the
// framing is concerned.
type fctx uint8

const (
	// cFresh: the content of a template before its first start tag other
	// than <template>, <script>, <style>, <title>, <noframes>, <base>,
	// <basefont>, <bgsound>, <link> and <meta> (the "in template" insertion
	// mode: a first <col> makes the rest of the template column-group
	// content).
	cFresh fctx = iota
	// cHTML: HTML content: raw-text start tags switch the tokenizer, <svg>
	// and <math> start foreign content, <template> creates a template.
	cHTML
	// cColgroup: a template whose content is <col> elements: every start
	// tag other than <col> and <template> is ignored (so a <style> is not
	// raw text in the specification; some parsers still switch their
	// tokenizer, so raw-text start tags are escaped).
	cColgroup
	// cSelect: inside a <select>, whose content older parsers drop except
	// <option>, <optgroup>, <hr>, <script> and <template> (and newer ones
	// parse as in the body).
	cSelect
	// cForeign: SVG or MathML content; fstack[base:] are the foreign
	// elements open, innermost last.
	cForeign
	// cUnsure: the parser's state is not known (malformed foreign content,
	// rich <select> content): no template is created and no raw text
	// started, until one of the section's own templates closes.
	cUnsure
)

// Integration points: foreign elements whose content is (partly) HTML.
const (
	ipNone  uint8 = iota
	ipHTML        // SVG foreignObject, desc, title; MathML annotation-xml with an HTML encoding
	ipText        // MathML mi, mo, mn, ms, mtext: start tags other than mglyph and malignmark are HTML
	ipAnnot       // MathML annotation-xml otherwise: an <svg> start tag is HTML
)

const (
	nsSVG uint8 = iota
	nsMath
)

type felem struct {
	name string // as written (compared ASCII case-insensitively); "" matches no end tag
	ns   uint8
	ip   uint8
}

// fframe is a <template> of the late HTML's own, open.
type fframe struct {
	ctx    fctx // the context it was opened in, restored when it closes
	base   int  // the enclosing content's fstack base
	tables int  // the enclosing content's open tables
	cells  bool // and whether it had a cell or caption outside a table
}

type framer struct {
	src    string
	out    []byte // nil until something changes
	last   int    // src[last:] is not yet in out
	ctx    fctx
	fstack []felem
	base   int
	frames []fframe
	// The current template's (or the carrier's) open tables, at most,
	// and whether a cell or a caption may be open outside any table (a
	// template whose content is rows or cells): they are closed before
	// the template closes, so that its list of active formatting
	// elements is cleared down to its own marker (a cell's marker left
	// behind would keep a <b> or an <a> opened before it active, and the
	// parser would reopen it in the page after the carrier).
	tables int
	cells  bool
}

// Frame returns h made safe to frame at start (see the package comment).
func Frame(h string, start Start) string {
	if strings.IndexByte(h, '<') < 0 {
		return h
	}
	f := framer{src: h}
	switch start {
	case Carrier:
		f.ctx = cFresh
	case Page:
		f.ctx = cHTML
	case CarrierSVG:
		f.ctx = cForeign
		f.fstack = []felem{{name: "svg", ns: nsSVG}}
	case PageSVG:
		// The page's own SVG elements are unknown: an end tag for one of
		// them makes the state unsure.
		f.ctx = cForeign
		f.fstack = []felem{{ns: nsSVG}}
	}
	f.run()
	if f.out == nil {
		return h
	}
	return string(f.out)
}

// ---- output ----

// copyTo copies the input up to p to the output, which it starts if need be.
func (f *framer) copyTo(p int) {
	if f.out == nil {
		f.out = make([]byte, 0, len(f.src)+32)
	}
	f.out = append(f.out, f.src[f.last:p]...)
	f.last = p
}

// escape makes src[from:to] text: each "<" in it becomes "&lt;".
func (f *framer) escape(from, to int) {
	f.copyTo(from)
	for i := from; i < to; i++ {
		if c := f.src[i]; c == '<' {
			f.out = append(f.out, "&lt;"...)
		} else {
			f.out = append(f.out, c)
		}
	}
	f.last = to
}

// insert writes s before src[p].
func (f *framer) insert(p int, s string) {
	f.copyTo(p)
	f.out = append(f.out, s...)
}

// drop leaves src[p:] out.
func (f *framer) drop(p int) {
	f.copyTo(p)
	f.last = len(f.src)
}

// ---- tokenizer ----

// tagInfo is a tag read by scanTag.
type tagInfo struct {
	name        string // as written
	end         int    // just past its ">", or -1 if the input ends first
	selfClosing bool
	fontBreak   bool // a color, face or size attribute (for <font>)
	encoding    int8 // the encoding attribute (for <annotation-xml>): 0 none or other, 1 HTML, -1 not known
}

// scanTag reads a tag whose name starts at p, through its attributes, as
// the tokenizer does from the tag name state. For <font> and
// <annotation-xml> it notes the attributes that matter in foreign content.
func scanTag(s string, p int) tagInfo {
	const (
		beforeName = iota
		attrName
		afterName
		beforeValue
		unquoted
		afterQuoted
		selfClosing
	)
	var t tagInfo
	i := p
	for i < len(s) && !htmlutil.IsSpace(s[i]) && s[i] != '/' && s[i] != '>' {
		i++
	}
	t.name = s[p:i]
	wantAttrs := htmlutil.EqualFoldLower(t.name, "font") || htmlutil.EqualFoldLower(t.name, "annotation-xml")
	st := beforeName
	if i < len(s) {
		switch s[i] {
		case '/':
			st = selfClosing
			i++
		case '>':
			t.end = i + 1
			return t
		default:
			i++
		}
	}
	nameStart, valueStart, seenEncoding := 0, 0, false
	endName := func(end int) {
		if !wantAttrs {
			return
		}
		if valueStart == -1 {
			valueStart = 0 // the encoding attribute had no value
		}
		n := s[nameStart:end]
		if htmlutil.EqualFoldLower(n, "color") || htmlutil.EqualFoldLower(n, "face") || htmlutil.EqualFoldLower(n, "size") {
			t.fontBreak = true
		}
		if htmlutil.EqualFoldLower(n, "encoding") && !seenEncoding {
			seenEncoding = true
			valueStart = -1 // the value, if any, is the encoding
		}
	}
	endValue := func(v string) {
		if valueStart != -1 {
			return
		}
		valueStart = 0
		switch {
		case strings.IndexByte(v, '&') >= 0 || !isASCII(v):
			t.encoding = -1 // character references, or folding the parsers disagree on
		case htmlutil.EqualFoldLower(v, "text/html") || htmlutil.EqualFoldLower(v, "application/xhtml+xml"):
			t.encoding = 1
		}
	}
	for i < len(s) {
		c := s[i]
		switch st {
		case beforeName:
			switch {
			case htmlutil.IsSpace(c):
				i++
			case c == '/' || c == '>':
				st = afterName
			default: // "=" included: it starts the name
				nameStart, st = i, attrName
				i++
			}
		case attrName:
			switch {
			case htmlutil.IsSpace(c) || c == '/' || c == '>':
				endName(i)
				st = afterName
			case c == '=':
				endName(i)
				st = beforeValue
				i++
			default:
				i++
			}
		case afterName:
			switch {
			case htmlutil.IsSpace(c):
				i++
			case c == '/':
				st = selfClosing
				i++
			case c == '=':
				st = beforeValue
				i++
			case c == '>':
				t.end = i + 1
				return t
			default:
				nameStart, st = i, attrName
				i++
			}
		case beforeValue:
			switch {
			case htmlutil.IsSpace(c):
				i++
			case c == '"' || c == '\'':
				j := strings.IndexByte(s[i+1:], c)
				if j < 0 {
					t.end = -1
					return t
				}
				endValue(s[i+1 : i+1+j])
				i += j + 2
				st = afterQuoted
			case c == '>':
				endValue("")
				t.end = i + 1
				return t
			default:
				nameStart, st = i, unquoted // nameStart: the value's start
			}
		case unquoted:
			switch {
			case htmlutil.IsSpace(c):
				endValue(s[nameStart:i])
				st = beforeName
				i++
			case c == '>':
				endValue(s[nameStart:i])
				t.end = i + 1
				return t
			default:
				i++
			}
		case afterQuoted:
			switch {
			case htmlutil.IsSpace(c):
				st = beforeName
				i++
			case c == '/':
				st = selfClosing
				i++
			case c == '>':
				t.end = i + 1
				return t
			default:
				st = beforeName
			}
		case selfClosing:
			if c == '>' {
				t.selfClosing = true
				t.end = i + 1
				return t
			}
			st = beforeName
		}
	}
	t.end = -1
	return t
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// commentEnd returns the index just past the end of a comment whose "<!--"
// ends at p, and where its text ends, or -1, -1 if the input ends first.
func commentEnd(s string, p int) (end, dataEnd int) {
	const (
		start = iota
		startDash
		text
		endDash
		end2 // after "--"
		endBang
	)
	st := start
	for i := p; i < len(s); i++ {
		c := s[i]
		switch st {
		case start:
			switch c {
			case '-':
				st = startDash
			case '>':
				return i + 1, p // <!-->
			default:
				st = text
			}
		case startDash:
			switch c {
			case '-':
				st = end2
			case '>':
				return i + 1, p // <!--->
			default:
				st = text
			}
		case text:
			j := strings.IndexByte(s[i:], '-')
			if j < 0 {
				return -1, -1
			}
			i += j
			st = endDash
		case endDash:
			if c == '-' {
				st = end2
			} else {
				st = text
			}
		case end2:
			switch c {
			case '>':
				return i + 1, i - 2
			case '!':
				st = endBang
			case '-':
			default:
				st = text
			}
		case endBang:
			switch c {
			case '-':
				st = endDash
			case '>':
				return i + 1, i - 3 // --!>
			default:
				st = text
			}
		}
	}
	return -1, -1
}

// markerLike reports whether a comment's text could read as a placeholder
// marker to the fallback script, which trims it: its first printable ASCII
// character is "?" (whitespace and anything outside ASCII are skipped, as
// more than JavaScript's trim removes).
func markerLike(data string) bool {
	for i := 0; i < len(data); i++ {
		if c := data[i]; c > ' ' && c < 0x7f {
			return c == '?'
		}
	}
	return false
}

// run reads the whole input.
func (f *framer) run() {
	s := f.src
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(s) {
			break // a "<" at the end is text
		}
		switch c := s[i+1]; {
		case htmlutil.IsASCIIAlpha(c):
			t := scanTag(s, i+1)
			if t.end < 0 {
				f.drop(i) // an unfinished tag: the tokenizer drops it
				i = len(s)
				break
			}
			i = f.startTag(i, t)
		case c == '/':
			i = f.endTagOpen(i)
		case c == '!':
			i = f.markupDeclaration(i)
		case c == '?':
			f.escape(i, i+1) // "<?": a processing instruction or a bogus comment
			i += 2
		default:
			i++
		}
	}
	f.finish()
}

// finish closes the templates of the input's own still open.
func (f *framer) finish() {
	for len(f.frames) > 0 {
		f.closeTables(len(f.src))
		f.insert(len(f.src), "</template>")
		f.popFrame()
	}
	f.closeTables(len(f.src))
	if f.out != nil {
		f.copyTo(len(f.src))
	}
}

// endTagOpen reads what follows "</" at i.
func (f *framer) endTagOpen(i int) int {
	s := f.src
	if i+2 >= len(s) {
		f.escape(i, i+1) // "</" at the end: it would open a bogus comment with what follows
		return len(s)
	}
	c := s[i+2]
	switch {
	case htmlutil.IsASCIIAlpha(c):
		t := scanTag(s, i+2)
		if t.end < 0 {
			f.drop(i)
			return len(s)
		}
		f.endTag(i, t)
		return t.end
	case c == '>':
		return i + 3 // "</>" is nothing
	}
	return f.bogusComment(i, i+2)
}

// bogusComment reads a bogus comment whose text starts at p, up to ">".
func (f *framer) bogusComment(i, p int) int {
	s := f.src
	j := strings.IndexByte(s[p:], '>')
	data := s[p:]
	if j >= 0 {
		data = s[p : p+j]
	}
	if markerLike(data) {
		f.insert(p, "_")
	}
	if j < 0 {
		f.insert(len(s), ">")
		return len(s)
	}
	return p + j + 1
}

// markupDeclaration reads what follows "<!" at i.
func (f *framer) markupDeclaration(i int) int {
	s := f.src
	rest := s[i+2:]
	switch {
	case strings.HasPrefix(rest, "--"):
		end, dataEnd := commentEnd(s, i+4)
		data := ""
		if end < 0 {
			data = s[i+4:]
		} else {
			data = s[i+4 : max(dataEnd, i+4)]
		}
		if markerLike(data) {
			f.insert(i+4, "_")
		}
		if end < 0 {
			f.insert(len(s), "-->")
			return len(s)
		}
		return end
	case htmlutil.HasPrefixFoldLower(rest, "doctype"):
		// A doctype ends at the first ">", quotes or not; there is no
		// comment to read as a marker.
		j := strings.IndexByte(rest, '>')
		if j < 0 {
			f.insert(len(s), ">")
			return len(s)
		}
		return i + 2 + j + 1
	case strings.HasPrefix(rest, "[CDATA["):
		switch f.ctx {
		case cForeign:
			// The current node is foreign (an integration point too):
			// a CDATA section, up to "]]>".
			j := strings.Index(rest, "]]>")
			if j < 0 {
				f.insert(len(s), "]]>")
				return len(s)
			}
			return i + 2 + j + 3
		case cUnsure:
			// A CDATA section or a bogus comment, depending on the
			// current node: made text.
			f.escape(i, i+1)
			return i + 2
		}
	}
	return f.bogusComment(i, i+2)
}

// ---- tree construction ----

var rawTextNames = [...]string{"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"}

// rawTextName returns the lower-case name if name is an element whose
// content is raw text or escapable raw text, else "".
func rawTextName(name string) string {
	for _, n := range rawTextNames {
		if htmlutil.EqualFoldLower(name, n) {
			return n
		}
	}
	return ""
}

// inHeadName reports whether a start tag in a fresh template is handled as
// in <head>, without deciding the template's insertion mode.
func inHeadName(name string) bool {
	switch {
	case htmlutil.EqualFoldLower(name, "script"), htmlutil.EqualFoldLower(name, "style"), htmlutil.EqualFoldLower(name, "template"), htmlutil.EqualFoldLower(name, "title"),
		htmlutil.EqualFoldLower(name, "noframes"), htmlutil.EqualFoldLower(name, "base"), htmlutil.EqualFoldLower(name, "basefont"), htmlutil.EqualFoldLower(name, "bgsound"),
		htmlutil.EqualFoldLower(name, "link"), htmlutil.EqualFoldLower(name, "meta"):
		return true
	}
	return false
}

// breakout reports whether a start tag in foreign content closes it
// (the list of the specification's tree construction for foreign content).
func breakout(t tagInfo) bool {
	switch len(t.name) {
	case 1:
		return strings.ContainsRune("bBiIpPsSuU", rune(t.name[0]))
	}
	for _, n := range [...]string{"big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
		"em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "img", "li", "listing", "menu", "meta",
		"nobr", "ol", "pre", "ruby", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "ul", "var"} {
		if htmlutil.EqualFoldLower(t.name, n) {
			return true
		}
	}
	return htmlutil.EqualFoldLower(t.name, "font") && t.fontBreak
}

// voidAtIP reports whether an HTML start tag at an integration point
// inserts nothing that stays open and changes nothing else, whatever the
// insertion mode (<col> is left out: in a table it closes elements).
func voidAtIP(name string) bool {
	for _, n := range [...]string{"area", "br", "embed", "hr", "img", "image", "input", "keygen", "wbr", "param",
		"source", "track", "link", "meta", "base", "basefont", "bgsound", "frame"} {
		if htmlutil.EqualFoldLower(name, n) {
			return true
		}
	}
	return false
}

// atIP reports whether a start tag named name would be processed as HTML
// at the current foreign element ("" for a question about the current node
// only: whether it is an HTML integration point or a MathML text one).
func (f *framer) atIP(name string) bool {
	top := f.fstack[len(f.fstack)-1]
	switch top.ip {
	case ipHTML:
		return true
	case ipText:
		return name == "" || !htmlutil.EqualFoldLower(name, "mglyph") && !htmlutil.EqualFoldLower(name, "malignmark")
	case ipAnnot:
		return htmlutil.EqualFoldLower(name, "svg")
	}
	return false
}

// ipOf returns the integration point kind of a foreign element.
func ipOf(ns uint8, t tagInfo) (uint8, bool) {
	n := t.name
	if ns == nsSVG {
		if htmlutil.EqualFoldLower(n, "foreignobject") || htmlutil.EqualFoldLower(n, "desc") || htmlutil.EqualFoldLower(n, "title") {
			return ipHTML, true
		}
		return ipNone, true
	}
	switch {
	case htmlutil.EqualFoldLower(n, "mi"), htmlutil.EqualFoldLower(n, "mo"), htmlutil.EqualFoldLower(n, "mn"), htmlutil.EqualFoldLower(n, "ms"), htmlutil.EqualFoldLower(n, "mtext"):
		return ipText, true
	case htmlutil.EqualFoldLower(n, "annotation-xml"):
		switch t.encoding {
		case 1:
			return ipHTML, true
		case -1:
			return 0, false
		}
		return ipAnnot, true
	}
	return ipNone, true
}

// openTemplate records a <template> of the input's own.
func (f *framer) openTemplate(outer fctx) {
	f.frames = append(f.frames, fframe{ctx: outer, base: f.base, tables: f.tables, cells: f.cells})
	f.base = len(f.fstack)
	f.ctx = cFresh
	f.tables, f.cells = 0, false
}

// popFrame returns to the content around the innermost template.
func (f *framer) popFrame() {
	fr := f.frames[len(f.frames)-1]
	f.frames = f.frames[:len(f.frames)-1]
	f.fstack = f.fstack[:f.base]
	f.base, f.ctx, f.tables, f.cells = fr.base, fr.ctx, fr.tables, fr.cells
}

// closeTables writes, before src[p], end tags for the tables and cells the
// current template may have open (those it has not are ignored by the
// parser: a template bounds every scope).
func (f *framer) closeTables(p int) {
	for ; f.tables > 0; f.tables-- {
		f.insert(p, "</table>")
	}
	if f.cells {
		f.insert(p, "</caption></td></th>")
		f.cells = false
	}
}

// markerElement reports whether a start tag would put a marker on the
// list of active formatting elements that a cell's end can leave behind
// (applet, marquee, object): such tags are made text.
func markerElement(name string) bool {
	return htmlutil.EqualFoldLower(name, "object") || htmlutil.EqualFoldLower(name, "applet") || htmlutil.EqualFoldLower(name, "marquee")
}

// startTag handles a start tag at i; it returns where reading goes on.
func (f *framer) startTag(i int, t tagInfo) int {
	name := t.name
	switch {
	case markerElement(name):
		f.escape(i, t.end)
		return t.end
	case htmlutil.EqualFoldLower(name, "table"):
		f.tables++
	case f.tables == 0 && (htmlutil.EqualFoldLower(name, "td") || htmlutil.EqualFoldLower(name, "th") || htmlutil.EqualFoldLower(name, "caption")):
		f.cells = true
	}
	switch f.ctx {
	case cForeign:
		if f.atIP(name) {
			return f.htmlAtIP(i, t)
		}
		if breakout(t) {
			// Foreign elements are popped up to an HTML integration
			// point, a MathML text integration point or HTML content,
			// and the tag is processed again, as HTML.
			for len(f.fstack) > f.base {
				if ip := f.fstack[len(f.fstack)-1].ip; ip == ipHTML || ip == ipText {
					return f.htmlAtIP(i, t)
				}
				f.fstack = f.fstack[:len(f.fstack)-1]
			}
			f.ctx = cHTML
			return f.htmlStart(i, t)
		}
		return f.foreignStart(i, t)
	case cFresh, cHTML:
		return f.htmlStart(i, t)
	case cColgroup:
		switch {
		case htmlutil.EqualFoldLower(name, "template"):
			f.openTemplate(cColgroup)
		case rawTextName(name) != "" || htmlutil.EqualFoldLower(name, "plaintext"):
			f.escape(i, t.end) // ignored by the specification; raw text to some parsers
		}
		return t.end
	case cSelect:
		switch {
		case htmlutil.EqualFoldLower(name, "template"):
			f.openTemplate(cSelect)
		case htmlutil.EqualFoldLower(name, "script"):
			return f.rawText(t.end, "script")
		case htmlutil.EqualFoldLower(name, "option"), htmlutil.EqualFoldLower(name, "optgroup"), htmlutil.EqualFoldLower(name, "hr"):
		case htmlutil.EqualFoldLower(name, "select"), htmlutil.EqualFoldLower(name, "input"):
			f.ctx = cHTML // both close the select
		case rawTextName(name) != "" || htmlutil.EqualFoldLower(name, "plaintext"):
			f.escape(i, t.end) // dropped by older parsers, raw text to newer ones
		default:
			f.ctx = cUnsure
		}
		return t.end
	}
	// cUnsure
	if htmlutil.EqualFoldLower(name, "template") || rawTextName(name) != "" || htmlutil.EqualFoldLower(name, "plaintext") {
		f.escape(i, t.end)
	}
	return t.end
}

// foreignStart handles a start tag that creates a foreign element.
func (f *framer) foreignStart(i int, t tagInfo) int {
	if htmlutil.EqualFoldLower(t.name, "template") {
		f.escape(i, t.end) // an SVG or MathML "template" would not be an HTML template
		return t.end
	}
	if t.selfClosing {
		return t.end
	}
	ns := f.fstack[len(f.fstack)-1].ns
	ip, ok := ipOf(ns, t)
	if !ok {
		f.ctx = cUnsure
		return t.end
	}
	f.fstack = append(f.fstack, felem{name: t.name, ns: ns, ip: ip})
	return t.end
}

// htmlAtIP handles a start tag processed as HTML at an integration point.
func (f *framer) htmlAtIP(i int, t tagInfo) int {
	name := t.name
	switch {
	case htmlutil.EqualFoldLower(name, "template"):
		// An HTML template, in the specification; parsers differ on
		// templates inside foreign content (golang.org/x/net/html ignores
		// the rest of the document), so it is made text.
		f.escape(i, t.end)
	case htmlutil.EqualFoldLower(name, "svg"), htmlutil.EqualFoldLower(name, "math"):
		if !t.selfClosing {
			ns := nsSVG
			if htmlutil.EqualFoldLower(name, "math") {
				ns = nsMath
			}
			ip, _ := ipOf(ns, t)
			f.fstack = append(f.fstack, felem{name: name, ns: ns, ip: ip})
		}
	case htmlutil.EqualFoldLower(name, "plaintext"):
		f.escape(i, t.end)
	case rawTextName(name) != "":
		return f.rawText(t.end, rawTextName(name))
	case voidAtIP(name):
	default:
		// An HTML element inside the integration point: which end tags
		// close it, and so when foreign content resumes, takes more of
		// tree construction than is modelled here.
		f.ctx = cUnsure
	}
	return t.end
}

// htmlStart handles a start tag in HTML content (cFresh or cHTML).
func (f *framer) htmlStart(i int, t tagInfo) int {
	name := t.name
	fresh := f.ctx == cFresh
	if fresh && !inHeadName(name) {
		f.ctx = cHTML // the template's insertion mode is decided
	}
	switch {
	case htmlutil.EqualFoldLower(name, "template"):
		outer := cHTML
		if fresh {
			outer = cFresh
		}
		f.openTemplate(outer)
	case htmlutil.EqualFoldLower(name, "svg"), htmlutil.EqualFoldLower(name, "math"):
		if !t.selfClosing {
			ns := nsSVG
			if htmlutil.EqualFoldLower(name, "math") {
				ns = nsMath
			}
			ip, _ := ipOf(ns, t)
			f.fstack = append(f.fstack[:f.base], felem{name: name, ns: ns, ip: ip})
			f.ctx = cForeign
		}
	case htmlutil.EqualFoldLower(name, "plaintext"):
		f.escape(i, t.end) // nothing would ever end it
	case rawTextName(name) != "":
		return f.rawText(t.end, rawTextName(name))
	case htmlutil.EqualFoldLower(name, "select"):
		f.ctx = cSelect
	case fresh && htmlutil.EqualFoldLower(name, "col"):
		f.ctx = cColgroup
	}
	return t.end
}

// endTag handles an end tag at i.
func (f *framer) endTag(i int, t tagInfo) {
	if htmlutil.EqualFoldLower(t.name, "template") {
		if len(f.frames) == 0 {
			f.escape(i, t.end) // it would close the carrier (or a template of the page)
			return
		}
		f.closeTables(i)
		f.popFrame()
		return
	}
	switch {
	case htmlutil.EqualFoldLower(t.name, "table"):
		if f.tables > 0 {
			f.tables--
		}
	case f.tables == 0 && (htmlutil.EqualFoldLower(t.name, "td") || htmlutil.EqualFoldLower(t.name, "th") || htmlutil.EqualFoldLower(t.name, "caption")):
		f.cells = false
	}
	switch f.ctx {
	case cForeign:
		for k := len(f.fstack) - 1; k >= f.base; k-- {
			if f.fstack[k].name != "" && eqFoldBoth(f.fstack[k].name, t.name) {
				f.fstack = f.fstack[:k]
				if k == f.base {
					f.ctx = cHTML
				}
				return
			}
		}
		// Processed as HTML: it may close elements around the foreign
		// content, or not.
		f.ctx = cUnsure
	case cSelect:
		switch {
		case htmlutil.EqualFoldLower(t.name, "select"):
			f.ctx = cHTML
		case htmlutil.EqualFoldLower(t.name, "option"), htmlutil.EqualFoldLower(t.name, "optgroup"):
		default:
			f.ctx = cUnsure
		}
	}
}

// eqFoldBoth compares two names as written, folding ASCII letters only.
func eqFoldBoth(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// rawText reads the content of a raw-text or escapable raw-text element
// starting at p, and its end tag; at the end of the input it writes the end
// tag. It returns where reading goes on.
func (f *framer) rawText(p int, name string) int {
	s := f.src
	var at int
	var closer string
	if name == "script" {
		at, closer = scriptEnd(s, p)
	} else {
		at, closer = rawTextEnd(s, p, name), "</"+name+">"
	}
	if at < 0 {
		f.insert(len(s), closer)
		return len(s)
	}
	t := scanTag(s, at+2)
	if t.end < 0 {
		// An unfinished end tag: dropped, and the element closed (from
		// the state the end tag was read in, its end tag does).
		f.drop(at)
		f.insert(len(s), "</"+name+">")
		return len(s)
	}
	return t.end
}

// isEndTagAt reports whether s[i:] is "</name" (ASCII case-insensitive)
// followed by a character that ends a tag name.
func isEndTagAt(s string, i int, name string) bool {
	j := i + 2 + len(name)
	return j < len(s) && s[i+1] == '/' && htmlutil.EqualFoldLower(s[i+2:j], name) && (htmlutil.IsSpace(s[j]) || s[j] == '/' || s[j] == '>')
}

// rawTextEnd returns the index of the end tag of a raw-text or escapable
// raw-text element whose content starts at p, or -1.
func rawTextEnd(s string, p int, name string) int {
	for i := p; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if isEndTagAt(s, i, name) {
			return i
		}
		i++
	}
}

// scriptEnd returns the index of the end tag of a script whose content
// starts at p, following the script data states (a "<!--" and a nested
// "<script>" hide the end tag), or -1 and what ends the script from where
// the input ends.
func scriptEnd(s string, p int) (int, string) {
	const (
		data = iota
		escaped
		escapedDash
		escapedDashDash
		double
		doubleDash
		doubleDashDash
	)
	st := data
	for i := p; i < len(s); i++ {
		c := s[i]
		switch st {
		case data:
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				return -1, "</script>"
			}
			i += j
			if isEndTagAt(s, i, "script") {
				return i, ""
			}
			if strings.HasPrefix(s[i:], "<!--") {
				st = escapedDashDash
				i += 3
			}
		case escaped, escapedDash, escapedDashDash:
			switch c {
			case '-':
				if st == escaped {
					st = escapedDash
				} else {
					st = escapedDashDash
				}
			case '>':
				if st == escapedDashDash {
					st = data
				} else {
					st = escaped
				}
			case '<':
				st = escaped
				switch {
				case isEndTagAt(s, i, "script"):
					return i, ""
				case i+1 < len(s) && htmlutil.IsASCIIAlpha(s[i+1]):
					// The double escape start state: "<script" and a
					// character that ends a tag name.
					j := i + 1
					for j < len(s) && htmlutil.IsASCIIAlpha(s[j]) {
						j++
					}
					if j < len(s) && htmlutil.EqualFoldLower(s[i+1:j], "script") && (htmlutil.IsSpace(s[j]) || s[j] == '/' || s[j] == '>') {
						st = double
						i = j // the delimiter is consumed
					} else {
						i = j - 1
					}
				}
			default:
				st = escaped
			}
		case double, doubleDash, doubleDashDash:
			switch c {
			case '-':
				if st == double {
					st = doubleDash
				} else {
					st = doubleDashDash
				}
			case '>':
				if st == doubleDashDash {
					st = data
				} else {
					st = double
				}
			case '<':
				st = double
				if i+1 < len(s) && s[i+1] == '/' {
					// The double escape end state: "</script" and a
					// character that ends a tag name.
					j := i + 2
					for j < len(s) && htmlutil.IsASCIIAlpha(s[j]) {
						j++
					}
					if j < len(s) && htmlutil.EqualFoldLower(s[i+2:j], "script") && (htmlutil.IsSpace(s[j]) || s[j] == '/' || s[j] == '>') {
						st = escaped
						i = j
					} else {
						i = j - 1
					}
				}
			default:
				st = double
			}
		}
	}
	switch st {
	case double, doubleDash, doubleDashDash:
		return -1, "--></script>"
	}
	return -1, "</script>"
}

// ScriptEnd returns the index in s of the end tag of a script whose content
// starts at p, as the HTML tokenizer finds it, or -1.
func ScriptEnd(s string, p int) int {
	at, _ := scriptEnd(s, p)
	return at
}
