package proxytest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runnelhq/runnel/compress"
	"github.com/runnelhq/runnel/examples/shop/storefront"
	"github.com/runnelhq/runnel/export"
	"github.com/runnelhq/runnel/sse"
)

// The shop's templates and static files, read from the example's directory.
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

var errClosing = errors.New("the test's backend is closing")

// gates are fake services that hold their answers until the test releases
// them (the pattern of browsertest/shop_test.go).
type gates struct {
	recs    chan storefront.Product // the test sends the picks, then closes it
	recent  chan struct{}
	reviews chan struct{}
	// quit is closed when the backend closes: a service still held gives
	// up, so that no render outlives the test.
	quit <-chan struct{}
	// canceled is closed when a held service has seen its request's
	// context end (the client left, and the proxy passed that on).
	canceled chan struct{}
	once     sync.Once
}

func newGates(quit <-chan struct{}) *gates {
	return &gates{recs: make(chan storefront.Product), recent: make(chan struct{}), reviews: make(chan struct{}),
		quit: quit, canceled: make(chan struct{})}
}

func (g *gates) ctxDone() { g.once.Do(func() { close(g.canceled) }) }

func (g *gates) services() storefront.Services {
	wait := func(ctx context.Context, gate <-chan struct{}) error {
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			g.ctxDone()
			return ctx.Err()
		case <-g.quit:
			return errClosing
		}
	}
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
							g.ctxDone()
							return
						case <-g.quit:
							return
						}
					case <-ctx.Done():
						g.ctxDone()
						return
					case <-g.quit:
						return
					}
				}
			}()
			return out
		},
		RecentlyViewed: func(ctx context.Context) ([]storefront.Product, error) {
			if err := wait(ctx, g.recent); err != nil {
				return nil, err
			}
			return recent, nil
		},
		Reviews: func(ctx context.Context) ([]storefront.Review, error) {
			if err := wait(ctx, g.reviews); err != nil {
				return nil, err
			}
			return reviews, nil
		},
	}
}

// The event stream's topic.
const topic = "proxytest"

// backend is the Go server the proxies stand in front of: one per
// configuration, so that its gates, its broker and its exports belong to
// one run of the checks. Each of its responses is requested once.
type backend struct {
	srv  *httptest.Server
	port int

	page  *gates // the page's services
	leave *gates // the services of the page the client leaves
	// The event stream.
	broker    *sse.Broker
	events    *sse.Handler
	connected chan struct{} // a receive per /events subscription that has started
	// The exports' rows: the test is the producer.
	export, unmarked *feed

	// What the Go server has flushed of each response, so that the test
	// can tell a part the server has sent from one it has not, whatever
	// the proxy does.
	pageSent, leaveSent, exportSent, unmarkedSent *meter

	// close closes the Go server (once): every response it still serves
	// ends (the held services give up, the exports end, the event streams
	// close), and with them the proxy's requests. The test calls it before
	// it stops the proxy, so that the proxy can exit at once.
	close func()
}

// startBackend serves, on 127.0.0.1 over HTTP/1.1:
//
//	/              the shop's streamed home page, its services gated
//	/leave/        the same page with gates of its own, for the client that leaves
//	/events        an sse.Handler over a Broker
//	/export.csv    a CSV export written by package export as rows come
//	/unmarked.csv  the same export, its X-Accel-Buffering header removed
//
// With compressed, everything goes through runnel's compress middleware.
func startBackend(t *testing.T, compressed bool) *backend {
	t.Helper()
	quit := make(chan struct{})
	b := &backend{
		page:         newGates(quit),
		leave:        newGates(quit),
		broker:       sse.NewBroker(sse.BrokerOptions{}),
		connected:    make(chan struct{}, 4),
		export:       newFeed(),
		unmarked:     newFeed(),
		pageSent:     newMeter("the page"),
		leaveSent:    newMeter("the page the client leaves"),
		exportSent:   newMeter("the export"),
		unmarkedSent: newMeter("the export without X-Accel-Buffering"),
	}
	shop := func(g *gates) http.Handler {
		h, err := storefront.New(storefront.Config{
			Assets:         shopAssets,
			Services:       g.services(),
			ReviewsTimeout: time.Hour, // the test's gates decide
			Simulated:      []string{"gated by the proxy test"},
			Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		// The shop compresses its pages itself (runnel's compress,
		// outermost in storefront.New) when the request accepts it. Here
		// the test decides who compresses: the shop never sees
		// Accept-Encoding, so that the meters see the page as runnel
		// writes it, and with compressed the same middleware runs around
		// the whole backend instead.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r = r.Clone(r.Context())
			r.Header.Del("Accept-Encoding")
			h.ServeHTTP(w, r)
		})
	}
	b.events = &sse.Handler{
		Broker:    b.broker,
		Topics:    func(*http.Request) ([]string, error) { return []string{topic}, nil },
		OnConnect: func(*http.Request, []string) { b.connected <- struct{}{} },
	}
	mux := http.NewServeMux()
	mux.Handle("/", b.pageSent.wrap(shop(b.page)))
	mux.Handle("/leave/", http.StripPrefix("/leave", b.leaveSent.wrap(shop(b.leave))))
	mux.Handle("GET /events", b.events)
	mux.Handle("GET /export.csv", b.exportSent.wrap(exportHandler(b.export.ch)))
	mux.Handle("GET /unmarked.csv", b.unmarkedSent.wrap(withoutAccelBuffering(exportHandler(b.unmarked.ch))))
	var h http.Handler = mux
	if compressed {
		h = compress.Handler(mux)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.port = l.Addr().(*net.TCPAddr).Port
	b.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: h, ErrorLog: discardLog}}
	b.srv.Start()
	b.close = sync.OnceFunc(func() {
		close(quit)
		b.export.end()
		b.unmarked.end()
		// The parked event streams are the handler's, not net/http's:
		// Close ends them; then the server waits for the rest.
		b.events.Close()
		b.srv.Close()
	})
	t.Cleanup(b.close)
	return b
}

