package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// freeAddr returns a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProcess runs a command until the test ends.
func startProcess(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stderr = io.Discard
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come up: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// events reads n events from a node's stream, resuming after lastID, and
// returns their ids.
func events(t *testing.T, base, lastID string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	var ids []string
	for len(ids) < n {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading %s: %v", base, err)
		}
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "id: "); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestTwoNodesOnRedis runs two ticker processes on one redis-server: node A
// publishes, node B only relays. A client of B receives what A publishes,
// in order and exactly once (the IDs are Redis's, consecutive entries of
// the stream); the client then reconnects to A with its Last-Event-ID and
// resumes with the very next entry: no gap, no duplicate.
func TestTwoNodesOnRedis(t *testing.T) {
	redisBin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("RUNNEL_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server is required (RUNNEL_REQUIRE_REDIS=1)")
		}
		t.Skip("redis-server not installed")
	}
	bin := filepath.Join(t.TempDir(), "ticker")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the ticker: %v\n%s", err, out)
	}
	raddr := freeAddr(t)
	host, port, _ := net.SplitHostPort(raddr)
	startProcess(t, redisBin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	rdb := redis.NewClient(&redis.Options{Addr: raddr})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(context.Background()).Err() != nil; {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}

	a, b := freeAddr(t), freeAddr(t)
	startProcess(t, bin, "-addr", a, "-redis", "redis://"+raddr, "-rate", "40")
	startProcess(t, bin, "-addr", b, "-redis", "redis://"+raddr, "-publish=false")
	waitHTTP(t, "http://"+a+"/")
	waitHTTP(t, "http://"+b+"/")

	fromB := events(t, "http://"+b, "", 5)
	fromA := events(t, "http://"+a, fromB[len(fromB)-1], 5)
	all := append(fromB, fromA...)

	// Every id is the entry of the stream that follows the one before it.
	ctx := context.Background()
	for i := 1; i < len(all); i++ {
		next, err := rdb.XRangeN(ctx, "runnel:sse:prices", "("+all[i-1], "+", 1).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(next) != 1 || next[0].ID != all[i] {
			t.Fatalf("event %d: got id %s after %s, want the next entry of the stream %v (ids %v)", i, all[i], all[i-1], next, all)
		}
	}

	// B's page shows what the stream said: each symbol's latest row.
	resp, err := http.Get("http://" + b + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := strings.Count(string(page), `<tr id="row-`); n != 6 {
		t.Errorf("node B's page has %d rows, want 6", n)
	}
	if !strings.Contains(string(page), "lastEventId") {
		t.Error("node B's page does not hand its EventSource an ID to resume from")
	}
}
