package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type address struct {
	City string
}

type order struct {
	ID       int
	Customer string `csv:"customer"`
	Total    float64
	Paid     bool
	Note     *string
	PlacedAt time.Time
	secret   string
	Internal string `csv:"-"`
	address         // embedded: its fields are the order's
	Wait     time.Duration
	Tags     []string
	Code     sql.NullString
	RawBytes []byte
}

func write(t *testing.T, src Source, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := Write(context.Background(), &b, src, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func orders() []order {
	note := "gift, wrap it"
	at := time.Date(2026, 12, 6, 9, 30, 0, 500_000_000, time.UTC)
	return []order{
		{ID: 1, Customer: "Ada", Total: 12.5, Paid: true, Note: &note, PlacedAt: at, secret: "x", Internal: "y",
			address: address{City: "Zürich"}, Wait: 90 * time.Second, Tags: []string{"a", "b"}, Code: sql.NullString{String: "C1", Valid: true}, RawBytes: []byte("raw")},
		{ID: 2, Customer: `=HYPERLINK("http://x")`, Total: -3, address: address{City: "line\nbreak"}},
	}
}

func TestCSVStructs(t *testing.T) {
	got := write(t, Seq(slices.Values(orders())), Options{})
	want := "ID,customer,Total,Paid,Note,Placed at,City,Wait,Tags,Code,Raw bytes\r\n" +
		`1,Ada,12.5,true,"gift, wrap it",2026-12-06T09:30:00.5Z,Zürich,1m30s,"[""a"",""b""]",C1,raw` + "\r\n" +
		`2,"'=HYPERLINK(""http://x"")",-3,false,,,"line` + "\n" + `break",0s,,,` + "\r\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	// encoding/csv reads it back.
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(recs) != 3 || recs[2][6] != "line\nbreak" {
		t.Errorf("%v %q", err, recs)
	}
}

func TestFormulas(t *testing.T) {
	rows := [][]any{{"=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", -5, -2.5, "a=b"}}
	got := write(t, Seq(slices.Values(rows)), Options{})
	if want := "'=1+2,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",ok,-5,-2.5,a=b\r\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got = write(t, Seq(slices.Values(rows)), Options{AllowFormulas: true})
	if want := "=1+2,+1,-1,@SUM(A1),\tx,\"\rx\",ok,-5,-2.5,a=b\r\n"; got != want {
		t.Errorf("AllowFormulas: got %q\nwant %q", got, want)
	}
	// TSV quotes a tab, and neutralises the same way.
	got = write(t, Seq(slices.Values(rows)), Options{Format: TSV})
	if want := "'=1+2\t'+1\t'-1\t'@SUM(A1)\t\"'\tx\"\t\"'\rx\"\tok\t-5\t-2.5\ta=b\r\n"; got != want {
		t.Errorf("TSV: got %q\nwant %q", got, want)
	}
	// JSON is not a spreadsheet: nothing is changed.
	got = write(t, Seq(slices.Values(rows)), Options{Format: NDJSON})
	if want := `["=1+2","+1","-1","@SUM(A1)","\tx","\rx","ok",-5,-2.5,"a=b"]` + "\n"; got != want {
		t.Errorf("NDJSON: got %q\nwant %q", got, want)
	}
}

func TestJSONFormats(t *testing.T) {
	got := write(t, Seq(slices.Values(orders())), Options{Format: NDJSON})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%q", got)
	}
	want := `{"ID":1,"customer":"Ada","Total":12.5,"Paid":true,"Note":"gift, wrap it","PlacedAt":"2026-12-06T09:30:00.5Z","City":"Zürich","Wait":"1m30s","Tags":["a","b"],"Code":"C1","RawBytes":"raw"}`
	if lines[0] != want {
		t.Errorf("got  %s\nwant %s", lines[0], want)
	}
	want = `{"ID":2,"customer":"=HYPERLINK(\"http://x\")","Total":-3,"Paid":false,"Note":null,"PlacedAt":null,"City":"line\nbreak","Wait":"0s","Tags":null,"Code":null,"RawBytes":null}`
	if lines[1] != want {
		t.Errorf("got  %s\nwant %s", lines[1], want)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("%v: %s", err, l)
		}
	}
	arr := write(t, Seq(slices.Values(orders())), Options{Format: JSON})
	var all []map[string]any
	if err := json.Unmarshal([]byte(arr), &all); err != nil || len(all) != 2 {
		t.Fatalf("%v: %s", err, arr)
	}
	if !strings.HasPrefix(arr, "[\n{") || !strings.HasSuffix(arr, "}\n]\n") {
		t.Errorf("%q", arr)
	}
	if got := write(t, Seq(slices.Values([]order(nil))), Options{Format: JSON}); got != "[]\n" {
		t.Errorf("empty array %q", got)
	}
}

