package runnel

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// wrappedWriter is middleware's ResponseWriter: it hides Flush but offers
// Unwrap, as http.ResponseController expects.
type wrappedWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *wrappedWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

func (w *wrappedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&wrappedWriter{ResponseWriter: w}, r)
	})
}

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"

// readUntil reads the response body until it has seen want.
func readUntil(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	var got strings.Builder
	deadline := time.AfterFunc(10*time.Second, func() { t.Errorf("timed out waiting for %q, have %q", want, got.String()) })
	defer deadline.Stop()
	for !strings.Contains(got.String(), want) {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("reading body: %v (have %q)", err, got.String())
		}
		got.WriteByte(b)
	}
	return got.String()
}

func TestServeStreamsChunkBeforeLateValue(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte("<html><head><title>Shop</title></head><body><h1>Hi</h1>{{ recs|join:',' }}</body></html>")}}
	e := New(fsys)
	recs, resolve := NewFuture[[]string]()
	srv := httptest.NewServer(middleware(e.Handler("page.html", func(*http.Request) (any, error) {
		return map[string]any{"recs": recs}, nil
	})))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("User-Agent", browserUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for k, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Accel-Buffering": "no", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	body := bufio.NewReader(resp.Body)
	// The shell arrives while recs is still unresolved.
	readUntil(t, body, "<h1>Hi</h1>")
	resolve([]string{"kettle", "mug"}, nil)
	rest, _ := io.ReadAll(body)
	if string(rest) != "kettle,mug</body></html>" {
		t.Fatalf("rest %q", rest)
	}
}

func TestServeErrorBeforeFirstByte(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte("{% await user %}<p>{{ user.name }}</p>")}}
	var reported []error
	e := New(fsys, WithErrorHandler(func(_ context.Context, err error) { reported = append(reported, err) }))
	cases := []struct {
		err    error
		status int
		loc    string
	}{
		{&StatusError{Code: 404, Err: errors.New("no user 7")}, 404, ""},
		{&RedirectError{URL: "/login"}, 302, "/login"},
		{errors.New("db down"), 500, ""},
	}
	for _, c := range cases {
		h := e.Handler("page.html", func(r *http.Request) (any, error) {
			return map[string]any{"user": Go(r.Context(), func(context.Context) (any, error) { return nil, c.err })}, nil
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != c.status {
			t.Errorf("%v: status %d, want %d", c.err, rec.Code, c.status)
		}
		if c.loc != "" && rec.Header().Get("Location") != c.loc {
			t.Errorf("Location %q", rec.Header().Get("Location"))
		}
		if strings.Contains(rec.Body.String(), "db down") || strings.Contains(rec.Body.String(), "no user 7") {
			t.Errorf("error text leaked: %q", rec.Body.String())
		}
	}
	if len(reported) != 2 {
		t.Errorf("reported %v", reported)
	}
	rec := httptest.NewRecorder()
	e.Handler("missing.html", nil).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 404 {
		t.Errorf("missing template: %d", rec.Code)
	}
}

func TestModeFor(t *testing.T) {
	cases := []struct {
		method, ua, header string
		want               Mode
	}{
		{"GET", browserUA, "", Streaming},
		{"HEAD", browserUA, "", InOrder},
		{"GET", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "", InOrder},
		{"GET", "curl/8.0", "", InOrder},
		{"GET", "facebookexternalhit/1.1", "", InOrder},
		{"GET", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "", InOrder},
		// The tools that measure what users get see the streamed page.
		{"GET", "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36 Chrome-Lighthouse", "", Streaming},
		{"GET", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36", "", Streaming},
		{"GET", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36 PTST/250101", "", Streaming},
		{"GET", "", "", InOrder},
		{"GET", browserUA, "in-order", InOrder},
		{"GET", browserUA, "buffered", Buffered},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, "/", nil)
		r.Header.Set("User-Agent", c.ua)
		if c.header != "" {
			r.Header.Set("Runnel-Mode", c.header)
		}
		if got := ModeFor(r); got != c.want {
			t.Errorf("%s %q %q: %v, want %v", c.method, c.ua, c.header, got, c.want)
		}
	}
}

func TestServeOutOfOrderWithNonce(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte(`<html><body><script nonce="{{ csp_nonce }}">/* app */</script>{% defer %}{{ x }}{% placeholder %}…{% enddefer %}</body></html>`)}}
	e := New(fsys)
	h := e.Handler("page.html", func(r *http.Request) (any, error) {
		return map[string]any{"x": Go(r.Context(), func(context.Context) (string, error) { return "late", nil })}, nil
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(WithNonce(r.Context(), "n0nce")))
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("User-Agent", browserUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	got := string(body)
	if !strings.Contains(got, `<script nonce="n0nce">/* app */`) || !strings.Contains(got, `<template for="runnel-1">late</template><script nonce="n0nce">window.__runnel`) {
		t.Fatalf("%s", got)
	}
	if strings.Contains(got, "style=") {
		t.Fatalf("inline style in %s", got)
	}
}

func TestServeCancelsOnDisconnect(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte("<p>start</p>{{ slow }}")}}
	e := New(fsys, WithErrorHandler(func(context.Context, error) {}))
	cancelled := make(chan struct{})
	finished := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, _ := e.Template("page.html")
		finished <- t.Serve(w, r, map[string]any{"slow": func(ctx context.Context) (string, error) {
			<-ctx.Done()
			close(cancelled)
			return "", ctx.Err()
		}}, ServeOptions{})
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	req.Header.Set("User-Agent", browserUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readUntil(t, bufio.NewReader(resp.Body), "<p>start</p>")
	cancel() // the client goes away
	resp.Body.Close()
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("late value not cancelled after disconnect")
	}
	if err := <-finished; !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve returned %v", err)
	}
}

