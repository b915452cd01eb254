//go:build linux

package runnel

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Hostile templates, each rendered in a process of its own: the test
// binary runs itself again with RUNNEL_HOSTILE_CASE naming the case, and
// TestHostileChild renders it there under a context of hostileCtx. The
// parent checks that the render ended within its context plus a second,
// that the child's peak RSS (VmHWM of /proc/self/status, read by the
// child after its render: the test binary and the case's data included)
// stayed under 256 MB, and what the render returned. (Not getrusage's
// ru_maxrss of the child: Linux counts in it the parent's memory at the
// time of the fork, which in a test run is the whole test binary's.) A case that takes the process down (a stack overflow,
// an out-of-memory kill) fails here instead of killing the test run.
//
// Under the race detector, which multiplies a process's memory and makes
// its code five to ten times slower, the RSS bound is not checked, the
// work done between two looks at the context (a filter's piece, a sort's
// comparisons) takes that much longer, so a render may end up to three
// seconds past its context, and a parse, which has no context, may take
// ten times its bound. The children run four at a time: most cases end
// at their context.

// hostileCtx is the context every hostile render runs under.
const hostileCtx = 2 * time.Second

// hostileRSS is the peak RSS a hostile case's process may reach.
const hostileRSS = 256 << 20

// hostileCase is one hostile render.
type hostileCase struct {
	name  string
	src   string            // t.html, unless files is set
	files map[string]string // the templates, rendering t.html
	data  func() map[string]any
	opts  []Option
	// want is what the render must end with: "ok"; "ctx" (the context
	// ended it); "limit:NAME" (a LimitError for that limit); "stop:NAME"
	// (that limit or the context, whichever comes first: on a loaded
	// machine the context may end the work before the limit is reached);
	// "parse:TEXT" or "err:TEXT" (the template's compile or render error
	// contains TEXT); "any" (an error or not, so long as it ends in time).
	// limits_test.go checks the errors themselves, in process.
	want string
	// stream renders with Template.Stream in Streaming mode, and checks
	// that the output ends with the engine's error fragment.
	stream bool
	// rss, when set, is the case's own bound on peak RSS (hostileRSS
	// otherwise); growth, when set, bounds how far the peak rises above
	// the process's peak before the case's data is made and its template
	// compiled (the test binary's own pages, which grow with the code, are
	// not the case's).
	rss, growth int64
	// timeout, when set, replaces hostileCtx: for a case that must run
	// to its end to show what it shows (a table streamed whole).
	timeout time.Duration
}

// bigTable is the number of rows of the streamed tables: 2,000,000, or a
// tenth of that under the race detector, which is ten times slower.
var bigTable = map[bool]int{false: 2_000_000, true: 200_000}[hostileRace]

// hostileResult is what a child reports of its render.
type hostileResult struct {
	Err      string `json:"err"`
	Kind     string `json:"kind"` // "ok", "ctx", "limit:NAME", "parse", "err"
	Bytes    int64  `json:"bytes"`
	Tail     string `json:"tail"`
	RenderMS int64  `json:"render_ms"`
	PeakKB   int64  `json:"peak_kb"` // VmHWM after the render
	BaseKB   int64  `json:"base_kb"` // VmHWM before the case's data
}

// peakRSSKB returns the process's peak resident set (VmHWM), in KB.
func peakRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb
		}
	}
	return 0
}

