package sse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeTicker is a controllable keep-alive timer: the test sends a tick.
type fakeTicker struct {
	c       chan time.Time
	started chan struct{}
	stopped chan struct{}
}

func newFakeTicker() *fakeTicker {
	return &fakeTicker{c: make(chan time.Time), started: make(chan struct{}, 8), stopped: make(chan struct{}, 8)}
}

// install makes h's shared heartbeat run on the fake ticker.
func (f *fakeTicker) install(h *Handler) {
	h.heartbeat().ticks = func(time.Duration) (<-chan time.Time, func()) {
		f.started <- struct{}{}
		return f.c, func() { f.stopped <- struct{}{} }
	}
}

// stream is a client reading a text/event-stream line by line.
type stream struct {
	resp *http.Response
	r    *bufio.Reader
}

func open(t *testing.T, url string, hdr map[string]string) *stream {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &stream{resp: resp, r: bufio.NewReader(resp.Body)}
}

// block reads up to and including the next blank line.
func (s *stream) block(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			t.Fatalf("reading the stream after %q: %v", b.String(), err)
		}
		if line == "\n" {
			return b.String()
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHandlerStreams runs a handler's life, with streams parked (the
// default) and held in net/http's goroutines (NoPark).
func TestHandlerStreams(t *testing.T) {
	for _, noPark := range []bool{false, true} {
		t.Run(map[bool]string{false: "parked", true: "held"}[noPark], func(t *testing.T) { testHandlerStreams(t, noPark) })
	}
}

// parkedStreams counts h's parked streams.
func parkedStreams(h *Handler) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.parked)
}

func testHandlerStreams(t *testing.T, noPark bool) {
	b, _ := newTestBroker(BrokerOptions{})
	var mu sync.Mutex
	var events []string
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	tick := newFakeTicker()
	h := &Handler{
		Broker:    b,
		Topics:    func(r *http.Request) ([]string, error) { return strings.Split(r.URL.Query().Get("t"), " "), nil },
		Retry:     3 * time.Second,
		OnConnect: func(_ *http.Request, topics []string) { note("connect " + strings.Join(topics, "+")) },
		OnDisconnect: func(r *http.Request, topics []string) {
			if r.Context().Err() != nil {
				t.Error("OnDisconnect got a canceled context")
			}
			note("disconnect " + strings.Join(topics, "+"))
		},
		NoPark: noPark,
	}
	tick.install(h)
	srv := httptest.NewServer(h)
	defer h.Close() // the server does not see parked streams
	defer srv.Close()

	s := open(t, srv.URL+"?t=prices", nil)
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"} {
		if got := s.resp.Header.Get(k); got != want {
			t.Errorf("header %s: %q, want %q", k, got, want)
		}
	}
	if got := s.block(t); got != "retry: 3000\n\n" {
		t.Fatalf("first block %q, want the retry hint", got)
	}
	<-tick.started
	waitFor(t, "the subscription", func() bool { return b.Subscribers("prices") == 1 })
	id, _ := b.Publish("prices", HTMX("row", "<tr><td>42</td></tr>"))
	if got, want := s.block(t), "id: "+id+"\nevent: row\ndata: <tr><td>42</td></tr>\n\n"; got != want {
		t.Fatalf("event %q, want %q", got, want)
	}

	// A second stream: both get the keep-alive from the one shared timer.
	s2 := open(t, srv.URL+"?t=prices", map[string]string{"Last-Event-ID": id})
	s2.block(t) // retry
	waitFor(t, "the second subscription", func() bool { return b.Subscribers("prices") == 2 })
	if want := map[bool]int{false: 2, true: 0}[noPark]; parkedStreams(h) != want {
		t.Fatalf("%d streams parked, want %d", parkedStreams(h), want)
	}
	tick.c <- time.Now()
	for _, st := range []*stream{s, s2} {
		if got := st.block(t); got != ": keep-alive\n\n" {
			t.Fatalf("got %q, want a keep-alive comment", got)
		}
	}

	// Leaving ends the subscription, calls the disconnect hook, and the
	// last one out stops the shared timer.
	s.resp.Body.Close()
	s2.resp.Body.Close()
	waitFor(t, "the subscriptions to end", func() bool {
		if !noPark {
			// A parked stream has no goroutine reading its connection: a
			// keep-alive tick after the client's FIN arrived finds it
			// closed. The test is the clock: it ticks until then.
			select {
			case tick.c <- time.Now():
			default:
			}
		}
		return b.Subscribers("prices") == 0
	})
	<-tick.stopped
	waitFor(t, "the disconnect hooks", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(events) == 4
	})
	if got := strings.Join(events, ", "); got != "connect prices, connect prices, disconnect prices, disconnect prices" {
		t.Errorf("hooks: %s", got)
	}
}

// TestHandlerResumes: a client that reconnects with Last-Event-ID gets what
// it missed, and one that is too far behind gets the reset event and the
// end of the stream.
func TestHandlerResumes(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{History: 2})
	h := &Handler{Broker: b, Topics: func(*http.Request) ([]string, error) { return []string{"t"}, nil }}
	srv := httptest.NewServer(h)
	defer h.Close() // the server does not see parked streams
	defer srv.Close()
	id1, _ := b.Publish("t", Event{Data: "1"})
	b.Publish("t", Event{Data: "2"})
	b.Publish("t", Event{Data: "3"})

	s := open(t, srv.URL, map[string]string{"Last-Event-ID": id1}) // missed 2 and 3, both kept
	s.block(t)
	if got := parseStream(s.block(t) + s.block(t)); datas(got) != "2,3" {
		t.Fatalf("replayed %q", datas(got))
	}
	s.resp.Body.Close()

	old := open(t, srv.URL+"?lastEventId="+b.epoch+".0", nil) // missed 1, which is gone
	old.block(t)
	ev := parseStream(old.block(t))
	if len(ev) != 1 || ev[0].event != ResetEvent {
		t.Fatalf("got %+v, want the reset event", ev)
	}
	if _, err := old.r.ReadString('\n'); err != io.EOF {
		t.Fatalf("after the reset event the stream should end, got %v", err)
	}
}