func TestValues(t *testing.T) {
	nan := math.NaN()
	var nilp *int
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))
	row := []any{nil, nilp, "s", []byte("b"), true, int8(-1), uint64(18446744073709551615), 1.0, 0.1, 1e21, 1e-7, float32(0.1),
		nan, math.Inf(1), at, time.Time{}, sql.NullInt64{Int64: 7, Valid: true}, sql.NullInt64{}, map[string]int{"a": 1}, "\x00\u2028\xff"}
	gotCSV := write(t, Seq(slices.Values([][]any{row})), Options{})
	wantCSV := `,,s,b,true,-1,18446744073709551615,1,0.1,1e+21,1e-7,0.1,,,2026-01-02T03:04:05+01:00,,7,,"{""a"":1}",` + "\x00\u2028\xff\r\n"
	if gotCSV != wantCSV {
		t.Errorf("CSV got  %q\nwant %q", gotCSV, wantCSV)
	}
	gotJSON := write(t, Seq(slices.Values([][]any{row})), Options{Format: NDJSON})
	wantJSON := `[null,null,"s","b",true,-1,18446744073709551615,1,0.1,1e+21,1e-7,0.1,null,null,"2026-01-02T03:04:05+01:00",null,7,null,{"a":1},"\u0000\u2028\ufffd"]` + "\n"
	if gotJSON != wantJSON {
		t.Errorf("JSON got  %s\nwant %s", gotJSON, wantJSON)
	}
	if !json.Valid([]byte(gotJSON)) {
		t.Error("invalid JSON")
	}
	// A time layout of the application's.
	got := write(t, Seq(slices.Values([]time.Time{at})), Options{TimeFormat: "2006-01-02, 15:04", Columns: []string{"when"}})
	if got != "when\r\n\"2026-01-02, 03:04\"\r\n" {
		t.Errorf("%q", got)
	}
}

