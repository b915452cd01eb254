// Command runnel-soak is a soak test of runnel's streaming over HTTP: it
// serves a streamed page with late data on a loopback address, in the same
// process, and runs many concurrent clients against it for a set time, some
// of which hang up at random points mid-stream. Then it waits for the
// server to go quiet and reports errors, time to first byte, pages per
// second, and goroutines and heap before and after.
//
// Usage:
//
//	runnel-soak [-clients 2000] [-duration 30s] [-disconnect 0.2] [-addr 127.0.0.1:0]
//	            [-inorder 0.2] [-rows 20] [-max-delay 50ms] [-think 0] [-settle 15s] [-seed 1]
//	            [-heap-slack 2097152] [-heapprofile FILE]
//
// The page (page.html) extends a base layout, fills two blocks, and uses
// late values of every kind: a future in place ({{ user.name }}), two
// out-of-order {% defer %} sections (a future, and a function of a
// context), a {% for %} over a channel fed row by row, and a function of a
// context at the end. Each resolves after a random delay up to -max-delay.
// Clients ask for the streamed page (a browser's User-Agent) or, a fraction
// -inorder of them, the in-order page, and read it to its end, except a
// fraction -disconnect, which cancel their request after a random number of
// bytes or a random time.
//
// An error is: a request that fails or answers other than 200 before the
// client meant to leave; a page read to its end that is not whole (it must
// end with </html>, carry every late value and every row, and, streamed,
// fill each of its placeholders exactly once); and a call of the engine's
// error handler for anything but a client that went away. After the run the
// clients' connections are closed and the command waits up to -settle for
// the number of goroutines to come back to what it was before the first
// request (after two warm-up pages), and measures the heap after two
// collections: HeapInuse, and the live objects less the goroutine
// descriptors that the runtime keeps for reuse (estimated from the heap
// profile). It exits with status 1 if there was an error, if the
// goroutines did not come back, or if the live heap, descriptors aside,
// grew by more than -heap-slack bytes; 2 for bad flags. See
// docs/hardening.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is the command's flags.
type config struct {
	clients     int
	duration    time.Duration
	disconnect  float64
	inOrder     float64
	addr        string
	rows        int
	maxDelay    time.Duration
	think       time.Duration
	settle      time.Duration
	heapSlack   int64
	heapProfile string
	seed        uint64
}

// Bounds of the flags: the soak is bounded in count and time.
const (
	maxClients  = 20000 // two file descriptors each, on loopback
	maxDuration = 24 * time.Hour
	maxRows     = 10000
)

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fl := flag.NewFlagSet("runnel-soak", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.IntVar(&c.clients, "clients", 2000, "concurrent clients (at most 20000)")
	fl.DurationVar(&c.duration, "duration", 30*time.Second, "how long the clients keep requesting pages")
	fl.Float64Var(&c.disconnect, "disconnect", 0.2, "fraction of requests whose client hangs up mid-stream")
	fl.Float64Var(&c.inOrder, "inorder", 0.2, "fraction of requests for the in-order page (the rest are streamed)")
	fl.StringVar(&c.addr, "addr", "127.0.0.1:0", "address the server listens on (a loopback address)")
	fl.IntVar(&c.rows, "rows", 20, "rows the channel feeds into the page's loop")
	fl.DurationVar(&c.maxDelay, "max-delay", 50*time.Millisecond, "longest delay of a late value")
	fl.DurationVar(&c.think, "think", 0, "a client pauses up to this long (at random) between pages; 0: none, the clients request pages back to back")
	fl.DurationVar(&c.settle, "settle", 15*time.Second, "how long to wait for goroutines to come back after the run")
	fl.Int64Var(&c.heapSlack, "heap-slack", 2<<20, "bytes by which the live heap may grow over the run, goroutine descriptors aside")
	fl.StringVar(&c.heapProfile, "heapprofile", "", "write a heap profile to this file after the run")
	fl.Uint64Var(&c.seed, "seed", 1, "seed of the clients' random choices")
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fl.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fl.Args())
	case c.clients < 1 || c.clients > maxClients:
		return c, fmt.Errorf("-clients %d: want 1 to %d", c.clients, maxClients)
	case c.duration <= 0 || c.duration > maxDuration:
		return c, fmt.Errorf("-duration %v: want more than 0 and at most %v", c.duration, maxDuration)
	case c.disconnect < 0 || c.disconnect > 1 || c.inOrder < 0 || c.inOrder > 1:
		return c, errors.New("-disconnect and -inorder are fractions from 0 to 1")
	case c.rows < 0 || c.rows > maxRows:
		return c, fmt.Errorf("-rows %d: want 0 to %d", c.rows, maxRows)
	case c.maxDelay < 0 || c.maxDelay > time.Minute:
		return c, fmt.Errorf("-max-delay %v: want 0 to 1m", c.maxDelay)
	case c.think < 0 || c.think > time.Minute:
		return c, fmt.Errorf("-think %v: want 0 to 1m", c.think)
	case c.settle <= 0:
		return c, errors.New("-settle must be positive")
	}
	return c, nil
}

