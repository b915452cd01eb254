package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/examples/shop/storefront"
	"github.com/runnelhq/runnel/internal/streamtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"

// gated are fake services that answer only when the test says so.
type gated struct {
	recs          chan storefront.Product // the test sends picks, then closes it
	recent        chan struct{}           // closed: RecentlyViewed answers
	reviews       chan struct{}           // closed: Reviews answers
	reviewsErr    error
	stopped       chan string // each service reports here when its context ended
	recentResult  []storefront.Product
	reviewsResult []storefront.Review
}

func newGated() *gated {
	return &gated{
		recs:          make(chan storefront.Product),
		recent:        make(chan struct{}),
		reviews:       make(chan struct{}),
		stopped:       make(chan string, 3),
		recentResult:  []storefront.Product{catalog[2], catalog[8]},
		reviewsResult: demoReviews(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
	}
}

func (g *gated) services() storefront.Services {
	return storefront.Services{
		Recommendations: func(ctx context.Context) <-chan storefront.Product {
			out := make(chan storefront.Product)
			go func() {
				defer close(out)
				for {
					select {
					case p, ok := <-g.recs:
						if !ok {
							return
						}
						select {
						case out <- p:
						case <-ctx.Done():
							g.stopped <- "recommendations"
							return
						}
					case <-ctx.Done():
						g.stopped <- "recommendations"
						return
					}
				}
			}()
			return out
		},
		RecentlyViewed: func(ctx context.Context) ([]storefront.Product, error) {
			select {
			case <-g.recent:
				return g.recentResult, nil
			case <-ctx.Done():
				g.stopped <- "recent"
				return nil, ctx.Err()
			}
		},
		Reviews: func(ctx context.Context) ([]storefront.Review, error) {
			select {
			case <-g.reviews:
				return g.reviewsResult, g.reviewsErr
			case <-ctx.Done():
				g.stopped <- "reviews"
				return nil, ctx.Err()
			}
		},
	}
}

// ready are fake services that answer at once.
func ready(reviewsErr error) storefront.Services {
	g := newGated()
	g.reviewsErr = reviewsErr
	close(g.recent)
	close(g.reviews)
	return storefront.Services{
		Recommendations: func(ctx context.Context) <-chan storefront.Product {
			ch := make(chan storefront.Product, 3)
			ch <- catalog[3]
			ch <- catalog[7]
			ch <- catalog[1]
			close(ch)
			return ch
		},
		RecentlyViewed: g.services().RecentlyViewed,
		Reviews:        g.services().Reviews,
	}
}

// logBuffer collects the shop's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newServer(t *testing.T, svc storefront.Services, timeout time.Duration) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	h, err := storefront.New(storefront.Config{
		Assets:         assets,
		Services:       svc,
		ReviewsTimeout: timeout,
		Simulated:      []string{"faked by the test"},
		Logger:         slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logs
}

func get(t *testing.T, ctx context.Context, srv *httptest.Server, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", browserUA)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return resp
}

