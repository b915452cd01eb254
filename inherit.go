package runnel

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/runnelhq/runnel/internal/pystr"

	"github.com/runnelhq/runnel/syntax"
)

// Template inheritance: {% extends %}, {% block %} (with block.super) and
// {% include %}. Rendering is top-down: the child's {% extends %} registers
// the child's blocks and then renders the parent's nodes, which write the
// parent's <head> before any child block runs.

type blockNode struct {
	name string
	body []node
	tmpl *Template
	// The values of "block" inside this block, outside and inside an
	// inheritance chain, made once so that rendering allocates nothing.
	ref, refCtx *blockRef
}

func compileBlock(c *compiler, t *syntax.TagNode) (node, error) {
	bits := strings.Fields(t.Args)
	if len(bits) != 1 {
		return nil, fmt.Errorf("'block' tag takes only one argument")
	}
	name := bits[0]
	if _, dup := c.blocks[name]; dup {
		return nil, fmt.Errorf("'block' tag with name '%s' appears more than once", name)
	}
	n := &blockNode{name: name, tmpl: c.tmpl, ref: &blockRef{name: name}, refCtx: &blockRef{name: name, inCtx: true}}
	c.blocks[name] = n
	if c.loopDepth > 0 {
		if c.onceInfo().loopBlocks == nil {
			c.onceInfo().loopBlocks = map[string]bool{}
		}
		c.onceInfo().loopBlocks[name] = true
	}
	c.blockNames = append(c.blockNames, name)
	body, err := c.body(t.Branches[0])
	c.blockNames = c.blockNames[:len(c.blockNames)-1]
	if err != nil {
		return nil, err
	}
	// The parser has checked a named {% endblock name %} (TagShape.NamedEnd).
	n.body = body
	return n, nil
}

// blockContext is Django's BlockContext: for each block name, the chain of
// overriding blocks, most derived last.
type blockContext struct {
	names  []string
	stacks [][]*blockNode
	// chain is the inheritance chain so far, root first: the templates
	// found by name, whose origins the next {% extends %} skips (the
	// history of Django's ExtendsNode.find_template).
	chain []*Template
}

func (bc *blockContext) index(name string) int {
	for i, n := range bc.names {
		if n == name {
			return i
		}
	}
	return -1
}

// copyFrom makes bc a copy of src's blocks for a fork (an out-of-order
// section), in bc's own storage.
func (bc *blockContext) copyFrom(src *blockContext) {
	bc.names = append(bc.names[:0], src.names...)
	for len(bc.stacks) < len(src.names) {
		bc.stacks = append(bc.stacks, nil)
	}
	for i := range src.names {
		bc.stacks[i] = append(bc.stacks[i][:0], src.stacks[i]...)
	}
}

// reset empties the context, keeping its storage for the next render.
func (bc *blockContext) reset() {
	for i := range bc.stacks {
		clear(bc.stacks[i])
		bc.stacks[i] = bc.stacks[i][:0]
	}
	bc.names = bc.names[:0]
	clear(bc.chain)
	bc.chain = bc.chain[:0]
}

// slot returns the index of name's stack, adding an empty one if needed.
func (bc *blockContext) slot(name string) int {
	if i := bc.index(name); i >= 0 {
		return i
	}
	bc.names = append(bc.names, name)
	if len(bc.names) > len(bc.stacks) {
		bc.stacks = append(bc.stacks, nil)
	}
	return len(bc.names) - 1
}

// addBlocks puts blocks under (before) those already registered.
func (bc *blockContext) addBlocks(blocks []*blockNode) {
	for _, b := range blocks {
		i := bc.slot(b.name)
		st := append(bc.stacks[i], nil)
		copy(st[1:], st)
		st[0] = b
		bc.stacks[i] = st
	}
}

func (bc *blockContext) pop(name string) *blockNode {
	i := bc.index(name)
	if i < 0 || len(bc.stacks[i]) == 0 {
		return nil
	}
	st := bc.stacks[i]
	b := st[len(st)-1]
	bc.stacks[i] = st[:len(st)-1]
	return b
}

func (bc *blockContext) push(name string, b *blockNode) {
	i := bc.slot(name)
	bc.stacks[i] = append(bc.stacks[i], b)
}

func (bc *blockContext) get(name string) *blockNode {
	i := bc.index(name)
	if i < 0 || len(bc.stacks[i]) == 0 {
		return nil
	}
	return bc.stacks[i][len(bc.stacks[i])-1]
}

