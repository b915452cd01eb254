package runnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/runnelhq/runnel/httperr"
)

// The HTTP layer: rendering a template as a streamed response.

// StatusError makes a page fail with an HTTP status, when it fails before
// its first byte: return it from a data function or from a value named in
// {% await %}. It is httperr.StatusError, shared with package export.
type StatusError = httperr.StatusError

// RedirectError makes a page answer with a redirect, when it fails before
// its first byte. It is httperr.RedirectError.
type RedirectError = httperr.RedirectError

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

// botRE matches the User-Agents of crawlers, link previewers and HTTP
// tools. Browsers, headless ones included, and the tools that measure what
// users get (Lighthouse and PageSpeed Insights, "Chrome-Lighthouse";
// WebPageTest, "PTST") are not matched: they get the streamed page.
var botRE = regexp.MustCompile(`(?i)bot\b|bot/|crawl|spider|slurp|facebookexternalhit|embedly|preview|curl|wget|python-requests|go-http-client|httpie|okhttp|java/|libwww|scrapy|feedfetcher|mediapartners`)

// ModeFor picks the delivery mode for a request: Streaming for browsers
// (headless ones and Lighthouse included); InOrder for HEAD requests,
// crawlers, link previewers and HTTP tools such as curl (by User-Agent),
// and clients that ask for no script with the request header
// "Runnel-Mode: in-order"; Buffered when that header says "buffered".
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
	// PageDeadline overrides the engine's page deadline (see
	// WithPageDeadline): after it, waits fail and the document is closed
	// (see StreamOptions.Deadline). Negative: none.
	PageDeadline time.Duration
	// WriteTimeout overrides the engine's write timeout (see
	// WithWriteTimeout). Negative: none.
	WriteTimeout time.Duration
	// NoEarlyHints turns off the 103 Early Hints response for this page.
	NoEarlyHints bool
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
	sw := &startWriter{w: w, rc: rc, status: opts.Status, mode: mode}
	sw.timeout = pick(opts.WriteTimeout, t.eng.writeTimeout)
	defer sw.clearDeadline()
	ctx := r.Context()
	if t.eng.limited() {
		// MaxRenderTime is the request's deadline for the page deadline's
		// margin, so that waiting sections close before it.
		var cancel context.CancelFunc
		ctx, _, cancel = t.eng.withBudget(ctx)
		defer cancel()
	}
	if mode != Buffered && !opts.NoEarlyHints && t.eng.earlyHints && r.Method == http.MethodGet && r.ProtoAtLeast(1, 1) {
		if hints := t.EarlyHints(); len(hints) > 0 {
			writeEarlyHints(w, hints)
		}
	}
	flush := func() error {
		sw.start()
		sw.setDeadline()
		err := rc.Flush()
		if errors.Is(err, http.ErrNotSupported) {
			t.eng.warnNoFlush(ctx, t.name, w)
			return nil
		}
		return err
	}
	so := StreamOptions{Mode: mode, Flush: flush, Nonce: NonceFrom(ctx), ScriptOnly: opts.ScriptOnly}
	so.Deadline = pageDeadline(ctx, pick(opts.PageDeadline, t.eng.pageDeadline))
	err := t.Stream(ctx, sw, data, so)
	if err != nil && sw.started {
		if errors.Is(err, ErrPageDeadline) {
			// The document is closed, but parts of it are missing: say so
			// in a trailer, for logs and tests.
			w.Header().Set(http.TrailerPrefix+"Runnel-Incomplete", "page-deadline")
		}
		return httperr.Incomplete(err)
	}
	return err
}

// pick returns the per-request value if set, else the engine's; negative
// means none.
func pick(req, eng time.Duration) time.Duration {
	if req != 0 {
		return max(req, 0)
	}
	return max(eng, 0)
}

// pageDeadline is when a page's waits give up: after d (if set), and in
// any case a margin before the request context's own deadline (set by a
// middleware or a platform's limit), so that the end of the document can
// still be sent before the request ends.
func pageDeadline(ctx context.Context, d time.Duration) time.Time {
	var at time.Time
	if d > 0 {
		at = time.Now().Add(d)
	}
	if end, ok := ctx.Deadline(); ok {
		margin := min(max(time.Until(end)/10, 50*time.Millisecond), time.Second)
		if e := end.Add(-margin); at.IsZero() || e.Before(at) {
			at = e
		}
	}
	return at
}

