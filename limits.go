package runnel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Limits bounds what one render may do, so that a template written by a
// user (in a CMS, an e-mail editor) cannot make a request run, allocate or
// write without end. Set them with [WithLimits]; [UntrustedLimits] is the
// recommended set for user-edited templates, and docs/security.md explains
// each one.
//
// A zero field keeps the engine's default: no bound on output, render time
// and loop iterations; 512 nested block tags per template
// (syntax.DefaultMaxNesting); 64 nested templates; and 16 MiB for a value
// a filter or a capturing tag builds. Every engine has the last three, so
// that even a trusted template cannot overflow the stack or build a value of
// gigabytes.
//
// A render that goes past a limit ends with a [*LimitError] (wrapped in an
// [*Error] naming the template, line and column where the render stopped,
// when they are known). In a page streamed with [Template.Stream] or
// [Template.Serve] whose first byte has been sent, the part being rendered
// is replaced by the engine's error fragment (see [WithErrorFragment]), or
// by the {% error %} content of the {% defer %} section it is in, and the
// render ends there.
type Limits struct {
	// MaxOutputBytes bounds the bytes a render writes, out-of-order
	// sections included. The check is made as output leaves the render's
	// buffer, so up to 16 KB past the limit may have been rendered (not
	// sent) when it fails. Zero or negative: no bound.
	MaxOutputBytes int64

	// MaxRenderTime is a deadline applied to the render's context: when it
	// passes, waits for late values end, the engine's loops stop at their
	// next check, and the render fails. For a served page it is also the
	// request's deadline for the page deadline (see WithPageDeadline), so
	// sections still waiting show their {% error %} content shortly before
	// it. It includes the time spent waiting for late values. Zero or
	// negative: no bound.
	MaxRenderTime time.Duration

	// MaxLoopIterations bounds the iterations of {% for %} loops over the
	// whole render (every loop, nested or not, streamed or not, included
	// templates and sections too). Concurrent {% defer %} sections take
	// their iterations from the shared budget in batches of up to 1024, so
	// a render with such sections may fail a little before the count.
	// Zero or negative: no bound.
	MaxLoopIterations int64

	// MaxNesting bounds how many block tags may be open at once in a
	// template ({% if %} inside {% for %} inside {% block %}…), checked when
	// the template is parsed, as [WithMaxNesting] does. Zero:
	// syntax.DefaultMaxNesting (512); negative: the default too (the limit
	// keeps the parser and the renderer from overflowing the stack).
	MaxNesting int

	// MaxIncludeDepth bounds how many templates may be open at once through
	// {% include %}, {% extends %}, {{ block.super }} and {% partial %}: a
	// template that includes itself fails at this depth. Zero or negative:
	// 64.
	MaxIncludeDepth int

	// MaxValueBytes bounds the text or list (counted as 16 bytes an item)
	// that a filter builds when its result can be larger than its input
	// (center, join, make_list, linebreaks, force_escape, add, pprint, …),
	// and the output a capturing tag collects ({% filter %},
	// {% spaceless %}, {% ifchanged %}, {{ block.super }}, sections with
	// error content). Filters whose result is no larger than their input
	// (upper, cut, truncatewords, …) are not checked: their size is their
	// input's. Zero: 16 MiB; negative: no bound.
	MaxValueBytes int64
}

// Defaults of the limits every engine has.
const (
	// DefaultMaxIncludeDepth is the default of Limits.MaxIncludeDepth.
	DefaultMaxIncludeDepth = 64
	// DefaultMaxValueBytes is the default of Limits.MaxValueBytes.
	DefaultMaxValueBytes = 16 << 20
)

// WithLimits sets the engine's render limits. A zero field keeps the
// engine's default (see [Limits]). Its MaxNesting, when set, replaces the
// one of an earlier [WithMaxNesting], and a later WithMaxNesting replaces
// it.
func WithLimits(l Limits) Option {
	return func(e *Engine) {
		e.limits = l
		if l.MaxNesting > 0 {
			e.maxNesting = l.MaxNesting
		}
	}
}

// ErrLimitExceeded is matched, with errors.Is, by every [*LimitError].
var ErrLimitExceeded = errors.New("runnel: render limit exceeded")

