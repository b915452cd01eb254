package runnel

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strconv"
	"sync"
	"time"
)

// Mode is how a page is delivered.
type Mode int

const (
	// Streaming writes the page as it renders, flushing before each wait for
	// a late value, and renders {% defer %} sections that have a placeholder
	// concurrently, sending each one out of order, the moment it is ready,
	// into its placeholder (natively with <template for>, or by a tiny
	// script in browsers without it).
	Streaming Mode = iota
	// InOrder writes the page as it renders, flushing before each wait, but
	// renders every section in place: the output is exactly the buffered
	// page, cut into chunks, with no script. For crawlers, HEAD requests and
	// clients that ask for no script.
	InOrder
	// Buffered renders the whole page before writing its first byte (for
	// tests, e-mail and caches). Errors are always returned.
	Buffered
)

// String returns the mode's name: "streaming", "in-order" or "buffered".
func (m Mode) String() string {
	switch m {
	case Streaming:
		return "streaming"
	case InOrder:
		return "in-order"
	case Buffered:
		return "buffered"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// StreamOptions configures [Template.Stream].
type StreamOptions struct {
	// Mode is the delivery mode (default Streaming).
	Mode Mode
	// Flush pushes written bytes to the client (for HTTP, the response
	// controller's Flush). If nil and the writer has a Flush() error or
	// Flush() method, that is used.
	Flush func() error
	// Nonce is the page's CSP nonce, put on the fallback script.
	Nonce string
	// ScriptOnly makes out-of-order sections use only the fallback script,
	// not the browser's native <template for> patching.
	ScriptOnly bool
	// Deadline, if set, is the page deadline: when it passes, every wait
	// for a late value fails at once with ErrPageDeadline (and the late
	// values' contexts end), open {% defer %} sections show their
	// {% error %} content (error.timeout is true) or keep their
	// placeholder, other failed parts show the error fragment, and the
	// rest of the page is rendered, so that the document is closed
	// properly. Stream then returns an error wrapping ErrPageDeadline.
	Deadline time.Time
}

// ErrPageDeadline is the error of waits after the page deadline
// ([StreamOptions.Deadline], [ServeOptions.PageDeadline]).
var ErrPageDeadline = errors.New("runnel: the page deadline passed")

// streamState is the per-render machinery for late values and sections:
// the goroutines it started (all cancelled and waited for when the render
// ends) and the out-of-order sections in flight.
type streamState struct {
	ctx     context.Context // ends when the render ends
	cancel  context.CancelFunc
	data    context.Context // the late values': ctx, ended by the page deadline too
	dataEnd context.CancelFunc
	wg      sync.WaitGroup

	done       chan *section // completed sections
	pending    int           // sections started and not yet emitted
	nextID     int
	scriptSent bool
	unpatched  []int // sections written whose script call is not yet
}

func newStreamState(parent, page context.Context) *streamState {
	ctx, cancel := context.WithCancel(parent)
	st := &streamState{ctx: ctx, cancel: cancel, done: make(chan *section, 8)}
	st.data, st.dataEnd = ctx, cancel
	if page != nil {
		st.data, st.dataEnd = context.WithCancel(page)
	}
	return st
}

// dataGoroutine runs fn (a late value's work) under the data context,
// which the page deadline ends as well as the render.
func (st *streamState) dataGoroutine(fn func(ctx context.Context)) {
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		fn(st.data)
	}()
}

// stop cancels everything the render started and waits for it.
func (st *streamState) stop() {
	st.cancel()
	st.dataEnd()
	st.wg.Wait()
}

// streaming returns the render's stream state, creating it on first use.
// Its context is the render's, so stopping it cancels everything started
// under it, however the render's own context has been decorated since
// (by {% language %} or {% timezone %}).
func (s *state) streaming() *streamState {
	if s.stream == nil {
		s.stream = newStreamState(s.root, s.page)
	}
	return s.stream
}

// sectionContext returns a context with the values of the fork's that is
// cancelled when either it or the render's stream state ends: the stream's
// own contexts when the fork's is the render's (or its page deadline's),
// else a new one.
func (st *streamState) sectionContext(f *state) (context.Context, context.CancelFunc) {
	switch ctx := f.ctx; {
	case ctx == f.root:
		return st.ctx, nop
	case f.page != nil && ctx == f.page:
		return st.data, nop
	}
	c, cancel := context.WithCancel(f.ctx)
	stop := context.AfterFunc(st.ctx, cancel)
	return c, func() { stop(); cancel() }
}

// sectionDone returns the channel completed sections arrive on (nil, which
// blocks forever in a select, when none can).
func (s *state) sectionDone() chan *section {
	if s.stream == nil || s.stream.pending == 0 || !s.safePoint() {
		return nil
	}
	return s.stream.done
}

// ---- out-of-order sections ----

// section is one {% defer %} section rendered concurrently.
type section struct {
	id    int
	html  string // may be a view of the fork's buffer
	svg   bool
	keep  bool     // the placeholder stays (timeout with no error content)
	chain []uint32 // the elements containing the placeholder
	// fork is the state the section rendered on, released once the
	// section is written; chainBuf holds a short chain.
	fork     *state
	node     *deferNode
	chainBuf [8]uint32
}

// startSection renders a section concurrently, on a goroutine of its own
// that the render waits for.
func (st *streamState) startSection(sec *section) {
	st.wg.Add(1)
	go st.runSection(sec)
}

func (st *streamState) runSection(sec *section) {
	defer st.wg.Done()
	growStack()
	sec.node.runSection(st, sec)
}

// growStack grows a new goroutine's stack (2 KiB) to what rendering a
// section needs while the stack holds two frames: growing it later, ten
// or twenty frames deep inside the render, costs a copy that walks and
// adjusts every frame, once or twice (in BenchmarkOutOfOrderSection's
// profile, stack growth took 41% of the CPU time before, 13% after).
//
//go:noinline
func growStack() byte {
	var frame [sectionStack]byte
	return frame[stackIndex]
}

// sectionStack is about what a section's render uses.
const sectionStack = 5 << 10

// stackIndex is 0: a variable, so that growStack's frame is not optimized
// away.
var stackIndex int

// emitReadySections writes the completed sections without waiting (and
// without flushing: the caller flushes once for the batch).
func (s *state) emitReadySections() {
	if s.stream == nil || s.stream.pending == 0 || !s.safePoint() {
		return
	}
	for {
		select {
		case sec := <-s.stream.done:
			s.writeSection(sec)
		default:
			s.writeSectionScript()
			return
		}
	}
}

// drainSections waits for every pending section and sends each as it
// completes. It runs where the page closes its body, and at the end.
func (s *state) drainSections() error {
	if s.stream == nil {
		return nil
	}
	if b := s.html.base(); b != hData && s.out == &s.main {
		// The "</body>" was inside raw text, a comment or a tag (or the
		// page ends there): a template written here would be text, never
		// applied. Sections still pending wait for the next point.
		return nil
	}
	for s.stream.pending > 0 {
		if err := s.main.flush(); err != nil {
			return err
		}
		done := s.ctxDone()
		if s.finishing() {
			// Past the page deadline the sections end at once, with their
			// error or placeholder content: wait for them unless the
			// client goes.
			done = s.root.Done()
		}
		select {
		case sec := <-s.stream.done:
			if err := s.emitSection(sec); err != nil {
				return err
			}
		case <-done:
			return s.ctx.Err()
		}
	}
	return nil
}

// emitSection sends a completed section, together with any other section
// that has completed meanwhile, and flushes once.
func (s *state) emitSection(sec *section) error {
	s.writeSection(sec)
	s.emitReadySections()
	s.writeSectionScript()
	return s.main.flush()
}

// writeSection writes a completed section's HTML where the browser will
// move it into its placeholder; the call that does the move is batched.
//
// A browser patches <template for> natively only when the template's
// parent element contains the placeholder: always at body level (just
// before </body>, where drainSections sends what is still pending), and
// elsewhere when the page is inside one of the placeholder's containers
// (tracked in htmlstate.go). Anywhere else the section is carried by
// <template data-runnel-for>, which only the script moves, so that no
// unapplied template is left behind. SVG content is always moved by the
// script: a native patch would keep the <svg> wrapper that makes it parse
// as SVG.
func (s *state) writeSection(sec *section) {
	s.stream.pending--
	defer sec.fork.release()
	if sec.keep {
		return
	}
	o := &s.main
	if s.scriptOnly || sec.svg || !s.canPatchNatively(sec.chain) {
		o.WriteString(`<template data-runnel-for="`)
	} else {
		o.WriteString(`<template for="`)
	}
	s.writeSectionID(sec.id)
	o.WriteString(`">`)
	if sec.svg {
		o.WriteString("<svg>")
	}
	o.WriteString(sec.html)
	if sec.svg {
		o.WriteString("</svg>")
	}
	o.WriteString(`</template>`)
	s.stream.unpatched = append(s.stream.unpatched, sec.id)
}

// writeSectionID writes a section's placeholder name.
func (s *state) writeSectionID(id int) {
	s.out.WriteString(sectionIDPrefix)
	s.out.writeInt(int64(id))
}

// writeSectionScript writes one script that moves every section written
// since the last one into place (where the browser has not already).
func (s *state) writeSectionScript() {
	st := s.stream
	if len(st.unpatched) == 0 {
		return
	}
	var buf [512]byte
	b := buf[:0]
	for _, id := range st.unpatched {
		b = append(b, `__runnel("`+sectionIDPrefix...)
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, `");`...)
	}
	st.unpatched = st.unpatched[:0]
	s.writeScript(string(b))
}

