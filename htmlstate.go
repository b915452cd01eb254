package runnel

import (
	"slices"
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// A small model of the HTML tokenizer's state, advanced by a template's
// static text (values are escaped, so they cannot change it). The renderer
// uses it to know when out-of-order content may be written (only between
// tags in ordinary content), and the compiler to refuse {% defer %} where a
// swap is impossible (inside a tag or an attribute, a comment, a doctype, a
// CDATA section, or an element whose content is raw text: <script>,
// <style>, <xmp>, <iframe>, <noembed>, <noframes>, <noscript> (browsers run
// scripts, so its content is raw text), <textarea>, <title>, <plaintext>).
// Only ASCII letters are case-folded, as the HTML tokenizer does. Where the
// model is unsure it errs towards "not in content", which only delays a
// section.

// htmlState packs a tokenizer state, the raw-text element a tag being read
// will open (or the one whose content is being read), and whether we are
// inside <svg> or <math> (the top bit). The low seven bits are a code:
// 0 data, 1 comment, 2 bogus comment or doctype, 3 CDATA, 4-13 the raw
// text of raw element 1-10, 14-68 a tag state (five of them) times the
// raw element it opens (0-10). See mkState.
type htmlState uint8

// Base tokenizer states.
const (
	hData    htmlState = iota
	hTag               // in a tag's name or between its attributes
	hTagEq             // after an attribute's "=", before its value
	hTagUnq            // in an unquoted attribute value
	hTagDQ             // inside a "…" attribute value
	hTagSQ             // inside a '…' attribute value
	hRaw               // inside a raw-text element (kind in raw())
	hComment           // inside <!-- … -->
	hBogus             // inside a bogus comment (<!x, </ x, <?x) or a doctype, up to ">"
	hCDATA             // inside <![CDATA[ … ]]> (foreign content only)
)

// Raw-text elements, by kind.
const (
	rawNone = iota
	rawScript
	rawStyle
	rawXmp
	rawIframe
	rawNoembed
	rawNoframes
	rawNoscript
	rawTextarea
	rawTitle
	rawPlaintext
	numRaw
)

var rawNames = [numRaw]string{rawScript: "script", rawStyle: "style", rawXmp: "xmp", rawIframe: "iframe",
	rawNoembed: "noembed", rawNoframes: "noframes", rawNoscript: "noscript", rawTextarea: "textarea",
	rawTitle: "title", rawPlaintext: "plaintext"}

const foreignBit htmlState = 1 << 7

const (
	codeRaw  = 4  // codes of hRaw: codeRaw + kind - 1
	codeTag  = 14 // codes of tag states: codeTag + (base-hTag)*numRaw + kind
	codeLast = codeTag + (hTagSQ-hTag+1)*numRaw - 1
)

// valid reports whether h is a state mkState can make.
func (h htmlState) valid() bool { return h&^foreignBit <= codeLast }

func (h htmlState) base() htmlState {
	switch c := h &^ foreignBit; {
	case c == 0:
		return hData
	case c == 1:
		return hComment
	case c == 2:
		return hBogus
	case c == 3:
		return hCDATA
	case c < codeTag:
		return hRaw
	default:
		return hTag + (c-codeTag)/numRaw
	}
}

func (h htmlState) raw() int {
	switch c := h &^ foreignBit; {
	case c < codeRaw:
		return rawNone
	case c < codeTag:
		return int(c-codeRaw) + 1
	default:
		return int(c-codeTag) % numRaw
	}
}

func (h htmlState) foreign() bool { return h&foreignBit != 0 }

func mkState(base htmlState, raw int, foreign bool) htmlState {
	var h htmlState
	switch base {
	case hData:
	case hComment:
		h = 1
	case hBogus:
		h = 2
	case hCDATA:
		h = 3
	case hRaw:
		h = codeRaw + htmlState(raw) - 1
	default:
		h = codeTag + (base-hTag)*numRaw + htmlState(raw)
	}
	if foreign {
		h |= foreignBit
	}
	return h
}

// describe names the context for error messages.
func (h htmlState) describe() string {
	switch h.base() {
	case hTag, hTagEq, hTagUnq, hTagDQ, hTagSQ:
		return "inside a tag or attribute"
	case hRaw:
		return "inside <" + rawNames[h.raw()] + ">"
	case hComment:
		return "inside an HTML comment"
	case hBogus:
		return "inside a doctype or a bogus comment (<!…>, </…>, <?…>)"
	case hCDATA:
		return "inside a CDATA section"
	}
	if h.foreign() {
		return "inside <svg>"
	}
	return "in content"
}

// advanceHTML returns the state after text, starting from h.
func advanceHTML(h htmlState, text string) htmlState {
	return scanHTML(h, text, nil)
}

// tagEvent is a start or end tag in a template's static text.
type tagEvent struct {
	name  string
	close bool
}

// tagEvents lists the start and end tags of text read from ordinary content
// (void and self-closing elements, which open nothing, are left out; see
// voidElements in filters_html.go).
func tagEvents(text string) []tagEvent {
	var evs []tagEvent
	scanHTML(hData, text, func(name string, closing, selfClosing bool) {
		if !selfClosing && !(htmlutil.IsVoid(name) && !closing) {
			evs = append(evs, tagEvent{name: name, close: closing})
		}
	})
	return evs
}

// scanHTML advances the state over text, calling tag (if not nil) for each
// complete tag read from ordinary content.
func scanHTML(h htmlState, text string, tag func(name string, closing, selfClosing bool)) htmlState {
	base, raw, foreign := h.base(), h.raw(), h.foreign()
	pendingName, pendingClose := "", false
	wasForeign := foreign // before the tag being read
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch base {
		case hData:
			j := strings.IndexByte(text[i:], '<')
			if j < 0 || i+j+1 >= len(text) {
				i = len(text)
				continue
			}
			i += j
			n := text[i+1]
			switch {
			case n == '!':
				switch rest := text[i+2:]; {
				case strings.HasPrefix(rest, "--"):
					base = hComment
					i += 3
					// <!--> and <!---> are whole comments.
					if strings.HasPrefix(rest[2:], ">") {
						base, i = hData, i+1
					} else if strings.HasPrefix(rest[2:], "->") {
						base, i = hData, i+2
					}
				case foreign && strings.HasPrefix(rest, "[CDATA["):
					base = hCDATA
					i += 8
				default: // a doctype or a bogus comment
					base = hBogus
					i++
				}
				continue
			case n == '?':
				base = hBogus
				i++
				continue
			case n == '/':
				if i+2 >= len(text) {
					i = len(text) // "</" ends the text: unknown, left as content
					continue
				}
				if text[i+2] == '>' {
					i += 2 // "</>" is nothing
					continue
				}
				if !htmlutil.IsASCIIAlpha(text[i+2]) {
					base = hBogus
					i++
					continue
				}
			case !htmlutil.IsASCIIAlpha(n):
				continue
			}
			closing := n == '/'
			j = i + 1
			if closing {
				j++
			}
			k := j
			for k < len(text) && !htmlutil.IsSpace(text[k]) && text[k] != '/' && text[k] != '>' {
				k++
			}
			name := htmlutil.LowerASCII(text[j:k])
			wasForeign = foreign
			switch {
			case name == "svg" || name == "math":
				foreign = !closing
			case !closing && !foreign:
				for r, rn := range rawNames {
					if rn != "" && rn == name {
						raw = r
					}
				}
			}
			pendingName, pendingClose = name, closing
			base = hTag
			i = k - 1
		case hTag:
			switch c {
			case '=':
				base = hTagEq
			case '>':
				selfClosing := i > 0 && text[i-1] == '/'
				if tag != nil && pendingName != "" {
					tag(pendingName, pendingClose, selfClosing)
				}
				if selfClosing && !pendingClose && (pendingName == "svg" || pendingName == "math") {
					foreign = wasForeign // <svg/> opens nothing
				}
				pendingName = ""
				if raw != rawNone {
					base = hRaw // HTML ignores "/>" on <script/> and the like
				} else {
					base = hData
				}
			}
		case hTagEq:
			switch {
			case c == '"':
				base = hTagDQ
			case c == '\'':
				base = hTagSQ
			case c == '>':
				base, i = hTag, i-1 // the tag ends: reconsumed
			case !htmlutil.IsSpace(c):
				base = hTagUnq
			}
		case hTagUnq:
			switch {
			case htmlutil.IsSpace(c):
				base = hTag
			case c == '>':
				base, i = hTag, i-1
			}
		case hTagDQ:
			if j := strings.IndexByte(text[i:], '"'); j < 0 {
				i = len(text)
			} else {
				i += j
				base = hTag
			}
		case hTagSQ:
			if j := strings.IndexByte(text[i:], '\''); j < 0 {
				i = len(text)
			} else {
				i += j
				base = hTag
			}
		case hRaw:
			if raw == rawPlaintext {
				i = len(text) // nothing ends it
				continue
			}
			n := rawNames[raw]
			j := strings.IndexByte(text[i:], '<')
			if j < 0 {
				i = len(text)
				continue
			}
			i += j
			if e := i + 2 + len(n); e < len(text) && text[i+1] == '/' && htmlutil.EqualFoldLower(text[i+2:e], n) &&
				(htmlutil.IsSpace(text[e]) || text[e] == '/' || text[e] == '>') {
				base, raw = hTag, rawNone
				pendingName, pendingClose = n, true
				i = e - 1
			}
		case hComment:
			j := strings.Index(text[i:], "--")
			if j < 0 {
				i = len(text)
				continue
			}
			i += j
			switch rest := text[i+2:]; {
			case strings.HasPrefix(rest, ">"):
				base, i = hData, i+2
			case strings.HasPrefix(rest, "!>"):
				base, i = hData, i+3
			}
		case hBogus:
			if j := strings.IndexByte(text[i:], '>'); j < 0 {
				i = len(text)
			} else {
				i += j
				base = hData
			}
		case hCDATA:
			if j := strings.Index(text[i:], "]]>"); j < 0 {
				i = len(text)
			} else {
				i += j + 2
				base = hData
			}
		}
	}
	return mkState(base, raw, foreign)
}

