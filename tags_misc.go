package runnel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/pystr"

	"github.com/runnelhq/runnel/syntax"
)

// This file holds Django's smaller built-in tags: cycle, resetcycle, firstof,
// ifchanged, filter, spaceless, templatetag, widthratio, now, csrf_token,
// debug, regroup and url. lorem, querystring and the partial tags live in
// tags_lorem.go, tags_querystring.go and tags_partial.go.

// init registers the tags of this file as built-ins.
func init() {
	registerTag("cycle", syntax.TagShape{}, compileCycle)
	registerTag("resetcycle", syntax.TagShape{}, compileResetCycle)
	registerTag("firstof", syntax.TagShape{}, compileFirstOf)
	registerTag("ifchanged", syntax.TagShape{End: "endifchanged", Middles: []string{"else"}}, compileIfChanged)
	registerTag("filter", syntax.TagShape{End: "endfilter"}, compileFilterTag)
	registerTag("spaceless", syntax.TagShape{End: "endspaceless"}, compileSpaceless)
	registerTag("templatetag", syntax.TagShape{}, compileTemplateTag)
	registerTag("widthratio", syntax.TagShape{}, compileWidthRatio)
	registerTag("now", syntax.TagShape{}, compileNow)
	registerTag("csrf_token", syntax.TagShape{}, func(*compiler, *syntax.TagNode) (node, error) { return csrfTokenNode{}, nil })
	registerTag("debug", syntax.TagShape{}, func(c *compiler, _ *syntax.TagNode) (node, error) { c.opaque(); return debugNode{}, nil })
	registerTag("regroup", syntax.TagShape{}, compileRegroup)
	registerTag("url", syntax.TagShape{}, compileURL)
}

// miscBits returns Django's token.split_contents() for a tag: its name
// followed by its arguments.
func miscBits(t *syntax.TagNode) []string {
	return append([]string{t.Name}, syntax.SplitContents(t.Args)...)
}

// valueAsRendered renders v the way Django's render_value_in_context does and
// returns the text: safe (already escaped) when autoescaping is on, as it is
// when Django stores the result of {% firstof … as var %}.
func (s *state) valueAsRendered(v any) any {
	saved := s.out
	tmp := &output{}
	s.out = tmp
	s.writeValue(v)
	s.out = saved
	if s.autoescape || isSafe(v) {
		return SafeString(tmp.buf)
	}
	return string(tmp.buf)
}

// miscExtraBranch reports the second intermediate tag of a block tag that
// accepts a single one (Django stops looking for it after the first).
func miscExtraBranch(c *compiler, t *syntax.TagNode, end string) error {
	b := t.Branches[2]
	return c.errorf(b.Tag.Pos, "Invalid block tag on line %d: '%s', expected '%s'. Did you forget to register or load this tag?", b.Tag.Pos.Line, b.Name, end)
}

// ---- cycle, resetcycle ----

// cycleNode is {% cycle a b c [as name [silent]] %}. A later {% cycle name %}
// compiles to the same node, so both advance one position.
type cycleNode struct {
	pos    syntax.Pos
	values []*filterExpr
	name   string
	silent bool
}

// cycleScratch is the per-template compile state Django keeps on its parser
// for cycles: the named cycles and the last cycle, for {% resetcycle %}.
type cycleScratch struct {
	named map[string]*cycleNode
	last  *cycleNode
}

// cycleState returns the template's cycle compile state, creating it if
// create is set (nil otherwise when there is none yet).
func cycleState(c *compiler, create bool) *cycleScratch {
	if c.cycles == nil && create {
		c.cycles = &cycleScratch{}
	}
	return c.cycles
}

// compileCycle parses {% cycle %} as Django's cycle() does, returning the
// named cycle's own node for {% cycle name %}.
func compileCycle(c *compiler, t *syntax.TagNode) (node, error) {
	args := miscBits(t)
	if len(args) < 2 {
		return nil, errors.New("'cycle' tag requires at least two arguments")
	}
	if len(args) == 2 {
		name := args[1]
		st := cycleState(c, false)
		if st == nil || st.named == nil {
			return nil, fmt.Errorf("No named cycles in template. '%s' is not defined", name)
		}
		n, ok := st.named[name]
		if !ok {
			return nil, fmt.Errorf("Named cycle '%s' does not exist", name)
		}
		return n, nil
	}
	asForm, silent := false, false
	if len(args) > 4 {
		if args[len(args)-3] == "as" {
			if args[len(args)-1] != "silent" {
				return nil, fmt.Errorf("Only 'silent' flag is allowed after cycle's name, not '%s'.", args[len(args)-1])
			}
			asForm, silent = true, true
			args = args[:len(args)-1]
		} else if args[len(args)-2] == "as" {
			asForm = true
		}
	}
	n := &cycleNode{pos: t.Pos, silent: silent}
	vals := args[1:]
	if asForm {
		n.name = args[len(args)-1]
		vals = args[1 : len(args)-2]
	}
	for _, v := range vals {
		fe, err := c.filterExpr(v)
		if err != nil {
			return nil, err
		}
		n.values = append(n.values, fe)
	}
	st := cycleState(c, true)
	if asForm {
		if st.named == nil {
			st.named = map[string]*cycleNode{}
		}
		st.named[n.name] = n
	}
	st.last = n
	return n, nil
}

