package runnel

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/runnelhq/runnel/internal/pystr"

	"github.com/runnelhq/runnel/syntax"
)

// This file holds the structural tags: if, for, with, block, extends,
// include, autoescape, comment, verbatim and load.

func init() {
	registerTag("if", syntax.TagShape{End: "endif", Middles: []string{"elif", "else"}}, compileIf)
	registerTag("for", syntax.TagShape{End: "endfor", Middles: []string{"empty"}}, compileFor)
	registerTag("with", syntax.TagShape{End: "endwith"}, compileWith)
	registerTag("block", syntax.TagShape{End: "endblock", NamedEnd: true}, compileBlock)
	registerTag("extends", syntax.TagShape{}, compileExtends)
	registerTag("include", syntax.TagShape{}, compileInclude)
	registerTag("autoescape", syntax.TagShape{End: "endautoescape"}, compileAutoescape)
	registerTag("comment", syntax.TagShape{End: "endcomment", Raw: true}, func(*compiler, *syntax.TagNode) (node, error) { return nil, nil })
	registerTag("verbatim", syntax.TagShape{End: "endverbatim"}, compileVerbatim)
	registerTag("load", syntax.TagShape{}, func(*compiler, *syntax.TagNode) (node, error) { return nil, nil })
}

// ---- if ----

type ifNode struct {
	pos      syntax.Pos
	branches []ifBranch
}

type ifBranch struct {
	cond *ifExpr // nil for else
	body []node
}

func compileIf(c *compiler, t *syntax.TagNode) (node, error) {
	n := &ifNode{pos: t.Pos}
	for i, b := range t.Branches {
		var cond *ifExpr
		if b.Name != "else" {
			se, err := syntax.ParseIfWith(syntax.SplitContents(b.Args), c.parseFilterExpr)
			if err != nil {
				return nil, c.wrap(b.Tag.Pos, err)
			}
			if cond, err = c.ifExpr(se); err != nil {
				return nil, c.wrap(b.Tag.Pos, err)
			}
			cond.markTruthOnly()
			c.truthUses(cond)
		} else if b.Tag.Contents != "else" {
			return nil, malformed(c, b.Tag)
		} else if i != len(t.Branches)-1 {
			// After {% else %}, Django looks only for {% endif %}.
			next := t.Branches[i+1].Tag
			return nil, c.errorf(next.Pos, "Invalid block tag on line %d: '%s', expected 'endif'. Did you forget to register or load this tag?", next.Pos.Line, t.Branches[i+1].Name)
		}
		body, err := c.body(b)
		if err != nil {
			return nil, err
		}
		n.branches = append(n.branches, ifBranch{cond: cond, body: body})
	}
	if t.End.Contents != "endif" {
		return nil, malformed(c, *t.End)
	}
	return n, nil
}

// malformed is the error of do_if for a clause or end tag with unexpected
// arguments ({% else if x %}, {% endif x %}).
func malformed(c *compiler, tok syntax.Token) error {
	return c.errorf(tok.Pos, "Malformed template tag at line %d: \"%s\"", tok.Pos.Line, tok.Contents)
}

func (n *ifNode) render(s *state) error {
	for i := range n.branches {
		b := &n.branches[i]
		if b.cond != nil {
			v, err := b.cond.eval(s)
			if err != nil {
				if !isVarDoesNotExist(err) {
					return s.wrapErr(n.pos, err)
				}
				v = nil // Django's IfNode: VariableDoesNotExist is no match
			}
			if !truthy(v) {
				continue
			}
		}
		return s.renderNodes(b.body)
	}
	return nil
}

// ifExpr is a compiled if condition.
type ifExpr struct {
	op          string
	operand     *filterExpr
	left, right *ifExpr
	// truthOnly marks an operand whose value only decides the condition
	// (it is reached from the root through and, or and not): a channel or
	// iterator there is tested by reading one item, not all of them, so
	// {% if items %}…{% for x in items %} still streams.
	truthOnly bool
}

// markTruthOnly flags the operands of e that only decide the condition.
func (e *ifExpr) markTruthOnly() {
	switch {
	case e.operand != nil:
		e.truthOnly = len(e.operand.filters) == 0
	case e.op == "and" || e.op == "or":
		e.left.markTruthOnly()
		e.right.markTruthOnly()
	case e.op == "not":
		e.left.markTruthOnly()
	}
}