// LimitError is the error of a render that went past one of its [Limits].
// It matches [ErrLimitExceeded] with errors.Is, and so does any error that
// wraps it; one for MaxRenderTime also matches context.DeadlineExceeded,
// so that code that handles deadlines handles it too (WriteError answers
// it with 503).
type LimitError struct {
	// Limit names the field of Limits that was exceeded:
	// "MaxOutputBytes", "MaxRenderTime", "MaxLoopIterations",
	// "MaxIncludeDepth" or "MaxValueBytes".
	Limit string
	// Max is the limit: bytes, iterations or templates, or for
	// MaxRenderTime a time.Duration.
	Max int64
	// What, when set, is what went past it: "{% filter %}", a template
	// name for MaxIncludeDepth.
	What string
}

// Error describes the limit and its value.
func (e *LimitError) Error() string {
	var b strings.Builder
	b.WriteString("runnel: ")
	if e.What != "" {
		b.WriteString(e.What)
		b.WriteString(": ")
	}
	switch e.Limit {
	case "MaxOutputBytes":
		fmt.Fprintf(&b, "the render wrote more than %s", sizeText(e.Max))
	case "MaxRenderTime":
		fmt.Fprintf(&b, "the render took longer than %v", time.Duration(e.Max))
	case "MaxLoopIterations":
		fmt.Fprintf(&b, "loops ran more than %d iterations", e.Max)
	case "MaxIncludeDepth":
		fmt.Fprintf(&b, "more than %d templates open at once (a recursive include?)", e.Max)
	case "MaxValueBytes":
		fmt.Fprintf(&b, "the value would be larger than %s", sizeText(e.Max))
	default:
		fmt.Fprintf(&b, "limit %s (%d)", e.Limit, e.Max)
	}
	b.WriteString(" (Limits.")
	b.WriteString(e.Limit)
	b.WriteString(")")
	return b.String()
}

// Is reports whether target is ErrLimitExceeded, or
// context.DeadlineExceeded for MaxRenderTime.
func (e *LimitError) Is(target error) bool {
	return target == ErrLimitExceeded || e.Limit == "MaxRenderTime" && target == context.DeadlineExceeded
}

// sizeText writes a byte count for an error message.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// isLimit reports whether err ended a render at one of its limits.
func isLimit(err error) bool { return errors.Is(err, ErrLimitExceeded) }

// UntrustedLimits returns the recommended limits for templates that users
// edit (see docs/security.md): 4 MiB of output, 2 s of render time,
// 100,000 loop iterations, 64 nested block tags, 16 nested templates and
// 1 MiB values.
func UntrustedLimits() Limits {
	return Limits{
		MaxOutputBytes:    4 << 20,
		MaxRenderTime:     2 * time.Second,
		MaxLoopIterations: 100_000,
		MaxNesting:        64,
		MaxIncludeDepth:   16,
		MaxValueBytes:     1 << 20,
	}
}

// UntrustedProfile is the recommended configuration for an engine whose
// templates users edit: [WithLimits] of [UntrustedLimits] and
// [WithAllowlist] of [UntrustedAllowlist]. Use a separate engine for them,
// so that the application's own templates keep every tag.
func UntrustedProfile() Option {
	limits, allow := WithLimits(UntrustedLimits()), WithAllowlist(UntrustedAllowlist())
	return func(e *Engine) {
		limits(e)
		allow(e)
	}
}

// ---- the budget of a render ----

// budgetKey is the context key of a render's budget.
type budgetKey struct{}

// budget is what a render and the sections it renders concurrently share
// of its limits. It travels in the render's context, so that a section's
// state (a fork) finds it, and so that a render nested in another (a
// custom tag rendering a template with the render's context) shares it.
type budget struct {
	eng   *Engine
	iters atomic.Int64 // loop iterations left, when bounded
	// timed is the context with the MaxRenderTime deadline (nil without
	// it), parent the one it was made from.
	timed, parent context.Context
}

// limited reports whether renders of the engine need a budget.
func (e *Engine) limited() bool {
	return e.limits.MaxLoopIterations > 0 || e.limits.MaxRenderTime > 0
}

