package runnel

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// flushSize is the size bound of the render buffer: once this much output is
// pending it is written to the destination even if no late value is awaited.
const flushSize = 16 << 10

// output is the renderer's sink. Output accumulates in a reusable buffer and
// reaches the destination writer when the buffer passes flushSize, when the
// renderer is about to wait (see state.flush), and at the end of the render.
// Nested captures (block.super, {% filter %}, {% spaceless %}) swap the
// destination for an in-memory one; only then is a body buffered whole.
type output struct {
	buf []byte
	dst io.Writer
	err error
	// wrote reports whether any byte has reached dst; dirty, whether any
	// has since the last flush.
	wrote, dirty bool
	// flusher is called after buffered bytes are written on an explicit
	// flush, so HTTP responses can push them to the client.
	flusher func() error

	// next is the length of buf at which a write takes the slow path, to
	// drain the buffer or, for a buffer without a destination, to check
	// its bound: flushSize past the last check (0 until the first write).
	next int
	// max bounds a buffer without a destination (a capture): 0 is the
	// engine's default value bound, negative none.
	max int64
	// limit bounds the bytes written to dst (MaxOutputBytes; 0: none), and
	// total counts them.
	limit, total int64
	// done, when set, is the render's context, looked at as the buffer
	// drains or grows, so that a render writing large values in a loop
	// stops with it.
	done context.Context
	// recs are the recordings in progress (Renderer.Record), innermost
	// last: each keeps a copy of what is written from its start on.
	recs []*recording
}

// recording is a copy of the bytes an output writes while a body renders,
// for a tag that stores a fragment as the page streams ({% cache %}).
type recording struct {
	kept []byte
	// from is where the recording starts in the output's pending buffer.
	from int
	max  int64
	// spoiled: the recorded bytes cannot be replayed (the body started an
	// out-of-order section, passed max, or the output dropped bytes).
	spoiled bool
}

// keep copies the pending bytes from each recording's start (or from
// where it last kept).
func (o *output) keep() {
	for _, r := range o.recs {
		if r.spoiled {
			continue
		}
		if r.from > len(o.buf) {
			r.spoiled = true
			continue
		}
		r.kept = append(r.kept, o.buf[r.from:]...)
		r.from = len(o.buf)
		if r.max > 0 && int64(len(r.kept)) > r.max {
			r.spoiled, r.kept = true, nil
		}
	}
}

// record starts a recording of what o writes from now on.
func (o *output) record(max int64) *recording {
	r := &recording{from: len(o.buf), max: max}
	o.recs = append(o.recs, r)
	return r
}

// stopRecording ends r, and returns what it kept;
// ok is false when it cannot be replayed.
func (o *output) stopRecording(r *recording) (kept []byte, ok bool) {
	o.keep()
	for i, q := range o.recs {
		if q == r {
			o.recs = append(o.recs[:i], o.recs[i+1:]...)
			break
		}
	}
	return r.kept, !r.spoiled
}

// spoilRecordings marks every recording in progress as not replayable.
func (o *output) spoilRecordings() {
	for _, r := range o.recs {
		r.spoiled, r.kept = true, nil
	}
}

func (o *output) WriteString(s string) {
	if len(o.buf)+len(s) >= o.next {
		o.writeSlow(s, false)
		return
	}
	o.buf = append(o.buf, s...)
}

// writeSlow writes text (escaped or not) that fills the buffer: a
// flushSize piece at a time, spilling after each, so that the buffer
// never holds much more than flushSize past a drain or a check; it stops
// at the output's first failure.
func (o *output) writeSlow(s string, escape bool) {
	if o.next == 0 {
		o.next = flushSize // a new output
	}
	for len(s) > 0 && o.err == nil {
		n := min(len(s), flushSize)
		if escape {
			o.buf = htmlutil.AppendEscape(o.buf, s[:n])
		} else {
			o.buf = append(o.buf, s[:n]...)
		}
		s = s[n:]
		if len(o.buf) >= o.next {
			o.spill()
		}
	}
}

