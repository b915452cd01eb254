package runnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/runnelhq/runnel/internal/framing"
	"github.com/runnelhq/runnel/syntax"
)

func init() {
	registerTag("defer", syntax.TagShape{End: "enddefer", Middles: []string{"placeholder", "error"}}, compileDefer)
	registerTag("flush", syntax.TagShape{}, compileFlush)
	registerTag("await", syntax.TagShape{}, compileAwait)
}

// deferNode is {% defer [timeout=…] %}…{% placeholder %}…{% error %}…{% enddefer %}:
// a part of the page that depends on late data.
//
// Without a placeholder the section renders in place (the page waits there).
// With one, in Streaming mode the placeholder is written in place, the page
// goes on, and the section renders concurrently and is sent, the moment it
// is ready, into the placeholder. In InOrder and Buffered modes every
// section renders in place. If the section fails, its {% error %} content is
// rendered instead (with an "error" variable exposing only error.message —
// the message of a PublicError — and error.timeout); without error content
// the engine's error fragment is used. When the timeout passes, the error
// content is shown, or if there is none the placeholder stays.
type deferNode struct {
	pos         syntax.Pos
	body        []node
	placeholder []node
	errBody     []node
	hasPH       bool
	hasErr      bool
	// phFramed is a placeholder of plain text, framed once at compile
	// time; phStatic reports that there is one.
	phFramed string
	phStatic bool
	timeout  time.Duration
	svg      bool
}

func compileDefer(c *compiler, t *syntax.TagNode) (node, error) {
	if h := c.html; h.base() != hData {
		return nil, fmt.Errorf("{%% defer %%} cannot be used %s: a late section must be placed in page content, where the browser can swap it in", h.describe())
	}
	n := &deferNode{pos: t.Pos, svg: c.html.foreign()}
	for _, arg := range syntax.SplitContents(t.Args) {
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k != "timeout" {
			return nil, fmt.Errorf("'defer' received an invalid argument: '%s' (expected timeout=SECONDS or timeout=\"DURATION\")", arg)
		}
		d, err := parseTimeout(v)
		if err != nil {
			return nil, err
		}
		n.timeout = d
	}
	var err error
	for i, b := range t.Branches {
		var body []node
		if body, err = c.body(b); err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			n.body = body
		case b.Name == "placeholder" && !n.hasPH:
			n.placeholder, n.hasPH = body, true
		case b.Name == "error" && !n.hasErr:
			n.errBody, n.hasErr = body, true
		default:
			return nil, c.errorf(b.Tag.Pos, "'defer' accepts one {%% %s %%}", b.Name)
		}
		if b.Args != "" && i > 0 {
			return nil, c.errorf(b.Tag.Pos, "'%s' takes no arguments", b.Name)
		}
	}
	if n.hasPH {
		var text strings.Builder
		n.phStatic = true
		for _, x := range n.placeholder {
			t, ok := x.(*textNode)
			if !ok {
				n.phStatic = false
				break
			}
			text.WriteString(t.text)
		}
		if n.phStatic {
			n.phFramed = framing.Frame(text.String(), n.placeholderAt())
		}
	}
	return n, nil
}

// placeholderAt is where the placeholder stands, for framing it.
func (n *deferNode) placeholderAt() framing.Start {
	if n.svg {
		return framing.PageSVG
	}
	return framing.Page
}

