// Package proxytest puts real nginx and real Caddy processes, configured
// exactly as docs/deployment.md shows, in front of runnel's streamed
// responses (a streamed page, an SSE stream, a streamed CSV export) and
// proves that each part arrives through the proxy while the value behind
// the next part is still held back by the test. Nothing waits for a fixed
// time: every read has a deadline (readTimeout), past which the test
// fails and names the proxy that held the bytes. The one exception is a
// documented fact that a proxy holds something back, which the test can
// only observe for a while (holdGrace).
//
// Without the nginx or caddy binary the tests skip, unless
// RUNNEL_REQUIRE_PROXIES=1 (as in CI), when they fail.
package proxytest

import (
	"io"
	"log"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel/sse"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// readTimeout bounds every wait for bytes: a proxy that holds them fails
// the test after it. It is a bound on a stuck test, not a wait.
const readTimeout = 20 * time.Second

// holdGrace is how long the test looks for a part that a proxy is known
// to hold back. A part that is passed on comes within milliseconds.
const holdGrace = 2 * time.Second

// A browser's User-Agent: runnel streams out of order for browsers (tools
// such as curl and Go's client get the in-order page).
const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"

var discardLog = log.New(io.Discard, "", 0)

// setup is one configuration under test.
type setup struct {
	name string
	// start runs the proxy with config in front of the Go server's port
	// (nil: the client talks to the Go server directly, the control).
	start  func(t *testing.T, label, config string, upstream int) *proxy
	label  string // what the proxy's name says of the configuration
	config string // the documented configuration
	// gzip: the client sends Accept-Encoding: gzip.
	gzip bool
	// goCompress: the Go server compresses (runnel's compress package).
	goCompress bool
	// facts are what the proxy does otherwise than "streams every part,
	// compressed when the client accepts gzip and someone compresses".
	facts func(p *proxy) facts
}

// facts are the documented departures (docs/deployment.md) of a
// configuration from plain streaming. The test checks that each still
// holds, and logs it.
type facts struct {
	// encodings are the Content-Encodings a response may come back with,
	// by check, and why.
	encodings map[string]encodingFact
	// pageHeld says why the proxy holds the page until it ends ("" if it
	// streams it).
	pageHeld string
	// leaveKept says why the proxy keeps the Go server's request going
	// after the client has left ("" if it ends it).
	leaveKept string
	// unmarkedHeld says why the proxy holds a streamed response without
	// X-Accel-Buffering: no ("" if it streams it).
	unmarkedHeld string
}

type encodingFact struct {
	encodings []string // "" for none
	note      string
}

const nginxBuffers = "nginx buffers a proxied response unless the response says X-Accel-Buffering: no or the location says proxy_buffering off"

var setups = []setup{
	{name: "direct"},
	{name: "direct-compressed", gzip: true, goCompress: true, facts: goCompressFacts},
	{name: "nginx-default", start: startNginx, label: "proxy_pass", config: nginxDefault,
		facts: func(*proxy) facts { return facts{unmarkedHeld: nginxBuffers} }},
	{name: "nginx-buffering-off", start: startNginx, label: "proxy_pass with proxy_buffering off", config: nginxBufferingOff},
	{name: "nginx-gzip", start: startNginx, label: "proxy_pass with gzip on", config: nginxGzip, gzip: true,
		facts: func(*proxy) facts { return facts{unmarkedHeld: nginxBuffers} }},
	{name: "caddy-default", start: startCaddy, label: "reverse_proxy", config: caddyDefault},
	{name: "caddy-flush", start: startCaddy, label: "reverse_proxy with flush_interval -1", config: caddyFlush,
		facts: func(*proxy) facts {
			return facts{leaveKept: "with flush_interval -1, reverse_proxy does not cancel the request to the upstream " +
				"when the client disconnects (Caddy's reverseproxy.go, caddyserver/caddy#4922)"}
		}},
	{name: "caddy-encode", start: startCaddy, label: "encode gzip zstd and reverse_proxy", config: caddyEncode, gzip: true,
		facts: caddyEncodeFacts},
	{name: "caddy-encode-go-compressed", start: startCaddy, label: "encode gzip zstd and reverse_proxy, the Go server compressing",
		config: caddyEncode, gzip: true, goCompress: true, facts: goCompressFacts},
}

// goCompressFacts: sse.Handler parks an HTTP/1.x stream by hijacking the
// connection when the ResponseWriter implements http.Hijacker, which
// runnel's compress writer passes through: the stream then bypasses the
// compressor and goes out uncompressed.
func goCompressFacts(*proxy) facts {
	return facts{encodings: map[string]encodingFact{
		"events": {encodings: []string{"", "gzip"},
			note: "sse.Handler parks the stream by hijacking the connection through compress's Hijack (sse/park.go, compress/writer.go), so the compressor is bypassed"},
	}}
}

// caddyEncodeFacts: Caddy's encode decides whether to compress at the
// response's first write, and compresses only when that write is longer
// than minimum_length (512 bytes by default); the event stream's first
// write is its 13-byte retry hint and the export's its 17-byte header
// line. And before 2.9.0 its Flush flushes the connection but not the
// compressor (fixed by caddyserver/caddy#6471): what it compresses, it
// holds.
func caddyEncodeFacts(p *proxy) facts { // p is not nil: the setup has a proxy
	small := func(first string) encodingFact {
		return encodingFact{encodings: []string{"", "gzip"},
			note: "the first write, " + first + ", is under encode's minimum_length (512 bytes): Caddy 2.6 sends the response uncompressed"}
	}
	f := facts{encodings: map[string]encodingFact{
		"events": small("the 13-byte retry hint"),
		"export": small("the 17-byte header line"),
	}}
	if versionLess(p.version, "2.9.0") {
		f.pageHeld = "Caddy before 2.9.0 does not flush its compressor when the response is flushed (caddyserver/caddy#6471)"
	}
	return f
}

// TestStreamingThroughProxies runs the checks (the page, the event stream,
// the export, the client that leaves, the export without
// X-Accel-Buffering) directly and through each configuration.
func TestStreamingThroughProxies(t *testing.T) {
	var reference string // the page as the Go server sends it, nonce removed
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			b := startBackend(t, s.goCompress)
			c := &client{t: t, gzip: s.gzip, base: b.srv.URL, via: "the Go server directly", direct: s.start == nil}
			var p *proxy
			if s.start != nil {
				p = s.start(t, s.label, s.config, b.port)
				c.base, c.via = p.url, p.name
				t.Logf("through %s at %s:\n%s", p.name, p.url, s.config)
			}
			var f facts
			if s.facts != nil {
				f = s.facts(p)
			}
			if s.goCompress {
				c.via += " (the Go server compressing)"
			}
			// Cleanups run last first: the Go server closes before the
			// proxy stops (registered above, by start), and the client's
			// idle connections close before both.
			t.Cleanup(b.close)
			c.tr = &http.Transport{DisableCompression: true}
			t.Cleanup(c.tr.CloseIdleConnections)

			t.Run("page", func(t *testing.T) {
				page := checkPage(t, c.with(t, f.encodings["page"]), b, f.pageHeld)
				if s.start == nil && !s.goCompress {
					reference = page
				} else if reference != "" && page != reference {
					t.Errorf("through %s the page differs from the page the Go server sends:\n%s", c.via, firstDiff(page, reference))
				}
			})
			t.Run("events", func(t *testing.T) { checkEvents(t, c.with(t, f.encodings["events"]), b) })
			t.Run("export", func(t *testing.T) { checkExport(t, c.with(t, f.encodings["export"]), b) })
			t.Run("client-leaves", func(t *testing.T) { checkLeave(t, c.with(t, f.encodings["page"]), b, f.pageHeld, f.leaveKept) })
			t.Run("export-without-x-accel-buffering", func(t *testing.T) {
				checkUnmarked(t, c.with(t, f.encodings["export"]), b, f.unmarkedHeld)
			})
		})
	}
}

