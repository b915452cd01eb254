package browsertest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/runnelhq/runnel/examples/shop/storefront"
)

// TestEarlyHintsMeasure measures how much sooner headless Chromium starts
// fetching the shop's style sheet when the page starts with runnel's
// 103 Early Hints than when it does not. It is a measurement, not a check,
// and runs only with RUNNEL_MEASURE_EARLY_HINTS=1:
//
//	cd browsertest && RUNNEL_MEASURE_EARLY_HINTS=1 go test -count=1 -run TestEarlyHintsMeasure -v .
//
// Chromium uses a 103 only for a main-frame navigation over HTTP/2 (or 3),
// so the shop is served over TLS with HTTP/2 (httptest's certificate, which
// the browser is told to accept); each run checks that the page came over
// h2 and, with hints on, that Chromium saw the 103.
//
// The shop's 103 carries its Content-Security-Policy (net/http sends the
// whole header map with a 1xx), and Chromium 156 checks an early hint's
// preload against every directive of the fallback chain: default-src
// 'none' blocks it although style-src 'self' allows it. So each scenario
// runs twice: with the 103 as the shop sends it, and with the 103 without
// the CSP header. Resource Timing's startTime of shop.css is when the
// parser asked for it, even when the preload already had it; when the
// fetch started is measured at the server (and by CDP's
// Network.requestWillBeSent).
//
// Hints off means no 103 and no Link header, as with
// ServeOptions.NoEarlyHints: the storefront has no switch for it, so a
// middleware drops runnel's 103 and its Link headers. The style sheet is
// served 50 ms late, and the shop's services are slow (the demo's default
// latencies), so the shell streams and the sections follow. Two timings:
// the demo as it is (the shell is written right after the 103), and a
// server that thinks 100 ms between the 103 and the shell (in both modes,
// at the same point). Each run uses a fresh browser context (an empty
// cache and a new connection); hints on and off alternate.
//
// RUNNEL_EARLY_HINTS_ROUNDS sets the rounds per mode and scenario (default
// 15); RUNNEL_EARLY_HINTS_OUT names a file for the table and the raw runs.
func TestEarlyHintsMeasure(t *testing.T) {
	if os.Getenv("RUNNEL_MEASURE_EARLY_HINTS") != "1" {
		t.Skip("a measurement: set RUNNEL_MEASURE_EARLY_HINTS=1 to run it")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the measurement needs headless Chromium at %s: %v", chromiumPath, err)
	}
	rounds := 15
	if s := os.Getenv("RUNNEL_EARLY_HINTS_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("RUNNEL_EARLY_HINTS_ROUNDS=%q: want a positive number", s)
		}
		rounds = n
	}

	knobs := &ehKnobs{cssDelay: 50 * time.Millisecond}
	srv := ehServer(t, knobs)
	bctx := ehBrowser(t, srv)

	var out strings.Builder
	ver, err := chromedp.CallBrowser(bctx, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&out, "early hints, headless %s, %s, go %s\n", ver.Product, time.Now().UTC().Format(time.RFC3339), strings.TrimPrefix(runtime.Version(), "go"))
	fmt.Fprintf(&out, "shop over https h2 (httptest TLS, trusted by --ignore-certificate-errors-spki-list); shop.css delayed %v; services: recommendations 700ms/item, recently viewed 1s, reviews 1.2s\n", knobs.cssDelay)
	fmt.Fprintf(&out, "%d rounds per mode and scenario, on/off interleaved (order alternating), a fresh browser context per run, after one discarded warm-up pair\n\n", rounds)

	type scenario struct {
		name    string
		think   time.Duration
		noCSP   bool // the 103 goes without the page's Content-Security-Policy
		preload bool // Chromium is expected to act on the 103
	}
	scenarios := []scenario{
		{"a: demo as is (shell right after the 103; the page has a strict CSP; runnel's 103 carries only Link)", 0, false, false},
		{"b: 100 ms server think-time between the 103 and the shell (strict CSP on the page, not on the 103)", 100 * time.Millisecond, false, true},
		{"a': as a, a wrapper also strips every other header from the 103 (control)", 0, true, true},
		{"b': as b, a wrapper also strips every other header from the 103 (control)", 100 * time.Millisecond, true, true},
	}
	var raw strings.Builder
	var sanity []string
	for _, sc := range scenarios {
		knobs.set(sc.think, sc.noCSP)
		runs := map[bool][]ehMetrics{}
		for i := -1; i < rounds; i++ { // round -1 is the warm-up
			order := []bool{true, false}
			if i%2 != 0 {
				order = []bool{false, true}
			}
			for _, hints := range order {
				m := ehRun(t, bctx, srv, knobs, hints)
				if i < 0 {
					continue
				}
				runs[hints] = append(runs[hints], m)
				fmt.Fprintf(&raw, "%s\tround %2d\t%s\n", sc.name[:strings.IndexByte(sc.name, ':')], i, m)
			}
		}
		on, off := runs[true], runs[false]
		fmt.Fprintf(&out, "scenario %s\n", sc.name)
		fmt.Fprintf(&out, "  %-44s %10s %10s %10s\n", "median, ms from navigation start", "hints on", "hints off", "on - off")
		row := func(name string, f func(ehMetrics) float64) (float64, float64) {
			a, b := ehMedian(on, f), ehMedian(off, f)
			fmt.Fprintf(&out, "  %-44s %10.1f %10.1f %+10.1f\n", name, a, b, a-b)
			return a, b
		}
		row("document 200 headers (finalResponseHeadersStart)", func(m ehMetrics) float64 { return m.NavResponseStart })
		row("shop.css startTime (Resource Timing)", func(m ehMetrics) float64 { return m.CSSStart })
		row("shop.css requestStart", func(m ehMetrics) float64 { return m.CSSRequestStart })
		row("shop.css responseEnd", func(m ehMetrics) float64 { return m.CSSResponseEnd })
		row("first-contentful-paint", func(m ehMetrics) float64 { return m.FCP })
		row("CDP: shop.css requestWillBeSent after document's", func(m ehMetrics) float64 { return m.CDPCSSAfter })
		row("server: shop.css request arrives after page's", func(m ehMetrics) float64 { return m.ServerCSSAfter })
		fmt.Fprintf(&out, "  checks: h2 %d/%d on, %d/%d off; 103 seen (firstInterimResponseStart > 0) %d/%d on, %d/%d off; shop.css fetched once %d/%d on, %d/%d off\n\n",
			ehCount(on, func(m ehMetrics) bool { return m.Proto == "h2" }), len(on),
			ehCount(off, func(m ehMetrics) bool { return m.Proto == "h2" }), len(off),
			ehCount(on, func(m ehMetrics) bool { return m.Interim > 0 }), len(on),
			ehCount(off, func(m ehMetrics) bool { return m.Interim > 0 }), len(off),
			ehCount(on, func(m ehMetrics) bool { return m.CSSRequests == 1 }), len(on),
			ehCount(off, func(m ehMetrics) bool { return m.CSSRequests == 1 }), len(off))

		for _, m := range on {
			if m.Proto != "h2" || m.Interim <= 0 {
				sanity = append(sanity, fmt.Sprintf("%s: a hinted run was not h2 with a 103: %s", sc.name, m))
				break
			}
		}
		for _, m := range off {
			if m.Interim > 0 {
				sanity = append(sanity, fmt.Sprintf("%s: an unhinted run saw a 103: %s", sc.name, m))
				break
			}
		}
		// Resource Timing's startTime is when the parser asked for the
		// style sheet, even when the 103's preload already had it, so the
		// start of the fetch is taken where it happens: at the server.
		offStart := ehMedian(off, func(m ehMetrics) float64 { return m.ServerCSSAfter })
		if onStart := ehMedian(on, func(m ehMetrics) float64 { return m.ServerCSSAfter }); sc.preload && !(onStart < offStart) {
			sanity = append(sanity, fmt.Sprintf("%s: hinted median shop.css request %.1f ms is not before the unhinted %.1f ms", sc.name, onStart, offStart))
		}
	}
	fmt.Fprintf(&out, "raw runs (ms from navigation start)\n%s", raw.String())
	t.Log("\n" + out.String())
	if path := os.Getenv("RUNNEL_EARLY_HINTS_OUT"); path != "" {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	for _, s := range sanity {
		t.Error(s)
	}
}

