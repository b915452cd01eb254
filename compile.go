package runnel

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"

	"github.com/runnelhq/runnel/syntax"
)

// compiler turns a syntax tree into a compiled Template: the second stage of
// the pipeline. It is also the parser's Grammar, so that {% load %} makes a
// library's block tags known as soon as it is met.
type compiler struct {
	eng      *Engine
	tmpl     *Template
	tags     map[string]*tagDef
	filters  map[string]*filterDef
	blocks   map[string]*blockNode
	extended bool
	// html is the HTML tokenizer state after the static text compiled so
	// far, in document order (see htmlstate.go).
	html htmlState
	// cycles is the compile state of {% cycle %} (see tags_misc.go).
	cycles *cycleScratch
	// parseTags and parseFilters are the tag and filter sets as the parser
	// meets {% load %}; compile re-walks loads for filters so that a filter
	// is only usable after its {% load %}.
	parseTags    map[string]*tagDef
	parseFilters map[string]*filterDef
	// extendsPos is where the template's {% extends %} is, once met.
	extendsPos syntax.Pos
	// loopDepth counts the loops and partials around the node being
	// compiled, and blockNames the blocks (see once.go).
	loopDepth  int
	blockNames []string
	// notAllowed holds the built-in tags and filters ("tag name",
	// "filter name") that the engine's allowlist leaves out.
	notAllowed map[string]bool
}