// shellMarker ends the page's shell: the recommendations, the first value
// the page waits for in document order, come right after it.
const shellMarker = `<ol class="grid">`

// checkPage loads the shop's home page with every service held, reads the
// shell, then releases the services one at a time, out of document order,
// and reads each part as it is released. It returns the page, nonce
// removed. If the proxy is known to hold the page (held says why), it
// checks that the client still has nothing of the shell the Go server has
// flushed, and that the whole page comes at its end.
func checkPage(t *testing.T, c *client, b *backend, held string) string {
	rd := c.get("/", "the page", "text/html")
	g := b.page
	b.pageSent.sent(t, shellMarker)

	// What the test releases, in this order, and the end of the part each
	// release lets the Go server send.
	type step struct {
		release      func()
		marker, what string
	}
	steps := []step{
		// The reviews, out of order, while the recommendations still wait.
		{func() { close(g.reviews) }, reviews[len(reviews)-1].Title, "the reviews section, once released"},
		// The first pick, in order.
		{func() { send(t, g.recs, products[0]) }, products[0].Name + "</h3>", "the first recommendation, once released"},
		// The recently viewed items, out of order.
		{func() { close(g.recent) }, recent[len(recent)-1].Name, "the recently viewed section, once released"},
	}
	for _, p := range products[1:] { // the other picks, one by one
		steps = append(steps, step{func() { send(t, g.recs, p) }, p.Name + "</h3>", "the recommendation " + p.Name + ", once released"})
	}

	if held != "" {
		// A documented fact: the proxy holds the page. The Go server has
		// flushed the shell; the client must still be without it.
		if !rd.heldFor(shellMarker, holdGrace) {
			t.Errorf("%s passed the page's shell on, but proxytest documents that it holds it (%s): "+
				"the behaviour changed; update the facts in proxytest and docs/deployment.md", c.via, held)
		}
		t.Logf("FACT (documented): %s holds the page: the Go server had flushed its shell, and %v later the client had %d bytes of it (%s). %s.",
			c.via, holdGrace, len(rd.received()), rd.raw.summary(), held)
		// The same releases, each once the Go server has flushed the part
		// before: the page must come whole at its end, as sent.
		n := 0
		for _, s := range steps {
			s.release()
			n = b.pageSent.sent(t, s.marker)
		}
		t.Logf("with every part but the end flushed by the Go server (%d bytes), the client had %d bytes (%s)",
			n, len(rd.received()), rd.raw.summary())
		close(g.recs)
		return endPage(t, c, rd)
	}

	// The shell: everything up to the recommendations, the first value the
	// page waits for in document order, with the placeholders of the two
	// out-of-order sections.
	shell := rd.until(shellMarker, "the shell, while every service is held")
	for _, want := range []string{`</head>`, `</header>`, `<h1>Slow coffee, fast pages.</h1>`, `class="mini skeleton"`, `class="review skeleton"`, `<h2>Recommended for you</h2>`} {
		if !strings.Contains(shell, want) {
			t.Errorf("the shell lacks %q", want)
		}
	}
	for _, slow := range []string{reviews[0].Title, recent[0].Name, products[0].Name} {
		if strings.Contains(rd.received(), slow) {
			t.Fatalf("the page already holds %q, which the test has not released", slow)
		}
	}
	for _, s := range steps {
		s.release()
		rd.until(s.marker, s.what)
	}
	close(g.recs)
	rd.until("</html>", "the end of the page")
	return endPage(t, c, rd)
}

