package runnel

// The second half of the explainer (explain.go): what each variable and tag
// of a template means for streaming.

import (
	"fmt"
	"strings"
	"time"

	"github.com/runnelhq/runnel/syntax"
)

// ---- references ----

// isData reports whether a dotted path reads data (as opposed to a local
// bound to constants, or a builtin).
func (x *explainer) isData(path string) bool {
	root, _, _ := strings.Cut(path, ".")
	for i := len(x.scopes) - 1; i >= 0; i-- {
		if d, ok := x.scopes[i][root]; ok {
			return d
		}
		if _, barrier := x.scopes[i][""]; barrier {
			break // an isolated include
		}
	}
	switch root {
	case "True", "False", "None", "csp_nonce", "forloop", "block":
		return false
	}
	return true
}

// waits reports whether a data path may make the renderer wait: it reads
// data that was not {% await %}ed.
func (x *explainer) waits(path string) bool {
	if !x.isData(path) {
		return false
	}
	root, _, _ := strings.Cut(path, ".")
	if x.awaited[root] && !x.shadowed(root) {
		return false
	}
	return true
}

func (x *explainer) shadowed(root string) bool {
	for i := len(x.scopes) - 1; i >= 0; i-- {
		if _, ok := x.scopes[i][root]; ok {
			return true
		}
	}
	return false
}

func (x *explainer) bind(name string, data bool) {
	x.scopes[len(x.scopes)-1][name] = data
}

func (x *explainer) pushScope() { x.scopes = append(x.scopes, map[string]bool{}) }
func (x *explainer) popScope()  { x.scopes = x.scopes[:len(x.scopes)-1] }

// exprRefs returns the lookups of a parsed filter expression.
func exprRefs(fe *syntax.FilterExpr) []string {
	var out []string
	if fe.Var != nil && !fe.Var.IsLiteral {
		out = append(out, strings.Join(fe.Var.Lookups, "."))
	}
	for _, f := range fe.Filters {
		if f.Arg != nil && !f.Arg.IsLiteral {
			out = append(out, strings.Join(f.Arg.Lookups, "."))
		}
	}
	return out
}

// argKeywords are words of tag arguments that are not variables.
var argKeywords = map[string]bool{
	"as": true, "in": true, "not": true, "and": true, "or": true, "is": true,
	"reversed": true, "only": true, "with": true, "silent": true, "by": true,
	"noop": true, "context": true, "count": true, "trimmed": true, "asvar": true,
	"on": true, "off": true, "from": true, "inline": true, "for": true,
	"True": true, "False": true, "None": true,
}

// argRefs returns the variables read by a tag's arguments: the lookups
// outside quotes, skipping filter names, keyword-argument names, keywords
// and the name after "as" (and "by").
func argRefs(args string) []string {
	bits := syntax.SplitContents(args)
	var out []string
	for i, bit := range bits {
		if argKeywords[bit] {
			continue
		}
		if i > 0 && (bits[i-1] == "as" || bits[i-1] == "by" || bits[i-1] == "asvar") {
			continue
		}
		out = append(out, scanRefs(bit)...)
	}
	return out
}