func (c *compiler) ifExpr(e *syntax.IfExpr) (*ifExpr, error) {
	out := &ifExpr{op: e.Op}
	if e.Operand != nil {
		fe, err := c.filterExprFrom(e.Operand)
		if err != nil {
			return nil, err
		}
		out.operand = fe
		return out, nil
	}
	var err error
	if e.Left != nil {
		if out.left, err = c.ifExpr(e.Left); err != nil {
			return nil, err
		}
	}
	if e.Right != nil {
		if out.right, err = c.ifExpr(e.Right); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eval evaluates the condition with Python's semantics: and/or return an
// operand, and an operator whose operands fail evaluates to False.
func (e *ifExpr) eval(s *state) (any, error) {
	if e.operand != nil {
		if !e.truthOnly {
			return e.operand.resolve(s, true)
		}
		v, err := e.operand.resolveSeq(s, true)
		if err != nil {
			return nil, err
		}
		if q := s.itemStreamOf(v); q != nil {
			_, any1, err := q.get(0)
			return any1, err
		}
		return v, nil
	}
	v, err := e.evalOp(s)
	if err != nil {
		if s.isDone() != nil {
			return nil, s.isDone()
		}
		return false, nil
	}
	return v, nil
}

func (e *ifExpr) evalOp(s *state) (any, error) {
	x, err := e.left.eval(s)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "not":
		return !truthy(x), nil
	case "or":
		if truthy(x) {
			return x, nil
		}
		return e.right.eval(s)
	case "and":
		if !truthy(x) {
			return x, nil
		}
		return e.right.eval(s)
	}
	y, err := e.right.eval(s)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case "==":
		return pyEqual(x, y), nil
	case "!=":
		return !pyEqual(x, y), nil
	case "in":
		return pyIn(x, y)
	case "not in":
		r, err := pyIn(x, y)
		return !r, err
	case "is":
		return pyIs(x, y), nil
	case "is not":
		return !pyIs(x, y), nil
	case "<", ">", "<=", ">=":
		c, err := pyCompare(x, y)
		if err != nil {
			return nil, err
		}
		switch e.op {
		case "<":
			return c < 0, nil
		case ">":
			return c > 0, nil
		case "<=":
			return c <= 0, nil
		default:
			return c >= 0, nil
		}
	}
	return nil, fmt.Errorf("unknown operator %s", e.op)
}

// ---- for ----

type forNode struct {
	// path, owner, block and inLoop decide whether the loop may release
	// its items as it goes (see once.go): the sequence's plain path, the
	// template the loop is in, the innermost block around it, and whether
	// a loop or a partial is around it.
	path   string
	owner  *Template
	block  string
	inLoop bool

	pos      syntax.Pos
	vars     []string
	seq      *filterExpr
	reversed bool
	body     []node
	empty    []node
}

var loopVarSplit = regexp.MustCompile(` *, *`)

