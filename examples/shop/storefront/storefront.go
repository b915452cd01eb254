// Package storefront serves the demo shop's home page with runnel: one base
// template, one page template, and three slow back-end calls that the page
// streams around.
//
// The back ends are injected as [Services], so that the demo (package main
// of examples/shop) can wire simulated ones with configurable latency, and
// tests can wire fakes they control.
package storefront

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/compress"
	staticlib "github.com/runnelhq/runnel/templatetags/static"
)

// Product is an item of the catalog.
type Product struct {
	ID       int
	Name     string
	Category string
	Price    float64
	Rating   float64
	Reviews  int
	// Swatch names the colour of the product's thumbnail: a CSS modifier
	// (sage, clay, ink, sand, rose or sky), never an inline style.
	Swatch string
}

// Review is a customer's review.
type Review struct {
	Author  string
	Rating  int // 1 to 5
	Title   string
	Body    string
	Product string
	Posted  time.Time
}

// Stars returns the rating as five stars, filled and empty.
func (r Review) Stars() string {
	const full, empty = "★★★★★", "☆☆☆☆☆"
	n := min(max(r.Rating, 0), 5)
	return full[:n*len("★")] + empty[:(5-n)*len("☆")]
}

// Services are the slow back ends the home page depends on. Each call gets
// the request's context and must return (or stop sending) when it ends.
type Services struct {
	// Recommendations starts computing the products picked for the
	// visitor and returns at once: the products arrive one by one on the
	// channel, which the service closes when it is done or when ctx ends.
	Recommendations func(ctx context.Context) <-chan Product
	// RecentlyViewed returns the products the visitor looked at lately.
	RecentlyViewed func(ctx context.Context) ([]Product, error)
	// Reviews returns the latest customer reviews. An error with a message
	// the visitor may read is a *runnel.PublicError.
	Reviews func(ctx context.Context) ([]Review, error)
}

// Config configures the shop's handler.
type Config struct {
	// Assets holds templates/ (base.html, home.html) and static/.
	Assets fs.FS
	// Services are the back ends.
	Services Services
	// ReviewsTimeout bounds the reviews call (default 1.5s). A template's
	// {% defer timeout=… %} is a literal, so a configurable deadline is
	// applied here, around the call; the section's {% error %} content
	// sees it as error.timeout.
	ReviewsTimeout time.Duration
	// Simulated describes the simulated latency of each service, shown in
	// the page footer.
	Simulated []string
	// Logger receives a line per request and the render errors (default
	// slog.Default()).
	Logger *slog.Logger
}

// New returns the shop's handler:
//
//	GET /           the home page, streamed (in order for crawlers and
//	                HEAD, see runnel.ModeFor); ?script=1 forces the script
//	                fallback for the out-of-order sections
//	GET /in-order   the same page, streamed in document order, no script
//	GET /buffered   the same page, rendered whole before it is sent
//	GET /static/…   the style sheet and icon
//
// Pages are compressed (zstd, gzip or brotli, by Accept-Encoding) with
// runnel's compress middleware, which keeps them streamed, and streamed
// pages start with a 103 Early Hints response that preloads the style
// sheet. Every response carries a strict Content-Security-Policy with a fresh
// nonce, which runnel puts on its scripts.
func New(cfg Config) (http.Handler, error) {
	if cfg.ReviewsTimeout <= 0 {
		cfg.ReviewsTimeout = 1500 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	templates, err := fs.Sub(cfg.Assets, "templates")
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(cfg.Assets, "static")
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	eng := runnel.New(templates,
		runnel.WithLibrary("static", staticlib.Library(staticlib.Options{})),
		runnel.WithErrorHandler(func(ctx context.Context, err error) {
			logger.ErrorContext(ctx, "render error", "err", err)
		}))
	home, err := eng.Template("home.html") // compile now: fail at start, not per request
	if err != nil {
		return nil, err
	}
	s := &shop{cfg: cfg, home: home}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", s.page(nil))
	mux.Handle("GET /in-order", s.page(new(runnel.InOrder)))
	mux.Handle("GET /buffered", s.page(new(runnel.Buffered)))
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	// Compression is outermost, so that the log counts the page's own
	// bytes; it flushes when runnel flushes, so the page still streams.
	return compress.Handler(withCSP(logRequests(logger, mux))), nil
}

type shop struct {
	cfg  Config
	home *runnel.Template
}

// page serves the home page in the given mode (nil: by request).
func (s *shop) page(mode *runnel.Mode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := runnel.ModeFor(r)
		if mode != nil {
			m = *mode
		}
		opts := runnel.ServeOptions{Mode: &m, ScriptOnly: r.URL.Query().Get("script") == "1"}
		w.Header().Set("X-Runnel-Mode", m.String())
		if lw, ok := w.(*logWriter); ok {
			lw.mode = m.String()
		}

		// Everything slow starts now, concurrently, so that the page costs
		// its slowest value and not the sum. The context ends when this
		// handler returns, which stops whatever is still running.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		r = r.WithContext(ctx)
		if err := s.home.Serve(w, r, s.data(ctx), opts); err != nil {
			if runnel.ClientGone(err) {
				// A visitor who leaves is routine, not an error.
				s.cfg.Logger.DebugContext(ctx, "client went away", "path", r.URL.Path, "err", err)
				return
			}
			s.cfg.Logger.ErrorContext(ctx, "page failed", "path", r.URL.Path, "err", err)
			runnel.WriteError(w, r, err) // writes nothing once the page has started
		}
	})
}

