package sse

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rawStream is a client on a bare TCP connection, with no goroutine of
// its own: what it has read is what the server wrote.
type rawStream struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialRaw(t *testing.T, addr, request string) *rawStream {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	return &rawStream{conn: conn, r: bufio.NewReader(conn)}
}

// head reads the response head.
func (s *rawStream) head(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the head after %q: %v", b.String(), err)
		}
		b.WriteString(line)
		if line == "\r\n" {
			return b.String()
		}
	}
}

// chunk reads one chunk of a chunked body.
func (s *rawStream) chunk(t *testing.T) string {
	t.Helper()
	size, err := s.r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a chunk size: %v", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 32)
	if err != nil {
		t.Fatalf("chunk size %q: %v", size, err)
	}
	b := make([]byte, n+2)
	if _, err := io.ReadFull(s.r, b); err != nil {
		t.Fatal(err)
	}
	if string(b[n:]) != "\r\n" {
		t.Fatalf("chunk not ended by CRLF: %q", b)
	}
	return string(b[:n])
}

func oneTopic(*http.Request) ([]string, error) { return []string{"t"}, nil }

// TestParkedStreamHoldsNoGoroutine: open parked streams hold no goroutine
// while idle; an event starts a writer for each, which ends when it has
// written. The wire is a valid chunked HTTP/1.1 response.
func TestParkedStreamHoldsNoGoroutine(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	tick := newFakeTicker()
	h := &Handler{Broker: b, Topics: oneTopic}
	tick.install(h)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	addr := srv.Listener.Addr().String()

	const n = 20
	before := runtime.NumGoroutine()
	streams := make([]*rawStream, n)
	for i := range streams {
		s := dialRaw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		head := s.head(t)
		for _, want := range []string{"HTTP/1.1 200 OK\r\n", "Content-Type: text/event-stream\r\n", "Cache-Control: no-cache\r\n", "X-Accel-Buffering: no\r\n", "Transfer-Encoding: chunked\r\n", "Connection: keep-alive\r\n", "Date: "} {
			if !strings.Contains(head, want) {
				t.Fatalf("head lacks %q:\n%s", want, head)
			}
		}
		if got := s.chunk(t); got != "retry: 2000\n\n" {
			t.Fatalf("first chunk %q", got)
		}
		streams[i] = s
	}
	<-tick.started
	waitFor(t, "every stream parked", func() bool { return parkedStreams(h) == n })
	// The shared timer's goroutine, and nothing for each stream (net/http's
	// connection goroutines have ended).
	waitFor(t, "the connection goroutines to end", func() bool { return runtime.NumGoroutine() <= before+1 })

	id, _ := b.Publish("t", Event{Data: "hello"})
	for _, s := range streams {
		if got := s.chunk(t); got != "id: "+id+"\ndata: hello\n\n" {
			t.Fatalf("event chunk %q", got)
		}
	}
	waitFor(t, "the writers to end", func() bool { return runtime.NumGoroutine() <= before+1 })

	tick.c <- time.Now()
	for _, s := range streams {
		if got := s.chunk(t); got != ": keep-alive\n\n" {
			t.Fatalf("keep-alive chunk %q", got)
		}
	}
}

// TestParkedStreamEvicted: a parked stream whose client stops reading is
// evicted when a write misses its deadline; a writer goroutine blocked on
// it does not hold up anyone else.
func TestParkedStreamEvicted(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{Backlog: 1 << 12})
	disconnected := make(chan struct{})
	var once sync.Once
	// The write timeout is what evicts the stalled client; it is long
	// enough that the reading client, which the test drains, is never
	// evicted on a loaded machine (at 50 ms it was, 1 run in a few under
	// load).
	h := &Handler{Broker: b, Topics: oneTopic, WriteTimeout: 400 * time.Millisecond,
		OnDisconnect: func(*http.Request, []string) { once.Do(func() { close(disconnected) }) }}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	addr := srv.Listener.Addr().String()

	// The stalled client: a tiny receive buffer, and it never reads.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	stalled, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	io.WriteString(stalled, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	reader := dialRaw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	reader.head(t)
	reader.chunk(t)
	waitFor(t, "both parked", func() bool { return parkedStreams(h) == 2 })

	big := strings.Repeat("x", 64<<10)
	giveUp := time.Now().Add(30 * time.Second)
	for {
		b.Publish("t", Event{Data: big})
		if got := reader.chunk(t); !strings.HasSuffix(got, big+"\n\n") {
			t.Fatalf("the reading client got %.40q", got)
		}
		select {
		case <-disconnected:
			if parkedStreams(h) != 1 || b.Subscribers("t") != 1 {
				t.Fatalf("after eviction: %d parked, %d subscribed", parkedStreams(h), b.Subscribers("t"))
			}
			return
		default:
		}
		if time.Now().After(giveUp) {
			t.Fatal("the stalled client was never evicted")
		}
	}
}