// The page: a layout with blocks, late values in place and out of order,
// and a loop over a channel.
var templates = fstest.MapFS{
	"base.html": {Data: []byte(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}soak{% endblock %}</title></head>
<body>
<header>{% block header %}<h1>runnel soak</h1>{% endblock %}</header>
<main>{% block content %}{% endblock %}</main>
<footer>page {{ id }}</footer>
</body>
</html>
`)},
	"page.html": {Data: []byte(`{% extends "base.html" %}
{% block title %}soak {{ id }}{% endblock %}
{% block content %}
<section class="user"><p>{{ user.name }}</p></section>
{% defer %}<aside class="side">{{ side }}</aside>{% placeholder %}<aside class="side">…</aside>{% enddefer %}
{% defer %}<div class="recs">{% for r in recs %}<i>{{ r }}</i>{% endfor %}</div>{% placeholder %}<div class="recs">…</div>{% enddefer %}
<ul class="rows">{% for row in rows %}<li>row-{{ row }}</li>{% endfor %}</ul>
<p class="total">total-{{ total }}</p>
{% endblock %}
`)},
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// idRE is what a page id looks like (the client chooses it).
var idRE = regexp.MustCompile(`^[0-9]{1,9}-[0-9]{1,12}$`)

// pageData builds one request's late data. Everything it starts ends with
// the request's context.
func pageData(c config) func(r *http.Request) (any, error) {
	delay := func() time.Duration {
		if c.maxDelay <= 0 {
			return 0
		}
		return rand.N(c.maxDelay)
	}
	return func(r *http.Request) (any, error) {
		id := r.URL.Query().Get("id")
		if !idRE.MatchString(id) {
			return nil, &runnel.StatusError{Code: http.StatusBadRequest}
		}
		ctx := r.Context()
		rows := make(chan int)
		go func() {
			defer close(rows)
			for i := range c.rows {
				if sleep(ctx, delay()/time.Duration(max(c.rows/4, 1))) != nil {
					return
				}
				select {
				case rows <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		return map[string]any{
			"id": id,
			"user": runnel.Go(ctx, func(ctx context.Context) (map[string]any, error) {
				return map[string]any{"name": "user-" + id}, sleep(ctx, delay())
			}),
			"side": runnel.Go(ctx, func(ctx context.Context) (string, error) {
				return "side-" + id, sleep(ctx, delay())
			}),
			"recs": func(ctx context.Context) ([]string, error) {
				return []string{"rec-" + id, "rec-2"}, sleep(ctx, delay())
			},
			"rows": rows,
			"total": func(ctx context.Context) (int, error) {
				return c.rows, sleep(ctx, delay()/2)
			},
		}, nil
	}
}

// errorLog counts errors and keeps the first few messages.
type errorLog struct {
	mu    sync.Mutex
	n     int
	first []string
}

func (l *errorLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.first) < 10 {
		l.first = append(l.first, fmt.Sprintf(format, args...))
	}
}

func (l *errorLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// stats is what the clients count.
type stats struct {
	requests, pages, inOrder, disconnects, endCut atomic.Int64
	clientErrs, serverErrs                        errorLog
	serverGone                                    atomic.Int64
}

var (
	startRE = regexp.MustCompile(`<\?start name="([^"]+)">`)
	fillRE  = regexp.MustCompile(`<template (?:for|data-runnel-for)="([^"]+)">`)
	// carrierRE matches a section's carrier and the scripts that move it.
	carrierRE = regexp.MustCompile(`(?s)<template (?:for|data-runnel-for)="[^"]+">.*?</template>|<script[^>]*>.*?</script>`)
)

