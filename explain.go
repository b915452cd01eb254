package runnel

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/runnelhq/runnel/syntax"
)

// Explain: a static account of how a page will stream. It walks the page's
// syntax tree in render order (the parent's nodes with the child's blocks
// substituted, included templates in place) and reports where the first
// flush can happen, what makes the renderer wait, what makes it buffer, and
// how each {% defer %} section is delivered. It reads templates only; it
// never renders and never looks at data, so it assumes that any value may be
// late.

// FindingKind classifies a [Finding].
type FindingKind string

// The kinds of findings.
const (
	// FindingFirstFlush is the first point where the renderer may wait for
	// data, and so flush what it has written (or an explicit {% flush %}).
	FindingFirstFlush FindingKind = "first-flush"
	// FindingAwait is an {% await %}: the render waits before its first byte.
	FindingAwait FindingKind = "await"
	// FindingLoop is a {% for %}: it waits for its sequence, and streams it
	// item by item if it is a channel or an iterator.
	FindingLoop FindingKind = "loop"
	// FindingReadAhead is a use of forloop.last: one item is read ahead.
	FindingReadAhead FindingKind = "read-ahead"
	// FindingReadAll is something that reads a whole late sequence before
	// going on: forloop.length, revcounter, revcounter0, a reversed loop, a
	// filtered loop sequence, or a sequence used outside its loop.
	FindingReadAll FindingKind = "read-all"
	// FindingBuffer is a construct whose output is held in memory until it
	// is complete: block.super, {% spaceless %}, {% filter %}, …
	FindingBuffer FindingKind = "buffer"
	// FindingDefer describes a {% defer %} section.
	FindingDefer FindingKind = "defer"
	// FindingHead is a use of data inside <head> after the first flush.
	FindingHead FindingKind = "head"
	// FindingCall is a custom tag whose Go function runs synchronously.
	FindingCall FindingKind = "call"
	// FindingNote is anything else worth knowing (a template that could not
	// be followed, an ignored tag, …).
	FindingNote FindingKind = "note"
)

// Finding is one observation of a [Plan], at a position in a template.
type Finding struct {
	Template string      `json:"template"`
	Line     int         `json:"line"`
	Col      int         `json:"col"`
	Kind     FindingKind `json:"kind"`
	// Warning marks findings that probably hurt the page's delivery.
	Warning bool   `json:"warning,omitempty"`
	Message string `json:"message"`
}

