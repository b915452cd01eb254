package htmlutil

import (
	"strings"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/pystr"
	utext "github.com/runnelhq/runnel/internal/text"
)

// voidElements are the HTML elements without an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true,
	"wbr": true, "frame": true, "spacer": true,
}

// truncator is Django's TruncateHTMLParser: it copies tags and (escaped)
// text until the length is used up, then closes the open tags.
type truncator struct {
	out         strings.Builder
	outLen      int // length of out in code points
	tags        []string
	remaining   int
	replacement string
	words       bool
	// For characters: the requested length, the characters seen so far and
	// the length of the whole input.
	length, processed, rawLen int
}

// write appends to the output, counting code points.
func (t *truncator) write(s string) {
	t.out.WriteString(s)
	t.outLen += pystr.Len(s)
}

// startTag copies the tag and opens it unless it is void; a
// self-closing tag is closed again at once.
func (t *truncator) startTag(p *parser, tag string, selfClosing bool) {
	t.write(p.starttagText)
	if !voidElements[tag] {
		t.tags = append(t.tags, tag)
		if selfClosing {
			t.endTag(p, tag)
		}
	}
}

// endTag writes the end tag of a non-void element and closes it if it is
// the most recently opened one.
func (t *truncator) endTag(_ *parser, tag string) {
	if voidElements[tag] {
		return
	}
	t.write("</" + tag + ">")
	if n := len(t.tags); n > 0 && t.tags[n-1] == tag {
		t.tags = t.tags[:n-1]
	}
}

// entityRef handles an entity reference as text (unused: references are
// decoded in the text).
func (t *truncator) entityRef(p *parser, name string) { t.data(p, "&"+name+";") }

// charRef handles a character reference as text (unused, as entityRef).
func (t *truncator) charRef(p *parser, name string) { t.data(p, "&#"+name+";") }

// wordSplit splits text at whitespace that has non-whitespace on both sides
// (Python's re.split(r"(?<=\S)\s+(?=\S)", text)).
func wordSplit(text string) []string {
	var parts []string
	start := 0
	if text == "" {
		return []string{""}
	}
	r, w := utf8.DecodeRuneInString(text)
	prevSpace := pystr.IsSpace(r)
	for i := w; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		space := pystr.IsSpace(r)
		if !space || prevSpace {
			prevSpace = space
			i += w
			continue
		}
		j := i
		for j < len(text) {
			r, w := utf8.DecodeRuneInString(text[j:])
			if !pystr.IsSpace(r) {
				break
			}
			j += w
		}
		if j < len(text) {
			parts = append(parts, text[start:i])
			start = j
		}
		i, prevSpace = j, true
	}
	return append(parts, text[start:])
}

// prefixRunes is the first n code points of s.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// data copies as much of the text as the remaining length allows,
// escaped, and stops the parser with the truncation marker when it runs
// out. Words are counted by wordSplit, characters by code point.
func (t *truncator) data(p *parser, text string) {
	var n int
	var part string
	if t.words {
		words := wordSplit(text)
		n = len(words)
		part = Escape(strings.Join(words[:min(t.remaining, n)], " "))
	} else {
		n = pystr.Len(text)
		t.processed += n
		if t.processed == t.length && t.outLen+n == t.rawLen {
			t.write(text)
			p.stop = true
			return
		}
		part = Escape(prefixRunes(text, t.remaining))
	}
	if t.remaining < n {
		t.remaining = 0
		t.write(utext.AddTruncation(part, t.replacement))
		p.stop = true
		return
	}
	t.remaining -= n
	t.write(part)
}

// Truncate is Truncator.chars or Truncator.words with html=True.
func Truncate(text string, length int, words bool) string {
	return TruncateStop(text, length, words, nil)
}

// TruncateStop is Truncate that calls stop (when not nil) as it goes, and
// gives up when it returns true, returning what it has: the caller looks
// at why.
func TruncateStop(text string, length int, words bool, stop func() bool) string {
	if length <= 0 {
		return ""
	}
	t := &truncator{words: words}
	if words {
		t.remaining, t.replacement = length, " …"
	} else {
		t.remaining, t.replacement = max(length-1, 0), "…"
		t.length, t.rawLen = length, pystr.Len(text)
	}
	p := &parser{h: t, convertCharrefs: true, abort: stop}
	p.feed(text)
	if p.stop {
		for i := len(t.tags) - 1; i >= 0; i-- {
			t.write("</" + t.tags[i] + ">")
		}
	}
	return t.out.String()
}

// IsVoid reports whether tag is an HTML element without an end tag.
func IsVoid(tag string) bool { return voidElements[tag] }