// writeScript writes an inline script, defining the fallback patcher first
// if this page has not had it yet.
func (s *state) writeScript(code string) {
	o := &s.main
	o.WriteString("<script")
	if s.nonce != "" {
		o.WriteString(` nonce="`)
		o.writeEscaped(s.nonce)
		o.WriteString(`"`)
	}
	o.WriteString(">")
	if !s.stream.scriptSent {
		s.stream.scriptSent = true
		o.WriteString(fallbackScript)
	}
	o.WriteString(code)
	o.WriteString("</script>")
}

// fallbackScript moves a section's <template> content into its placeholder
// in browsers without native <template for> patching. In browsers with it,
// the template is consumed on arrival and the function finds nothing to do.
// The placeholder is bounded by <?start name="id"> and <?end>, which such
// browsers parse as comments (and newer ones as processing instructions).
const fallbackScript = `window.__runnel=window.__runnel||function(id){` +
	`var t=document.querySelector('template[for="'+id+'"],template[data-runnel-for="'+id+'"]');if(!t)return;` +
	`var w=document.createTreeWalker(document.body||document.documentElement,128|64),n,s=null;` +
	`while(n=w.nextNode()){var d=(n.nodeType==7?'?'+n.target+' '+n.data:n.data).replace(/\?$/,'').trim();` +
	`if(d=='?start name="'+id+'"'){s=n;break}}` +
	`if(!s){t.remove();return}` +
	`var p=s.parentNode,e=s.nextSibling;while(e){var x=e.nextSibling,k=e.nodeType==7?'?'+e.target:e.nodeType==8?e.data.trim():'';p.removeChild(e);if(k=='?end'||k.indexOf('?end')==0)break;e=x}` +
	`var c=t.content;if(c.firstChild&&c.firstChild.nodeName=='svg'&&p.namespaceURI=='http://www.w3.org/2000/svg'){var f=document.createDocumentFragment();while(c.firstChild.firstChild)f.appendChild(c.firstChild.firstChild);c=f}` +
	`p.replaceChild(c,s);t.remove()};`