// render writes the cycle's next value (unless silent) and binds it to the
// cycle's name; the position is kept in the render context.
func (n *cycleNode) render(s *state) error {
	if s.rctx == nil {
		s.rctx = map[any]any{}
	}
	i, _ := s.rctx[n].(int)
	s.rctx[n] = (i + 1) % len(n.values)
	v, err := n.values[i].resolve(s, false)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	if n.name != "" {
		s.setUpward(n.name, v)
	}
	if !n.silent {
		s.writeValue(v)
	}
	return nil
}

// reset restarts the cycle in the current render context.
func (n *cycleNode) reset(s *state) {
	if s.rctx != nil {
		delete(s.rctx, n)
	}
}

// resetCycleNode is {% resetcycle [name] %}.
type resetCycleNode struct{ cycle *cycleNode }

// compileResetCycle parses {% resetcycle [name] %}.
func compileResetCycle(c *compiler, t *syntax.TagNode) (node, error) {
	args := miscBits(t)
	if len(args) > 2 {
		return nil, fmt.Errorf("'%s' tag accepts at most one argument.", args[0])
	}
	st := cycleState(c, false)
	if len(args) == 2 {
		if st == nil || st.named[args[1]] == nil {
			return nil, fmt.Errorf("Named cycle '%s' does not exist.", args[1])
		}
		return resetCycleNode{st.named[args[1]]}, nil
	}
	if st == nil || st.last == nil {
		return nil, errors.New("No cycles in template.")
	}
	return resetCycleNode{st.last}, nil
}

// render restarts the cycle.
func (n resetCycleNode) render(s *state) error {
	n.cycle.reset(s)
	return nil
}

// ---- firstof ----

// firstOfNode is {% firstof a b c [as var] %}.
type firstOfNode struct {
	pos   syntax.Pos
	vars  []*filterExpr
	asvar string
}

// compileFirstOf parses {% firstof %}.
func compileFirstOf(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) == 0 {
		return nil, errors.New("'firstof' statement requires at least one argument")
	}
	n := &firstOfNode{pos: t.Pos}
	if len(bits) >= 2 && bits[len(bits)-2] == "as" {
		n.asvar = bits[len(bits)-1]
		bits = bits[:len(bits)-2]
	}
	for _, b := range bits {
		fe, err := c.filterExpr(b)
		if err != nil {
			return nil, err
		}
		n.vars = append(n.vars, fe)
	}
	return n, nil
}

// render writes (or binds) the first true value, escaped as a variable is.
func (n *firstOfNode) render(s *state) error {
	for _, fe := range n.vars {
		v, err := fe.resolve(s, true)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		if truthy(v) {
			if n.asvar != "" {
				s.setUpward(n.asvar, s.valueAsRendered(v))
			} else {
				s.writeValue(v)
			}
			return nil
		}
	}
	if n.asvar != "" {
		s.setUpward(n.asvar, "")
	}
	return nil
}

// ---- ifchanged ----

// ifChangedNode is {% ifchanged [vars] %}…{% else %}…{% endifchanged %}. Its
// last value is kept per enclosing loop (so it resets when an outer loop
// moves on), or in the render context outside loops.
type ifChangedNode struct {
	pos      syntax.Pos
	vars     []*filterExpr
	body     []node
	elseBody []node
}

