package runnel

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/syntax"
)

// node is one executable piece of a compiled template. render writes the
// node's output to s.out as it goes; it never returns text.
type node interface {
	render(s *state) error
}

// binding is one name in the render's scope stack.
type binding struct {
	name string
	val  any
}

// state is everything one render needs. It is pooled: a render allocates
// nothing for its scope stack, buffer or render context once warm.
type state struct {
	ctx     context.Context
	root    context.Context // the context the render was called with
	page    context.Context // root with the page deadline, if there is one (else nil)
	eng     *Engine
	out     *output
	main    output
	data    any
	dataMap map[string]any
	// roots are the data map's values by root name slot (lookup.go), for
	// the main render (rootGen 0 turns them off: a section's fork);
	// rootsUsed lists the slots set, to clear them when the render ends.
	roots      []rootSlot
	rootsUsed  []int32
	rootGen    uint32
	scratch    []byte
	sec        section // a fork's section (defer.go) // a filter's text on its way to the output (writeFiltered)
	scope      []binding
	autoescape bool
	tmpl       *Template
	rootTmpl   *Template // the template the render was called on
	dataScope  int       // scope[:dataScope] are the data's late values
	blocks     *blockContext
	rctx       map[any]any // Django's render_context for the current template
	depth      int
	loop       *forLoop
	// loops is a stack of loop objects, recycled between renders: a loop
	// takes the next slot when it starts and gives it back when it ends
	// (endLoop), so that an inner loop run once per row of an outer one
	// does not take a slot per row. loopsMax is the most slots used in
	// this render, for the cleanup.
	loops    []*[16]forLoop
	loopsAt  int
	loopsMax int
	bc       blockContext
	bcUsed   bool

	// Streaming.
	mode       Mode
	nonce      string
	scriptOnly bool
	recover    bool // render error fragments for errors after the first byte
	stream     *streamState
	html       htmlState           // where the page is in the HTML grammar
	streams    map[any]*itemStream // the render's streams, one per channel or iterator
	preluded   []*Template         // templates whose {% await %} tags ran before the first byte
	elems      []elem              // open elements (Streaming mode), see htmlstate.go
	serial     uint32
	onError    func(context.Context, error)

	// api is the render's public face for custom tags (tagapi.go).
	api Renderer

	// Limits (limits.go): the render's budget, found in the context on
	// first use by a section's state (budLoaded); the loop iterations
	// counted and taken from the budget (or granted until the next look
	// at the context); the other units of work, for looks at the context;
	// and whether a limit's error fragment has been written.
	bud            *budget
	budLoaded      bool
	steps, stepsOK int64
	ticks          int
	limitShown     bool
}

// newLoop returns a zeroed forLoop from the render's arena.
func (s *state) newLoop() *forLoop {
	chunk, slot := s.loopsAt/16, s.loopsAt%16
	if chunk == len(s.loops) {
		s.loops = append(s.loops, new([16]forLoop))
	}
	s.loopsAt++
	s.loopsMax = max(s.loopsMax, s.loopsAt)
	l := &s.loops[chunk][slot]
	*l = forLoop{}
	return l
}

// endLoop gives back the slot of l, the innermost loop, when it ends.
func (s *state) endLoop(l *forLoop) {
	if i := s.loopsAt - 1; i >= 0 && &s.loops[i/16][i%16] == l {
		s.loopsAt = i
	}
}

var statePool = sync.Pool{New: func() any {
	s := &state{}
	s.api.s = s
	return s
}}

// maxDepth bounds nested includes, extends and block.super, so that runaway
// recursion is an error rather than a stack overflow.
const maxDepth = 64

