package sse

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// A Notifier is a [Stream] that can call back when it has a message, so
// that an idle stream needs no goroutine waiting in Next: the Handler parks
// such streams (see [Handler.NoPark]). [*Subscription] and the Redis
// broker's streams are Notifiers.
type Notifier interface {
	Stream
	// Notify arranges for f to be called once, from any goroutine, when
	// Next has a message to return without waiting (at once if it has one
	// now). A later call replaces an earlier one that has not fired.
	Notify(f func())
}

// A Callback holds at most one function to call once: the part of a
// [Notifier] that other Stream implementations can embed. Set the function
// with Set, then check whether a message is ready, and call Fire if so;
// call Fire whenever a message arrives.
type Callback struct {
	mu sync.Mutex
	f  func()
}

// Set stores f, replacing a function that has not fired.
func (c *Callback) Set(f func()) {
	c.mu.Lock()
	c.f = f
	c.mu.Unlock()
}

// Fire calls and forgets the stored function, if there is one.
func (c *Callback) Fire() {
	c.mu.Lock()
	f := c.f
	c.f = nil
	c.mu.Unlock()
	if f != nil {
		f()
	}
}

// parked is a stream whose connection the handler took over from net/http
// (by Hijack) once the subscription started, so that while it is idle it
// holds no goroutine and no buffer: a write is made by a goroutine started
// when there is something to write, which ends when everything is written.
// A keep-alive tick also probes the connection, without blocking, for the
// client having closed it.
type parked struct {
	h       *Handler
	conn    net.Conn
	raw     syscall.RawConn // nil if the connection offers none
	sub     Stream
	notify  Notifier
	chunked bool // HTTP/1.1: each write is one chunk of the chunked body
	timeout time.Duration
	done    func() // runs once when the stream ends

	mu        sync.Mutex
	running   bool // a writer goroutine is on it
	again     bool // woken while running: look again before stopping
	keepAlive bool // a keep-alive comment is due
	closed    bool
}

// hopHeaders are not copied from w.Header() into a parked stream's own
// response head: they describe net/http's framing, which the handler
// replaces with its own, or an encoding its body does not have.
var hopHeaders = []string{"Connection", "Content-Length", "Content-Encoding", "Keep-Alive", "Trailer", "Transfer-Encoding", "Upgrade"}

// park takes the connection of w from net/http and writes the response
// head and first bytes itself. It reports false, having done nothing, when
// the connection cannot be taken over; the caller then streams in its own
// goroutine.
func (h *Handler) park(w http.ResponseWriter, r *http.Request, sub Stream, first []byte, done func()) bool {
	n, ok := sub.(Notifier)
	hj, ok2 := w.(http.Hijacker) // net/http's own writer, not a wrapper that might encode the body
	if !ok || !ok2 || h.NoPark || r.ProtoMajor != 1 {
		return false
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return false
	}
	p := &parked{h: h, conn: conn, sub: sub, notify: n, chunked: r.ProtoMinor >= 1,
		timeout: orDefault(h.WriteTimeout, 10*time.Second), done: done}
	// The probe for a closed connection reads the TCP connection itself,
	// under TLS too: a client that sends anything at all (a TLS
	// close_notify, say) is ending the stream.
	under := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		under = nc.NetConn()
	}
	if sc, ok := under.(syscall.Conn); ok {
		p.raw, _ = sc.SyscallConn()
	}
	if rw.Reader.Buffered() > 0 { // a pipelined request: not an EventSource
		conn.Close()
		done()
		return true
	}

	head := make([]byte, 0, 512)
	head = append(head, "HTTP/1."...)
	head = strconv.AppendInt(head, int64(r.ProtoMinor), 10)
	head = append(head, " 200 OK\r\n"...)
	hdr := w.Header().Clone()
	for _, k := range hopHeaders {
		hdr.Del(k)
	}
	hdr.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if p.chunked {
		hdr.Set("Transfer-Encoding", "chunked")
		hdr.Set("Connection", "keep-alive")
	} else {
		hdr.Set("Connection", "close") // HTTP/1.0: the body ends when the connection does
	}
	bw := bufio.NewWriterSize(&appender{&head}, 0)
	hdr.Write(bw)
	bw.Flush()
	head = append(head, "\r\n"...)
	head = p.frame(head, first)

	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		conn.Close()
		done()
		return true
	}
	if h.parked == nil {
		h.parked = map[*parked]struct{}{}
	}
	h.parked[p] = struct{}{}
	h.mu.Unlock()
	h.heartbeat().join()

	if p.write(head) != nil {
		p.close()
		return true
	}
	p.mu.Lock()
	p.running = true // the writer's loop starts in this goroutine
	p.mu.Unlock()
	go p.run()
	return true
}

