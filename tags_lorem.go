package runnel

import (
	"fmt"

	"github.com/runnelhq/runnel/internal/lorem"
	"github.com/runnelhq/runnel/syntax"
)

// {% lorem [count] [w|p|b] [random] %}: Django's lorem ipsum generator
// (django.utils.lorem_ipsum), with its word lists and common paragraph.

// init registers {% lorem %}.
func init() {
	registerTag("lorem", syntax.TagShape{}, compileLorem)
}

// loremNode is a compiled {% lorem %} tag.
type loremNode struct {
	count  *filterExpr
	method string // "w", "p" or "b"
	common bool
}

// compileLorem parses {% lorem [count] [method] [random] %} as Django does.
func compileLorem(c *compiler, t *syntax.TagNode) (node, error) {
	bits := miscBits(t)
	n := &loremNode{method: "b", common: bits[len(bits)-1] != "random"}
	if !n.common {
		bits = bits[:len(bits)-1]
	}
	if m := bits[len(bits)-1]; m == "w" || m == "p" || m == "b" {
		n.method = m
		bits = bits[:len(bits)-1]
	}
	count := "1"
	if len(bits) > 1 {
		count = bits[len(bits)-1]
		bits = bits[:len(bits)-1]
	}
	fe, err := c.filterExpr(count)
	if err != nil {
		return nil, err
	}
	if len(bits) != 1 {
		return nil, fmt.Errorf("Incorrect format for '%s' tag", bits[0])
	}
	n.count = fe
	return n, nil
}

// render writes the words or paragraphs; a count that is not an integer
// counts as 1.
func (n *loremNode) render(s *state) error {
	v, err := n.count.resolve(s, false)
	if err != nil {
		return err
	}
	count, ok := miscPyInt(v)
	if !ok {
		count = 1
	}
	if n.method == "w" {
		s.out.WriteString(lorem.Words(int(count), n.common))
		return nil
	}
	for i, p := range lorem.Paragraphs(int(count), n.common) {
		if i > 0 {
			s.out.WriteString("\n\n")
		}
		if n.method == "p" {
			s.out.WriteString("<p>" + p + "</p>")
		} else {
			s.out.WriteString(p)
		}
	}
	return nil
}