// compileIfChanged parses {% ifchanged %} and its optional {% else %}.
func compileIfChanged(c *compiler, t *syntax.TagNode) (node, error) {
	if len(t.Branches) > 2 {
		return nil, miscExtraBranch(c, t, "endifchanged")
	}
	n := &ifChangedNode{pos: t.Pos}
	var err error
	if n.body, err = c.body(t.Branches[0]); err != nil {
		return nil, err
	}
	if len(t.Branches) == 2 {
		if n.elseBody, err = c.body(t.Branches[1]); err != nil {
			return nil, err
		}
	}
	for _, b := range syntax.SplitContents(t.Args) {
		fe, err := c.filterExpr(b)
		if err != nil {
			return nil, err
		}
		n.vars = append(n.vars, fe)
	}
	return n, nil
}

// render renders the body when the watched values (or the body's own
// output) differ from the previous pass, and the else branch otherwise.
func (n *ifChangedNode) render(s *state) error {
	var store map[any]any
	if s.loop != nil {
		if s.loop.changed == nil {
			s.loop.changed = map[any]any{}
		}
		store = s.loop.changed
	} else {
		if s.rctx == nil {
			s.rctx = map[any]any{}
		}
		store = s.rctx
	}
	var compare any
	var out string
	if len(n.vars) > 0 {
		vals := make([]any, len(n.vars))
		for i, fe := range n.vars {
			v, err := fe.resolve(s, true)
			if err != nil {
				return s.wrapErr(n.pos, err)
			}
			vals[i] = v
		}
		compare = vals
	} else {
		var err error
		if out, err = s.capture(n.body); err != nil {
			return err
		}
		compare = out
	}
	if prev, seen := store[n]; !seen || !pyEqual(compare, prev) {
		store[n] = compare
		if out != "" {
			s.out.WriteString(out)
			return nil
		}
		// Like Django, an empty comparison output is rendered again.
		return s.renderNodes(n.body)
	}
	return s.renderNodes(n.elseBody)
}

// ---- filter ----

// filterTagNode is {% filter f|g %}…{% endfilter %}: the body's output, as
// safe text named "var", goes through the filters.
type filterTagNode struct {
	pos  syntax.Pos
	expr *filterExpr
	body []node
}

// compileFilterTag parses {% filter %}, refusing escape and safe as Django
// does.
func compileFilterTag(c *compiler, t *syntax.TagNode) (node, error) {
	rest := strings.TrimSpace(t.Args)
	if rest == "" {
		return nil, errors.New("'filter' tag requires at least one filter")
	}
	fe, err := c.filterExpr("var|" + rest)
	if err != nil {
		return nil, err
	}
	for _, f := range fe.filters {
		if f.name == "escape" || f.name == "safe" {
			return nil, fmt.Errorf("\"filter %s\" is not permitted.  Use the \"autoescape\" tag instead.", f.name)
		}
	}
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return &filterTagNode{pos: t.Pos, expr: fe, body: body}, nil
}

// render writes the body's output passed through the filters.
func (n *filterTagNode) render(s *state) error {
	out, err := s.capture(n.body)
	if err != nil {
		return err
	}
	mark := s.push()
	s.set("var", SafeString(out))
	v, err := n.expr.resolve(s, false)
	s.pop(mark)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	s.out.WriteString(toStr(v))
	return nil
}

// ---- spaceless ----

// spacelessNode is {% spaceless %}: whitespace between tags is removed.
type spacelessNode struct{ body []node }

// compileSpaceless parses {% spaceless %}.
func compileSpaceless(c *compiler, t *syntax.TagNode) (node, error) {
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return &spacelessNode{body: body}, nil
}

// render writes the trimmed body with the whitespace between tags removed.
func (n *spacelessNode) render(s *state) error {
	out, err := s.capture(n.body)
	if err != nil {
		return err
	}
	s.out.WriteString(spacelessStrip(strings.TrimFunc(out, spacelessIsSpace)))
	return nil
}

// spacelessIsSpace reports whether r is whitespace for Python's str.strip()
// and the regular expression \s.
func spacelessIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// spacelessStrip is Django's strip_spaces_between_tags: it removes
// the whitespace in every ">   <".
func spacelessStrip(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '>' {
			continue
		}
		j := i + 1
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !spacelessIsSpace(r) {
				break
			}
			j += size
		}
		if j > i+1 && j < len(s) && s[j] == '<' {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last : i+1])
			last = j
		}
		i = j - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// ---- templatetag ----

var templateTagNames = []string{"openblock", "closeblock", "openvariable", "closevariable", "openbrace", "closebrace", "opencomment", "closecomment"}

var templateTagText = map[string]string{
	"openblock": "{%", "closeblock": "%}",
	"openvariable": "{{", "closevariable": "}}",
	"openbrace": "{", "closebrace": "}",
	"opencomment": "{#", "closecomment": "#}",
}

