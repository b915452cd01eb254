package runnel

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"runtime/debug"
	"sync"
)

// Late values: data that is not ready when rendering starts. A template uses
// them like any other value; the renderer waits for one only where it is
// used, and flushes what it has written just before it waits.

// Future is a value being computed concurrently, like a Python future. Put
// one in a template's data and use it as the value it will hold:
// {{ user.name }} waits for the future and looks up name on its result.
type Future[T any] struct {
	l late
}

// late is the untyped core of every late value.
type late struct {
	done chan struct{}
	once sync.Once
	val  any
	err  error
}

func (l *late) resolve(v any, err error) {
	l.once.Do(func() {
		l.val, l.err = v, err
		close(l.done)
	})
}

// lateValue is implemented by every *Future.
type lateValue interface {
	lateCore() *late
}

func (f *Future[T]) lateCore() *late { return &f.l }

// Go starts fn in a new goroutine and returns its future result. Pass the
// request's context: when it ends, fn should stop. A panic in fn becomes the
// future's error.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	f := &Future[T]{l: late{done: make(chan struct{})}}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				f.l.resolve(nil, fmt.Errorf("runnel: panic in late value: %v\n%s", r, debug.Stack()))
			}
		}()
		v, err := fn(ctx)
		f.l.resolve(v, err)
	}()
	return f
}

// NewFuture returns an unresolved future and the function that resolves it,
// for values delivered by callbacks (and for deterministic tests). Only the
// first call of resolve has an effect.
func NewFuture[T any]() (*Future[T], func(T, error)) {
	f := &Future[T]{l: late{done: make(chan struct{})}}
	return f, func(v T, err error) { f.l.resolve(v, err) }
}

// Ready returns a future that is already resolved to v.
func Ready[T any](v T) *Future[T] {
	f, resolve := NewFuture[T]()
	resolve(v, nil)
	return f
}

// Wait blocks until the future is resolved or ctx ends.
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	var zero T
	select {
	case <-f.l.done:
		if f.l.err != nil {
			return zero, f.l.err
		}
		v, _ := f.l.val.(T)
		return v, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// Done returns a channel closed when the future is resolved.
func (f *Future[T]) Done() <-chan struct{} { return f.l.done }

// await is where the renderer waits for a late value: if it is not ready,
// the output written so far is flushed to the client first, then the render
// waits for the value or for its context to end. Completed out-of-order
// sections are sent while waiting when the page is at a point where they can
// be.
func (s *state) await(l *late) (any, error) {
	select {
	case <-l.done:
		return l.val, l.err
	default:
	}
	if err := s.beforeWait(); err != nil {
		return nil, err
	}
	for {
		select {
		case <-l.done:
			return l.val, l.err
		case <-s.ctxDone():
			return nil, s.ctxErr()
		case sec := <-s.sectionDone():
			if err := s.emitSection(sec); err != nil {
				return nil, err
			}
		}
	}
}

// beforeWait flushes the main output before a blocking wait, sending any
// out-of-order sections that are complete.
func (s *state) beforeWait() error {
	if s.mode == Buffered {
		return nil
	}
	s.emitReadySections()
	return s.main.flush()
}

func (s *state) ctxDone() <-chan struct{} {
	if s.ctx == nil {
		return nil
	}
	return s.ctx.Done()
}

// receive takes one value from a channel, waiting (after a flush) if none is
// ready. ok is false when the channel is closed.
func (s *state) receive(ch reflect.Value) (v any, ok bool, err error) {
	if x, ok := ch.TryRecv(); ok || x.IsValid() {
		if !ok {
			return nil, false, nil
		}
		return x.Interface(), true, nil
	}
	if err := s.beforeWait(); err != nil {
		return nil, false, err
	}
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: ch},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.ctxDone())},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.sectionDone())},
	}
	for {
		chosen, x, ok := reflect.Select(cases)
		switch chosen {
		case 0:
			if !ok {
				return nil, false, nil
			}
			return x.Interface(), true, nil
		case 1:
			return nil, false, s.ctxErr()
		default:
			if err := s.emitSection(x.Interface().(*section)); err != nil {
				return nil, false, err
			}
		}
	}
}

// isChan reports whether v is a channel the template can receive from.
func isChan(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Chan && rv.Type().ChanDir()&reflect.RecvDir != 0 && !rv.IsNil() {
		return rv, true
	}
	return reflect.Value{}, false
}