// appender is an io.Writer appending to a byte slice.
type appender struct{ b *[]byte }

func (a *appender) Write(p []byte) (int, error) { *a.b = append(*a.b, p...); return len(p), nil }

// frame appends p to b as one chunk of a chunked body (or as it is, on
// HTTP/1.0).
func (p *parked) frame(b, payload []byte) []byte {
	if !p.chunked {
		return append(b, payload...)
	}
	b = strconv.AppendUint(b, uint64(len(payload)), 16)
	b = append(b, "\r\n"...)
	b = append(b, payload...)
	return append(b, "\r\n"...)
}

// wake starts a writer goroutine unless one is running, in which case it
// will look again before it stops.
func (p *parked) wake() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	if p.running {
		p.again = true
		p.mu.Unlock()
		return
	}
	p.running = true
	p.mu.Unlock()
	go p.run()
}

// closedChan is a channel that is always closed: Next with it returns what
// is ready without waiting.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// bufPool holds the writers' buffers, which only a running writer needs.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxBatch bounds what one write carries: beyond it, the writer writes and
// looks again.
const maxBatch = 64 << 10

// run writes what the stream has, then parks it again: it arms the
// notifier and ends.
func (p *parked) run() {
	for {
		bp := bufPool.Get().(*[]byte)
		buf, reset := p.collect((*bp)[:0])
		var err error
		if len(buf) > 0 {
			err = p.write(buf)
		}
		*bp = buf[:0]
		if cap(buf) <= maxBatch*2 {
			bufPool.Put(bp)
		}
		if err != nil || reset {
			if err == nil && p.chunked {
				p.write([]byte("0\r\n\r\n")) // the end of the body
			}
			p.close()
			return
		}
		p.mu.Lock()
		if p.again {
			p.again = false
			p.mu.Unlock()
			continue
		}
		p.running = false
		closed := p.closed
		p.mu.Unlock()
		if !closed {
			p.notify.Notify(p.wake)
		}
		return
	}
}

// collect appends the messages that are ready, framed, and the keep-alive
// comment if one is due. It reports whether
// the last message was the reset event.
func (p *parked) collect(buf []byte) ([]byte, bool) {
	for len(buf) < maxBatch {
		msg, ok := p.sub.Next(context.Background(), closedChan)
		if !ok {
			break
		}
		buf = p.frame(buf, msg.Wire)
		if msg.Reset {
			return buf, true
		}
	}
	p.mu.Lock()
	if p.keepAlive {
		buf = p.frame(buf, keepAliveComment)
	}
	p.keepAlive = false
	p.mu.Unlock()
	return buf, false
}

// write writes b with the write deadline.
func (p *parked) write(b []byte) error {
	if err := p.conn.SetWriteDeadline(time.Now().Add(p.timeout)); err != nil {
		return err
	}
	_, err := p.conn.Write(b)
	return err
}

// tick is the shared keep-alive timer's tick: it probes the connection for
// the client having gone, and sends a keep-alive comment.
func (p *parked) tick() {
	if p.gone() {
		p.close()
		return
	}
	p.mu.Lock()
	p.keepAlive = true
	p.mu.Unlock()
	p.wake()
}

// close ends the stream once: the connection, the subscription, the hooks.
func (p *parked) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	p.conn.Close()
	p.h.mu.Lock()
	delete(p.h.parked, p)
	p.h.mu.Unlock()
	p.h.heartbeat().leave()
	p.done()
}
