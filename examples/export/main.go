// Command export serves a big download, streamed in constant memory with
// runnel's export package: /export.csv, /export.tsv, /export.ndjson and
// /export.json write every order of a table as it is read.
//
// With -pg, the orders come from PostgreSQL through a server-side cursor
// (the example creates the table and fills it with -rows orders when it is
// empty); without it, from a data set generated as it is written, so that
// the example runs anywhere.
//
//	go run ./examples/export -pg postgres://localhost/test -rows 10000000
//	curl -o orders.csv http://localhost:8082/export.csv
//
// /baseline.csv writes the same rows with encoding/csv straight to the
// response, the way a hand-written export view does; BENCHMARKS.md compares
// the two.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/runnelhq/runnel/export"
	"github.com/runnelhq/runnel/httperr"
)

func main() {
	addr := flag.String("addr", "localhost:8082", "address to listen on")
	pg := flag.String("pg", "", "PostgreSQL URL (postgres://user@host:port/db); without it the orders are generated")
	rows := flag.Int64("rows", 100_000, "number of generated orders, and of the orders put in an empty table")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *pg, *rows, log, nil); err != nil {
		log.Error("export example stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. If ready is not nil, it is sent the address
// once the server listens (for the tests).
func run(ctx context.Context, addr, pg string, rows int64, log *slog.Logger, ready chan<- string) error {
	app := &App{Rows: rows, Log: log}
	if pg != "" {
		db, err := OpenDB(ctx, pg)
		if err != nil {
			return fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		defer db.Close()
		n, err := db.Prepare(ctx, rows, log)
		if err != nil {
			return err
		}
		app.DB = db
		app.Rows = n
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	source := "generated"
	if app.DB != nil {
		source = "postgresql"
	}
	log.Info("export example listening", "url", "http://"+ln.Addr().String()+"/", "source", source, "rows", app.Rows)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// App serves the exports.
type App struct {
	DB   *DB   // where the orders come from; nil: generated
	Rows int64 // the number of generated orders
	Log  *slog.Logger
	// Options are the export's options (the format comes from the path).
	Options export.Options
}

// Handler routes the example's pages.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	for _, name := range []string{"export.csv", "export.tsv", "export.ndjson", "export.json"} {
		mux.HandleFunc("GET /"+name, a.export(name))
	}
	mux.HandleFunc("GET /baseline.csv", a.baseline)
	return mux
}

// orders is the request's source of orders.
func (a *App) orders(ctx context.Context) iter.Seq2[Order, error] {
	if a.DB != nil {
		return a.DB.Orders(ctx)
	}
	gen := Generated(a.Rows)
	return func(yield func(Order, error) bool) {
		for o := range gen {
			if !yield(o, nil) {
				return
			}
		}
	}
}

func (a *App) export(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var progress export.Progress
		opts := a.Options
		opts.Progress = &progress
		opts.OnError = func(ctx context.Context, err error) {
			a.Log.ErrorContext(ctx, "export failed", "file", name, "rows", progress.Rows(), "bytes", progress.Bytes(), "err", err)
		}
		start := time.Now()
		err := export.Serve(w, r, name, export.Seq2(a.orders(r.Context())), opts)
		switch {
		case err == nil:
			a.Log.Info("export done", "file", name, "rows", progress.Rows(), "bytes", progress.Bytes(), "took", time.Since(start).Round(time.Millisecond))
		case errors.Is(err, httperr.ErrIncomplete):
			// The client went away during the download: routine.
			a.Log.Debug("export stopped", "file", name, "rows", progress.Rows(), "err", err)
		default:
			// Nothing was sent yet (the database refused the query, say):
			// an honest status instead of an empty file. (A failure after
			// the first byte does not return: Serve reports it and aborts
			// the download.)
			a.Log.ErrorContext(r.Context(), "export failed", "file", name, "err", err)
			httperr.Write(w, r, err, http.StatusInternalServerError)
		}
	}
}

// baseline writes the same orders with encoding/csv straight to the
// response, the way a hand-written export view does: for comparison only.
func (a *App) baseline(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="baseline.csv"`)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"id", "customer", "email", "country", "total", "status", "placed_at", "note"})
	rec := make([]string, 8)
	for o, err := range a.orders(r.Context()) {
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		rec[0] = strconv.FormatInt(o.ID, 10)
		rec[1], rec[2], rec[3], rec[4], rec[5] = o.Customer, o.Email, o.Country, o.Total, o.Status
		rec[6] = o.PlacedAt.Format(time.RFC3339Nano)
		rec[7] = o.Note
		if err := cw.Write(rec); err != nil {
			return
		}
	}
	cw.Flush()
}

func (a *App) index(w http.ResponseWriter, r *http.Request) {
	source := "a data set generated as it is written"
	if a.DB != nil {
		source = "PostgreSQL, through a server-side cursor"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>runnel export</title></head>
<body>
<h1>%d orders</h1>
<p>From %s, streamed as they are read.</p>
<ul>
<li><a href="/export.csv">export.csv</a></li>
<li><a href="/export.tsv">export.tsv</a></li>
<li><a href="/export.ndjson">export.ndjson</a></li>
<li><a href="/export.json">export.json</a></li>
</ul>
</body></html>
`, a.Rows, source)
}