// startLate starts the late values among a page's top-level data when the
// render starts, so that they run concurrently: functions taking a context
// (func(context.Context) (T, error)) are called in their own goroutines under
// the render's context, and iterators are drained into channels by their own
// goroutines. It returns the bindings that replace them.
func (s *state) startLate(data map[string]any) {
	for name, v := range data {
		switch v.(type) {
		case nil, string, int, bool, float64, SafeString, map[string]any, []any:
			continue
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Func || rv.IsNil() {
			continue
		}
		t := rv.Type()
		if t.NumIn() == 1 && t.In(0) == ctxType && t.NumOut() >= 1 && t.NumOut() <= 2 && (t.NumOut() == 1 || t.Out(1) == errType) {
			l := &late{done: make(chan struct{})}
			s.stream.dataGoroutine(func(ctx context.Context) {
				defer func() {
					if r := recover(); r != nil {
						l.resolve(nil, fmt.Errorf("runnel: panic in late value %s: %v", name, r))
					}
				}()
				out := rv.Call([]reflect.Value{reflect.ValueOf(&ctx).Elem()})
				if len(out) == 2 && !out[1].IsNil() {
					l.resolve(nil, out[1].Interface().(error))
					return
				}
				l.resolve(out[0].Interface(), nil)
			})
			s.set(name, l)
			continue
		}
		if seq, ok := iterOf(v); ok {
			s.set(name, s.stream.drain(seq))
		}
	}
}

// startLateFields does for a struct (or pointer to struct) used as the
// page's data what startLate does for a map: its exported fields holding
// functions of a context or iterators are started now, and bound under the
// names a template can use for them (the Go name, the snake_case name and
// a json tag name).
func (s *state) startLateFields(data any) {
	rv := reflect.ValueOf(data)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return
	}
	fields := lateFieldsOf(rv.Type())
	if len(fields) == 0 {
		return
	}
	late := make(map[string]any, len(fields))
	for _, f := range fields {
		fv, err := rv.FieldByIndexErr(f.index)
		if err != nil || fv.IsNil() {
			continue
		}
		late[f.name] = fv.Interface()
	}
	if !hasLate(late) {
		return
	}
	s.streaming()
	mark := len(s.scope)
	s.startLate(late)
	// Bind each started value under every name its field answers to.
	for _, b := range append([]binding(nil), s.scope[mark:]...) {
		for _, f := range fields {
			if f.name == b.name {
				for _, alias := range f.aliases {
					s.set(alias, b.val)
				}
			}
		}
	}
}

// lateField is an exported struct field of func or iterator type.
type lateField struct {
	index   []int
	name    string   // the Go name
	aliases []string // the other names a template may use
}

var lateFieldCache sync.Map // reflect.Type → []lateField

// lateFieldsOf lists a struct type's fields that may hold late values.
func lateFieldsOf(t reflect.Type) []lateField {
	if v, ok := lateFieldCache.Load(t); ok {
		return v.([]lateField)
	}
	var out []lateField
	for name, m := range infoFor(t).members {
		if m.method >= 0 || m.kind != reflect.Func {
			continue
		}
		f := t.FieldByIndex(m.field)
		if name != f.Name {
			continue // aliases are collected below
		}
		lf := lateField{index: m.field, name: f.Name}
		for alias, am := range infoFor(t).members {
			if am == m && alias != f.Name {
				lf.aliases = append(lf.aliases, alias)
			}
		}
		out = append(out, lf)
	}
	lateFieldCache.Store(t, out)
	return out
}

// drain runs an iterator in its own goroutine, delivering its items through
// a small buffered channel, until it ends or the render's context ends.
// An iter.Seq2[T, error] that yields an error stops with that error.
func (st *streamState) drain(seq iter.Seq[any]) *lateSeq {
	ls := &lateSeq{ch: make(chan any, 16)}
	st.dataGoroutine(func(ctx context.Context) {
		defer close(ls.ch)
		defer func() {
			if r := recover(); r != nil {
				ls.err = fmt.Errorf("runnel: panic in iterator: %v", r)
			}
		}()
		for item := range seq {
			if ie, ok := item.(iterErr); ok {
				ls.err = ie.err
				return
			}
			select {
			case ls.ch <- item:
			case <-ctx.Done():
				ls.err = ctx.Err() // not a complete sequence
				return
			}
		}
	})
	return ls
}

// lateSeq is an iterator started early: its items arrive on ch; err is set
// (before ch is closed) if the iterator failed.
type lateSeq struct {
	ch  chan any
	err error
}
