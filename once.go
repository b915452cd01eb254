package runnel

import (
	"strings"
	"sync"
)

// Sequences read once.
//
// A {% for %} over a channel or an iterator reads it item by item. Its
// items are kept for the rest of the render when something else may need
// them again: a second loop over the same value, a {{ rows|length }}
// after the loop, the same loop run again (inside another loop, a block
// that block.super renders twice, a partial rendered twice). When nothing
// can, the loop releases each item once it has rendered it, and a table of
// millions of rows streams in constant memory.
//
// Whether anything else can is decided from the compiled templates, once
// per loop and root template: the loop must iterate a plain name or dotted
// path (no filters) that comes from the render's data, must not be inside
// another loop or a partial, and among every template the render can reach
// from its root (the extends chain and the templates included by name,
// each as often as it is included) no other expression may use that path,
// a prefix of it, or a longer path under it; a bare {% if rows %}, which
// needs only the first item, is allowed. A template that reaches further
// than the compiler can see ({% include %} or {% extends %} of a variable,
// {% debug %}, a custom tag that reads the context) keeps every item.

// onceInfo is what a compiled template tells about its uses of the data.
type onceInfo struct {
	refs       map[string]int  // variable paths used ("a.b"), by count
	truth      map[string]int  // of those, uses as a bare {% if %} condition
	includes   []onceInclude   // templates included by name
	parent     string          // the template extended by name
	loopBlocks map[string]bool // blocks defined inside a loop or a partial
	opaque     bool            // uses the data in ways not seen here
}

type onceInclude struct {
	name   string
	inLoop bool
}

func (c *compiler) onceInfo() *onceInfo {
	if c.tmpl.once == nil {
		c.tmpl.once = &onceInfo{refs: map[string]int{}, truth: map[string]int{}}
	}
	return c.tmpl.once
}

// useRef records the use of a variable path.
func (c *compiler) useRef(lookups []string) {
	c.onceInfo().refs[strings.Join(lookups, ".")]++
}

// opaque records a use of the data that the compiler cannot see.
func (c *compiler) opaque() { c.onceInfo().opaque = true }

// truthUses records the operands of e that only decide a condition.
func (c *compiler) truthUses(e *ifExpr) {
	switch {
	case e.operand != nil:
		if e.truthOnly && e.operand.v != nil && !e.operand.v.isLit {
			c.onceInfo().truth[e.operand.v.path()]++
		}
	case e.op == "and" || e.op == "or":
		c.truthUses(e.left)
		c.truthUses(e.right)
	case e.op == "not":
		c.truthUses(e.left)
	}
}

// path is the dotted path of a variable reference.
func (r *varRef) path() string {
	if len(r.steps) == 0 {
		return r.name
	}
	var b strings.Builder
	b.WriteString(r.name)
	for i := range r.steps {
		b.WriteByte('.')
		b.WriteString(r.steps[i].key)
	}
	return b.String()
}

// conflicts counts the uses in i that may read the items at path p.
func (i *onceInfo) conflicts(p string) int {
	n := 0
	for r, k := range i.refs {
		if r == p || strings.HasPrefix(p, r+".") || strings.HasPrefix(r, p+".") {
			n += k
			if r == p {
				n -= i.truth[r]
			}
		}
	}
	return n
}

// onceCache holds a root template's decisions, per loop.
type onceCache struct {
	m sync.Map // *forNode → bool
}

// readOnce reports whether loop n, rendering now, may release the items
// of its sequence as it goes.
func (s *state) readOnce(n *forNode) bool {
	root := s.rootTmpl
	if root == nil || root.once == nil || s.fromScope(n.seq.v.name) {
		return false
	}
	if !s.eng.dev {
		if v, ok := root.onceDecided.m.Load(n); ok {
			return v.(bool)
		}
	}
	ok := decideOnce(root, n)
	if !s.eng.dev {
		root.onceDecided.m.Store(n, ok)
	}
	return ok
}

// fromScope reports whether name is bound by the template (a with, a
// loop variable, an include's with) rather than taken from the data.
func (s *state) fromScope(name string) bool {
	for i := len(s.scope) - 1; i >= s.dataScope; i-- {
		if s.scope[i].name == name {
			return true
		}
	}
	return false
}

// decideOnce walks the templates root can reach and counts the uses of
// n's path.
func decideOnce(root *Template, n *forNode) bool {
	uses, visits := 0, 0
	ok := true
	// chain is t's inheritance chain so far, t last, for the origins that
	// its {% extends %} skips.
	var walk func(t *Template, inLoop bool, depth int, chain []*Template)
	walk = func(t *Template, inLoop bool, depth int, chain []*Template) {
		if !ok {
			return
		}
		i := t.once
		if depth > maxDepth || i == nil || i.opaque {
			ok = false
			return
		}
		if t == n.owner {
			visits++
			if inLoop {
				ok = false
			}
		}
		uses += i.conflicts(n.path)
		if n.block != "" && (i.loopBlocks[n.block] || i.refs["block.super"] > 0) {
			ok = false
		}
		for _, inc := range i.includes {
			it, err := root.eng.Template(inc.name)
			if err != nil {
				ok = false
				return
			}
			walk(it, inLoop || inc.inLoop, depth+1, []*Template{it})
		}
		if i.parent != "" {
			pt, err := root.eng.extendsParent(i.parent, chain)
			if err != nil {
				ok = false
				return
			}
			walk(pt, inLoop, depth+1, append(chain[:len(chain):len(chain)], pt))
		}
	}
	walk(root, false, 0, []*Template{root})
	return ok && visits == 1 && uses == 1
}
