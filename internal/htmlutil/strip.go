package htmlutil

import (
	"errors"
	"regexp"
	"strings"
)

// maxStripTagsDepth bounds the passes of stripTags, as Django's
// MAX_STRIP_TAGS_DEPTH does.
const maxStripTagsDepth = 50

// ErrSuspicious is Django's SuspiciousOperation from strip_tags.
var ErrSuspicious = errors.New("SuspiciousOperation: strip_tags input nests too deeply")

// longOpenTag finds start tags left open for more than 1000 characters.
var longOpenTag = regexp.MustCompile(`<[a-zA-Z][^>]{1000,}`)

// stripTags is django.utils.html.strip_tags: it removes what Python's
// HTMLParser sees as tags, comments and declarations, repeating while that
// removes more "<", and keeps text and character references as they were.
func StripTags(value string) (string, error) { return StripTagsStop(value, nil) }

// StripTagsStop is StripTags that calls stop (when not nil) as it goes,
// and gives up when it returns true, returning what it has: the caller
// looks at why.
func StripTagsStop(value string, stop func() bool) (string, error) {
	for _, m := range longOpenTag.FindAllString(value, -1) {
		if strings.Count(m, "<") >= maxStripTagsDepth {
			return "", ErrSuspicious
		}
	}
	for depth := 0; strings.Contains(value, "<") && strings.Contains(value, ">"); depth++ {
		if depth >= maxStripTagsDepth {
			return "", ErrSuspicious
		}
		if stop != nil && stop() {
			return value, nil
		}
		next := stripOnce(value, stop)
		if strings.Count(value, "<") == strings.Count(next, "<") {
			break
		}
		value = next
	}
	return value, nil
}

// stripper collects the text strip_tags keeps.
type stripper struct{ b strings.Builder }

// startTag drops the tag.
func (st *stripper) startTag(*parser, string, bool) {}

// endTag drops the tag.
func (st *stripper) endTag(*parser, string) {}

// data keeps the text.
func (st *stripper) data(_ *parser, s string) { st.b.WriteString(s) }

// entityRef keeps the reference, with its semicolon.
func (st *stripper) entityRef(_ *parser, name string) { st.b.WriteString("&" + name + ";") }

// charRef keeps the reference, with its semicolon.
func (st *stripper) charRef(_ *parser, name string) { st.b.WriteString("&#" + name + ";") }

// stripOnce is one pass of Django's MLStripper.
func stripOnce(value string, stop func() bool) string {
	st := &stripper{}
	p := &parser{h: st, abort: stop}
	p.feed(value)
	p.close()
	return st.b.String()
}