func compileFor(c *compiler, t *syntax.TagNode) (node, error) {
	contents := "for " + t.Args
	bits := syntax.SplitContents(contents)
	if len(bits) < 4 {
		return nil, fmt.Errorf("'for' statements should have at least four words: %s", contents)
	}
	n := &forNode{pos: t.Pos, reversed: bits[len(bits)-1] == "reversed"}
	in := len(bits) - 2
	if n.reversed {
		in = len(bits) - 3
	}
	if bits[in] != "in" {
		return nil, fmt.Errorf("'for' statements should use the format 'for x in y': %s", contents)
	}
	for _, v := range loopVarSplit.Split(strings.Join(bits[1:in], " "), -1) {
		if v == "" || strings.ContainsAny(v, " \"'|") {
			return nil, fmt.Errorf("'for' tag received an invalid argument: %s", contents)
		}
		n.vars = append(n.vars, v)
	}
	var err error
	if n.seq, err = c.filterExpr(bits[in+1]); err != nil {
		return nil, err
	}
	if n.seq.v != nil && !n.seq.v.isLit && len(n.seq.filters) == 0 {
		n.path, n.owner, n.inLoop = n.seq.v.path(), c.tmpl, c.loopDepth > 0
		if k := len(c.blockNames); k > 0 {
			n.block = c.blockNames[k-1]
		}
	}
	c.loopDepth++
	defer func() { c.loopDepth-- }()
	if n.body, err = c.body(t.Branches[0]); err != nil {
		return nil, err
	}
	if len(t.Branches) > 1 {
		if len(t.Branches) > 2 {
			return nil, c.errorf(t.Branches[2].Tag.Pos, "'for' accepts a single {%% empty %%}")
		}
		if n.empty, err = c.body(t.Branches[1]); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// forLoop is the forloop variable.
type forLoop struct {
	counter0 int
	length   int // -1 while unknown (a stream not yet read to its end)
	stream   *itemStream
	parent   *forLoop
	// changed holds {% ifchanged %} state for this loop.
	changed map[any]any
}

var emptyParentLoop = map[string]any{}

// knownLength returns the loop's length if it is known without waiting.
func (l *forLoop) knownLength() (int, bool) {
	if l.length >= 0 {
		return l.length, true
	}
	if l.stream != nil && l.stream.done {
		return l.stream.base + len(l.stream.buf), true
	}
	return 0, false
}

func (l *forLoop) get(key string) (any, bool, error) {
	if l.length < 0 {
		switch key {
		case "last":
			_, more, err := l.stream.get(l.counter0 + 1)
			return !more, true, err
		case "revcounter", "revcounter0", "length":
			n, err := l.stream.total()
			if err != nil {
				return nil, false, err
			}
			l.length = n
		}
	}
	switch key {
	case "counter":
		return l.counter0 + 1, true, nil
	case "counter0":
		return l.counter0, true, nil
	case "revcounter":
		return l.length - l.counter0, true, nil
	case "revcounter0":
		return l.length - l.counter0 - 1, true, nil
	case "first":
		return l.counter0 == 0, true, nil
	case "last":
		return l.counter0 == l.length-1, true, nil
	case "length":
		return l.length, true, nil
	case "parentloop":
		if l.parent == nil {
			return emptyParentLoop, true, nil
		}
		return l.parent, true, nil
	}
	return nil, false, nil
}

// String renders the loop the way Django's forloop dict prints.
func (l *forLoop) String() string {
	var b strings.Builder
	b.WriteString("{'parentloop': ")
	if l.parent == nil {
		b.WriteString("{}")
	} else {
		b.WriteString(l.parent.String())
	}
	for _, k := range []string{"length", "counter0", "counter", "revcounter", "revcounter0", "first", "last"} {
		v, _, _ := l.get(k)
		fmt.Fprintf(&b, ", '%s': %s", k, toStr(v))
	}
	b.WriteByte('}')
	return b.String()
}

func (n *forNode) render(s *state) error {
	v, err := n.seq.resolveSeq(s, true)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	if q := s.itemStreamOf(v); q != nil {
		if !n.reversed {
			if n.path != "" && !n.inLoop && q.base == 0 && !q.once && s.readOnce(n) {
				q.once = true
			}
			return n.renderStream(s, q)
		}
		if _, err := q.total(); err != nil {
			return s.wrapErr(n.pos, err)
		}
		v = q.buf
	}
	seq, err := sequenceOf(v)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	length := seq.len()
	if length == 0 {
		return s.renderNodes(n.empty)
	}
	loop := s.newLoop()
	loop.length, loop.parent = length, s.loop
	savedLoop := s.loop
	s.loop = loop
	mark := s.push()
	s.set("forloop", loop)
	varsAt := len(s.scope)
	for range n.vars {
		s.set("", nil)
	}
	for i := 0; i < length; i++ {
		if err = s.loopStep(); err != nil {
			err = s.wrapErr(n.pos, err)
			break
		}
		idx := i
		if n.reversed {
			idx = length - 1 - i
		}
		loop.counter0 = i
		if err = n.bind(s, varsAt, seq.at(idx)); err != nil {
			break
		}
		if err = s.renderNodes(n.body); err != nil {
			break
		}
	}
	s.pop(mark)
	s.loop = savedLoop
	s.endLoop(loop)
	return err
}

// renderStream iterates a sequence whose items arrive over time, rendering
// each item as soon as it arrives.
func (n *forNode) renderStream(s *state, q *itemStream) error {
	first, ok, err := q.get(0)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	if !ok {
		return s.renderNodes(n.empty)
	}
	loop := s.newLoop()
	loop.length, loop.stream, loop.parent = -1, q, s.loop
	savedLoop := s.loop
	s.loop = loop
	mark := s.push()
	s.set("forloop", loop)
	varsAt := len(s.scope)
	for range n.vars {
		s.set("", nil)
	}
	item := first
	for i := 0; ; i++ {
		if err = s.loopStep(); err != nil {
			err = s.wrapErr(n.pos, err)
			break
		}
		loop.counter0 = i
		if err = n.bind(s, varsAt, item); err != nil {
			break
		}
		if err = s.renderNodes(n.body); err != nil {
			break
		}
		q.release(i + 1)
		if item, ok, err = q.get(i + 1); err != nil || !ok {
			if err != nil {
				err = s.wrapErr(n.pos, err)
			}
			break
		}
	}
	s.pop(mark)
	s.loop = savedLoop
	s.endLoop(loop)
	return err
}

// bind sets the loop variables for one item, unpacking it if there are
// several.
func (n *forNode) bind(s *state, varsAt int, item any) error {
	if len(n.vars) == 1 {
		s.scope[varsAt] = binding{n.vars[0], item}
		return nil
	}
	parts, ok := unpack(item)
	if !ok || len(parts) != len(n.vars) {
		got := 1
		if ok {
			got = len(parts)
		}
		return s.errorf(n.pos, "Need %d values to unpack in for loop; got %d. ", len(n.vars), got)
	}
	for j, name := range n.vars {
		s.scope[varsAt+j] = binding{name, parts[j]}
	}
	return nil
}

// unpack splits a loop item for {% for a, b in … %}.
func unpack(item any) ([]any, bool) {
	switch l := item.(type) {
	case []any:
		return l, true
	case Tuple:
		return l, true
	}
	if it, ok := indirect(item).(item_); ok {
		return []any{it.Key, it.Value}, true
	}
	return toList(item)
}

type item_ = item

// ---- with ----

type withNode struct {
	names []string
	exprs []*filterExpr
	body  []node
	pos   syntax.Pos
}

// kwargRe is Django's kwarg_re, with Python's Unicode \w.
var kwargRe = regexp.MustCompile(`^(?:([\p{L}\p{N}_]+)=)?(.+)$`)

// tokenKwargs parses name=value arguments (and, if legacy is set, the old
// "value as name and value as name" form), consuming them from bits, as
// Django's token_kwargs does.
func (c *compiler) tokenKwargs(bits *[]string, legacy bool) (names []string, exprs []*filterExpr, err error) {
	b := *bits
	defer func() { *bits = b }()
	if len(b) == 0 {
		return nil, nil, nil
	}
	m := kwargRe.FindStringSubmatch(b[0])
	kwFormat := m != nil && m[1] != ""
	if !kwFormat && (!legacy || len(b) < 3 || b[1] != "as") {
		return nil, nil, nil
	}
	for len(b) > 0 {
		var key, value string
		if kwFormat {
			m := kwargRe.FindStringSubmatch(b[0])
			if m == nil || m[1] == "" {
				return
			}
			key, value = m[1], m[2]
			b = b[1:]
		} else {
			if len(b) < 3 || b[1] != "as" {
				return
			}
			key, value = b[2], b[0]
			b = b[3:]
		}
		fe, ferr := c.filterExpr(value)
		if ferr != nil {
			return nil, nil, ferr
		}
		names = append(names, key)
		exprs = append(exprs, fe)
		if len(b) > 0 && !kwFormat {
			if b[0] != "and" {
				return
			}
			b = b[1:]
		}
	}
	return
}

func compileWith(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	names, exprs, err := c.tokenKwargs(&bits, true)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("'with' expected at least one variable assignment")
	}
	if len(bits) > 0 {
		return nil, fmt.Errorf("'with' received an invalid token: %s", pystr.Repr(bits[0]))
	}
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return &withNode{names: names, exprs: exprs, body: body, pos: t.Pos}, nil
}

func (n *withNode) render(s *state) error {
	mark := s.push()
	for i, fe := range n.exprs {
		v, err := fe.resolve(s, false)
		if err != nil {
			s.pop(mark)
			return s.wrapErr(n.pos, err)
		}
		s.set(n.names[i], v)
	}
	err := s.renderNodes(n.body)
	s.pop(mark)
	return err
}

// ---- autoescape ----

type autoescapeNode struct {
	on   bool
	body []node
}

func compileAutoescape(c *compiler, t *syntax.TagNode) (node, error) {
	args := strings.Fields(t.Args)
	if len(args) != 1 {
		return nil, fmt.Errorf("'autoescape' tag requires exactly one argument.")
	}
	if args[0] != "on" && args[0] != "off" {
		return nil, fmt.Errorf("'autoescape' argument should be 'on' or 'off'")
	}
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return &autoescapeNode{on: args[0] == "on", body: body}, nil
}

func (n *autoescapeNode) render(s *state) error {
	saved := s.autoescape
	s.autoescape = n.on
	err := s.renderNodes(n.body)
	s.autoescape = saved
	return err
}

// ---- verbatim ----

func compileVerbatim(c *compiler, t *syntax.TagNode) (node, error) {
	var b strings.Builder
	for _, n := range t.Branches[0].Nodes {
		if tn, ok := n.(*syntax.TextNode); ok {
			b.WriteString(tn.Text)
		}
	}
	return &textNode{text: b.String()}, nil
}
