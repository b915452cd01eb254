package compress

import (
	"bufio"
	stdgzip "compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var codings = []string{Gzip, Zstd, Brotli}

// decoder returns a reader of the decompressed body.
func decoder(t testing.TB, coding string, r io.Reader) io.Reader {
	t.Helper()
	switch coding {
	case Gzip:
		zr, err := stdgzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip header: %v", err)
		}
		return zr
	case Zstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(zr.Close)
		return zr
	case Brotli:
		return brotli.NewReader(r)
	}
	return r
}

// page returns n bytes of varied HTML.
func page(n int) string {
	r := rand.New(rand.NewSource(int64(n)))
	words := []string{"mug", "kettle", "bowl", "linen", "oak", "glass", "brass", "candle"}
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "<li><a href=\"/p/%d\">%s %s</a> <b>%d.%02d</b></li>\n", r.Intn(1e5), words[r.Intn(8)], words[r.Intn(8)], r.Intn(200), r.Intn(100))
	}
	return b.String()[:n]
}

func get(t *testing.T, url, acceptEncoding string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestRoundTrip: what the client decompresses is what the handler wrote,
// for bodies written in many pieces with flushes in between, small and
// large (several blocks, so dictionaries carry across blocks).
func TestRoundTrip(t *testing.T) {
	for _, level := range []int{0, 1, 5, 9} {
		c := New(Options{GzipLevel: level, BlockSize: 16 << 10, FlushDelay: -1})
		for _, size := range []int{1500, 40 << 10, 300 << 10} {
			body := page(size)
			srv := httptest.NewServer(c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				rest := body
				for i := 0; len(rest) > 0; i++ {
					n := min(len(rest), 100+i*977%7000)
					io.WriteString(w, rest[:n])
					rest = rest[n:]
					if i%5 == 0 {
						http.NewResponseController(w).Flush()
					}
				}
			})))
			for _, coding := range codings {
				if level > 0 && coding != Gzip {
					continue
				}
				resp := get(t, srv.URL, coding)
				if got := resp.Header.Get("Content-Encoding"); got != coding {
					t.Fatalf("Content-Encoding %q, want %q", got, coding)
				}
				raw, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(decoder(t, coding, strings.NewReader(string(raw))))
				if err != nil {
					t.Fatalf("%s level %d size %d: %v", coding, level, size, err)
				}
				if string(got) != body {
					t.Fatalf("%s level %d size %d: body differs (%d bytes, want %d)", coding, level, size, len(got), len(body))
				}
				if len(raw) >= len(body)/2 {
					t.Errorf("%s level %d size %d: %d bytes compressed to %d", coding, level, size, len(body), len(raw))
				}
			}
			srv.Close()
		}
	}
}

// TestStreams: a flushed chunk reaches the client, decompressed, while
// the handler is still waiting for its slow value, for every coding.
func TestStreams(t *testing.T) {
	for _, coding := range codings {
		t.Run(coding, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, "<!doctype html><title>shop</title><header>the shell</header>\n")
				http.NewResponseController(w).Flush()
				<-release // the slow value
				io.WriteString(w, "<main>the slow part</main>\n")
			})))
			defer srv.Close()
			resp := get(t, srv.URL, coding)
			if got := resp.Header.Get("Content-Encoding"); got != coding {
				t.Fatalf("Content-Encoding %q", got)
			}
			br := bufio.NewReader(decoder(t, coding, resp.Body))
			line := make(chan string, 1)
			go func() {
				s, _ := br.ReadString('\n')
				line <- s
			}()
			select {
			case s := <-line:
				if !strings.Contains(s, "the shell") {
					t.Fatalf("first line %q", s)
				}
			case <-time.After(10 * time.Second):
				close(release)
				t.Fatal("the shell did not arrive before the slow value was released")
			}
			close(release)
			rest, err := io.ReadAll(br)
			if err != nil || string(rest) != "<main>the slow part</main>\n" {
				t.Fatalf("rest %q, %v", rest, err)
			}
		})
	}
}