// withBudget returns ctx with the budget of a render of e: the one ctx
// already carries for e (a nested render, or Serve's), or a new one, with
// the MaxRenderTime deadline applied.
func (e *Engine) withBudget(ctx context.Context) (context.Context, *budget, context.CancelFunc) {
	if b, ok := ctx.Value(budgetKey{}).(*budget); ok && b.eng == e {
		return ctx, b, func() {}
	}
	b := &budget{eng: e}
	b.iters.Store(e.limits.MaxLoopIterations)
	cancel := context.CancelFunc(func() {})
	if d := e.limits.MaxRenderTime; d > 0 {
		b.parent = ctx
		ctx, cancel = context.WithTimeoutCause(ctx, d, &LimitError{Limit: "MaxRenderTime", Max: int64(d)})
		b.timed = ctx
	}
	return context.WithValue(ctx, budgetKey{}, b), b, cancel
}

// timeErr returns the MaxRenderTime error if err is the end of the
// render's context by that deadline, else err.
func (b *budget) timeErr(err error) error {
	if b == nil || b.timed == nil || err == nil || b.timed.Err() == nil || b.parent.Err() != nil {
		return err
	}
	var le *LimitError
	if errors.As(err, &le) || !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return err
	}
	return context.Cause(b.timed)
}

// budget returns the render's budget (nil when the engine has no limits
// that need one), finding it in the context the first time for a state
// made for a section.
func (s *state) budget() *budget {
	if !s.budLoaded {
		s.bud, _ = s.ctx.Value(budgetKey{}).(*budget)
		s.budLoaded = true
	}
	return s.bud
}

// loopStep counts one iteration of a template loop. Every checkEvery
// iterations, and when the iterations taken from the render's budget run
// out, it looks at the context and takes more from the budget.
func (s *state) loopStep() error {
	if s.steps++; s.steps <= s.stepsOK {
		return nil
	}
	return s.moreSteps()
}

// moreSteps is loopStep's slow path.
func (s *state) moreSteps() error {
	if err := s.isDone(); err != nil {
		return err
	}
	grant := int64(checkEvery)
	if b := s.budget(); b != nil && s.eng.limits.MaxLoopIterations > 0 {
		if left := b.iters.Add(-grant); left < 0 {
			if grant += left; grant <= 0 {
				return &LimitError{Limit: "MaxLoopIterations", Max: s.eng.limits.MaxLoopIterations}
			}
		}
	}
	s.stepsOK += grant
	return nil
}

// tick counts a unit of work a template asks for that is not a loop
// iteration (an include, a partial): every checkEvery units it looks at
// the context, so that templates that include themselves over and over
// stop with it.
func (s *state) tick() error {
	if s.ticks++; s.ticks%checkEvery != 0 {
		return nil
	}
	return s.isDone()
}

// includeDepth is the engine's MaxIncludeDepth.
func (e *Engine) includeDepth() int {
	if e.limits.MaxIncludeDepth > 0 {
		return e.limits.MaxIncludeDepth
	}
	return DefaultMaxIncludeDepth
}

// depthErr is the error of a template opened past MaxIncludeDepth, with
// the message msg.
func (s *state) depthErr(msg string) error {
	return &limitMsgError{msg: msg + " (Limits.MaxIncludeDepth)", le: &LimitError{Limit: "MaxIncludeDepth", Max: int64(s.eng.includeDepth())}}
}

// limitMsgError is a LimitError with a message of its own.
type limitMsgError struct {
	msg string
	le  *LimitError
}

func (e *limitMsgError) Error() string { return e.msg }
func (e *limitMsgError) Unwrap() error { return e.le }

// valueBound is the engine's MaxValueBytes (-1: none).
func (e *Engine) valueBound() int64 {
	switch v := e.limits.MaxValueBytes; {
	case v > 0:
		return v
	case v < 0:
		return -1
	}
	return DefaultMaxValueBytes
}

// valueErr is the error of a value larger than MaxValueBytes.
func (s *state) valueErr() error {
	return &LimitError{Limit: "MaxValueBytes", Max: s.eng.valueBound()}
}

// checkSize fails when a value of n bytes is larger than MaxValueBytes.
func (s *state) checkSize(n int64) error {
	if b := s.eng.valueBound(); b >= 0 && n > b {
		return s.valueErr()
	}
	return nil
}

// itemBytes is what an item of a list counts for MaxValueBytes: the
// interface value in the slice.
const itemBytes = 16

