// Package compress is HTTP response compression that keeps a streamed
// response streamed: gzip, zstd and brotli, negotiated from the request's
// Accept-Encoding, as middleware for any handler (runnel's pages, SSE
// streams, exports, and the application's own handlers).
//
// Most compression middleware breaks streaming in one of two ways: it
// does not implement Flush, so the whole response waits in the compressor
// until the handler returns; or it flushes the compressor on every write,
// which costs ratio and CPU. This middleware compresses what the handler
// writes, and sends it when the handler flushes (runnel flushes before a
// wait, when an out-of-order section is sent, and after an SSE event).
// Flushes that follow one another within [Options.FlushDelay] are
// coalesced into one: the first is sent at once, and the next is sent
// when the delay since the previous one has passed.
//
// Memory: a compressed stream that is open holds little of its own,
// because the heavy encoder state is pooled and used only while a block is
// compressed. gzip is compressed block by block (a block ends at a flush,
// or at [Options.BlockSize]) with the last 8 KB (or, at a gzip level from
// 1 to 9, 32 KB) of the stream as the dictionary of the next block, into
// one continuous gzip member; zstd writes one frame per block. An open
// gzip or zstd stream therefore holds at most its pending block and its
// dictionary (below 100 KB with the defaults, and a few KB when idle).
// Brotli cannot be cut into blocks like that: its encoder is the stream's
// own for the whole response, at a quality and window chosen to hold
// about 70 KB. See BENCHMARKS.md for the measured figures.
//
// Responses are left uncompressed when the request is a HEAD or a Range
// request, when the response already has a Content-Encoding, has a status
// without a body (1xx, 204, 304) or 206, says Cache-Control: no-transform,
// has a type that is not compressible (images, video, archives, fonts
// other than SVG…; see [Options.Compressible]), or ends smaller than
// [Options.MinSize] without having been flushed. Every response gets
// "Vary: Accept-Encoding". A strong ETag of a compressed response is made
// weak. Informational responses (103 Early Hints) pass straight through.
//
// If the handler panics with http.ErrAbortHandler (as an export does to
// make a failed download visibly incomplete), the compressed stream is
// not ended properly either: the client sees a truncated stream.
package compress

import (
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// The content codings this package produces.
const (
	Gzip   = "gzip"
	Zstd   = "zstd"
	Brotli = "br"
)

// Options configures a [Compressor]. The zero value is the defaults.
type Options struct {
	// Encodings are the codings offered, in the server's order of
	// preference among those a client accepts with the same q-value.
	// Default: zstd, gzip, br (for text/event-stream, whose blocks are
	// single events, gzip comes first: its dictionary carries context
	// from one event to the next, which zstd's frames cannot).
	Encodings []string

	// MinSize is the size under which a response that ends without
	// having been flushed is sent uncompressed (default 1024 bytes).
	// A response that flushes is compressed whatever its size.
	MinSize int

	// FlushDelay is the window within which flushes are coalesced
	// (default 2ms). Negative: every flush is sent at once.
	FlushDelay time.Duration

	// BlockSize bounds the uncompressed bytes a stream holds before it
	// compresses them, between flushes (default 64 KB).
	BlockSize int

	// GzipLevel is the gzip compression level. 0 (the default) is a fast
	// level whose blocks use the last 8 KB of the stream as their
	// dictionary; 1 to 9 are klauspost/compress's levels, with a 32 KB
	// dictionary, slower (a level is reset for each block) and a few
	// per cent smaller.
	GzipLevel int

	// ZstdLevel is the zstd level: 1 fastest (default), 2 default, 3
	// better, 4 best (as klauspost/compress/zstd names them).
	ZstdLevel int

	// BrotliQuality (0–11, default 1) and BrotliWindow (log2 of the
	// window, 10–24, default 12) set the brotli encoder, which each open
	// brotli stream holds for its whole length: at quality 1 and window
	// 12 it holds about 70 KB; quality 2 needs about 570 KB.
	BrotliQuality, BrotliWindow int

	// Compressible reports whether responses of a media type (lower
	// case, without parameters) are compressed. Default: text/*, and
	// JSON, JavaScript, XML, SVG, NDJSON, CSV, WebAssembly, and
	// application/x-www-form-urlencoded.
	Compressible func(mediaType string) bool
}

// Compressor is compression middleware; create it with [New]. It is safe
// for concurrent use.
type Compressor struct {
	opts      Options
	zstdOnce  sync.Once
	zstdEnc   *zstd.Encoder
	scratch   sync.Pool // *[]byte, output of zstd frames
	pendPool  sync.Pool // *[]byte, pending blocks
	gzipPools [10]sync.Pool
	brPool    sync.Pool
}

// New returns a Compressor with the given options.
func New(opts Options) *Compressor {
	if len(opts.Encodings) == 0 {
		opts.Encodings = []string{Zstd, Gzip, Brotli}
	}
	if opts.MinSize == 0 {
		opts.MinSize = 1024
	}
	if opts.FlushDelay == 0 {
		opts.FlushDelay = 2 * time.Millisecond
	}
	if opts.BlockSize <= 0 {
		opts.BlockSize = 64 << 10
	}
	opts.GzipLevel = min(max(opts.GzipLevel, 0), 9)
	if opts.ZstdLevel <= 0 {
		opts.ZstdLevel = 1
	}
	if opts.BrotliQuality <= 0 {
		opts.BrotliQuality = 1
	}
	if opts.BrotliWindow <= 0 {
		opts.BrotliWindow = 12
	}
	if opts.Compressible == nil {
		opts.Compressible = DefaultCompressible
	}
	return &Compressor{opts: opts}
}

var defaultCompressor = sync.OnceValue(func() *Compressor { return New(Options{}) })

// Handler compresses h's responses with the default options.
func Handler(h http.Handler) http.Handler { return defaultCompressor().Handler(h) }

// Handler returns h with its responses compressed.
func (c *Compressor) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Add("Vary", "Accept-Encoding")
		accepted := c.accepted(r.Header.Values("Accept-Encoding"))
		if len(accepted) == 0 || r.Method == http.MethodHead || r.Header.Get("Range") != "" {
			h.ServeHTTP(rw, r)
			return
		}
		w := &writer{ResponseWriter: rw, c: c, accepted: accepted}
		defer func() {
			if p := recover(); p != nil {
				w.abort()
				panic(p)
			}
			w.close()
		}()
		h.ServeHTTP(w, r)
	})
}