func getBody(t *testing.T, srv *httptest.Server, path string) (string, http.Header) {
	t.Helper()
	resp := get(t, context.Background(), srv, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp.Header
}

// TestShellArrivesBeforeSlowValues reads the streamed page while every
// service is held back: the header, navigation, hero and both skeletons must
// have arrived. Then each service is released in turn and its part arrives.
func TestShellArrivesBeforeSlowValues(t *testing.T) {
	g := newGated()
	srv, _ := newServer(t, g.services(), 10*time.Second)
	resp := get(t, context.Background(), srv, "/")
	defer resp.Body.Close()
	if got := resp.Header.Get("X-Runnel-Mode"); got != "streaming" {
		t.Fatalf("mode %q", got)
	}
	rd := streamtest.NewReader(t, resp.Body)

	shell := rd.Until(`<ol class="grid">`)
	for _, want := range []string{
		`<header class="site-header">`, `<a href="#kitchen">Kitchen</a>`, `<h1>Slow coffee, fast pages.</h1>`,
		`<?start name="runnel-1">`, `<li class="mini skeleton">`, `<?start name="runnel-2">`, `<div class="review skeleton">`,
		`<h2>Recommended for you</h2>`,
	} {
		if !strings.Contains(shell, want) {
			t.Errorf("shell lacks %q", want)
		}
	}
	for _, p := range catalog {
		if strings.Contains(shell, p.Name) {
			t.Errorf("shell already has %q", p.Name)
		}
	}

	// The first pick streams in place while the other services still wait.
	g.recs <- catalog[3]
	if got := rd.Until(`</li>`); !strings.Contains(got, "<h3>Speckled mug</h3>") {
		t.Fatalf("first pick: %q", got)
	}
	// "Recently viewed" is sent out of order, into its placeholder.
	close(g.recent)
	rd.Until(`__runnel("runnel-1");</script>`)
	// The page is waiting inside the recommendations list, which does not
	// contain the placeholder: the section is carried for the script.
	if got := rd.Got(); !strings.Contains(got, `<template data-runnel-for="runnel-1">`) || !strings.Contains(got, "Linen tea towel") {
		t.Fatalf("recent section: %q", got[len(shell):])
	}
	close(g.reviews)
	rd.Until(`__runnel("runnel-2");</script>`)
	if got := rd.Got(); !strings.Contains(got, "The mug I reach for first") {
		t.Fatalf("reviews section: %q", got[len(shell):])
	}
	g.recs <- catalog[7]
	close(g.recs)
	rest := rd.Until("</html>\n")
	if !strings.Contains(rest, "<h3>Enamel kettle</h3>") || !strings.Contains(rest, "Simulated latency") {
		t.Fatalf("end of page: %q", rest)
	}
}

// TestBufferedEqualsInOrder: the buffered page is the in-order page, byte
// for byte, and neither has a placeholder or a script.
func TestBufferedEqualsInOrder(t *testing.T) {
	srv, _ := newServer(t, ready(nil), 10*time.Second)
	inOrder, h1 := getBody(t, srv, "/in-order")
	buffered, h2 := getBody(t, srv, "/buffered")
	if inOrder != buffered {
		t.Fatalf("in-order and buffered pages differ:\n--- in-order\n%s\n--- buffered\n%s", inOrder, buffered)
	}
	if h1.Get("X-Runnel-Mode") != "in-order" || h2.Get("X-Runnel-Mode") != "buffered" {
		t.Fatalf("modes %q %q", h1.Get("X-Runnel-Mode"), h2.Get("X-Runnel-Mode"))
	}
	for _, bad := range []string{"<script", "<template", "<?start", "skeleton"} {
		if strings.Contains(inOrder, bad) {
			t.Errorf("in-order page has %q", bad)
		}
	}
	for _, want := range []string{"<h3>Speckled mug</h3>", "<h3>Stoneware pour-over</h3>", "Glass carafe", "Warm without the weight", "★★★★☆", "27 Feb 2026" /* date filter */, "€14.50"} {
		if !strings.Contains(inOrder, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestStreamedPageHasTheSameContent: once the sections are moved into their
// placeholders, the streamed page says what the in-order page says.
func TestStreamedPageHasTheSameContent(t *testing.T) {
	srv, _ := newServer(t, ready(nil), 10*time.Second)
	inOrder, _ := getBody(t, srv, "/in-order")
	for _, path := range []string{"/", "/?script=1"} {
		streamed, _ := getBody(t, srv, path)
		if got, want := text(streamed), text(inOrder); got != want {
			t.Errorf("%s: text differs from the in-order page\n got: %s\nwant: %s", path, got, want)
		}
	}
}

var (
	sectionRE = regexp.MustCompile(`(?s)<template (?:data-runnel-)?for="[^"]*">.*?</template><script[^>]*>.*?</script>`)
	markerRE  = regexp.MustCompile(`(?s)(<!--)?<\?start name="[^"]*">(-->)?.*?(<!--)?<\?end>(-->)?`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
)

// text is a page's words, with the placeholders dropped and each section's
// content counted once (wherever it was sent).
func text(page string) string {
	var sections []string
	page = sectionRE.ReplaceAllStringFunc(page, func(s string) string {
		sections = append(sections, s)
		return ""
	})
	page = markerRE.ReplaceAllString(page, "")
	words := strings.Fields(tagRE.ReplaceAllString(page, " "))
	for _, s := range sections {
		words = append(words, strings.Fields(tagRE.ReplaceAllString(s[:strings.LastIndex(s, "</template>")], " "))...)
	}
	slices.Sort(words)
	return strings.Join(words, " ")
}

// TestReviewsFailureShowsErrorContent: a failing reviews service shows the
// section's error content with the public message, and nothing of the
// internal error; a service slower than the deadline shows the timeout
// message. The rest of the page is unharmed, in every mode.
func TestReviewsFailureShowsErrorContent(t *testing.T) {
	fail := &runnel.PublicError{Message: "Reviews are <resting>.", Err: errors.New("dial tcp 10.0.0.7:5432: connection refused")}
	srv, logs := newServer(t, ready(fail), 10*time.Second)
	for _, path := range []string{"/", "/?script=1", "/in-order", "/buffered"} {
		page, _ := getBody(t, srv, path)
		if !strings.Contains(page, `<div class="notice warn" role="status">`) || !strings.Contains(page, "<strong>Reviews are &lt;resting&gt;.</strong>") {
			t.Errorf("%s: no error content:\n%s", path, page)
		}
		if strings.Contains(page, "10.0.0.7") || strings.Contains(page, "refused") {
			t.Errorf("%s: internal error leaked", path)
		}
		if !strings.Contains(page, "<h3>Enamel kettle</h3>") || !strings.Contains(page, "Glass carafe") {
			t.Errorf("%s: the rest of the page is missing", path)
		}
	}
	if !strings.Contains(logs.String(), "connection refused") {
		t.Errorf("the failure was not logged: %s", logs)
	}

	// Reviews that never come: the deadline shows the timeout message.
	g := newGated()
	close(g.recent)
	close(g.recs)
	srv, _ = newServer(t, g.services(), 20*time.Millisecond)
	for _, path := range []string{"/", "/in-order"} {
		page, _ := getBody(t, srv, path)
		if !strings.Contains(page, "<strong>Reviews are taking longer than usual.</strong>") {
			t.Errorf("%s: no timeout content:\n%s", path, page)
		}
	}
}

// TestSlowValuesStartTogether: each service waits until the three have
// been called. A page that called them one after the other would never
// finish; this one costs its slowest value, not the sum.
func TestSlowValuesStartTogether(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(3)
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	await := func(ctx context.Context) error {
		wg.Done()
		select {
		case <-all:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return errors.New("the services were not started together")
		}
	}
	svc := storefront.Services{
		Recommendations: func(ctx context.Context) <-chan storefront.Product {
			ch := make(chan storefront.Product, 1)
			go func() {
				defer close(ch)
				if await(ctx) == nil {
					ch <- catalog[5]
				}
			}()
			return ch
		},
		RecentlyViewed: func(ctx context.Context) ([]storefront.Product, error) {
			return []storefront.Product{catalog[6]}, await(ctx)
		},
		Reviews: func(ctx context.Context) ([]storefront.Review, error) {
			return demoReviews(time.Now())[:1], await(ctx)
		},
	}
	srv, _ := newServer(t, svc, 10*time.Second)
	// In order is the strictest: the reviews section renders in place, before
	// the recommendations are read.
	page, _ := getBody(t, srv, "/in-order")
	for _, want := range []string{"Oak serving board", "Wool throw", "The mug I reach for first"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestClientGoneStopsServices: a visitor who leaves mid-page stops every
// service still working (no goroutine is left behind: see TestMain).
func TestClientGoneStopsServices(t *testing.T) {
	g := newGated()
	srv, _ := newServer(t, g.services(), 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	resp := get(t, ctx, srv, "/")
	rd := streamtest.NewReader(t, resp.Body)
	rd.Until(`<ol class="grid">`)
	cancel()
	resp.Body.Close()
	stopped := map[string]bool{}
	for len(stopped) < 3 {
		select {
		case s := <-g.stopped:
			stopped[s] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("services still running after the client left; stopped: %v", stopped)
		}
	}
}

// TestStrictCSP: every response has a policy with a fresh nonce; the
// runnel scripts carry it; no element has an inline style; the style sheet
// is served by the app.
func TestStrictCSP(t *testing.T) {
	srv, _ := newServer(t, ready(nil), 10*time.Second)
	nonceRE := regexp.MustCompile(`script-src 'nonce-([A-Za-z0-9+/=]+)'`)
	seen := map[string]bool{}
	for _, path := range []string{"/", "/?script=1", "/in-order", "/buffered"} {
		page, h := getBody(t, srv, path)
		csp := h.Get("Content-Security-Policy")
		m := nonceRE.FindStringSubmatch(csp)
		if m == nil || !strings.Contains(csp, "style-src 'self'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
			t.Fatalf("%s: policy %q", path, csp)
		}
		if seen[m[1]] {
			t.Errorf("nonce reused: %s", m[1])
		}
		seen[m[1]] = true
		scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1)
		if path == "/" || path == "/?script=1" {
			// Sections that complete together share one script.
			if len(scripts) < 1 || len(scripts) > 2 || strings.Count(page, `__runnel("runnel-`) != 2 {
				t.Errorf("%s: %d scripts, want one or two moving both sections", path, len(scripts))
			}
		}
		for _, s := range scripts {
			if s != `<script nonce="`+m[1]+`">` {
				t.Errorf("%s: script without the page's nonce: %s", path, s)
			}
		}
		if regexp.MustCompile(`(?i)\sstyle\s*=|<style`).MatchString(page) {
			t.Errorf("%s: inline style", path)
		}
	}
	css, h := getBody(t, srv, "/static/shop.css")
	if !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(css, ".skeleton") {
		t.Fatalf("style sheet: %q %.80q", h.Get("Content-Type"), css)
	}
}

// TestSimulatedServices checks the demo's stand-ins: they answer after
// their delay, and stop when the request ends.
func TestSimulatedServices(t *testing.T) {
	sim := &simulated{recDelay: time.Millisecond, recentDelay: time.Millisecond, reviewsDelay: 4 * time.Millisecond}
	var n int
	for range sim.recommendations(context.Background()) {
		n++
	}
	if n != 6 {
		t.Fatalf("%d picks", n)
	}
	if r, err := sim.recentlyViewed(context.Background()); err != nil || len(r) != 4 {
		t.Fatalf("%v %v", r, err)
	}
	if r, err := sim.reviews(context.Background()); err != nil || len(r) != 3 {
		t.Fatalf("%v %v", r, err)
	}
	sim.reviewsFailRate = 1
	var pe *runnel.PublicError
	if _, err := sim.reviews(context.Background()); !errors.As(err, &pe) {
		t.Fatalf("want a public error, got %v", err)
	}

	slow := &simulated{recDelay: time.Hour, recentDelay: time.Hour, reviewsDelay: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	ch := slow.recommendations(ctx)
	cancel()
	for range ch {
		t.Fatal("a pick after cancel")
	}
	if _, err := slow.recentlyViewed(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if _, err := slow.reviews(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
