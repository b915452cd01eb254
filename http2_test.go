package runnel

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

// connectionHeaders are the headers HTTP/2 forbids (RFC 9113, 8.2.2).
var connectionHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade"}

// h2Server serves h over HTTP/2: with TLS and ALPN, or in cleartext (h2c,
// prior knowledge, as behind a proxy that speaks HTTP/2 to its upstream).
// It returns the client to use and counts the connections made.
func h2Server(t *testing.T, h http.Handler, cleartext bool) (url string, client *http.Client, conns *atomic.Int32) {
	t.Helper()
	conns = new(atomic.Int32)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	if cleartext {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		srv.Config.Protocols = &p
		srv.Start()
		tr := &http.Transport{Protocols: &p}
		t.Cleanup(tr.CloseIdleConnections)
		client = &http.Client{Transport: tr}
	} else {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		client = srv.Client()
	}
	t.Cleanup(srv.Close)
	return srv.URL, client, conns
}

// TestServeHTTP2 streams a page over HTTP/2, with TLS and in cleartext:
// the shell arrives while the in-place value and the out-of-order section
// are pending, each part follows when its value resolves, and the
// response carries no connection-specific header.
func TestServeHTTP2(t *testing.T) {
	for _, cleartext := range []bool{false, true} {
		name := "tls"
		if cleartext {
			name = "h2c"
		}
		t.Run(name, func(t *testing.T) {
			e := New(fstest.MapFS{"page.html": {Data: []byte(`<html><head><title>h2</title></head><body><p>shell</p>` +
				`{% defer %}<aside>{{ side }}</aside>{% placeholder %}<aside>…</aside>{% enddefer %}` +
				`<main>{{ main }}</main><footer>end</footer></body></html>`)}})
			side, resolveSide := NewFuture[string]()
			main, resolveMain := NewFuture[string]()
			var leaked []string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tpl, _ := e.Template("page.html")
				if err := tpl.Serve(w, r, map[string]any{"side": side, "main": main}, ServeOptions{}); err != nil {
					t.Errorf("Serve: %v", err)
				}
				for _, k := range connectionHeaders {
					if w.Header().Get(k) != "" {
						leaked = append(leaked, k)
					}
				}
			})
			url, client, conns := h2Server(t, h, cleartext)
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("User-Agent", browserUA)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.ProtoMajor != 2 {
				t.Fatalf("protocol %s", resp.Proto)
			}
			br := bufio.NewReader(resp.Body)
			readUntil(t, br, "<aside>…</aside>") // shell and placeholder, before either value
			resolveSide("recs", nil)
			readUntil(t, br, "<aside>recs</aside></template>") // the section arrives out of order while main is pending
			resolveMain("content", nil)
			rest, _ := io.ReadAll(br)
			if !strings.HasSuffix(string(rest), "content</main><footer>end</footer></body></html>") {
				t.Fatalf("rest %q", rest)
			}
			if len(leaked) > 0 {
				t.Errorf("connection-specific headers set on HTTP/2: %v", leaked)
			}
			if resp.Header.Get("X-Accel-Buffering") != "no" {
				t.Errorf("X-Accel-Buffering %q", resp.Header.Get("X-Accel-Buffering"))
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections", n)
			}
		})
	}
}

// TestServeHTTP2Concurrent: many pages in flight on one HTTP/2
// connection, each held open by its own pending value, all get their shell
// before any value resolves; then all complete.
func TestServeHTTP2Concurrent(t *testing.T) {
	const pages = 40
	e := New(fstest.MapFS{"page.html": {Data: []byte(`<p>shell {{ n }}</p>{% flush %}<p>{{ slow }}</p>`)}})
	slow, resolve := NewFuture[string]()
	var n atomic.Int32
	h := e.Handler("page.html", func(*http.Request) (any, error) {
		return map[string]any{"n": n.Add(1), "slow": slow}, nil
	})
	url, client, conns := h2Server(t, h, false)
	bodies := make([]*bufio.Reader, pages)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range pages {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("User-Agent", browserUA)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		bodies[i] = bufio.NewReader(resp.Body)
		readUntil(t, bodies[i], "</p>")
	}
	resolve("late", nil)
	for i, br := range bodies {
		rest, _ := io.ReadAll(br)
		if string(rest) != "<p>late</p>" {
			t.Errorf("page %d: rest %q", i, rest)
		}
	}
	if c := conns.Load(); c != 1 {
		t.Errorf("%d connections for %d pages", c, pages)
	}
}