// ---- iteration over late sequences ----

// itemStream is a sequence whose items arrive over time (a channel, an
// iterator). A loop reads it one item at a time and reads ahead only as far
// as the body asks: one item for forloop.last, all of them for
// forloop.length and forloop.revcounter.
type itemStream struct {
	next func() (any, bool, error)
	buf  []any // items base … base+len(buf)-1
	base int
	done bool
	err  error
	// once: the loop reading the stream is its only use (see once.go), so
	// items are dropped once rendered; the first is kept, for a bare
	// {% if items %} after the loop.
	once  bool
	first any
}

// fill buffers items until index n-1 is available or the stream ends.
func (q *itemStream) fill(n int) error {
	for !q.done && q.base+len(q.buf) < n {
		v, ok, err := q.next()
		if err != nil {
			q.err, q.done = err, true
			return err
		}
		if !ok {
			q.done = true
			break
		}
		q.buf = append(q.buf, v)
	}
	return nil
}

// errReleased is the error of a use of a stream's items after its only
// loop released them; decideOnce should make it impossible.
var errReleased = errors.New("runnel: the items of a sequence read once were already released")

// get returns item i, reading ahead as needed.
func (q *itemStream) get(i int) (any, bool, error) {
	if i < q.base {
		if i == 0 {
			return q.first, true, nil
		}
		return nil, false, errReleased
	}
	if err := q.fill(i + 1); err != nil {
		return nil, false, err
	}
	if i-q.base < len(q.buf) {
		return q.buf[i-q.base], true, nil
	}
	return nil, false, nil
}

