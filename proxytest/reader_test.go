package proxytest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// reader makes a request and reads its response as it arrives: first the
// head, then the body, decompressed if it is gzipped. A goroutine does the
// reading and hands each piece over, so that a wait can end at a deadline
// without ending the request.
type reader struct {
	t    *testing.T
	what string // "the page"
	via  string // the proxy's name and version

	pieces chan piece
	raw    *recorder
	cancel context.CancelFunc // ends the request
	pumped chan struct{}      // closed when the goroutine has returned
	closed sync.Once

	resp *http.Response  // the head, once it has arrived
	got  strings.Builder // the body decoded so far
	pos  int             // what until has consumed
	err  error           // the end of the body (io.EOF) or a read error
}

// piece is what the goroutine hands over: the head, or what one read of
// the body returned.
type piece struct {
	resp *http.Response
	b    []byte
	err  error
}

// open sends the request with tr and returns its reader. The request ends
// when the test ends, or at close.
func open(t *testing.T, tr http.RoundTripper, req *http.Request, what, via string) *reader {
	ctx, cancel := context.WithCancel(req.Context())
	rd := &reader{t: t, what: what, via: via, pieces: make(chan piece), raw: &recorder{},
		cancel: cancel, pumped: make(chan struct{})}
	go rd.pump(ctx, tr, req.WithContext(ctx))
	t.Cleanup(rd.close)
	return rd
}

// close ends the request (the client leaves) and waits for the goroutine.
func (rd *reader) close() {
	rd.closed.Do(func() {
		rd.cancel()
		<-rd.pumped
	})
}

// pump sends the request and hands over its head, then the body, read by
// read, until its end or until the request is ended.
func (rd *reader) pump(ctx context.Context, tr http.RoundTripper, req *http.Request) {
	defer close(rd.pumped)
	hand := func(p piece) bool {
		select {
		case rd.pieces <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		hand(piece{err: err})
		return
	}
	defer resp.Body.Close()
	rd.raw.r = resp.Body
	var src io.Reader = rd.raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		src = &gunzip{r: rd.raw}
	}
	if !hand(piece{resp: resp}) {
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if !hand(piece{b: bytes.Clone(buf[:n]), err: err}) || err != nil {
			return
		}
	}
}

// next waits for the next piece until timer fires, and reports whether one
// came.
func (rd *reader) next(timer <-chan time.Time) bool {
	select {
	case p := <-rd.pieces:
		if p.resp != nil {
			rd.resp = p.resp
		}
		rd.got.Write(p.b)
		if p.err != nil {
			rd.err = p.err
		}
		return true
	case <-timer:
		return false
	}
}

// head waits for the response's head, failing the test if it has not come
// within readTimeout.
func (rd *reader) head() *http.Response {
	rd.t.Helper()
	timer := time.NewTimer(readTimeout)
	defer timer.Stop()
	for rd.resp == nil {
		if rd.err != nil {
			rd.t.Fatalf("%s through %s: no response: %v", rd.what, rd.via, rd.err)
		}
		if !rd.next(timer.C) {
			rd.t.Fatalf("%s: %s sent no response head within %v", rd.what, rd.via, readTimeout)
		}
	}
	return rd.resp
}

// received is the body decoded so far.
func (rd *reader) received() string { return rd.got.String() }

// until waits until want has arrived after what earlier calls consumed,
// and returns the part up to it (want included). If it has not arrived
// within readTimeout, the proxy is holding it: the test fails, naming the
// proxy and the step.
func (rd *reader) until(want, step string) string {
	rd.t.Helper()
	timer := time.NewTimer(readTimeout)
	defer timer.Stop()
	for {
		have := rd.got.String()[rd.pos:]
		if i := strings.Index(have, want); i >= 0 {
			rd.pos += i + len(want)
			return have[:i+len(want)]
		}
		if rd.err != nil {
			rd.t.Fatalf("%s through %s: the response ended (%v) before %s: %q never came (%d bytes since the last step: %q)",
				rd.what, rd.via, rd.err, step, want, len(have), tail(have))
		}
		if !rd.next(timer.C) {
			rd.t.Fatalf("%s: %s held %s: %q had not arrived after %v\n(%d bytes decoded in all, %d since the last step: %q; %s)",
				rd.what, rd.via, step, want, readTimeout, rd.got.Len(), len(have), tail(have), rd.raw.summary())
		}
	}
}

// heldFor reports whether want is still missing after grace: what shows
// that a proxy holds a part the Go server has flushed. (A part that is
// passed on comes within milliseconds; grace only bounds how long the test
// looks. It decides nothing when the proxy holds the part, as the facts of
// this suite say: the part cannot come, however slow the machine.)
func (rd *reader) heldFor(want string, grace time.Duration) bool {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for {
		if strings.Contains(rd.got.String()[rd.pos:], want) {
			return false
		}
		if rd.err != nil || !rd.next(timer.C) {
			return true
		}
	}
}

// rest reads the body to its end.
func (rd *reader) rest() {
	rd.t.Helper()
	timer := time.NewTimer(readTimeout)
	defer timer.Stop()
	for rd.err == nil {
		if !rd.next(timer.C) {
			rd.t.Fatalf("%s through %s: the response had not ended after %v", rd.what, rd.via, readTimeout)
		}
	}
	if rd.err != io.EOF {
		rd.t.Fatalf("%s through %s: reading to the end: %v", rd.what, rd.via, rd.err)
	}
	rd.pos = rd.got.Len()
}

func tail(s string) string {
	if len(s) > 200 {
		return "…" + s[len(s)-200:]
	}
	return s
}

// recorder keeps the bytes of the body as they came off the wire (still
// compressed, for a compressed body), for the messages.
type recorder struct {
	r  io.Reader
	mu sync.Mutex
	b  []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.mu.Lock()
	r.b = append(r.b, p[:n]...)
	r.mu.Unlock()
	return n, err
}

// summary describes the bytes received: their number and, for a gzip
// stream, how many sync-flush markers (the empty stored block 00 00 ff ff
// a compressor writes when it is flushed) they hold.
func (r *recorder) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Builder{}
	s.WriteString(itoa(len(r.b)) + " bytes on the wire")
	if len(r.b) >= 2 && r.b[0] == 0x1f && r.b[1] == 0x8b {
		s.WriteString(", gzip, " + itoa(bytes.Count(r.b, []byte{0, 0, 0xff, 0xff})) + " sync-flush markers")
	}
	return s.String()
}

// gunzip decompresses a gzip stream as it arrives: its header is read at
// the first Read, and each Read returns what the compressed bytes received
// so far decode to (a compressor's flush ends a deflate block, which the
// decompressor hands over whole).
type gunzip struct {
	r  io.Reader
	zr *gzip.Reader
}

func (g *gunzip) Read(p []byte) (int, error) {
	if g.zr == nil {
		zr, err := gzip.NewReader(g.r)
		if err != nil {
			return 0, err
		}
		g.zr = zr
	}
	return g.zr.Read(p)
}
