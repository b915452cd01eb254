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

// render writes the words or paragraphs as they are made, looking at the
// render's context every checkEvery words or paragraphs (so a count from
// the data cannot make the render hold its output, or outlive its
// context); a count that is not an integer counts as 1.
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
		for i, w := range lorem.EachWord(int(count), n.common) {
			if i > 0 {
				if i%checkEvery == 0 {
					if err := s.isDone(); err != nil {
						return err
					}
				}
				s.out.WriteString(" ")
			}
			s.out.WriteString(w)
		}
		return nil
	}
	i := 0
	for p := range lorem.EachParagraph(int(count), n.common) {
		if i > 0 {
			if i%(checkEvery/16) == 0 {
				if err := s.isDone(); err != nil {
					return err
				}
			}
			s.out.WriteString("\n\n")
		}
		i++
		if n.method == "p" {
			s.out.WriteString("<p>")
			s.out.WriteString(p)
			s.out.WriteString("</p>")
		} else {
			s.out.WriteString(p)
		}
	}
	return nil
}