// data builds the page's data. The fast parts are plain values; the slow
// parts are late values that start with the render.
func (s *shop) data(ctx context.Context) map[string]any {
	svc := s.cfg.Services
	timeout := s.cfg.ReviewsTimeout
	return map[string]any{
		"shop":       map[string]any{"name": "Fernhill & Co.", "tagline": "Goods for slow mornings"},
		"categories": []any{"New in", "Kitchen", "Tableware", "Textiles", "Lighting", "Gifts"},
		"cart_count": 2,
		"hero": map[string]any{
			"eyebrow": "The autumn edit",
			"title":   "Slow coffee, fast pages.",
			"text":    "Stoneware, linen and brass for the first hour of the day. This page is sent while our services are still thinking: what is ready shows at once, the rest streams in.",
		},
		"simulated": s.cfg.Simulated,
		// A channel fed by the service's own goroutine, started here.
		"recommendations": svc.Recommendations(ctx),
		// Functions of a context: runnel calls each in its own goroutine when
		// the render starts, and cancels and waits for them when it ends.
		"recently_viewed": svc.RecentlyViewed,
		"reviews": func(ctx context.Context) ([]Review, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			reviews, err := svc.Reviews(ctx)
			if err != nil {
				return nil, fmt.Errorf("reviews service: %w", err)
			}
			return reviews, nil
		},
	}
}

// ---- Content-Security-Policy ----

// withCSP gives every request a fresh nonce (in its context, where runnel
// and {{ csp_nonce }} find it) and a strict policy: scripts only with the
// nonce, styles only from the site's own files (no inline style at all).
func withCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nonce := newNonce()
		w.Header().Set("Content-Security-Policy",
			"default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self'; img-src 'self'; "+
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r.WithContext(runnel.WithNonce(r.Context(), nonce)))
	})
}

func newNonce() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// ---- request log ----

// logWriter records what a request answered. It implements Unwrap, so
// http.ResponseController (which runnel flushes through) reaches the
// server's writer behind it.
type logWriter struct {
	http.ResponseWriter
	start     time.Time
	status    int
	bytes     int64
	firstByte time.Duration
	mode      string
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // not a 103 Early Hints
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.bytes == 0 && len(p) > 0 {
		w.firstByte = time.Since(w.start)
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs each request when it ends, with its time to first byte
// (the shell) and its total time (the slowest late value).
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lw := &logWriter{ResponseWriter: w, start: time.Now()}
		next.ServeHTTP(lw, r)
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.RequestURI()),
			slog.Int("status", lw.status),
			slog.Int64("bytes", lw.bytes),
			slog.Duration("ttfb", lw.firstByte),
			slog.Duration("duration", time.Since(lw.start)),
		}
		if lw.mode != "" {
			attrs = append(attrs, slog.String("mode", lw.mode))
		}
		if err := r.Context().Err(); err != nil {
			attrs = append(attrs, slog.String("client", "gone"))
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