// blockRef is the "block" variable inside a block: {{ block.super }}.
type blockRef struct {
	name  string
	inCtx bool // false when rendered outside any inheritance chain
}

func (n *blockNode) render(s *state) error {
	mark := s.push()
	if s.blocks == nil {
		s.set("block", n.ref)
		err := n.renderBody(s, n)
		s.pop(mark)
		return err
	}
	pushed := s.blocks.pop(n.name)
	b := pushed
	if b == nil {
		b = n
	}
	s.set("block", n.refCtx)
	err := n.renderBody(s, b)
	s.pop(mark)
	if pushed != nil {
		s.blocks.push(n.name, pushed)
	}
	return err
}

// renderBody renders b's body with the current template set to b's own, so
// that errors and relative paths refer to where the block was written.
func (n *blockNode) renderBody(s *state, b *blockNode) error {
	saved := s.tmpl
	s.tmpl = b.tmpl
	err := s.renderNodes(b.body)
	s.tmpl = saved
	return err
}

// super renders the parent's version of the block, as {{ block.super }}.
func (r *blockRef) super(s *state) (any, error) {
	if !r.inCtx || s.blocks == nil {
		return nil, fmt.Errorf("'BlockNode' object has no attribute 'context'. Did you use {{ block.super }} in a base template?")
	}
	if s.blocks.get(r.name) == nil {
		return SafeString(""), nil
	}
	if s.depth++; s.depth > s.eng.includeDepth() {
		s.depth--
		return nil, s.depthErr("maximum template depth exceeded in block.super")
	}
	defer func() { s.depth-- }()
	saved := s.out
	tmp := &output{max: s.eng.valueBound(), done: s.root}
	s.out = tmp
	err := (&blockNode{name: r.name, ref: r, refCtx: r}).render(s)
	s.out = saved
	if err != nil && isVarDoesNotExist(err) {
		// Django: the VariableDoesNotExist of a filter argument raised while
		// rendering the parent's block is met by the lookup of block.super,
		// which is then a failed lookup: string_if_invalid, its text so far
		// dropped, filters applied as to any invalid variable.
		return undefined, nil
	}
	return SafeString(tmp.buf), err
}

// ---- extends ----

type extendsNode struct {
	pos    syntax.Pos
	parent *filterExpr
	name   string // constant parent name, resolved relative to the child
	// found is the parent found for name when the chain is this
	// template alone (the leaf of its chain).
	found atomic.Pointer[foundTemplate]
}

func compileExtends(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) != 1 {
		return nil, fmt.Errorf("'extends' takes one argument")
	}
	n := &extendsNode{pos: t.Pos}
	var err error
	n.name, n.parent, err = c.templateRef(bits[0], false)
	if n.parent != nil {
		c.opaque()
	}
	c.onceInfo().parent = n.name
	return n, err
}

// templateRef compiles the template argument of {% extends %} and
// {% include %}: a string literal (resolved now, relative to the current
// template if it starts with ./ or ../) or any other expression. Only an
// include may name its own template.
func (c *compiler) templateRef(arg string, allowRecursion bool) (string, *filterExpr, error) {
	fe, err := c.filterExpr(arg)
	if err != nil {
		return "", nil, err
	}
	if fe.v != nil && fe.v.isLit && !fe.v.translate && len(fe.filters) == 0 {
		if lit, ok := fe.v.lit.(SafeString); ok {
			name, err := relativeName(c.tmpl.name, string(lit), arg, allowRecursion)
			return name, nil, err
		}
	}
	return "", fe, nil
}

// relativeName resolves a template name starting with ./ or ../ against the
// current template's, as Django's construct_relative_path does; raw is the
// name as written, for the error messages.
func relativeName(current, name, raw string, allowRecursion bool) (string, error) {
	if !strings.HasPrefix(name, "./") && !strings.HasPrefix(name, "../") {
		return name, nil
	}
	if current == "" {
		return "", fmt.Errorf("The relative path %s cannot be evaluated due to an unknown template origin.", raw)
	}
	joined := path.Join(path.Dir(strings.TrimLeft(current, "/")), name)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return "", fmt.Errorf("The relative path '%s' points outside the file hierarchy that template '%s' is in.", raw, current)
	}
	if !allowRecursion && joined == strings.TrimLeft(current, "/") {
		return "", fmt.Errorf("The relative path '%s' was translated to template name '%s', the same template in which the tag appears.", raw, current)
	}
	return joined, nil
}

