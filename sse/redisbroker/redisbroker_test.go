package redisbroker

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnelhq/runnel/sse"
)

// redisServer is a redis-server process of the test's own, on its own port.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
	dir  string
}

// startRedis starts redis-server on addr ("" for a free port). Without the
// binary the test is skipped, unless RUNNEL_REQUIRE_REDIS=1 (as in CI).
func startRedis(t *testing.T, addr string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("RUNNEL_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server is required (RUNNEL_REQUIRE_REDIS=1): ", err)
		}
		t.Skip("redis-server not installed: ", err)
	}
	if addr == "" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		l.Close()
	}
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	cmd := exec.Command(bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rs := &redisServer{addr: addr, cmd: cmd, dir: dir}
	t.Cleanup(rs.stop)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not start", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rs
}

func (rs *redisServer) stop() {
	if rs.cmd.Process != nil && rs.cmd.ProcessState == nil {
		rs.cmd.Process.Kill()
		rs.cmd.Wait()
	}
}

// node is one server: a broker on the shared Redis and an HTTP server.
type node struct {
	b   *Broker
	srv *httptest.Server
}

func newNode(t *testing.T, addr string) *node {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	b := New(Options{Client: rdb, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Backoff: func(int) time.Duration { return 20 * time.Millisecond }})
	// The streams are parked: a client that leaves is noticed at the next
	// keep-alive tick, which comes often here so that the tests can wait
	// for subscribers to go.
	h := &sse.Handler{Broker: b, KeepAlive: 10 * time.Millisecond, Topics: func(r *http.Request) ([]string, error) {
		return strings.Fields(r.URL.Query().Get("t")), nil
	}}
	srv := httptest.NewServer(h)
	n := &node{b: b, srv: srv}
	t.Cleanup(func() { h.Close(); srv.CloseClientConnections(); srv.Close(); b.Close(); rdb.Close() })
	return n
}

// client is an EventSource-like reader of one stream.
type client struct {
	resp *http.Response
	r    *bufio.Reader
	last string
}

func connect(t *testing.T, n *node, topics, lastID string) *client {
	t.Helper()
	req, _ := http.NewRequest("GET", n.srv.URL+"?t="+topics, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	c := &client{resp: resp, r: bufio.NewReader(resp.Body)}
	c.event(t) // the retry hint
	return c
}

// event reads the next block and returns its data, event type and id
// (keep-alive comments are skipped).
func (c *client) event(t *testing.T) (data, typ string) {
	t.Helper()
	for {
		var lines []string
		for {
			line, err := c.r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading: %v (after %q)", err, lines)
			}
			if line == "\n" {
				break
			}
			lines = append(lines, strings.TrimSuffix(line, "\n"))
		}
		comment := true
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "data: "):
				data, comment = l[6:], false
			case strings.HasPrefix(l, "event: "):
				typ, comment = l[7:], false
			case strings.HasPrefix(l, "id: "):
				c.last, comment = l[4:], false
			case strings.HasPrefix(l, "retry: "):
				comment = false
			}
		}
		if !comment {
			return data, typ
		}
	}
}

