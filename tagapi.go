package runnel

import (
	"context"
	"fmt"
	"strings"

	"github.com/runnelhq/runnel/syntax"
)

// The tag API: Django's @register.tag for Go. A library registers a compile
// function with [Library.Tag]; the parser calls it with a [TagParser] for
// each use of the tag, and the [Node] it returns is rendered with a
// [Renderer] that writes to the page's stream. The optional libraries
// (runnel/templatetags/…) are written against this API only.

// TagSpec says how the parser delimits a tag.
type TagSpec struct {
	// End is the end tag of a block tag ("endfoo"); "" for a tag without a
	// body.
	End string
	// Middles are the tags that separate the branches of a block tag's body
	// ("else", "plural"), as Django's parser.parse(("else", "endfoo")).
	Middles []string
	// Raw keeps the body as tokens, unparsed (as {% blocktranslate %} and
	// {% verbatim %} need): see [Branch.Raw]. A raw body cannot be
	// rendered as nodes.
	Raw bool
}

// TagFunc compiles one use of a tag into the node that renders it. An error
// is reported at the tag's position, with the template's name, line and
// column. A nil node renders nothing.
type TagFunc func(p *TagParser) (Node, error)

// Node is a compiled custom tag. Render writes the tag's output through r,
// which streams it: a node that renders a body with [Renderer.Render] lets
// that body's late data stream as any other part of the page.
type Node interface {
	Render(r *Renderer) error
}

// Tag registers a tag compiled by fn, like Django's @register.tag. The tag
// takes the shape spec gives; fn sees the tag's arguments and compiled
// bodies through its [TagParser].
func (l *Library) Tag(name string, spec TagSpec, fn TagFunc) *Library {
	shape := syntax.TagShape{End: spec.End, Middles: append([]string(nil), spec.Middles...), Raw: spec.Raw}
	l.tags[name] = &tagDef{shape: shape, compile: func(c *compiler, t *syntax.TagNode) (node, error) {
		c.opaque() // its node may read any variable
		n, err := fn(&TagParser{c: c, t: t, raw: spec.Raw})
		if err != nil || n == nil {
			return nil, err
		}
		return &customNode{pos: t.Pos, n: n}, nil
	}}
	return l
}

// customNode adapts a library's Node to the renderer.
type customNode struct {
	pos syntax.Pos
	n   Node
}

func (n *customNode) render(s *state) error {
	if err := n.n.Render(&s.api); err != nil {
		return s.wrapErr(n.pos, err)
	}
	return nil
}

// TagParser is the compile-time view of one use of a tag: its name, its
// arguments, and the branches of its body. It is Django's parser and token
// in one.
type TagParser struct {
	c   *compiler
	t   *syntax.TagNode
	raw bool
}

// Name is the tag's name as written.
func (p *TagParser) Name() string { return p.t.Name }

// Args is the text after the tag's name, trimmed.
func (p *TagParser) Args() string { return p.t.Args }

// Contents is the whole text between {% and %}, trimmed (Django's
// token.contents).
func (p *TagParser) Contents() string { return p.t.Branches[0].Tag.Contents }

// Bits splits the tag as Django's token.split_contents does: on spaces,
// keeping quoted strings (and _("…") calls) whole. The first bit is the
// tag's name.
func (p *TagParser) Bits() []string {
	return append([]string{p.t.Name}, syntax.SplitContents(p.t.Args)...)
}

// EndTag returns the contents of the tag that ended a block tag's body
// ("endfoo" or "endfoo name": what Django's parser.next_token() gives after
// parser.parse(("endfoo",))), or "" for a tag without a body.
func (p *TagParser) EndTag() string {
	if p.t.End == nil {
		return ""
	}
	return p.t.End.Contents
}

// Errorf returns a template syntax error at the tag, naming the template,
// line and column.
func (p *TagParser) Errorf(format string, args ...any) error {
	return p.c.errorf(p.t.Pos, format, args...)
}

// Expr compiles a filter expression ("user.name|default:'x'"), as Django's
// parser.compile_filter. Filters must be known where the tag is.
func (p *TagParser) Expr(src string) (*Expr, error) {
	fe, err := p.c.filterExpr(src)
	if err != nil {
		return nil, err
	}
	return &Expr{fe: fe, src: src}, nil
}

// Branches returns the branches of a block tag's body, in order: the first
// is the tag itself, each next one starts at a middle tag. A tag without a
// body has one branch with an empty body.
func (p *TagParser) Branches() []Branch {
	out := make([]Branch, len(p.t.Branches))
	for i, b := range p.t.Branches {
		out[i] = Branch{Name: b.Name, Args: b.Args, p: p, b: b}
	}
	return out
}

// Branch is one part of a block tag's body: the tag that opens it and its
// content up to the next middle tag or the end tag.
type Branch struct {
	// Name is the tag that opens the branch (the tag's own name for the
	// first branch, a middle tag's for the others).
	Name string
	// Args is the text after that tag's name.
	Args string

	p *TagParser
	b *syntax.Branch
}

