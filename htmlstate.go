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
// swap is impossible (inside a tag, <title>, <textarea>, <script>, <style>
// or a comment).

// htmlState packs a tokenizer state (low 4 bits), the raw-text element a tag
// being read will open (bits 4-6), and whether we are inside <svg> or
// <math> (bit 7).
type htmlState uint8

const (
	hData htmlState = iota
	hTag
	hTagDQ // inside a "…" attribute value
	hTagSQ // inside a '…' attribute value
	hRaw   // inside script/style/textarea/title (kind in bits 4-6)
	hComment
)

const (
	rawNone = iota
	rawScript
	rawStyle
	rawTextarea
	rawTitle
)

var rawNames = [...]string{rawScript: "script", rawStyle: "style", rawTextarea: "textarea", rawTitle: "title"}

const foreignBit htmlState = 1 << 7

func (h htmlState) base() htmlState { return h & 0x0f }
func (h htmlState) raw() int        { return int(h>>4) & 7 }
func (h htmlState) foreign() bool   { return h&foreignBit != 0 }

func mkState(base htmlState, raw int, foreign bool) htmlState {
	h := base | htmlState(raw)<<4
	if foreign {
		h |= foreignBit
	}
	return h
}

// describe names the context for error messages.
func (h htmlState) describe() string {
	switch h.base() {
	case hTag, hTagDQ, hTagSQ:
		return "inside a tag or attribute"
	case hRaw:
		return "inside <" + rawNames[h.raw()] + ">"
	case hComment:
		return "inside an HTML comment"
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
	lower := ""
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch base {
		case hData:
			if c != '<' || i+1 >= len(text) {
				continue
			}
			if strings.HasPrefix(text[i:], "<!--") {
				base = hComment
				i += 3
				continue
			}
			n := text[i+1]
			closing := n == '/'
			j := i + 1
			if closing {
				j++
			}
			if j >= len(text) || !isTagNameStart(text[j]) {
				continue
			}
			k := j
			for k < len(text) && (isTagNameStart(text[k]) || text[k] >= '0' && text[k] <= '9' || text[k] == '-') {
				k++
			}
			if lower == "" {
				lower = strings.ToLower(text)
			}
			name := lower[j:k]
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
			case '"':
				base = hTagDQ
			case '\'':
				base = hTagSQ
			case '>':
				selfClosing := i > 0 && text[i-1] == '/'
				if tag != nil && pendingName != "" {
					tag(pendingName, pendingClose, selfClosing)
				}
				pendingName = ""
				if raw != rawNone && !selfClosing {
					base = hRaw
				} else {
					base, raw = hData, rawNone
				}
			}
		case hTagDQ:
			if c == '"' {
				base = hTag
			}
		case hTagSQ:
			if c == '\'' {
				base = hTag
			}
		case hRaw:
			if c == '<' && i+2+len(rawNames[raw]) <= len(text) && text[i+1] == '/' {
				if lower == "" {
					lower = strings.ToLower(text)
				}
				if n := rawNames[raw]; strings.HasPrefix(lower[i+2:], n) {
					base, raw = hTag, rawNone
					pendingName, pendingClose = n, true
					i += 1 + len(n)
				}
			}
		case hComment:
			if strings.HasPrefix(text[i:], "-->") {
				base = hData
				i += 2
			}
		}
	}
	return mkState(base, raw, foreign)
}

func isTagNameStart(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// htmlTrans is a text node's effect on the state, for every start state.
type htmlTrans [256]htmlState

// transFor computes a text's transition table. Only states that can occur
// are computed; the rest map to themselves.
func transFor(text string) *htmlTrans {
	t := new(htmlTrans)
	for i := range t {
		h := htmlState(i)
		if h.base() > hComment || h.raw() > rawTitle {
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

// containerChain returns the serials of the elements that contain the
// current position, innermost last.
func (s *state) containerChain() []uint32 {
	out := make([]uint32, len(s.elems))
	for i, e := range s.elems {
		out[i] = e.serial
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