func (e *Engine) compile(name, src string) (*Template, error) {
	t := &Template{eng: e, name: name, src: src}
	c := &compiler{eng: e, tmpl: t, tags: map[string]*tagDef{}, filters: map[string]*filterDef{}, blocks: map[string]*blockNode{}}
	c.onceInfo()
	c.addBuiltins(builtins)
	for _, l := range e.extra {
		c.addBuiltins(l)
	}
	c.parseTags, c.parseFilters = c.tags, cloneMap(c.filters)
	c.tags = cloneMap(c.tags)
	tree, err := syntax.Parse(name, src, c)
	if err != nil {
		return nil, markSyntax(name, src, err)
	}
	c.tags = c.parseTags
	nodes, err := c.compileNodes(tree.Nodes, true)
	if err != nil {
		return nil, markSyntax(name, src, err)
	}
	t.nodes = mergeText(nodes)
	t.blocks = c.blocks
	t.blockList = slices.SortedFunc(maps.Values(c.blocks), func(a, b *blockNode) int { return strings.Compare(a.name, b.name) })
	return t, nil
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (c *compiler) addLib(l *Library) {
	for k, v := range l.tags {
		c.tags[k] = v
	}
	for k, v := range l.filters {
		c.filters[k] = v
	}
}

// Tag implements syntax.Grammar.
func (c *compiler) Tag(name, args string, pos syntax.Pos) (syntax.TagShape, bool, error) {
	if name == "load" {
		if err := c.load(args, c.parseTags, c.parseFilters); err != nil {
			return syntax.TagShape{}, false, err
		}
	}
	d, ok := c.parseTags[name]
	if !ok {
		if d, ok = opaqueTagDef(c.parseTags, name); ok {
			c.parseTags[name] = d
			return d.shape, true, nil
		}
		return syntax.TagShape{}, false, c.notAllowedErr("tag", name)
	}
	return d.shape, true, nil
}

// MaxNesting implements syntax.NestingLimiter with the engine's limit.
func (c *compiler) MaxNesting() int { return c.eng.maxNesting }

// CheckFilter implements syntax.FilterChecker with the filters known where
// the parser is.
func (c *compiler) CheckFilter(f syntax.Filter) error {
	_, err := c.lookupFilter(c.parseFilters, f)
	return err
}

// lookupFilter is the package's lookupFilter, with the error of a filter
// the engine's allowlist leaves out.
func (c *compiler) lookupFilter(filters map[string]*filterDef, f syntax.Filter) (*filterDef, error) {
	if _, ok := filters[f.Name]; !ok {
		if _, ok := filters[opaqueKey]; ok {
			return opaqueFilter, nil
		}
		if err := c.notAllowedErr("filter", f.Name); err != nil {
			return nil, err
		}
	}
	return lookupFilter(filters, f)
}

// lookupFilter finds the filter f names and checks its argument count, with
// Django's messages.
func lookupFilter(filters map[string]*filterDef, f syntax.Filter) (*filterDef, error) {
	d, ok := filters[f.Name]
	if !ok {
		return nil, fmt.Errorf("Invalid filter: '%s'", f.Name)
	}
	provided := 1
	if f.Arg != nil {
		provided = 2
	}
	switch {
	case d.arg == argNone && f.Arg != nil:
		return nil, fmt.Errorf("%s requires 1 arguments, %d provided", f.Name, provided)
	case d.arg == argRequired && f.Arg == nil:
		return nil, fmt.Errorf("%s requires 2 arguments, %d provided", f.Name, provided)
	}
	return d, nil
}

// library finds a library the engine registered under name.
func (c *compiler) library(name string) (*Library, bool) {
	l, ok := c.eng.libs[name]
	return l, ok
}

// load applies {% load lib… %} or {% load name… from lib %} to the given tag
// and filter sets (either may be nil).
func (c *compiler) load(args string, tags map[string]*tagDef, filters map[string]*filterDef) error {
	bits := strings.Fields(args)
	if len(bits) >= 3 && bits[len(bits)-2] == "from" {
		libName := bits[len(bits)-1]
		if err := c.libraryAllowedErr(libName); err != nil {
			return err
		}
		lib, ok := c.library(libName)
		if !ok {
			return c.notALibrary(libName)
		}
		if lib.opaque {
			loadOpaque(bits[:len(bits)-2], tags, filters)
			return nil
		}
		for _, n := range bits[:len(bits)-2] {
			td, okT := lib.tags[n]
			fd, okF := lib.filters[n]
			if !okT && !okF {
				return fmt.Errorf("'%s' is not a valid tag or filter in tag library '%s'", n, libName)
			}
			if okT && tags != nil {
				tags[n] = td
			}
			if okF && filters != nil {
				filters[n] = fd
			}
		}
		return nil
	}
	for _, libName := range bits {
		if err := c.libraryAllowedErr(libName); err != nil {
			return err
		}
		lib, ok := c.library(libName)
		if !ok {
			return c.notALibrary(libName)
		}
		if lib.opaque {
			loadOpaque(nil, tags, filters)
			continue
		}
		if tags != nil {
			for k, v := range lib.tags {
				tags[k] = v
			}
		}
		if filters != nil {
			for k, v := range lib.filters {
				filters[k] = v
			}
		}
	}
	return nil
}

func (c *compiler) notALibrary(name string) error {
	var names []string
	for n := range c.eng.libs {
		names = append(names, n)
	}
	sort.Strings(names)
	names = slices.Compact(names)
	msg := fmt.Sprintf("'%s' is not a registered tag library. Must be one of:\n%s", name, strings.Join(names, "\n"))
	if pkg, ok := djangoLibraries[name]; ok {
		msg += fmt.Sprintf("\n(Django's %s library is the package %s: register it with runnel.WithLibrary(%q, …), or all of Django's libraries with templatetags.All())", name, pkg, name)
	}
	return errors.New(msg)
}

// djangoLibraries are the packages of the libraries Django ships, named in
// the error for a {% load %} of one the engine does not have.
var djangoLibraries = map[string]string{
	"cache":    "github.com/runnelhq/runnel/templatetags/cache",
	"humanize": "github.com/runnelhq/runnel/templatetags/humanize",
	"i18n":     "github.com/runnelhq/runnel/templatetags/i18n",
	"l10n":     "github.com/runnelhq/runnel/templatetags/l10n",
	"static":   "github.com/runnelhq/runnel/templatetags/static",
	"tz":       "github.com/runnelhq/runnel/templatetags/tz",
}

// errorf returns a syntax error at pos.
func (c *compiler) errorf(pos syntax.Pos, format string, args ...any) error {
	return syntax.NewError(c.tmpl.name, c.tmpl.src, pos, fmt.Sprintf(format, args...), nil)
}

// wrap attaches pos to err unless it already has a position.
func (c *compiler) wrap(pos syntax.Pos, err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok && e.Pos.Line > 0 {
		return e
	}
	return syntax.NewError(c.tmpl.name, c.tmpl.src, pos, err.Error(), err)
}

// compileNodes compiles a node list. top is true for the template's top
// level, where {% extends %} may appear.
func (c *compiler) compileNodes(in []syntax.Node, top bool) ([]node, error) {
	out := make([]node, 0, len(in))
	nontext := false // whether this list has had a node other than text
	for i, sn := range in {
		switch n := sn.(type) {
		case *syntax.TextNode:
			out = append(out, splitBodyEnd(n.Text)...)
			c.html = advanceHTML(c.html, n.Text)
		case *syntax.VarNode:
			nontext = true
			fe, err := c.filterExprFrom(n.Expr)
			if err != nil {
				return nil, c.wrap(n.Pos, err)
			}
			vn := &varNode{pos: n.Pos, expr: fe}
			if v := fe.v; v != nil && len(fe.filters) == 0 && v.name == "forloop" && len(v.steps) == 1 {
				vn.counter0 = v.steps[0].key == "counter0"
				vn.counter = vn.counter0 || v.steps[0].key == "counter"
			}
			out = append(out, vn)
		case *syntax.TagNode:
			if n.Name == "extends" {
				if err := c.checkExtends(n, top, nontext); err != nil {
					return nil, err
				}
			}
			if n.Name == "load" {
				if err := c.load(n.Args, nil, c.filters); err != nil {
					return nil, c.wrap(n.Pos, err)
				}
			}
			d := c.tags[n.Name]
			cn, err := d.compile(c, n)
			if err != nil {
				return nil, c.wrap(n.Pos, err)
			}
			nontext = true
			if ext, ok := cn.(*extendsNode); ok {
				c.extended, c.extendsPos = true, n.Pos
				// The rest of the template is the tag's body, as Django
				// parses it: it only contributes its blocks.
				if _, err := c.compileNodes(in[i+1:], false); err != nil {
					return nil, err
				}
				c.tmpl.extends = ext
				return append(out, ext), nil
			}
			if cn != nil {
				out = append(out, cn)
			}
		}
	}
	return out, nil
}

// checkExtends applies Django's rules for where {% extends %} may be: first
// in its node list (text aside), and once per template.
func (c *compiler) checkExtends(n *syntax.TagNode, top, nontext bool) error {
	if nontext || !top && !c.extended {
		origin := "the template"
		if c.tmpl.name != "" {
			origin = pystr.Repr(c.tmpl.name)
		}
		return c.errorf(n.Pos, "{%% %s %%} must be the first tag in %s.", n.Branches[0].Tag.Contents, origin)
	}
	if c.extended {
		return c.errorf(c.extendsPos, "'extends' cannot appear more than once in the same template")
	}
	return nil
}

// splitBodyEnd returns text as text nodes, with a bodyEndNode before a
// closing </body> tag.
func splitBodyEnd(text string) []node {
	i := strings.Index(htmlutil.LowerASCII(text), "</body")
	if i < 0 {
		return []node{&textNode{text: text}}
	}
	var out []node
	if i > 0 {
		out = append(out, &textNode{text: text[:i]})
	}
	return append(out, bodyEndNode{}, &textNode{text: text[i:]})
}

// mergeText joins adjacent text nodes and computes each text node's effect
// on the HTML state.
func mergeText(nodes []node) []node {
	out := nodes[:0]
	for _, n := range nodes {
		if t, ok := n.(*textNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(*textNode); ok {
				out[len(out)-1] = &textNode{text: prev.text + t.text}
				continue
			}
		}
		out = append(out, n)
	}
	for _, n := range out {
		if t, ok := n.(*textNode); ok && t.trans == nil {
			t.trans = transFor(t.text)
			t.events = tagEvents(t.text)
		}
	}
	return out
}

// body compiles a branch's nodes.
func (c *compiler) body(b *syntax.Branch) ([]node, error) {
	nodes, err := c.compileNodes(b.Nodes, false)
	if err != nil {
		return nil, err
	}
	return mergeText(nodes), nil
}

// filterExpr parses and compiles a filter expression from tag arguments.
func (c *compiler) filterExpr(src string) (*filterExpr, error) {
	fe, err := c.parseFilterExpr(src)
	if err != nil {
		return nil, err
	}
	return c.filterExprFrom(fe)
}

// parseFilterExpr parses a filter expression and checks its filters,
// reporting an unknown filter before a later syntax error in the
// expression, in Django's order.
func (c *compiler) parseFilterExpr(src string) (*syntax.FilterExpr, error) {
	fe, err := syntax.ParseFilterExpr(src)
	if fe != nil {
		for _, f := range fe.Filters {
			if _, ferr := c.lookupFilter(c.filters, f); ferr != nil {
				return nil, ferr
			}
		}
	}
	return fe, err
}

func (c *compiler) filterExprFrom(sfe *syntax.FilterExpr) (*filterExpr, error) {
	fe := &filterExpr{src: sfe.Source}
	if sfe.Var != nil {
		fe.v = c.varRef(sfe.Var)
	}
	for i, f := range sfe.Filters {
		d, err := c.lookupFilter(c.filters, f)
		if err != nil {
			return nil, err
		}
		fc := filterCall{name: f.Name, def: d}
		if f.Arg != nil {
			fc.arg = c.varRef(f.Arg)
		}
		fe.filters = append(fe.filters, fc)
		if i == 0 && (f.Name == "default" || f.Name == "default_if_none") {
			fe.defaulted = true
		}
	}
	fe.appLast = len(fe.filters) > 0 && fe.filters[len(fe.filters)-1].def.app != nil
	return fe, nil
}

// varRef compiles an operand.
func (c *compiler) varRef(v *syntax.Variable) *varRef {
	r := &varRef{src: v.Source, translate: v.Translate}
	if v.IsLiteral {
		r.isLit = true
		r.lit = v.Literal
		if v.IsString {
			r.lit = SafeString(v.Literal.(string))
		}
		return r
	}
	c.useRef(v.Lookups)
	r.name = v.Lookups[0]
	r.root.init(r.name)
	r.root.slot = rootSlotOf(r.name)
	r.steps = make([]lookupStep, len(v.Lookups)-1)
	for i, k := range v.Lookups[1:] {
		r.steps[i].init(k)
	}
	return r
}

// variable compiles a single operand without filters (Django's Variable).
func (c *compiler) variable(src string) (*varRef, error) {
	v, err := syntax.ParseVariable(src)
	if err != nil {
		return nil, err
	}
	return c.varRef(v), nil
}
