package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, body
}

func TestGeneratedCSV(t *testing.T) {
	srv := httptest.NewServer((&App{Rows: 2500, Log: quietLog()}).Handler())
	defer srv.Close()
	resp, body := get(t, srv.URL+"/export.csv")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Type":        "text/csv; charset=utf-8",
		"Content-Disposition": `attachment; filename="export.csv"`,
		"X-Accel-Buffering":   "no",
		"Content-Length":      "",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2501 {
		t.Fatalf("%d records, want a header and 2500 rows", len(recs))
	}
	if got := strings.Join(recs[0], ","); got != "id,customer,email,country,total,status,placed_at,note" {
		t.Errorf("header %q", got)
	}
	if got := strings.Join(recs[7], ","); got != "7,Customer 7,customer7@example.com,SE,554.33,shipped,2026-01-01T00:00:21Z,ok" {
		t.Errorf("row 7: %q", got)
	}
	// A cell that a spreadsheet would run is neutralised.
	if got := recs[1000][7]; got != "'"+formulaNote {
		t.Errorf("row 1000's note %q, want it neutralised", got)
	}
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Error("the CSV does not end with CRLF")
	}
}

func TestGeneratedNDJSON(t *testing.T) {
	srv := httptest.NewServer((&App{Rows: 1200, Log: quietLog()}).Handler())
	defer srv.Close()
	resp, body := get(t, srv.URL+"/export.ndjson")
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type %q", ct)
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	n := 0
	for sc.Scan() {
		n++
		var o Order
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		var want Order
		order(&want, int64(n))
		if o != want {
			t.Fatalf("line %d: %+v, want %+v", n, o, want)
		}
	}
	if n != 1200 {
		t.Fatalf("%d lines, want 1200", n)
	}
	// JSON is data, not a spreadsheet: the formula stays as it is.
	if !bytes.Contains(body, []byte(`"note":"=HYPERLINK(`)) {
		t.Error("the formula note was changed in NDJSON")
	}
}

