package htmlutil

import (
	"strings"

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
	rs := []rune(text)
	pos := make([]int, len(rs)+1)
	k := 0
	for i := range text {
		pos[k] = i
		k++
	}
	pos[len(rs)] = len(text)
	for i := 1; i < len(rs); i++ {
		if !pystr.IsSpace(rs[i]) || pystr.IsSpace(rs[i-1]) {
			continue
		}
		j := i
		for j < len(rs) && pystr.IsSpace(rs[j]) {
			j++
		}
		if j < len(rs) {
			parts = append(parts, text[pos[start]:pos[i]])
			start = j
		}
		i = j
	}
	return append(parts, text[pos[start]:])
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
		rs := []rune(text)
		part = Escape(string(rs[:min(t.remaining, len(rs))]))
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

// truncateHTML is Truncator.chars or Truncator.words with html=True.
func Truncate(text string, length int, words bool) string {
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
	p := &parser{h: t, convertCharrefs: true}
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