// DefaultCompressible is the default of [Options.Compressible].
func DefaultCompressible(mediaType string) bool {
	if strings.HasPrefix(mediaType, "text/") {
		return true
	}
	switch mediaType {
	case "application/json", "application/javascript", "application/x-javascript", "application/ecmascript",
		"application/xml", "application/xhtml+xml", "application/rss+xml", "application/atom+xml",
		"image/svg+xml", "application/x-ndjson", "application/ndjson", "application/wasm",
		"application/manifest+json", "application/ld+json", "application/geo+json", "application/problem+json",
		"application/x-www-form-urlencoded", "application/graphql-response+json":
		return true
	}
	return strings.HasSuffix(mediaType, "+json") || strings.HasSuffix(mediaType, "+xml")
}

// accepted returns the codings of c that the Accept-Encoding values allow,
// best first: by q-value, then in the server's order.
func (c *Compressor) accepted(values []string) []string {
	if len(values) == 0 {
		return nil
	}
	q := map[string]float64{}
	star := -1.0
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			weight := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					weight = f
				}
			}
			if name == "*" {
				star = weight
				continue
			}
			if name == "x-gzip" {
				name = Gzip
			}
			q[name] = weight
		}
	}
	type cand struct {
		name string
		q    float64
	}
	var out []cand
	for _, enc := range c.opts.Encodings {
		w, ok := q[enc]
		if !ok {
			w = star
		}
		if w > 0 {
			out = append(out, cand{enc, w})
		}
	}
	// A stable sort by q keeps the server's order among equals.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].q > out[j-1].q; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	names := make([]string, len(out))
	for i, o := range out {
		names[i] = o.name
	}
	return names
}

// choose picks the coding for a response of the given media type.
func choose(accepted []string, mediaType string) string {
	if mediaType == "text/event-stream" {
		for _, a := range accepted {
			if a == Gzip {
				return Gzip
			}
		}
	}
	return accepted[0]
}

// compressible reports whether a response with these headers and status
// may be compressed.
func (c *Compressor) compressible(h http.Header, status int) (string, bool) {
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified || status == http.StatusPartialContent {
		return "", false
	}
	if h.Get("Content-Encoding") != "" {
		return "", false
	}
	for _, v := range h.Values("Cache-Control") {
		if strings.Contains(strings.ToLower(v), "no-transform") {
			return "", false
		}
	}
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return "", false
	}
	return mt, c.opts.Compressible(mt)
}

func (c *Compressor) zstd() *zstd.Encoder {
	c.zstdOnce.Do(func() {
		c.zstdEnc, _ = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.EncoderLevel(c.opts.ZstdLevel)),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false))
	})
	return c.zstdEnc
}

func (c *Compressor) getBuf(p *sync.Pool) *[]byte {
	if b, ok := p.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

func (c *Compressor) putBuf(p *sync.Pool, b *[]byte) {
	if cap(*b) > 4*c.opts.BlockSize {
		return
	}
	*b = (*b)[:0]
	p.Put(b)
}