// String formats the finding as "name:line:col: kind: message".
func (f Finding) String() string {
	w := ""
	if f.Warning {
		w = "warning: "
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s%s", f.Template, f.Line, f.Col, f.Kind, w, f.Message)
}

// Plan is the result of [Engine.Explain]: how a page will stream, as
// findings in render order.
type Plan struct {
	// Name is the explained template.
	Name string `json:"name"`
	// Chain is the inheritance chain, the page first.
	Chain []string `json:"chain"`
	// Templates lists every template the walk entered, in the order first
	// met (the chain's root first, then includes as they are met).
	Templates []string `json:"templates"`
	// FirstFlush is the first point where the renderer may wait (nil if the
	// page never uses data).
	FirstFlush *Finding `json:"first_flush,omitempty"`
	// StaticBytes is the number of bytes of static text written before the
	// first flush point (the page's whole static text if there is none).
	StaticBytes int `json:"static_bytes"`
	// FirstFlushInHead reports whether the first flush point is inside
	// <head>.
	FirstFlushInHead bool `json:"first_flush_in_head,omitempty"`
	// Findings are every observation, in render order ({% await %} first,
	// as the renderer runs them before anything else).
	Findings []Finding `json:"findings"`
}

// Warnings returns the findings marked as warnings.
func (p *Plan) Warnings() []Finding {
	var out []Finding
	for _, f := range p.Findings {
		if f.Warning {
			out = append(out, f)
		}
	}
	return out
}

// String returns the plan as a readable report.
func (p *Plan) String() string {
	var b bytes.Buffer
	p.WriteTo(&b)
	return b.String()
}

// WriteTo writes the plan as a readable report.
func (p *Plan) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "plan for %s\n", p.Name)
	if len(p.Chain) > 1 {
		fmt.Fprintf(&b, "  extends:   %s\n", strings.Join(p.Chain, " → "))
	}
	var incl []string
	chain := map[string]bool{}
	for _, n := range p.Chain {
		chain[n] = true
	}
	for _, n := range p.Templates {
		if !chain[n] {
			incl = append(incl, n)
		}
	}
	if len(incl) > 0 {
		fmt.Fprintf(&b, "  includes:  %s\n", strings.Join(incl, ", "))
	}
	if f := p.FirstFlush; f != nil {
		where := ""
		if p.FirstFlushInHead {
			where = ", inside <head> (warning)"
		}
		fmt.Fprintf(&b, "  first flush: %s:%d:%d, after %d bytes of static text%s\n", f.Template, f.Line, f.Col, p.StaticBytes, where)
	} else {
		fmt.Fprintf(&b, "  first flush: none: the page uses no data (%d bytes of static text)\n", p.StaticBytes)
	}
	counts := map[FindingKind]int{}
	warnings := 0
	for _, f := range p.Findings {
		counts[f.Kind]++
		if f.Warning {
			warnings++
		}
	}
	var parts []string
	for _, k := range []FindingKind{FindingAwait, FindingLoop, FindingReadAhead, FindingReadAll, FindingBuffer, FindingDefer, FindingHead, FindingCall, FindingNote} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	if warnings > 0 {
		parts = append(parts, fmt.Sprintf("%d warning(s)", warnings))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "  summary:   %s\n", strings.Join(parts, ", "))
	}
	if len(p.Findings) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, f := range p.Findings {
			msg := f.Message
			if f.Warning {
				msg = "warning: " + msg
			}
			fmt.Fprintf(tw, "%s:%d:%d\t%s\t%s\n", f.Template, f.Line, f.Col, f.Kind, msg)
		}
		tw.Flush()
	}
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// Explain describes how the template called name will stream: where the
// first flush can happen and how much static text precedes it, which
// constructs make the renderer wait or buffer, and how its {% defer %}
// sections are delivered. It follows {% extends %} and {% include %} with
// constant template names. The template must compile; its errors are
// returned. Templates it reaches that fail to load are reported as notes.
func (e *Engine) Explain(name string) (*Plan, error) {
	if _, err := e.Template(name); err != nil {
		return nil, err
	}
	base, partial, _ := strings.Cut(name, "#")
	x := &explainer{e: e, tmpls: map[string]*xTmpl{}}
	// The first pass finds the sequences that loops iterate over, so that
	// the second can report other uses of them (which read them whole).
	x.seqPaths = map[string]string{}
	x.run(base, partial, true)
	p := x.run(base, partial, false)
	p.Name = name
	return p, nil
}

// xTmpl is a template parsed for explaining.
type xTmpl struct {
	name       string
	tmpl       *Template // the compiled template the tree is parsed from
	tree       *syntax.Tree
	c          *compiler
	parent     string          // constant parent name
	parentExpr string          // source of a dynamic parent
	extends    *syntax.TagNode // the {% extends %} tag
	pre        []syntax.Node   // nodes before {% extends %} (rendered)
	blocks     map[string]*syntax.TagNode
	partials   map[string]*syntax.TagNode
	awaits     []*syntax.TagNode
	awaitIn    map[*syntax.TagNode]string // the innermost tag around an await, other than block
	err        error
}

// xLoop is an enclosing {% for %} during the walk.
type xLoop struct {
	tag      *syntax.TagNode
	owner    string
	seq      string
	reported map[string]bool
}

// xBlock is a block being rendered: its name and the chain index of the
// template whose version is rendered.
type xBlock struct {
	name  string
	index int
}

type explainer struct {
	e     *Engine
	tmpls map[string]*xTmpl
	dry   bool
	plan  *Plan

	seqPaths map[string]string // loop sequence path → where its loop is
	// truthRefs are the paths the current {% if %}/{% elif %} only tests
	// for truth (the renderer peeks one item of a sequence there).
	truthRefs map[string]bool
	awaited   map[string]bool // roots of {% await %}ed values
	inChain   map[string]bool // templates of the page's inheritance chain

	// Position in the page.
	static    int
	html      htmlState
	inHead    bool
	first     bool // the first flush point has been found
	seen      map[string]bool
	stack     []string // templates being rendered
	chain     []*xTmpl // the current inheritance chain, most derived first
	blockCur  []xBlock // blocks being rendered
	loops     []*xLoop // enclosing loops
	scopes    []map[string]bool
	captures  []xCapture // enclosing buffered constructs
	ooo       int        // inside an out-of-order section body
	alt       int        // inside error content (rendered only on failure)
	inDefer   int        // inside any {% defer %} body
	partialIn []string
}