// wrapped is a middleware's ResponseWriter, which flushes and sets
// deadlines through Unwrap and does not hijack.
type wrapped struct{ http.ResponseWriter }

func (w wrapped) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// TestHandlerClose ends parked and held streams and refuses new ones.
func TestHandlerClose(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	ended := make(chan struct{}, 2)
	h := &Handler{Broker: b, Topics: oneTopic, OnDisconnect: func(*http.Request, []string) { ended <- struct{}{} }}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("/held", func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(wrapped{w}, r) // middleware: held, not parked
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	parkedS := open(t, srv.URL, nil)
	parkedS.block(t)
	held := open(t, srv.URL+"/held", nil)
	held.block(t)
	waitFor(t, "two streams", func() bool { return b.Subscribers("t") == 2 })
	if parkedStreams(h) != 1 {
		t.Fatalf("%d parked, want the unwrapped one only", parkedStreams(h))
	}

	h.Close()
	for _, s := range []*stream{parkedS, held} {
		if _, err := io.ReadAll(s.r); err != nil && !strings.Contains(err.Error(), "closed") && err != io.ErrUnexpectedEOF {
			t.Fatalf("reading a closed stream: %v", err)
		}
	}
	<-ended
	<-ended
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("after Close: %s", resp.Status)
	}
}

// TestParkedHTTP10: an HTTP/1.0 client gets a body that ends with the
// connection, not chunks.
func TestParkedHTTP10(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{History: 1})
	h := &Handler{Broker: b, Topics: oneTopic}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	s := dialRaw(t, srv.Listener.Addr().String(), "GET / HTTP/1.0\r\n\r\n")
	head := s.head(t)
	if !strings.HasPrefix(head, "HTTP/1.0 200 OK\r\n") || strings.Contains(head, "chunked") || !strings.Contains(head, "Connection: close\r\n") {
		t.Fatalf("head:\n%s", head)
	}
	line, _ := s.r.ReadString('\n')
	if line != "retry: 2000\n" {
		t.Fatalf("first line %q", line)
	}
}

// TestSubscriptionNotify: the callback fires once when an event arrives,
// and at once when one is already waiting.
func TestSubscriptionNotify(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	s, _ := b.Subscribe([]string{"t"}, "")
	defer s.Close()
	fired := 0
	s.Notify(func() { fired++ })
	if fired != 0 {
		t.Fatal("fired with nothing pending")
	}
	publish(t, b, "t", "1", "2")
	if fired != 1 {
		t.Fatalf("fired %d times for two events, want once", fired)
	}
	s.Notify(func() { fired++ })
	if fired != 2 {
		t.Fatal("did not fire at once with events pending")
	}
}

// TestParkedTLS: a stream over HTTP/1.1 with TLS is parked too, and the
// keep-alive tick finds that its client left.
func TestParkedTLS(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	tick := newFakeTicker()
	h := &Handler{Broker: b, Topics: oneTopic}
	tick.install(h)
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	defer h.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := &stream{resp: resp, r: bufio.NewReader(resp.Body)}
	s.block(t)
	if resp.ProtoMajor != 1 || parkedStreams(h) != 1 {
		t.Fatalf("%s, %d parked", resp.Proto, parkedStreams(h))
	}
	id, _ := b.Publish("t", Event{Data: "over TLS"})
	if got := s.block(t); got != "id: "+id+"\ndata: over TLS\n\n" {
		t.Fatalf("event %q", got)
	}
	resp.Body.Close()
	waitFor(t, "the stream to end", func() bool {
		select {
		case tick.c <- time.Now():
		default:
		}
		return b.Subscribers("t") == 0
	})
}
