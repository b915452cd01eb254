// Command ssebench measures runnel's SSE handler under many open streams,
// against a plain net/http SSE handler (a goroutine per connection and a
// channel per subscriber) in the same run:
//
//   - RSS per idle open stream, read from the server process's
//     /proc/PID/status with N streams open;
//   - one event broadcast to every stream: the time until each client has
//     read it (p50, p99);
//   - goroutines and heap of the server after every client disconnected.
//
// The server runs as a child process (the same binary with -serve) so
// that its memory is measured apart from the clients'. Clients spread their
// source addresses over 127.0.0.2–127.0.0.9, so that one address's ports
// do not run out. Everything stays on loopback and stops by itself.
//
//	go run ./sse/internal/ssebench -n 10000
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"runtime"
	rpprof "runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runnelhq/runnel/sse"
)

var rounds *int

func main() {
	serve := flag.String("serve", "", "run as the server: runnel or plain")
	n := flag.Int("n", 10000, "open streams")
	rounds = flag.Int("rounds", 9, "broadcasts")
	flag.Parse()
	if *serve != "" {
		runServer(*serve)
		return
	}
	for _, kind := range []string{"plain", "runnel"} {
		if err := measure(kind, *n); err != nil {
			fmt.Fprintln(os.Stderr, kind+":", err)
			os.Exit(1)
		}
	}
}

// ---- the server process ----

func runServer(kind string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	var publish func(data string)
	switch kind {
	case "runnel":
		b := sse.NewBroker(sse.BrokerOptions{History: 16})
		mux.Handle("GET /events", &sse.Handler{Broker: b, Topics: func(*http.Request) ([]string, error) { return []string{"t"}, nil }})
		publish = func(data string) { b.Publish("t", sse.Event{Data: data}) }
		mux.HandleFunc("GET /subscribers", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, b.Subscribers("t")) })
	default:
		p := newPlain()
		mux.Handle("GET /events", p)
		publish = func(data string) { p.publish("data: " + data + "\n\n") }
		mux.HandleFunc("GET /subscribers", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, p.count()) })
	}
	mux.HandleFunc("POST /publish", func(w http.ResponseWriter, r *http.Request) { publish(r.URL.Query().Get("data")) })
	mux.HandleFunc("GET /debug/pprof/heap", pprof.Index)
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		runtime.GC() // and the pools' victim caches
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if f := os.Getenv("SSEBENCH_HEAPPROFILE"); f != "" {
			out, _ := os.Create(f + "." + kind)
			rpprof.WriteHeapProfile(out)
			out.Close()
		}
		fmt.Fprintf(w, "%d %d", runtime.NumGoroutine(), ms.HeapAlloc)
	})
	fmt.Println(l.Addr().String())
	os.Stdout.Sync()
	srv := &http.Server{Handler: mux}
	go func() { io.Copy(io.Discard, os.Stdin); os.Exit(0) }() // ends with the parent
	srv.Serve(l)
}

// plain is the SSE handler a Go developer writes by hand: a goroutine per
// connection (net/http's) and a channel per subscriber.
type plain struct {
	mu   sync.Mutex
	subs map[chan string]struct{}
}

func newPlain() *plain { return &plain{subs: map[chan string]struct{}{}} }

func (p *plain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan string, 16)
	p.mu.Lock()
	p.subs[ch] = struct{}{}
	p.mu.Unlock()
	defer func() { p.mu.Lock(); delete(p.subs, ch); p.mu.Unlock() }()
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	w.(http.Flusher).Flush()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case m := <-ch:
			io.WriteString(w, m)
			w.(http.Flusher).Flush()
		case <-keep.C:
			io.WriteString(w, ": keep-alive\n\n")
			w.(http.Flusher).Flush()
		case <-r.Context().Done():
			return
		}
	}
}

func (p *plain) publish(m string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ch := range p.subs {
		select {
		case ch <- m:
		default:
		}
	}
}

func (p *plain) count() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.subs) }

// ---- the measuring process ----