// scanRefs finds the dotted lookups in one argument.
func scanRefs(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
		case isIdentStart(c):
			j := i
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.') {
				j++
			}
			word := strings.TrimRight(s[i:j], ".")
			prev := byte(0)
			if i > 0 {
				prev = s[i-1]
			}
			next := byte(0)
			if j < len(s) {
				next = s[j]
			}
			kwKey := next == '=' && (j+1 >= len(s) || s[j+1] != '=')
			isFilter := prev == '|'
			isTrans := word == "_" && next == '('
			if !kwKey && !isFilter && !isTrans && !argKeywords[word] && !(prev >= '0' && prev <= '9') {
				out = append(out, word)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

func isIdentStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// uses handles the lookups a node makes: forloop attributes that read
// ahead, block.super, late sequences read whole, and data uses. It returns
// whether any lookup reads data.
func (x *explainer) uses(t *xTmpl, pos syntax.Pos, what string, refs []string, loopSeq string) bool {
	data, wait := false, false
	for _, r := range refs {
		x.forloopRef(t, pos, what, r)
		if x.isData(r) {
			data = true
			if x.waits(r) {
				wait = true
			}
			if r != loopSeq {
				x.sequenceUse(t, pos, what, r)
			}
		}
	}
	if wait {
		x.dataUse(t, pos, what)
	}
	return data
}

// forloopRef reports forloop attributes that read a streamed sequence
// ahead.
func (x *explainer) forloopRef(t *xTmpl, pos syntax.Pos, what, ref string) {
	parts := strings.Split(ref, ".")
	if parts[0] != "forloop" || x.shadowed("forloop") {
		return
	}
	up := 0
	for up+1 < len(parts) && parts[up+1] == "parentloop" {
		up++
	}
	if up+1 >= len(parts) || len(x.loops)-1-up < 0 {
		return
	}
	attr := parts[up+1]
	l := x.loops[len(x.loops)-1-up]
	var kind FindingKind
	var msg string
	switch attr {
	case "last":
		kind = FindingReadAhead
		msg = fmt.Sprintf("%s reads forloop.last: if %s is a channel or iterator, each item waits until the next one arrives (or the sequence ends)", what, l.seq)
	case "length", "revcounter", "revcounter0":
		kind = FindingReadAll
		msg = fmt.Sprintf("%s reads forloop.%s: if %s is a channel or iterator, the whole sequence is read (and waited for) when it is first used", what, attr, l.seq)
	default:
		return
	}
	if l.reported[attr] {
		return
	}
	l.reported[attr] = true
	x.add(t, pos, kind, false, msg+fmt.Sprintf(" (loop at %s:%d:%d)", l.owner, l.tag.Pos.Line, l.tag.Pos.Col))
}

// sequenceUse reports a use, outside {% for %}, of a path some loop
// iterates: if it is a channel or an iterator, this reads it whole.
func (x *explainer) sequenceUse(t *xTmpl, pos syntax.Pos, what, ref string) {
	for path, loop := range x.seqPaths {
		if ref == path && x.truthRefs[ref] {
			x.add(t, pos, FindingReadAhead, false, fmt.Sprintf("%s tests %s: if it is a channel or iterator, this reads its first item only, and the {%% for %%} at %s still streams it", what, path, loop))
			return
		}
		if ref == path || strings.HasPrefix(ref, path+".") {
			x.add(t, pos, FindingReadAll, true, fmt.Sprintf("%s uses %s outside its loop: if it is a channel or iterator, this reads it whole and waits for every item, so the {%% for %%} at %s no longer streams it", what, path, loop))
			return
		}
	}
}

// truthOnlyRefs returns the variables an {% if %} condition only tests for
// truth: bare operands reached through and, or and not.
func truthOnlyRefs(args string) map[string]bool {
	e, err := syntax.ParseIf(syntax.SplitContents(args))
	if err != nil {
		return nil
	}
	refs := map[string]bool{}
	var walk func(e *syntax.IfExpr)
	walk = func(e *syntax.IfExpr) {
		switch {
		case e.Operand != nil:
			if v := e.Operand.Var; v != nil && !v.IsLiteral && len(e.Operand.Filters) == 0 {
				refs[strings.Join(v.Lookups, ".")] = true
			}
		case e.Op == "and" || e.Op == "or":
			walk(e.Left)
			walk(e.Right)
		case e.Op == "not":
			walk(e.Left)
		}
	}
	walk(e)
	return refs
}

// ---- nodes ----

func (x *explainer) varNode(n *syntax.VarNode, t *xTmpl) {
	refs := exprRefs(n.Expr)
	for _, r := range refs {
		if r == "block.super" && !x.shadowed("block") {
			x.super(n, t)
		}
	}
	x.uses(t, n.Pos, describeVar(n), refs, "")
}

// super handles {{ block.super }}: the parent's version of the current
// block is rendered into a buffer.
func (x *explainer) super(n *syntax.VarNode, t *xTmpl) {
	if len(x.blockCur) == 0 {
		x.note(t, n.Pos, true, "{{ block.super }} outside any block: a render error")
		return
	}
	cur := x.blockCur[len(x.blockCur)-1]
	next := -1
	for i := cur.index + 1; i < len(x.chain); i++ {
		if x.chain[i].blocks[cur.name] != nil {
			next = i
			break
		}
	}
	if next < 0 {
		x.add(t, n.Pos, FindingBuffer, false, fmt.Sprintf("{{ block.super }}: no parent defines block %s, so it renders nothing", cur.name))
		return
	}
	x.add(t, n.Pos, FindingBuffer, false, fmt.Sprintf("{{ block.super }}: %s's version of block %s is rendered into a buffer and written when it is complete", x.chain[next].name, cur.name))
	if len(x.blockCur) > maxDepth {
		return
	}
	x.pushCapture("{{ block.super }} at " + where(t, n.Pos))
	x.blockCur = append(x.blockCur, xBlock{name: cur.name, index: next})
	pt := x.chain[next]
	x.walk(pt.blocks[cur.name].Branches[0].Nodes, pt)
	x.blockCur = x.blockCur[:len(x.blockCur)-1]
	x.popCapture()
}

func (x *explainer) tag(n *syntax.TagNode, t *xTmpl) {
	switch n.Name {
	case "extends", "load", "comment", "templatetag", "lorem", "now", "resetcycle":
		x.bindAs(n, false)
		return
	case "await":
		if !x.inChain[t.name] {
			x.note(t, n.Pos, true, describeTag(n)+" waits where it stands: only the {% await %} tags of the page and of the templates it extends run before the first byte, not those of included templates or of a partial rendered alone")
		}
		return
	case "flush":
		x.flushTag(n, t)
		return
	case "block":
		x.block(n, t)
		return
	case "include":
		x.include(n, t)
		return
	case "for":
		x.forTag(n, t)
		return
	case "with":
		x.with(n, t)
		return
	case "defer":
		x.deferTag(n, t)
		return
	case "partialdef":
		if bits := syntax.SplitContents(n.Args); len(bits) == 2 && bits[1] == "inline" {
			x.walk(n.Branches[0].Nodes, t)
		}
		return
	case "partial":
		x.partial(n, t)
		return
	case "spaceless", "filter":
		x.uses(t, n.Pos, describeTag(n), filterTagRefs(n), "")
		x.add(t, n.Pos, FindingBuffer, false, fmt.Sprintf("%s: its whole body is rendered into a buffer before it is written", describeTag(n)))
		x.pushCapture(describeTag(n) + " at " + where(t, n.Pos))
		x.walk(n.Branches[0].Nodes, t)
		x.popCapture()
		return
	case "ifchanged":
		if strings.TrimSpace(n.Args) == "" {
			x.add(t, n.Pos, FindingBuffer, false, "{% ifchanged %} without arguments: its body is rendered into a buffer to compare it with the previous one")
			x.pushCapture("{% ifchanged %} at " + where(t, n.Pos))
			x.walk(n.Branches[0].Nodes, t)
			x.popCapture()
			for _, b := range n.Branches[1:] {
				x.walk(b.Nodes, t)
			}
			return
		}
	case "csrf_token", "debug":
		x.dataUse(t, n.Pos, describeTag(n))
		return
	case "querystring":
		x.uses(t, n.Pos, describeTag(n), append(argRefs(n.Args), "request"), "")
		x.bindAs(n, true)
		return
	}
	if d := t.c.parseTags[n.Name]; d != nil && d.shape.Raw {
		// {% blocktranslate %} and other raw-bodied tags: the body is
		// template text read by the tag itself.
		refs := argRefs(n.Args)
		for _, b := range n.Branches {
			for _, bn := range b.Nodes {
				if tx, ok := bn.(*syntax.TextNode); ok {
					for _, tok := range syntax.Lex(tx.Text) {
						if tok.Kind == syntax.TokenVar {
							if fe, err := syntax.ParseFilterExpr(tok.Contents); err == nil {
								refs = append(refs, exprRefs(fe)...)
							}
						}
					}
				}
			}
		}
		x.bindAs(n, x.uses(t, n.Pos, describeTag(n), refs, ""))
		return
	}
	if x.customTag(n, t) {
		return
	}
	// Any other tag: its arguments' lookups, then each branch in turn (an
	// {% if %} renders one; the walk shows all of them).
	for i, b := range n.Branches {
		pos, what := n.Pos, describeTag(n)
		if i > 0 {
			pos, what = b.Tag.Pos, "{% "+shorten(strings.TrimSpace(b.Name+" "+b.Args))+" %}"
		}
		if b.Name == "if" || b.Name == "elif" {
			x.truthRefs = truthOnlyRefs(b.Args)
		}
		data := x.uses(t, pos, what, argRefs(b.Args), "")
		x.truthRefs = nil
		if i == 0 {
			x.bindAs(n, data)
		}
		x.walk(b.Nodes, t)
	}
}

// filterTagRefs returns the variables of {% filter %}'s filter arguments.
func filterTagRefs(n *syntax.TagNode) []string {
	if n.Name != "filter" {
		return nil
	}
	fe, err := syntax.ParseFilterExpr("x|" + n.Args)
	if err != nil {
		return nil
	}
	return exprRefs(fe)[1:]
}

// bindAs binds the variable named after "as" in a tag's arguments.
func (x *explainer) bindAs(n *syntax.TagNode, data bool) {
	bits := syntax.SplitContents(n.Args)
	for i, b := range bits {
		if (b == "as" || b == "asvar") && i+1 < len(bits) {
			x.bind(bits[i+1], data)
		}
	}
}

func (x *explainer) flushTag(n *syntax.TagNode, t *xTmpl) {
	if x.ooo > 0 || x.alt > 0 || len(x.captures) > 0 {
		x.note(t, n.Pos, false, "{% flush %} has no effect inside buffered or deferred output")
		return
	}
	if !x.first {
		x.first = true
		x.plan.StaticBytes = x.static
		x.plan.FirstFlushInHead = x.inHead
		x.add(t, n.Pos, FindingFirstFlush, false, fmt.Sprintf("{%% flush %%} sends the %d bytes of static text before it", x.static))
		if !x.dry {
			f := x.plan.Findings[len(x.plan.Findings)-1]
			x.plan.FirstFlush = &f
		}
	}
}

// await reports an {% await %} of the page's chain.
func (x *explainer) await(n *syntax.TagNode, t *xTmpl) {
	var names []string
	for _, bit := range syntax.SplitContents(n.Args) {
		fe, err := syntax.ParseFilterExpr(bit)
		if err != nil {
			continue
		}
		for _, r := range exprRefs(fe) {
			root, _, _ := strings.Cut(r, ".")
			x.awaited[root] = true
			names = append(names, r)
		}
	}
	msg := fmt.Sprintf("%s: the render waits for %s before its first byte (an error can still become an HTTP status); the first byte comes no sooner than the slowest of them", describeTag(n), strings.Join(names, ", "))
	warn := false
	switch in := t.awaitIn[n]; in {
	case "":
	case "for", "with":
		warn = true
		msg += fmt.Sprintf("; it is inside {%% %s %%} but runs before the page renders, where the names that tag binds are not defined", in)
	default:
		warn = true
		msg += fmt.Sprintf("; it is inside {%% %s %%} but runs before the page renders, whatever that tag decides", in)
	}
	x.add(t, n.Pos, FindingAwait, warn, msg)
}

func (x *explainer) block(n *syntax.TagNode, t *xTmpl) {
	f := strings.Fields(n.Args)
	if len(f) != 1 {
		return
	}
	name := f[0]
	idx, bt := -1, n
	for i, ct := range x.chain {
		if b := ct.blocks[name]; b != nil {
			idx, bt = i, b
			break
		}
	}
	owner := t
	if idx >= 0 {
		owner = x.chain[idx]
	}
	for _, b := range x.blockCur {
		if b.name == name && b.index == idx {
			return // a block cannot contain itself; guard anyway
		}
	}
	x.blockCur = append(x.blockCur, xBlock{name: name, index: idx})
	x.pushScope()
	x.walk(bt.Branches[0].Nodes, owner)
	x.popScope()
	x.blockCur = x.blockCur[:len(x.blockCur)-1]
}

func (x *explainer) include(n *syntax.TagNode, t *xTmpl) {
	bits := syntax.SplitContents(n.Args)
	if len(bits) == 0 {
		return
	}
	what := describeTag(n)
	var names []string
	var datas []bool
	isolated := false
	for i := 1; i < len(bits); i++ {
		switch bits[i] {
		case "only":
			isolated = true
		case "with":
		default:
			k, v, ok := strings.Cut(bits[i], "=")
			if !ok {
				continue
			}
			d := false
			if fe, err := syntax.ParseFilterExpr(v); err == nil {
				d = x.uses(t, n.Pos, what, exprRefs(fe), "")
			}
			names = append(names, k)
			datas = append(datas, d)
		}
	}
	lit, ok := syntax.UnquoteString(bits[0])
	if !ok {
		x.uses(t, n.Pos, what, scanRefs(bits[0]), "")
		x.note(t, n.Pos, false, what+": the template is chosen at render time: not followed")
		return
	}
	name, err := resolveName(t.name, lit)
	if err != nil {
		x.note(t, n.Pos, true, what+": "+err.Error())
		return
	}
	x.includeTemplate(t, n.Pos, what, name, names, datas, isolated)
}

// includeTemplate walks an included template in place.
func (x *explainer) includeTemplate(t *xTmpl, pos syntax.Pos, what, name string, names []string, datas []bool, isolated bool) {
	for _, s := range x.stack {
		if s == name {
			x.note(t, pos, true, fmt.Sprintf("%s: recursive include of %s: not followed", what, name))
			return
		}
	}
	if len(x.stack) >= 16 {
		x.note(t, pos, false, what+": includes nested too deep: not followed")
		return
	}
	it := x.load(name)
	if it.err != nil {
		x.note(t, pos, true, fmt.Sprintf("%s: cannot load %s: %s", what, name, firstLine(it.err)))
		return
	}
	x.pushScope()
	if isolated {
		x.bind("", false) // barrier
	}
	for i, nm := range names {
		x.bind(nm, datas[i])
	}
	// An included template sees the includer's loops (forloop) unless it
	// is isolated with "only".
	savedLoops := x.loops
	if isolated {
		x.loops = nil
	}
	chain := x.chainOf(it, pos)
	if root := chain[len(chain)-1]; root.parentExpr != "" {
		x.note(root, root.extends.Pos, false, fmt.Sprintf("the parent template is chosen at render time ({%% extends %s %%}): not followed", root.parentExpr))
	}
	x.renderChain(chain)
	x.loops = savedLoops
	x.popScope()
}

func (x *explainer) partial(n *syntax.TagNode, t *xTmpl) {
	bits := syntax.SplitContents(n.Args)
	if len(bits) != 1 {
		return
	}
	pd := t.partials[bits[0]]
	if pd == nil {
		x.note(t, n.Pos, true, describeTag(n)+": no such partial in "+t.name)
		return
	}
	key := t.name + "#" + bits[0]
	for _, p := range x.partialIn {
		if p == key {
			return
		}
	}
	x.partialIn = append(x.partialIn, key)
	x.walk(pd.Branches[0].Nodes, t)
	x.partialIn = x.partialIn[:len(x.partialIn)-1]
}

func (x *explainer) forTag(n *syntax.TagNode, t *xTmpl) {
	bits := syntax.SplitContents(n.Args)
	reversed := len(bits) > 0 && bits[len(bits)-1] == "reversed"
	in := -1
	for i, b := range bits {
		if b == "in" {
			in = i
		}
	}
	what := describeTag(n)
	if in < 0 || in+1 >= len(bits) {
		return
	}
	seqSrc := bits[in+1]
	var refs []string
	seqPath := ""
	filtered := false
	if fe, err := syntax.ParseFilterExpr(seqSrc); err == nil {
		refs = exprRefs(fe)
		if fe.Var != nil && !fe.Var.IsLiteral {
			seqPath = strings.Join(fe.Var.Lookups, ".")
		}
		filtered = len(fe.Filters) > 0
	}
	data := x.uses(t, n.Pos, what, refs, seqPath)
	if x.dry && data && seqPath != "" && !filtered {
		if _, ok := x.seqPaths[seqPath]; !ok {
			x.seqPaths[seqPath] = where(t, n.Pos)
		}
	}
	if data {
		if x.ooo > 0 {
			x.add(t, n.Pos, FindingLoop, false, fmt.Sprintf("%s waits for %s inside its section, which is rendered concurrently into a buffer", what, seqSrc))
		} else {
			x.add(t, n.Pos, FindingLoop, false, fmt.Sprintf("%s waits for %s; if it is a channel or iterator, it streams item by item, flushing before each wait", what, seqSrc))
		}
		if first, ok := x.seqPaths[seqPath]; ok && !filtered && first != where(t, n.Pos) {
			x.add(t, n.Pos, FindingNote, false, fmt.Sprintf("%s loops again over %s: if it is a channel (or an iterator in the page's top-level data), its items are kept from the loop at %s, so both loops see the same items", what, seqPath, first))
		}
		switch {
		case reversed:
			x.add(t, n.Pos, FindingReadAll, false, fmt.Sprintf("%s is reversed: if %s is a channel or iterator, the whole sequence is read before the first item is rendered", what, seqSrc))
		case filtered:
			x.add(t, n.Pos, FindingReadAll, false, fmt.Sprintf("%s filters its sequence: if %s is a channel or iterator, the filter reads it whole before the first item is rendered", what, seqSrc))
		}
	}
	x.pushScope()
	for _, v := range loopVarSplit.Split(strings.Join(bits[:in], " "), -1) {
		x.bind(v, data)
	}
	x.loops = append(x.loops, &xLoop{tag: n, owner: t.name, seq: seqSrc, reported: map[string]bool{}})
	x.walk(n.Branches[0].Nodes, t)
	x.loops = x.loops[:len(x.loops)-1]
	x.popScope()
	for _, b := range n.Branches[1:] {
		x.walk(b.Nodes, t)
	}
}

func (x *explainer) with(n *syntax.TagNode, t *xTmpl) {
	bits := syntax.SplitContents(n.Args)
	what := describeTag(n)
	type kv struct {
		k    string
		data bool
	}
	var binds []kv
	eval := func(src string) bool {
		fe, err := syntax.ParseFilterExpr(src)
		if err != nil {
			return false
		}
		return x.uses(t, n.Pos, what, exprRefs(fe), "")
	}
	if len(bits) == 3 && bits[1] == "as" {
		binds = append(binds, kv{bits[2], eval(bits[0])})
	} else {
		for _, b := range bits {
			if k, v, ok := strings.Cut(b, "="); ok {
				binds = append(binds, kv{k, eval(v)})
			}
		}
	}
	x.pushScope()
	for _, b := range binds {
		x.bind(b.k, b.data)
	}
	x.walk(n.Branches[0].Nodes, t)
	x.popScope()
}

func (x *explainer) deferTag(n *syntax.TagNode, t *xTmpl) {
	var body, ph, errb *syntax.Branch
	for i, b := range n.Branches {
		switch {
		case i == 0:
			body = b
		case b.Name == "placeholder" && ph == nil:
			ph = b
		case b.Name == "error" && errb == nil:
			errb = b
		}
	}
	var timeout time.Duration
	for _, arg := range syntax.SplitContents(n.Args) {
		if k, v, ok := strings.Cut(arg, "="); ok && k == "timeout" {
			timeout, _ = parseTimeout(v)
		}
	}
	what := describeTag(n)
	var inPlaceWhy string
	switch {
	case ph == nil:
	case x.inDefer > 0:
		inPlaceWhy = "it is inside another {% defer %}, whose body renders in one piece"
	case len(x.captures) > 0:
		inPlaceWhy = "it is inside " + x.captures[len(x.captures)-1].what + ", whose output is buffered"
	case x.alt > 0:
		inPlaceWhy = "it is inside error content"
	case x.html.base() != hData:
		inPlaceWhy = "it is " + x.html.describe()
	}
	outOfOrder := ph != nil && inPlaceWhy == ""
	var details []string
	if timeout > 0 {
		if errb != nil {
			details = append(details, fmt.Sprintf("timeout %v: then its error content is shown", timeout))
		} else if ph != nil {
			details = append(details, fmt.Sprintf("timeout %v: then the placeholder stays", timeout))
		} else {
			details = append(details, fmt.Sprintf("timeout %v: then nothing is shown", timeout))
		}
	}
	if errb != nil {
		details = append(details, "error content: shown if the body fails")
	} else {
		details = append(details, "no error content: the engine's error fragment is shown if the body fails")
	}
	if len(x.loops) > 0 {
		details = append(details, "inside a loop: one section per item")
	}
	var msg string
	switch {
	case outOfOrder:
		msg = what + " is out of order: in Streaming mode its placeholder is written in place, the page goes on, and the body renders concurrently and is sent into the placeholder when ready (InOrder and Buffered modes render it in place)"
	case ph != nil:
		msg = what + " has a placeholder but renders in place, so the page waits for it: " + inPlaceWhy
	default:
		msg = what + " renders in place (no placeholder): the page waits here for its data"
	}
	x.add(t, n.Pos, FindingDefer, ph != nil && !outOfOrder, msg+"; "+strings.Join(details, "; "))
	buffered := timeout > 0 || errb != nil
	if buffered {
		why := "error content"
		if timeout > 0 && errb != nil {
			why = "a timeout and error content"
		} else if timeout > 0 {
			why = "a timeout"
		}
		if outOfOrder {
			x.add(t, n.Pos, FindingBuffer, false, what+": when rendered in place (InOrder mode), its body is buffered because it has "+why+" to fall back on")
		} else {
			x.add(t, n.Pos, FindingBuffer, false, what+": its body is buffered because it has "+why+" to fall back on")
		}
	}
	if ph != nil {
		x.walk(ph.Nodes, t)
	}
	x.inDefer++
	switch {
	case outOfOrder:
		x.ooo++
		x.walk(body.Nodes, t)
		x.ooo--
	case buffered:
		x.pushCapture(what + " at " + where(t, n.Pos))
		x.walk(body.Nodes, t)
		x.popCapture()
	default:
		x.walk(body.Nodes, t)
	}
	if errb != nil {
		x.alt++
		x.pushScope()
		x.bind("error", false)
		x.walk(errb.Nodes, t)
		x.popScope()
		x.alt--
	}
	x.inDefer--
}

// customTag handles a tag from a library (not a built-in one): a simple
// tag or an inclusion tag. It reports false for tags it does not know.
func (x *explainer) customTag(n *syntax.TagNode, t *xTmpl) bool {
	d := t.c.parseTags[n.Name]
	if d == nil || d.compile == nil || builtins.tags[n.Name] == d {
		return false
	}
	st := compileCustom(t.c, d, n)
	if st == nil {
		return false
	}
	what := describeTag(n)
	var refs []string
	for _, a := range append(append([]*filterExpr{}, st.args...), st.kwVals...) {
		refs = append(refs, compiledRefs(a)...)
	}
	x.uses(t, n.Pos, what, refs, "")
	if st.fn.ctx {
		x.add(t, n.Pos, FindingCall, false, what+" calls a Go function that takes a context (it may do I/O): it runs synchronously, and the renderer does not flush before calling it; if it is slow, make its result a late value instead")
	}
	if st.target != "" {
		x.bind(st.target, true)
		x.add(t, n.Pos, FindingBuffer, false, fmt.Sprintf("%s stores its result in %s: the result is held in memory until it is used", what, st.target))
	}
	if st.tmpl != "" {
		x.includeTemplate(t, n.Pos, what, st.tmpl, nil, nil, true)
	}
	return true
}

// compiledRefs returns the lookups of a compiled filter expression.
func compiledRefs(fe *filterExpr) []string {
	var out []string
	add := func(r *varRef) {
		if r != nil && !r.isLit {
			out = append(out, r.src)
		}
	}
	add(fe.v)
	for _, f := range fe.filters {
		add(f.arg)
	}
	return out
}

// compileCustom compiles a custom tag alone, on the explain compiler, to
// learn whether it is a simple or an inclusion tag.
func compileCustom(c *compiler, d *tagDef, n *syntax.TagNode) (st *simpleTagNode) {
	defer func() {
		if recover() != nil {
			st = nil
		}
	}()
	cn, err := d.compile(c, n)
	if err != nil {
		return nil
	}
	st, _ = cn.(*simpleTagNode)
	return st
}
