package browsertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/runnelhq/runnel/examples/shop/storefront"
)

// The shop's assets, read from the example's directory.
var shopAssets = os.DirFS("../examples/shop")

var products = []storefront.Product{
	{ID: 1, Name: "Speckled mug", Category: "Tableware", Price: 22, Rating: 4.9, Reviews: 431, Swatch: "sage"},
	{ID: 2, Name: "Enamel kettle", Category: "Kitchen", Price: 64, Rating: 4.5, Reviews: 1, Swatch: "ink"},
	{ID: 3, Name: "Stoneware pour-over", Category: "Kitchen", Price: 38, Rating: 4.8, Reviews: 212, Swatch: "clay"},
	{ID: 4, Name: "Hand-thrown bowl", Category: "Tableware", Price: 31, Rating: 4.9, Reviews: 97, Swatch: "rose"},
	{ID: 5, Name: "Oak serving board", Category: "Kitchen", Price: 46, Rating: 4.7, Reviews: 128, Swatch: "clay"},
	{ID: 6, Name: "Cast-iron trivet", Category: "Kitchen", Price: 24, Rating: 4.6, Reviews: 41, Swatch: "ink"},
}

var recent = []storefront.Product{
	{ID: 7, Name: "Linen tea towel", Category: "Textiles", Price: 14.5, Swatch: "sand"},
	{ID: 8, Name: "Glass carafe", Category: "Tableware", Price: 29, Swatch: "sky"},
	{ID: 9, Name: "Brass candle snuffer", Category: "Lighting", Price: 27, Swatch: "sand"},
	{ID: 10, Name: "Beeswax candles, pair", Category: "Lighting", Price: 18, Swatch: "sand"},
}

var reviews = []storefront.Review{
	{Author: "Maren K.", Rating: 5, Product: "Speckled mug", Posted: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC),
		Title: "The mug I reach for first", Body: "Heavy in the hand, keeps coffee warm, and the glaze is even nicer in person."},
	{Author: "Tomás R.", Rating: 4, Product: "Stoneware pour-over", Posted: time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC),
		Title: "Slow, in the good way", Body: "Takes a minute to dial in the grind, but the cup is clean and sweet."},
}

// gates are fake services that hold their answers until the test releases
// them.
type gates struct {
	recs    chan storefront.Product // the test sends the picks, then closes it
	recent  chan struct{}
	reviews chan struct{}
}

func newGates() *gates {
	return &gates{recs: make(chan storefront.Product), recent: make(chan struct{}), reviews: make(chan struct{})}
}

// open returns gates that are all open: every service answers at once.
func openGates() *gates {
	g := &gates{recs: make(chan storefront.Product, len(products)), recent: make(chan struct{}), reviews: make(chan struct{})}
	for _, p := range products {
		g.recs <- p
	}
	close(g.recs)
	close(g.recent)
	close(g.reviews)
	return g
}

