package export

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/runnelhq/runnel/httperr"
)

// Serve writes src as the response to r, as a download called filename.
// It sets Content-Type (from the format), Content-Disposition (attachment,
// with filename encoded as RFC 6266 says for names that are not ASCII),
// X-Accel-Buffering: no and Cache-Control: no-store, and no
// Content-Length; flushes by size and time; puts a deadline on every
// write (Options.WriteTimeout); and stops the source when the request's context
// ends (the client went away), within one row.
//
// The response starts with the first row, or when FlushInterval has
// passed without one (so that a slow query still shows the download at
// once). An error before that is returned with nothing written, so the
// handler can still answer with an error status. An error after it cannot
// be told to the client by a status, and a truncated file must not look
// complete: Serve reports the error (Options.OnError) and aborts the
// response with panic(http.ErrAbortHandler), which net/http turns into a
// connection closed (HTTP/1.1, without the last chunk) or a stream reset
// (HTTP/2), so that the client's download fails. A client that went away
// (the request ended, or a write to it failed as a closed connection does;
// the source's errors never count as that) is not reported as an error:
// Serve returns its error, wrapped so that it also wraps
// httperr.ErrIncomplete, without panicking.
func Serve(w http.ResponseWriter, r *http.Request, filename string, src Source, opts Options) error {
	if opts.Format == 0 {
		opts.Format = FormatOf(filename)
	}
	rw := &respWriter{w: w, rc: http.NewResponseController(w), filename: filename, format: opts.Format, timeout: opts.WriteTimeout}
	if rw.timeout == 0 {
		rw.timeout = 30 * time.Second
	}
	defer rw.clearDeadline()
	_, err := Write(r.Context(), rw, src, opts)
	if err == nil || !rw.started {
		return err
	}
	if rw.clientGone(r) {
		slog.DebugContext(r.Context(), "export: client went away", "file", filename, "err", err)
		return httperr.Incomplete(err)
	}
	report := opts.OnError
	if report == nil {
		report = func(ctx context.Context, err error) {
			slog.ErrorContext(ctx, "export: failed after its first byte; the download is aborted", "file", filename, "err", err)
		}
	}
	report(r.Context(), err)
	panic(http.ErrAbortHandler)
}

// Handler serves the export that rows returns for each request as a
// download called filename (see Serve). An error from rows, or one before
// the first byte, answers 500 (or the status of an httperr.StatusError, which is runnel.StatusError).
func Handler(filename string, rows func(r *http.Request) (Source, error), opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, err := rows(r)
		if err == nil {
			err = Serve(w, r, filename, src, opts)
			if err == nil || errors.Is(err, httperr.ErrIncomplete) || r.Context().Err() != nil {
				return
			}
		}
		if opts.OnError != nil {
			opts.OnError(r.Context(), err)
		} else {
			slog.ErrorContext(r.Context(), "export failed", "file", filename, "err", err)
		}
		httperr.Write(w, r, err, http.StatusInternalServerError)
	})
}

// FormatOf is the format of a file name's extension: .tsv, .ndjson or
// .jsonl, .json; CSV otherwise.
func FormatOf(filename string) Format {
	switch strings.ToLower(path.Ext(filename)) {
	case ".tsv", ".tab":
		return TSV
	case ".ndjson", ".jsonl":
		return NDJSON
	case ".json":
		return JSON
	}
	return CSV
}

// ContentDisposition is the Content-Disposition value of a download called
// filename: an ASCII fallback in filename= (characters outside printable
// ASCII, quotes, backslashes and path separators replaced by _) and, when
// that differs, the exact name in filename*= (RFC 6266, with RFC 8187's
// UTF-8 percent-encoding).
func ContentDisposition(filename string) string {
	filename = path.Base(strings.ReplaceAll(filename, `\`, "/"))
	if filename == "." || filename == "/" {
		filename = "download"
	}
	var ascii strings.Builder
	for _, r := range filename {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '/' || r == '%' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if ascii.String() != filename {
		v += "; filename*=UTF-8''" + encodeRFC8187(filename)
	}
	return v
}

// encodeRFC8187 percent-encodes s but for attr-char.
func encodeRFC8187(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// respWriter is the response seen by the export: headers set at the first
// byte, a deadline on every write, and flushes through the
// ResponseController (so middleware with Unwrap is fine).
type respWriter struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	filename string
	format   Format
	timeout  time.Duration
	started  bool
	noDL     bool
	setDL    bool
	// werr is the first error of a write or flush to the client: only
	// that, or the request's end, says that the client went away. The
	// source's own errors (a database connection reset, say) are failures
	// even when they look alike.
	werr error
}

func (rw *respWriter) start() {
	if rw.started {
		return
	}
	rw.started = true
	h := rw.w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", rw.format.ContentType())
	}
	if h.Get("Content-Disposition") == "" {
		h.Set("Content-Disposition", ContentDisposition(rw.filename))
	}
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
}

func (rw *respWriter) deadline() {
	if rw.timeout <= 0 || rw.noDL {
		return
	}
	if err := rw.rc.SetWriteDeadline(time.Now().Add(rw.timeout)); err != nil {
		rw.noDL = true
		return
	}
	rw.setDL = true
}

func (rw *respWriter) clearDeadline() {
	if rw.setDL {
		_ = rw.rc.SetWriteDeadline(time.Time{})
	}
}

func (rw *respWriter) Write(p []byte) (int, error) {
	rw.start()
	rw.deadline()
	n, err := rw.w.Write(p)
	if err != nil && rw.werr == nil {
		rw.werr = err
	}
	return n, err
}

func (rw *respWriter) Flush() error {
	rw.start()
	rw.deadline()
	err := rw.rc.Flush()
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	if err != nil && rw.werr == nil {
		rw.werr = err
	}
	return err
}

// clientGone reports whether the export stopped because the client went
// away: the request ended, or writing to it failed as a closed connection
// does.
func (rw *respWriter) clientGone(r *http.Request) bool {
	return r.Context().Err() != nil || rw.werr != nil && httperr.ClientGone(rw.werr)
}
