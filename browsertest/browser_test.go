// Package browsertest checks runnel's streamed pages in a real browser:
// headless Chromium, driven with chromedp. It is a separate module so that
// the main module does not depend on chromedp.
//
// The tests need /usr/bin/chromium (apt-get install -y chromium). Without
// it they skip, unless RUNNEL_REQUIRE_BROWSER=1 (as in CI), when they fail.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser.
var chromiumPath = "/usr/bin/chromium"

// desktopUA is an ordinary desktop Chrome's User-Agent. Headless Chromium
// says "HeadlessChrome", which runnel.ModeFor also streams to; the tests
// present themselves as the browser a visitor would use all the same, so
// that they do not depend on that choice.
const desktopUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// browser is one headless Chromium shared by the tests; each test gets its
// own tab.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

func startBrowser() {
	dir, err := os.MkdirTemp("", "runnel-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	browser.dir = dir
	opts := chromiumOptions(dir)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	browser.ctx = ctx
	browser.cancel = func() { cancelCtx(); cancelAlloc() }
	// No deadline here: the context of the first run owns the browser.
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		browser.err = fmt.Errorf("starting %s: %w", chromiumPath, err)
	}
}

// chromiumOptions are the flags every test's headless Chromium runs with,
// its profile in dir, and extra flags after them.
func chromiumOptions(dir string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	return append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, // --headless
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(dir),
		chromedp.UserAgent(desktopUA),
		chromedp.WindowSize(1280, 900),
	}, extra...)
}

// tab is a browser tab for one test.
type tab struct {
	t   *testing.T
	ctx context.Context // with the test's deadline

	mu      sync.Mutex
	console []string
}

// newTab opens a tab of the shared headless Chromium. Without Chromium the
// test is skipped, or fails when RUNNEL_REQUIRE_BROWSER=1.
//
// Every page the tab loads gets, before its own scripts, a recorder of
// Content-Security-Policy violations (window.__cspViolations) and a spy on
// runnel's fallback function (window.__runnelCalls): for each call, whether
// the section's <template> was still in the document when the script ran
// (false means the browser had already patched it natively).
func newTab(t *testing.T) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := fmt.Sprintf("browser tests need headless Chromium at %s (apt-get install -y chromium): %v", chromiumPath, err)
		if os.Getenv("RUNNEL_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " — and RUNNEL_REQUIRE_BROWSER=1 requires them to run")
		}
		t.Skip(msg)
	}
	browser.once.Do(startBrowser)
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	tabCtx, closeTab := chromedp.NewContext(browser.ctx)
	t.Cleanup(closeTab)
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, 40*time.Second)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx}

	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.console = append(tb.console, m.String())
			tb.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			for _, line := range tb.consoleLines() {
				t.Logf("browser console: %s", line)
			}
		}
	})
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: spyScript}); err != nil {
		t.Fatal(err)
	}
	return tb
}

const spyScript = `
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
window.__runnelCalls = [];
(function () {
  var impl;
  Object.defineProperty(window, '__runnel', {
    configurable: true,
    get: function () {
      return impl && function (id) {
        var pending = !!document.querySelector('template[for="' + id + '"],template[data-runnel-for="' + id + '"]');
        window.__runnelCalls.push({id: id, pending: pending});
        return impl(id);
      };
    },
    set: function (f) { impl = f; }
  });
})();
`

func (tb *tab) consoleLines() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.console...)
}

// start navigates to url without waiting for the page to load: it returns
// once the browser has the response's headers and starts parsing the
// streamed body.
func (tb *tab) start(url string) {
	tb.t.Helper()
	err := chromedp.Do(tb.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: url})
		if err == nil && res.ErrorText != "" {
			err = errors.New(res.ErrorText)
		}
		return err
	}))
	if err != nil {
		tb.t.Fatalf("navigating to %s: %v", url, err)
	}
}