func parseTimeout(v string) (time.Duration, error) {
	if s, ok := syntax.UnquoteString(v); ok {
		v = s
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d, nil
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("'defer' timeout must be a positive number of seconds or a duration such as \"1.5s\", got %s", v)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// PublicError is an error whose message may be shown to users: a section's
// {% error %} content can display it as {{ error.message }}. Other errors
// are never shown in the page.
type PublicError struct {
	Message string
	Err     error
}

// Error returns the public message and the cause.
func (e *PublicError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *PublicError) Unwrap() error { return e.Err }

// sectionError is the "error" variable inside {% error %} content.
type sectionError struct {
	Message string
	Timeout bool
}

func newSectionError(err error) *sectionError {
	se := &sectionError{Timeout: errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errSectionTimeout) || errors.Is(err, ErrPageDeadline)}
	var pe *PublicError
	if errors.As(err, &pe) {
		se.Message = pe.Message
	}
	return se
}

func (n *deferNode) render(s *state) error {
	if n.hasPH && s.mode == Streaming && s.out == &s.main && s.html.base() == hData {
		return n.renderOutOfOrder(s)
	}
	return n.renderInPlace(s)
}

// renderInPlace renders the section where it stands. The body is buffered
// only if there is error content or a timeout to fall back on.
func (n *deferNode) renderInPlace(s *state) error {
	if !n.hasErr && n.timeout == 0 && (!n.hasPH || s.page == nil) {
		return s.renderNodes(n.body)
	}
	saved := s.ctx
	var cancel context.CancelFunc = func() {}
	if n.timeout > 0 {
		s.ctx, cancel = context.WithTimeoutCause(s.ctx, n.timeout, errSectionTimeout)
	}
	html, err := s.capture(n.body)
	timedOut := s.ctx.Err() != nil && context.Cause(s.ctx) == errSectionTimeout || s.finishing()
	cancel()
	s.ctx = saved
	if err == nil {
		s.out.WriteString(html)
		return nil
	}
	if saved.Err() != nil && !s.finishing() {
		return saved.Err() // the client went away: no error content
	}
	if timedOut {
		err = timeoutError(s, n.timeout, err)
	}
	s.reportError(s.errAt(n.pos, err))
	return n.renderFallback(s, err, timedOut)
}

// timeoutError describes a section that timed out, by its own timeout or
// by the page deadline.
func timeoutError(s *state, timeout time.Duration, err error) error {
	if s.finishing() {
		if errors.Is(err, ErrPageDeadline) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrPageDeadline, err)
	}
	return fmt.Errorf("%w after %v: %w", errSectionTimeout, timeout, err)
}

// renderFallback renders the error content, or the placeholder after a
// timeout, or the engine's error fragment.
func (n *deferNode) renderFallback(s *state, err error, timedOut bool) error {
	switch {
	case n.hasErr:
		mark := s.push()
		s.set("error", newSectionError(err))
		e := s.renderNodes(n.errBody)
		s.pop(mark)
		return e
	case timedOut && n.hasPH:
		return s.renderNodes(n.placeholder)
	case timedOut:
		return nil
	}
	s.writeErrorFragment()
	return nil
}

// renderOutOfOrder writes the placeholder and renders the body concurrently.
func (n *deferNode) renderOutOfOrder(s *state) error {
	s.out.spoilRecordings() // its content arrives after the body ends
	st := s.streaming()
	id := st.newID()
	ph := n.phFramed
	if !n.phStatic {
		text, err := s.capture(n.placeholder)
		if err != nil {
			return err
		}
		ph = framing.Frame(text, n.placeholderAt())
	}
	if s.scriptOnly {
		s.out.WriteString(`<!--?start name="`)
		s.writeSectionID(id)
		s.out.WriteString(`"-->`)
		s.out.WriteString(ph)
		s.out.WriteString(`<!--?end-->`)
	} else {
		s.out.WriteString(`<?start name="`)
		s.writeSectionID(id)
		s.out.WriteString(`">`)
		s.out.WriteString(ph)
		s.out.WriteString(`<?end>`)
	}
	fork := s.fork()
	sec := &fork.sec // the fork travels with its section until it is written
	*sec = section{id: id, svg: n.svg, fork: fork}
	sec.chain = s.appendContainerChain(sec.chainBuf[:0])
	sec.node = n
	st.pending++
	st.startSection(sec)
	return nil
}

