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
	timeout     time.Duration
	svg         bool
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
	return n, nil
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
	ph, err := s.capture(n.placeholder)
	if err != nil {
		return err
	}
	at := framing.Page
	if n.svg {
		at = framing.PageSVG
	}
	if s.scriptOnly {
		s.out.WriteString(`<!--?start name="` + id + `"-->`)
		s.out.WriteString(framing.Frame(ph, at))
		s.out.WriteString(`<!--?end-->`)
	} else {
		s.out.WriteString(`<?start name="` + id + `">`)
		s.out.WriteString(framing.Frame(ph, at))
		s.out.WriteString(`<?end>`)
	}
	chain := s.containerChain()
	fork := s.fork()
	st.pending++
	st.goroutine(func(context.Context) {
		ctx, stop := st.sectionContext(fork.ctx)
		defer stop()
		sec := &section{id: id, svg: n.svg, chain: chain}
		carrier := framing.Carrier
		if n.svg {
			carrier = framing.CarrierSVG // inside writeSection's <svg> wrapper
		}
		defer func() {
			if r := recover(); r != nil {
				fork.reportError(fmt.Errorf("runnel: panic in section: %v", r))
				sec.html, sec.keep = "", false
			}
			select {
			case st.done <- sec:
			case <-st.ctx.Done(): // the render is over; nobody will read it
			}
		}()
		fork.ctx = ctx
		var cancel context.CancelFunc = func() {}
		if n.timeout > 0 {
			fork.ctx, cancel = context.WithTimeoutCause(ctx, n.timeout, errSectionTimeout)
		}
		html, err := fork.capture(n.body)
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
	})
	return nil
}

// fork copies the render state for a section rendered concurrently: the
// scope is snapshotted (loops included), output goes to a private buffer,
// and nothing is flushed.
func (s *state) fork() *state {
	f := &state{
		ctx: s.ctx, root: s.root, page: s.page, eng: s.eng, data: s.data, dataMap: s.dataMap,
		autoescape: s.autoescape, tmpl: s.tmpl, depth: s.depth,
		mode: Buffered, nonce: s.nonce, onError: s.onError,
	}
	f.out = &f.main
	f.api.s = f
	var lc loopCopier
	f.scope = make([]binding, len(s.scope))
	for i, b := range s.scope {
		if l, ok := b.val.(*forLoop); ok {
			b.val = lc.copy(l)
		}
		f.scope[i] = b
	}
	f.loop = lc.copy(s.loop)
	if s.blocks != nil {
		f.blocks = s.blocks.clone()
	}
	return f
}

// loopCopier copies the forloop values of a state for its fork, each loop
// once (the scope and the parents of other loops share them). Loops nest a
// few deep, so the copies are kept in a list, not a map.
type loopCopier struct {
	from, to []*forLoop
}

func (lc *loopCopier) copy(l *forLoop) *forLoop {
	if l == nil {
		return nil
	}
	for i, x := range lc.from {
		if x == l {
			return lc.to[i]
		}
	}
	c := &forLoop{counter0: l.counter0, length: l.length}
	if l.stream != nil && l.length < 0 {
		if n, ok := l.knownLength(); ok {
			c.length = n
		}
	}
	lc.from, lc.to = append(lc.from, l), append(lc.to, c)
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