// Data for the cases.
func hostileData() map[string]any {
	return map[string]any{
		"s":      "x",
		"z":      0,
		"k":      1 << 40,
		"n":      1 << 62,
		"sep":    strings.Repeat("0123456789", 10),
		"amp":    strings.Repeat("&", 1000),
		"quote":  strings.Repeat("'", 1000),
		"pct":    strings.Repeat("%", 1000),
		"nl":     "\n",
		"nl2":    "\n\n",
		"commas": strings.Repeat(",", 10<<20),
		"d":      time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

// withBig is hostileData with "big", a list of a million numbers.
func withBig() map[string]any {
	d := hostileData()
	big := make([]int, 1_000_000)
	for i := range big {
		big[i] = i
	}
	d["big"] = big
	return d
}

// dag is a list of two references to the same list, depth levels deep:
// it prints to 2^depth leaves.
func dag(depth int) any {
	var v any = "leaf"
	for range depth {
		v = []any{v, v}
	}
	return v
}

// rows yields n rows, made as they are read.
func rows(n int) iter.Seq[any] {
	return func(yield func(any) bool) {
		for i := range n {
			if !yield(map[string]any{"id": i, "name": "row", "cells": []int{i, i + 1}}) {
				return
			}
		}
	}
}

// nest wraps body in n {% with %} tags, each doubling a with add.
func nestDoubling(n int, start, body string) string {
	var b strings.Builder
	b.WriteString("{% with a=" + start + " %}")
	for range n {
		b.WriteString("{% with a=a|add:a %}")
	}
	b.WriteString(body)
	for range n + 1 {
		b.WriteString("{% endwith %}")
	}
	return b.String()
}

var hostileCases = []hostileCase{
	// {% lorem %}: written as it is made, stopped by the context.
	{name: "lorem-999999-b", src: `{% lorem 999999 b %}`, want: "any"},
	{name: "lorem-k-w", src: `{% lorem k w %}`, want: "ctx"},
	{name: "lorem-in-filter", src: `{% filter upper %}{% lorem k w %}{% endfilter %}`, want: "stop:MaxValueBytes"},
	{name: "lorem-in-spaceless", src: `{% spaceless %}{% lorem k p %}{% endspaceless %}`, want: "any"}, // the limit or the context, whichever comes first

	// Deep and cyclic values.
	{name: "unordered_list-deep", src: `{{ v|unordered_list }}`, data: func() map[string]any {
		var nested any = []any{"leaf"}
		for range 100_000 {
			nested = []any{"x", nested}
		}
		return map[string]any{"v": nested}
	}, want: "err:nested deeper than"},
	{name: "print-deep", src: `{{ v }}{{ v|pprint }}{% if v == w %}{% endif %}`, data: func() map[string]any {
		return map[string]any{"v": deepList(100_000), "w": deepList(100_000)}
	}, want: "any"},
	{name: "cyclic-print", src: `{{ l }}{{ d }}{{ l|stringformat:"r" }}`, data: cyclicData, want: "ok"},
	{name: "cyclic-join", src: `{{ l|join:", " }}{{ l.1|join:"-" }}`, data: cyclicData, want: "ok"},
	{name: "cyclic-pprint", src: `{{ l|pprint }}{{ d|pprint }}{{ d|json_script }}`, data: cyclicData, want: "err:circular"},
	{name: "cyclic-for", src: `{% for x in l %}{{ x }}{% for y in l.1 %}{{ y }}{% endfor %}{% endfor %}{% for k, v in d.items %}{{ k }}{{ v }}{% endfor %}{% if l in l %}{% endif %}`, data: cyclicData, want: "ok"},
	{name: "cyclic-unordered_list", src: `{{ l|unordered_list }}`, data: func() map[string]any { return map[string]any{"l": []any{"a", cyclicList()}} }, want: "err:contains itself"},
	{name: "cyclic-include", files: map[string]string{"t.html": `{% include "t.html" with l=l.1 %}`}, data: cyclicData, want: "limit:MaxIncludeDepth"},
	{name: "cyclic-struct", src: `{{ s }}{{ s|stringformat:"s" }}{% for x in sl %}{{ x }}{% endfor %}`, data: func() map[string]any {
		return map[string]any{"s": struct{ L []any }{cyclicList()}, "sl": []any{struct{ D map[string]any }{cyclicDict()}}}
	}, want: "ok"},
	{name: "dag-struct", src: `{{ s }}`, data: func() map[string]any { return map[string]any{"s": struct{ V any }{dag(40)}} }, want: "any"},
	{name: "dag-print", src: `{{ v|length }}{{ v }}`, data: func() map[string]any { return map[string]any{"v": dag(40)} }, want: "any"},

	// Deep templates.
	{name: "nested-if-500000", src: strings.Repeat("{% if x %}", 500_000) + "deep" + strings.Repeat("{% endif %}", 500_000), want: "parse:Tags nested too deeply"},
	{name: "nots-100000", src: "{% if " + strings.Repeat("not ", 100_000) + "x %}y{% endif %}", want: "parse:Too many 'not' operators"},
	{name: "include-exponential", files: map[string]string{"t.html": `{% with z=z|add:1 %}{% if z < 60 %}{% include "t.html" %}{% include "t.html" %}{% endif %}{% endwith %}`}, want: "ctx"},
	{name: "partial-exponential", src: `{% partialdef p %}{% with z=z|add:1 %}{% if z < 60 %}{% partial p %}{% partial p %}{% endif %}{% endwith %}{% endpartialdef %}{% partial p %}`, want: "ctx"},

	// Padding, number formats and widthratio: sizes from arguments.
	{name: "center-1e9", src: `{{ s|center:1000000000 }}`, want: "err:width 1000000000 is too large"},
	{name: "ljust-1e11", src: `{{ s|ljust:99999999999 }}`, want: "err:is too large"},
	{name: "rjust-data", src: `{{ s|rjust:n }}`, want: "err:is too large"},
	{name: "padding-chain", src: `{{ s|center:1000000|ljust:1000000|rjust:1000000|center:1000000|ljust:1048576|length }}`, want: "ok"},
	{name: "padding-loop", src: `{% for i in big %}{{ s|center:1000000|rjust:1000000 }}{% endfor %}`, data: withBig, want: "ctx"},
	{name: "floatformat-huge", src: `{{ 1.5|floatformat:100000|length }}{{ 1.5|floatformat:1000000|length }}{{ 1.5|floatformat:1000000000 }}`, want: "ok"},
	{name: "stringformat-width", src: `{{ 1|stringformat:"999999999d" }}{{ 1|stringformat:"1000000d"|length }}{{ s|stringformat:"1048576s"|length }}`, want: "ok"},
	{name: "widthratio-width", src: `{% widthratio 1 1 999999999999999999 as w %}{{ w|length }}{{ s|center:w }}`, want: "err:is too large"},
	{name: "widthratio-huge", src: `{% widthratio 1e300 1 1e300 %}{% widthratio k 1 k %}{% widthratio k 0 k %}`, want: "ok"},

	// Filters that build large text from small input, and their chains.
	{name: "make_list-join", src: `{{ s|center:1000000|make_list|join:sep }}`, want: "stop:MaxValueBytes"},
	{name: "join-quadratic", src: `{% with x=s|center:100000 %}{{ x|make_list|join:x }}{% endwith %}`, want: "limit:MaxValueBytes"},
	{name: "join-chain", src: `{{ s|center:100000` + strings.Repeat(`|make_list|join:"ab"`, 6) + `|length }}`, want: "stop:MaxValueBytes"},
	{name: "make_list-huge", src: `{{ s|ljust:1000000|make_list|join:"abcdefgh"|make_list|length }}`, want: "stop:MaxValueBytes"},
	{name: "force_escape-chain", src: `{{ amp` + strings.Repeat("|force_escape", 15) + `|length }}{{ amp|make_list|join:"<&>"` + strings.Repeat("|force_escape", 15) + `|length }}`, want: "ok"}, // grows by 4 bytes a pass
	{name: "escape-escapejs", src: `{{ s|center:1000000|make_list|join:"<&>"|escape|escapejs|escapejs|length }}`, want: "stop:MaxValueBytes"},
	{name: "escapejs-chain", src: `{{ amp` + strings.Repeat("|escapejs", 10) + ` }}`, want: "ok"}, // grows by 5 bytes a pass
	{name: "addslashes-chain", src: `{{ quote` + strings.Repeat("|addslashes", 30) + ` }}`, want: "stop:MaxValueBytes"},
	{name: "urlencode-chain", src: `{{ pct` + strings.Repeat("|urlencode", 20) + ` }}`, want: "ok"}, // grows by 2 bytes a pass
	{name: "json_script-chain", src: `{{ amp` + strings.Repeat("|json_script", 20) + ` }}`, want: "stop:MaxValueBytes"},
	{name: "pprint-chain", src: `{{ amp|make_list|join:"\\"` + strings.Repeat("|pprint", 30) + `|length }}`, want: "stop:MaxValueBytes"},
	{name: "linenumbers-chain", src: `{{ s|ljust:1000000|make_list|join:nl|linenumbers|linenumbers|linenumbers|linenumbers|length }}`, want: "stop:MaxValueBytes"},
	{name: "linebreaks", src: `{{ s|ljust:1000000|make_list|join:nl2` + strings.Repeat("|linebreaks", 6) + `|length }}`, want: "stop:MaxValueBytes"},
	{name: "add-list-doubling", src: nestDoubling(30, `s|center:1000|make_list`, `{{ a|length }}`), want: "stop:MaxValueBytes"},
	{name: "add-text-doubling", src: nestDoubling(40, `s`, `{{ a|length }}`), want: "stop:MaxValueBytes"},
	{name: "date-format", src: `{{ d|date:f }}`, data: func() map[string]any {
		return map[string]any{"d": time.Now(), "f": strings.Repeat("r", 1<<20)}
	}, want: "limit:MaxValueBytes"},
	{name: "unordered_list-wide", src: `{{ s|ljust:1000000|make_list|unordered_list|length }}`, want: "any"},

	// Filters that take long on large text: they look at the context.
	{name: "wordwrap", src: `{{ s|ljust:1000000|make_list|join:"< "|wordwrap:1|wordwrap:2|wordwrap:1|length }}`, want: "any"},
	{name: "urlize", src: `{{ s|ljust:1000000|make_list|join:"www.a.com "|urlize|length }}`, want: "any"},
	{name: "urlizetrunc", src: `{{ s|ljust:1000000|make_list|join:"http://a.b/ "|urlizetrunc:5|length }}`, want: "any"},
	{name: "truncatewords_html", src: `{{ s|ljust:1000000|make_list|join:"<a> "|truncatewords_html:1000000000|length }}`, want: "any"},
	{name: "truncatechars_html", src: `{{ s|ljust:1000000|make_list|join:"<b>&amp;"|truncatechars_html:1000000000|length }}`, want: "any"},
	{name: "truncatewords", src: `{{ s|ljust:1000000|make_list|join:" "|truncatewords:1000000000|length }}`, want: "any"},
	{name: "striptags", src: `{{ s|ljust:1000000|make_list|join:"<a>x"|striptags|length }}`, want: "any"},
	{name: "slice", src: `{{ s|ljust:1000000|make_list|join:"ab"|slice:"::-1"|length }}{{ s|ljust:1000000|make_list|slice:"::3"|length }}`, want: "any"},
	{name: "dictsort", src: `{{ s|ljust:1000000|make_list|dictsort:"0"|length }}{{ big|dictsortreversed:"0"|length }}`, data: withBig, want: "any"},
	{name: "regroup", src: `{% regroup s|ljust:1000000|make_list by 0 as g %}{{ g|length }}`, want: "any"},
	{name: "yesno", src: `{{ True|yesno:commas }}{{ None|yesno:commas }}{{ True|pluralize:commas }}`, want: "ok"},
	{name: "title-upper", src: `{{ s|ljust:1000000|make_list|join:"ab "|title|upper|lower|wordcount }}`, want: "any"},
	{name: "print-big-list", src: `{{ big|length }}{{ big }}`, data: withBig, want: "any"},

	// Tags.
	{name: "cycle", src: `{% for i in big %}{% cycle "a" "b" "c" as c silent %}{{ c }}{% endfor %}`, data: withBig, want: "any"},
	{name: "for-huge-range", src: `{% for a in big %}{% for b in big %}{% endfor %}{% endfor %}`, data: withBig, want: "ctx"},
	{name: "for-string", src: `{% for c in s|ljust:1000000 %}{% for d in s|ljust:1000000 %}{% endfor %}{% endfor %}`, want: "ctx"},
	{name: "filter-tag", src: `{% filter length %}{% for i in big %}{{ sep }}{% endfor %}{% endfilter %}`, data: withBig, want: "stop:MaxValueBytes"},
	{name: "ifchanged", src: `{% for i in big %}{% ifchanged %}{% lorem 100 w %}{% endifchanged %}{% endfor %}`, data: withBig, want: "any"},
	// A table of 2,000,000 rows from an iterator, read once: the engine
	// keeps no row after it is written, so the process's peak grows by
	// less than 40 MB whatever the number of rows (the rows themselves
	// would be hundreds of MB).
	{name: "iterator-2M-stream", want: "ok", growth: 40 << 20, timeout: 30 * time.Second, stream: true, src: `<!DOCTYPE html><html><body><table>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.name }}</td></tr>{% endfor %}</table></body></html>`, data: func() map[string]any {
		return map[string]any{"rows": rows(bigTable)}
	}},
	{name: "iterator-2M-render", want: "ok", growth: 40 << 20, timeout: 30 * time.Second, src: `<table>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.name|upper }}</td>{% for c in r.cells %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>`, data: func() map[string]any {
		return map[string]any{"rows": rows(bigTable)}
	}},

	// The limits.
	{name: "limit-output", src: `{% lorem k w %}`, opts: []Option{WithLimits(Limits{MaxOutputBytes: 1 << 20})}, want: "limit:MaxOutputBytes"},
	{name: "limit-output-stream", src: `<!DOCTYPE html><html><body><main>{% for i in big %}<p>{{ sep }}</p>{% endfor %}</main></body></html>`, data: withBig, opts: []Option{WithLimits(Limits{MaxOutputBytes: 1 << 20})}, want: "limit:MaxOutputBytes", stream: true},
	{name: "limit-iterations", src: `{% for a in big %}{% for b in big %}{% endfor %}{% endfor %}`, data: withBig, opts: []Option{WithLimits(Limits{MaxLoopIterations: 100_000})}, want: "limit:MaxLoopIterations"},
	{name: "limit-iterations-stream", src: `<!DOCTYPE html><html><body>{% for a in big %}<p>{{ a }}</p>{% endfor %}</body></html>`, data: withBig, opts: []Option{WithLimits(Limits{MaxLoopIterations: 100_000})}, want: "limit:MaxLoopIterations", stream: true},
	{name: "limit-time-lorem", src: `{% lorem k w %}`, opts: []Option{WithLimits(Limits{MaxRenderTime: 300 * time.Millisecond})}, want: "limit:MaxRenderTime"},
	{name: "limit-time-loops", src: `{% for a in big %}{% for b in big %}{% endfor %}{% endfor %}`, data: withBig, opts: []Option{WithLimits(Limits{MaxRenderTime: 300 * time.Millisecond})}, want: "limit:MaxRenderTime"},
	{name: "limit-time-stream", src: `<!DOCTYPE html><html><body>{% for a in big %}{% for b in big %}<i>{{ b }}</i>{% endfor %}{% endfor %}</body></html>`, data: withBig, opts: []Option{WithLimits(Limits{MaxRenderTime: 300 * time.Millisecond})}, want: "limit:MaxRenderTime", stream: true},
	{name: "limit-value", src: `{{ s|center:100000|make_list|join:sep }}`, opts: []Option{WithLimits(Limits{MaxValueBytes: 1 << 20})}, want: "limit:MaxValueBytes"},
	{name: "limit-include-depth", files: map[string]string{"t.html": `{% include "t.html" %}`}, opts: []Option{WithLimits(Limits{MaxIncludeDepth: 8})}, want: "limit:MaxIncludeDepth"},
	{name: "untrusted-lorem", src: `{% lorem k w %}`, opts: []Option{UntrustedProfile()}, want: "parse:'lorem' is not an allowed tag"},
	{name: "untrusted-loops", src: `{% for a in big %}{% for b in big %}{{ b }}{% endfor %}{% endfor %}`, data: withBig, opts: []Option{UntrustedProfile()}, want: "limit:MaxLoopIterations"},
	{name: "untrusted-join", src: `{{ s|center:1000000|make_list|join:sep }}`, opts: []Option{UntrustedProfile()}, want: "limit:MaxValueBytes"},
}

// cyclicData holds a list and a dict that contain themselves.
func cyclicData() map[string]any { return map[string]any{"l": cyclicList(), "d": cyclicDict()} }

// TestHostileProcesses runs every hostile case in a child process.
func TestHostileProcesses(t *testing.T) {
	if os.Getenv("RUNNEL_HOSTILE_CASE") != "" {
		t.Skip("in a child")
	}
	sem := make(chan struct{}, 4)
	for _, c := range hostileCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "RUNNEL_HOSTILE_CASE="+c.name)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			wall := time.Since(start)
			var res *hostileResult
			sc := bufio.NewScanner(&stdout)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if line, ok := strings.CutPrefix(sc.Text(), "HOSTILE-RESULT "); ok {
					res = &hostileResult{}
					if jerr := json.Unmarshal([]byte(line), res); jerr != nil {
						t.Fatalf("bad result %q: %v", line, jerr)
					}
				}
			}
			if res == nil {
				t.Fatalf("the child reported nothing (%v, after %v):\n%.2000s\n%.2000s", err, wall, stdout.String(), stderr.String())
			}
			rss := res.PeakKB << 10
			if rss == 0 {
				t.Fatal("the child did not report its peak RSS")
			}
			render := time.Duration(res.RenderMS) * time.Millisecond
			growth := (res.PeakKB - res.BaseKB) << 10
			t.Logf("%-26s render %5dms (process %5dms), peak RSS %4d MB (+%d MB), %9d bytes, %s: %.160s", c.name, res.RenderMS, wall.Milliseconds(), rss>>20, growth>>20, res.Bytes, res.Kind, res.Err)
			bound := c.ctxTime() + time.Second
			switch {
			case hostileRace && strings.HasPrefix(c.want, "parse:"):
				bound *= 10
			case hostileRace:
				bound = c.ctxTime() + 3*time.Second
			}
			if render > bound {
				t.Errorf("the render took %v, past its bound of %v", render, bound)
			}
			maxRSS := int64(hostileRSS)
			if c.rss > 0 {
				maxRSS = c.rss
			}
			if !hostileRace && rss > maxRSS {
				t.Errorf("peak RSS %d MB, over %d MB", rss>>20, maxRSS>>20)
			}
			if !hostileRace && c.growth > 0 && growth > c.growth {
				t.Errorf("peak RSS grew by %d MB during the case, over %d MB", growth>>20, c.growth>>20)
			}
			if err != nil {
				t.Errorf("the child failed: %v\n%.2000s", err, stderr.String())
			}
			checkHostile(t, c, res)
		})
	}
}