func (s *state) reset() {
	s.root, s.page = nil, nil
	s.ctx, s.eng, s.data, s.dataMap, s.tmpl, s.rootTmpl, s.blocks, s.rctx, s.loop = nil, nil, nil, nil, nil, nil, nil, nil, nil
	clear(s.scope)
	s.scope = s.scope[:0]
	for _, i := range s.rootsUsed {
		s.roots[i] = rootSlot{}
	}
	s.rootsUsed, s.rootGen = s.rootsUsed[:0], 0
	if len(s.roots) > 1024 && cap(s.rootsUsed) > 1024 {
		s.roots, s.rootsUsed = nil, nil // a render used many names: do not pool them
	}
	s.depth, s.dataScope = 0, 0
	// Forget the loops of this render (their items, streams and ifchanged
	// state) so that a pooled state keeps no data alive.
	for i := 0; i < s.loopsMax; i++ {
		s.loops[i/16][i%16] = forLoop{}
	}
	s.loopsAt, s.loopsMax = 0, 0
	if len(s.loops) > 64 {
		s.loops = s.loops[:64]
	}
	if s.bcUsed { // the pooled block context is only used by a chain
		s.bc.reset()
	}
	s.bcUsed = false
	s.mode, s.nonce, s.scriptOnly, s.recover, s.stream, s.html, s.onError = InOrder, "", false, false, nil, hData, nil
	s.main.dst, s.main.err, s.main.wrote, s.main.dirty, s.main.flusher = nil, nil, false, false, nil
	s.main.next, s.main.max, s.main.limit, s.main.total, s.main.done = 0, 0, 0, 0, nil
	clear(s.main.recs) // a render that panicked inside Renderer.Record
	s.main.recs = s.main.recs[:0]
	s.bud, s.budLoaded, s.steps, s.stepsOK, s.ticks, s.limitShown = nil, false, 0, 0, 0, false
	s.streams = nil
	clear(s.preluded)
	s.preluded = s.preluded[:0]
	s.elems, s.serial = s.elems[:0], 0
	if cap(s.main.buf) > 256<<10 {
		s.main.buf = nil
	}
	s.main.buf = s.main.buf[:0]
}

// errorf builds a runtime error pointing at pos in the current template.
func (s *state) errorf(pos syntax.Pos, format string, args ...any) error {
	return s.wrapErr(pos, fmt.Errorf(format, args...))
}

// wrapErr attaches the current template and pos to err, unless it already
// carries a position.
func (s *state) wrapErr(pos syntax.Pos, err error) error {
	if err == nil {
		return nil
	}
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	name, src := "", ""
	if s.tmpl != nil {
		name, src = s.tmpl.name, s.tmpl.src
	}
	return syntax.NewError(name, src, pos, err.Error(), err)
}

// errAt attaches the current template and pos to err for reporting, even
// when err is a context error (which wrapErr passes through unchanged so
// that callers can still recognise a cancellation).
func (s *state) errAt(pos syntax.Pos, err error) error {
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	name, src := "", ""
	if s.tmpl != nil {
		name, src = s.tmpl.name, s.tmpl.src
	}
	return syntax.NewError(name, src, pos, err.Error(), err)
}

// renderNodes renders a node list.
func (s *state) renderNodes(nodes []node) error {
	for _, n := range nodes {
		if err := n.render(s); err != nil {
			if !s.recoverable(err) {
				s.limitFragment(err)
				return err
			}
			// The page is already on its way: show the error fragment in
			// place of the failed part, report it, and go on so that the
			// document is still closed properly.
			if s.finishing() && !errors.Is(err, ErrPageDeadline) {
				err = fmt.Errorf("%w: %w", ErrPageDeadline, err)
			}
			s.reportError(err)
			s.writeErrorFragment()
		}
	}
	return s.out.err
}

// recoverable reports whether a render error can be replaced by the error
// fragment: only in a streamed page whose first byte has been sent, only on
// the page's own output, and never when the render's context has ended.
func (s *state) recoverable(err error) bool {
	if !s.recover || !s.main.wrote || s.out != &s.main || s.main.err != nil {
		return false
	}
	if s.finishing() {
		return true // past the page deadline: every wait fails, the page goes on
	}
	return s.isDone() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !isLimit(err)
}

// limitFragment ends a streamed page that went past one of its limits
// after its first byte: the part that failed is replaced by the error
// fragment, once, and the render goes no further (the error goes up to
// Stream, which returns it).
func (s *state) limitFragment(err error) {
	if !s.recover || s.limitShown || s.out != &s.main || !s.main.wrote {
		return
	}
	if !isLimit(err) && !isLimit(s.bud.timeErr(err)) {
		return
	}
	s.limitShown = true
	if s.html.base() == hData {
		s.main.writeLast(string(s.eng.errorFragment))
	}
}