// compileTemplateTag parses {% templatetag name %} into the text it stands
// for.
func compileTemplateTag(c *compiler, t *syntax.TagNode) (node, error) {
	bits := strings.Fields(t.Args)
	if len(bits) != 1 {
		return nil, errors.New("'templatetag' statement takes one argument")
	}
	text, ok := templateTagText[bits[0]]
	if !ok {
		quoted := make([]string, len(templateTagNames))
		for i, n := range templateTagNames {
			quoted[i] = "'" + n + "'"
		}
		return nil, fmt.Errorf("Invalid templatetag argument: '%s'. Must be one of: [%s]", bits[0], strings.Join(quoted, ", "))
	}
	return &textNode{text: text}, nil
}

// ---- widthratio ----

// widthRatioNode is {% widthratio value max width [as var] %}.
type widthRatioNode struct {
	pos             syntax.Pos
	val, max, width *filterExpr
	asvar           string
}

// compileWidthRatio parses {% widthratio %}.
func compileWidthRatio(c *compiler, t *syntax.TagNode) (node, error) {
	bits := miscBits(t)
	n := &widthRatioNode{pos: t.Pos}
	switch len(bits) {
	case 4:
	case 6:
		if bits[4] != "as" {
			return nil, errors.New("Invalid syntax in widthratio tag. Expecting 'as' keyword")
		}
		n.asvar = bits[5]
	default:
		return nil, errors.New("widthratio takes at least three arguments")
	}
	var err error
	if n.val, err = c.filterExpr(bits[1]); err != nil {
		return nil, err
	}
	if n.max, err = c.filterExpr(bits[2]); err != nil {
		return nil, err
	}
	if n.width, err = c.filterExpr(bits[3]); err != nil {
		return nil, err
	}
	return n, nil
}

// render writes (or binds) the ratio; a width that is not an integer is an
// error, as in Django.
func (n *widthRatioNode) render(s *state) error {
	value, err := n.val.resolve(s, false)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	maxValue, err := n.max.resolve(s, false)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	w, err := n.width.resolve(s, false)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	width, ok := miscPyInt(w)
	if !ok {
		return s.errorf(n.pos, "widthratio final argument must be a number")
	}
	result := widthRatio(value, maxValue, width)
	if n.asvar != "" {
		s.setUpward(n.asvar, result)
		return nil
	}
	s.out.WriteString(result)
	return nil
}

// miscPyInt converts v as Python's int() would: integers, booleans, floats
// (truncated, finite only) and integer strings.
func miscPyInt(v any) (int64, bool) {
	v = indirect(v)
	switch v.(type) {
	case nil, undefinedT:
		return 0, false
	}
	if _, ok := isString(v); !ok && !isNumberOrBool(v) {
		return 0, false
	}
	return toInt(v)
}

// widthRatio computes Django's widthratio result: round(value/max*width) as
// text, "0" when max is zero and "" when a value is not a number.
func widthRatio(value, maxValue any, width int64) string {
	v, ok1 := miscPyFloat(value)
	m, ok2 := miscPyFloat(maxValue)
	if !ok1 || !ok2 {
		return ""
	}
	if m == 0 {
		return "0"
	}
	r := math.RoundToEven(v / m * float64(width))
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return ""
	}
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// miscPyFloat converts v as Python's float() would: numbers, booleans and
// numeric strings.
func miscPyFloat(v any) (float64, bool) {
	v = indirect(v)
	switch v.(type) {
	case nil, undefinedT:
		return 0, false
	}
	if _, ok := isString(v); !ok && !isNumberOrBool(v) {
		return 0, false
	}
	return toFloat(v)
}

// ---- now ----

// nowNode is {% now "format" [as var] %}.
type nowNode struct {
	format string
	asvar  string
}

// compileNow parses {% now "format" [as var] %}.
func compileNow(c *compiler, t *syntax.TagNode) (node, error) {
	bits := miscBits(t)
	n := &nowNode{}
	if len(bits) == 4 && bits[2] == "as" {
		n.asvar = bits[3]
		bits = bits[:2]
	}
	if len(bits) != 2 {
		return nil, errors.New("'now' statement takes one argument")
	}
	// Like Django, the first and last characters (the quotes) are dropped
	// without checking them.
	if f := bits[1]; len(f) >= 2 {
		n.format = f[1 : len(f)-1]
	}
	return n, nil
}

