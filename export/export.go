// Package export streams tabular data as CSV, TSV, NDJSON or a JSON array
// in constant memory: rows are encoded one at a time into a small buffer
// that is written out by size and flushed by size or time, never held
// whole.
//
// A Source says where rows come from: an iter.Seq ([Seq]), an iter.Seq2
// with errors ([Seq2]), a channel ([Chan]) or *sql.Rows ([SQL]). A row is
// a struct (or a pointer to one), a map with string keys (with
// [Options.Columns]), a []string or a []any.
//
//	export.Serve(w, r, "orders.csv", export.Seq(orders), export.Options{})
//
// # Columns
//
// A struct's columns are its exported fields, in order; the fields of an
// embedded struct are its own. The tag `csv:"name"` names a column and
// `csv:"-"` leaves the field out. An untagged field's CSV header is made
// from its name as Django makes a verbose name (FirstName → "First name",
// OrderID → "Order ID"); its JSON key is the field's name. Options.Columns
// picks and orders the columns (by header, key or field name); for maps it
// is required, since a map has no order. A []string or []any row is written
// as it is, under Options.Columns as its header if given.
//
// # Values
//
// Every format writes a value the same way:
//
//   - nil, a nil pointer, and an invalid sql.Null… (anything whose
//     driver.Valuer returns nil): an empty cell, JSON null;
//   - strings as they are, and []byte as the text it holds (database
//     drivers return text as []byte): in JSON, a string (invalid UTF-8
//     becomes U+FFFD);
//   - booleans: true, false;
//   - integers in decimal; floats in the shortest form that reads back
//     exactly, with an exponent below 1e-6 and from 1e21 (as encoding/json
//     and JavaScript do); NaN and ±Inf, which no format holds portably, as
//     an empty cell and JSON null;
//   - time.Time in RFC 3339 with the fraction of a second it has
//     (Options.TimeFormat to change it); the zero time as empty and null;
//   - anything else by its MarshalText, then its String method; failing
//     those, its JSON encoding (in a CSV cell, the JSON text).
//
// # Safety
//
// A CSV or TSV cell that a spreadsheet would run as a formula (text that
// starts with =, +, -, @, a tab or a carriage return) is written with a
// single quote before it, as OWASP recommends; numbers are not touched.
// Options.AllowFormulas turns this off.
package export

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"iter"
	"reflect"
	"sync/atomic"
	"time"
)

// Format is an output format.
type Format int

const (
	// CSV is comma-separated values (RFC 4180, with CRLF line ends; a
	// field is quoted when it holds a comma, a quote, CR or LF, as
	// Python's csv module does).
	CSV Format = iota + 1
	// TSV is tab-separated values, quoted as CSV when a field holds a
	// tab, a quote, CR or LF (Python's "excel-tab" dialect).
	TSV
	// NDJSON is one JSON object per line (newline-delimited JSON, also
	// called JSON Lines).
	NDJSON
	// JSON is a JSON array of objects, one per line.
	JSON
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case TSV:
		return "tsv"
	case NDJSON:
		return "ndjson"
	case JSON:
		return "json"
	}
	return "unknown"
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case TSV:
		return "text/tab-separated-values; charset=utf-8"
	case NDJSON:
		return "application/x-ndjson"
	case JSON:
		return "application/json"
	}
	return "text/csv; charset=utf-8"
}

// Options configure an export. The zero value writes CSV with a header.
type Options struct {
	// Format is the output format. Zero: CSV for Write; for Serve, from
	// the file name's extension (.csv, .tsv, .ndjson or .jsonl, .json),
	// else CSV.
	Format Format
	// Columns picks and orders the columns of struct rows, names the
	// columns of map rows (required for maps), and is the header of
	// []string and []any rows.
	Columns []string
	// NoHeader leaves out the header line of CSV and TSV.
	NoHeader bool
	// AllowFormulas writes cells that start with =, +, -, @, tab or CR
	// as they are, instead of neutralising them.
	AllowFormulas bool
	// BOM starts CSV and TSV with a UTF-8 byte-order mark, for Excel.
	BOM bool
	// TimeFormat is the layout of time.Time values (default
	// time.RFC3339Nano).
	TimeFormat string
	// FlushBytes: the output is flushed once this much has been written
	// since the last flush (default 64 KB).
	FlushBytes int
	// FlushInterval: pending output is flushed at least this often while
	// rows are slow to come (default 200 ms; negative: by size only). The
	// first row is always flushed at once.
	FlushInterval time.Duration
	// WriteTimeout bounds each write of a served export (Serve): a client
	// that stops reading for longer is dropped and the export stops
	// (default 30 s; negative: none).
	WriteTimeout time.Duration
	// Progress, if set, counts the rows and bytes written while the export
	// runs.
	Progress *Progress
	// OnError is told of an error that ends a served export after its
	// first byte (default: logged with log/slog; a client that went away
	// at debug level).
	OnError func(ctx context.Context, err error)
}

