package sse

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Source is where a Handler's events come from: a [Broker] in this process,
// or a broker shared by several servers (runnel/sse/redisbroker).
type Source interface {
	// Stream subscribes to topics, resuming after lastEventID ("" for a
	// new client), as [Broker.Subscribe] does.
	Stream(topics []string, lastEventID string) (Stream, error)
}

// Stream is one client's subscription: the messages to write to it, in
// order. [*Subscription] is the Broker's.
type Stream interface {
	// Next waits for the next message, or returns false when ctx ends or
	// wake is closed (the shared keep-alive timer).
	Next(ctx context.Context, wake <-chan struct{}) (Message, bool)
	// Close ends the subscription.
	Close()
}

// Handler streams a request's topics from a Source as text/event-stream.
// The zero values of its optional fields take the defaults.
type Handler struct {
	// Broker is the source of events.
	Broker Source
	// Topics returns the topics the request subscribes to. An error answers
	// 400 with its message.
	Topics func(r *http.Request) ([]string, error)
	// Authorize, if set, decides whether the request may subscribe to the
	// topics; an error answers 403 before the first byte.
	Authorize func(r *http.Request, topics []string) error
	// Retry is the reconnection delay suggested to clients (default 2 s).
	Retry time.Duration
	// KeepAlive is the interval of the keep-alive comments that keep
	// proxies from closing an idle stream (default 15 s). One timer serves
	// every open stream of the handler; its tick also finds the parked
	// streams whose clients have gone.
	KeepAlive time.Duration
	// WriteTimeout bounds every write: a client that stops reading is
	// evicted when a write does not complete in time (default 10 s).
	WriteTimeout time.Duration
	// OnConnect and OnDisconnect, if set, are called when a stream starts
	// and ends (for presence lists and cleanup). OnDisconnect is always
	// called once for each OnConnect, whatever ended the stream.
	// OnDisconnect receives the request with a context that is not
	// canceled (it keeps the request's values).
	OnConnect    func(r *http.Request, topics []string)
	OnDisconnect func(r *http.Request, topics []string)
	// NoPark keeps every stream in net/http's connection goroutine until
	// it ends, as a hand-written handler does.
	//
	// By default an HTTP/1.x stream is parked when its ResponseWriter is
	// net/http's own (it implements http.Hijacker itself, so no middleware
	// wraps it) and its Source is a [Notifier]: once subscribed, the
	// handler takes the connection over from net/http and returns, and
	// while the stream is idle it holds no goroutine and no buffer, about a
	// fifth of the memory of a stream held by net/http (BENCHMARKS.md). A
	// goroutine runs only while there is something to write. A parked
	// stream notices that its client has gone at its next write or
	// keep-alive tick, within KeepAlive, rather than at once; http.Server's
	// Shutdown does not see it (call [Handler.Close] from
	// RegisterOnShutdown). Middleware that wraps the ResponseWriter keeps
	// the stream unparked, so it sees every byte.
	NoPark bool

	hbOnce sync.Once
	hb     *heartbeat

	mu      sync.Mutex
	parked  map[*parked]struct{}
	closed  bool
	stopCtx context.Context // canceled by Close
	stop    context.CancelFunc
}