// release is called by a loop when it is done with the items before
// index i. A stream is shared by every use of its channel in a render (a
// later {{ items|length }} or a second loop must see the same items), so
// it keeps them, unless its loop is its only use (once).
func (q *itemStream) release(i int) {
	if !q.once || i <= q.base {
		return
	}
	if q.base == 0 && len(q.buf) > 0 {
		q.first = q.buf[0]
	}
	drop := min(i-q.base, len(q.buf))
	clear(q.buf[:drop])
	if drop == len(q.buf) {
		q.buf = q.buf[:0]
	} else {
		q.buf = q.buf[:copy(q.buf, q.buf[drop:])]
	}
	q.base += drop
}

// total reads the whole stream and returns its length.
func (q *itemStream) total() (int, error) {
	if err := q.fill(int(^uint(0) >> 1)); err != nil {
		return 0, err
	}
	return q.base + len(q.buf), nil
}

// itemStreamOf returns the stream of a late sequence: a channel, an
// iterator (started early by startLate, or now), or nil if v is not one.
// A channel can be read only once, so each channel (and each iterator
// started early) has one stream per render, shared by all its uses: a
// {% for %} and a later {{ items|length }} see the same items.
func (s *state) itemStreamOf(v any) *itemStream {
	var key any
	switch x := v.(type) {
	case nil, string, SafeString, []any, map[string]any, int, bool,
		*string, *int, *int64, *float64, *bool, float64, int64:
		return nil
	case *lateSeq:
		key = x
	default:
		// Only channels and functions (iterators) are late sequences:
		// any other kind (a typed slice, a struct, a map) is answered
		// without the reflection the checks below do.
		switch reflect.TypeOf(v).Kind() {
		case reflect.Chan:
			if _, ok := isChan(v); ok {
				key = v
			}
		case reflect.Func:
		default:
			return nil
		}
	}
	if key != nil {
		if q, ok := s.streams[key]; ok {
			return q
		}
		q := s.newItemStream(v)
		if s.streams == nil {
			s.streams = map[any]*itemStream{}
		}
		s.streams[key] = q
		return q
	}
	return s.newItemStream(v)
}

func (s *state) newItemStream(v any) *itemStream {
	switch x := v.(type) {
	case *lateSeq:
		return &itemStream{next: func() (any, bool, error) {
			item, ok, err := s.receive(reflect.ValueOf(x.ch))
			if !ok && err == nil && x.err != nil {
				err = x.err
			}
			return item, ok, err
		}}
	case nil, string, SafeString, []any, map[string]any, int, bool:
		return nil
	}
	if ch, ok := isChan(v); ok {
		return &itemStream{next: func() (any, bool, error) { return s.receive(ch) }}
	}
	if seq, ok := iterOf(v); ok {
		return s.itemStreamOf(s.streaming().drain(seq))
	}
	return nil
}

// settle turns a late sequence used outside {% for %} into a list, waiting
// for all of it.
func (s *state) settle(v any) (any, error) {
	q := s.itemStreamOf(v)
	if q == nil {
		return v, nil
	}
	if _, err := q.total(); err != nil {
		return nil, err
	}
	if q.base > 0 {
		return nil, errReleased
	}
	return append([]any{}, q.buf...), nil
}

// iterErr is yielded by iterOf for an iter.Seq2[T, error] that failed.
type iterErr struct{ err error }

// ---- render entry point for streaming ----

// Stream renders the template with data to w in the given delivery mode.
// See [Mode]. Render is Stream with InOrder.
//
// In Streaming and InOrder modes an error that happens before the first byte
// reaches w is returned and nothing is written, so an HTTP handler can still
// answer with an error status. After the first byte, a failing part of the
// page is replaced by its section's {% error %} content or by the engine's
// error fragment, reported to the engine's error handler, and the rest of the
// page is rendered; Stream then returns nil. A cancelled context stops the
// render and is returned.
func (t *Template) Stream(ctx context.Context, w io.Writer, data any, opts StreamOptions) error {
	return t.render(ctx, w, data, opts, true)
}

var errSectionTimeout = errors.New("section timed out")

// sectionIDPrefix starts the placeholder names runnel generates.
const sectionIDPrefix = "runnel-"

func (st *streamState) newID() int {
	st.nextID++
	return st.nextID
}

// nop does nothing.
func nop() {}
