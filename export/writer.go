package export

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

const (
	writeSize            = 32 << 10 // the buffer is written out from this size
	defaultFlushBytes    = 64 << 10
	defaultFlushInterval = 200 * time.Millisecond
)

// writer encodes rows into a buffer and writes the buffer out by size;
// it flushes by size, by time (from a goroutine of its own, so that a
// slow source does not hold rows back) and after the first row.
type writer struct {
	opts  Options
	out   io.Writer
	flush func() error

	mu         sync.Mutex // guards what follows, shared with the flusher
	buf        []byte
	err        error // the first error of out
	rows       int64
	bytes      int64
	sinceFlush int  // bytes written out since the last flush
	pending    bool // written out but not flushed
	committed  bool // flushed once: the response has started
	lastFlush  time.Time

	started bool // the header (or the first row) was written
	enc     encoder
	rw      rowWriter // the source's, once it has one

	stopOnce sync.Once
	done     chan struct{} // closed to stop the flusher
	stopped  chan struct{} // closed when the flusher has returned
}

func newWriter(out io.Writer, opts Options) *writer {
	if opts.FlushBytes <= 0 {
		opts.FlushBytes = defaultFlushBytes
	}
	if opts.FlushInterval == 0 {
		opts.FlushInterval = defaultFlushInterval
	}
	if opts.TimeFormat == "" {
		opts.TimeFormat = time.RFC3339Nano
	}
	w := &writer{opts: opts, out: out, buf: make([]byte, 0, writeSize+4<<10), lastFlush: time.Now()}
	switch f := out.(type) {
	case interface{ Flush() error }:
		w.flush = f.Flush
	case http.Flusher:
		w.flush = func() error { f.Flush(); return nil }
	}
	w.enc.init(opts)
	if w.flush != nil && opts.FlushInterval > 0 {
		w.done, w.stopped = make(chan struct{}), make(chan struct{})
		go w.flusher(opts.FlushInterval)
	}
	return w
}

// flusher flushes output that has waited FlushInterval.
func (w *writer) flusher(every time.Duration) {
	defer close(w.stopped)
	t := time.NewTicker(every / 2)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case now := <-t.C:
			w.mu.Lock()
			if w.err == nil && w.started && now.Sub(w.lastFlush) >= every && (len(w.buf) > 0 || w.pending || w.rows == 0 && !w.committed) {
				w.writeOut(true)
			}
			w.mu.Unlock()
		}
	}
}

// stop ends the flusher and waits for it.
func (w *writer) stop() {
	w.stopOnce.Do(func() {
		if w.done != nil {
			close(w.done)
			<-w.stopped
		}
	})
}

// sqlColumns sets the header of a source that knows its columns.
func (w *writer) sqlColumns(cols []string) {
	if len(w.opts.Columns) == 0 {
		w.opts.Columns = cols
	}
}

// begin writes the byte-order mark, the JSON array's opening and the
// header, once, with names as the header and keys as JSON keys.
func (w *writer) begin(names, keys []string) {
	if w.started {
		return
	}
	w.started = true
	w.enc.keys = jsonKeys(keys)
	f := w.opts.Format
	if (f == CSV || f == TSV) && w.opts.BOM {
		w.buf = append(w.buf, "\uFEFF"...)
	}
	if f == JSON {
		w.buf = append(w.buf, '[')
	}
	if (f == CSV || f == TSV) && !w.opts.NoHeader && len(names) > 0 {
		w.enc.first = true
		w.enc.ncols = len(names)
		for _, n := range names {
			w.buf = w.enc.appendText(w.buf, n, true)
		}
		w.buf = append(w.buf, '\r', '\n')
	}
}

// row writes one row, stopping if ctx has ended.
func (w *writer) row(ctx context.Context, rw rowWriter) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.begin(rw.names(), rw.keys())
	}
	w.buf = w.enc.beginRow(w.buf, w.rows == 0)
	w.buf = rw.append(&w.enc, w.buf)
	w.buf = w.enc.endRow(w.buf)
	w.rows++
	if p := w.opts.Progress; p != nil {
		p.rows.Add(1)
	}
	if w.rows == 1 {
		return w.writeOut(true) // the first row goes out at once
	}
	if len(w.buf) >= writeSize {
		return w.writeOut(w.sinceFlush+len(w.buf) >= w.opts.FlushBytes)
	}
	return nil
}

// writeOut writes the buffer to out, and flushes it if flush is set.
func (w *writer) writeOut(flush bool) error {
	if len(w.buf) > 0 {
		n, err := w.out.Write(w.buf)
		w.bytes += int64(n)
		w.sinceFlush += n
		if p := w.opts.Progress; p != nil {
			p.bytes.Add(int64(n))
		}
		w.buf = w.buf[:0]
		w.pending = true
		if err != nil {
			w.err = err
			return err
		}
	}
	if flush && w.flush != nil && (w.pending || !w.committed) {
		if err := w.flush(); err != nil {
			w.err = err
			return err
		}
		w.sinceFlush, w.pending, w.committed = 0, false, true
		w.lastFlush = time.Now()
	}
	return nil
}

// finish closes the output (the header of an empty CSV, the end of a JSON
// array) and writes out the rest.
func (w *writer) finish() error {
	w.stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if !w.started {
		names, keys := w.opts.Columns, w.opts.Columns
		if w.rw != nil {
			names, keys = w.rw.names(), w.rw.keys()
		}
		w.begin(names, keys)
	}
	if w.opts.Format == JSON {
		if w.rows > 0 {
			w.buf = append(w.buf, '\n')
		}
		w.buf = append(w.buf, ']', '\n')
	}
	return w.writeOut(true)
}

func (w *writer) stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Stats{Rows: w.rows, Bytes: w.bytes}
}