// warnNoFlush logs, once per template and type of ResponseWriter, that the
// page cannot be streamed because the writer cannot flush.
func (e *Engine) warnNoFlush(ctx context.Context, name string, w http.ResponseWriter) {
	key := name + "\x00" + fmt.Sprintf("%T", w)
	if _, seen := e.noFlushWarned.LoadOrStore(key, true); seen {
		return
	}
	slog.WarnContext(ctx, "runnel: streaming is defeated: the response writer cannot flush, so the page is sent only when it is complete; "+
		"a middleware's ResponseWriter must implement http.Flusher or Unwrap() http.ResponseWriter",
		"template", name, "writer", fmt.Sprintf("%T", w))
}

// ErrIncomplete is wrapped by the error of a response that stopped after
// its first byte: its status and headers are sent, so nothing can be said
// about the error to the client any more. WriteError writes nothing for it.
// It is httperr.ErrIncomplete, shared with package export.
var ErrIncomplete = httperr.ErrIncomplete

// ClientGone reports whether err says that the client went away: the
// request's context was canceled, or a write failed because the
// connection was closed, reset or timed out. A client that leaves is
// routine, not a server error: log it below the error level. It is
// httperr.ClientGone.
func ClientGone(err error) bool { return httperr.ClientGone(err) }

// startWriter sets the response headers when the first byte is written, so
// that nothing is committed while the page can still fail with a status.
type startWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	status  int
	mode    Mode
	started bool
	timeout time.Duration // write timeout (0: none)
	noDL    bool          // the writer has no deadlines
	setDL   bool          // a deadline was set
}

// setDeadline gives the next write its deadline.
func (sw *startWriter) setDeadline() {
	if sw.timeout <= 0 || sw.noDL {
		return
	}
	if err := sw.rc.SetWriteDeadline(time.Now().Add(sw.timeout)); err != nil {
		sw.noDL = true
		return
	}
	sw.setDL = true
}

// clearDeadline removes the deadline, which would otherwise outlive the
// response on a kept-alive connection.
func (sw *startWriter) clearDeadline() {
	if sw.setDL {
		_ = sw.rc.SetWriteDeadline(time.Time{})
	}
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
	if sw.mode == Streaming && h.Get("Cache-Control") == "" {
		// A streamed page's out-of-order parts are this request's: no
		// cache should keep (or, as some CDNs do, buffer) it. In-order
		// and buffered pages cache as the application's headers say.
		h.Set("Cache-Control", "no-store")
	}
	h.Add("Vary", "User-Agent")
	if sw.status != 0 {
		sw.w.WriteHeader(sw.status)
	}
}

func (sw *startWriter) Write(p []byte) (int, error) {
	sw.start()
	sw.setDeadline()
	return sw.w.Write(p)
}

// WriteError answers a request whose page failed before its first byte:
// a redirect for a RedirectError, the status of a StatusError, 404 for a
// missing template, and 500 otherwise. The error's text is not sent. For
// an error that wraps ErrIncomplete (the response had started), or when
// the request's context has ended (the client went away), it writes
// nothing.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrTemplateNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrPageDeadline), errors.Is(err, context.DeadlineExceeded):
		code = http.StatusServiceUnavailable
	}
	httperr.Write(w, r, err, code)
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
			// Gone is judged by the request, or by a failed write after
			// the first byte; never by the looks of an error before it
			// (a data function's database connection reset is a 500).
			deadline := errors.Is(r.Context().Err(), context.DeadlineExceeded)
			if !deadline && (r.Context().Err() != nil || errors.Is(err, ErrIncomplete) && ClientGone(err)) {
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

// writeEarlyHints sends a 103 with the Link headers hints, and only them;
// they stay in the header map for the final response. net/http sends the
// whole header map with a 1xx response, and other headers set by then do
// harm there: Chromium checks a hinted preload against the 103's own
// Content-Security-Policy, and a strict one (default-src 'none') drops the
// preload whatever the final response's policy allows.
func writeEarlyHints(w http.ResponseWriter, hints []string) {
	h := w.Header()
	saved := h.Clone()
	clear(h)
	h["Link"] = append([]string(nil), hints...)
	w.WriteHeader(http.StatusEarlyHints)
	clear(h)
	for k, v := range saved {
		h[k] = v
	}
	for _, v := range hints {
		h.Add("Link", v)
	}
}