// Body compiles the branch's content into a [Body] to render.
func (b Branch) Body() (Body, error) {
	if b.p.raw {
		return Body{}, fmt.Errorf("'%s' has a raw body: read it with Raw", b.p.t.Name)
	}
	nodes, err := b.p.c.body(b.b)
	if err != nil {
		return Body{}, err
	}
	return Body{nodes: nodes}, nil
}

// Raw returns the source text of a [TagSpec.Raw] body, unparsed ("" for
// other bodies); [syntax.Lex] splits it into tokens.
func (b Branch) Raw() string {
	if !b.p.raw || len(b.b.Nodes) == 0 {
		return ""
	}
	t, _ := b.b.Nodes[0].(*syntax.TextNode)
	if t == nil {
		return ""
	}
	return t.Text
}

// Errorf returns a template syntax error at the tag that opens the branch.
func (b Branch) Errorf(format string, args ...any) error {
	return b.p.c.errorf(b.b.Tag.Pos, format, args...)
}

// Body is the compiled content of a branch, rendered with
// [Renderer.Render]. The zero Body renders nothing.
type Body struct{ nodes []node }

// Expr is a compiled filter expression.
type Expr struct {
	fe  *filterExpr
	src string
}

// String returns the expression's source.
func (e *Expr) String() string { return e.src }

// Resolve evaluates the expression where the tag is rendered, as Django's
// FilterExpression.resolve: late values are waited for, and an undefined
// variable gives the engine's string_if_invalid ("" by default).
func (e *Expr) Resolve(r *Renderer) (any, error) {
	v, err := e.fe.resolve(r.s, false)
	if isUndefined(v) {
		v = ""
	}
	return v, err
}

// Literal returns the expression's value when it is a literal (a quoted
// string or a number) with no filters: a value known when the template is
// compiled.
func (e *Expr) Literal() (any, bool) {
	if e.fe.v != nil && e.fe.v.isLit && !e.fe.v.translate && len(e.fe.filters) == 0 {
		return e.fe.v.lit, true
	}
	return nil, false
}

// ConstantNode is a custom tag's [Node] whose output is known when the
// template is compiled (like {% static "app.css" %}). Constant returns
// that output, as it appears in the page (escaped), and whether it is
// constant. runnel uses it to find the URLs a page's <head> names before
// the page renders, for 103 Early Hints.
type ConstantNode interface {
	Node
	Constant() (string, bool)
}

// Lookup evaluates the expression and reports whether its variable is
// defined: an undefined variable gives nil and false (a defined nil, true).
func (e *Expr) Lookup(r *Renderer) (v any, defined bool, err error) {
	v, err = e.fe.resolve(r.s, false)
	if isUndefined(v) {
		return nil, false, err
	}
	return v, true, err
}

// Renderer is the render-time view of a page for custom tags and filters:
// the render's context, its variables, and the output stream. It is valid
// only during the call that received it.
type Renderer struct{ s *state }

// Context returns the render's context.Context: it carries cancellation,
// the language ([LanguageFrom]) and the settings of enclosing tags.
func (r *Renderer) Context() context.Context {
	if r.s.ctx == nil {
		return context.Background()
	}
	return r.s.ctx
}

// Engine returns the engine the template belongs to.
func (r *Renderer) Engine() *Engine { return r.s.eng }

// Autoescape reports whether autoescaping is on where the tag is.
func (r *Renderer) Autoescape() bool { return r.s.autoescape }

// Get returns the value name has where the tag is, as {{ name }} would find
// it (without calling it), and whether it is defined.
func (r *Renderer) Get(name string) (any, bool) { return r.s.lookupName(name) }

// Set binds name in the innermost scope, as Django's context[name] = v:
// the "as var" form of most tags. The binding ends with the enclosing
// block's scope.
func (r *Renderer) Set(name string, v any) { r.s.set(name, v) }

// SetUpward rebinds name where it is already bound, or binds it in the
// innermost scope, as Django's context.set_upward.
func (r *Renderer) SetUpward(name string, v any) { r.s.setUpward(name, v) }

// Scope runs fn in a new scope: the names bound with Set inside fn are
// unbound when it returns (Django's "with context.push():").
func (r *Renderer) Scope(fn func() error) error {
	mark := r.s.push()
	err := fn()
	r.s.pop(mark)
	return err
}

// WriteString writes text to the page as it is (not escaped).
func (r *Renderer) WriteString(text string) { r.s.out.WriteString(text) }

// Write writes bytes to the page as they are (not escaped).
func (r *Renderer) Write(p []byte) (int, error) { return r.s.out.Write(p) }

// WriteValue writes v as {{ v }} would: localized, converted to text, and
// escaped unless it is a [SafeString] or autoescaping is off.
func (r *Renderer) WriteValue(v any) { r.s.writeValue(v) }

// Text returns what WriteValue would write for v, and whether that text is
// safe HTML (escaped, or safe to begin with).
func (r *Renderer) Text(v any) (text string, safe bool) {
	saved := r.s.out
	var tmp output
	r.s.out = &tmp
	r.s.writeValue(v)
	r.s.out = saved
	return string(tmp.buf), r.s.autoescape || isSafe(v)
}