// runSection renders a section's body on its fork and hands the section to
// the render; the render writes it and releases the fork (or, when the
// render is over, the section releases it).
func (n *deferNode) runSection(st *streamState, sec *section) {
	fork := sec.fork
	ctx, stop := st.sectionContext(fork)
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			fork.reportError(fmt.Errorf("runnel: panic in section: %v", r))
			sec.html, sec.keep = "", false
		}
		if fork.stream != nil {
			fork.stream.stop() // what the body started (iterators it drained)
		}
		select {
		case st.done <- sec:
		case <-st.ctx.Done(): // the render is over; nobody will read it
			fork.release()
		}
	}()
	carrier := framing.Carrier
	if n.svg {
		carrier = framing.CarrierSVG // inside writeSection's <svg> wrapper
	}
	fork.ctx = ctx
	var cancel context.CancelFunc = nop
	if n.timeout > 0 {
		fork.ctx, cancel = context.WithTimeoutCause(ctx, n.timeout, errSectionTimeout)
	}
	html, err := fork.renderSection(n.body)
	timedOut := fork.ctx.Err() != nil && context.Cause(fork.ctx) == errSectionTimeout || fork.finishing()
	cancel()
	fork.ctx = ctx
	if err == nil {
		sec.html = framing.Frame(html, carrier)
		return
	}
	if ctx.Err() != nil && !fork.finishing() {
		sec.keep = true // the render is over: nothing to show
		return
	}
	if timedOut {
		err = timeoutError(fork, n.timeout, err)
	}
	fork.reportError(fork.errAt(n.pos, err))
	if timedOut && !n.hasErr {
		sec.keep = true
		return
	}
	out, ferr := fork.captureFunc(func() error { return n.renderFallback(fork, err, timedOut) })
	if ferr != nil {
		fork.reportError(ferr)
	}
	sec.html = framing.Frame(out, carrier)
}

// fork copies the render state for a section rendered concurrently: the
// scope is snapshotted (loops included), output goes to a private buffer,
// and nothing is flushed. The fork is a pooled state, with the storage of
// an earlier one (buffer, scope, loops, blocks, name slots); release gives
// it back.
func (s *state) fork() *state {
	f := statePool.Get().(*state)
	f.ctx, f.root, f.page, f.eng, f.data, f.dataMap = s.ctx, s.root, s.page, s.eng, s.data, s.dataMap
	f.autoescape, f.tmpl, f.depth = s.autoescape, s.tmpl, s.depth
	f.mode, f.nonce, f.onError = Buffered, s.nonce, s.onError
	if f.dataMap != nil {
		f.rootGen = 1
	}
	f.out = &f.main
	f.main.max, f.main.done = s.eng.valueBound(), s.root // as a capture's
	lc := loopCopier{to: f}
	f.scope = append(f.scope[:0], s.scope...)
	for i, b := range f.scope {
		if l, ok := b.val.(*forLoop); ok {
			f.scope[i].val = lc.copy(l)
		}
	}
	f.loop = lc.copy(s.loop)
	if s.blocks != nil {
		f.bc.copyFrom(s.blocks)
		f.blocks, f.bcUsed = &f.bc, true
	}
	return f
}

// renderSection renders a section's body on its fork and returns the
// text: a view of the fork's buffer, valid until the fork is released.
func (f *state) renderSection(nodes []node) (string, error) {
	err := f.renderNodes(nodes)
	return unsafe.String(unsafe.SliceData(f.main.buf), len(f.main.buf)), err
}

// release gives a fork back to the pool, once its section is written.
func (f *state) release() {
	f.sec = section{}
	f.reset()
	statePool.Put(f)
}

// loopCopier copies the forloop values of a state for its fork, each loop
// once (the scope and the parents of other loops share them), into the
// fork's loop arena. Loops nest a few deep, so the copies are kept in a
// small list, not a map.
type loopCopier struct {
	to       *state
	n        int
	from, at [8]*forLoop
	more     []*forLoop // pairs past the eighth: from, copy, from, copy, …
}

func (lc *loopCopier) copy(l *forLoop) *forLoop {
	if l == nil {
		return nil
	}
	for i := range min(lc.n, len(lc.from)) {
		if lc.from[i] == l {
			return lc.at[i]
		}
	}
	for i := 0; i < len(lc.more); i += 2 {
		if lc.more[i] == l {
			return lc.more[i+1]
		}
	}
	c := lc.to.newLoop()
	c.counter0, c.length = l.counter0, l.length
	if l.stream != nil && l.length < 0 {
		if n, ok := l.knownLength(); ok {
			c.length = n
		}
	}
	if lc.n < len(lc.from) {
		lc.from[lc.n], lc.at[lc.n] = l, c
	} else {
		lc.more = append(lc.more, l, c)
	}
	lc.n++
	c.parent = lc.copy(l.parent)
	return c
}

