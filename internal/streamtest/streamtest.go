// Package streamtest has what the tests of streamed pages share: a reader
// that reads a response body up to a marker, so that a test can prove a
// part of the page arrived before it released the slow value behind the
// next part. Nothing in it waits for a fixed time.
package streamtest

import (
	"bufio"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Timeout bounds each [Reader.Until]: a marker that has not arrived by then
// fails the test. It is a bound on a hung test, not a wait.
const Timeout = 10 * time.Second

// A Reader reads a streamed body a byte at a time, so that it never reads
// past a marker into data the server has not sent yet.
type Reader struct {
	t    testing.TB
	r    *bufio.Reader
	body io.Closer
	got  strings.Builder
}

// NewReader reads body for t.
func NewReader(t testing.TB, body io.ReadCloser) *Reader {
	return &Reader{t: t, r: bufio.NewReader(body), body: body}
}

// Until reads until the body read so far ends with want, and returns the
// part read by this call (want included). If want has not arrived within
// [Timeout], or the body ends first, the test fails; on a timeout the body
// is closed so that the stuck read returns.
func (rd *Reader) Until(want string) string {
	rd.t.Helper()
	timer := time.AfterFunc(Timeout, func() {
		rd.t.Errorf("timed out waiting for %q", want)
		rd.body.Close()
	})
	defer timer.Stop()
	from := rd.got.Len()
	for !strings.HasSuffix(rd.got.String(), want) {
		b, err := rd.r.ReadByte()
		if err != nil {
			rd.t.Fatalf("reading until %q: %v\nhave: %s", want, err, rd.got.String())
		}
		rd.got.WriteByte(b)
	}
	return rd.got.String()[from:]
}

// Rest reads the body to its end and returns what this call read.
func (rd *Reader) Rest() string {
	rd.t.Helper()
	b, err := io.ReadAll(rd.r)
	if err != nil {
		rd.t.Fatalf("reading the rest: %v\nhave: %s", err, rd.got.String())
	}
	rd.got.Write(b)
	return string(b)
}

// Got is everything read so far.
func (rd *Reader) Got() string { return rd.got.String() }

// WholePage checks that page is a complete document with no script: it
// starts with <!doctype html>, ends with </body></html>, and each of tags
// is opened and closed exactly once.
func WholePage(t testing.TB, page string, tags ...string) {
	t.Helper()
	if !strings.HasPrefix(page, "<!doctype html>") || !strings.HasSuffix(strings.TrimRight(page, "\n"), "</body>\n</html>") {
		t.Errorf("page is not complete: %.60q … %q", page, page[max(0, len(page)-40):])
	}
	for _, tag := range tags {
		open := regexp.MustCompile(`<` + regexp.QuoteMeta(tag) + `[\s>]`)
		if o, c := len(open.FindAllString(page, -1)), strings.Count(page, "</"+tag+">"); o != 1 || c != 1 {
			t.Errorf("<%s> opened %d times and closed %d times", tag, o, c)
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("the page has a script")
	}
}