// finishing reports whether the page deadline has passed while the client
// is still there: waits then fail at once with ErrPageDeadline, and the
// rest of the page (what needs no wait) is rendered so that the document
// is closed properly.
func (s *state) finishing() bool {
	return s.page != nil && s.page.Err() != nil && s.root.Err() == nil && context.Cause(s.page) == ErrPageDeadline
}

// ctxErr is the error of a wait that the render's context ended.
func (s *state) ctxErr() error {
	if s.finishing() {
		return ErrPageDeadline
	}
	return s.ctx.Err()
}

// capture renders nodes into a string instead of the output. It is used only
// by constructs that need their whole body (block.super, {% filter %},
// {% spaceless %}, simple tags' "as" form).
func (s *state) capture(nodes []node) (string, error) {
	saved := s.out
	tmp := &output{max: s.eng.valueBound(), done: s.root}
	s.out = tmp
	err := s.renderNodes(nodes)
	s.out = saved
	return string(tmp.buf), err
}

// push opens a scope frame and returns its mark for pop.
func (s *state) push() int { return len(s.scope) }

// pop closes the scope frame opened at mark.
func (s *state) pop(mark int) {
	clear(s.scope[mark:])
	s.scope = s.scope[:mark]
}

// set binds name in the innermost frame.
func (s *state) set(name string, v any) { s.scope = append(s.scope, binding{name, v}) }

// setUpward rebinds name where it is bound, or binds it in the innermost
// frame (Django's Context.set_upward).
func (s *state) setUpward(name string, v any) {
	for i := len(s.scope) - 1; i >= 0; i-- {
		if s.scope[i].name == name {
			s.scope[i].val = v
			return
		}
	}
	s.set(name, v)
}

// textNode is literal text, with its effect on the HTML tokenizer state.
type textNode struct {
	text   string
	trans  *htmlTrans
	events []tagEvent // its start and end tags, for element tracking
}

func (n *textNode) render(s *state) error {
	s.out.WriteString(n.text)
	if n.trans != nil && s.out == &s.main {
		prev := s.html
		s.html = n.trans[prev]
		if s.mode == Streaming && len(n.events) > 0 && prev.base() == hData {
			s.trackElements(n.events)
		}
	}
	return nil
}

// bodyEndNode stands just before </body>: out-of-order sections still in
// flight are sent here, each as it completes, so that they arrive inside
// the body.
type bodyEndNode struct{}

func (bodyEndNode) render(s *state) error {
	if s.stream == nil || s.out != &s.main {
		return nil
	}
	return s.drainSections()
}

// varNode is {{ expr }}.
type varNode struct {
	pos  syntax.Pos
	expr *filterExpr
	// counter marks {{ forloop.counter }} and {{ forloop.counter0 }}
	// (counter0), written without boxing the number.
	counter, counter0 bool
}

func (n *varNode) render(s *state) error {
	if n.counter {
		if v, ok := s.lookupRoot("forloop", &n.expr.v.root); ok {
			if l, ok := v.(*forLoop); ok {
				if n.counter0 {
					s.writeInt(l.counter0)
				} else {
					s.writeInt(l.counter0 + 1)
				}
				return nil
			}
		}
	}
	if n.expr.appLast {
		if err := s.writeFiltered(n.expr); err != nil {
			return s.wrapErr(n.pos, err)
		}
		return nil
	}
	if fe := n.expr; len(fe.filters) == 0 && fe.v != nil {
		// {{ name.attr }}, without the filter machinery.
		v, err := fe.v.resolve(s)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		if isUndefined(v) {
			if v, _, err = fe.undefinedValue(s, false); err != nil {
				return s.wrapErr(n.pos, err)
			}
		} else if v, err = s.settle(v); err != nil {
			return s.wrapErr(n.pos, err)
		}
		s.writeValue(v)
		return nil
	}
	v, err := n.expr.resolve(s, false)
	if err != nil {
		return s.wrapErr(n.pos, err)
	}
	s.writeValue(v)
	return nil
}

