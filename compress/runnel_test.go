package compress_test

import (
	"bufio"
	stdgzip "compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/compress"
)

// shopPage is a page with five out-of-order sections, each a list.
var shopPage = fstest.MapFS{
	"base.html": {Data: []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}Shop{% endblock %}</title>
<link rel="stylesheet" href="/static/shop.css"></head>
<body><header class="site"><nav><a href="/">Home</a> <a href="/new">New</a> <a href="/sale">Sale</a></nav></header>
<main>{% block content %}{% endblock %}</main><footer>© runnel</footer></body></html>`)},
	"page.html": {Data: []byte(`{% extends "base.html" %}{% block content %}
<h1>Welcome back, {{ user }}</h1>
{% defer %}<ul>{% for p in s1 %}<li class="product"><a href="/p/{{ p.ID }}">{{ p.Name }}</a> <b>{{ p.Price|floatformat:2 }}</b></li>{% endfor %}</ul>{% placeholder %}<div class="skeleton"></div>{% enddefer %}
{% defer %}<ul>{% for p in s2 %}<li class="product"><a href="/p/{{ p.ID }}">{{ p.Name }}</a> <b>{{ p.Price|floatformat:2 }}</b></li>{% endfor %}</ul>{% placeholder %}<div class="skeleton"></div>{% enddefer %}
{% defer %}<ul>{% for p in s3 %}<li class="product"><a href="/p/{{ p.ID }}">{{ p.Name }}</a> <b>{{ p.Price|floatformat:2 }}</b></li>{% endfor %}</ul>{% placeholder %}<div class="skeleton"></div>{% enddefer %}
{% defer %}<ul>{% for p in s4 %}<li class="product"><a href="/p/{{ p.ID }}">{{ p.Name }}</a> <b>{{ p.Price|floatformat:2 }}</b></li>{% endfor %}</ul>{% placeholder %}<div class="skeleton"></div>{% enddefer %}
{% defer %}<ul>{% for p in s5 %}<li class="product"><a href="/p/{{ p.ID }}">{{ p.Name }}</a> <b>{{ p.Price|floatformat:2 }}</b></li>{% endfor %}</ul>{% placeholder %}<div class="skeleton"></div>{% enddefer %}
{% endblock %}`)},
}

type product struct {
	ID    int
	Name  string
	Price float64
}

func products(n, seed int) []product {
	names := []string{"Speckled mug", "Enamel kettle", "Stoneware pour-over", "Hand-thrown bowl", "Oak serving board", "Linen tea towel"}
	out := make([]product, n)
	for i := range out {
		out[i] = product{ID: seed*100 + i, Name: names[(i+seed)%len(names)], Price: float64(10+(i*7+seed)%90) + 0.5}
	}
	return out
}

func decode(t testing.TB, coding string, r io.Reader) io.Reader {
	switch coding {
	case compress.Gzip:
		zr, err := stdgzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		return zr
	case compress.Zstd:
		zr, _ := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		t.Cleanup(zr.Close)
		return zr
	case compress.Brotli:
		return brotli.NewReader(r)
	}
	return r
}

// TestRunnelPage: a runnel page through the middleware sends its shell,
// compressed, while its sections' data is still held, and the whole
// decompressed stream equals the page sent without compression.
func TestRunnelPage(t *testing.T) {
	eng := runnel.New(shopPage)
	var gates [5]chan struct{}
	data := func(r *http.Request) (any, error) {
		d := map[string]any{"user": "Ada", "sections": []string{}}
		for i := range gates {
			g := gates[i]
			d[fmt.Sprintf("s%d", i+1)] = func(ctx context.Context) ([]product, error) {
				select {
				case <-g:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				return products(12, i), nil
			}
		}
		return d, nil
	}
	srv := httptest.NewServer(compress.Handler(eng.Handler("page.html", data)))
	defer srv.Close()

	fetch := func(coding string, inOrder bool) (shellFirst bool, body string) {
		for i := range gates {
			gates[i] = make(chan struct{})
		}
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 Chrome/156")
		if inOrder {
			req.Header.Set("Runnel-Mode", "in-order")
		}
		if coding != "" {
			req.Header.Set("Accept-Encoding", coding)
		}
		tr := &http.Transport{DisableCompression: true}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding"); got != coding {
			t.Fatalf("Content-Encoding %q, want %q", got, coding)
		}
		br := bufio.NewReader(decode(t, coding, resp.Body))
		var b strings.Builder
		got := make(chan bool, 1)
		go func() {
			for {
				line, err := br.ReadString('\n')
				b.WriteString(line)
				if strings.Contains(line, "Welcome back") {
					got <- true
					return
				}
				if err != nil {
					got <- false
					return
				}
			}
		}()
		select {
		case shellFirst = <-got:
		case <-time.After(10 * time.Second):
		}
		for _, g := range gates {
			close(g)
		}
		if !shellFirst {
			<-got
		}
		rest, err := io.ReadAll(br)
		if err != nil {
			t.Fatalf("%s: %v", coding, err)
		}
		return shellFirst, b.String() + string(rest)
	}

	_, plain := fetch("", true)
	if !strings.Contains(plain, "</html>") {
		t.Fatalf("plain page: %q", plain)
	}
	for _, coding := range []string{compress.Gzip, compress.Zstd, compress.Brotli} {
		first, body := fetch(coding, false)
		if !first {
			t.Errorf("%s: the shell did not arrive while the sections' data was held", coding)
		}
		if !strings.Contains(body, "</html>") || strings.Count(body, "<template") != 5 {
			t.Errorf("%s: streamed page incomplete: %q", coding, body)
		}
		first, body = fetch(coding, true)
		if !first {
			t.Errorf("%s in order: the shell did not arrive while the data was held", coding)
		}
		if body != plain {
			t.Errorf("%s: the decompressed in-order page differs from the uncompressed one", coding)
		}
	}
}

// TestRunnelPageHTTP2: over HTTP/2, the compressed shell arrives while the
// page's value is still pending, and the rest follows when it resolves.
func TestRunnelPageHTTP2(t *testing.T) {
	eng := runnel.New(fstest.MapFS{"page.html": {Data: []byte(`<html><head><title>h2</title></head><body><h1>Welcome back</h1>` +
		strings.Repeat(`<p class="filler">so that the shell is worth compressing</p>`, 40) + "\n{% flush %}<main>{{ slow }}</main></body></html>")}})
	for _, coding := range []string{compress.Gzip, compress.Zstd, compress.Brotli} {
		t.Run(coding, func(t *testing.T) {
			slow, resolve := runnel.NewFuture[string]()
			srv := httptest.NewUnstartedServer(compress.Handler(eng.Handler("page.html", func(*http.Request) (any, error) {
				return map[string]any{"slow": slow}, nil
			})))
			srv.EnableHTTP2 = true
			srv.StartTLS()
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 Chrome/156")
			req.Header.Set("Accept-Encoding", coding)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.ProtoMajor != 2 || resp.Header.Get("Content-Encoding") != coding {
				t.Fatalf("%s, Content-Encoding %q", resp.Proto, resp.Header.Get("Content-Encoding"))
			}
			// A shell that never comes would block the read: give up after
			// a while (this only catches a hang).
			hang := time.AfterFunc(10*time.Second, func() { resp.Body.Close() })
			br := bufio.NewReader(decode(t, coding, resp.Body))
			line, err := br.ReadString('\n') // the shell, before the value
			hang.Stop()
			if err != nil || !strings.Contains(line, "Welcome back") {
				t.Fatalf("%q %v", line, err)
			}
			resolve("late", nil)
			rest, err := io.ReadAll(br)
			if err != nil || string(rest) != "<main>late</main></body></html>" {
				t.Fatalf("%q %v", rest, err)
			}
		})
	}
}