// htmlTrans is a text node's effect on the state, for every start state.
type htmlTrans [256]htmlState

// transFor computes a text's transition table. Only states that can occur
// are computed; the rest map to themselves.
func transFor(text string) *htmlTrans {
	t := new(htmlTrans)
	for i := range t {
		h := htmlState(i)
		if !h.valid() {
			t[i] = h
			continue
		}
		t[i] = advanceHTML(h, text)
	}
	return t
}

// elem is an element the page has opened, numbered so that a placeholder
// can remember which elements contain it.
type elem struct {
	name   string
	serial uint32
}

// impliedClose reports whether opening name closes an open element named
// open, as HTML's tree construction does for the common cases (a new <li>
// closes the open <li>, a block closes an open <p>, …).
func impliedClose(open, name string) bool {
	switch open {
	case "li":
		return name == "li"
	case "dt", "dd":
		return name == "dt" || name == "dd"
	case "option":
		return name == "option" || name == "optgroup"
	case "td", "th":
		return name == "td" || name == "th" || name == "tr" || name == "tbody" || name == "thead" || name == "tfoot"
	case "tr":
		return name == "tr" || name == "tbody" || name == "thead" || name == "tfoot"
	case "p":
		switch name {
		case "address", "article", "aside", "blockquote", "div", "dl", "fieldset", "figure", "footer", "form",
			"h1", "h2", "h3", "h4", "h5", "h6", "header", "main", "nav", "ol", "p", "pre", "section", "table", "ul":
			return true
		}
	}
	return false
}