// checkPage returns what is wrong with a page read to its end, or "".
func checkPage(page, id string, rows int, streamed bool) string {
	if !strings.HasSuffix(strings.TrimRight(page, "\n"), "</html>") {
		return fmt.Sprintf("the page does not end with </html>: …%q", page[max(0, len(page)-60):])
	}
	if !strings.HasPrefix(page, "<!doctype html>") {
		return fmt.Sprintf("the page does not start with <!doctype html>: %.60q…", page)
	}
	for _, want := range []string{"<title>soak " + id + "</title>", "user-" + id, "side-" + id, "rec-" + id, "page " + id + "</footer>"} {
		if !strings.Contains(page, want) {
			return fmt.Sprintf("the page lacks %q", want)
		}
	}
	starts, fills := startRE.FindAllStringSubmatch(page, -1), fillRE.FindAllStringSubmatch(page, -1)
	if streamed {
		// A section is sent where the page is when it completes, which may
		// be in the middle of a text ("total-<template …>…</template>20",
		// which the browser reads as "total-20"): check the page's own
		// text without its sections and scripts.
		page = carrierRE.ReplaceAllString(page, "")
	}
	if !strings.Contains(page, "<p class=\"total\">total-"+strconv.Itoa(rows)+"</p>") {
		return "the page lacks its total"
	}
	at := 0
	for i := range rows {
		k := strings.Index(page[at:], "<li>row-"+strconv.Itoa(i)+"</li>")
		if k < 0 {
			return fmt.Sprintf("row %d is missing or out of order", i)
		}
		at += k
	}
	if !streamed {
		if len(starts) > 0 || len(fills) > 0 || strings.Contains(page, "<script") {
			return "the in-order page has placeholders, sections or a script"
		}
		return ""
	}
	if len(starts) != 2 {
		return fmt.Sprintf("the streamed page has %d placeholders, want 2", len(starts))
	}
	filled := map[string]int{}
	for _, f := range fills {
		filled[f[1]]++
	}
	for _, s := range starts {
		if filled[s[1]] != 1 {
			return fmt.Sprintf("placeholder %q is filled %d times", s[1], filled[s[1]])
		}
	}
	if len(fills) != len(starts) {
		return fmt.Sprintf("%d sections for %d placeholders", len(fills), len(starts))
	}
	return ""
}

// newRequest asks for page id, streamed (as a browser) or in order.
func newRequest(ctx context.Context, base, id string, streamed bool) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/page?id="+id, nil)
	if streamed {
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36 runnel-soak")
	} else {
		req.Header.Set("User-Agent", "runnel-soak")
		req.Header.Set("Runnel-Mode", "in-order")
	}
	return req
}