// endPage reads the page to its end and returns it, nonce removed.
func endPage(t *testing.T, c *client, rd *reader) string {
	rd.rest()
	page := rd.received()
	if p := strings.TrimRight(page, "\n"); !strings.HasSuffix(p, "</body>\n</html>") {
		t.Errorf("the page does not end with </body></html>: …%q", p[max(0, len(p)-80):])
	}
	if c.gzip {
		t.Logf("the page came as %s", rd.raw.summary())
	}
	return nonceRE.ReplaceAllString(page, `nonce="…"`)
}

var nonceRE = regexp.MustCompile(`nonce="[^"]*"`)

// send hands a value to a gate, failing if nobody takes it (the render
// ended early).
func send[T any](t *testing.T, ch chan<- T, v T) {
	t.Helper()
	select {
	case ch <- v:
	case <-time.After(readTimeout):
		t.Fatalf("nobody took %v within %v: the render is no longer waiting for it", v, readTimeout)
	}
}

// checkEvents subscribes to /events, publishes one event, reads it, and
// only then publishes the next: each event must arrive on its own.
func checkEvents(t *testing.T, c *client, b *backend) {
	rd := c.get("/events", "the event stream", "text/event-stream")
	rd.until("retry: 2000\n\n", "the event stream's first bytes (the retry hint)")
	select {
	case <-b.connected:
	case <-time.After(readTimeout):
		t.Fatal("the subscription did not start")
	}
	for _, data := range []string{"one", "two", "three"} {
		id, err := b.broker.Publish(topic, sse.Event{Event: "tick", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		got := rd.until("data: "+data+"\n\n", "the event "+data+", before the next one is published")
		if want := "id: " + id + "\nevent: tick\ndata: " + data + "\n\n"; !strings.HasSuffix(got, want) {
			t.Errorf("event %s: got %q, want it to end with %q", data, got, want)
		}
	}
	if c.gzip {
		t.Logf("the event stream came as %s", rd.raw.summary())
	}
}

// checkExport reads the export's header line before the producer has sent
// any row, then each batch of rows before the producer sends the next,
// then the whole file.
func checkExport(t *testing.T, c *client, b *backend) {
	rd := c.get("/export.csv", "the CSV export", "text/csv")
	readExport(t, rd, b.export)
	if c.gzip {
		t.Logf("the export came as %s", rd.raw.summary())
	}
}

func readExport(t *testing.T, rd *reader, f *feed) {
	rd.until(exportHeader, "the export's header line, before the producer has sent a row")
	for i, batch := range exportBatches {
		f.send(t, batch)
		rd.until(lastLine(batch), "the export's batch "+strconv.Itoa(i+1)+", before the producer sends the next")
	}
	f.end()
	rd.rest()
	if got, want := rd.received(), exportCSV(); got != want {
		t.Errorf("the export through %s differs:\n%s", rd.via, firstDiff(got, want))
	}
}

// checkLeave loads the page, and leaves once the Go server has flushed the
// shell (and the client has it, where the proxy streams the page): the
// page's held services must see their request's context end, or, where
// the proxy is known to keep the request going (kept says why), must
// still be waiting holdGrace later.
func checkLeave(t *testing.T, c *client, b *backend, held, kept string) {
	rd := c.get("/leave/", "the page the client leaves", "text/html")
	b.leaveSent.sent(t, shellMarker)
	if held == "" {
		rd.until(shellMarker, "the shell")
	}
	rd.close()
	if kept != "" {
		select {
		case <-b.leave.canceled:
			t.Errorf("the Go server's render ended when the client left %s, but proxytest documents that the proxy keeps it going (%s): "+
				"the behaviour changed; update the facts in proxytest and docs/deployment.md", c.via, kept)
		case <-time.After(holdGrace):
			t.Logf("FACT (documented): the client left %s, and %v later the Go server's render was still waiting for its services: %s.", c.via, holdGrace, kept)
		}
		return
	}
	select {
	case <-b.leave.canceled:
	case <-time.After(readTimeout):
		t.Fatalf("the client left %s, and %v later the Go server's render was still waiting for its services: the request was not canceled", c.via, readTimeout)
	}
}

// checkUnmarked is the control that shows what X-Accel-Buffering: no does:
// the export without it. Where the proxy is known to hold such a response
// (held says why), the client must still be without the header line the
// Go server has flushed (nginx holds the response head too), and the whole
// export must come at its end. Elsewhere, it must stream as the export
// does.
func checkUnmarked(t *testing.T, c *client, b *backend, held string) {
	const what = "the export without X-Accel-Buffering"
	if held == "" {
		rd := c.get("/unmarked.csv", what, "text/csv")
		if got := rd.resp.Header.Get("X-Accel-Buffering"); got != "" {
			t.Fatalf("%s came with X-Accel-Buffering %q", what, got)
		}
		readExport(t, rd, b.unmarked)
		return
	}
	rd := c.open("/unmarked.csv", what)
	b.unmarkedSent.sent(t, exportHeader)
	if !rd.heldFor(exportHeader, holdGrace) {
		t.Errorf("%s passed on %s, but proxytest documents that it holds it (%s): "+
			"the behaviour changed; update the facts in proxytest and docs/deployment.md", c.via, what, held)
	}
	headState := "had its head"
	if rd.resp == nil {
		headState = "had not even its head"
	}
	t.Logf("FACT (documented): %s holds %s: the Go server had flushed its header line, and %v later the client %s (%s). %s.",
		c.via, what, holdGrace, headState, rd.raw.summary(), held)
	for _, batch := range exportBatches {
		b.unmarked.send(t, batch)
	}
	b.unmarked.end()
	c.check(rd, what, "text/csv")
	rd.rest()
	if got, want := rd.received(), exportCSV(); got != want {
		t.Errorf("%s through %s differs:\n%s", what, c.via, firstDiff(got, want))
	}
}

// client makes the test's requests, directly or through a proxy.
type client struct {
	t      *testing.T
	tr     *http.Transport
	base   string // the URL of the proxy (or of the Go server)
	via    string // the proxy's name and version, for messages
	direct bool   // no proxy: the control
	gzip   bool
	enc    encodingFact // what the configuration is known to do with this response's encoding
}

// with returns the client for a subtest.
func (c *client) with(t *testing.T, enc encodingFact) *client {
	cc := *c
	cc.t, cc.enc = t, enc
	return &cc
}

// open requests path as a browser does, and returns its reader at once.
func (c *client) open(path, what string) *reader {
	t := c.t
	t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", browserUA)
	if c.gzip {
		req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
	}
	return open(t, c.tr, req, what, c.via)
}

// get requests path, waits for the response's head and checks it.
func (c *client) get(path, what, contentType string) *reader {
	c.t.Helper()
	start := time.Now()
	rd := c.open(path, what)
	rd.head()
	c.t.Logf("%s: head after %v", what, time.Since(start).Round(time.Millisecond))
	c.check(rd, what, contentType)
	return rd
}

// check waits for the response's head and checks the status, the content
// type, the encoding, and (directly) that the Go server asked proxies not
// to buffer.
func (c *client) check(rd *reader, what, contentType string) {
	t := c.t
	t.Helper()
	resp := rd.head()
	t.Logf("%s: %s, Content-Type %q, Content-Encoding %q, Transfer-Encoding %q, X-Accel-Buffering %q",
		what, resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"), resp.TransferEncoding, resp.Header.Get("X-Accel-Buffering"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s through %s: %s", what, c.via, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Errorf("%s through %s: Content-Type %q, want %s", what, c.via, ct, contentType)
	}
	if c.direct && !strings.Contains(what, "without X-Accel-Buffering") {
		// What lets nginx stream without any configuration: runnel's
		// pages, its event streams and its exports all carry it.
		if got := resp.Header.Get("X-Accel-Buffering"); got != "no" {
			t.Errorf("%s: the Go server sends X-Accel-Buffering %q, want \"no\"", what, got)
		}
	}
	enc := resp.Header.Get("Content-Encoding")
	want := []string{""}
	switch {
	case !c.gzip:
	case c.enc.encodings != nil:
		want = c.enc.encodings
	default:
		want = []string{"gzip"}
	}
	if !slices.Contains(want, enc) {
		t.Errorf("%s through %s: Content-Encoding %q, want one of %q", what, c.via, enc, want)
	}
	if c.enc.note != "" {
		t.Logf("FACT (documented): %s through %s comes with Content-Encoding %q: %s", what, c.via, enc, c.enc.note)
	}
}

// firstDiff shows where two texts part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return "at byte " + itoa(i) + ":\n got: …" + clip(got[from:], 200) + "\nwant: …" + clip(want[from:], 200)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