// captureFunc runs fn with output captured.
func (s *state) captureFunc(fn func() error) (string, error) {
	saved := s.out
	tmp := &output{}
	s.out = tmp
	err := fn()
	s.out = saved
	return string(tmp.buf), err
}

// reportError hands a render error to the engine's error handler.
func (s *state) reportError(err error) {
	if s.onError != nil {
		s.onError(s.ctx, err)
		return
	}
	if ClientGone(err) {
		// A client that left is routine: not an error of the server.
		slog.Default().DebugContext(s.ctx, "runnel: client went away", "err", err)
		return
	}
	if errors.Is(err, ErrPageDeadline) {
		// A slow source, not a broken page: the page was closed without it.
		slog.Default().WarnContext(s.ctx, "runnel: page deadline passed", "err", err)
		return
	}
	slog.Default().ErrorContext(s.ctx, "runnel: render error", "err", err)
}

// writeErrorFragment writes the engine's error fragment, if the page is at
// a point where markup can go.
func (s *state) writeErrorFragment() {
	if s.out == &s.main && s.html.base() != hData {
		return
	}
	s.out.WriteString(string(s.eng.errorFragment))
}

// ---- {% flush %} ----

type flushNode struct{}

func compileFlush(c *compiler, t *syntax.TagNode) (node, error) {
	if strings.TrimSpace(t.Args) != "" {
		return nil, fmt.Errorf("'flush' takes no arguments")
	}
	return flushNode{}, nil
}

func (flushNode) render(s *state) error {
	if s.mode == Buffered || s.out != &s.main {
		return nil
	}
	s.emitReadySections()
	return s.main.flush()
}

// ---- {% await a b … %} ----

// awaitNode lists values that must be ready before the first byte is sent,
// so that their errors can still become an HTTP error status. The renderer
// runs every {% await %} of a template and of the templates it extends
// before writing anything; where it stands, the tag outputs nothing.
type awaitNode struct {
	pos   syntax.Pos
	exprs []*filterExpr
	tmpl  *Template
}

func compileAwait(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) == 0 {
		return nil, fmt.Errorf("'await' takes at least one variable")
	}
	n := &awaitNode{pos: t.Pos, tmpl: c.tmpl}
	for _, b := range bits {
		fe, err := c.filterExpr(b)
		if err != nil {
			return nil, err
		}
		n.exprs = append(n.exprs, fe)
	}
	c.tmpl.awaits = append(c.tmpl.awaits, n)
	return n, nil
}

// render waits for the values where the tag stands, unless the render's
// prelude already did (for the page and the templates it extends): so an
// {% await %} in an included template or a partial waits there.
func (n *awaitNode) render(s *state) error {
	if slices.Contains(s.preluded, n.tmpl) {
		return nil
	}
	return n.run(s)
}

// run resolves every listed value, waiting for late ones.
func (n *awaitNode) run(s *state) error {
	for _, fe := range n.exprs {
		if _, err := fe.resolve(s, false); err != nil {
			return s.wrapErr(n.pos, err)
		}
	}
	return nil
}

// prelude runs the {% await %} tags of t and of the templates it extends.
func (t *Template) prelude(s *state) error {
	for cur, depth := t, 0; cur != nil && depth < maxDepth; depth++ {
		saved := s.tmpl
		s.tmpl = cur
		s.preluded = append(s.preluded, cur)
		for _, a := range cur.awaits {
			if err := a.run(s); err != nil {
				s.tmpl = saved
				return err
			}
		}
		s.tmpl = saved
		if cur.extends == nil || cur.extends.name == "" {
			break
		}
		next, err := s.eng.extendsParent(cur.extends.name, s.preluded)
		if err != nil {
			break // reported when the page renders
		}
		cur = next
	}
	return nil
}
