package runnel

import (
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
}

func (o *output) WriteString(s string) {
	o.buf = append(o.buf, s...)
	if len(o.buf) >= flushSize && o.dst != nil {
		o.drain()
	}
}

func (o *output) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	if len(o.buf) >= flushSize && o.dst != nil {
		o.drain()
	}
	return len(p), o.err
}

func (o *output) writeInt(n int64) { o.buf = strconv.AppendInt(o.buf, n, 10) }

// drain writes the buffer to the destination.
func (o *output) drain() {
	if len(o.buf) == 0 || o.err != nil || o.dst == nil {
		return
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

// writeEscaped appends s with HTML special characters escaped as Django's
// escape() does. It copies runs of safe bytes in one append.
func (o *output) writeEscaped(s string) {
	o.buf = htmlutil.AppendEscape(o.buf, s)
	if len(o.buf) >= flushSize && o.dst != nil {
		o.drain()
	}
}