// render writes (or binds) the current time (the engine's clock), in the
// engine's time zone, formatted like the date filter.
func (n *nowNode) render(s *state) error {
	now := s.now()
	if s.eng.loc != nil {
		now = now.In(s.currentLocation()) // Django uses the current zone only with USE_TZ
	}
	out := s.dateLocale(true).Format(now, n.format)
	if n.asvar != "" {
		s.setUpward(n.asvar, out)
		return nil
	}
	s.out.WriteString(out)
	return nil
}

// ---- csrf_token ----

// csrfTokenNode is {% csrf_token %}: a hidden form field holding the
// context's csrf_token value.
type csrfTokenNode struct{}

// render writes the hidden input, or nothing when the context has no token
// or the token is "NOTPROVIDED".
func (csrfTokenNode) render(s *state) error {
	v, ok := s.lookupName("csrf_token")
	if !ok {
		return nil
	}
	v, err := s.call(v)
	if err != nil || !truthy(v) {
		return err
	}
	if toStr(v) == "NOTPROVIDED" {
		return nil
	}
	s.out.WriteString(`<input type="hidden" name="csrfmiddlewaretoken" value="`)
	s.out.WriteString(string(conditionalEscape(v)))
	s.out.WriteString(`">`)
	return nil
}

// ---- debug ----

// debugNode is {% debug %}: when the engine's debug output is enabled, an
// escaped dump of the context in the layout of Django's (Python reprs of the
// context's dicts, innermost first, then the data and the builtins), and
// where Django dumps the loaded Python modules after a blank line, an empty
// dict: runnel has no modules to show.
type debugNode struct{}

// render writes the dump when the engine's debug output is on.
func (debugNode) render(s *state) error {
	if !s.eng.debugTag {
		return nil
	}
	var b strings.Builder
	for i := len(s.scope) - 1; i >= 0; i-- {
		if s.scope[i].name == "" {
			continue
		}
		fmt.Fprintf(&b, "{%s: %s}", pystr.Repr(s.scope[i].name), pyRepr(s.scope[i].val))
	}
	switch {
	case s.dataMap != nil:
		b.WriteString(toStr(s.dataMap))
	case s.data != nil:
		fmt.Fprintf(&b, "%+v", indirect(s.data))
	}
	b.WriteString("{'False': False, 'None': None, 'True': True}\n\n{}")
	s.out.writeEscaped(b.String())
	return nil
}

// ---- regroup ----

// regroupNode is {% regroup list by attr as name %}.
type regroupNode struct {
	pos    syntax.Pos
	target *filterExpr
	expr   *filterExpr // name.attr with the tag's filters
	name   string
}

// groupedResult is one group made by {% regroup %}: Django's GroupedResult
// named tuple (grouper, list). It is a two-element list, so
// {% for grouper, list in groups %} unpacks it, and has Grouper and List
// methods for {{ g.grouper }} and {{ g.list }}.
type groupedResult []any

// Grouper returns the value the group's items share.
func (g groupedResult) Grouper() any { return g[0] }

// List returns the group's items.
func (g groupedResult) List() []any { return g[1].([]any) }

// String renders the group the way Python prints the named tuple.
func (g groupedResult) String() string {
	return "GroupedResult(grouper=" + pyRepr(g[0]) + ", list=" + toStr(g[1]) + ")"
}

// compileRegroup parses {% regroup list by attr as name %}; attr may carry
// filters.
func compileRegroup(c *compiler, t *syntax.TagNode) (node, error) {
	bits := miscBits(t)
	if len(bits) != 6 {
		return nil, errors.New("'regroup' tag takes five arguments")
	}
	target, err := c.filterExpr(bits[1])
	if err != nil {
		return nil, err
	}
	if bits[2] != "by" {
		return nil, errors.New("second argument to 'regroup' tag must be 'by'")
	}
	if bits[4] != "as" {
		return nil, errors.New("next-to-last argument to 'regroup' tag must be 'as'")
	}
	expr, err := c.filterExpr(bits[5] + "." + bits[3])
	if err != nil {
		return nil, err
	}
	return &regroupNode{pos: t.Pos, target: target, expr: expr, name: bits[5]}, nil
}

