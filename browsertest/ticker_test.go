package browsertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel/examples/ticker/market"
	"github.com/runnelhq/runnel/sse"
)

// tickerNode serves m on addr ("127.0.0.1:0" for any port) until stopped.
func tickerNode(t *testing.T, m *market.Market, addr string) (url string, stop func()) {
	t.Helper()
	var l net.Listener
	var err error
	for range 50 { // the port of a server just closed may take a moment to free
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: m.Handler()}
	go srv.Serve(l)
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			srv.Close()
			m.CloseStreams() // the parked event streams, which the server does not see
		}
	}
	t.Cleanup(stop)
	return "http://" + l.Addr().String(), stop
}

// TestTickerInBrowser: the ticker page's EventSource swaps in each row the
// server publishes; when the server goes away and comes back, the browser
// reconnects with its Last-Event-ID and gets the changes it missed, once
// each; when it comes back with a new broker (a restart that lost the
// history), the reset event reloads the page, which shows the current
// prices.
func TestTickerInBrowser(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	newMarket := func() *market.Market {
		m, err := market.New(market.Local(sse.NewBroker(sse.BrokerOptions{})), logger, "ACME", "GLOBX", "INITECH")
		if err != nil {
			t.Fatal(err)
		}
		m.Retry = 100 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { m.Watch(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		<-m.Ready()
		return m
	}
	m := newMarket()
	url, stop := tickerNode(t, m, "127.0.0.1:0")
	tb := newTab(t)
	tb.load(url + "/")
	// The view of the market watches the stream too: one subscriber more.
	subscribers := func() int { return m.Broker.(interface{ Subscribers(string) int }).Subscribers(market.Topic) }
	waitSubscribers := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for subscribers() != n+1 {
			if time.Now().After(deadline) {
				t.Fatalf("%d page subscribers, want %d", subscribers()-1, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitSubscribers(1)

	ctx := context.Background()
	step := func() market.Quote {
		q, id, err := m.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The page a reload renders shows what the market's view has seen.
		for deadline := time.Now().Add(5 * time.Second); m.LastID() != id; {
			if time.Now().After(deadline) {
				t.Fatalf("the market's view did not apply %s", id)
			}
			time.Sleep(time.Millisecond)
		}
		return q
	}
	rowText := func(symbol string) string {
		return eval[string](tb, `(document.getElementById('row-`+symbol+`') || {}).innerText || ''`)
	}
	q := step()
	tb.waitFor("the first update", `document.getElementById('updates').value === '1'`, `document.getElementById('quotes').innerHTML`)
	if got := rowText(q.Symbol); !strings.Contains(got, formatPrice(q.Price)) {
		t.Errorf("row %s shows %q, want price %s", q.Symbol, got, formatPrice(q.Price))
	}

	// The server goes away; two changes happen while it is down.
	stop()
	waitSubscribers(0)
	step()
	last := step()
	_, stop = tickerNode(t, m, url[len("http://"):])
	tb.waitFor("the missed updates after reconnecting", `document.getElementById('updates').value === '3'`, `document.getElementById('updates').value`)
	if got := rowText(last.Symbol); !strings.Contains(got, formatPrice(last.Price)) {
		t.Errorf("after reconnecting, row %s shows %q, want %s", last.Symbol, got, formatPrice(last.Price))
	}
	step()
	tb.waitFor("a live update after reconnecting", `document.getElementById('updates').value === '4'`, `document.getElementById('updates').value`)
	if n := eval[int](tb, `document.getElementById('updates').value * 1`); n != 4 {
		t.Errorf("%d updates, want 4: every change once", n)
	}

	// A restart that lost the history: the page reloads on the reset event.
	stop()
	waitSubscribers(0)
	eval[bool](tb, `(window.__beforeReset = true, true)`)
	m = newMarket()
	moved := step()
	tickerNode(t, m, url[len("http://"):])
	tb.waitFor("the reload after the reset event", `!window.__beforeReset && document.readyState === 'complete'`, `document.getElementById('updates').value`)
	if got := rowText(moved.Symbol); !strings.Contains(got, formatPrice(moved.Price)) {
		t.Errorf("after the reload, row %s shows %q, want %s", moved.Symbol, got, formatPrice(moved.Price))
	}
	if v := tb.cspViolations(); len(v) != 0 {
		t.Errorf("CSP violations: %v", v)
	}
}

// formatPrice is the page's floatformat:2 of a price (prices move in whole
// cents, so binary rounding agrees with Django's decimal rounding here).
func formatPrice(p float64) string { return fmt.Sprintf("%.2f", p) }