type xCapture struct {
	what    string
	pending int // static bytes held by the capture
}

func (x *explainer) run(base, partial string, dry bool) *Plan {
	*x = explainer{e: x.e, tmpls: x.tmpls, seqPaths: x.seqPaths, dry: dry}
	x.plan = &Plan{}
	x.awaited = map[string]bool{}
	x.inChain = map[string]bool{}
	x.seen = map[string]bool{}
	x.scopes = []map[string]bool{{}}
	t := x.load(base)
	if t.err != nil {
		x.note(nil, syntax.Pos{}, true, fmt.Sprintf("cannot load %s: %v", base, t.err))
		return x.plan
	}
	if partial != "" {
		// A partial rendered alone runs no {% await %}: none is in the
		// chain, so the walk reports those it meets as ignored.
		x.plan.Chain = []string{t.name}
		x.enter(t.name)
		x.chain = []*xTmpl{t}
		x.stack = []string{t.name}
		if pd := t.partials[partial]; pd != nil {
			x.walk(pd.Branches[0].Nodes, t)
		}
		x.finish()
		return x.plan
	}
	chain := x.chainOf(t, syntax.Pos{})
	for _, ct := range chain {
		x.plan.Chain = append(x.plan.Chain, ct.name)
		x.inChain[ct.name] = true
	}
	// The prelude: every {% await %} of the page and of the templates it
	// extends runs before the first byte.
	for _, ct := range chain {
		for _, a := range ct.awaits {
			x.await(a, ct)
		}
	}
	if root := chain[len(chain)-1]; root.parentExpr != "" {
		x.add(root, root.extends.Pos, FindingNote, true, fmt.Sprintf("the parent template is chosen at render time ({%% extends %s %%}): not followed; the blocks of %s are listed in source order", root.parentExpr, root.name))
	}
	x.renderChain(chain)
	x.finish()
	return x.plan
}

// finish completes the plan after the walk.
func (x *explainer) finish() {
	if !x.first {
		x.plan.StaticBytes = x.static
	}
}

// load parses a template (once per Explain).
func (x *explainer) load(name string) *xTmpl {
	if t, ok := x.tmpls[name]; ok {
		return t
	}
	ct, err := x.e.Template(name)
	return x.loadFrom(name, name, ct, err)
}

// loadFrom parses ct, the template got for name (or err), keeping it under
// key: the name, or for a template of the same name as one already loaded
// (an {% extends %} of its own name), the name and the origin.
func (x *explainer) loadFrom(key, name string, ct *Template, err error) *xTmpl {
	t := &xTmpl{name: name, blocks: map[string]*syntax.TagNode{}, partials: map[string]*syntax.TagNode{}, awaitIn: map[*syntax.TagNode]string{}}
	x.tmpls[key] = t
	if err != nil {
		t.err = err
		return t
	}
	t.tmpl = ct
	t.tree, t.c, t.err = x.e.explainParse(name, ct.src)
	if t.err != nil {
		return t
	}
	top := true
	for _, n := range t.tree.Nodes {
		if tn, ok := n.(*syntax.TagNode); ok && tn.Name == "extends" && top {
			t.extends = tn
			bits := syntax.SplitContents(tn.Args)
			if len(bits) == 1 {
				if lit, ok := syntax.UnquoteString(bits[0]); ok {
					t.parent, _ = resolveName(name, lit)
				} else {
					t.parentExpr = bits[0]
				}
			}
			top = false
			continue
		}
		if top {
			t.pre = append(t.pre, n)
		}
	}
	visitTags(t.tree.Nodes, nil, func(tn *syntax.TagNode, around []*syntax.TagNode) {
		switch tn.Name {
		case "block":
			if f := strings.Fields(tn.Args); len(f) == 1 {
				if _, dup := t.blocks[f[0]]; !dup {
					t.blocks[f[0]] = tn
				}
			}
		case "partialdef":
			if f := syntax.SplitContents(tn.Args); len(f) >= 1 {
				t.partials[f[0]] = tn
			}
		case "await":
			t.awaits = append(t.awaits, tn)
			for i := len(around) - 1; i >= 0; i-- {
				if around[i].Name != "block" {
					t.awaitIn[tn] = around[i].Name
					break
				}
			}
		}
	})
	return t
}