// trackElements applies a text's start and end tags to the chain of open
// elements. It is only an approximation of the browser's tree: it decides
// whether a section can be patched natively, and a wrong guess only means
// the script does the move.
func (s *state) trackElements(evs []tagEvent) {
	for _, ev := range evs {
		if ev.close {
			for i := len(s.elems) - 1; i >= 0; i-- {
				if s.elems[i].name == ev.name {
					s.elems = s.elems[:i]
					break
				}
			}
			continue
		}
		for len(s.elems) > 0 && impliedClose(s.elems[len(s.elems)-1].name, ev.name) {
			s.elems = s.elems[:len(s.elems)-1]
		}
		if ev.name == "html" || ev.name == "body" || ev.name == "head" {
			continue // always open; never a placeholder's nearest container
		}
		s.serial++
		s.elems = append(s.elems, elem{name: ev.name, serial: s.serial})
	}
}

// appendContainerChain appends the serials of the elements that contain the
// current position, innermost last.
func (s *state) appendContainerChain(out []uint32) []uint32 {
	for _, e := range s.elems {
		out = append(out, e.serial)
	}
	return out
}

// canPatchNatively reports whether a <template for> written now would be a
// child of an element that contains the placeholder whose container chain
// is chain, which is when a browser applies it.
func (s *state) canPatchNatively(chain []uint32) bool {
	if len(s.elems) == 0 {
		return true // at body level
	}
	top := s.elems[len(s.elems)-1].serial
	return slices.Contains(chain, top)
}

// safePoint reports whether out-of-order content may be written now: the
// page is between tags in ordinary HTML content, not in foreign content.
func (s *state) safePoint() bool {
	return s.out == &s.main && s.html == hData
}