func measure(kind string, n int) error {
	cmd := exec.Command(os.Args[0], "-serve", kind)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return err
	}
	base := "http://" + strings.TrimSpace(addr)
	rss0 := rss(cmd.Process.Pid)
	g0, h0 := stats(base)

	clients, err := connectAll(base, n)
	if err != nil {
		return err
	}
	time.Sleep(time.Second) // let the server settle before reading its RSS
	rssN := rss(cmd.Process.Pid)

	// Broadcasts, one at a time: for each, how long until each client has
	// read it. The p50 and p99 reported are the medians over the rounds.
	var p50s, p99s []time.Duration
	missed := 0
	for round := range *rounds {
		got := broadcast(base, clients, fmt.Sprint(round))
		for _, d := range got {
			if d < 0 {
				missed++
			}
		}
		p50s = append(p50s, got[n/2])
		p99s = append(p99s, got[n*99/100])
	}
	slices.Sort(p50s)
	slices.Sort(p99s)

	disconnectAll(base, clients)
	g1, h1 := stats(base)
	// A second round of n connects and disconnects: what the first left
	// behind (the runtime keeps goroutine descriptors for reuse, maps keep
	// their buckets) does not grow.
	clients, err = connectAll(base, n)
	if err != nil {
		return err
	}
	disconnectAll(base, clients)
	g2, h2 := stats(base)
	fmt.Printf("%-7s streams=%d rss_per_stream=%.1fKB broadcast(median of %d)_p50=%v p99=%v missed=%d goroutines=%d→%d→%d heap=%.1fMB→%.1fMB→%.1fMB\n",
		kind, n, float64(rssN-rss0)/float64(n)/1024, len(p50s), p50s[len(p50s)/2].Round(time.Millisecond), p99s[len(p99s)/2].Round(time.Millisecond), missed,
		g0, g1, g2, float64(h0)/1e6, float64(h1)/1e6, float64(h2)/1e6)
	return nil
}

// connectAll opens n streams, 200 at a time, and waits until the server
// counts them all.
func connectAll(base string, n int) ([]*sseClient, error) {
	clients := make([]*sseClient, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 200)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(base, i)
			if err != nil {
				errs <- err
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	for count(base) != n {
		time.Sleep(50 * time.Millisecond)
	}
	return clients, nil
}

// disconnectAll closes the streams and waits until the server has seen
// every one go (a parked stream notices at its next keep-alive tick).
func disconnectAll(base string, clients []*sseClient) {
	for _, c := range clients {
		c.conn.Close()
	}
	for count(base) != 0 {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
}

// broadcast publishes one event and returns, sorted, how long each client
// took to read it (-1: it did not).
func broadcast(base string, clients []*sseClient, data string) []time.Duration {
	var wg sync.WaitGroup
	got := make([]time.Duration, len(clients))
	want := "data: " + data + "\n"
	started := make(chan struct{})
	var ready sync.WaitGroup
	ready.Add(len(clients))
	start := time.Now()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			ready.Done()
			<-started
			for {
				line, err := c.r.ReadString('\n')
				if err != nil {
					got[i] = -1
					return
				}
				if line == want {
					got[i] = time.Since(start)
					return
				}
			}
		}()
	}
	ready.Wait()
	close(started)
	time.Sleep(200 * time.Millisecond) // let every reader block in its read
	start = time.Now()
	http.Post(base+"/publish?data="+data, "", nil)
	wg.Wait()
	slices.Sort(got)
	return got
}

type sseClient struct {
	conn net.Conn
	r    *bufio.Reader
}

// dial opens one stream from 127.0.0.(2+i%8) and reads up to the retry hint.
func dial(base string, i int) (*sseClient, error) {
	host := strings.TrimPrefix(base, "http://")
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%8))}, Timeout: 10 * time.Second}
	conn, err := d.DialContext(context.Background(), "tcp", host)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", host)
	r := bufio.NewReaderSize(conn, 512)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			conn.Close()
			return nil, err
		}
		if strings.HasPrefix(line, "retry:") {
			return &sseClient{conn: conn, r: r}, nil
		}
	}
}

func count(base string) int {
	resp, err := http.Get(base + "/subscribers")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, _ := strconv.Atoi(string(b))
	return n
}

func stats(base string) (goroutines int, heap uint64) {
	resp, err := http.Get(base + "/stats")
	if err != nil {
		return -1, 0
	}
	defer resp.Body.Close()
	fmt.Fscan(resp.Body, &goroutines, &heap)
	return goroutines, heap
}

// rss returns a process's resident set size in bytes.
func rss(pid int) int64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