func waitSubs(t *testing.T, n *node, topic string, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for n.b.Subscribers(topic) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers of %s, want %d", n.b.Subscribers(topic), topic, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestFanOutAcrossNodes: what node A publishes, a client of node B
// receives in order and exactly once; a client that read from B and
// reconnects to A with its Last-Event-ID resumes with no gap and no
// duplicate, also for a subscription to several topics.
func TestFanOutAcrossNodes(t *testing.T) {
	rs := startRedis(t, "")
	a, b := newNode(t, rs.addr), newNode(t, rs.addr)
	ctx := context.Background()

	cb := connect(t, b, "prices", "")
	waitSubs(t, b, "prices", 1)
	for i := range 5 {
		if _, err := a.b.Publish(ctx, "prices", sse.Event{Event: "row", Data: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if d, typ := cb.event(t); d != fmt.Sprint(i) || typ != "row" {
			t.Fatalf("event %d on node B: %q %q", i, typ, d)
		}
	}
	last := cb.last
	cb.resp.Body.Close()
	waitSubs(t, b, "prices", 0)
	for i := 5; i < 8; i++ { // missed while away
		a.b.Publish(ctx, "prices", sse.Event{Data: fmt.Sprint(i)})
	}
	ca := connect(t, a, "prices", last) // reconnects to the other node
	b.b.Publish(ctx, "prices", sse.Event{Data: "8"})
	for i := 5; i <= 8; i++ {
		if d, _ := ca.event(t); d != fmt.Sprint(i) {
			t.Fatalf("resumed on node A: got %q, want %d", d, i)
		}
	}

	// Several topics, one ID that resumes both, across nodes.
	cm := connect(t, a, "news+prices", "")
	waitSubs(t, a, "news", 1)
	b.b.Publish(ctx, "news", sse.Event{Data: "n1"})
	if d, _ := cm.event(t); d != "n1" {
		t.Fatalf("got %q", d)
	}
	b.b.Publish(ctx, "prices", sse.Event{Data: "p9"})
	if d, _ := cm.event(t); d != "p9" {
		t.Fatalf("got %q", d)
	}
	id := cm.last
	cm.resp.Body.Close()
	a.b.Publish(ctx, "news", sse.Event{Data: "n2"})
	a.b.Publish(ctx, "prices", sse.Event{Data: "p10"})
	cm2 := connect(t, b, "news+prices", id)
	got := []string{}
	for range 2 {
		d, _ := cm2.event(t)
		got = append(got, d)
	}
	if strings.Join(got, ",") != "n2,p10" {
		t.Fatalf("multi-topic resume on node B: %v", got)
	}
}

// TestTooOldGetsReset: an ID that Redis has trimmed, or a malformed one,
// gets the reset event; its id resumes from now.
func TestTooOldGetsReset(t *testing.T) {
	rs := startRedis(t, "")
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr})
	defer rdb.Close()
	b := New(Options{Client: rdb, History: 1})
	defer b.Close()
	ctx := context.Background()
	first, _ := b.Publish(ctx, "t", sse.Event{Data: "1"})
	// MAXLEN ~ trims whole nodes only: delete the first entry as trimming
	// would once the stream is long enough.
	rdb.XDel(ctx, "runnel:sse:t", first)
	b.Publish(ctx, "t", sse.Event{Data: "2"})
	for _, id := range []string{first, "garbage", "0-0"} {
		s, err := b.Stream([]string{"t"}, id)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := s.Next(ctx, nil)
		if !ok || !m.Reset {
			t.Fatalf("ID %q: got %q, want the reset event", id, m.Wire)
		}
		s.Close()
	}
}

// TestRedisRestart: Redis killed and restarted (empty) mid-stream. Both
// nodes keep their clients' streams open, reconnect with backoff, and the
// clients, who may have missed events, get the reset event — no crash, no
// silent gap. After it, they resume.
func TestRedisRestart(t *testing.T) {
	rs := startRedis(t, "")
	a, b := newNode(t, rs.addr), newNode(t, rs.addr)
	ctx := context.Background()
	ca, cb := connect(t, a, "t", ""), connect(t, b, "t", "")
	waitSubs(t, a, "t", 1)
	waitSubs(t, b, "t", 1)
	a.b.Publish(ctx, "t", sse.Event{Data: "before"})
	for _, c := range []*client{ca, cb} {
		if d, _ := c.event(t); d != "before" {
			t.Fatalf("got %q", d)
		}
	}

	rs.stop()
	if _, err := a.b.Publish(ctx, "t", sse.Event{Data: "lost"}); err == nil {
		t.Fatal("publishing without Redis succeeded")
	}
	rs2 := startRedis(t, rs.addr) // the same address, empty
	_ = rs2
	for name, c := range map[string]*client{"A": ca, "B": cb} {
		_, typ := c.event(t)
		if typ != sse.ResetEvent {
			t.Fatalf("client of node %s: got a %q event, want the reset event", name, typ)
		}
		if _, err := c.r.ReadString('\n'); err == nil {
			t.Fatalf("client of node %s: the stream goes on after the reset event", name)
		}
	}
	// The clients reconnect with the reset event's id and resume.
	ca2 := connect(t, a, "t", ca.last)
	waitSubs(t, a, "t", 1)
	b.b.Publish(ctx, "t", sse.Event{Data: "after"})
	if d, typ := ca2.event(t); d != "after" || typ == sse.ResetEvent {
		t.Fatalf("after the restart: %q %q", typ, d)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleakFind(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}