// brokenPipeWriter is the ResponseWriter of a client that left: writes
// after the first fail with EPIPE. It counts WriteHeader calls after the
// body started, which net/http logs as "superfluous".
type brokenPipeWriter struct {
	hdr         http.Header
	writes      int
	superfluous int
	body        strings.Builder
}

func (w *brokenPipeWriter) Header() http.Header { return w.hdr }
func (w *brokenPipeWriter) WriteHeader(int) {
	if w.writes > 0 {
		w.superfluous++
	}
}
func (w *brokenPipeWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes > 1 {
		return 0, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	}
	return w.body.Write(p)
}
func (w *brokenPipeWriter) Flush() {}

// TestHandlerClientGone: a client that leaves in the middle of a page is
// neither an error report nor a status written after the body: Serve's
// error wraps ErrIncomplete and says ClientGone, and Engine.Handler writes
// nothing more.
func TestHandlerClientGone(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte("<p>start</p>{% flush %}<p>{{ slow }}</p>")}}
	var reported []error
	e := New(fsys, WithErrorHandler(func(_ context.Context, err error) { reported = append(reported, err) }))
	slow, resolve := NewFuture[string]()
	resolve("late", nil)
	w := &brokenPipeWriter{hdr: http.Header{}}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", browserUA)
	e.Handler("page.html", func(*http.Request) (any, error) { return map[string]any{"slow": slow}, nil }).ServeHTTP(w, req)
	if w.superfluous != 0 {
		t.Errorf("%d WriteHeader calls after the body started", w.superfluous)
	}
	if len(reported) != 0 {
		t.Errorf("a client that left was reported as an error: %v", reported)
	}
	if strings.Contains(w.body.String(), "Internal Server Error") {
		t.Errorf("body %q", w.body.String())
	}

	// Serve itself says what happened.
	tpl, _ := e.Template("page.html")
	w = &brokenPipeWriter{hdr: http.Header{}}
	err := tpl.Serve(w, req, map[string]any{"slow": slow}, ServeOptions{})
	if !errors.Is(err, ErrIncomplete) || !ClientGone(err) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Serve: %v", err)
	}
	WriteError(w, req, err)
	if w.superfluous != 0 || w.writes != 2 {
		t.Errorf("WriteError wrote after the body started: %d headers, %d writes", w.superfluous, w.writes)
	}
}

// TestHandlerPanicAfterStart: a panic after the first byte is reported,
// and nothing is written after the body.
func TestHandlerPanicAfterStart(t *testing.T) {
	fsys := fstest.MapFS{"page.html": {Data: []byte("<p>start</p>{% flush %}{{ boom }}")}}
	var reported []error
	e := New(fsys, WithErrorHandler(func(_ context.Context, err error) { reported = append(reported, err) }))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", browserUA)
	e.Handler("page.html", func(*http.Request) (any, error) {
		return map[string]any{"boom": func() string { panic("kaboom") }}, nil
	}).ServeHTTP(rec, req)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "Internal Server Error") || !strings.HasPrefix(rec.Body.String(), "<p>start</p>") {
		t.Errorf("%d %q", rec.Code, rec.Body.String())
	}
	if len(reported) == 0 {
		t.Error("a panic after the first byte was not reported")
	}
}

func TestClientGone(t *testing.T) {
	for err, want := range map[error]bool{
		context.Canceled: true,
		&net.OpError{Op: "write", Err: os.NewSyscallError("write", syscall.ECONNRESET)}: true,
		os.ErrDeadlineExceeded:       true,
		context.DeadlineExceeded:     false,
		errors.New("template: boom"): false,
	} {
		if got := ClientGone(err); got != want {
			t.Errorf("ClientGone(%v) = %v", err, got)
		}
	}
}
