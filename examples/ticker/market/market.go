// Package market serves the ticker example: a page of prices rendered by
// runnel, whose rows update over Server-Sent Events. Each row is one
// partial ("ticker.html#row"), rendered with the page and, once per change,
// for every subscriber of the "prices" topic.
//
// The prices are simulated: a random walk, labelled as such on the page.
package market

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"io/fs"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/sse"
)

//go:embed templates static
var assets embed.FS

// Topic is the SSE topic the prices are published on.
const Topic = "prices"

// Quote is one symbol's price.
type Quote struct {
	Symbol string
	Price  float64
	Change float64 // since the previous price
}

// Market is the simulated market: prices that move by a random walk.
// Publishing a change and taking a snapshot for a page are atomic with
// respect to each other, so a page plus the events after its snapshot is
// always the whole story.
type Market struct {
	Broker *sse.Broker
	// Retry is the reconnection delay suggested to the pages' EventSource
	// (the sse.Handler's default when zero).
	Retry time.Duration
	eng   *runnel.Engine
	log   *slog.Logger

	mu     sync.Mutex
	quotes []Quote
	rnd    *mrand.Rand
}

// New returns a market of the given symbols, publishing on broker.
func New(broker *sse.Broker, logger *slog.Logger, symbols ...string) (*Market, error) {
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		return nil, err
	}
	m := &Market{Broker: broker, log: logger, rnd: mrand.New(mrand.NewPCG(1, 2))}
	m.eng = runnel.New(templates)
	if _, err := m.eng.Template("ticker.html#row"); err != nil { // fail at start, not per event
		return nil, err
	}
	for i, s := range symbols {
		m.quotes = append(m.quotes, Quote{Symbol: s, Price: 100 + 25*float64(i)})
	}
	return m, nil
}

// Step moves one symbol's price and publishes its row; it returns the new
// quote.
func (m *Market) Step(ctx context.Context) (Quote, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.rnd.IntN(len(m.quotes))
	q := &m.quotes[i]
	q.Change = math.Round(q.Price*(m.rnd.Float64()-0.5)*0.02*100) / 100
	q.Price = math.Max(1, q.Price+q.Change)
	html, err := sse.Render(ctx, m.eng, "ticker.html#row", map[string]any{"q": *q})
	if err != nil {
		return *q, err
	}
	_, err = m.Broker.Publish(Topic, sse.Event{Event: "row", Data: html})
	return *q, err
}

// Run steps the market rate times a second until ctx ends.
func (m *Market) Run(ctx context.Context, rate float64) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, err := m.Step(ctx); err != nil {
				m.log.ErrorContext(ctx, "publishing a price", "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// snapshot returns the quotes and the ID that resumes after them.
func (m *Market) snapshot() ([]Quote, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, err := m.Broker.LastID(Topic)
	return append([]Quote(nil), m.quotes...), id, err
}

// Handler serves the page at /, the event stream at /events and the style
// sheet at /static/.
func (m *Market) Handler() http.Handler {
	static, _ := fs.Sub(assets, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.Handle("GET /events", &sse.Handler{
		Broker: m.Broker,
		Topics: func(*http.Request) ([]string, error) { return []string{Topic}, nil },
		Retry:  m.Retry,
	})
	page, _ := m.eng.Template("ticker.html")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		quotes, id, err := m.snapshot()
		if err != nil {
			runnel.WriteError(w, r, err)
			return
		}
		var nb [16]byte
		rand.Read(nb[:])
		nonce := base64.StdEncoding.EncodeToString(nb[:])
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-"+nonce+"'; style-src 'self'")
		page.Serve(w, r, map[string]any{
			"quotes": quotes,
			"nonce":  nonce,
			// The stream replays what was published after this snapshot.
			"events": "/events?lastEventId=" + url.QueryEscape(id),
		}, runnel.ServeOptions{})
	})
	return mux
}
