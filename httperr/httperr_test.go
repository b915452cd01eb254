package httperr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/runnelhq/runnel/httperr"
)

func TestWrite(t *testing.T) {
	for _, c := range []struct {
		name     string
		err      error
		code     int
		status   int
		location string
		nothing  bool
	}{
		{name: "default", err: errors.New("boom"), status: 500},
		{name: "code", err: errors.New("boom"), code: 503, status: 503},
		{name: "status", err: fmt.Errorf("load: %w", &httperr.StatusError{Code: 404, Err: errors.New("no such order")}), code: 503, status: 404},
		{name: "redirect", err: &httperr.RedirectError{URL: "/login"}, status: 302, location: "/login"},
		{name: "redirect code", err: &httperr.RedirectError{URL: "/new", Code: 301}, status: 301, location: "/new"},
		{name: "incomplete", err: httperr.Incomplete(errors.New("boom")), nothing: true},
		// An error that looks like a closed connection, from a database say,
		// is answered: only the request's end says the client has gone.
		{name: "reset database", err: fmt.Errorf("fetch: %w", syscall.ECONNRESET), status: 500},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			httperr.Write(rec, httptest.NewRequest("GET", "/", nil), c.err, c.code)
			if c.nothing {
				if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
					t.Fatalf("wrote %d %q", rec.Code, rec.Body)
				}
				return
			}
			if rec.Code != c.status || rec.Header().Get("Location") != c.location {
				t.Fatalf("got %d Location %q, want %d %q", rec.Code, rec.Header().Get("Location"), c.status, c.location)
			}
			if c.location == "" && rec.Body.String() != http.StatusText(c.status)+"\n" {
				t.Errorf("body %q: the error's text must not be sent", rec.Body)
			}
		})
	}
}

func TestWriteRequestOver(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	httperr.Write(rec, httptest.NewRequest("GET", "/", nil).WithContext(ctx), errors.New("boom"), 0)
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Fatalf("wrote %d %q for a request that is over", rec.Code, rec.Body)
	}
}

func TestClientGone(t *testing.T) {
	for _, err := range []error{context.Canceled, syscall.EPIPE, syscall.ECONNRESET, http.ErrHandlerTimeout, fmt.Errorf("x: %w", context.Canceled)} {
		if !httperr.ClientGone(err) {
			t.Errorf("ClientGone(%v) = false", err)
		}
	}
	for _, err := range []error{errors.New("boom"), context.DeadlineExceeded, nil} {
		if httperr.ClientGone(err) {
			t.Errorf("ClientGone(%v) = true", err)
		}
	}
}

func ExampleWrite() {
	h := func(w http.ResponseWriter, r *http.Request) {
		err := &httperr.StatusError{Code: http.StatusNotFound, Err: errors.New("no order 42")}
		httperr.Write(w, r, err, http.StatusInternalServerError)
	}
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("GET", "/orders/42.csv", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 404 Not Found
}