func (g *gates) services() storefront.Services {
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
							return
						}
					case <-ctx.Done():
						return
					}
				}
			}()
			return out
		},
		RecentlyViewed: func(ctx context.Context) ([]storefront.Product, error) {
			select {
			case <-g.recent:
				return recent, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
		Reviews: func(ctx context.Context) ([]storefront.Review, error) {
			select {
			case <-g.reviews:
				return reviews, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
}

// shopServer serves the shop with the given fakes on 127.0.0.1.
func shopServer(t *testing.T, g *gates) *httptest.Server {
	t.Helper()
	h, err := storefront.New(storefront.Config{
		Assets:         shopAssets,
		Services:       g.services(),
		ReviewsTimeout: time.Minute,
		Simulated:      []string{"faked by the browser test"},
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, h)
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// inOrderShop is the reference: the shop's page delivered in order, which
// has no placeholder and no script.
func inOrderShop(t *testing.T) snapshot {
	t.Helper()
	srv := shopServer(t, openGates())
	tb := newTab(t)
	tb.load(srv.URL + "/in-order")
	s := tb.snapshot("main")
	if s.Templates+s.Markers+s.Skeletons != 0 || !strings.Contains(s.Text, "Cast-iron trivet") || !strings.Contains(s.Text, "Glass carafe") || !strings.Contains(s.Text, "The mug I reach for first") {
		t.Fatalf("the in-order page is not the finished page: %+v", s)
	}
	return s
}

// shell is what must be painted before any slow value is released.
const shellReady = `document.querySelector('header.site-header .logo') && document.querySelectorAll('.nav-list a').length === 6 &&
  document.querySelector('.hero h1') && document.querySelector('#recent .mini.skeleton') &&
  document.querySelector('#reviews .review.skeleton') && document.querySelector('#recommended h2')`

const shellState = `({readyState: document.readyState, body: document.body ? document.body.innerHTML.slice(0, 3000) : null})`

// visibleJS reports, for each selector, whether its first match is
// rendered: it has a box in the viewport and is not hidden, and the style
// sheet applies (a skeleton bar is a grey block, not an empty inline span).
const visibleJS = `(function () {
  var out = {};
  ['.site-header .logo', '.nav-list', '.hero h1', '.hero .button', '#recent .mini.skeleton', '#recent .skeleton .bar', '#reviews .review.skeleton', '#recommended h2'].forEach(function (sel) {
    var el = document.querySelector(sel), r = el && el.getBoundingClientRect(), cs = el && getComputedStyle(el);
    out[sel] = !!el && r.width > 0 && r.height > 0 && r.top < innerHeight && cs.visibility === 'visible' && cs.display !== 'none' && cs.opacity !== '0';
  });
  out.styled = getComputedStyle(document.querySelector('.hero')).display === 'grid' &&
    getComputedStyle(document.querySelector('#recent .skeleton .bar')).display === 'block';
  return out;
})()`

// TestShopStreamsInBrowser loads the shop's streamed page in Chromium with
// every slow service held back, checks that the shell is painted, releases
// the services one by one (out of document order), and checks that the
// finished page is the in-order page. It does so on the native path
// (<template for> patching by the HTML parser) and on the script fallback.
func TestShopStreamsInBrowser(t *testing.T) {
	want := inOrderShop(t)
	for _, c := range []struct {
		name, path string
		native     bool
	}{
		{"native", "/", true},
		{"script-fallback", "/?script=1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGates()
			srv := shopServer(t, g)
			tb := newTab(t)
			tb.start(srv.URL + c.path)

			// 1. The shell is painted while every service is still waiting.
			tb.waitFor("the shell (header, navigation, hero, skeletons)", shellReady, shellState)
			tb.nextFrame()
			vis := eval[map[string]bool](tb, visibleJS)
			for sel, ok := range vis {
				if !ok {
					t.Errorf("shell: %s is not visible (%v)", sel, vis)
				}
			}
			if rs := eval[string](tb, `document.readyState`); rs != "loading" {
				t.Errorf("the document is %q before the services answered; want it still loading", rs)
			}
			text := eval[string](tb, `document.body.innerText`)
			for _, p := range append(append([]storefront.Product{}, products...), recent...) {
				if strings.Contains(text, p.Name) {
					t.Errorf("%q is on the page before its service answered", p.Name)
				}
			}
			if c.native {
				shot, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
				if err == nil {
					err = os.WriteFile(os.TempDir()+"/shop-shell.png", shot, 0o644)
				}
				if err != nil {
					t.Logf("shell screenshot: %v", err)
				}
			}

			// 2. The services answer, out of document order: the reviews
			// (lower on the page) first, then a pick, then recently viewed.
			close(g.reviews)
			tb.waitFor("the reviews section", `document.querySelector('#reviews article.review h3')`, shellState)
			if n := eval[int](tb, `document.querySelectorAll('#recent .skeleton').length`); n == 0 {
				t.Errorf("the recently-viewed skeleton went away before its service answered")
			}
			g.recs <- products[0]
			tb.waitFor("the first pick", `document.querySelectorAll('#recommended li.card').length === 1`, shellState)
			close(g.recent)
			tb.waitFor("the recently viewed section", `document.querySelectorAll('#recent li.mini:not(.skeleton)').length === 4`, shellState)
			for _, p := range products[1:] {
				g.recs <- p
			}
			close(g.recs)
			tb.waitFor("the end of the page", `document.readyState === 'complete'`, shellState)

			// 3. The finished page is the in-order page.
			got := tb.snapshot("main")
			if got.Text != want.Text {
				t.Errorf("visible text differs from the in-order page: %s", diff(got.Text, want.Text))
			}
			if got.HTML != want.HTML {
				t.Errorf("<main> differs from the in-order page: %s", diff(got.HTML, want.HTML))
			}
			if got.Templates != 0 || got.Markers != 0 || got.Skeletons != 0 {
				t.Errorf("runnel left %d section templates, %d markers and %d skeleton elements in the document", got.Templates, got.Markers, got.Skeletons)
			}

			// 4. Which path patched the sections. With ?script=1 the templates
			// are data-runnel-for, which no browser applies: the script moves
			// them. On the native path Chromium applies a <template for> only
			// when its parent element contains the placeholder; the shop's
			// sections are sent from inside the streaming <ol> (see
			// TestNativePatchingWithoutScript), so the script patches them too.
			calls := tb.runnelCalls()
			if len(calls) != 2 {
				t.Fatalf("runnel's script ran %d times, want once per section: %+v", len(calls), calls)
			}
			for _, call := range calls {
				if !c.native && !call.Pending {
					t.Errorf("section %s was gone before the fallback script ran", call.ID)
				}
				if c.native {
					t.Logf("section %s patched natively by the parser: %v", call.ID, !call.Pending)
				}
			}
			if v := tb.cspViolations(); len(v) != 0 {
				t.Errorf("CSP violations: %v", v)
			}

			if c.native {
				// A picture of the finished page, to look at, once the cards'
				// fade-in is over.
				eval[bool](tb, `Promise.all(document.getAnimations().filter(a => isFinite(a.effect.getComputedTiming().endTime)).map(a => a.finished)).then(() => true)`)
				shot, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
				if err == nil {
					err = os.WriteFile(os.TempDir()+"/shop.png", shot, 0o644)
				}
				if err != nil {
					t.Logf("screenshot: %v", err)
				}
			}
		})
	}
}

// TestShopUnderStrictCSP loads the streamed shop under its strict policy
// (scripts only with the request's nonce, styles only from the site's
// files) and checks that nothing was blocked: runnel's scripts ran, the
// style sheet applied, and no element has an inline style. A deliberate
// inline style at the end shows that the violation recorder works.
//
// The services answer one at a time, each after the previous section is in
// place, so each section arrives in a batch of its own, with a script of its
// own. (Sections that complete together are sent in one batch with one
// script: with services that all answer at once, the number of scripts would
// depend on the scheduler.)
func TestShopUnderStrictCSP(t *testing.T) {
	g := newGates()
	srv := shopServer(t, g)
	tb := newTab(t)
	headers := tb.startHeaders(srv.URL + "/?script=1")
	csp, _ := headers["Content-Security-Policy"].(string)
	if !strings.Contains(csp, "script-src 'nonce-") || !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("policy %q", csp)
	}
	nonce := strings.TrimSuffix(strings.SplitN(strings.SplitN(csp, "'nonce-", 2)[1], "'", 2)[0], "'")

	tb.waitFor("the shell", shellReady, shellState)
	if n := eval[int](tb, `document.scripts.length`); n != 0 {
		t.Errorf("%d scripts before any section completed, want none", n)
	}
	close(g.reviews)
	tb.waitFor("the reviews section", `document.querySelector('#reviews article.review h3')`, shellState)
	close(g.recent)
	tb.waitFor("the recently viewed section", `document.querySelectorAll('#recent li.mini:not(.skeleton)').length === 4`, shellState)
	for _, p := range products {
		g.recs <- p
	}
	close(g.recs)
	tb.waitFor("the end of the page", `document.readyState === 'complete'`, shellState)

	// The scripts carry the nonce (the DOM hides a nonce from attributes,
	// but not from the .nonce property) and ran: each section is in place.
	scripts := eval[[]string](tb, `Array.from(document.scripts, s => s.nonce)`)
	if len(scripts) != 2 {
		t.Errorf("%d scripts, want one per section", len(scripts))
	}
	for _, n := range scripts {
		if n != nonce {
			t.Errorf("script nonce %q, want the request's %q", n, nonce)
		}
	}
	if calls := tb.runnelCalls(); len(calls) != 2 {
		t.Errorf("runnel's scripts ran %d times, want 2", len(calls))
	}
	s := tb.snapshot("main")
	if s.Skeletons != 0 || s.Templates != 0 || !strings.Contains(s.Text, "Glass carafe") {
		t.Errorf("sections not in place: %+v", s)
	}

	// The style comes from the site's file only.
	sheets := eval[[]string](tb, `Array.from(document.styleSheets, s => s.href || '(inline)')`)
	if len(sheets) != 1 || sheets[0] != srv.URL+"/static/shop.css" {
		t.Errorf("style sheets %v", sheets)
	}
	if s.InlineStyles != 0 {
		t.Errorf("%d inline styles", s.InlineStyles)
	}
	if v := tb.cspViolations(); len(v) != 0 {
		t.Errorf("CSP violations: %v", v)
	}

	// Control: an inline style is refused and recorded.
	eval[bool](tb, `(document.body.setAttribute('style', 'color: red'), true)`)
	tb.waitFor("the control violation", `window.__cspViolations.length === 1`, `window.__cspViolations`)
	if v := tb.cspViolations(); !strings.HasPrefix(v[0], "style-src") {
		t.Errorf("control violation %q", v[0])
	}
}

// TestNativePatchingWithoutScript loads the streamed shop with JavaScript
// disabled. A browser with native <template for> patching needs no script
// to move a section into its placeholder, so the finished page should still
// be the in-order page. Chromium 156 applies a <template for> only when its
// parent element contains the <?start> marker (or is <body>); a section
// sent from inside an element that does not contain its placeholder stays
// in the DOM unapplied, and only runnel's script can move it.
func TestNativePatchingWithoutScript(t *testing.T) {
	want := inOrderShop(t)
	g := newGates()
	srv := shopServer(t, g)
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.start(srv.URL + "/")
	tb.waitFor("the shell", shellReady, shellState)
	// The recommendations finish first, so the page reaches the end of its
	// body while both sections are still pending: from there (a container
	// of every placeholder) the sections are sent as native <template for>
	// patches, which the browser applies with scripting disabled. (A
	// section that completes while the page waits inside an element that
	// does not contain its placeholder is carried for the script instead:
	// no browser could patch it natively from there.)
	for _, p := range products {
		g.recs <- p
	}
	close(g.recs)
	tb.waitFor("all picks", fmt.Sprintf(`document.querySelectorAll('#recommended li.card').length === %d`, len(products)), shellState)
	close(g.recent)
	close(g.reviews)
	tb.waitFor("the end of the page", `document.readyState === 'complete'`, shellState)

	got := tb.snapshot("main")
	if got.Templates != 0 || got.Skeletons != 0 || got.HTML != want.HTML {
		where := eval[[]string](tb, `Array.from(document.querySelectorAll('template[for]'), t => {
			var path = [], e = t.parentElement;
			for (; e && e !== document.body; e = e.parentElement) path.unshift(e.localName + (e.id ? '#' + e.id : e.className ? '.' + e.className.split(' ')[0] : ''));
			return '<template for="' + t.getAttribute('for') + '"> unapplied in ' + path.join(' > ');
		})`)
		t.Errorf("without script, the sections were not patched natively: %d <template for> left, %d skeleton elements still shown\n  %s\n  (the placeholders are in section#recent and aside#reviews)",
			got.Templates, got.Skeletons, strings.Join(where, "\n  "))
	}
}