func TestColumns(t *testing.T) {
	// Picked and ordered by header, key or field name.
	got := write(t, Seq(slices.Values(orders()[:1])), Options{Columns: []string{"customer", "Placed at", "ID"}})
	if want := "customer,Placed at,ID\r\nAda,2026-12-06T09:30:00.5Z,1\r\n"; got != want {
		t.Errorf("got %q", got)
	}
	if _, err := Write(context.Background(), &bytes.Buffer{}, Seq(slices.Values(orders())), Options{Columns: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("unknown column: %v", err)
	}
	// Maps need columns.
	maps := []map[string]any{{"a": 1, "b": "x"}, {"b": "y"}}
	if _, err := Write(context.Background(), &bytes.Buffer{}, Seq(slices.Values(maps)), Options{}); err == nil || !strings.Contains(err.Error(), "Options.Columns") {
		t.Errorf("map without columns: %v", err)
	}
	if got := write(t, Seq(slices.Values(maps)), Options{Columns: []string{"b", "a"}}); got != "b,a\r\nx,1\r\ny,\r\n" {
		t.Errorf("maps %q", got)
	}
	if got := write(t, Seq(slices.Values(maps)), Options{Columns: []string{"b", "a"}, Format: NDJSON}); got != "{\"b\":\"x\",\"a\":1}\n{\"b\":\"y\",\"a\":null}\n" {
		t.Errorf("maps %q", got)
	}
	// []string rows, with and without a header; pointers to structs.
	strs := [][]string{{"a", "b,c"}, {"", `"`}}
	if got := write(t, Seq(slices.Values(strs)), Options{}); got != "a,\"b,c\"\r\n,\"\"\"\"\r\n" {
		t.Errorf("strings %q", got)
	}
	if got := write(t, Seq(slices.Values(strs)), Options{Columns: []string{"x", "y"}, NoHeader: true}); got != "a,\"b,c\"\r\n,\"\"\"\"\r\n" {
		t.Errorf("NoHeader %q", got)
	}
	ptrs := []*address{{City: "Oslo"}, nil}
	if got := write(t, Seq(slices.Values(ptrs)), Options{}); got != "City\r\nOslo\r\n\"\"\r\n" {
		t.Errorf("pointers %q", got)
	}
	// An empty source still has its header; a BOM comes first.
	if got := write(t, Seq(slices.Values([]order(nil))), Options{Columns: []string{"ID"}, BOM: true}); got != "\uFEFFID\r\n" {
		t.Errorf("empty %q", got)
	}
}

func TestVerboseName(t *testing.T) {
	for in, want := range map[string]string{
		"FirstName": "First name", "ID": "ID", "OrderID": "Order ID", "HTTPStatus": "HTTP status",
		"Price": "Price", "first_name": "First name", "Address2": "Address2", "URLPath": "URL path", "Ünïcode": "Ünïcode",
	} {
		if got := VerboseName(in); got != want {
			t.Errorf("VerboseName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeq2ErrorAndChan(t *testing.T) {
	boom := errors.New("boom")
	seq := func(yield func([]string, error) bool) {
		if !yield([]string{"a"}, nil) {
			return
		}
		yield(nil, boom)
	}
	var b bytes.Buffer
	st, err := Write(context.Background(), &b, Seq2(iter.Seq2[[]string, error](seq)), Options{})
	if !errors.Is(err, boom) || st.Rows != 1 || b.String() != "a\r\n" {
		t.Errorf("%v %+v %q", err, st, b.String())
	}

	// A channel source stops when the context ends, even if nothing comes.
	c := make(chan []string, 1)
	c <- []string{"x"}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Progress{}
	done := make(chan error)
	go func() {
		_, err := Write(ctx, &bytes.Buffer{}, Chan(c), Options{Progress: p})
		done <- err
	}()
	for p.Rows() < 1 {
		time.Sleep(time.Millisecond) // polls a counter; the assertion is below
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("chan: %v", err)
	}
	if p.Bytes() != 3 {
		t.Errorf("progress bytes %d", p.Bytes())
	}
	if _, err := Write(context.Background(), &bytes.Buffer{}, Source{}, Options{}); !errors.Is(err, ErrEmptySource) {
		t.Error(err)
	}
}

// countingFlusher counts writes and flushes.
type countingFlusher struct {
	bytes.Buffer
	writes, flushes int
}

func (c *countingFlusher) Write(p []byte) (int, error) { c.writes++; return c.Buffer.Write(p) }
func (c *countingFlusher) Flush() error                { c.flushes++; return nil }

// TestFlushBySize: a fast source is flushed by size, not row by row: the
// first row at once, then every FlushBytes.
func TestFlushBySize(t *testing.T) {
	n := 100_000
	seq := func(yield func(order) bool) {
		for i := range n {
			if !yield(order{ID: i, Customer: "someone with a long enough name", Total: float64(i) / 3}) {
				return
			}
		}
	}
	var out countingFlusher
	st, err := Write(context.Background(), &out, Seq(seq), Options{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != int64(n) || st.Bytes != int64(out.Len()) {
		t.Errorf("%+v, %d bytes", st, out.Len())
	}
	maxFlushes := int(st.Bytes/defaultFlushBytes) + 3
	if out.flushes > maxFlushes || out.writes > int(st.Bytes/writeSize)+3 {
		t.Errorf("%d flushes and %d writes for %d rows, %d bytes", out.flushes, out.writes, n, st.Bytes)
	}
}