// writeValue writes a value the way Django's render_value_in_context does:
// localized, converted to text, and escaped unless safe or autoescape is off.
func (s *state) writeValue(v any) {
	switch x := v.(type) {
	case string:
		if s.autoescape {
			s.out.writeEscaped(x)
		} else {
			s.out.WriteString(x)
		}
		return
	case *string:
		if x != nil {
			if s.autoescape {
				s.out.writeEscaped(*x)
			} else {
				s.out.WriteString(*x)
			}
			return
		}
	case SafeString:
		s.out.WriteString(string(x))
		return
	case int:
		s.writeInt(x)
		return
	case *int:
		if x != nil {
			if s.groupsInts() {
				s.out.WriteString(s.localizeInt(strconv.Itoa(*x)))
				return
			}
			s.out.writeInt(int64(*x))
			return
		}
	case int64:
		if s.groupsInts() {
			s.out.WriteString(s.localizeInt(strconv.FormatInt(x, 10)))
			return
		}
		s.out.writeInt(x)
		return
	case float64:
		s.writeFloat(x)
		return
	case *float64: // a field
		if x != nil {
			s.writeFloat(*x)
			return
		}
	case *int64:
		if x != nil {
			s.writeValue(*x)
			return
		}
	case undefinedT:
		return
	case SafeHTML:
		s.out.WriteString(x.HTML())
		return
	case Decimal:
		s.writeText(s.localizeDecimal(x))
		return
	case *Decimal:
		if x != nil {
			s.writeText(s.localizeDecimal(*x))
			return
		}
	case time.Time:
		s.writeText(s.localizeTime(x))
		return
	case Date, TimeOfDay, NaiveDateTime, *Date, *TimeOfDay, *NaiveDateTime:
		if _, _, ok := civilOf(x, time.UTC); ok {
			s.writeText(s.localizeCivil(x))
			return
		}
	case *time.Time:
		if x != nil {
			s.writeText(s.localizeTime(*x))
			return
		}
	}
	if text, ok := s.printContainer(v); ok {
		s.writeText(text)
		return
	}
	if s.groupsInts() {
		if kind, _, _, _ := pystr.Classify(v); kind == pystr.IntType {
			s.writeText(s.localizeInt(toStr(v)))
			return
		}
	}
	str := toStr(v)
	if isSafe(v) {
		s.out.WriteString(str)
		return
	}
	s.writeText(str)
}

// writeInt writes an int as Django displays it: grouped when
// USE_THOUSAND_SEPARATOR says so.
func (s *state) writeInt(x int) {
	if s.groupsInts() {
		s.out.WriteString(s.localizeInt(strconv.Itoa(x)))
		return
	}
	s.out.writeInt(int64(x))
}

// writeFloat writes a float as Django displays it: localized, positional
// (never 1e+20), with the language's decimal separator.
func (s *state) writeFloat(x float64) {
	if s.useL10n() {
		s.writeText(s.localizeFloat(x))
	} else {
		s.out.WriteString(pystr.Float(x))
	}
}

// textOf returns the text of a string value without boxing it, and whether
// it is safe.
func textOf(v any) (string, bool, bool) {
	switch x := v.(type) {
	case string:
		return x, false, true
	case *string:
		if x != nil {
			return *x, false, true
		}
	case SafeString:
		return string(x), true, true
	}
	return "", false, false
}

// writeText writes str, escaped if autoescaping is on.
func (s *state) writeText(str string) {
	if s.autoescape {
		s.out.writeEscaped(str)
	} else {
		s.out.WriteString(str)
	}
}

// localizeDecimal is a Decimal as {{ }} displays it: localized as Django's
// number_format does (positional, "1E+3" shows as "1000", with the
// language's separators), else str().
func (s *state) localizeDecimal(d Decimal) string {
	if s.useL10n() {
		_, seps := s.formatsFor(true)
		return seps.Number(d.Localized(), false)
	}
	return d.String()
}

// localizeCivil is a Date, TimeOfDay or NaiveDateTime as {{ }} displays
// it.
func (s *state) localizeCivil(v any) string { return s.civilText(v, s.useL10n()) }