func TestNegotiation(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct {
		ae   string
		want []string
	}{
		{"", nil},
		{"identity", nil},
		{"gzip", []string{Gzip}},
		{"x-gzip", []string{Gzip}},
		{"gzip, deflate, br, zstd", []string{Zstd, Gzip, Brotli}},
		{"gzip;q=1.0, br;q=0.8, zstd;q=0.5", []string{Gzip, Brotli, Zstd}},
		{"br;q=1, gzip;q=0.9", []string{Brotli, Gzip}},
		{"*", []string{Zstd, Gzip, Brotli}},
		{"*;q=0.5, gzip", []string{Gzip, Zstd, Brotli}},
		{"gzip;q=0, *", []string{Zstd, Brotli}},
		{"GZIP ; Q=0.3", []string{Gzip}},
		{"gzip;q=bad", nil},
		{"deflate, compress", nil},
	} {
		got := c.accepted([]string{tc.ae})
		if tc.ae == "" {
			got = c.accepted(nil)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Accept-Encoding %q: %v, want %v", tc.ae, got, tc.want)
		}
	}
	if got := choose([]string{Zstd, Gzip}, "text/event-stream"); got != Gzip {
		t.Errorf("event stream: %s", got)
	}
	if got := choose([]string{Zstd, Gzip}, "text/html"); got != Zstd {
		t.Errorf("html: %s", got)
	}
}

// TestNotCompressed: the responses that must stay as they are.
func TestNotCompressed(t *testing.T) {
	big := page(4000)
	cases := []struct {
		name    string
		method  string
		reqHdr  map[string]string
		handler http.HandlerFunc
		wantLen bool // a Content-Length is kept
	}{
		{name: "tiny body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>hi</p>")
		}, wantLen: true},
		{name: "image", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, big)
		}},
		{name: "sniffed image", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "\x89PNG\x0d\x0a\x1a\x0a"+big)
		}},
		{name: "already encoded", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, big)
		}},
		{name: "no-transform", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Cache-Control", "public, no-transform")
			io.WriteString(w, big)
		}},
		{name: "304", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotModified)
		}},
		{name: "range request", reqHdr: map[string]string{"Range": "bytes=0-10"}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, big)
		}},
		{name: "HEAD", method: "HEAD", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, big)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			method := tc.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, "/", nil)
			req.Header.Set("Accept-Encoding", "gzip, br, zstd")
			for k, v := range tc.reqHdr {
				req.Header.Set(k, v)
			}
			Handler(tc.handler).ServeHTTP(rec, req)
			res := rec.Result()
			if ce := res.Header.Get("Content-Encoding"); ce != "" && tc.name != "already encoded" {
				t.Fatalf("compressed with %s", ce)
			}
			if !slices.Contains(res.Header.Values("Vary"), "Accept-Encoding") {
				t.Errorf("Vary: %q", res.Header.Values("Vary"))
			}
			if tc.wantLen && res.Header.Get("Content-Length") != "9" {
				t.Errorf("Content-Length %q", res.Header.Get("Content-Length"))
			}
		})
	}
}

// TestHeaders: a compressed response loses its length and its strong
// ETag, and says how it is encoded and that it varies.
func TestHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	body := page(5000)
	Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "5000")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Accept-Ranges", "bytes")
		io.WriteString(w, body)
	})).ServeHTTP(rec, req)
	h := rec.Result().Header
	if h.Get("Content-Encoding") != Gzip || h.Get("Content-Length") != "" || h.Get("ETag") != `W/"v1"` || h.Get("Accept-Ranges") != "" {
		t.Fatalf("headers %v", h)
	}
	got, _ := io.ReadAll(decoder(t, Gzip, rec.Body))
	if string(got) != body {
		t.Fatal("body differs")
	}
}

// flushCounter is a ResponseWriter that counts the flushes that reach it
// and records how much of the body had arrived at each.
type flushCounter struct {
	*httptest.ResponseRecorder
	flushes []int
}

func (f *flushCounter) Flush() {
	f.flushes = append(f.flushes, f.Body.Len())
}