// checkHostile compares a child's result with the case's expectation.
func checkHostile(t *testing.T, c hostileCase, res *hostileResult) {
	t.Helper()
	switch kind, text, _ := strings.Cut(c.want, ":"); kind {
	case "any":
	case "ok", "ctx":
		if res.Kind != kind {
			t.Errorf("ended with %s (%.300s), want %s", res.Kind, res.Err, kind)
		}
	case "limit":
		if res.Kind != c.want {
			t.Errorf("ended with %s (%.300s), want %s", res.Kind, res.Err, c.want)
		}
	case "stop":
		if res.Kind != "limit:"+text && res.Kind != "ctx" {
			t.Errorf("ended with %s (%.300s), want limit:%s or ctx", res.Kind, res.Err, text)
		}
	case "parse", "err":
		if res.Kind != kind || !strings.Contains(res.Err, text) {
			t.Errorf("ended with %s (%.300s), want %s containing %q", res.Kind, res.Err, kind, text)
		}
	default:
		t.Fatalf("bad want %q", c.want)
	}
	if c.stream && strings.HasPrefix(res.Kind, "limit:") && !strings.Contains(res.Tail, "runnel-error") {
		t.Errorf("the streamed page does not end with the error fragment: …%q", res.Tail)
	}
}

// TestHostileChild renders the case RUNNEL_HOSTILE_CASE names and prints
// what happened for TestHostileProcesses.
func TestHostileChild(t *testing.T) {
	name := os.Getenv("RUNNEL_HOSTILE_CASE")
	if name == "" {
		t.Skip("run by TestHostileProcesses")
	}
	var c *hostileCase
	for i := range hostileCases {
		if hostileCases[i].name == name {
			c = &hostileCases[i]
		}
	}
	if c == nil {
		t.Fatalf("no case %q", name)
	}
	res := runHostile(c)
	b, _ := json.Marshal(res)
	fmt.Printf("HOSTILE-RESULT %s\n", b)
}