// civilText is a Date, TimeOfDay or NaiveDateTime formatted with the
// language's DATE_FORMAT, TIME_FORMAT or DATETIME_FORMAT (the settings'
// when not localized), never converted to a time zone.
func (s *state) civilText(v any, localize bool) string {
	t, kind, _ := civilOf(v, s.defaultLocation())
	loc := s.dateLocale(localize)
	switch kind {
	case dateformat.Date:
		out, _, _ := loc.FormatKind(t, kind, "DATE_FORMAT")
		return out
	case dateformat.TimeOfDay:
		out, _ := loc.FormatTimeKind(t, kind, "TIME_FORMAT")
		return out
	}
	out, _, _ := loc.FormatKind(t, kind, "DATETIME_FORMAT")
	return out
}

// localizeTime formats a time for display as Django does: with the
// language's DATETIME_FORMAT (the settings' with {% localize off %}), in
// the current time zone.
func (s *state) localizeTime(t time.Time) string {
	return s.dateLocale(s.useL10n()).Format(s.templateLocaltime(t), "DATETIME_FORMAT")
}

// groupsInts reports whether displayed integers are grouped: with
// USE_THOUSAND_SEPARATOR, where values are localized.
func (s *state) groupsInts() bool { return s.eng.l10nOf().useThou && s.useL10n() }

// conditionalEscape is Django's conditional_escape: escapes v unless it is
// already safe, and returns safe text.
func conditionalEscape(v any) SafeString {
	if isSafe(v) {
		return SafeString(toStr(v))
	}
	return SafeString(htmlutil.Escape(toStr(v)))
}

// isDone reports whether the render's context has ended (with the
// MaxRenderTime error when that is why), or its output has failed (past
// MaxOutputBytes or MaxValueBytes, or its writer), so that a loop writing
// to it can stop.
func (s *state) isDone() error {
	if s.ctx == nil {
		return nil
	}
	if err := s.ctx.Err(); err != nil && !s.finishing() {
		if c, ok := context.Cause(s.ctx).(*LimitError); ok {
			return c // MaxRenderTime
		}
		return err
	}
	if s.out != nil && s.out.err != nil {
		return s.out.err
	}
	return nil
}

// bigText is the length from which text is large enough for a filter
// chain to look at the context before each filter.
const bigText = 64 << 10

// filterExpr is a compiled filter expression: an operand and its filters.
type filterExpr struct {
	src     string
	v       *varRef
	filters []filterCall
	// defaulted marks expressions whose first filter supplies a default, so
	// strict mode lets them see undefined values.
	defaulted bool
	// appLast marks expressions whose last filter has an append form
	// (filterDef.app).
	appLast bool
}

type filterCall struct {
	name string
	def  *filterDef
	arg  *varRef
}

// resolve evaluates the expression the way Django's FilterExpression.resolve
// does. With ignore set, an undefined operand becomes nil (as {% if %} wants);
// otherwise it becomes the engine's string_if_invalid.
func (fe *filterExpr) resolve(s *state, ignore bool) (any, error) {
	v, err := fe.resolveSeq(s, ignore)
	if err != nil {
		return nil, err
	}
	return s.settle(v)
}

// resolveSeq is resolve for {% for %}: a late sequence (channel, iterator)
// is returned as it is, to be streamed item by item.
func (fe *filterExpr) resolveSeq(s *state, ignore bool) (any, error) {
	obj, _, err := fe.resolveN(s, ignore, len(fe.filters))
	return obj, err
}

// resolveN is resolveSeq with only the first n filters applied; early
// reports a result that takes no further filters (an error,
// string_if_invalid, an undefined value).
func (fe *filterExpr) resolveN(s *state, ignore bool, n int) (obj any, early bool, err error) {
	if fe.v != nil {
		v, err := fe.v.resolve(s)
		if err != nil {
			return nil, true, err
		}
		if isUndefined(v) {
			if obj, early, err = fe.undefinedValue(s, ignore); early {
				return obj, early, err
			}
		} else {
			obj = v
		}
	}
	for i := range fe.filters[:n] {
		if obj, err = s.applyFilter(&fe.filters[i], obj); err != nil {
			return nil, true, err
		}
	}
	return obj, false, nil
}

