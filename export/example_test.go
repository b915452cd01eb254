package export_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/runnelhq/runnel/export"
)

type Order struct {
	ID       int
	Customer string
	Total    float64
	PlacedAt time.Time
	Internal string `csv:"-"`
}

func ExampleWrite() {
	orders := []Order{
		{ID: 1, Customer: "Ada", Total: 12.5, PlacedAt: time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)},
		{ID: 2, Customer: "=HYPERLINK(\"http://evil\")", Total: 3},
	}
	export.Write(context.Background(), os.Stdout, export.Seq(slices.Values(orders)), export.Options{Format: export.NDJSON})
	var csv strings.Builder
	export.Write(context.Background(), &csv, export.Seq(slices.Values(orders)), export.Options{})
	fmt.Print(strings.ReplaceAll(csv.String(), "\r\n", "\n")) // CSV lines end in CRLF
	// Output:
	// {"ID":1,"Customer":"Ada","Total":12.5,"PlacedAt":"2026-12-06T09:30:00Z"}
	// {"ID":2,"Customer":"=HYPERLINK(\"http://evil\")","Total":3,"PlacedAt":null}
	// ID,Customer,Total,Placed at
	// 1,Ada,12.5,2026-12-06T09:30:00Z
	// 2,"'=HYPERLINK(""http://evil"")",3,
}

func ExampleServe() {
	http.HandleFunc("GET /orders.csv", func(w http.ResponseWriter, r *http.Request) {
		// rows streams from the database under the request's context, so
		// a client that leaves cancels the query.
		rows := func(yield func(Order, error) bool) {
			for i := range 1_000_000 {
				if !yield(Order{ID: i, Customer: "someone"}, nil) {
					return
				}
			}
		}
		if err := export.Serve(w, r, "orders.csv", export.Seq2(rows), export.Options{}); err != nil {
			// Nothing was sent yet (or the client left): answer with a status.
			http.Error(w, "export failed", http.StatusInternalServerError)
		}
	})
}