// ctxTime is the context of the case's render.
func (c *hostileCase) ctxTime() time.Duration {
	if c.timeout > 0 {
		return c.timeout
	}
	return hostileCtx
}

// runHostile compiles and renders a case under hostileCtx.
func runHostile(c *hostileCase) hostileResult {
	files := c.files
	if files == nil {
		files = map[string]string{"t.html": c.src}
	}
	fsys := fstest.MapFS{}
	for n, src := range files {
		fsys[n] = &fstest.MapFile{Data: []byte(src)}
	}
	base := peakRSSKB()
	data := hostileData()
	if c.data != nil {
		data = c.data()
	}
	e := New(fsys, c.opts...)
	ctx, cancel := context.WithTimeout(context.Background(), c.ctxTime())
	defer cancel()
	start := time.Now()
	var res hostileResult
	tmpl, err := e.Template("t.html")
	w := &tailWriter{}
	if err == nil {
		if c.stream {
			err = tmpl.Stream(ctx, w, data, StreamOptions{Mode: Streaming})
		} else {
			err = tmpl.Render(ctx, w, data)
		}
		res.Kind = "ok"
	} else {
		res.Kind = "parse"
	}
	res.RenderMS = time.Since(start).Milliseconds()
	res.PeakKB, res.BaseKB = peakRSSKB(), base
	res.Bytes, res.Tail = w.n, string(w.tail)
	var le *LimitError
	switch {
	case err == nil:
	case res.Kind == "parse":
	case errors.As(err, &le):
		res.Kind = "limit:" + le.Limit
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		res.Kind = "ctx"
	default:
		res.Kind = "err"
	}
	if err != nil {
		res.Err = err.Error()
		if len(res.Err) > 2000 {
			res.Err = res.Err[:2000] + "…"
		}
	}
	return res
}

// tailWriter counts what is written and keeps its last 256 bytes.
type tailWriter struct {
	n    int64
	tail []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	w.tail = append(w.tail, p[max(0, len(p)-256):]...)
	if len(w.tail) > 256 {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-256:]...)
	}
	return len(p), nil
}