func (o *output) Write(p []byte) (int, error) {
	if len(o.buf)+len(p) >= o.next {
		o.writeSlow(string(p), false)
	} else {
		o.buf = append(o.buf, p...)
	}
	return len(p), o.err
}

func (o *output) writeInt(n int64) { o.buf = strconv.AppendInt(o.buf, n, 10) }

// spill is the slow path of a write: it drains the buffer to the
// destination, or for a buffer without one checks its bound and the
// context. A failed output keeps nothing.
func (o *output) spill() {
	if o.dst != nil {
		o.drain()
		return
	}
	o.next = len(o.buf) + flushSize
	switch {
	case o.err != nil:
	case o.max == 0 && len(o.buf) > DefaultMaxValueBytes, o.max > 0 && int64(len(o.buf)) > o.max:
		o.err = o.overflow()
	case o.done != nil && o.done.Err() != nil:
		o.err = context.Cause(o.done)
	default:
		return
	}
	o.buf, o.next = o.buf[:0], flushSize
	o.spoilRecordings()
}

// overflow is the error of a buffer past its bound.
func (o *output) overflow() error {
	if o.limit > 0 {
		return &LimitError{Limit: "MaxOutputBytes", Max: o.limit}
	}
	m := o.max
	if m == 0 {
		m = DefaultMaxValueBytes
	}
	return &LimitError{Limit: "MaxValueBytes", Max: m}
}

// drain writes the buffer to the destination.
func (o *output) drain() {
	if len(o.buf) == 0 || o.dst == nil {
		return
	}
	if o.err == nil && o.limit > 0 {
		if o.total += int64(len(o.buf)); o.total > o.limit {
			o.err = &LimitError{Limit: "MaxOutputBytes", Max: o.limit}
		}
	}
	if o.err == nil && o.done != nil && o.done.Err() != nil {
		o.err = context.Cause(o.done)
	}
	if o.err != nil {
		o.buf = o.buf[:0] // a failed output keeps nothing
		o.spoilRecordings()
		return
	}
	if len(o.recs) > 0 {
		o.keep()
		for _, r := range o.recs {
			r.from = 0 // the buffer starts again
		}
	}
	_, o.err = o.dst.Write(o.buf)
	o.wrote, o.dirty = true, true
	o.buf = o.buf[:0]
}

// flush drains the buffer and pushes it through to the client.
func (o *output) flush() error {
	o.drain()
	if o.err == nil && o.flusher != nil && o.dirty {
		o.dirty = false
		o.err = o.flusher()
	}
	return o.err
}

// writeLast writes text after the render ended at one of its limits (the
// error fragment), past the output limit and the end of the context: the
// text pending in the buffer is sent first, unless the output limit was
// what failed.
func (o *output) writeLast(text string) {
	if o.dst == nil {
		return
	}
	failed := o.err
	switch {
	case failed == nil:
	case isLimit(failed) && !errors.Is(failed, context.DeadlineExceeded):
		o.buf = o.buf[:0] // past MaxOutputBytes: what is pending stays
	case errors.Is(failed, context.DeadlineExceeded) || errors.Is(failed, context.Canceled):
		// drain refused it for the context: send it now
	default:
		return // the writer failed
	}
	o.err, o.limit, o.done = nil, 0, nil
	o.buf = append(o.buf, text...)
	o.drain()
	if o.err == nil && o.flusher != nil {
		o.err = o.flusher()
	}
	if failed != nil {
		o.err = failed
	}
}

// writeEscaped appends s with HTML special characters escaped as Django's
// escape() does. It copies runs of safe bytes in one append.
//
// Escaping makes text at most six times longer, so the buffer may pass
// flushSize by that much before the next write spills it.
func (o *output) writeEscaped(s string) {
	if len(o.buf)+len(s) >= o.next {
		o.writeSlow(s, true)
		return
	}
	if len(s) < 16 {
		o.buf = htmlutil.AppendEscapeShort(o.buf, s)
		return
	}
	o.buf = htmlutil.AppendEscape(o.buf, s)
}
