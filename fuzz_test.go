package runnel

import (
	"bytes"
	"context"
	"errors"
	"github.com/runnelhq/runnel/internal/fuzzcheck"
	"iter"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// The fuzz targets look for slow inputs as well as crashes (docs/hardening.md).
// Each parse and render runs under a wall-time budget (fuzzcheck.Budget), and an
// input over budget twice in a row fails; each render also runs under a
// context deadline (fuzzDeadline) and writes into a bounded writer
// (fuzzMaxOutput). The deadline and the bound are the defences a server
// has against a template that legitimately does exponential work (nested
// loops, a partial that renders itself twice): a render they stop in time
// passes, and what fails is work they cannot stop. With RUNNEL_FUZZ_STRICT=1
// a render stopped by them fails too, to hunt the inputs that amplify.

const (
	// fuzzDeadline is the context deadline of every fuzzed render, well
	// under the budget, so that a render which honours it passes.
	fuzzDeadline = 250 * time.Millisecond
	// fuzzMaxOutput bounds the bytes a fuzzed render may write.
	fuzzMaxOutput = 1 << 20
)

var (
	errFuzzOutput = errors.New("fuzz: the output bound was reached")
	fuzzStrict    = os.Getenv("RUNNEL_FUZZ_STRICT") != ""
)

// fuzzRender runs render under the fuzz deadline and budget (for n bytes
// of template) and returns its error.
func fuzzRender(t *testing.T, what, src string, n int, render func(ctx context.Context) error) error {
	t.Helper()
	var err error
	fuzzcheck.Within(t, what, src, fuzzcheck.Budget(n), func() {
		ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
		defer cancel()
		err = render(ctx)
	})
	if fuzzStrict && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errFuzzOutput)) {
		t.Fatalf("%s was stopped by the fuzz deadline or output bound (%v) on %d bytes: %.300q", what, err, n, src)
	}
	return err
}

// boundedWriter keeps what a render writes, up to fuzzMaxOutput bytes;
// the write that would pass the bound fails, and every one after it.
type boundedWriter struct{ b bytes.Buffer }

func (w *boundedWriter) Write(p []byte) (int, error) {
	if room := fuzzMaxOutput - w.b.Len(); len(p) > room {
		w.b.Write(p[:room])
		return room, errFuzzOutput
	}
	return w.b.Write(p)
}

// fuzzFS holds the templates that fuzzed templates may extend and include.
var fuzzFS = fstest.MapFS{
	"base.html": {Data: []byte("<h>{% block b %}B{% endblock %}</h>")},
	"inc.html":  {Data: []byte("[{{ x }}]")},
}

// fuzzData is the data of FuzzRender and FuzzRenderScale.
func fuzzData() map[string]any {
	return map[string]any{
		"evil": "<script>&'\"", "n": 3, "list": []any{1, "two", 3.5},
		"m": map[string]any{"k": "<v>"}, "p": &person{FirstName: "<P>"},
		"when": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

// renderSeeds are the seeds of the render targets: the constructs of the
// language, and shapes that amplify (nested loops, recursive partials,
// long runs of openers).
var renderSeeds = []string{
	"{{ evil }}", "{{ evil|upper }}", "{% for x in list %}{{ x }}{% endfor %}",
	"{% if n > 2 %}{{ n|add:1 }}{% endif %}", "{% with a=evil %}{{ a|lower }}{% endwith %}",
	"{% extends 'base.html' %}{% block b %}{{ block.super }}{{ evil }}{% endblock %}",
	"{% include 'inc.html' with x=evil %}", "{{ m.k }}{{ list.0 }}{{ list.-1 }}",
	"{% autoescape off %}{{ n }}{% endautoescape %}", "{{ evil|safe|escape }}",
	"{% for k, v in m.items %}{{ k }}{{ v }}{% endfor %}", "{{ p.first_name }}{{ p.greeting }}",
	"{% for a in list %}{% for b in list %}{% for c in list %}{% for d in list %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
	"{% partialdef p %}x{% partial p %}{% partial p %}{% endpartialdef %}{% partial p %}",
	"{% filter upper %}{% for a in list %}{% for b in list %}{{ evil }}{% endfor %}{% endfor %}{% endfilter %}",
	"{% cycle 'a' 'b' as c %}{{ c }}", "{% spaceless %}<p> {{ evil }} </p>{% endspaceless %}", "{{{{{{{{", "{%{%{%{%",
	"{% ifchanged %}{{ n }}{% endifchanged %}", "{% regroup list by x as g %}{{ g }}", "{{ evil|center:20|wordwrap:3 }}",
}

// FuzzRender parses and renders arbitrary templates against fixed data. It
// checks that nothing panics, that errors are *Error values with a template
// name, that autoescaped output of the untrusted value never contains a
// raw "<", and that parse and render stay within the budget.
func FuzzRender(f *testing.F) {
	for _, s := range renderSeeds {
		f.Add(s)
	}
	e := New(fuzzFS)
	data, otherData := fuzzData(), fuzzOtherData()
	f.Fuzz(func(t *testing.T, src string) {
		var tmpl *Template
		var err error
		fuzzcheck.Within(t, "Parse", src, fuzzcheck.Budget(len(src)), func() { tmpl, err = e.Parse("fuzz.html", src) })
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("parse error is %T: %v", err, err)
			}
			return
		}
		var w boundedWriter
		err = fuzzRender(t, "Render", src, len(src), func(ctx context.Context) error {
			w.b.Reset()
			return tmpl.Render(ctx, &w, data)
		})
		if err != nil {
			return
		}
		out := w.b.String()
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 output %q", out)
		}
		if src == "{{ evil }}" && strings.Contains(out, "<") {
			t.Fatalf("unescaped output %q", out)
		}
		// Again, the lookup sites and the pooled state now warm: the
		// same page, unless the template asks for chance or the clock.
		if !strings.Contains(src, "random") && !strings.Contains(src, "now") && !strings.Contains(src, "lorem") {
			var again boundedWriter
			if err := fuzzRender(t, "Render again", src, len(src), func(ctx context.Context) error {
				return tmpl.Render(ctx, &again, data)
			}); err == nil && again.b.String() != out {
				t.Fatalf("second render differs:\n%q\n%q", out, again.b.String())
			}
		}
		// Other types under the same names, at the same warm sites.
		var other boundedWriter
		_ = fuzzRender(t, "Render other types", src, len(src), func(ctx context.Context) error {
			return tmpl.Render(ctx, &other, otherData)
		})
	})
}