// checkItems fails when a list of n items is larger than MaxValueBytes.
func (s *state) checkItems(n int) error { return s.checkSize(int64(n) * itemBytes) }

// textBuf builds a filter's text result. It looks at MaxValueBytes and the
// render's context as the text grows (every 64 KB), and stops growing at
// the first failure, which String returns.
type textBuf struct {
	s    *state
	b    strings.Builder
	next int
	err  error
}

// textCheck is how much a textBuf grows between its checks.
const textCheck = 64 << 10

// newText returns a builder for a filter's result, failing at once if
// the size the filter expects is too large already.
func (s *state) newText(hint int) *textBuf {
	t := &textBuf{s: s, next: textCheck}
	if t.err = s.checkSize(int64(hint)); t.err == nil && hint > 0 {
		t.b.Grow(min(hint, 1<<20))
	}
	return t
}

// WriteString appends x, unless the builder failed.
func (t *textBuf) WriteString(x string) {
	if t.err != nil {
		return
	}
	t.b.WriteString(x)
	if t.b.Len() >= t.next {
		t.check()
	}
}

// WriteByte appends c, unless the builder failed.
func (t *textBuf) WriteByte(c byte) error {
	if t.err != nil {
		return nil
	}
	t.b.WriteByte(c)
	if t.b.Len() >= t.next {
		t.check()
	}
	return nil
}

// Len is the length of the text so far.
func (t *textBuf) Len() int { return t.b.Len() }

// failed reports whether the builder has failed (so that a loop feeding it
// can stop).
func (t *textBuf) failed() bool { return t.err != nil }

// check looks at the size and the context.
func (t *textBuf) check() {
	if t.err != nil {
		return
	}
	if err := t.s.checkSize(int64(t.b.Len())); err != nil {
		t.err = err
	} else if err := t.s.isDone(); err != nil {
		t.err = err
	}
	if t.err != nil {
		t.b = strings.Builder{} // let the text go at once
		return
	}
	t.next = t.b.Len() + textCheck
}

// String returns the text, or the failure.
func (t *textBuf) String() (string, error) {
	t.check()
	if t.err != nil {
		return "", t.err
	}
	return t.b.String(), nil
}

// mapChunks applies fn, a transformation of text that works character by
// character (escaping, quoting), to in one chunk at a time, so that the
// size bound and the context are checked as the result grows; the chunks
// end at character boundaries and never between "\r" and "\n".
func (s *state) mapChunks(in string, fn func(string) string) (string, error) {
	return s.mapPieces(in, fn, func(in string, n int) bool {
		return in[n]&0xC0 != 0x80 && !(in[n] == '\n' && in[n-1] == '\r')
	})
}

// mapWords is mapChunks for transformations that work word by word (title,
// urlize): the chunks end before an ASCII space, tab or newline.
func (s *state) mapWords(in string, fn func(string) string) (string, error) {
	return s.mapPieces(in, fn, func(in string, n int) bool {
		switch in[n] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			return true
		}
		return false
	})
}

// mapPieces applies fn to in a piece at a time, each piece ending where
// cut(in, n) is true (after 64 KB), checking the size bound and the
// context between pieces.
func (s *state) mapPieces(in string, fn func(string) string, cut func(in string, n int) bool) (string, error) {
	const piece = 64 << 10
	if len(in) <= piece {
		out := fn(in)
		if len(out) > len(in) {
			if err := s.checkSize(int64(len(out))); err != nil {
				return "", err
			}
		}
		return out, nil
	}
	t := s.newText(len(in))
	for len(in) > 0 && !t.failed() {
		n := min(piece, len(in))
		for n < len(in) && !cut(in, n) {
			n++
		}
		t.WriteString(fn(in[:n]))
		in = in[n:]
		if err := s.isDone(); err != nil {
			return "", err
		}
	}
	return t.String()
}

// eachCheck returns a function for a filter's loop over items: called once
// an item, it looks at the render's context every checkEvery calls.
func (s *state) eachCheck() func() error {
	n := 0
	return func() error {
		if n++; n%checkEvery != 0 {
			return nil
		}
		return s.isDone()
	}
}

// stopper returns a function for the loops of the internal text packages:
// true when the render's context has ended.
func (s *state) stopper() func() bool {
	return func() bool { return s.isDone() != nil }
}
