// Package market serves the ticker example: a page of prices rendered by
// runnel, whose rows update over Server-Sent Events. Each row is one
// partial ("ticker.html#row"), rendered with the page and, once per change,
// for every subscriber of the "prices" topic.
//
// Every node keeps a view of the prices built from the stream itself (see
// Watch), so a page shows what the stream has said so far and hands its
// EventSource the ID to resume from: the same on a node that publishes and
// on one that only relays what other nodes publish through Redis.
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
	"regexp"
	"strings"
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

// Broker is what the market publishes on and the pages stream from: an
// in-process sse.Broker (see Local), or a redisbroker.Broker shared by
// several servers.
type Broker interface {
	sse.Source
	Publish(ctx context.Context, topic string, e sse.Event) (string, error)
	// LastID is the ID that resumes after the newest events of topics.
	LastID(ctx context.Context, topics ...string) (string, error)
}

// Local adapts an in-process sse.Broker.
func Local(b *sse.Broker) Broker { return local{b} }

type local struct{ *sse.Broker }

func (l local) Publish(_ context.Context, topic string, e sse.Event) (string, error) {
	return l.Broker.Publish(topic, e)
}

func (l local) LastID(_ context.Context, topics ...string) (string, error) {
	return l.Broker.LastID(topics...)
}

// Market is the simulated market (a random walk of prices) and this node's
// view of the price stream.
type Market struct {
	Broker Broker
	// Retry is the reconnection delay suggested to the pages' EventSource
	// (the sse.Handler's default when zero).
	Retry time.Duration
	eng   *runnel.Engine
	log   *slog.Logger

	streams struct {
		sync.Mutex
		handlers []*sse.Handler // made by Handler, for CloseStreams
	}

	mu     sync.Mutex // the simulation
	quotes []Quote
	rnd    *mrand.Rand

	view struct {
		sync.Mutex
		rows   map[string]runnel.SafeString // symbol → its latest row, as the stream sent it
		lastID string                       // the ID of the last event applied
		ready  chan struct{}                // closed once the view is subscribed
	}
}

// New returns a market of the given symbols, publishing on broker.
func New(broker Broker, logger *slog.Logger, symbols ...string) (*Market, error) {
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
	m.view.rows = map[string]runnel.SafeString{}
	m.view.ready = make(chan struct{})
	return m, nil
}

// Step moves one symbol's price and publishes its row; it returns the new
// quote and the event's ID.
func (m *Market) Step(ctx context.Context) (Quote, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.rnd.IntN(len(m.quotes))
	q := &m.quotes[i]
	q.Change = math.Round(q.Price*(m.rnd.Float64()-0.5)*0.02*100) / 100
	q.Price = math.Max(1, q.Price+q.Change)
	html, err := sse.Render(ctx, m.eng, "ticker.html#row", map[string]any{"q": *q})
	if err != nil {
		return *q, "", err
	}
	id, err := m.Broker.Publish(ctx, Topic, sse.Event{Event: "row", Data: html})
	return *q, id, err
}

// Run steps the market rate times a second until ctx ends.
func (m *Market) Run(ctx context.Context, rate float64) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, _, err := m.Step(ctx); err != nil {
				m.log.ErrorContext(ctx, "publishing a price", "err", err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// rowID finds a row's symbol in its markup.
var rowID = regexp.MustCompile(`^<tr id="row-([A-Za-z0-9]+)"`)

// Watch keeps this node's view of the prices from the stream until ctx
// ends: each row event replaces its symbol's row. After a reset (the view
// fell behind, or the history was lost) it resubscribes from now.
func (m *Market) Watch(ctx context.Context) {
	from := ""
	for ctx.Err() == nil {
		var err error
		if from == "" {
			from, err = m.Broker.LastID(ctx, Topic)
		}
		var st sse.Stream
		if err == nil {
			st, err = m.Broker.Stream([]string{Topic}, from)
		}
		if err != nil {
			from = ""
			m.log.WarnContext(ctx, "watching the prices", "err", err)
			if !sleepCtx(ctx, time.Second) {
				return
			}
			continue
		}
		m.view.Lock()
		if m.view.lastID == "" {
			m.view.lastID = from
		}
		select {
		case <-m.view.ready:
		default:
			close(m.view.ready)
		}
		m.view.Unlock()
		for {
			msg, ok := st.Next(ctx, nil)
			if !ok {
				break
			}
			id, data := parseMessage(msg.Wire)
			m.view.Lock()
			m.view.lastID = id
			if sym := rowID.FindStringSubmatch(data); sym != nil && !msg.Reset {
				m.view.rows[sym[1]] = runnel.SafeString(data)
			}
			m.view.Unlock()
			if msg.Reset {
				from = id
				break
			}
		}
		st.Close()
	}
}

// Ready is closed once Watch has subscribed: from then on every published
// change reaches the view.
func (m *Market) Ready() <-chan struct{} { return m.view.ready }

// LastID is the ID of the last event the view applied.
func (m *Market) LastID() string {
	m.view.Lock()
	defer m.view.Unlock()
	return m.view.lastID
}

// parseMessage reads the id and the data of one framed event.
func parseMessage(wire []byte) (id, data string) {
	var lines []string
	for line := range strings.Lines(string(wire)) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "data: "):
			lines = append(lines, line[6:])
		case line == "data:":
			lines = append(lines, "")
		}
	}
	return id, strings.Join(lines, "\n")
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// row is one row of the page: the latest markup the stream sent for the
// symbol, or its starting quote.
type row struct {
	Quote
	HTML runnel.SafeString
}

// snapshot returns the page's rows and the ID that resumes after them.
func (m *Market) snapshot() ([]row, string) {
	m.mu.Lock()
	rows := make([]row, len(m.quotes))
	for i, q := range m.quotes {
		rows[i] = row{Quote: Quote{Symbol: q.Symbol, Price: 100 + 25*float64(i)}}
	}
	m.mu.Unlock()
	m.view.Lock()
	defer m.view.Unlock()
	for i := range rows {
		rows[i].HTML = m.view.rows[rows[i].Symbol]
	}
	return rows, m.view.lastID
}

// CloseStreams ends the event streams of every handler made by Handler.
// The streams are parked (sse.Handler.NoPark), so http.Server's Close and
// Shutdown do not see them: call it with them.
func (m *Market) CloseStreams() {
	m.streams.Lock()
	hs := m.streams.handlers
	m.streams.handlers = nil
	m.streams.Unlock()
	for _, h := range hs {
		h.Close()
	}
}

// Handler serves the page at /, the event stream at /events and the style
// sheet at /static/.
func (m *Market) Handler() http.Handler {
	static, _ := fs.Sub(assets, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	events := &sse.Handler{
		Broker: m.Broker,
		Topics: func(*http.Request) ([]string, error) { return []string{Topic}, nil },
		Retry:  m.Retry,
	}
	m.streams.Lock()
	m.streams.handlers = append(m.streams.handlers, events)
	m.streams.Unlock()
	mux.Handle("GET /events", events)
	page, _ := m.eng.Template("ticker.html")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		quotes, id := m.snapshot()
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