// ServeHTTP subscribes the request to its topics, resuming from its
// Last-Event-ID header (or lastEventId query parameter, for polyfills), and
// writes events until the client goes away, the stream is reset, a write
// does not complete within WriteTimeout, or the handler is closed.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	stopCtx := h.stopContext()
	if stopCtx.Err() != nil {
		http.Error(w, "the event stream is shutting down", http.StatusServiceUnavailable)
		return
	}
	topics, err := h.Topics(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if h.Authorize != nil {
		if err := h.Authorize(r, topics); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.URL.Query().Get("lastEventId")
	}
	sub, err := h.Broker.Stream(topics, last)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if h.OnConnect != nil {
		h.OnConnect(r, topics)
	}
	var once sync.Once
	var hookReq *http.Request
	if h.OnDisconnect != nil {
		hookReq = r.WithContext(context.WithoutCancel(r.Context()))
	}
	done := func() {
		once.Do(func() {
			sub.Close()
			if h.OnDisconnect != nil {
				h.OnDisconnect(hookReq, topics)
			}
		})
	}

	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no") // nginx: do not buffer this response
	retry := orDefault(h.Retry, 2*time.Second)
	first := []byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n")
	if h.park(w, r, sub, first, done) {
		return
	}
	defer done()

	if r.ProtoMajor == 1 {
		hdr.Set("Connection", "keep-alive") // connection-specific: not on HTTP/2 and later
	}
	w.WriteHeader(http.StatusOK)
	c := &conn{w: w, rc: http.NewResponseController(w), timeout: orDefault(h.WriteTimeout, 10*time.Second)}
	hb := h.heartbeat()
	hb.join()
	defer hb.leave()
	wake := hb.tick() // before the first bytes: a stream the client sees open gets the next tick
	if err := c.write(first); err != nil {
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(stopCtx, cancel)()
	for {
		msg, ok := sub.Next(ctx, wake)
		if !ok {
			if ctx.Err() != nil {
				return
			}
			wake = hb.tick() // the shared timer ticked
			if c.write(keepAliveComment) != nil {
				return
			}
			continue
		}
		if c.write(msg.Wire) != nil || msg.Reset {
			return
		}
	}
}

// heartbeat returns the handler's shared keep-alive timer.
func (h *Handler) heartbeat() *heartbeat {
	h.hbOnce.Do(func() {
		h.hb = newHeartbeat(orDefault(h.KeepAlive, 15*time.Second))
		h.hb.onTick = h.tickParked
	})
	return h.hb
}

// tickParked passes a keep-alive tick to the parked streams.
func (h *Handler) tickParked() {
	h.mu.Lock()
	ps := make([]*parked, 0, len(h.parked))
	for p := range h.parked {
		ps = append(ps, p)
	}
	h.mu.Unlock()
	for _, p := range ps {
		p.tick()
	}
}

func (h *Handler) stopContext() context.Context {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopCtx == nil {
		h.stopCtx, h.stop = context.WithCancel(context.Background())
	}
	return h.stopCtx
}

// Close ends every open stream of the handler, parked or not, and answers
// later requests with 503. Clients reconnect (to another server, or to this
// one restarted) and resume from their last event. Call it when the server
// shuts down: http.Server.Shutdown neither ends open streams nor sees parked
// ones.
//
//	srv.RegisterOnShutdown(func() { events.Close() })
func (h *Handler) Close() error {
	h.stopContext()
	h.mu.Lock()
	h.closed = true
	h.stop()
	ps := make([]*parked, 0, len(h.parked))
	for p := range h.parked {
		ps = append(ps, p)
	}
	h.mu.Unlock()
	for _, p := range ps {
		p.close()
	}
	return nil
}

var keepAliveComment = []byte(": keep-alive\n\n")

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// conn writes to one client with a deadline on every write.
type conn struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

// write writes and flushes p, failing when the client does not take it
// within the timeout. A writer that cannot set deadlines (some test
// recorders, some middleware) is written without one.
func (c *conn) write(p []byte) error {
	if err := c.rc.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := c.w.Write(p); err != nil {
		return err
	}
	if err := c.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// heartbeat is one timer for every stream of a handler: each tick closes
// the current channel, which wakes every stream waiting on it, and opens a
// new one. The timer runs only while some stream is open, so an idle
// handler holds no goroutine.
type heartbeat struct {
	every time.Duration

	mu    sync.Mutex
	ch    chan struct{}
	n     int           // open streams
	stop  chan struct{} // ends the timer goroutine
	ticks func(d time.Duration) (<-chan time.Time, func())

	onTick func() // called on each tick, after the channel is closed
}

func newHeartbeat(every time.Duration) *heartbeat {
	return &heartbeat{every: every, ch: make(chan struct{}), ticks: func(d time.Duration) (<-chan time.Time, func()) {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}}
}

// tick returns the channel that the next tick closes.
func (hb *heartbeat) tick() <-chan struct{} {
	hb.mu.Lock()
	defer hb.mu.Unlock()
	return hb.ch
}

// join counts a stream in, starting the timer for the first.
func (hb *heartbeat) join() {
	hb.mu.Lock()
	defer hb.mu.Unlock()
	hb.n++
	if hb.n == 1 {
		hb.stop = make(chan struct{})
		c, stopTicker := hb.ticks(hb.every)
		go hb.run(c, stopTicker, hb.stop)
	}
}

// leave counts a stream out, stopping the timer after the last.
func (hb *heartbeat) leave() {
	hb.mu.Lock()
	defer hb.mu.Unlock()
	hb.n--
	if hb.n == 0 {
		close(hb.stop)
	}
}

func (hb *heartbeat) run(c <-chan time.Time, stopTicker func(), stop chan struct{}) {
	defer stopTicker()
	for {
		select {
		case <-c:
			hb.mu.Lock()
			close(hb.ch)
			hb.ch = make(chan struct{})
			hb.mu.Unlock()
			if hb.onTick != nil {
				hb.onTick()
			}
		case <-stop:
			return
		}
	}
}
