package compress

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// writer is the ResponseWriter a compressed handler writes to. Every
// method takes mu: the coalescing timer writes from its own goroutine.
type writer struct {
	http.ResponseWriter
	c        *Compressor
	accepted []string

	mu        sync.Mutex
	status    int  // set by WriteHeader (0: 200 when needed)
	decided   bool // compressed or not is known, and the header is sent
	enc       encoder
	pending   []byte // bytes written before the decision
	dirty     bool   // written since the last flush
	lastFlush time.Time
	timer     *time.Timer
	armed     bool
	done      bool
	err       error
}

// encoder compresses one response body.
type encoder interface {
	write(p []byte) error
	flush() error // sends what is pending, ending on a byte boundary
	close() error // ends the stream
	release()     // returns pooled memory (after close, or on abort)
}

// Unwrap returns the underlying ResponseWriter, for
// http.ResponseController's deadlines. Flushes go through this writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader records the status; the header is sent with the first bytes
// of the body (or at the first flush), once it is known whether the body
// is compressed. Informational statuses (103 Early Hints) are sent at once.
func (w *writer) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.status == 0 && !w.decided {
		w.status = code
	}
}

func (w *writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.done {
		return 0, http.ErrHandlerTimeout
	}
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		if len(w.pending)+len(p) < w.c.opts.MinSize && !bodyless(w.status) {
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		w.decide(false)
		if err := w.writePending(); err != nil {
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	w.dirty = true
	if w.enc == nil {
		n, err := w.ResponseWriter.Write(p)
		w.err = err
		return n, err
	}
	if err := w.enc.write(p); err != nil {
		w.err = err
		return 0, err
	}
	return len(p), nil
}

func bodyless(status int) bool {
	return status == http.StatusNoContent || status == http.StatusNotModified
}

// decide chooses between compressing and not, and sends the header.
// final is true when the body is complete (then a small one is sent
// plain, with its length).
func (w *writer) decide(final bool) {
	w.decided = true
	h := w.Header()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if h.Get("Content-Type") == "" && len(w.pending) > 0 && !bodyless(w.status) {
		// What net/http would sniff, so that the type is known here.
		h.Set("Content-Type", http.DetectContentType(w.pending))
	}
	mt, ok := w.c.compressible(h, w.status)
	if ok && final && len(w.pending) < w.c.opts.MinSize {
		ok = false
	}
	if ok {
		if cl := h.Get("Content-Length"); cl != "" && len(cl) < 4 && !final && len(w.pending) == 0 {
			// A declared length under 1000 bytes: not worth it.
			ok = false
		}
	}
	if !ok {
		if final && h.Get("Content-Length") == "" && !bodyless(w.status) {
			h.Set("Content-Length", itoa(len(w.pending)))
		}
		w.ResponseWriter.WriteHeader(w.status)
		return
	}
	coding := choose(w.accepted, mt)
	h.Del("Content-Length")
	h.Del("Accept-Ranges")
	h.Set("Content-Encoding", coding)
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et)
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.enc = w.c.newEncoder(coding, w.ResponseWriter)
}

func (w *writer) writePending() error {
	if len(w.pending) == 0 {
		return nil
	}
	p := w.pending
	w.pending = nil
	w.dirty = true
	var err error
	if w.enc == nil {
		_, err = w.ResponseWriter.Write(p)
	} else {
		err = w.enc.write(p)
	}
	w.err = err
	return err
}

// Flush sends what has been written, now or (if the previous flush was
// less than FlushDelay ago) when that delay has passed.
func (w *writer) Flush() { _ = w.FlushError() }

// FlushError is Flush, returning the error of the write it makes.
func (w *writer) FlushError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.done {
		return w.err
	}
	if !w.decided {
		w.decide(false)
		if err := w.writePending(); err != nil {
			return err
		}
		w.dirty = true // the header, at least, must go out
	}
	if !w.dirty {
		return nil
	}
	d := w.c.opts.FlushDelay
	if since := time.Since(w.lastFlush); d < 0 || since >= d {
		return w.flushNow()
	} else if !w.armed {
		w.armed = true
		if w.timer == nil {
			w.timer = time.AfterFunc(d-since, w.timerFlush)
		} else {
			w.timer.Reset(d - since)
		}
	}
	return nil
}

func (w *writer) timerFlush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.armed || w.done || w.err != nil {
		return
	}
	w.err = w.flushNow()
}

// flushNow compresses what is pending and flushes the connection.
func (w *writer) flushNow() error {
	w.armed = false
	w.dirty = false
	w.lastFlush = time.Now()
	if w.enc != nil {
		if err := w.enc.flush(); err != nil {
			return err
		}
	}
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}

// close ends the response when the handler returns.
func (w *writer) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopTimer()
	if !w.decided {
		w.decide(true)
		_ = w.writePending()
	} else if w.armed && w.err == nil {
		// A coalesced flush that is still due: the close below sends it.
		w.armed = false
	}
	if w.enc != nil {
		if w.err == nil {
			w.err = w.enc.close()
		}
		w.enc.release()
		w.enc = nil
	}
	w.done = true
}

// abort gives up the response without ending the compressed stream, so
// that the client sees it truncated.
func (w *writer) abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopTimer()
	if w.enc != nil {
		w.enc.release()
		w.enc = nil
	}
	w.done = true
}

func (w *writer) stopTimer() {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.armed = false
}

// Hijack is passed through for protocols that take the connection over
// (a WebSocket upgrade, or a parked sse.Handler stream on HTTP/1.x):
// what is written after it is not compressed.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.decided {
		return nil, nil, errors.New("compress: Hijack after the response started")
	}
	w.decided, w.done = true, true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