// fuzzOtherData has the names of fuzzData with values of other types.
func fuzzOtherData() map[string]any {
	type named struct {
		FirstName siteColor
		Greeting  func() string
		K         *string
	}
	k := "<k>"
	return map[string]any{
		"evil": &named{FirstName: "<N>"}, "n": "3", "list": &siteOuter{Name: "<s>"},
		"m": &named{K: &k}, "p": person{FirstName: "<V>"}, "when": nil,
	}
}

// FuzzRenderScale parses and renders the input repeated to 16 KiB, within
// the budget for that size: a construct whose cost grows with how often it
// occurs (a scope that is searched linearly, a list of names that is
// copied each time) shows up here from a short input.
func FuzzRenderScale(f *testing.F) {
	for _, s := range renderSeeds {
		f.Add(s)
	}
	e := New(fuzzFS)
	data := fuzzData()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<20 {
			t.Skip("over 1 MiB")
		}
		big := fuzzcheck.Amplify(src, 16<<10)
		var tmpl *Template
		var err error
		fuzzcheck.Within(t, "Parse of the input repeated", big, fuzzcheck.Budget(len(big)), func() { tmpl, err = e.Parse("fuzz.html", big) })
		if err != nil {
			return
		}
		var w boundedWriter
		_ = fuzzRender(t, "Render of the input repeated", big, len(big), func(ctx context.Context) error {
			w.b.Reset()
			return tmpl.Render(ctx, &w, data)
		})
	})
}

