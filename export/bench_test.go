package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// benchRow is a typical export row: ids, text, money, a time, a flag.
type benchRow struct {
	ID       int64
	Customer string
	Email    string
	Total    float64
	Items    int
	PlacedAt time.Time
	Paid     bool
	Note     string
}

var benchBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func benchRows(n int) iter.Seq[benchRow] {
	return func(yield func(benchRow) bool) {
		for i := range n {
			r := benchRow{ID: int64(i), Customer: "Customer " + strconv.Itoa(i%1000), Email: "someone@example.com",
				Total: float64(i%10000) / 100, Items: i % 7, PlacedAt: benchBase.Add(time.Duration(i) * time.Second), Paid: i%3 == 0,
				Note: "left at the door, ring twice"}
			if !yield(r) {
				return
			}
		}
	}
}

// plainCSV is what a Go developer writes by hand: encoding/csv, a
// []string per row, strconv for the numbers, a flush at the end (and
// http.Flusher every 1000 rows when it is a ResponseWriter).
func plainCSV(w io.Writer, rows iter.Seq[benchRow]) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"ID", "Customer", "Email", "Total", "Items", "Placed at", "Paid", "Note"})
	f, _ := w.(http.Flusher)
	rec := make([]string, 8)
	n := 0
	for r := range rows {
		rec[0] = strconv.FormatInt(r.ID, 10)
		rec[1] = r.Customer
		rec[2] = r.Email
		rec[3] = strconv.FormatFloat(r.Total, 'f', -1, 64)
		rec[4] = strconv.Itoa(r.Items)
		rec[5] = r.PlacedAt.Format(time.RFC3339Nano)
		rec[6] = strconv.FormatBool(r.Paid)
		rec[7] = r.Note
		if err := cw.Write(rec); err != nil {
			return err
		}
		if n++; n%1000 == 0 && f != nil {
			cw.Flush()
			f.Flush()
		}
	}
	cw.Flush()
	return cw.Error()
}

// countWriter counts bytes.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

const benchBatch = 10_000

// BenchmarkEncode measures encoding throughput (MB/s of output) of the
// same rows, written to a counter: export's CSV, TSV and NDJSON, and
// encoding/csv as a Go developer writes it by hand.
//
//	go test ./export -run '^$' -bench Encode -count 6 | benchstat -col /enc -
func BenchmarkEncode(b *testing.B) {
	size := func(run func(w io.Writer)) int64 {
		var c countWriter
		run(&c)
		return c.n
	}
	for _, v := range []struct {
		name string
		run  func(w io.Writer)
	}{
		{"encoding-csv", func(w io.Writer) { plainCSV(w, benchRows(benchBatch)) }},
		{"export-csv", func(w io.Writer) { Write(context.Background(), w, Seq(benchRows(benchBatch)), Options{}) }},
		{"export-tsv", func(w io.Writer) { Write(context.Background(), w, Seq(benchRows(benchBatch)), Options{Format: TSV}) }},
		{"export-ndjson", func(w io.Writer) { Write(context.Background(), w, Seq(benchRows(benchBatch)), Options{Format: NDJSON}) }},
	} {
		b.Run("enc="+v.name, func(b *testing.B) {
			b.SetBytes(size(v.run))
			b.ReportAllocs()
			for b.Loop() {
				v.run(io.Discard)
			}
		})
	}
}

// BenchmarkServe measures an export's throughput over loopback HTTP, the
// client reading every byte: export.Serve against the hand-written
// encoding/csv handler, 100,000 rows (about 11 MB) a request.
//
//	go test ./export -run '^$' -bench Serve -count 6 | benchstat -col /enc -
func BenchmarkServe(b *testing.B) {
	const rows = 100_000
	for _, v := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"encoding-csv", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			plainCSV(w, benchRows(rows))
		}},
		{"export-csv", func(w http.ResponseWriter, r *http.Request) {
			Serve(w, r, "orders.csv", Seq(benchRows(rows)), Options{})
		}},
	} {
		b.Run("enc="+v.name, func(b *testing.B) {
			srv := httptest.NewServer(v.h)
			defer srv.Close()
			var total int64
			for b.Loop() {
				resp, err := http.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, bufio.NewReaderSize(resp.Body, 64<<10))
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				total = n
			}
			b.SetBytes(total)
		})
	}
}