// TestRun starts the example as main does, and stops it with its context.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", "", 10, quietLog(), ready) }()
	addr := <-ready
	_, body := get(t, "http://"+addr+"/")
	if !bytes.Contains(body, []byte("<h1>10 orders</h1>")) || !bytes.Contains(body, []byte(`href="/export.ndjson"`)) {
		t.Errorf("index page:\n%s", body)
	}
	_, body = get(t, "http://"+addr+"/baseline.csv")
	if n := bytes.Count(body, []byte("\r\n")); n != 11 {
		t.Errorf("baseline.csv has %d lines, want 11", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// pgApp opens the tests' database with a table of at least n orders.
func pgApp(t *testing.T, n int64) *App {
	t.Helper()
	url := needPG(t)
	ctx := context.Background()
	db, err := OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	have, err := db.Prepare(ctx, n, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if have < n {
		// A smaller table left by an earlier run: make it again.
		if _, err := db.pool.Exec(ctx, `DROP TABLE `+table); err != nil {
			t.Fatal(err)
		}
		if have, err = db.Prepare(ctx, n, quietLog()); err != nil {
			t.Fatal(err)
		}
	}
	return &App{DB: db, Rows: have, Log: quietLog()}
}

// The tests share one table of this many orders.
const pgRows = 200_000

// TestPostgresMatchesGenerated: the cursor yields every order of the
// table, in order, equal to the generated data set, so the SQL and Go
// formulas agree and nothing is lost or repeated between batches; and the
// download from PostgreSQL starts with the same bytes as the generated one
// in every format.
func TestPostgresMatchesGenerated(t *testing.T) {
	app := pgApp(t, pgRows)
	app.DB.Batch = 777 // not a divisor of the table's size
	var want Order
	n := int64(0)
	for o, err := range app.DB.Orders(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		order(&want, n)
		if o != want {
			t.Fatalf("order %d from PostgreSQL: %+v, want %+v", n, o, want)
		}
	}
	if n != app.Rows {
		t.Fatalf("%d orders from the cursor, want %d", n, app.Rows)
	}

	// A loop that stops early ends its transaction at once, and keeps its
	// connection (no new one is made for the next export).
	mon := monitor(t)
	conns := app.DB.pool.Stat().TotalConns()
	n = 0
	for _, err := range app.DB.Orders(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1000 {
			break
		}
	}
	if open, q := activity(t, mon); open != 0 {
		t.Errorf("after the loop stopped, PostgreSQL still runs %q", q)
	}
	if got := app.DB.pool.Stat().TotalConns(); got != conns {
		t.Errorf("%d connections after a loop stopped early, %d before", got, conns)
	}

	fromPG := httptest.NewServer(app.Handler())
	defer fromPG.Close()
	generated := httptest.NewServer((&App{Rows: app.Rows, Log: quietLog()}).Handler())
	defer generated.Close()
	prefix := func(url string) []byte {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 256<<10)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, name := range []string{"export.csv", "export.tsv", "export.ndjson", "export.json"} {
		a, b := prefix(fromPG.URL+"/"+name), prefix(generated.URL+"/"+name)
		if !bytes.Equal(a, b) {
			i := 0
			for a[i] == b[i] {
				i++
			}
			t.Errorf("%s: PostgreSQL's bytes differ from the generated at byte %d: %q vs %q",
				name, i, a[i:min(i+80, len(a))], b[i:min(i+80, len(b))])
		}
	}
}

// activity is what pg_stat_activity says of the example's connections.
func activity(t *testing.T, mon *pgx.Conn) (inTx int, queries []string) {
	t.Helper()
	rows, err := mon.Query(context.Background(), `SELECT state, query FROM pg_stat_activity WHERE application_name = $1`, applicationName)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var state, query string
		if err := rows.Scan(&state, &query); err != nil {
			t.Fatal(err)
		}
		if state != "idle" {
			inTx++
			queries = append(queries, state+": "+query)
		}
	}
	return inTx, queries
}

func monitor(t *testing.T) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(needPG(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = "runnel-export-test-monitor"
	mon, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Close(context.Background()) })
	return mon
}

// TestPostgresCancel downloads part of an export and goes away: the
// export's transaction (its cursor, its query) must be gone from
// PostgreSQL within 100 ms, and no goroutine may be left.
func TestPostgresCancel(t *testing.T) {
	app := pgApp(t, pgRows)
	mon := monitor(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, name := range []string{"export.csv", "export.ndjson"} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(app.Handler())
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "GET /"+name+" HTTP/1.1\r\nHost: x\r\n\r\n")
			// Read the start of the download, then stop reading.
			buf := make([]byte, 64<<10)
			if _, err := io.ReadFull(conn, buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf, []byte("HTTP/1.1 200 OK\r\n")) {
				t.Fatalf("response starts %q", buf[:40])
			}
			// The export is open in PostgreSQL: its transaction holds the
			// cursor (the test would prove nothing if it had ended).
			if _, ok := waitFor(2*time.Second, func() bool { n, _ := activity(t, mon); return n == 1 }); !ok {
				_, q := activity(t, mon)
				t.Fatalf("the export is not open in PostgreSQL: %q", q)
			}
			conn.Close()
			took, ok := waitFor(2*time.Second, func() bool { n, _ := activity(t, mon); return n == 0 })
			if !ok {
				_, q := activity(t, mon)
				t.Fatalf("2 s after the client left, PostgreSQL still runs: %q", q)
			}
			t.Logf("the export's transaction ended %v after the client left", took.Round(100*time.Microsecond))
			if took > 100*time.Millisecond {
				t.Errorf("the query stopped %v after the client left, want under 100 ms", took)
			}
		})
	}
	app.DB.Close()
}

// TestPostgresFailure kills the export's database session half-way: the
// client must see an incomplete download, not a file that looks whole.
func TestPostgresFailure(t *testing.T) {
	app := pgApp(t, pgRows)
	mon := monitor(t)
	logged := &syncBuffer{}
	app.Log = slog.New(slog.NewTextHandler(logged, nil))
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	if _, err := mon.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, applicationName); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("after %d more bytes the download ended with %v, want an incomplete response (unexpected EOF); the server said:\n%s", n, err, logged.String())
	}
	// The handler reports the failure before it aborts the response, but
	// the client may see the end first.
	if _, ok := waitFor(2*time.Second, func() bool { return strings.Contains(logged.String(), "export failed") }); !ok {
		t.Errorf("the failure was not reported:\n%s", logged.String())
	}
}

// syncBuffer is a log's output that the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