// Progress counts what an export has written. Its methods may be called
// from any goroutine while the export runs.
type Progress struct {
	rows, bytes atomic.Int64
}

// Rows is the number of rows written, the header not counted.
func (p *Progress) Rows() int64 { return p.rows.Load() }

// Bytes is the number of bytes written.
func (p *Progress) Bytes() int64 { return p.bytes.Load() }

// Stats is what an export wrote.
type Stats struct {
	Rows  int64 // rows, the header not counted
	Bytes int64 // bytes written to the output
}

// Source is where an export's rows come from; make one with Seq, Seq2,
// Chan or SQL.
type Source struct {
	// typ is the row type, if known before the first row.
	typ reflect.Type
	// columns returns the names of a source that knows them (SQL).
	columns func() ([]string, error)
	// run feeds every row to w until the source ends, w fails or ctx ends.
	run func(ctx context.Context, w *writer) error
}

// Seq is a source of the rows of seq.
func Seq[T any](seq iter.Seq[T]) Source {
	return Source{typ: reflect.TypeFor[T](), run: func(ctx context.Context, w *writer) error {
		var cur T
		rw, err := rowWriterFor(w, &cur)
		if err != nil {
			return err
		}
		for v := range seq {
			cur = v
			if err := w.row(ctx, rw); err != nil {
				return err
			}
		}
		return nil
	}}
}

// Seq2 is a source of the rows of seq, which ends the export with the
// first error it yields.
func Seq2[T any](seq iter.Seq2[T, error]) Source {
	return Source{typ: reflect.TypeFor[T](), run: func(ctx context.Context, w *writer) error {
		var cur T
		rw, err := rowWriterFor(w, &cur)
		if err != nil {
			return err
		}
		for v, err := range seq {
			if err != nil {
				return err
			}
			cur = v
			if err := w.row(ctx, rw); err != nil {
				return err
			}
		}
		return nil
	}}
}

// Chan is a source of the rows received from c until it is closed. The
// export stops receiving when its context ends: the goroutine that sends
// should watch the same context.
func Chan[T any](c <-chan T) Source {
	return Source{typ: reflect.TypeFor[T](), run: func(ctx context.Context, w *writer) error {
		var cur T
		rw, err := rowWriterFor(w, &cur)
		if err != nil {
			return err
		}
		for {
			select {
			case v, ok := <-c:
				if !ok {
					return nil
				}
				cur = v
				if err := w.row(ctx, rw); err != nil {
					return err
				}
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
	}}
}

// SQL is a source of the rows of a query, with its columns' names. The
// export closes rows when it ends. Run the query with the request's
// context (db.QueryContext(r.Context(), …)), so that a client that goes
// away cancels it in the database.
func SQL(rows *sql.Rows) Source {
	return Source{
		columns: rows.Columns,
		run: func(ctx context.Context, w *writer) error {
			defer rows.Close()
			cols, err := rows.Columns()
			if err != nil {
				return err
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rw, err := rowWriterFor(w, &vals)
			if err != nil {
				return err
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				if err := w.row(ctx, rw); err != nil {
					return err
				}
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return rows.Close()
		},
	}
}

// ErrEmptySource is returned for a Source that was not made by one of the
// constructors.
var ErrEmptySource = errors.New("export: empty Source")

// Write writes every row of src to out in the chosen format, and returns
// what it wrote. It stops when ctx ends (within one row, or one channel
// receive), and returns the first error of the source or of out. If out
// has a Flush method (func() error, or func() as http.Flusher has), it is
// called by size and time, as Options say.
func Write(ctx context.Context, out io.Writer, src Source, opts Options) (Stats, error) {
	if src.run == nil {
		return Stats{}, ErrEmptySource
	}
	if opts.Format == 0 {
		opts.Format = CSV
	}
	w := newWriter(out, opts)
	defer w.stop()
	if src.columns != nil {
		cols, err := src.columns()
		if err != nil {
			return Stats{}, err
		}
		w.sqlColumns(cols)
	}
	err := src.run(ctx, w)
	if err == nil && ctx.Err() != nil {
		// The source ended because the context did: the export is not
		// complete.
		err = context.Cause(ctx)
	}
	if err == nil {
		err = w.finish()
	}
	return w.stats(), err
}