// templateNamed loads the template called name, relative to the current
// template if name starts with ./ or ../.
func (s *state) templateNamed(name string) (*Template, error) {
	name, err := relativeName(s.tmpl.name, name, name, true)
	if err != nil {
		return nil, err
	}
	return s.eng.Template(name)
}

// parentTemplate resolves the parent named by {% extends expr %} as
// Django's ExtendsNode.get_parent does: a *Template, or a template name,
// searched for skipping the chain's origins (bc.chain). A name from a
// variable is not resolved relative to the current template: as in Django,
// only a string literal is ("./x.html" from a variable is "x.html" of a
// directory). byName is false for a *Template value, which Django does not
// add to the chain's origins.
func (n *extendsNode) parentTemplate(s *state, bc *blockContext) (t *Template, byName bool, err error) {
	v, err := n.parent.resolve(s, false)
	if err != nil {
		return nil, false, err
	}
	v = indirect(definedOr(v, ""))
	if t, ok := v.(*Template); ok {
		return t, false, nil
	}
	if !truthy(v) {
		msg := fmt.Sprintf("Invalid template name in 'extends' tag: %s.", pyRepr(v))
		if len(n.parent.filters) > 0 || !n.parent.v.isLit {
			msg += fmt.Sprintf(" Got this from the '%s' variable.", n.parent.src)
		}
		return nil, false, syntaxErrorf(msg)
	}
	name, ok := isString(v)
	if !ok {
		return nil, false, syntaxErrorf(fmt.Sprintf("Invalid template name in 'extends' tag: %s.", pyRepr(v)))
	}
	t, err = s.eng.extendsParent(name, bc.chain)
	return t, true, err
}

func (n *extendsNode) render(s *state) error {
	if s.blocks == nil {
		// The first inheritance chain of a render uses the pooled context;
		// an included template that extends another gets its own.
		if !s.bcUsed {
			s.blocks, s.bcUsed = &s.bc, true
		} else {
			s.blocks = &blockContext{}
		}
	}
	bc := s.blocks
	if len(bc.chain) == 0 {
		bc.chain = append(bc.chain, s.tmpl)
	}
	var parent *Template
	var err error
	byName := true
	if n.parent == nil {
		if k := len(bc.chain); k < len(s.preluded) && slices.Equal(bc.chain, s.preluded[:k]) {
			parent = s.preluded[k] // found by the prelude, for the same chain
		} else if len(bc.chain) == 1 && bc.chain[0] == s.tmpl {
			parent, err = s.eng.foundBy(&n.found, func() (*Template, error) { return s.eng.extendsParent(n.name, bc.chain) })
		} else {
			parent, err = s.eng.extendsParent(n.name, bc.chain)
		}
	} else {
		parent, byName, err = n.parentTemplate(s, bc)
	}
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	if s.depth++; s.depth > s.eng.includeDepth() {
		s.depth--
		return s.wrapErr(n.pos, s.depthErr(fmt.Sprintf("{%% extends %%} recursion: template %s extends itself", s.tmpl.name)))
	}
	defer func() { s.depth-- }()
	if byName {
		bc.chain = append(bc.chain, parent)
	}
	bc.addBlocks(s.tmpl.blockList)
	if parent.extends == nil {
		bc.addBlocks(parent.blockList)
	}
	return parent.execute(s)
}

// ---- include ----

type includeNode struct {
	pos      syntax.Pos
	tmpl     *filterExpr
	name     string // constant name
	names    []string
	exprs    []*filterExpr
	isolated bool
	found    atomic.Pointer[foundTemplate] // the template found for name
}

func compileInclude(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) < 1 {
		return nil, fmt.Errorf("'include' tag takes at least one argument: the name of the template to be included.")
	}
	n := &includeNode{pos: t.Pos}
	rest := bits[1:]
	seen := map[string]bool{}
	for len(rest) > 0 {
		opt := rest[0]
		rest = rest[1:]
		if seen[opt] {
			return nil, fmt.Errorf("The %s option was specified more than once.", pystr.Repr(opt))
		}
		seen[opt] = true
		switch opt {
		case "with":
			names, exprs, err := c.tokenKwargs(&rest, false)
			if err != nil {
				return nil, err
			}
			if len(names) == 0 {
				return nil, fmt.Errorf("\"with\" in 'include' tag needs at least one keyword argument.")
			}
			n.names, n.exprs = names, exprs
		case "only":
			n.isolated = true
		default:
			return nil, fmt.Errorf("Unknown argument for 'include' tag: %s.", pystr.Repr(opt))
		}
	}
	var err error
	n.name, n.tmpl, err = c.templateRef(bits[0], true)
	if n.tmpl != nil {
		c.opaque()
	} else {
		c.onceInfo().includes = append(c.onceInfo().includes, onceInclude{name: n.name, inLoop: c.loopDepth > 0})
	}
	return n, err
}