// Render renders a body in place. Its output streams: late data inside it
// is awaited where it stands, and the renderer flushes before it waits.
func (r *Renderer) Render(b Body) error { return r.s.renderNodes(b.nodes) }

// RenderWith renders a body with ctx as the render's context (derived from
// [Renderer.Context]): the way a tag changes a setting for its body, as
// {% language %}, {% timezone %} and {% localize %} do.
func (r *Renderer) RenderWith(ctx context.Context, b Body) error {
	saved := r.s.ctx
	r.s.ctx = ctx
	err := r.s.renderNodes(b.nodes)
	r.s.ctx = saved
	return err
}

// Record renders a body in place, streaming, as [Renderer.Render] does,
// and also returns the text it wrote to the page: what a tag needs to store
// a fragment while it streams (as {% cache %} does on a miss). replayable
// is false when writing text back would not give the same page: the body
// started an out-of-order {% defer %} section (whose content arrives after
// the body ends), its text passed max bytes (0: the engine's
// MaxValueBytes), or the output failed. On an error the text is not
// complete.
func (r *Renderer) Record(b Body, max int64) (text string, replayable bool, err error) {
	if max <= 0 {
		max = r.s.eng.valueBound()
	}
	out := r.s.out
	rec := out.record(max)
	err = r.s.renderNodes(b.nodes)
	kept, ok := out.stopRecording(rec)
	if err != nil || !ok {
		return "", false, err
	}
	return string(kept), true, nil
}

// Capture renders a body into a string instead of the page. The body is
// held in memory until it is complete: use it only when the tag needs its
// whole content (to transform it, say).
func (r *Renderer) Capture(b Body) (string, error) { return r.s.capture(b.nodes) }

// ToString returns the text of a template value as Django's str() gives it
// (not escaped, not localized): what a tag that takes a path or a name
// makes of its argument.
func ToString(v any) string { return toStr(v) }

// Escape is Django's conditional_escape: v's text escaped for HTML, unless
// v is already a [SafeString].
func Escape(v any) SafeString { return conditionalEscape(v) }

// Repr returns Python's repr() of a template value ('text' for a string),
// for error messages that quote a value as Django's do.
func Repr(v any) string { return pyRepr(v) }

// Kwargs reads keyword arguments from the front of bits as Django's
// token_kwargs does: name=value pairs, or with legacy set the old
// "value as name [and value as name …]" form. It returns the names, their
// compiled values and the bits that follow them.
func (p *TagParser) Kwargs(bits []string, legacy bool) (names []string, values []*Expr, rest []string, err error) {
	rest = bits
	ns, fes, err := p.c.tokenKwargs(&rest, legacy)
	if err != nil {
		return nil, nil, bits, err
	}
	values = make([]*Expr, len(fes))
	for i, fe := range fes {
		values[i] = &Expr{fe: fe, src: fe.src}
	}
	return ns, values, rest, nil
}

// ErrorfAt returns a template syntax error at byte offset off of the
// branch's [Branch.Raw] text, so that an error inside a raw body points at
// its own line and column.
func (b Branch) ErrorfAt(off int, format string, args ...any) error {
	src := b.p.c.tmpl.src
	start := b.b.Tag.Pos.Offset + len(b.b.Tag.Raw)
	at := min(start+off, len(src))
	line := 1 + strings.Count(src[:at], "\n")
	lineStart := strings.LastIndexByte(src[:at], '\n') + 1
	return b.p.c.errorf(syntax.Pos{Line: line, Col: at - lineStart + 1, Offset: at}, format, args...)
}

// ResolveOperand is Resolve with fn applied to the expression's operand
// before its filters run: {% translate "text"|upper %} translates "text",
// then upper-cases the translation. fn is not called for an undefined
// variable.
func (e *Expr) ResolveOperand(r *Renderer, fn func(v any) (any, error)) (any, error) {
	fe, s := e.fe, r.s
	if fe.v == nil {
		return e.Resolve(r)
	}
	v, err := fe.v.resolve(s)
	if err != nil {
		return nil, err
	}
	if isUndefined(v) {
		return e.Resolve(r) // string_if_invalid, strict mode
	}
	if v, err = fn(v); err != nil {
		return nil, err
	}
	if len(fe.filters) == 0 {
		return v, nil
	}
	tmp := filterExpr{src: fe.src, v: &varRef{src: fe.v.src, isLit: true, lit: v}, filters: fe.filters}
	return tmp.resolve(s, false)
}

// Undefined returns what an undefined variable called name renders as: the
// engine's string_if_invalid, or an error in strict mode.
func (r *Renderer) Undefined(name string) (any, error) {
	if r.s.eng.strict {
		return nil, undefinedVariable(name)
	}
	return r.s.eng.invalid(name), nil
}

// Truthy reports whether v is true in {% if v %}, as Python's bool(v).
func Truthy(v any) bool { return truthy(v) }

// ToList returns the items of a sequence value (a slice, an array, a
// list-like value); false for any other value.
func ToList(v any) ([]any, bool) { return toList(v) }