// TestCoalescing: a burst of flushes reaches the connection as the first
// one (at once) and one more after the delay; flushes far apart are each
// sent.
func TestCoalescing(t *testing.T) {
	fc := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	c := New(Options{FlushDelay: time.Hour}) // the timer never fires here
	firstFlushed := false
	c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		rc := http.NewResponseController(w)
		for i := range 100 {
			fmt.Fprintf(w, "<p>section %d</p>\n", i)
			rc.Flush()
			if i == 0 {
				firstFlushed = len(fc.flushes) == 1 && fc.Body.Len() > 10
			}
		}
	})).ServeHTTP(fc, req)
	if !firstFlushed {
		t.Fatal("the first flush was not sent at once")
	}
	if len(fc.flushes) != 1 {
		t.Fatalf("%d flushes reached the connection in one burst, want 1 (the rest are sent with the end)", len(fc.flushes))
	}
	got, _ := io.ReadAll(decoder(t, Gzip, fc.Body))
	if !strings.HasSuffix(string(got), "<p>section 99</p>\n") {
		t.Fatalf("body ends %q", got[len(got)-30:])
	}

	// With a real delay, a flush that comes within it is sent when it has
	// passed, by the timer.
	srvFlushed := make(chan struct{})
	release := make(chan struct{})
	c = New(Options{FlushDelay: 20 * time.Millisecond})
	srv := httptest.NewServer(c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		rc := http.NewResponseController(w)
		io.WriteString(w, "one\n")
		rc.Flush()
		io.WriteString(w, "two\n")
		rc.Flush() // coalesced: sent by the timer
		close(srvFlushed)
		<-release
	})))
	defer srv.Close()
	resp := get(t, srv.URL, "gzip")
	br := bufio.NewReader(decoder(t, Gzip, resp.Body))
	for _, want := range []string{"one\n", "two\n"} {
		s, err := br.ReadString('\n')
		if err != nil || s != want {
			t.Fatalf("read %q, %v; want %q", s, err, want)
		}
	}
	<-srvFlushed
	close(release)
}

// TestAbort: a handler that aborts leaves the response unterminated, so
// the client cannot take it for a whole body; gzip and brotli streams are
// unterminated as well (zstd's frames are each complete: there the
// transfer's missing end is the signal).
func TestAbort(t *testing.T) {
	for _, coding := range codings {
		srv := httptest.NewServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			io.WriteString(w, page(3000))
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		})))
		srv.Config.ErrorLog = nil
		resp := get(t, srv.URL, coding)
		raw, err := io.ReadAll(resp.Body)
		if err == nil {
			t.Errorf("%s: an aborted response read as complete", coding)
		}
		if coding != Zstd {
			if _, err := io.ReadAll(decoder(t, coding, strings.NewReader(string(raw)))); err == nil {
				t.Errorf("%s: the compressed stream of an aborted response is complete", coding)
			}
		}
		srv.Close()
	}
}

// TestEarlyHints: a 103 passes through before the compressed 200.
func TestEarlyHints(t *testing.T) {
	srv := httptest.NewServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page(3000))
	})))
	defer srv.Close()
	var hints int
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	ctx := httptraceContext(req.Context(), func(code int) {
		if code == http.StatusEarlyHints {
			hints++
		}
	})
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if hints != 1 || resp.Header.Get("Content-Encoding") != Gzip {
		t.Fatalf("hints %d, encoding %q", hints, resp.Header.Get("Content-Encoding"))
	}
}

// TestWriteAfterError: a write error is returned, not swallowed.
func TestWriteAfterError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	started := make(chan struct{})
	srv := httptest.NewServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		rc := http.NewResponseController(w)
		io.WriteString(w, "start\n")
		rc.Flush()
		close(started)
		chunk := page(32 << 10)
		for {
			if _, err := io.WriteString(w, chunk); err != nil {
				errc <- err
				return
			}
			if err := rc.Flush(); err != nil {
				errc <- err
				return
			}
		}
	})))
	defer srv.Close()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	resp.Body.Close()
	cancel()
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, http.ErrNotSupported) {
			t.Fatalf("err %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler never saw the client leave")
	}
}

// httptraceContext calls got for each informational response.
func httptraceContext(ctx context.Context, got func(code int)) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		Got1xxResponse: func(code int, _ textproto.MIMEHeader) error { got(code); return nil },
	})
}