// warmUp reads one streamed and one in-order page, and checks them.
func warmUp(base string, hc *http.Client, rows int) error {
	for i, streamed := range []bool{true, false} {
		id := "0-" + strconv.Itoa(i)
		resp, err := hc.Do(newRequest(context.Background(), base, id, streamed))
		if err != nil {
			return err
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		if msg := checkPage(string(page), id, rows, streamed); msg != "" {
			return errors.New(msg)
		}
	}
	return nil
}

// client requests pages until ctx ends.
// timings are one client's samples: time to first byte of each page, and
// the time of each new connection's dial (recorded by the transport's
// dialing goroutine, which may finish after the request that started it).
type timings struct {
	ttfb    []time.Duration
	mu      sync.Mutex
	connect []time.Duration
}

func client(ctx context.Context, c config, n int, base string, hc *http.Client, st *stats, tm *timings) {
	rng := rand.New(rand.NewPCG(c.seed, uint64(n)))
	buf := make([]byte, 4096)
	var page []byte
	for seq := 0; ctx.Err() == nil; seq++ {
		if c.think > 0 && seq > 0 && sleep(ctx, time.Duration(rng.Int64N(int64(c.think)))) != nil {
			return
		}
		id := strconv.Itoa(n+1) + "-" + strconv.Itoa(seq)
		streamed := rng.Float64() >= c.inOrder
		leave := rng.Float64() < c.disconnect
		// A client that leaves does so after a number of bytes or a time,
		// whichever comes first: before the headers, mid-page, or after
		// the page is whole (then it is checked like any other).
		leaveAfter := rng.IntN(2500)
		leaveAt := time.Duration(rng.Int64N(int64(2*c.maxDelay) + 1))

		rctx, cancel := context.WithCancel(ctx)
		var left atomic.Bool
		var timer *time.Timer
		if leave {
			timer = time.AfterFunc(leaveAt, func() { left.Store(true); cancel() })
		}
		var dialed time.Time
		trace := &httptrace.ClientTrace{
			ConnectStart: func(string, string) { dialed = time.Now() },
			ConnectDone: func(_, _ string, err error) {
				if err == nil {
					tm.mu.Lock()
					tm.connect = append(tm.connect, time.Since(dialed))
					tm.mu.Unlock()
				}
			},
		}
		req := newRequest(httptrace.WithClientTrace(rctx, trace), base, id, streamed)
		st.requests.Add(1)
		start := time.Now()
		cut := func() bool { return left.Load() || ctx.Err() != nil }
		resp, err := hc.Do(req)
		if err != nil {
			finish(ctx, st, cut(), "GET %s: %v", id, err)
			stop(timer, cancel)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			st.clientErrs.add("GET %s: status %s", id, resp.Status)
			resp.Body.Close()
			stop(timer, cancel)
			continue
		}
		page = page[:0]
		first := true
		for {
			k, rerr := resp.Body.Read(buf)
			if k > 0 && first {
				first = false
				tm.ttfb = append(tm.ttfb, time.Since(start))
			}
			page = append(page, buf[:k]...)
			if leave && len(page) >= leaveAfter && rerr == nil {
				left.Store(true)
				cancel()
			}
			if rerr == io.EOF {
				err = nil
				break
			}
			if rerr != nil {
				err = rerr
				break
			}
		}
		resp.Body.Close()
		stop(timer, cancel)
		if err != nil {
			finish(ctx, st, cut(), "reading %s: %v (after %d bytes)", id, err, len(page))
			continue
		}
		if msg := checkPage(string(page), id, c.rows, streamed); msg != "" {
			st.clientErrs.add("page %s (streamed %v, %d bytes): %s", id, streamed, len(page), msg)
			continue
		}
		st.pages.Add(1)
		if !streamed {
			st.inOrder.Add(1)
		}
	}
}

// finish counts a request that ended early: a disconnect the client chose,
// the end of the run, or an error.
func finish(ctx context.Context, st *stats, cut bool, format string, args ...any) {
	switch {
	case ctx.Err() != nil:
		st.endCut.Add(1)
	case cut:
		st.disconnects.Add(1)
	default:
		st.clientErrs.add(format, args...)
	}
}

func stop(timer *time.Timer, cancel context.CancelFunc) {
	if timer != nil {
		timer.Stop()
	}
	cancel()
}

// quiet waits until fn reports true, up to d; it returns how long it took
// and whether it did.
func quiet(d time.Duration, fn func() bool) (time.Duration, bool) {
	start := time.Now()
	for !fn() {
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start), true
}

// steadyGoroutines waits, up to a second, until the number of goroutines
// has not changed for 100 ms (what the warm-up left, a connection's reader,
// ends), and returns it.
func steadyGoroutines() int {
	n, since := runtime.NumGoroutine(), time.Now()
	for start := time.Now(); time.Since(since) < 100*time.Millisecond && time.Since(start) < time.Second; {
		time.Sleep(5 * time.Millisecond)
		if m := runtime.NumGoroutine(); m != n {
			n, since = m, time.Now()
		}
	}
	return n
}

// heapInUse returns the heap in use (HeapInuse: spans holding at least one
// object) and the bytes of live objects (HeapAlloc) after two collections
// (the second empties the pools' victim caches).
func heapInUse() (inUse, live uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.HeapAlloc
}

// summary sorts d and describes it: p50, p99, max and the count.
func summary(d []time.Duration) string {
	slices.Sort(d)
	r := func(p float64) time.Duration { return percentile(d, p).Round(time.Microsecond) }
	return fmt.Sprintf("p50 %v, p99 %v, max %v (%d samples)", r(0.5), r(0.99), r(1), len(d))
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// goroutineHeap estimates the heap that holds goroutine descriptors, from
// the heap profile (sampled, and scaled as pprof scales it). The runtime
// keeps the descriptor of every goroutine that has ended, for the next one
// to reuse, so a run with more goroutines at once than before leaves more
// of them behind: memory of the runtime's, not a leak of the program's.
func goroutineHeap() uint64 {
	n, _ := runtime.MemProfile(nil, false)
	var recs []runtime.MemProfileRecord
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, false); ok {
			recs = recs[:n]
			break
		}
	}
	rate := float64(runtime.MemProfileRate)
	var total float64
	for _, r := range recs {
		bytes, count := float64(r.InUseBytes()), float64(r.InUseObjects())
		if count <= 0 || !inFunc(r.Stack(), "runtime.malg") {
			continue
		}
		total += bytes / (1 - math.Exp(-bytes/count/rate))
	}
	return uint64(total)
}

