package runnel

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
)

// The HTTP layer: rendering a template as a streamed response.

// StatusError makes a page fail with an HTTP status, when it fails before
// its first byte: return it from a data function or from a value named in
// {% await %}.
type StatusError struct {
	Code int
	Err  error
}

// Error returns the status text and the cause.
func (e *StatusError) Error() string {
	if e.Err == nil {
		return http.StatusText(e.Code)
	}
	return http.StatusText(e.Code) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// RedirectError makes a page answer with a redirect, when it fails before
// its first byte.
type RedirectError struct {
	URL  string
	Code int // default http.StatusFound
}

// Error describes the redirect.
func (e *RedirectError) Error() string { return "redirect to " + e.URL }

type nonceKey struct{}

// WithNonce returns a context carrying the page's Content-Security-Policy
// nonce. The fallback script of out-of-order sections carries it, and
// templates can use it as {{ csp_nonce }}.
func WithNonce(ctx context.Context, nonce string) context.Context {
	return context.WithValue(ctx, nonceKey{}, nonce)
}

// NonceFrom returns the nonce set with WithNonce.
func NonceFrom(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey{}).(string)
	return n
}

var botRE = regexp.MustCompile(`(?i)bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|lighthouse|curl|wget|python-requests|go-http-client|headless`)

// ModeFor picks the delivery mode for a request: Streaming for browsers;
// InOrder for HEAD requests, crawlers and tools (by User-Agent), and clients
// that ask for no script with the request header "Runnel-Mode: in-order";
// Buffered when that header says "buffered".
func ModeFor(r *http.Request) Mode {
	switch strings.ToLower(r.Header.Get("Runnel-Mode")) {
	case "in-order", "inorder", "noscript":
		return InOrder
	case "buffered":
		return Buffered
	case "streaming":
		return Streaming
	}
	if r.Method == http.MethodHead {
		return InOrder
	}
	ua := r.Header.Get("User-Agent")
	if ua == "" || botRE.MatchString(ua) {
		return InOrder
	}
	return Streaming
}

// ServeOptions adjusts how [Template.Serve] delivers a page.
type ServeOptions struct {
	// Mode overrides ModeFor(r) when set (it is a pointer so that the zero
	// options choose by request).
	Mode *Mode
	// ScriptOnly forces the script fallback for out-of-order sections.
	ScriptOnly bool
	// Status is the response status (default 200).
	Status int
}

// Serve renders the template as the response to r. It sets Content-Type,
// X-Accel-Buffering: no (so proxies such as nginx pass chunks on at once)
// and Cache-Control: no-store unless the handler set it, picks the delivery
// mode with ModeFor, renders under r.Context() (so a client that goes away
// cancels the render and its late values), and flushes through
// http.ResponseController, which works through middleware that implements
// Unwrap.
//
// An error that happens before the first byte is returned without writing
// anything, so the caller can still answer with an error status (see
// [WriteError]). After the first byte, errors are rendered as error content
// and reported to the engine's error handler, and Serve returns nil. If
// the render stops after the first byte all the same (the client went
// away, see [ClientGone], or a panic), the error Serve returns wraps
// [ErrIncomplete], and WriteError writes nothing for it.
func (t *Template) Serve(w http.ResponseWriter, r *http.Request, data any, opts ServeOptions) error {
	mode := ModeFor(r)
	if opts.Mode != nil {
		mode = *opts.Mode
	}
	rc := http.NewResponseController(w)
	sw := &startWriter{w: w, status: opts.Status}
	flush := func() error {
		sw.start()
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	ctx := r.Context()
	err := t.Stream(ctx, sw, data, StreamOptions{Mode: mode, Flush: flush, Nonce: NonceFrom(ctx), ScriptOnly: opts.ScriptOnly})
	if err != nil && sw.started {
		return &incompleteError{err}
	}
	return err
}

// ErrIncomplete is wrapped by the error of a response that stopped after
// its first byte: its status and headers are sent, so nothing can be said
// about the error to the client any more. WriteError writes nothing for it.
var ErrIncomplete = errors.New("runnel: the response stopped after its first byte")

type incompleteError struct{ err error }

func (e *incompleteError) Error() string   { return ErrIncomplete.Error() + ": " + e.err.Error() }
func (e *incompleteError) Unwrap() []error { return []error{ErrIncomplete, e.err} }

// ClientGone reports whether err says that the client went away: the
// request's context was canceled, or a write failed because the
// connection was closed, reset or timed out. A client that leaves is
// routine, not a server error: log it below the error level.
func ClientGone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrHandlerTimeout)
}

// startWriter sets the response headers when the first byte is written, so
// that nothing is committed while the page can still fail with a status.
type startWriter struct {
	w       http.ResponseWriter
	status  int
	started bool
}

func (sw *startWriter) start() {
	if sw.started {
		return
	}
	sw.started = true
	h := sw.w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	h.Set("X-Accel-Buffering", "no")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Add("Vary", "User-Agent")
	if sw.status != 0 {
		sw.w.WriteHeader(sw.status)
	}
}

func (sw *startWriter) Write(p []byte) (int, error) {
	sw.start()
	return sw.w.Write(p)
}

// WriteError answers a request whose page failed before its first byte:
// a redirect for a RedirectError, the status of a StatusError, 404 for a
// missing template, and 500 otherwise. The error's text is not sent. For
// an error that wraps ErrIncomplete (the response had started), or one of
// a client that went away, it writes nothing.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrIncomplete) || ClientGone(err) {
		return
	}
	var re *RedirectError
	if errors.As(err, &re) {
		code := re.Code
		if code == 0 {
			code = http.StatusFound
		}
		http.Redirect(w, r, re.URL, code)
		return
	}
	code := http.StatusInternalServerError
	var se *StatusError
	switch {
	case errors.As(err, &se):
		code = se.Code
	case errors.Is(err, ErrTemplateNotFound):
		code = http.StatusNotFound
	}
	http.Error(w, http.StatusText(code), code)
}

// Handler serves the template called name, with data built for each
// request by data (which may return late values, and a StatusError or
// RedirectError to answer otherwise). Errors before the first byte are
// answered with WriteError and reported to the engine's error handler.
func (e *Engine) Handler(name string, data func(*http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := e.Template(name)
		var d any
		if err == nil && data != nil {
			d, err = data(r)
		}
		if err == nil {
			err = t.Serve(w, r, d, ServeOptions{})
			if err == nil {
				return
			}
			deadline := errors.Is(r.Context().Err(), context.DeadlineExceeded)
			if !deadline && (ClientGone(err) || r.Context().Err() != nil) {
				slog.DebugContext(r.Context(), "runnel: client went away", "template", name, "err", err)
				return
			}
			if errors.Is(err, ErrIncomplete) {
				// A panic or a deadline after the first byte: an error to
				// report, but nothing more can be sent.
				e.report(r.Context(), err)
				return
			}
		}
		var re *RedirectError
		if !errors.As(err, &re) {
			e.report(r.Context(), err)
		}
		WriteError(w, r, err)
	})
}

// report hands an error to the engine's error handler.
func (e *Engine) report(ctx context.Context, err error) {
	s := &state{ctx: ctx, eng: e, onError: e.onError}
	s.api.s = s
	s.reportError(err)
}
