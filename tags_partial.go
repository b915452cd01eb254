package runnel

import (
	"errors"
	"fmt"

	"github.com/runnelhq/runnel/syntax"
)

// Django 6's template partials: {% partialdef name [inline] %} defines a named
// fragment of a template, {% partial name %} renders it with the current
// context, and Engine.Template("page.html#name") returns it as a template of
// its own.

// init registers the partial tags.
func init() {
	registerTag("partialdef", syntax.TagShape{End: "endpartialdef"}, compilePartialDef)
	registerTag("partial", syntax.TagShape{}, compilePartial)
}

// partialDefNode is {% partialdef %}: it renders its body in place only when
// marked inline.
type partialDefNode struct {
	inline bool
	body   []node
}

// compilePartialDef parses {% partialdef %} and records the partial on the
// template being compiled, where {% partial %} and Engine.Template find it.
func compilePartialDef(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	inline := false
	switch len(bits) {
	case 0:
		return nil, errors.New("'partialdef' tag requires a name")
	case 1:
	case 2:
		if bits[1] != "inline" {
			return nil, errors.New("The 'inline' argument does not have any parameters; either use 'inline' or remove it completely.")
		}
		inline = true
	default:
		return nil, errors.New("'partialdef' tag takes at most 2 arguments")
	}
	name := bits[0]
	c.loopDepth++ // a partial may be rendered any number of times
	body, err := c.body(t.Branches[0])
	c.loopDepth--
	if err != nil {
		return nil, err
	}
	if end := t.End.Contents; end != "endpartialdef" && end != "endpartialdef "+name {
		return nil, c.errorf(t.End.Pos, "Invalid block tag on line %d: 'endpartialdef', expected 'endpartialdef' or 'endpartialdef %s'. Did you forget to register or load this tag?", t.End.Pos.Line, name)
	}
	if c.tmpl.partials == nil {
		c.tmpl.partials = map[string]*Template{}
	}
	if _, dup := c.tmpl.partials[name]; dup {
		return nil, fmt.Errorf("Partial '%s' is already defined in the '%s' template.", name, c.tmpl.name)
	}
	c.tmpl.partials[name] = &Template{eng: c.eng, name: c.tmpl.name + "#" + name, src: c.tmpl.src, nodes: body}
	return &partialDefNode{inline: inline, body: body}, nil
}

// render renders the body in place for an inline partial.
func (n *partialDefNode) render(s *state) error {
	if !n.inline {
		return nil
	}
	return s.renderNodes(n.body)
}

// partialNode is {% partial name %}. The partial is looked up when rendered,
// so it may be defined further down the template.
type partialNode struct {
	pos   syntax.Pos
	owner *Template
	name  string
}

// compilePartial parses {% partial name %}.
func compilePartial(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) != 1 {
		return nil, errors.New("'partial' tag requires a single argument")
	}
	return &partialNode{pos: t.Pos, owner: c.tmpl, name: bits[0]}, nil
}

// render renders the named partial with the current context.
func (n *partialNode) render(s *state) error {
	p := n.owner.partials[n.name]
	if p == nil {
		return s.errorf(n.pos, "Partial '%s' is not defined in the current template.", n.name)
	}
	if err := s.tick(); err != nil {
		return err
	}
	if s.depth++; s.depth > s.eng.includeDepth() {
		s.depth--
		return s.wrapErr(n.pos, s.depthErr(fmt.Sprintf("maximum partial depth (%d) exceeded: recursive {%% partial %s %%}?", s.eng.includeDepth(), n.name)))
	}
	// A partial renders with its own render context, as a template does.
	saved := s.rctx
	s.rctx = nil
	err := s.renderNodes(p.nodes)
	s.rctx = saved
	s.depth--
	return err
}