// render binds name to the list of groups of consecutive items with equal
// keys, or to an empty list when the list is undefined or None.
func (n *regroupNode) render(s *state) error {
	v, err := n.target.resolve(s, true)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	if v == nil {
		s.setUpward(n.name, []any{})
		return nil
	}
	items, ok := toList(v)
	if !ok {
		return s.wrapErr(n.pos, pystr.Errorf(pystr.TypeError, "'%s' object is not iterable", pyTypeName(v)))
	}
	groups := []any{}
	var key any
	var list []any
	flush := func() {
		if list != nil {
			groups = append(groups, groupedResult{key, list})
		}
	}
	// Each item is bound to the target name while its key is computed, as
	// Django does, so that "name.attr|filter" can be resolved.
	mark := s.push()
	s.set(n.name, nil)
	at := len(s.scope) - 1
	check := s.eachCheck()
	for _, it := range items {
		if err := check(); err != nil {
			s.pop(mark)
			return s.wrapErr(n.pos, err)
		}
		s.scope[at].val = it
		k, err := n.expr.resolve(s, true)
		if err != nil {
			s.pop(mark)
			return s.wrapErr(n.pos, err)
		}
		if list == nil || !pyEqual(k, key) {
			flush()
			key, list = k, []any{}
		}
		list = append(list, it)
	}
	s.pop(mark)
	flush()
	s.setUpward(n.name, groups)
	return nil
}

// ---- url ----

// urlNode is {% url name args… [as var] %}, reversed by the engine's
// URLResolver.
type urlNode struct {
	pos    syntax.Pos
	view   *filterExpr
	args   []*filterExpr
	kwKeys []string
	kwVals []*filterExpr
	asvar  string
}

// compileURL parses {% url name args… [as var] %}.
func compileURL(c *compiler, t *syntax.TagNode) (node, error) {
	bits := miscBits(t)
	if len(bits) < 2 {
		return nil, fmt.Errorf("'%s' takes at least one argument, a URL pattern name.", bits[0])
	}
	view, err := c.filterExpr(bits[1])
	if err != nil {
		return nil, err
	}
	n := &urlNode{pos: t.Pos, view: view}
	bits = bits[2:]
	if len(bits) >= 2 && bits[len(bits)-2] == "as" {
		n.asvar = bits[len(bits)-1]
		bits = bits[:len(bits)-2]
	}
	for _, bit := range bits {
		m := kwargRe.FindStringSubmatch(bit)
		if m == nil {
			return nil, errors.New("Malformed arguments to url tag")
		}
		fe, err := c.filterExpr(m[2])
		if err != nil {
			return nil, err
		}
		if m[1] != "" {
			// A repeated keyword keeps the last value, as a Python dict does.
			replaced := false
			for i, k := range n.kwKeys {
				if k == m[1] {
					n.kwVals[i], replaced = fe, true
				}
			}
			if !replaced {
				n.kwKeys = append(n.kwKeys, m[1])
				n.kwVals = append(n.kwVals, fe)
			}
		} else {
			n.args = append(n.args, fe)
		}
	}
	return n, nil
}

// tagArgValue resolves a tag argument the way Django's FilterExpression.resolve
// does for tags: an undefined value becomes the (empty) string_if_invalid.
func tagArgValue(s *state, fe *filterExpr) (any, error) {
	v, err := fe.resolve(s, false)
	if isUndefined(v) {
		v = ""
	}
	return v, err
}

// render reverses the URL with the engine's resolver and writes it escaped,
// or binds it with "as" (where a failed reversal gives "").
func (n *urlNode) render(s *state) error {
	args := make([]any, len(n.args))
	for i, fe := range n.args {
		v, err := tagArgValue(s, fe)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		args[i] = v
	}
	var kwargs map[string]any
	if len(n.kwKeys) > 0 {
		kwargs = make(map[string]any, len(n.kwKeys))
		for i, fe := range n.kwVals {
			v, err := tagArgValue(s, fe)
			if err != nil {
				return s.wrapErr(n.pos, err)
			}
			kwargs[n.kwKeys[i]] = v
		}
	}
	view, err := tagArgValue(s, n.view)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	url := ""
	if r := s.eng.urlResolver; r != nil {
		ctx := s.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		url, err = r(ctx, toStr(view), args, kwargs)
		if err != nil {
			// With "as", a failed reversal leaves the variable empty, as
			// Django's NoReverseMatch does; cancellation still stops.
			if n.asvar == "" || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return s.wrapErr(n.pos, noReverseMatch(err))
			}
			url = ""
		}
	} else if n.asvar == "" {
		return s.wrapErr(n.pos, noReverseMatch(fmt.Errorf("{%% url %%} cannot reverse '%s': the engine has no URL resolver (configure one with runnel.WithURLResolver)", toStr(view))))
	}
	if n.asvar != "" {
		s.setUpward(n.asvar, url)
		return nil
	}
	s.writeText(url)
	return nil
}