// lateData is FuzzStreamLate's data: FuzzRender's, and late values of
// every kind, each resolving after 0 to 300 µs as the bits of seed say,
// one that fails, and one that outlasts the page deadline. Nothing in it
// starts a goroutine the render does not own, except the timer that
// resolves the future.
func lateData(seed uint8) map[string]any {
	delay := func(i uint) time.Duration { return time.Duration(seed>>(2*i)&3) * 100 * time.Microsecond }
	sleep := func(ctx context.Context, d time.Duration) error {
		if d == 0 {
			return nil
		}
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	d := fuzzData()
	d["late"] = func(ctx context.Context) (string, error) {
		return "<late>", sleep(ctx, delay(0))
	}
	d["user"] = func(ctx context.Context) (map[string]any, error) {
		return map[string]any{"name": "<u>", "items": []any{1, "<b>"}}, sleep(ctx, delay(1))
	}
	fut, resolve := NewFuture[[]any]()
	if dl := delay(2); dl == 0 {
		resolve([]any{"f1", "<f2>"}, nil)
	} else {
		time.AfterFunc(dl, func() { resolve([]any{"f1", "<f2>"}, nil) })
	}
	d["fut"] = fut
	d["ready"] = Ready("<r>")
	d["fail"] = func(context.Context) (string, error) { return "", errors.New("fuzz: a late value failed") }
	d["slow"] = func(ctx context.Context) (string, error) { return "slow", sleep(ctx, 30*time.Millisecond) }
	ch := make(chan any, 3)
	ch <- "c1"
	ch <- "<c2>"
	ch <- 3
	close(ch)
	d["ch"] = ch
	d["seq"] = iter.Seq[any](func(yield func(any) bool) {
		for i, v := range []any{"s1", "<s2>", 3} {
			if i == 1 {
				time.Sleep(delay(3))
			}
			if !yield(v) {
				return
			}
		}
	})
	d["seqerr"] = iter.Seq2[any, error](func(yield func(any, error) bool) {
		if yield("e1", nil) {
			yield(nil, errors.New("fuzz: the sequence failed"))
		}
	})
	return d
}

// flushWriter is a boundedWriter with a Flush method, which the renderer
// calls before it waits.
type flushWriter struct{ boundedWriter }

func (w *flushWriter) Flush() error { return nil }

// FuzzStreamLate renders arbitrary templates with late data (functions of a
// context, a future, a channel, iterators, a value that fails and one that
// is slower than the page deadline) in the three modes: Streaming (with a
// page deadline of 20 ms), InOrder and Buffered. It checks that nothing
// panics, that each render stays within the budget, that the InOrder page
// is byte for byte the Buffered one when both succeed, and that no
// goroutine outlives the renders.
func FuzzStreamLate(f *testing.F) {
	for i, s := range append([]string{
		"<p>{{ late }}</p>{{ user.name }}{% for x in ch %}<i>{{ x }}</i>{% endfor %}",
		"<ul>{% for x in seq %}<li>{{ forloop.counter }}{{ x }}{% if forloop.last %}.{% endif %}</li>{% empty %}none{% endfor %}</ul>",
		"<div>{% defer %}{{ slow }}{% placeholder %}…{% enddefer %}</div><p>{{ late }}</p>",
		"<main>{% defer timeout=0.01 %}{{ fail }}{% placeholder %}<i>p</i>{% error %}E{{ error.message }}{% enddefer %}</main>",
		"{% await late %}<p>{{ late }}{{ fut.1 }}</p>{% for x in fut %}{{ x }}{% endfor %}",
		"<p>{{ ch|length }}{{ seq.0 }}{% for x in seqerr %}{{ x }}{% endfor %}</p>",
		"<body><p>x</p>{% defer %}{% for x in seq %}{{ x }}{% endfor %}{% placeholder %}<i>p</i>{% enddefer %}{% flush %}{{ user.items|join:',' }}</body>",
		"<p>{{ late }}{% partialdef p %}x{% partial p %}{% partial p %}{% endpartialdef %}{% partial p %}",
		"{% extends 'base.html' %}{% block b %}<p>{{ late }}</p>{% defer %}{{ user.name }}{% placeholder %}-{% enddefer %}{% endblock %}",
	}, renderSeeds...) {
		f.Add(s, uint8(i*37))
	}
	e := New(fuzzFS, WithErrorHandler(func(context.Context, error) {}))
	f.Fuzz(func(t *testing.T, src string, seed uint8) {
		before := runtime.NumGoroutine()
		var tmpl *Template
		var err error
		fuzzcheck.Within(t, "Parse", src, fuzzcheck.Budget(len(src)), func() { tmpl, err = e.Parse("fuzz.html", src) })
		if err != nil {
			return
		}
		var streamed flushWriter
		err = fuzzRender(t, "Stream (Streaming)", src, len(src), func(ctx context.Context) error {
			streamed.b.Reset()
			opts := StreamOptions{Mode: Streaming, Nonce: "n0nce", Deadline: time.Now().Add(20 * time.Millisecond)}
			return tmpl.Stream(ctx, &streamed, lateData(seed), opts)
		})
		if err == nil && utf8.ValidString(src) && !utf8.ValidString(streamed.b.String()) {
			t.Fatalf("invalid UTF-8 output %q", streamed.b.String())
		}
		var inOrder, buffered flushWriter
		errInOrder := fuzzRender(t, "Stream (InOrder)", src, len(src), func(ctx context.Context) error {
			inOrder.b.Reset()
			return tmpl.Stream(ctx, &inOrder, lateData(seed), StreamOptions{Mode: InOrder})
		})
		errBuffered := fuzzRender(t, "Stream (Buffered)", src, len(src), func(ctx context.Context) error {
			buffered.b.Reset()
			return tmpl.Stream(ctx, &buffered, lateData(seed), StreamOptions{Mode: Buffered})
		})
		if errInOrder == nil && errBuffered == nil && deterministic(src) && inOrder.b.String() != buffered.b.String() {
			t.Fatalf("the InOrder page differs from the Buffered page:\n%q\n%q", inOrder.b.String(), buffered.b.String())
		}
		// Every goroutine the renders started has ended (the future's timer
		// may still be firing).
		for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before; {
			if time.Now().After(deadline) {
				var b strings.Builder
				_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
				t.Fatalf("%d goroutines before the renders, %d after:\n%s", before, runtime.NumGoroutine(), b.String())
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// deterministic reports whether src renders the same page every time: it
// does not print the time or random values.
func deterministic(src string) bool {
	for _, w := range []string{"now", "random", "lorem", "debug"} {
		if strings.Contains(src, w) {
			return false
		}
	}
	return true
}