func TestHandlerRefuses(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	h := &Handler{
		Broker: b,
		Topics: func(r *http.Request) ([]string, error) {
			if r.URL.Query().Has("bad") {
				return nil, errors.New("no such feed")
			}
			return []string{"admin"}, nil
		},
		Authorize: func(r *http.Request, topics []string) error {
			if r.Header.Get("Authorization") == "" {
				return errors.New("not allowed")
			}
			return nil
		},
	}
	srv := httptest.NewServer(h)
	defer h.Close() // the server does not see parked streams
	defer srv.Close()
	for url, want := range map[string]int{srv.URL: http.StatusForbidden, srv.URL + "?bad": http.StatusBadRequest} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Errorf("%s: %d %s, want %d before the stream starts", url, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
	}
	if b.Subscribers("admin") != 0 {
		t.Error("a refused request subscribed")
	}
}

// stalledWriter is a ResponseWriter whose client has stopped reading: a
// write blocks until its deadline passes, which the test decides.
type stalledWriter struct {
	hdr       http.Header
	mu        sync.Mutex
	deadlines int // SetWriteDeadline calls
	writes    int
	stall     chan struct{} // writes block once this is non-nil
	passed    chan struct{} // closed: the deadline of the blocked write passed
}

func (w *stalledWriter) Header() http.Header { return w.hdr }
func (w *stalledWriter) WriteHeader(int)     {}
func (w *stalledWriter) Flush() error        { return nil }
func (w *stalledWriter) SetWriteDeadline(time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deadlines++
	return nil
}
func (w *stalledWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes++
	stall := w.stall
	w.mu.Unlock()
	if stall != nil {
		close(stall)
		<-w.passed
		return 0, os.ErrDeadlineExceeded
	}
	return len(p), nil
}

// TestHandlerEvictsStalledClient: every write has a deadline, and a client
// that stops reading is evicted when one passes: its subscription and its
// goroutine end, and the disconnect hook runs.
func TestHandlerEvictsStalledClient(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	disconnected := make(chan struct{})
	h := &Handler{Broker: b, Topics: func(*http.Request) ([]string, error) { return []string{"t"}, nil },
		OnDisconnect: func(*http.Request, []string) { close(disconnected) }}
	w := &stalledWriter{hdr: http.Header{}, passed: make(chan struct{})}
	req := httptest.NewRequest("GET", "/", nil)
	done := make(chan struct{})
	go func() { h.ServeHTTP(w, req); close(done) }()
	waitFor(t, "the subscription", func() bool { return b.Subscribers("t") == 1 })
	b.Publish("t", Event{Data: "1"})
	waitFor(t, "the first event", func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.writes == 2 })

	stalled := make(chan struct{})
	w.mu.Lock()
	w.stall = stalled
	w.mu.Unlock()
	b.Publish("t", Event{Data: "2"})
	<-stalled // the handler is blocked in a write
	close(w.passed)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler of a stalled client did not return")
	}
	<-disconnected
	if b.Subscribers("t") != 0 {
		t.Error("the evicted client is still subscribed")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.deadlines != w.writes {
		t.Errorf("%d deadlines for %d writes: every write needs one", w.deadlines, w.writes)
	}
}

// TestHandlerHTTP2Headers: no connection-specific header on HTTP/2.
func TestHandlerHTTP2Headers(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	h := &Handler{Broker: b, Topics: func(*http.Request) ([]string, error) { return []string{"t"}, nil }}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s", resp.Proto)
	}
	if c := resp.Header.Get("Connection"); c != "" {
		t.Errorf("Connection: %q on HTTP/2", c)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	cancel()
	resp.Body.Close()
	waitFor(t, "the stream to end", func() bool { return b.Subscribers("t") == 0 })
}

// TestHandlerHTTP2ManyStreams: many event streams share one HTTP/2
// connection (where a browser's HTTP/1.1 would allow six per host); a
// published event reaches each of them, and closing the requests ends
// every subscription.
func TestHandlerHTTP2ManyStreams(t *testing.T) {
	const streams = 50
	b, _ := newTestBroker(BrokerOptions{})
	h := &Handler{Broker: b, Topics: func(*http.Request) ([]string, error) { return []string{"t"}, nil }}
	srv := httptest.NewUnstartedServer(h)
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	defer h.Close()
	client := srv.Client()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var readers []*stream
	for range streams {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		if resp.ProtoMajor != 2 {
			t.Fatalf("protocol %s", resp.Proto)
		}
		s := &stream{resp: resp, r: bufio.NewReader(resp.Body)}
		s.block(t) // the retry: field, so the stream is subscribed
		readers = append(readers, s)
	}
	if n := b.Subscribers("t"); n != streams {
		t.Fatalf("%d subscribers", n)
	}
	for i := range 2 {
		if _, err := b.Publish("t", Event{Data: fmt.Sprintf("tick %d", i)}); err != nil {
			t.Fatal(err)
		}
		for j, s := range readers {
			if got := s.block(t); !strings.Contains(got, fmt.Sprintf("data: tick %d\n", i)) {
				t.Fatalf("stream %d, event %d: %q", j, i, got)
			}
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for %d streams", n, streams)
	}
	cancel()
	waitFor(t, "every stream to end", func() bool { return b.Subscribers("t") == 0 })
}