// ehKnobs are the server's settings for the next run, and what it saw.
type ehKnobs struct {
	cssDelay time.Duration

	mu       sync.Mutex
	hints    bool
	think    time.Duration
	noCSP    bool
	pageAt   time.Time
	cssAt    []time.Time
	hintSent bool
}

func (k *ehKnobs) set(think time.Duration, noCSP bool) {
	k.mu.Lock()
	k.think, k.noCSP = think, noCSP
	k.mu.Unlock()
}

func (k *ehKnobs) reset(hints bool) {
	k.mu.Lock()
	k.hints, k.pageAt, k.cssAt, k.hintSent = hints, time.Time{}, nil, false
	k.mu.Unlock()
}

// ehWriter drops runnel's 103 and its Link headers when hints are off,
// sends the 103 without the Content-Security-Policy header when the knobs
// say so, and waits for the server's think-time after the 103 (sent or
// dropped).
type ehWriter struct {
	http.ResponseWriter
	ctx     context.Context
	k       *ehKnobs
	thought bool
}

func (w *ehWriter) WriteHeader(code int) {
	if code == http.StatusEarlyHints {
		w.k.mu.Lock()
		hints, think, noCSP := w.k.hints, w.k.think, w.k.noCSP
		w.k.hintSent = w.k.hintSent || hints
		w.k.mu.Unlock()
		if hints {
			if noCSP {
				// net/http sends the whole header map with a 1xx.
				csp := w.Header().Get("Content-Security-Policy")
				w.Header().Del("Content-Security-Policy")
				w.ResponseWriter.WriteHeader(code)
				w.Header().Set("Content-Security-Policy", csp)
			} else {
				w.ResponseWriter.WriteHeader(code)
			}
		} else {
			w.Header().Del("Link")
		}
		if !w.thought && think > 0 {
			w.thought = true
			ehSleep(w.ctx, think)
		}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *ehWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func ehSleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// ehServer serves the shop over TLS with HTTP/2, with slow services, a
// slow style sheet, and the knobs' hints and think-time.
func ehServer(t *testing.T, k *ehKnobs) *httptest.Server {
	t.Helper()
	h, err := storefront.New(storefront.Config{
		Assets:         shopAssets,
		Services:       ehServices(),
		ReviewsTimeout: 1500 * time.Millisecond,
		Simulated:      []string{"simulated by the early hints measurement"},
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		switch r.URL.Path {
		case "/":
			k.mu.Lock()
			k.pageAt = now
			k.mu.Unlock()
			h.ServeHTTP(&ehWriter{ResponseWriter: w, ctx: r.Context(), k: k}, r)
			return
		case "/static/shop.css":
			k.mu.Lock()
			k.cssAt = append(k.cssAt, now)
			k.mu.Unlock()
			ehSleep(r.Context(), k.cssDelay)
		}
		h.ServeHTTP(w, r)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// ehServices are the shop's back ends with the demo's default latencies
// (recommendations 700 ms each, recently viewed 1 s), the reviews at a
// fixed 1.2 s (the demo's are random and sometimes fail).
func ehServices() storefront.Services {
	picks := []storefront.Product{
		{ID: 3, Name: "Speckled mug", Category: "Tableware", Price: 22, Rating: 4.9, Reviews: 431, Swatch: "sage"},
		{ID: 7, Name: "Enamel kettle", Category: "Kitchen", Price: 64, Rating: 4.5, Reviews: 1, Swatch: "ink"},
		{ID: 1, Name: "Stoneware pour-over", Category: "Kitchen", Price: 38, Rating: 4.8, Reviews: 212, Swatch: "clay"},
	}
	return storefront.Services{
		Recommendations: func(ctx context.Context) <-chan storefront.Product {
			ch := make(chan storefront.Product, len(picks))
			go func() {
				defer close(ch)
				for _, p := range picks {
					ehSleep(ctx, 700*time.Millisecond)
					if ctx.Err() != nil {
						return
					}
					ch <- p
				}
			}()
			return ch
		},
		RecentlyViewed: func(ctx context.Context) ([]storefront.Product, error) {
			ehSleep(ctx, time.Second)
			return recent, ctx.Err()
		},
		Reviews: func(ctx context.Context) ([]storefront.Review, error) {
			ehSleep(ctx, 1200*time.Millisecond)
			return reviews, ctx.Err()
		},
	}
}

// ehBrowser starts a headless Chromium of its own, which accepts the test
// server's certificate.
//
// The certificate is trusted by its public key
// (--ignore-certificate-errors-spki-list) rather than by
// --ignore-certificate-errors, so that the navigation has no certificate
// error to treat differently.
func ehBrowser(t *testing.T, srv *httptest.Server) context.Context {
	t.Helper()
	dir := t.TempDir()
	spki := sha256.Sum256(srv.Certificate().RawSubjectPublicKeyInfo)
	opts := chromiumOptions(dir, chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return ctx
}

// ehMetrics is one page load, in milliseconds from the navigation's start.
type ehMetrics struct {
	Hints            bool    `json:"-"`
	Proto            string  `json:"proto"`
	Interim          float64 `json:"interim"` // firstInterimResponseStart
	NavResponseStart float64 `json:"navResponseStart"`
	CSSStart         float64 `json:"cssStart"`
	CSSRequestStart  float64 `json:"cssRequestStart"`
	CSSResponseStart float64 `json:"cssResponseStart"`
	CSSResponseEnd   float64 `json:"cssResponseEnd"`
	CSSInitiator     string  `json:"cssInitiator"`
	CSSProto         string  `json:"cssProto"`
	CSSBlocking      string  `json:"cssBlocking"`
	FCP              float64 `json:"fcp"`

	CSSRequests    int     `json:"-"` // how many times the server served shop.css
	ServerCSSAfter float64 `json:"-"` // the first, after the page's request
	CDPCSSAfter    float64 `json:"-"` // Network.requestWillBeSent of shop.css after the document's
	CDPCSSInit     string  `json:"-"`
	CDPEarlyHints  bool    `json:"-"` // Network.responseReceivedEarlyHints
}

func (m ehMetrics) String() string {
	mode := "off"
	if m.Hints {
		mode = "on "
	}
	return fmt.Sprintf("hints %s proto=%s interim=%.1f navResponseStart=%.1f css{start=%.1f requestStart=%.1f responseStart=%.1f responseEnd=%.1f initiator=%s proto=%s renderBlocking=%s} fcp=%.1f server{cssRequests=%d cssAfterPage=%.1f} cdp{cssAfterDoc=%.1f initiator=%s earlyHintsEvent=%v}",
		mode, m.Proto, m.Interim, m.NavResponseStart, m.CSSStart, m.CSSRequestStart, m.CSSResponseStart, m.CSSResponseEnd, m.CSSInitiator, m.CSSProto, m.CSSBlocking, m.FCP,
		m.CSSRequests, m.ServerCSSAfter, m.CDPCSSAfter, m.CDPCSSInit, m.CDPEarlyHints)
}

const ehMetricsJS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const css = performance.getEntriesByType('resource').find(e => new URL(e.name).pathname === '/static/shop.css');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  if (!nav || !css || !fcp || !(css.responseEnd > 0)) return null;
  return {proto: nav.nextHopProtocol, interim: nav.firstInterimResponseStart || 0, navResponseStart: nav.finalResponseHeadersStart || nav.responseStart,
    cssStart: css.startTime, cssRequestStart: css.requestStart, cssResponseStart: css.responseStart, cssResponseEnd: css.responseEnd,
    cssInitiator: css.initiatorType, cssProto: css.nextHopProtocol, cssBlocking: css.renderBlockingStatus || '', fcp: fcp.startTime};
})()`

// ehRun loads the shop's page once in a fresh browser context and returns
// its timings, once the style sheet has loaded and the page has painted.
func ehRun(t *testing.T, bctx context.Context, srv *httptest.Server, k *ehKnobs, hints bool) ehMetrics {
	t.Helper()
	k.reset(hints)
	tabCtx, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer closeTab()
	ctx, cancel := context.WithTimeout(tabCtx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	if os.Getenv("RUNNEL_EARLY_HINTS_CACHE_DISABLED") == "1" {
		if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			t.Fatal(err)
		}
	}

	url := srv.URL + "/"
	var (
		mu              sync.Mutex
		docAt, cssAt    float64
		cssInit         string
		earlyHintsEvent bool
	)
	docReq := network.RequestID("")
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			switch {
			case e.Request.URL == url && docAt == 0:
				docAt, docReq = e.Timestamp.Float64()*1000, e.RequestID
			case strings.HasSuffix(e.Request.URL, "/static/shop.css") && cssAt == 0:
				cssAt = e.Timestamp.Float64() * 1000
				if e.Initiator != nil {
					cssInit = string(e.Initiator.Type)
				}
			}
		case *network.EventResponseReceivedEarlyHints:
			if e.RequestID == docReq {
				earlyHintsEvent = true
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.Navigate, page.NavigateParams{URL: url})
		if err == nil && res.ErrorText != "" {
			err = errors.New(res.ErrorText)
		}
		return err
	}))
	if err != nil {
		t.Fatalf("navigating to %s: %v", url, err)
	}
	var m *ehMetrics
	for deadline := time.Now().Add(15 * time.Second); ; {
		m, err = chromedp.Run(ctx, chromedp.Evaluate[*ehMetrics](ehMetricsJS))
		if err != nil {
			t.Fatalf("reading the timings: %v", err)
		}
		if m != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the page did not load its style sheet and paint within 15s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	m.Hints = hints
	k.mu.Lock()
	m.CSSRequests = len(k.cssAt)
	if len(k.cssAt) > 0 && !k.pageAt.IsZero() {
		m.ServerCSSAfter = float64(k.cssAt[0].Sub(k.pageAt).Microseconds()) / 1000
	}
	if hints && !k.hintSent {
		t.Errorf("the server sent no 103 in a hinted run")
	}
	k.mu.Unlock()
	mu.Lock()
	if docAt > 0 && cssAt > 0 {
		m.CDPCSSAfter = cssAt - docAt
	}
	m.CDPCSSInit, m.CDPEarlyHints = cssInit, earlyHintsEvent
	mu.Unlock()
	return *m
}

func ehMedian(ms []ehMetrics, f func(ehMetrics) float64) float64 {
	if len(ms) == 0 {
		return 0
	}
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}

func ehCount(ms []ehMetrics, f func(ehMetrics) bool) int {
	n := 0
	for _, m := range ms {
		if f(m) {
			n++
		}
	}
	return n
}
