package runnel

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// deadlinePage has every kind of wait: an in-place value, a section with
// error content, an out-of-order section with a placeholder, and a footer
// that needs no wait.
const deadlinePage = `<html><head><title>t</title></head><body>
<p>{{ fast }}</p>
<div id="a">{{ slow }}</div>
{% defer %}<div id="b">{{ slow2 }}</div>{% error %}<div id="b">{% if error.timeout %}timed out{% else %}failed{% endif %}</div>{% enddefer %}
{% defer %}<div id="c">{{ slow3 }}</div>{% placeholder %}<div id="c">loading</div>{% enddefer %}
<footer>end</footer></body></html>`

// neverData is the data of deadlinePage: the slow values never resolve
// by themselves; each one that is a func reports its context's end.
func neverData(cancelled chan<- error) map[string]any {
	wait := func(ctx context.Context) (string, error) {
		<-ctx.Done()
		cancelled <- context.Cause(ctx)
		return "", ctx.Err()
	}
	never, _ := NewFuture[string]()
	return map[string]any{"fast": "now", "slow": never, "slow2": wait, "slow3": wait}
}

// TestStreamPageDeadline: after the page deadline, every wait fails, the
// sections close as timeouts (error content, or the placeholder stays),
// the failed in-place value shows the error fragment, the late values'
// contexts end, and the footer is still rendered.
func TestStreamPageDeadline(t *testing.T) {
	for _, mode := range []Mode{Streaming, InOrder} {
		t.Run(mode.String(), func(t *testing.T) {
			e := New(fstest.MapFS{"page.html": {Data: []byte(deadlinePage)}}, WithErrorFragment(`<b class="err"></b>`))
			tpl, err := e.Template("page.html")
			if err != nil {
				t.Fatal(err)
			}
			cancelled := make(chan error, 2)
			var out bytes.Buffer
			err = tpl.Stream(context.Background(), &out, neverData(cancelled), StreamOptions{
				Mode: mode, Deadline: time.Now().Add(20 * time.Millisecond), Flush: func() error { return nil },
			})
			if !errors.Is(err, ErrPageDeadline) {
				t.Fatalf("Stream returned %v", err)
			}
			got := out.String()
			for _, want := range []string{"<p>now</p>", `<div id="a"><b class="err"></b></div>`, `<div id="b">timed out</div>`, `<div id="c">loading</div>`, "<footer>end</footer></body></html>"} {
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in\n%s", want, got)
				}
			}
			if strings.Contains(got, "failed") || strings.Contains(got, "runnel: ") {
				t.Errorf("an error's text in the page:\n%s", got)
			}
			for range 2 {
				select {
				case cause := <-cancelled:
					if !errors.Is(cause, ErrPageDeadline) {
						t.Errorf("late value's context ended by %v", cause)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("a late value's context did not end")
				}
			}
		})
	}
}