// inFunc reports whether the stack pcs passes through the function name.
func inFunc(pcs []uintptr, name string) bool {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function == name {
			return true
		}
		if !more {
			return false
		}
	}
}

func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func smib(b int64) string { return fmt.Sprintf("%+.1f MiB", float64(b)/(1<<20)) }

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "runnel-soak: %v\n", err)
		}
		return 2
	}
	host, _, err := net.SplitHostPort(c.addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(stderr, "runnel-soak: -addr %q: want a loopback address such as 127.0.0.1:0\n", c.addr)
		return 2
	}

	// Sample the heap profile finely enough to count goroutine descriptors
	// (goroutineHeap) to a few hundred KB.
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 16 << 10

	var st stats
	eng := runnel.New(templates, runnel.WithErrorHandler(func(ctx context.Context, err error) {
		if runnel.ClientGone(err) {
			st.serverGone.Add(1)
			return
		}
		st.serverErrs.add("%v", err)
	}))
	if _, err := eng.Template("page.html"); err != nil {
		fmt.Fprintf(stderr, "runnel-soak: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		fmt.Fprintf(stderr, "runnel-soak: %v\n", err)
		return 1
	}
	var conns atomic.Int64
	srv := &http.Server{
		Handler:           eng.Handler("page.html", pageData(c)),
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				conns.Add(-1)
			}
		},
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		<-served
	}()
	base := "http://" + ln.Addr().String()
	tr := &http.Transport{
		MaxIdleConns:        c.clients,
		MaxIdleConnsPerHost: c.clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
	}
	hc := &http.Client{Transport: tr}

	// One page first, so that the baseline has what every page shares
	// (the compiled template, the pools), and then no connection.
	if err := warmUp(base, hc, c.rows); err != nil {
		fmt.Fprintf(stderr, "runnel-soak: the warm-up page failed: %v\n", err)
		return 1
	}
	tr.CloseIdleConnections()
	quiet(c.settle, func() bool { return conns.Load() == 0 })
	goBefore := steadyGoroutines()
	heapBefore, liveBefore := heapInUse()
	gHeapBefore := goroutineHeap()

	fmt.Fprintf(stdout, "runnel-soak: %d clients for %v on %s (disconnect %.2f, in-order %.2f, %d rows, late values up to %v, think time up to %v)\n",
		c.clients, c.duration, ln.Addr(), c.disconnect, c.inOrder, c.rows, c.maxDelay, c.think)
	ctx, cancel := context.WithTimeout(context.Background(), c.duration)
	defer cancel()
	samples := make([]timings, c.clients)
	var wg sync.WaitGroup
	began := time.Now()
	var peak atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if n := int64(runtime.NumGoroutine()); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	for i := range c.clients {
		wg.Go(func() { client(ctx, c, i, base, hc, &st, &samples[i]) })
	}
	wg.Wait()
	elapsed := time.Since(began)
	<-sampled

	tr.CloseIdleConnections()
	connWait, connsQuiet := quiet(c.settle, func() bool { return conns.Load() == 0 })
	goWait, goQuiet := quiet(max(c.settle-connWait, time.Second), func() bool { return runtime.NumGoroutine() <= goBefore })
	goAfter := runtime.NumGoroutine()

	var ttfb, connect []time.Duration
	for i := range samples {
		t := &samples[i]
		ttfb = append(ttfb, t.ttfb...)
		t.mu.Lock()
		connect = append(connect, t.connect...)
		t.mu.Unlock()
	}
	samples = nil
	ttfbLine, connectLine := summary(ttfb), summary(connect)
	ttfb, connect = nil, nil
	heapAfter, liveAfter := heapInUse()
	gHeapAfter := goroutineHeap()
	if c.heapProfile != "" {
		if err := writeHeapProfile(c.heapProfile); err != nil {
			fmt.Fprintf(stderr, "runnel-soak: %v\n", err)
		}
	}

	clientErrs, serverErrs := st.clientErrs.count(), st.serverErrs.count()
	fmt.Fprintf(stdout, "requests    %d in %v: %d pages read to the end (%.0f pages/s, %d of them in order), %d disconnected by the client, %d cut by the end of the run\n",
		st.requests.Load(), elapsed.Round(time.Millisecond), st.pages.Load(), float64(st.pages.Load())/elapsed.Seconds(), st.inOrder.Load(), st.disconnects.Load(), st.endCut.Load())
	fmt.Fprintf(stdout, "errors      %d (client %d, server %d); error handler calls for a client gone: %d\n",
		clientErrs+serverErrs, clientErrs, serverErrs, st.serverGone.Load())
	for _, m := range st.clientErrs.first {
		fmt.Fprintf(stdout, "  client: %s\n", m)
	}
	for _, m := range st.serverErrs.first {
		fmt.Fprintf(stdout, "  server: %s\n", m)
	}
	fmt.Fprintf(stdout, "ttfb        %s\n", ttfbLine)
	fmt.Fprintf(stdout, "connect     %s (the dial of each new connection)\n", connectLine)
	fmt.Fprintf(stdout, "goroutines  before %d, at most %d during the run, after %d (connections closed after %v, goroutines back after %v)\n",
		goBefore, peak.Load(), goAfter, connWait.Round(time.Millisecond), goWait.Round(time.Millisecond))
	// What the program holds: the live objects, less the goroutine
	// descriptors the runtime keeps (HeapInuse also counts the free space
	// of spans that still hold an object).
	growth := (int64(liveAfter) - int64(gHeapAfter)) - (int64(liveBefore) - int64(gHeapBefore))
	fmt.Fprintf(stdout, "heap        in use before %s, after %s; live objects before %s, after %s, of which goroutine descriptors kept by the runtime %s, %s: the rest grew by %s\n",
		mib(heapBefore), mib(heapAfter), mib(liveBefore), mib(liveAfter), mib(gHeapBefore), mib(gHeapAfter), smib(growth))

	failed := false
	if clientErrs+serverErrs > 0 {
		failed = true
	}
	if !connsQuiet || !goQuiet {
		fmt.Fprintf(stdout, "FAIL: %d connections still open, %d goroutines over the baseline after %v\n", conns.Load(), goAfter-goBefore, c.settle)
		failed = true
	}
	if growth > c.heapSlack {
		fmt.Fprintf(stdout, "FAIL: the live heap, goroutine descriptors aside, grew by %s, more than -heap-slack %s\n", smib(growth), mib(uint64(c.heapSlack)))
		failed = true
	}
	if failed {
		fmt.Fprintln(stdout, "FAIL")
		return 1
	}
	fmt.Fprintln(stdout, "PASS")
	return 0
}