// explainParse parses a template's source with a compiler as the grammar,
// as Engine.compile does, so that {% load %}ed tags are known.
func (e *Engine) explainParse(name, src string) (*syntax.Tree, *compiler, error) {
	t := &Template{eng: e, name: name, src: src}
	c := &compiler{eng: e, tmpl: t, tags: map[string]*tagDef{}, filters: map[string]*filterDef{}, blocks: map[string]*blockNode{}}
	c.addLib(builtins)
	for _, l := range e.extra {
		c.addLib(l)
	}
	c.parseTags = c.tags
	c.tags = cloneMap(c.tags)
	tree, err := syntax.Parse(name, src, c)
	if err != nil {
		return nil, nil, err
	}
	// Every filter of every library, so that a custom tag can be compiled
	// alone to learn what it is (see customTag).
	for _, l := range e.libs {
		c.addLib(l)
	}
	return tree, c, nil
}

// visitTags calls fn for every tag in nodes, depth first, in source order,
// with the tags around it.
func visitTags(nodes []syntax.Node, around []*syntax.TagNode, fn func(tn *syntax.TagNode, around []*syntax.TagNode)) {
	for _, n := range nodes {
		if tn, ok := n.(*syntax.TagNode); ok {
			fn(tn, around)
			if tn.Name == "comment" {
				continue
			}
			inner := append(around[:len(around):len(around)], tn)
			for _, b := range tn.Branches {
				visitTags(b.Nodes, inner, fn)
			}
		}
	}
}

// chainOf returns t's inheritance chain, t first, following constant
// parent names.
func (x *explainer) chainOf(t *xTmpl, at syntax.Pos) []*xTmpl {
	chain := []*xTmpl{t}
	tchain := []*Template{t.tmpl}
	for cur := t; cur.parent != ""; {
		// The parent is found as {% extends %} finds it, skipping the
		// origins of the chain.
		p := x.load(cur.parent)
		if pt, err := x.e.extendsParent(cur.parent, tchain); err != nil || pt != p.tmpl {
			key := cur.parent + "\x00!" // a parent that cannot be loaded
			if pt != nil {
				key = cur.parent + "\x00" + pt.Origin().Name
			}
			if p = x.tmpls[key]; p == nil || p.tmpl != pt {
				p = x.loadFrom(key, cur.parent, pt, err)
			}
		}
		if p.err != nil {
			x.add(cur, cur.extends.Pos, FindingNote, true, fmt.Sprintf("cannot load the parent %s: %v", cur.parent, firstLine(p.err)))
			break
		}
		loop := false
		for _, c := range chain {
			if c == p {
				loop = true
			}
		}
		if loop || len(chain) > maxDepth {
			x.add(cur, cur.extends.Pos, FindingNote, true, fmt.Sprintf("{%% extends %%} recursion: %s is already in the chain", p.name))
			break
		}
		chain = append(chain, p)
		tchain = append(tchain, p.tmpl)
		cur = p
	}
	return chain
}

// renderChain walks an inheritance chain in render order.
func (x *explainer) renderChain(chain []*xTmpl) {
	savedChain, savedBlocks := x.chain, x.blockCur
	x.chain, x.blockCur = chain, nil
	savedStack := x.stack
	for _, ct := range chain {
		x.enter(ct.name)
		x.stack = append(x.stack, ct.name)
	}
	defer func() { x.stack = savedStack }()
	root := chain[len(chain)-1]
	for _, ct := range chain[:len(chain)-1] {
		x.walk(ct.pre, ct)
	}
	if root.parentExpr != "" {
		// Unknown parent: list the root's blocks in source order.
		x.walk(root.pre, root)
		visitTopBlocks(root.tree.Nodes, func(tn *syntax.TagNode) { x.tag(tn, root) })
	} else {
		x.walk(root.tree.Nodes, root)
	}
	x.chain, x.blockCur = savedChain, savedBlocks
}

// visitTopBlocks calls fn for the outermost blocks in nodes.
func visitTopBlocks(nodes []syntax.Node, fn func(*syntax.TagNode)) {
	for _, n := range nodes {
		if tn, ok := n.(*syntax.TagNode); ok {
			if tn.Name == "block" {
				fn(tn)
				continue
			}
			for _, b := range tn.Branches {
				visitTopBlocks(b.Nodes, fn)
			}
		}
	}
}

func (x *explainer) enter(name string) {
	if !x.seen[name] {
		x.seen[name] = true
		x.plan.Templates = append(x.plan.Templates, name)
	}
}

// ---- findings ----