// feed is an export's producer, driven by the test: it sends one batch of
// records at a time, and ends the export.
type feed struct {
	ch   chan [][]string
	once sync.Once
}

func newFeed() *feed { return &feed{ch: make(chan [][]string)} }

// send hands the export a batch, failing if nobody takes it (the export
// ended early).
func (f *feed) send(t *testing.T, batch [][]string) {
	t.Helper()
	select {
	case f.ch <- batch:
	case <-time.After(readTimeout):
		t.Fatalf("the export did not take a batch within %v: it is no longer waiting for rows", readTimeout)
	}
}

// end ends the export (once).
func (f *feed) end() { f.once.Do(func() { close(f.ch) }) }

// The export: its header, then the batches of records the test releases
// one at a time: the first alone, then the rest (about 6 KB in all: more
// than one write, less than any proxy's buffer).
var (
	exportColumns = []string{"id", "product", "price"}
	exportBatches = func() [][][]string {
		var records [][]string
		for i := range 200 {
			p := products[i%len(products)]
			records = append(records, []string{strconv.Itoa(i + 1), p.Name, strconv.FormatFloat(p.Price, 'f', 2, 64)})
		}
		return [][][]string{records[:1], records[1:100], records[100:]}
	}()
	// What the client must read: the header line, and each batch's
	// last line, as package export writes them.
	exportHeader = csvText(exportColumns)
)

// csvText is records as package export writes them as CSV: with the header
// line of columns if it is not nil, and nothing else otherwise.
func csvText(columns []string, records ...[]string) string {
	var sb strings.Builder
	opts := export.Options{Columns: columns, NoHeader: columns == nil}
	if _, err := export.Write(context.Background(), &sb, export.Seq(slices.Values(records)), opts); err != nil {
		panic(err)
	}
	return sb.String()
}

// lastLine is the last line of a batch, as the client reads it.
func lastLine(batch [][]string) string { return csvText(nil, batch[len(batch)-1]) }

// exportCSV is the whole export, as a client should receive it.
func exportCSV() string {
	var all [][]string
	for _, batch := range exportBatches {
		all = append(all, batch...)
	}
	return csvText(exportColumns, all...)
}

// exportHandler serves a CSV export with package export (which sets
// X-Accel-Buffering: no, and flushes by size and by time): the header
// line, then each batch's records as the producer sends them, until
// batches is closed.
func exportHandler(batches <-chan [][]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		rows := func(yield func([]string) bool) {
			for {
				select {
				case batch, ok := <-batches:
					if !ok {
						return
					}
					for _, rec := range batch {
						if !yield(rec) {
							return
						}
					}
				case <-ctx.Done():
					return
				}
			}
		}
		_ = export.Serve(w, r, "products.csv", export.Seq(rows), export.Options{Columns: exportColumns})
	})
}

// withoutAccelBuffering removes the X-Accel-Buffering header the handler
// sets, as the response head leaves: the control that shows what the
// header does.
func withoutAccelBuffering(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&stripWriter{ResponseWriter: w}, r)
	})
}

type stripWriter struct {
	http.ResponseWriter
	stripped bool
}

func (w *stripWriter) strip() {
	if !w.stripped {
		w.stripped = true
		w.Header().Del("X-Accel-Buffering")
	}
}

func (w *stripWriter) WriteHeader(code int) { w.strip(); w.ResponseWriter.WriteHeader(code) }

func (w *stripWriter) Write(p []byte) (int, error) { w.strip(); return w.ResponseWriter.Write(p) }

// FlushError is what http.ResponseController (and so runnel) calls first.
func (w *stripWriter) FlushError() error {
	w.strip()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *stripWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// meter sees what the Go server has flushed of one response (each is
// requested once per backend).
type meter struct {
	what    string
	mu      sync.Mutex
	body    strings.Builder // written
	flushed int             // of which flushed to the connection
	changed chan struct{}   // closed and replaced at each flush
}

func newMeter(what string) *meter { return &meter{what: what, changed: make(chan struct{})} }

// wrap calls the handler with a writer that reports to m.
func (m *meter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&meterWriter{ResponseWriter: w, m: m}, r)
	})
}

// sent waits until the Go server has flushed want, and returns how many
// bytes it had flushed then.
func (m *meter) sent(t *testing.T, want string) int {
	t.Helper()
	timer := time.NewTimer(readTimeout)
	defer timer.Stop()
	for {
		m.mu.Lock()
		done, n, ch := strings.Contains(m.body.String()[:m.flushed], want), m.flushed, m.changed
		m.mu.Unlock()
		if done {
			return n
		}
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("the Go server had not flushed %q of %s after %v", want, m.what, readTimeout)
		}
	}
}

type meterWriter struct {
	http.ResponseWriter
	m *meter
}

func (w *meterWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.m.mu.Lock()
	w.m.body.Write(p[:n])
	w.m.mu.Unlock()
	return n, err
}

// FlushError is what http.ResponseController (and so runnel) calls first.
func (w *meterWriter) FlushError() error {
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if err == nil {
		w.m.flush()
	}
	return err
}

func (m *meter) flush() {
	m.mu.Lock()
	m.flushed = m.body.Len()
	close(m.changed)
	m.changed = make(chan struct{})
	m.mu.Unlock()
}

func (w *meterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