func (n *includeNode) render(s *state) error {
	var t *Template
	var err error
	if n.tmpl == nil {
		t, err = s.eng.foundBy(&n.found, func() (*Template, error) { return s.eng.Template(n.name) })
	} else {
		var v any
		if v, err = n.tmpl.resolve(s, false); err == nil {
			t, err = s.includeTemplate(v)
		}
	}
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	// Resolve the with-values in the including scope before isolating.
	var vals []any
	for _, fe := range n.exprs {
		v, err := fe.resolve(s, false)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		vals = append(vals, v)
	}
	return s.renderIncluded(n.pos, t, n.names, vals, n.isolated)
}

// errNoTemplateNames is Django's TemplateDoesNotExist("No template names
// provided"), for an include of an empty name or list.
var errNoTemplateNames = fmt.Errorf("No template names provided: %w", ErrTemplateNotFound)

// includeTemplate resolves an include's variable as Django's IncludeNode
// does: a template, a name, or a list of names of which the first that
// exists is used (select_template).
func (s *state) includeTemplate(v any) (*Template, error) {
	v = indirect(definedOr(v, ""))
	if t, ok := v.(*Template); ok {
		return t, nil
	}
	if !truthy(v) {
		return nil, errNoTemplateNames
	}
	if name, ok := isString(v); ok {
		// Unlike {% extends %}, Django's IncludeNode resolves a name from
		// a variable relative to the current template (a list's names are
		// not); an include does not skip origins.
		return s.templateNamed(name)
	}
	names, ok := toList(v)
	if !ok {
		return nil, fmt.Errorf("Invalid template name in 'include' tag: %s.", pyRepr(v))
	}
	var notFound []string
	var tried []Tried
	for _, nm := range names {
		if t, ok := indirect(nm).(*Template); ok {
			return t, nil
		}
		name, ok := isString(nm)
		if !ok {
			return nil, fmt.Errorf("Invalid template name in 'include' tag: %s.", pyRepr(nm))
		}
		t, err := s.eng.Template(name)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrTemplateNotFound) {
			return nil, err
		}
		notFound = append(notFound, name)
		if nf := (*TemplateDoesNotExistError)(nil); errors.As(err, &nf) {
			tried = append(tried, nf.Tried...)
		}
	}
	// Django's select_template: the names joined, and every origin tried.
	return nil, &TemplateDoesNotExistError{Name: strings.Join(notFound, ", "), Tried: tried}
}

// renderIncluded renders t in place with extra bindings, with its own render
// context (blocks, cycles) as Django's include does.
func (s *state) renderIncluded(pos syntax.Pos, t *Template, names []string, vals []any, isolated bool) error {
	if err := s.tick(); err != nil {
		return err
	}
	if s.depth++; s.depth > s.eng.includeDepth() {
		s.depth--
		return s.wrapErr(pos, s.depthErr(fmt.Sprintf("maximum include depth (%d) exceeded: recursive {%% include %%} of %s?", s.eng.includeDepth(), t.name)))
	}
	savedBlocks, savedRctx, savedLoop := s.blocks, s.rctx, s.loop
	savedData, savedMap, savedScope := s.data, s.dataMap, s.scope
	s.blocks, s.rctx = nil, nil
	mark := s.push()
	if isolated {
		s.data, s.dataMap, s.loop = nil, nil, nil
		s.newRootGen()
		s.scope = make([]binding, 0, len(names))
		mark = 0
	}
	for i, name := range names {
		s.set(name, vals[i])
	}
	err := t.execute(s)
	if isolated {
		s.scope = savedScope
	} else {
		s.pop(mark)
	}
	s.blocks, s.rctx, s.loop = savedBlocks, savedRctx, savedLoop
	s.data, s.dataMap = savedData, savedMap
	if isolated {
		s.newRootGen()
	}
	s.depth--
	return err
}