func (x *explainer) add(t *xTmpl, pos syntax.Pos, kind FindingKind, warn bool, msg string) {
	if x.dry {
		return
	}
	name := ""
	if t != nil {
		name = t.name
	}
	if x.ooo > 0 && kind != FindingDefer && kind != FindingNote && kind != FindingLoop {
		msg += " (in an out-of-order section: the page does not wait for it)"
	}
	x.plan.Findings = append(x.plan.Findings, Finding{Template: name, Line: pos.Line, Col: pos.Col, Kind: kind, Warning: warn, Message: msg})
}

func (x *explainer) note(t *xTmpl, pos syntax.Pos, warn bool, msg string) {
	x.add(t, pos, FindingNote, warn, msg)
}

// ---- walking ----

func (x *explainer) walk(nodes []syntax.Node, t *xTmpl) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *syntax.TextNode:
			x.text(n.Text)
		case *syntax.VarNode:
			x.varNode(n, t)
		case *syntax.TagNode:
			x.tag(n, t)
		}
	}
}

// text accounts for static text written at the current point.
func (x *explainer) text(s string) {
	if x.ooo > 0 || x.alt > 0 {
		return
	}
	if len(x.captures) > 0 {
		x.captures[len(x.captures)-1].pending += len(s)
	} else {
		x.static += len(s)
	}
	x.html = advanceHTML(x.html, s)
	lower := strings.ToLower(s)
	for i := strings.IndexByte(lower, '<'); i >= 0; {
		rest := lower[i+1:]
		switch {
		case tagNamed(rest, "head"):
			x.inHead = true
		case tagNamed(rest, "/head"), tagNamed(rest, "body"):
			x.inHead = false
		}
		j := strings.IndexByte(rest, '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// tagNamed reports whether s (the text after a '<') starts with the tag
// name name.
func tagNamed(s, name string) bool {
	if !strings.HasPrefix(s, name) {
		return false
	}
	if len(s) == len(name) {
		return true
	}
	switch s[len(name)] {
	case ' ', '\t', '\n', '\r', '\f', '/', '>':
		return true
	}
	return false
}

// pushCapture starts a buffered construct.
func (x *explainer) pushCapture(what string) { x.captures = append(x.captures, xCapture{what: what}) }

// popCapture ends one; its text reaches the enclosing output.
func (x *explainer) popCapture() {
	c := x.captures[len(x.captures)-1]
	x.captures = x.captures[:len(x.captures)-1]
	if len(x.captures) > 0 {
		x.captures[len(x.captures)-1].pending += c.pending
	} else {
		x.static += c.pending
	}
}

// dataUse records that the node at pos reads data, which may be late.
func (x *explainer) dataUse(t *xTmpl, pos syntax.Pos, what string) {
	if x.ooo > 0 || x.alt > 0 {
		return
	}
	if !x.first {
		x.first = true
		x.plan.StaticBytes = x.static
		x.plan.FirstFlushInHead = x.inHead
		msg := fmt.Sprintf("%s is the first use of data: if it is late, the renderer flushes the %d bytes of static text before it and waits here", what, x.static)
		if len(x.captures) > 0 {
			msg += fmt.Sprintf("; it is inside %s, whose output is buffered, so the %d bytes written inside it wait too", x.captures[0].what, x.captures[len(x.captures)-1].pending)
		}
		if d := x.html.describe(); x.html.base() != hData {
			msg += "; it is " + d
		}
		warn := false
		if x.inHead {
			warn = true
			msg += "; it is inside <head>: a late value here delays the first paint (list it in {% await %}, or move its use into <body>)"
		}
		if x.static == 0 && len(x.captures) == 0 {
			msg += "; nothing precedes it, so a late value here delays the first byte"
		}
		x.add(t, pos, FindingFirstFlush, warn, msg)
		if !x.dry {
			f := x.plan.Findings[len(x.plan.Findings)-1]
			x.plan.FirstFlush = &f
		}
		return
	}
	if x.inHead {
		x.add(t, pos, FindingHead, true, what+" uses data inside <head>: if it is late, the browser still cannot paint anything while the renderer waits here")
	}
}

// describeTag renders a tag for messages.
func describeTag(n *syntax.TagNode) string {
	s := n.Name
	if n.Args != "" {
		s += " " + n.Args
	}
	return "{% " + shorten(s) + " %}"
}

func describeVar(n *syntax.VarNode) string { return "{{ " + shorten(n.Source) + " }}" }

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func where(t *xTmpl, pos syntax.Pos) string {
	return fmt.Sprintf("%s:%d:%d", t.name, pos.Line, pos.Col)
}