// TestStreamPageDeadlineNotReached: values that resolve in time are
// rendered as usual, and Stream returns nil.
func TestStreamPageDeadlineNotReached(t *testing.T) {
	e := New(fstest.MapFS{"page.html": {Data: []byte(deadlinePage)}})
	tpl, _ := e.Template("page.html")
	val := func(context.Context) (string, error) { return "ok", nil }
	data := map[string]any{"fast": "now", "slow": val, "slow2": val, "slow3": val}
	var out bytes.Buffer
	if err := tpl.Stream(context.Background(), &out, data, StreamOptions{Mode: Streaming, Deadline: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Contains(got, "loading") && !strings.Contains(got, `<template for=`) || strings.Contains(got, "timed out") {
		t.Fatalf("%s", got)
	}
}

// TestServePageDeadline: over HTTP, a page past its deadline is a complete
// 200 document with the trailer Runnel-Incomplete: page-deadline, and
// Serve's error wraps both ErrIncomplete and ErrPageDeadline.
func TestServePageDeadline(t *testing.T) {
	e := New(fstest.MapFS{"page.html": {Data: []byte(deadlinePage)}})
	tpl, _ := e.Template("page.html")
	cancelled := make(chan error, 2)
	served := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served <- tpl.Serve(w, r, neverData(cancelled), ServeOptions{PageDeadline: 30 * time.Millisecond})
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("User-Agent", browserUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasSuffix(string(body), "</html>") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got := resp.Trailer.Get("Runnel-Incomplete"); got != "page-deadline" {
		t.Errorf("trailer Runnel-Incomplete = %q", got)
	}
	if err := <-served; !errors.Is(err, ErrIncomplete) || !errors.Is(err, ErrPageDeadline) || ClientGone(err) {
		t.Errorf("Serve returned %v", err)
	}
}

// TestHandlerRequestDeadline: a middleware's request deadline (as a
// platform's limit would set) ends the page's waits a margin before it, so
// the document is still closed before the request ends: no status written
// after the body, no "Internal Server Error", one warning-level report.
func TestHandlerRequestDeadline(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	e := New(fstest.MapFS{"page.html": {Data: []byte(deadlinePage)}}, WithErrorHandler(func(_ context.Context, err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	}))
	cancelled := make(chan error, 2)
	h := e.Handler("page.html", func(*http.Request) (any, error) { return neverData(cancelled), nil })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// 2 s, so that the margin (a tenth: 200 ms) is time enough to
		// write the page's end on a loaded machine; with 600 ms (a 60 ms
		// margin) it was not, now and then.
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
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
	if resp.StatusCode != 200 || !strings.HasSuffix(got, "<footer>end</footer></body></html>") || strings.Contains(got, "Internal Server Error") {
		t.Fatalf("%d %s", resp.StatusCode, got)
	}
	if !strings.Contains(got, `<div id="b">timed out</div>`) {
		t.Errorf("section b did not close as a timeout:\n%s", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) == 0 {
		t.Fatal("the deadline was not reported")
	}
	for _, err := range reported {
		if !errors.Is(err, ErrPageDeadline) {
			t.Errorf("reported %v", err)
		}
	}
}

func TestPageDeadlineMargin(t *testing.T) {
	if !pageDeadline(context.Background(), 0).IsZero() {
		t.Error("no deadline without a limit")
	}
	now := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(10*time.Second))
	defer cancel()
	near := func(a, b time.Time) bool { return a.Sub(b).Abs() < 10*time.Millisecond }
	if got := pageDeadline(ctx, 0); !near(got, now.Add(9*time.Second)) {
		t.Errorf("10s request: %v before its end, want 1s", now.Add(10*time.Second).Sub(got))
	}
	if got := pageDeadline(ctx, 2*time.Second); got.After(time.Now().Add(2 * time.Second)) {
		t.Errorf("the page's own deadline not used: %v", got)
	}
	ctx2, cancel2 := context.WithDeadline(context.Background(), now.Add(200*time.Millisecond))
	defer cancel2()
	if got := pageDeadline(ctx2, time.Hour); !near(got, now.Add(150*time.Millisecond)) {
		t.Errorf("200ms request: %v before its end, want 50ms", now.Add(200*time.Millisecond).Sub(got))
	}
}

// TestServeWriteTimeout: a client that stops reading does not hold the
// handler: once the socket's buffers are full, a write waits at most the
// write timeout, and Serve returns an error that says the client is gone.
func TestServeWriteTimeout(t *testing.T) {
	e := New(fstest.MapFS{"page.html": {Data: []byte(`<html><body>{% flush %}{% for i in n %}{{ big }}{% endfor %}</body></html>`)}})
	tpl, _ := e.Template("page.html")
	n := make([]int, 64)
	big := strings.Repeat("x", 1<<20) // 64 MiB in all: more than loopback buffers hold
	served := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served <- tpl.Serve(w, r, map[string]any{"n": n, "big": big}, ServeOptions{WriteTimeout: 200 * time.Millisecond})
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A client that sends its request and then never reads.
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: "+browserUA+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-served:
		if !errors.Is(err, ErrIncomplete) || !ClientGone(err) {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve still blocked on a client that does not read")
	}
}

func TestEarlyHints(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"literal", `<html><head><link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script><script type="module" src="/m.js"></script><link rel=preconnect href="https://cdn.example"></head><body><link rel="stylesheet" href="/late.css">`,
			[]string{"</app.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script", "</m.js>; rel=modulepreload", "<https://cdn.example>; rel=preconnect"}},
		{"data url left out", `<head><link rel="stylesheet" href="{{ theme }}.css"><link rel="stylesheet" href="/ok.css"></head>`,
			[]string{"</ok.css>; rel=preload; as=style"}},
		{"integrity left out", `<head><script src="/a.js" integrity="sha384-x"></script></head>`, nil},
		{"inside if left out", `<head>{% if x %}<link rel="stylesheet" href="/x.css">{% endif %}</head>`, nil},
		{"extends", `{% extends "base.html" %}{% block head %}<link rel="stylesheet" href="/child.css">{% endblock %}`,
			[]string{"</base.css>; rel=preload; as=style", "</child.css>; rel=preload; as=style"}},
		{"extends by data", `{% extends parent %}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"page.html": {Data: []byte(c.src)},
				"base.html": {Data: []byte(`<html><head><link rel="stylesheet" href="/base.css">{% block head %}{% endblock %}</head><body>{% block body %}{% endblock %}</body></html>`)},
			}
			e := New(fsys)
			tpl, err := e.Template("page.html")
			if err != nil {
				t.Fatal(err)
			}
			if got := tpl.EarlyHints(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestServeEarlyHints: a browser's GET gets a 103 with the head's Link
// headers before the page's 200, and the 200 comes while the page's data
// is still pending.
func TestServeEarlyHints(t *testing.T) {
	e := New(fstest.MapFS{"page.html": {Data: []byte(`<html><head><link rel="stylesheet" href="/app.css"></head><body>{% flush %}{{ slow }}</body></html>`)}})
	slow, resolve := NewFuture[string]()
	page := e.Handler("page.html", func(*http.Request) (any, error) { return map[string]any{"slow": slow}, nil })
	// A strict policy set by middleware belongs to the page, not to the
	// 103: Chromium drops a hinted preload that the 103's own policy
	// forbids.
	const csp = "default-src 'none'; style-src 'self'"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		page.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var got []string
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		if len(h) != 1 {
			t.Errorf("the 103 has headers other than Link: %v", h)
		}
		got = append(got, h.Get("Link"))
		if code != http.StatusEarlyHints {
			t.Errorf("1xx %d", code)
		}
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", srv.URL, nil)
	req.Header.Set("User-Agent", browserUA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if len(got) != 1 || got[0] != "</app.css>; rel=preload; as=style" {
		t.Fatalf("103 Link headers %q", got)
	}
	if resp.Header.Get("Content-Security-Policy") != csp || resp.Header.Get("Link") != "</app.css>; rel=preload; as=style" {
		t.Errorf("the 200 lost its headers: %v", resp.Header)
	}
	readUntil(t, bufio.NewReader(resp.Body), "<body>")
	resolve("late", nil)

	// Crawlers, HEAD and buffered pages get no 103.
	got = nil
	req, _ = http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", srv.URL, nil)
	req.Header.Set("Runnel-Mode", "buffered")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if len(got) != 0 {
		t.Errorf("buffered page got a 103: %q", got)
	}
}

// noFlushWriter is a middleware's writer that hides Flush and has no
// Unwrap: it defeats streaming.
type noFlushWriter struct{ w http.ResponseWriter }

func (w noFlushWriter) Header() http.Header         { return w.w.Header() }
func (w noFlushWriter) Write(p []byte) (int, error) { return w.w.Write(p) }
func (w noFlushWriter) WriteHeader(code int)        { w.w.WriteHeader(code) }

// TestServeWarnsNoFlush: a writer that cannot flush is logged once per
// template and writer type, at warning level, and the page is still sent.
func TestServeWarnsNoFlush(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer slog.SetDefault(prev)
	e := New(fstest.MapFS{"page.html": {Data: []byte(`<p>a</p>{% flush %}<p>b</p>`)}})
	tpl, _ := e.Template("page.html")
	for range 3 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("User-Agent", browserUA)
		if err := tpl.Serve(noFlushWriter{rec}, req, nil, ServeOptions{}); err != nil {
			t.Fatal(err)
		}
		if rec.Body.String() != "<p>a</p><p>b</p>" {
			t.Fatalf("%q", rec.Body.String())
		}
	}
	if n := strings.Count(logs.String(), "streaming is defeated"); n != 1 {
		t.Errorf("%d warnings:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "noFlushWriter") || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("%s", logs.String())
	}
}

// TestServeCacheControl: a streamed page is no-store; in-order and
// buffered pages are left to the application's caching headers.
func TestServeCacheControl(t *testing.T) {
	e := New(fstest.MapFS{"page.html": {Data: []byte(`<p>x</p>`)}})
	tpl, _ := e.Template("page.html")
	for _, c := range []struct {
		ua   string
		want string
	}{{browserUA, "no-store"}, {"Googlebot/2.1", ""}, {"curl/8.0", ""}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("User-Agent", c.ua)
		if err := tpl.Serve(rec, req, nil, ServeOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := rec.Header().Get("Cache-Control"); got != c.want {
			t.Errorf("%s: Cache-Control %q, want %q", c.ua, got, c.want)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", browserUA)
	rec.Header().Set("Cache-Control", "private, max-age=60")
	_ = tpl.Serve(rec, req, nil, ServeOptions{})
	if got := rec.Header().Get("Cache-Control"); got != "private, max-age=60" {
		t.Errorf("the application's Cache-Control replaced: %q", got)
	}
}
