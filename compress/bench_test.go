package compress_test

import (
	stdgzip "compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/compress"
)

// naiveGzip is the general-purpose gzip middleware found in many
// codebases: the standard library's writer at its default level, flushed
// on every write so that streaming "works".
func naiveGzip(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		gz := stdgzip.NewWriter(w)
		defer gz.Close()
		h.ServeHTTP(&naiveWriter{ResponseWriter: w, gz: gz}, r)
	})
}

type naiveWriter struct {
	http.ResponseWriter
	gz *stdgzip.Writer
}

func (n *naiveWriter) Write(p []byte) (int, error) {
	k, err := n.gz.Write(p)
	if err == nil {
		err = n.gz.Flush()
	}
	return k, err
}

func (n *naiveWriter) Flush() {
	n.gz.Flush()
	http.NewResponseController(n.ResponseWriter).Flush()
}

func pageHandler(delay time.Duration) http.Handler {
	eng := runnel.New(shopPage)
	return eng.Handler("page.html", func(r *http.Request) (any, error) {
		d := map[string]any{"user": "Ada"}
		for i := range 5 {
			d[fmt.Sprintf("s%d", i+1)] = func(ctx context.Context) ([]product, error) {
				if delay > 0 {
					time.Sleep(delay)
				}
				return products(12, i), nil
			}
		}
		return d, nil
	})
}

var variants = []struct {
	name, accept string
	wrap         func(http.Handler) http.Handler
}{
	{"identity", "", func(h http.Handler) http.Handler { return h }},
	{"gzip", "gzip", compress.Handler},
	{"zstd", "zstd", compress.Handler},
	{"br", "br", compress.Handler},
	{"gzip-level5", "gzip", compress.New(compress.Options{GzipLevel: 5}).Handler},
	{"gzhttp", "gzip", func(h http.Handler) http.Handler { return gzhttp.GzipHandler(h) }},
	{"naive-gzip", "gzip", naiveGzip},
}

// BenchmarkPage measures requests per second of a streamed page with five
// out-of-order sections, whose data is ready at once, over loopback, with
// each compression (the bytes are read but not decompressed: this is the
// server's cost).
//
//	go test ./compress -run '^$' -bench Page -count 6 | benchstat -col /enc -
func BenchmarkPage(b *testing.B) {
	for _, v := range variants {
		b.Run("enc="+v.name, func(b *testing.B) {
			srv := httptest.NewServer(v.wrap(pageHandler(0)))
			defer srv.Close()
			tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var wire int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var n int64
				for pb.Next() {
					req, _ := http.NewRequest("GET", srv.URL, nil)
					req.Header.Set("User-Agent", "Mozilla/5.0 Chrome/156")
					if v.accept != "" {
						req.Header.Set("Accept-Encoding", v.accept)
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					k, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					n = k
				}
				wire = n
			})
			b.ReportMetric(float64(wire), "wire-B")
		})
	}
}

// BenchmarkTTFB measures the time to the first byte of the page's shell
// while its five sections take 20 ms, with each compression: the median
// of the requests, as ttfb-µs.
func BenchmarkTTFB(b *testing.B) {
	for _, v := range variants {
		b.Run("enc="+v.name, func(b *testing.B) {
			srv := httptest.NewServer(v.wrap(pageHandler(20 * time.Millisecond)))
			defer srv.Close()
			tr := &http.Transport{DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var ttfb []time.Duration
			for b.Loop() {
				var start time.Time
				trace := &httptrace.ClientTrace{
					WroteRequest: func(httptrace.WroteRequestInfo) { start = time.Now() },
				}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", srv.URL, nil)
				req.Header.Set("User-Agent", "Mozilla/5.0 Chrome/156")
				if v.accept != "" {
					req.Header.Set("Accept-Encoding", v.accept)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				// The first byte of the body, not of the header.
				var one [1]byte
				io.ReadFull(resp.Body, one[:])
				ttfb = append(ttfb, time.Since(start))
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			sort.Slice(ttfb, func(i, j int) bool { return ttfb[i] < ttfb[j] })
			b.ReportMetric(float64(ttfb[len(ttfb)/2].Microseconds()), "ttfb-µs")
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Flush()                      {}

// BenchmarkOpenStreamMemory measures the heap one open compressed stream
// holds: 1,000 handlers each write 16 KB of a page, flush, and wait (as a
// page waiting for a slow section does), and the heap they hold is divided
// among them, as stream-B.
func BenchmarkOpenStreamMemory(b *testing.B) {
	chunk := strings.Repeat(`<li class="product"><a href="/p/4121">Speckled mug</a> <b>22.00</b></li>`+"\n", 220)
	type variant struct {
		name string
		wrap func(http.Handler) http.Handler
		ae   string
	}
	for _, v := range []variant{
		{"gzip", compress.Handler, "gzip"},
		{"gzip-level5", compress.New(compress.Options{GzipLevel: 5}).Handler, "gzip"},
		{"zstd", compress.Handler, "zstd"},
		{"br", compress.Handler, "br"},
		{"stdlib-gzip-6", naiveGzip, "gzip"},
	} {
		b.Run("enc="+v.name, func(b *testing.B) {
			const n = 1000
			var perStream float64
			for b.Loop() {
				release := make(chan struct{})
				ready := make(chan struct{}, n)
				done := make(chan struct{}, n)
				h := v.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					io.WriteString(w, chunk)
					http.NewResponseController(w).Flush()
					ready <- struct{}{}
					<-release
				}))
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for range n {
					go func() {
						req := httptest.NewRequest("GET", "/", nil)
						req.Header.Set("Accept-Encoding", v.ae)
						h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
						done <- struct{}{}
					}()
				}
				for range n {
					<-ready
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				close(release)
				for range n {
					<-done
				}
				// Goroutine stacks are not in the heap: this is the
				// compression's own memory (and the request's).
				perStream = float64(after.HeapAlloc-before.HeapAlloc) / n
			}
			b.ReportMetric(perStream, "stream-B")
		})
	}
}
