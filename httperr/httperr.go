// Package httperr is the small vocabulary of errors that runnel's HTTP
// entry points share (pages, exports, Server-Sent Events): an error that
// carries a status or a redirect, the test for a client that went away,
// and the answer to an error before the response started.
//
// It depends on the standard library only, so that a program that serves
// exports or events without templates does not link the template engine.
// Package runnel re-exports its names (runnel.StatusError is
// httperr.StatusError).
package httperr

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"syscall"
)

// StatusError makes a response fail with an HTTP status, when it fails
// before its first byte.
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

// RedirectError makes a response answer with a redirect, when it fails
// before its first byte.
type RedirectError struct {
	URL  string
	Code int // default http.StatusFound
}

// Error describes the redirect.
func (e *RedirectError) Error() string { return "redirect to " + e.URL }

// ErrIncomplete is wrapped by the error of a response that stopped after
// its first byte: its status and headers are sent, so nothing can be said
// about the error to the client any more. Write writes nothing for it.
var ErrIncomplete = errors.New("the response stopped after its first byte")

// Incomplete wraps err, the cause of a response that stopped after its
// first byte, so that it also wraps ErrIncomplete.
func Incomplete(err error) error { return &incompleteError{err} }

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

// Write answers a request that failed before its first byte: a redirect
// for a RedirectError, the status of a StatusError, and code otherwise
// (500 if code is 0). The error's text is not sent. It writes nothing for
// an error that wraps ErrIncomplete (the response had started), or when
// the request's context has ended (nobody is listening). It does not guess
// from the error's looks: a reset connection to a database is a failure to
// answer with a status, not a client that went away.
func Write(w http.ResponseWriter, r *http.Request, err error, code int) {
	if errors.Is(err, ErrIncomplete) || r.Context().Err() != nil {
		return
	}
	var re *RedirectError
	if errors.As(err, &re) {
		c := re.Code
		if c == 0 {
			c = http.StatusFound
		}
		http.Redirect(w, r, re.URL, c)
		return
	}
	var se *StatusError
	if errors.As(err, &se) {
		code = se.Code
	}
	if code == 0 {
		code = http.StatusInternalServerError
	}
	http.Error(w, http.StatusText(code), code)
}
