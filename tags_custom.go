package runnel

import (
	"fmt"

	"github.com/runnelhq/runnel/syntax"
)

// simpleTagNode is a call of a tag registered with Library.SimpleTag or
// Library.InclusionTag.
type simpleTagNode struct {
	pos    syntax.Pos
	name   string
	fn     *callable
	args   []*filterExpr
	kwKeys []string
	kwVals []*filterExpr
	target string // "as" variable
	tmpl   string // inclusion template
	body   []node // a simple block tag's body ("content")
	block  bool   // a simple block tag: body is the first positional argument
}

// compileSimpleTag parses "arg arg key=value … [as var]" the way Django's
// parse_bits does, checking the arguments against fn's parameters.
func compileSimpleTag(c *compiler, t *syntax.TagNode, fn *callable, tmpl string) (node, error) {
	return compileTagArgs(c, t, &simpleTagNode{pos: t.Pos, name: t.Name, fn: fn, tmpl: tmpl})
}

// compileSimpleBlockTag compiles a simple block tag: its arguments as a
// simple tag's, and its body, which fills the function's first positional
// parameter.
func compileSimpleBlockTag(c *compiler, t *syntax.TagNode, fn *callable) (node, error) {
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return compileTagArgs(c, t, &simpleTagNode{pos: t.Pos, name: t.Name, fn: fn, body: body, block: true})
}

// compileTagArgs parses the arguments of a simple, inclusion or simple
// block tag into n.
func compileTagArgs(c *compiler, t *syntax.TagNode, n *simpleTagNode) (node, error) {
	fn := n.fn
	fixed := fn.fixed // positional parameters the template must fill
	if n.block {
		fixed--
	}
	if fn.vars {
		c.opaque() // takes_context: it may read any variable
	}
	bits := syntax.SplitContents(t.Args)
	if n.tmpl == "" && len(bits) >= 2 && bits[len(bits)-2] == "as" {
		n.target = bits[len(bits)-1]
		bits = bits[:len(bits)-2]
	}
	seen := map[string]bool{}
	for _, bit := range bits {
		if m := kwargRe.FindStringSubmatch(bit); m != nil && m[1] != "" {
			if !fn.kwargs {
				return nil, fmt.Errorf("'%s' received unexpected keyword argument '%s'", t.Name, m[1])
			}
			if seen[m[1]] {
				return nil, fmt.Errorf("'%s' received multiple values for keyword argument '%s'", t.Name, m[1])
			}
			seen[m[1]] = true
			fe, err := c.filterExpr(m[2])
			if err != nil {
				return nil, err
			}
			n.kwKeys = append(n.kwKeys, m[1])
			n.kwVals = append(n.kwVals, fe)
			continue
		}
		if len(n.kwKeys) > 0 {
			return nil, fmt.Errorf("'%s' received some positional argument(s) after some keyword argument(s)", t.Name)
		}
		fe, err := c.filterExpr(bit)
		if err != nil {
			return nil, err
		}
		if len(n.args) == fixed && !fn.variadic {
			return nil, fmt.Errorf("'%s' received too many positional arguments", t.Name)
		}
		n.args = append(n.args, fe)
	}
	if len(n.args) < fixed {
		return nil, fmt.Errorf("'%s' did not receive value(s) for the argument(s): %d more positional argument(s)", t.Name, fixed-len(n.args))
	}
	return n, nil
}

func (n *simpleTagNode) render(s *state) error {
	args := make([]any, 0, len(n.args)+1)
	if n.block {
		content, err := s.capture(n.body)
		if err != nil {
			return err
		}
		args = append(args, SafeString(content))
	}
	for _, fe := range n.args {
		v, err := fe.resolve(s, false)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		args = append(args, definedOr(v, ""))
	}
	var kwargs map[string]any
	if len(n.kwKeys) > 0 {
		kwargs = make(map[string]any, len(n.kwKeys))
		for i, fe := range n.kwVals {
			v, err := fe.resolve(s, false)
			if err != nil {
				return s.wrapErr(n.pos, err)
			}
			kwargs[n.kwKeys[i]] = definedOr(v, "")
		}
	}
	out, err := n.fn.call(s, args, kwargs)
	if err != nil {
		return s.wrapErr(n.pos, fmt.Errorf("%s: %w", n.name, err))
	}
	if n.tmpl != "" {
		return n.renderInclusion(s, out)
	}
	if n.target != "" {
		s.setUpward(n.target, out)
		return nil
	}
	s.writeValue(out)
	return nil
}

func (n *simpleTagNode) renderInclusion(s *state, out any) error {
	t, err := s.eng.Template(n.tmpl)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	var names []string
	var vals []any
	switch m := indirect(out).(type) {
	case map[string]any:
		for _, k := range sortedStringKeys(m) {
			names = append(names, k)
			vals = append(vals, m[k])
		}
	case *OrderedMap:
		for _, k := range m.Keys() {
			v, _ := m.Get(k)
			names = append(names, k)
			vals = append(vals, v)
		}
	case nil:
	default:
		return s.errorf(n.pos, "%s: inclusion tag must return a map[string]any, got %T", n.name, out)
	}
	if tok, ok := s.lookupName("csrf_token"); ok {
		names = append(names, "csrf_token")
		vals = append(vals, tok)
	}
	return s.renderIncluded(n.pos, t, names, vals, true)
}
