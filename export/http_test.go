package export

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestContentDisposition(t *testing.T) {
	for in, want := range map[string]string{
		"orders.csv":         `attachment; filename="orders.csv"`,
		"Bestellungen ü.csv": `attachment; filename="Bestellungen _.csv"; filename*=UTF-8''Bestellungen%20%C3%BC.csv`,
		`a"b\c.csv`:          `attachment; filename="c.csv"`,
		"../../etc/passwd":   `attachment; filename="passwd"`,
		"100%.csv":           `attachment; filename="100_.csv"; filename*=UTF-8''100%25.csv`,
		"訂單.tsv":             `attachment; filename="__.tsv"; filename*=UTF-8''%E8%A8%82%E5%96%AE.tsv`,
		"":                   `attachment; filename="download"`,
	} {
		if got := ContentDisposition(in); got != want {
			t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", in, got, want)
		}
	}
}

// gatedRows yields row i only once gate i is open, and records the end of
// the source.
type gatedRows struct {
	gates   []chan struct{}
	stopped chan struct{}
}

func newGatedRows(n int) *gatedRows {
	g := &gatedRows{stopped: make(chan struct{})}
	for range n {
		g.gates = append(g.gates, make(chan struct{}))
	}
	return g
}

func (g *gatedRows) source(ctx context.Context) Source {
	return Seq2(func(yield func([]string, error) bool) {
		defer close(g.stopped)
		for i, gate := range g.gates {
			select {
			case <-gate:
			case <-ctx.Done():
				return
			}
			if !yield([]string{"row" + strconv.Itoa(i)}, nil) {
				return
			}
		}
	})
}

func readLine(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("after %q: %v", line, err)
	}
	return line
}

// TestServeStreams: the headers and the header line come at once, the
// first row as soon as it is produced, and a row that a slow source
// leaves in the buffer is flushed by time while the source is still held.
func TestServeStreams(t *testing.T) {
	g := newGatedRows(3)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Serve(w, r, "rows.csv", g.source(r.Context()), Options{Columns: []string{"name"}, FlushInterval: 20 * time.Millisecond}); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for k, want := range map[string]string{
		"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="rows.csv"`,
		"X-Accel-Buffering": "no", "Cache-Control": "no-store", "Content-Length": "",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	br := bufio.NewReader(resp.Body)
	close(g.gates[0])
	if got := readLine(t, br) + readLine(t, br); got != "name\r\nrow0\r\n" {
		t.Fatalf("%q", got)
	}
	close(g.gates[1])
	// Row 1 was only buffered; the source now waits for gate 2, and the
	// flusher sends row 1 all the same.
	if got := readLine(t, br); got != "row1\r\n" {
		t.Fatalf("%q", got)
	}
	close(g.gates[2])
	rest, _ := io.ReadAll(br)
	if string(rest) != "row2\r\n" {
		t.Fatalf("rest %q", rest)
	}
}

// TestServeFailureAborts: an export that fails after its first byte is
// reported and aborted, so the client's download fails instead of looking
// complete.
func TestServeFailureAborts(t *testing.T) {
	for _, boom := range []error{
		errors.New("database went away"),
		// A source's error that looks like a client that left (a reset
		// connection to the database) is a failure all the same.
		fmt.Errorf("read tcp 127.0.0.1:5432: %w", syscall.ECONNRESET),
	} {
		t.Run(boom.Error(), func(t *testing.T) { testServeFailureAborts(t, boom) })
	}
}

func testServeFailureAborts(t *testing.T, boom error) {
	var mu sync.Mutex
	var reported []error
	src := Seq2(func(yield func([]string, error) bool) {
		for i := range 1000 {
			if !yield([]string{strings.Repeat("x", 100), strconv.Itoa(i)}, nil) {
				return
			}
		}
		yield(nil, boom)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Serve(w, r, "rows.csv", src, Options{OnError: func(_ context.Context, err error) {
			mu.Lock()
			reported = append(reported, err)
			mu.Unlock()
		}})
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("the client read %d bytes and %v: a failed export looked complete", len(body), err)
	}
	if len(body) == 0 {
		t.Error("nothing streamed before the failure")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !errors.Is(reported[0], boom) {
		t.Errorf("reported %v", reported)
	}
}

// TestServeErrorBeforeFirstByte: an error before anything is written can
// still be answered with a status.
func TestServeErrorBeforeFirstByte(t *testing.T) {
	boom := errors.New("no such report")
	h := Handler("r.csv", func(*http.Request) (Source, error) {
		return Seq2(func(yield func([]string, error) bool) { yield(nil, boom) }), nil
	}, Options{OnError: func(context.Context, error) {}, FlushInterval: -1})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || rec.Header().Get("Content-Disposition") != "" {
		t.Errorf("%d %v", rec.Code, rec.Header())
	}
}

// TestServeClientLeaves: when the client goes away mid-export, the source
// stops (within one row), Serve returns without panicking, and nothing is
// reported as an error.
func TestServeClientLeaves(t *testing.T) {
	g := newGatedRows(2)
	served := make(chan error, 1)
	var reported []error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served <- Serve(w, r, "rows.csv", g.source(r.Context()), Options{OnError: func(_ context.Context, err error) { reported = append(reported, err) }})
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	close(g.gates[0])
	readLine(t, br)
	cancel()
	resp.Body.Close()
	select {
	case <-g.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the source did not stop after the client left")
	}
	if err := <-served; !errors.Is(err, context.Canceled) {
		t.Errorf("Serve: %v", err)
	}
	if len(reported) != 0 {
		t.Errorf("reported %v", reported)
	}
}

// ---- a database/sql driver of fixed rows, for the SQL source ----

type fakeDriver struct{}

func (fakeDriver) Open(string) (driver.Conn, error) { return fakeConn{}, nil }

type fakeConn struct{}

func (fakeConn) Prepare(q string) (driver.Stmt, error) { return fakeStmt{}, nil }
func (fakeConn) Close() error                          { return nil }
func (fakeConn) Begin() (driver.Tx, error)             { return nil, errors.New("no transactions") }

type fakeStmt struct{}

func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return 0 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return nil, errors.New("no exec") }
func (fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return &fakeRows{}, nil }

type fakeRows struct{ i int }

func (*fakeRows) Columns() []string { return []string{"id", "name", "price", "created", "note"} }
func (*fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.i == 2 {
		return io.EOF
	}
	r.i++
	dest[0] = int64(r.i)
	dest[1] = []byte("=cmd|' /C calc'!A0")
	dest[2] = 9.99
	dest[3] = time.Date(2026, 12, r.i, 0, 0, 0, 0, time.UTC)
	dest[4] = nil
	return nil
}

func init() { sql.Register("export-fake", fakeDriver{}) }

func TestSQLSource(t *testing.T) {
	db, err := sql.Open("export-fake", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), "select")
	if err != nil {
		t.Fatal(err)
	}
	got := write(t, SQL(rows), Options{})
	want := "id,name,price,created,note\r\n1,'=cmd|' /C calc'!A0,9.99,2026-12-01T00:00:00Z,\r\n2,'=cmd|' /C calc'!A0,9.99,2026-12-02T00:00:00Z,\r\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	rows, _ = db.QueryContext(context.Background(), "select")
	got = write(t, SQL(rows), Options{Format: NDJSON})
	if !strings.HasPrefix(got, `{"id":1,"name":"=cmd|' /C calc'!A0","price":9.99,"created":"2026-12-01T00:00:00Z","note":null}`+"\n") {
		t.Errorf("%s", got)
	}
}