// startHeaders is start that also returns the headers of the document's
// response, which the browser has once start returns.
func (tb *tab) startHeaders(url string) network.Headers {
	tb.t.Helper()
	got := make(chan network.Headers, 1)
	lctx, cancel := context.WithCancel(tb.ctx)
	defer cancel()
	err := chromedp.Listen(lctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Type == network.ResourceTypeDocument && e.Response.URL == url {
			select {
			case got <- e.Response.Headers:
			default:
			}
		}
	})
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.start(url)
	select {
	case h := <-got:
		return h
	case <-tb.ctx.Done():
		tb.t.Fatalf("no response for %s: %v", url, tb.ctx.Err())
		return nil
	}
}

// load navigates to url and waits for the load event.
func (tb *tab) load(url string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(url)); err != nil {
		tb.t.Fatalf("loading %s: %v", url, err)
	}
}

// eval evaluates a JavaScript expression and decodes its JSON result into
// a T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.200s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds. what says what is
// awaited, for the failure message, which also shows describe's value.
func (tb *tab) waitFor(what, cond, describe string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) || tb.ctx.Err() != nil {
			state, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](describe))
			tb.t.Fatalf("timed out waiting for %s (last error: %v); page state: %s", what, err, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nextFrame waits until the browser has rendered a frame with the current
// DOM (two animation frames, so that the first one's paint is done).
func (tb *tab) nextFrame() {
	tb.t.Helper()
	eval[bool](tb, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

// snapshot is what a visitor ends up with: the page's visible text and its
// main element, with runnel's machinery (placeholder markers, section
// templates, scripts) left out and whitespace between tags ignored.
type snapshot struct {
	Text string `json:"text"`
	HTML string `json:"html"`
	// What runnel left in the live document.
	Templates    int `json:"templates"`    // <template for> and <template data-runnel-for>
	Markers      int `json:"markers"`      // <?start>/<?end> nodes, as processing instructions or comments
	Skeletons    int `json:"skeletons"`    // placeholder content still shown
	InlineStyles int `json:"inlineStyles"` // style attributes and <style> elements
}

// snapshotJS computes a snapshot of the element matched by root.
const snapshotJS = `(function (root) {
  function marker(n) {
    if (n.nodeType === 7) return n.target === 'start' || n.target === 'end';
    return n.nodeType === 8 && /^\?(start|end)/.test(n.data.trim());
  }
  function count(doc, pred) {
    var w = document.createTreeWalker(doc, NodeFilter.SHOW_ALL), k = 0;
    for (var n = w.nextNode(); n; n = w.nextNode()) if (pred(n)) k++;
    return k;
  }
  var el = document.querySelector(root).cloneNode(true);
  var drop = [], w = document.createTreeWalker(el, NodeFilter.SHOW_ALL);
  for (var n = w.nextNode(); n; n = w.nextNode()) {
    if (marker(n) || n.nodeType === 8 || (n.nodeType === 1 && (n.localName === 'script' || n.localName === 'template'))) drop.push(n);
  }
  drop.forEach(function (n) { n.remove(); });
  el.normalize();
  return {
    text: document.body.innerText.replace(/\s+/g, ' ').trim(),
    html: el.outerHTML.replace(/>\s+</g, '><').replace(/\s+/g, ' '),
    templates: document.querySelectorAll('template[for], template[data-runnel-for]').length,
    markers: count(document, marker),
    skeletons: document.querySelectorAll('.skeleton, .ph').length,
    inlineStyles: document.querySelectorAll('[style], style').length
  };
})(%q)`

func (tb *tab) snapshot(root string) snapshot {
	tb.t.Helper()
	return eval[snapshot](tb, fmt.Sprintf(snapshotJS, root))
}

// runnelCall is a call of runnel's fallback function seen by the spy.
type runnelCall struct {
	ID      string `json:"id"`
	Pending bool   `json:"pending"` // the section's template was still in the document
}

func (tb *tab) runnelCalls() []runnelCall {
	tb.t.Helper()
	return eval[[]runnelCall](tb, `window.__runnelCalls || []`)
}

func (tb *tab) cspViolations() []string {
	tb.t.Helper()
	return eval[[]string](tb, `window.__cspViolations || []`)
}

// diff shows where two long strings start to differ.
func diff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-120, 0)
	return fmt.Sprintf("first difference at byte %d:\n got: …%s\nwant: …%s", i, clip(got[from:], 400), clip(want[from:], 400))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return strings.TrimSpace(s)
}