// undefinedValue is what an expression's undefined operand becomes: an
// error in strict mode, string_if_invalid (early: no filters apply), else
// undefined without filters, "" for filters, nil when ignored.
func (fe *filterExpr) undefinedValue(s *state, ignore bool) (obj any, early bool, err error) {
	switch {
	case s.eng.strict && !fe.defaulted:
		return nil, true, undefinedVariable(fe.v.src)
	case ignore:
		return nil, false, nil
	case s.eng.stringIfInvalid != "":
		return s.eng.invalid(fe.v.src), true, nil
	case len(fe.filters) == 0:
		return undefined, true, nil
	}
	return "", false, nil
}

// filterArg resolves a filter call's argument (nil if it has none).
func (s *state) filterArg(f *filterCall) (any, error) {
	if f.arg == nil {
		return nil, nil
	}
	a, err := f.arg.resolve(s)
	if err != nil {
		return nil, err
	}
	if isUndefined(a) {
		return nil, &varDoesNotExist{key: f.arg.src, filter: f.name}
	}
	return a, nil
}

// filterInput is what every form of a filter checks of its input first: a
// chain of filters over large text stops between its filters when the
// render's context ends.
func (s *state) filterInput(obj any) (text string, safe, isText bool, err error) {
	text, safe, isText = textOf(obj)
	if isText && len(text) > bigText {
		err = s.isDone()
	}
	return text, safe, isText, err
}

// applyFilter applies one filter of an expression to obj.
func (s *state) applyFilter(f *filterCall, obj any) (any, error) {
	arg, err := s.filterArg(f)
	if err != nil {
		return nil, err
	}
	text, safe, isText, err := s.filterInput(obj)
	if err != nil {
		return nil, err
	}
	var out any
	var inSafe, done bool
	if f.def.raw != nil {
		out, done, err = f.def.raw(s, obj, arg)
		inSafe = safe
	}
	switch {
	case done:
	case isText && f.def.str != nil:
		out, err = f.def.str(s, text, arg)
		inSafe = safe
	default:
		var in any
		if in, err = s.settle(indirect(obj)); err != nil {
			return nil, err
		}
		out, err = f.def.fn(s, in, arg)
		inSafe = isSafe(in)
	}
	if err != nil {
		return nil, fmt.Errorf("filter %s: %w", f.name, err)
	}
	if f.def.isSafe && inSafe {
		if str, ok := out.(string); ok {
			out = SafeString(str)
		} else if _, ok := out.(SafeString); !ok {
			out = SafeString(toStr(out))
		}
	}
	return out, nil
}

// writeFiltered writes the result of an expression whose last filter has
// an append form: the filters before it make a value as usual, the last
// one writes its text straight into the output (through a scratch buffer
// when it must be escaped), so the result is never a string of its own.
func (s *state) writeFiltered(fe *filterExpr) error {
	last := len(fe.filters) - 1
	obj, early, err := fe.resolveN(s, false, last)
	if err != nil {
		return err
	}
	if !early {
		f := &fe.filters[last]
		arg, err := s.filterArg(f)
		if err != nil {
			return err
		}
		_, inSafe, isText, err := s.filterInput(obj)
		if err != nil {
			return err
		}
		b, safe, ok, err := f.def.app(s, s.scratch[:0], obj, arg)
		if err != nil {
			return fmt.Errorf("filter %s: %w", f.name, err)
		}
		if ok {
			if !isText {
				inSafe = isSafe(obj)
			}
			if safe || (f.def.isSafe && inSafe) || !s.autoescape {
				s.out.Write(b)
			} else {
				s.out.writeEscaped(unsafe.String(unsafe.SliceData(b), len(b)))
			}
			if cap(b) <= maxScratch {
				s.scratch = b[:0]
			}
			return nil
		}
		if obj, err = s.applyFilter(f, obj); err != nil {
			return err
		}
	}
	v, err := s.settle(obj)
	if err != nil {
		return err
	}
	s.writeValue(v)
	return nil
}

// maxScratch bounds the scratch buffer a state keeps between values.
const maxScratch = 64 << 10
