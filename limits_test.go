package runnel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/internal/text"
)

// renderWith compiles src with opts and renders it with data.
func renderWith(t *testing.T, src string, data map[string]any, opts ...Option) (string, error) {
	t.Helper()
	tmpl, err := New(nil, opts...).Parse("t.html", src)
	if err != nil {
		return "", err
	}
	return tmpl.RenderString(context.Background(), data)
}

// limitOf returns the name of the limit err is about ("" if none).
func limitOf(err error) string {
	var le *LimitError
	if errors.As(err, &le) {
		return le.Limit
	}
	return ""
}

// TestValueLimit: each filter that can make its input larger, and each
// capturing tag, fails with MaxValueBytes rather than build past it.
func TestValueLimit(t *testing.T) {
	small := WithLimits(Limits{MaxValueBytes: 4096})
	data := map[string]any{
		"s": "x", "amp": strings.Repeat("&", 1000), "nl": "\n", "nl2": "\n\n", "quote": strings.Repeat("'", 1200), "long": strings.Repeat("&", 2000),
		"list": make([]any, 200), "d": time.Now(), "f": strings.Repeat("r", 200), "pct": strings.Repeat("é", 1000),
		"nested": []any{"a", []any{"b", []any{"c"}}},
	}
	cases := map[string]string{
		"center":             `{{ s|center:5000 }}`,
		"ljust":              `{{ s|ljust:5000 }}`,
		"rjust":              `{{ s|rjust:5000 }}`,
		"join":               `{{ s|center:1000|make_list|join:"ab"|make_list|join:"ab" }}`,
		"join-list":          `{{ list|join:"0123456789012345678901234567890" }}`,
		"join-escaped":       `{{ amp|make_list|join:"" }}`,
		"make_list":          `{{ s|center:1000|make_list }}`,
		"add-text":           `{% with a=s|center:3000 %}{{ a|add:a }}{% endwith %}`,
		"add-list":           `{{ list|add:list }}`,
		"force_escape":       `{{ amp|force_escape }}`,
		"escape":             `{{ amp|escape }}`,
		"escapejs":           `{{ amp|escapejs }}`,
		"addslashes":         `{{ quote|addslashes|addslashes|addslashes }}`,
		"urlencode":          `{{ pct|urlencode }}`,
		"iriencode":          `{{ "x"|center:1000|make_list|join:"<>"|iriencode }}`,
		"linebreaks":         `{{ s|center:1000|make_list|join:nl2|linebreaks }}`,
		"linebreaksbr":       `{{ s|center:1000|make_list|join:nl|linebreaksbr }}`,
		"linenumbers":        `{{ s|center:1000|make_list|join:nl|linenumbers }}`,
		"urlize":             `{{ s|center:400|make_list|join:"www.a.com "|urlize }}`,
		"pprint":             `{{ long|pprint }}`,
		"stringformat-r":     `{{ long|stringformat:"r" }}`,
		"json_script":        `{{ amp|json_script }}`,
		"date":               `{{ d|date:f }}`,
		"unordered_list":     `{{ s|center:1000|make_list|unordered_list }}`,
		"floatformat":        `{{ 1|floatformat:5000 }}`,
		"stringformat-width": `{{ 1|stringformat:"5000d" }}`,
		"filter-tag":         `{% filter upper %}{% for i in list %}{{ amp }}{% endfor %}{% endfilter %}`,
		"spaceless":          `{% spaceless %}{% for i in list %}<b> {{ amp }} </b>{% endfor %}{% endspaceless %}`,
		"ifchanged":          `{% for i in list %}{% ifchanged %}{{ forloop.counter }}{{ amp }}{{ amp }}{{ amp }}{{ amp }}{{ amp }}{% endifchanged %}{% endfor %}`,
		"lorem-in-filter":    `{% filter lower %}{% lorem 10000 w %}{% endfilter %}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := renderWith(t, src, data, small)
			if limitOf(err) != "MaxValueBytes" || !errors.Is(err, ErrLimitExceeded) {
				t.Fatalf("got %d bytes, %v; want a MaxValueBytes error", len(out), err)
			}
			if !strings.Contains(err.Error(), "(Limits.MaxValueBytes)") {
				t.Errorf("message: %v", err)
			}
		})
	}
	// Under the bound, the same filters work.
	if out, err := renderWith(t, `{{ s|center:4000|length }} {{ amp|slice:":800"|force_escape|length }}`, data, small); err != nil || out != "4000 4000" {
		t.Errorf("under the bound: %q, %v", out, err)
	}
	// The default bound (16 MiB) holds without any option, and a negative
	// one removes it.
	if _, err := renderWith(t, `{{ s|center:1000000|make_list|join:"0123456789012345678901234567890123456789" }}`, data); limitOf(err) != "MaxValueBytes" {
		t.Errorf("default bound: %v", err)
	}
	if out, err := renderWith(t, `{{ s|center:1000000|make_list|join:"0123456789012345678901234567890123456789"|length }}`, data, WithLimits(Limits{MaxValueBytes: -1})); err != nil || out != "40999960" {
		t.Errorf("no bound: %q, %v", out, err)
	}
}

// TestArgumentBounds: widths, precisions and counts from arguments are
// bounded before anything is allocated.
func TestArgumentBounds(t *testing.T) {
	runCases(t, []tcase{
		{name: "center", src: `{{ "x"|center:1000000000 }}`, err: "width 1000000000 is too large (at most 1048576)"},
		{name: "ljust", src: `{{ "x"|ljust:99999999999 }}`, err: "is too large"},
		{name: "rjust-negative", src: `[{{ "x"|rjust:-5 }}]`, want: "[x]"},
		{name: "widthratio-as", src: `{% widthratio 1 1 99999999999999 as w %}{{ "x"|center:w }}`, err: "is too large"},
		{name: "widthratio-huge", src: `{% widthratio 1e300 1 1e300 as w %}[{{ w }}]`, want: "[]"},
		{name: "floatformat-huge", src: `{{ 1.5|floatformat:1000000000 }}`, want: "1.5"},
		{name: "stringformat-huge", src: `[{{ 1|stringformat:"999999999d" }}]`, want: "[]"},
		{name: "wordwrap-huge", src: `{{ "a b"|wordwrap:99999999999 }}`, want: "a b"},
	})
}

// TestRewrittenFilters compares the filters rewritten to build under the
// limits (in pieces, without intermediate lists) with their plain forms,
// on inputs long enough to cross the pieces' boundaries.
func TestRewrittenFilters(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "  ", "\n", "\r\n", "\r", "\n\n", "<", ">", "&", "'", "\"", "é", "日本", "www.x.com", "http://y.org/z?a=1&b=2", "a@b.com", "(", ")", ".", ",", "\t", "\u00a0", "Σ", "ß", "1st", "they're"}
	gen := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(alphabet[rnd.IntN(len(alphabet))])
		}
		return b.String()
	}
	e := New(nil)
	filter := func(name, in string, arg any, autoescape bool) string {
		t.Helper()
		src := `{{ v|` + name + ` }}`
		if arg != nil {
			src = `{{ v|` + name + `:a }}`
		}
		if !autoescape {
			src = `{% autoescape off %}` + src + `{% endautoescape %}`
		}
		out, err := e.MustParse("t", src).RenderString(context.Background(), map[string]any{"v": in, "a": arg})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	esc := htmlutil.Escape
	for _, n := range []int{0, 10, 1000, 200_000} {
		in := gen(n)
		checks := []struct {
			name       string
			got, want  string
			autoescape bool
		}{
			{"wordwrap", filter("wordwrap", in, 7, false), text.Wrap(in, 7), false},
			{"urlize", filter("urlize", in, nil, false), htmlutil.Urlize(in, false, htmlutil.NoTrimLimit, true, false), false},
			{"urlize-escaped", filter("urlize", in, nil, true), htmlutil.Urlize(in, false, htmlutil.NoTrimLimit, true, true), true},
			{"title", filter("title", in, nil, false), titleText(in), false},
			{"force_escape", filter("force_escape", in, nil, false), esc(in), false},
			{"escapejs", filter("escapejs", in, nil, false), htmlutil.EscapeJS(in), false},
			{"urlencode", filter("urlencode", in, nil, false), htmlutil.Quote(in, "/"), false},
			{"addslashes", filter("addslashes", in, nil, false), addslashes(in), false},
			{"linebreaksbr", filter("linebreaksbr", in, nil, true), strings.ReplaceAll(esc(normalizeNewlines(in)), "\n", "<br>"), true},
			{"linebreaks", filter("linebreaks", in, nil, true), refLinebreaks(in), true},
			{"linenumbers", filter("linenumbers", in, nil, true), refLinenumbers(in), true},
			{"wordcount", filter("wordcount", in, nil, false), fmt.Sprint(len(pystr.Split(in))), false},
			{"make_list", filter("make_list", in, nil, false), toStr(refChars(in)), false},
			{"join", filter("join", in, "-&-", true), refJoin(in, "-&-"), true},
			{"first", filter("first", in, nil, false), refFirst(in), false},
			{"last", filter("last", in, nil, false), refLast(in), false},
			{"truncatewords_html", filter("truncatewords_html", in, 1000, false), htmlutil.Truncate(in, 1000, true), false},
			{"truncatechars_html", filter("truncatechars_html", in, 5000, false), htmlutil.Truncate(in, 5000, false), false},
		}
		for _, c := range checks {
			if c.got != c.want {
				i := 0
				for i < len(c.got) && i < len(c.want) && c.got[i] == c.want[i] {
					i++
				}
				t.Errorf("%s of %d bytes: differs at byte %d: got …%.60q…, want …%.60q…", c.name, n, i, c.got[max(i-20, 0):], c.want[max(i-20, 0):])
			}
		}
	}
	// A lone invalid byte is U+FFFD, as Python would decode it with
	// errors="replace".
	if got := toStr(charList("a\xffb", false)); got != "['a', '\ufffd', 'b']" {
		t.Errorf("make_list of an invalid byte: %s", got)
	}
}

func refLinebreaks(in string) string {
	paras := regexp.MustCompile("\n{2,}").Split(normalizeNewlines(in), -1)
	for i, p := range paras {
		paras[i] = "<p>" + strings.ReplaceAll(htmlutil.Escape(p), "\n", "<br>") + "</p>"
	}
	return strings.Join(paras, "\n\n")
}

func refLinenumbers(in string) string {
	lines := strings.Split(in, "\n")
	width := len(fmt.Sprint(len(lines)))
	for i, l := range lines {
		lines[i] = fmt.Sprintf("%0*d. %s", width, i+1, htmlutil.Escape(l))
	}
	return strings.Join(lines, "\n")
}

func refChars(in string) []any {
	var out []any
	for _, r := range in {
		out = append(out, string(r))
	}
	return out
}

func refJoin(in, sep string) string {
	var parts []string
	for _, r := range in {
		parts = append(parts, htmlutil.Escape(string(r)))
	}
	return strings.Join(parts, htmlutil.Escape(sep))
}

func refFirst(in string) string {
	for _, r := range in {
		return string(r)
	}
	return ""
}

func refLast(in string) string {
	rs := []rune(in)
	if len(rs) == 0 {
		return ""
	}
	return string(rs[len(rs)-1])
}

// TestSliceFilter: slice of text picks characters without listing them,
// with Python's rules for every combination of start, stop and step.
func TestSliceFilter(t *testing.T) {
	ref := func(n int, start, stop, step *int) []int {
		st := 1
		if step != nil {
			st = *step
		}
		norm := func(p *int, def int) int {
			if p == nil {
				return def
			}
			v := *p
			if v < 0 {
				v += n
			}
			return v
		}
		var idx []int
		if st > 0 {
			b, e := max(norm(start, 0), 0), min(norm(stop, n), n)
			for i := b; i < e; i += st {
				idx = append(idx, i)
			}
		} else {
			b, e := min(norm(start, n-1), n-1), max(norm(stop, -1), -1)
			if stop != nil && *stop < 0 && *stop+n < 0 {
				e = -1
			}
			for i := b; i > e; i += st {
				idx = append(idx, i)
			}
		}
		return idx
	}
	ints := []int{-12, -5, -1, 0, 1, 2, 5, 12}
	steps := []int{-3, -1, 1, 2, 5}
	for _, str := range []string{"", "abcdefghij", "aé日本bΣc"} {
		rs := []rune(str)
		list := make([]any, len(rs))
		for i, r := range rs {
			list[i] = string(r)
		}
		for _, a := range append([]*int{nil}, ptrs(ints)...) {
			for _, b := range append([]*int{nil}, ptrs(ints)...) {
				for _, c := range append([]*int{nil}, ptrs(steps)...) {
					arg := fmt.Sprintf("%s:%s:%s", optInt(a), optInt(b), optInt(c))
					var want strings.Builder
					var wantList []any
					for _, i := range ref(len(rs), a, b, c) {
						want.WriteRune(rs[i])
						wantList = append(wantList, list[i])
					}
					got, _ := filterSlice(nil, str, arg)
					if got != want.String() {
						t.Errorf("%q|slice:%q = %q, want %q", str, arg, got, want.String())
					}
					gotList, _ := filterSlice(nil, list, arg)
					if toStr(gotList) != toStr(append([]any{}, wantList...)) {
						t.Errorf("list %q|slice:%q = %v, want %v", str, arg, gotList, wantList)
					}
				}
			}
		}
	}
}

func ptrs(v []int) []*int {
	out := make([]*int, len(v))
	for i := range v {
		out[i] = &v[i]
	}
	return out
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

// TestForOverText: a loop over text reads its characters as it goes, in
// both directions, with forloop.length known.
func TestForOverText(t *testing.T) {
	runCases(t, []tcase{
		{name: "forward", src: `{% for c in s %}{{ forloop.counter }}{{ c }}{% if forloop.last %}/{{ forloop.length }}{% endif %}{% endfor %}`, data: m{"s": "aé日\xff"}, want: "1a2é3日4\ufffd/4"},
		{name: "reversed", src: `{% for c in s reversed %}{{ c }}{% endfor %}`, data: m{"s": "aé日b"}, want: "b日éa"},
		// Python: the characters of a SafeString are plain str.
		{name: "safe", src: `{% for c in s %}{{ c }}{% endfor %}`, data: m{"s": SafeString("<b>")}, want: "&lt;b&gt;"},
		{name: "escaped", src: `{% for c in s %}{{ c }}{% endfor %}`, data: m{"s": "<b>"}, want: "&lt;b&gt;"},
		{name: "empty", src: `{% for c in s %}x{% empty %}none{% endfor %}`, data: m{"s": ""}, want: "none"},
		{name: "yesno-many", src: `{{ True|yesno:"a,b,c,d" }}{{ None|yesno:"a,b,c,d" }}{{ None|yesno:"a,b,c" }}`, want: "abc"},
		{name: "pluralize-many", src: `[{{ 2|pluralize:"a,b,c" }}]{{ 2|pluralize:"y,ies" }}`, want: "[]ies"},
	})
}

// countdownCtx is a context whose Err starts to say Canceled after n
// calls: it checks that long work looks at the context while it runs,
// not only before and after.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestFiltersWatchContext: the filters and tags that loop over large
// input look at the context as they work.
func TestFiltersWatchContext(t *testing.T) {
	data := map[string]any{"big": strings.Repeat("www.a.com <a>b</a> x\n\n", 50_000), "nl": "\n"}
	list := make([]any, 300_000)
	for i := range list {
		list[i] = map[string]any{"k": i % 7}
	}
	data["list"] = list
	cases := map[string]string{
		"wordwrap":           `{{ big|wordwrap:3 }}`,
		"urlize":             `{{ big|urlize }}`,
		"striptags":          `{{ big|striptags }}`,
		"truncatewords_html": `{{ big|truncatewords_html:100000000 }}`,
		"truncatechars_html": `{{ big|truncatechars_html:100000000 }}`,
		"title":              `{{ big|title }}`,
		"escapejs":           `{{ big|escapejs }}`,
		"force_escape":       `{{ big|force_escape }}`,
		"linebreaks":         `{{ big|linebreaks }}`,
		"linenumbers":        `{{ big|linenumbers }}`,
		"join":               `{{ list|join:"," }}`,
		"dictsort":           `{{ list|dictsort:"k" }}`,
		"escapeseq":          `{{ list|escapeseq }}`,
		"unordered_list":     `{{ list|unordered_list }}`,
		"regroup":            `{% regroup list by k as g %}`,
		"for":                `{% for x in list %}{% endfor %}`,
		"for-text":           `{% for c in big %}{% endfor %}`,
		"print":              `{{ list }}`,
		"lorem":              `{% lorem 100000 w %}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			tmpl := New(nil).MustParse("t.html", src)
			// The render makes a few checks before the work starts (a
			// filter chain's, a loop's first); a later one must end it.
			ctx := &countdownCtx{Context: context.Background()}
			ctx.n.Store(3)
			_, err := tmpl.RenderString(ctx, data)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("the render ran to its end (%v) without seeing its context end", err)
			}
		})
	}
}

// TestRenderLimits covers MaxOutputBytes, MaxLoopIterations,
// MaxRenderTime, MaxIncludeDepth and MaxNesting.
func TestRenderLimits(t *testing.T) {
	rows := make([]int, 100)
	data := map[string]any{"rows": rows, "k": 1 << 40}
	nested := `{% for a in rows %}{% for b in rows %}.{% endfor %}{% endfor %}` // 100 + 10,000 iterations

	t.Run("iterations", func(t *testing.T) {
		if out, err := renderWith(t, nested, data, WithLimits(Limits{MaxLoopIterations: 10_100})); err != nil || len(out) != 10_000 {
			t.Errorf("at the limit: %d bytes, %v", len(out), err)
		}
		_, err := renderWith(t, nested, data, WithLimits(Limits{MaxLoopIterations: 10_099}))
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != "MaxLoopIterations" || le.Max != 10_099 || !errors.Is(err, ErrLimitExceeded) {
			t.Fatalf("past the limit: %v", err)
		}
		var te *Error
		if !errors.As(err, &te) || te.Pos.Line != 1 || te.Pos.Col != 20 {
			t.Errorf("position: %v", err)
		}
		// The count is over the whole render, included templates too.
		fsys := fstest.MapFS{"t.html": {Data: []byte(`{% for a in rows %}{% include "i.html" %}{% endfor %}`)}, "i.html": {Data: []byte(`{% for b in rows %}{% endfor %}`)}}
		tmpl, _ := New(fsys, WithLimits(Limits{MaxLoopIterations: 5000})).Template("t.html")
		if _, err := tmpl.RenderString(context.Background(), data); limitOf(err) != "MaxLoopIterations" || !strings.Contains(err.Error(), "i.html:1:1") {
			t.Errorf("across includes: %v", err)
		}
	})

	t.Run("output", func(t *testing.T) {
		tmpl := New(nil, WithLimits(Limits{MaxOutputBytes: 100_000})).MustParse("t.html", `{% lorem k w %}`)
		var w countingWriter
		err := tmpl.Render(context.Background(), &w, data)
		if limitOf(err) != "MaxOutputBytes" {
			t.Fatalf("got %v", err)
		}
		if w.n > 100_000 {
			t.Errorf("wrote %d bytes past a limit of 100,000", w.n)
		}
		// A page under the limit, and a buffered one over it.
		if out, err := renderWith(t, `{% lorem 10 w %}`, data, WithLimits(Limits{MaxOutputBytes: 100_000})); err != nil || out == "" {
			t.Errorf("under the limit: %q, %v", out, err)
		}
		var b bytes.Buffer
		err = tmpl.Stream(context.Background(), &b, data, StreamOptions{Mode: Buffered})
		if limitOf(err) != "MaxOutputBytes" || b.Len() != 0 {
			t.Errorf("buffered: %d bytes, %v", b.Len(), err)
		}
	})

	t.Run("time", func(t *testing.T) {
		tmpl := New(nil, WithLimits(Limits{MaxRenderTime: 100 * time.Millisecond})).MustParse("t.html", `{% lorem k w %}`)
		start := time.Now()
		err := tmpl.Render(context.Background(), &countingWriter{}, data)
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != "MaxRenderTime" || time.Duration(le.Max) != 100*time.Millisecond {
			t.Fatalf("got %v", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrLimitExceeded) {
			t.Errorf("%v should match context.DeadlineExceeded and ErrLimitExceeded", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
		// A waiting render ends too, and the error is the limit's.
		slow := func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }
		tmpl = New(nil, WithLimits(Limits{MaxRenderTime: 100 * time.Millisecond})).MustParse("t.html", `{{ slow }}`)
		if _, err := tmpl.RenderString(context.Background(), map[string]any{"slow": slow}); limitOf(err) != "MaxRenderTime" {
			t.Errorf("waiting: %v", err)
		}
		// The caller's own cancellation is not the limit's.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := tmpl.RenderString(ctx, map[string]any{"slow": slow}); !errors.Is(err, context.Canceled) || limitOf(err) != "" {
			t.Errorf("canceled: %v", err)
		}
	})

	t.Run("include-depth", func(t *testing.T) {
		fsys := fstest.MapFS{"t.html": {Data: []byte(`{% include "t.html" %}`)}}
		for _, depth := range []int{0, 5} {
			tmpl, _ := New(fsys, WithLimits(Limits{MaxIncludeDepth: depth})).Template("t.html")
			_, err := tmpl.RenderString(context.Background(), nil)
			limit := depth
			if limit == 0 {
				limit = DefaultMaxIncludeDepth
			}
			want := fmt.Sprintf("maximum include depth (%d) exceeded", limit)
			if limitOf(err) != "MaxIncludeDepth" || !strings.Contains(err.Error(), want) {
				t.Errorf("depth %d: %v", depth, err)
			}
		}
		// A template extending its own name skips its origin (Django's
		// rule): no recursion, TemplateDoesNotExist. A template value that
		// extends itself is caught by the depth limit.
		fsys = fstest.MapFS{"t.html": {Data: []byte(`{% extends "t.html" %}`)}, "u.html": {Data: []byte(`{% extends "t.html" %}`)}}
		tmpl, _ := New(fsys).Template("u.html")
		if _, err := tmpl.RenderString(context.Background(), nil); !errors.Is(err, ErrTemplateDoesNotExist) {
			t.Errorf("extends: %v", err)
		}
		self := New(nil).MustParse("self.html", `{% extends p %}`)
		if _, err := self.RenderString(context.Background(), map[string]any{"p": self}); limitOf(err) != "MaxIncludeDepth" {
			t.Errorf("extends a template value: %v", err)
		}
	})

	t.Run("nesting", func(t *testing.T) {
		src := strings.Repeat("{% if x %}", 10) + strings.Repeat("{% endif %}", 10)
		if _, err := renderWith(t, src, nil, WithLimits(Limits{MaxNesting: 9})); err == nil || !strings.Contains(err.Error(), "opens level 10, and at most 9") {
			t.Errorf("MaxNesting 9: %v", err)
		}
		if _, err := renderWith(t, src, nil, WithLimits(Limits{MaxNesting: 9}), WithMaxNesting(10)); err != nil {
			t.Errorf("a later WithMaxNesting: %v", err)
		}
	})
}

// TestLimitsStreamed: in a streamed page whose first byte is sent, a limit
// ends the render with the error fragment in place of the failed part, or
// with the error content of the section it is in.
func TestLimitsStreamed(t *testing.T) {
	rows := make([]int, 5000)
	data := map[string]any{"rows": rows, "pad": strings.Repeat("x", 100)}
	page := `<!DOCTYPE html><html><body><h1>Title</h1>{% flush %}<ul>{% for r in rows %}<li>{{ pad }}</li>{% endfor %}</ul><footer>end</footer></body></html>`
	for _, lim := range []Limits{{MaxOutputBytes: 100_000}, {MaxLoopIterations: 1000}} {
		tmpl := New(nil, WithLimits(lim)).MustParse("t.html", page)
		var b bytes.Buffer
		err := tmpl.Stream(context.Background(), &b, data, StreamOptions{Mode: Streaming})
		if !isLimit(err) {
			t.Fatalf("%+v: %v", lim, err)
		}
		out := b.String()
		if !strings.HasPrefix(out, "<!DOCTYPE html><html><body><h1>Title</h1>") || !strings.HasSuffix(out, string(New(nil).errorFragment)) || strings.Contains(out, "<footer>") {
			t.Errorf("%+v: the page is …%q", lim, out[max(0, len(out)-200):])
		}
		if strings.Count(out, "runnel-error") != 1 {
			t.Errorf("%+v: %d error fragments", lim, strings.Count(out, "runnel-error"))
		}
	}

	// A section with error content shows it.
	tmpl := New(nil, WithLimits(Limits{MaxLoopIterations: 1000})).MustParse("t.html", `<!DOCTYPE html><html><body><h1>Title</h1>{% flush %}{% defer %}{% for r in rows %}<li>{{ r }}</li>{% endfor %}{% error %}<p>Too long.</p>{% enddefer %}</body></html>`)
	var b bytes.Buffer
	var reported error
	tmpl.eng.onError = func(_ context.Context, err error) { reported = err }
	err := tmpl.Stream(context.Background(), &b, data, StreamOptions{Mode: Streaming})
	if err != nil || !strings.Contains(b.String(), "<p>Too long.</p></body></html>") || limitOf(reported) != "MaxLoopIterations" {
		t.Errorf("section: %v, %v, …%q", err, reported, b.String()[max(0, b.Len()-100):])
	}

	// Before the first byte, nothing is written and the error is returned.
	tmpl = New(nil, WithLimits(Limits{MaxLoopIterations: 10})).MustParse("t.html", `<p>{% for r in rows %}{{ r }}{% endfor %}</p>`)
	b.Reset()
	if err := tmpl.Stream(context.Background(), &b, data, StreamOptions{Mode: Streaming}); limitOf(err) != "MaxLoopIterations" || b.Len() != 0 {
		t.Errorf("before the first byte: %v, %q", err, b.String())
	}
}

// TestServeRenderTime: for a served page, MaxRenderTime is the request's
// deadline: a section still waiting shows its error content before it,
// and the page is closed.
func TestServeRenderTime(t *testing.T) {
	e := New(fstest.MapFS{"p.html": {Data: []byte(`<!DOCTYPE html><html><body><h1>Hi</h1>{% defer %}{{ slow }}{% placeholder %}…{% error %}<p>later</p>{% enddefer %}</body></html>`)}},
		WithLimits(Limits{MaxRenderTime: 300 * time.Millisecond}), WithErrorHandler(func(context.Context, error) {}))
	slow := func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }
	srv := httptest.NewServer(e.Handler("p.html", func(*http.Request) (any, error) { return map[string]any{"slow": slow}, nil }))
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	if !strings.Contains(b.String(), "<p>later</p>") || !strings.HasSuffix(b.String(), "</body></html>") {
		t.Errorf("page: %q", b.String())
	}
}

// TestAllowlist: tags, filters and libraries outside the allowlist fail
// to compile, naming the place.
func TestAllowlist(t *testing.T) {
	lib := NewLibrary().Filter("shout", strings.ToUpper).SimpleTag("hello", func() string { return "hi" })
	opts := []Option{
		WithLibrary("mine", lib), WithLibrary("other", NewLibrary()),
		WithAllowlist(Allowlist{Tags: []string{"if", "for", "with"}, Filters: []string{"upper", "length"}, Libraries: []string{"mine"}}),
	}
	runCases(t, []tcase{
		{name: "allowed", src: `{% if x %}{% for a in x %}{{ a|upper }}{% endfor %}{% else %}no{% endif %}`, data: m{"x": []string{"a"}}, want: "A", opts: opts},
		{name: "tag", src: "ok\n  {% debug %}", err: "t.html:2:3: 'debug' is not an allowed tag", opts: opts},
		{name: "block-tag", src: "{% autoescape off %}x{% endautoescape %}", err: "t.html:1:1: 'autoescape' is not an allowed tag", opts: opts},
		{name: "filter", src: "{{ x|safe }}", err: "t.html:1:1: 'safe' is not an allowed filter", opts: opts},
		{name: "filter-in-tag", src: "{% if x|default:1 %}{% endif %}", err: "'default' is not an allowed filter", opts: opts},
		{name: "filter-after-syntax-error", src: "{{ x|pprint| }}", err: "'pprint' is not an allowed filter", opts: opts},
		{name: "library", src: "{% load other %}", err: "t.html:1:1: 'other' is not an allowed tag library", opts: opts},
		{name: "library-from", src: "{% load x from other %}", err: "'other' is not an allowed tag library", opts: opts},
		{name: "loaded", src: `{% load mine %}{% hello %} {{ "a"|shout }}`, want: "hi A", opts: opts},
		{name: "loaded-one", src: `{% load shout from mine %}{{ "a"|shout }}`, want: "A", opts: opts},
		{name: "unknown", src: "{% nosuch %}", err: "Invalid block tag", opts: opts},
		{name: "no-filters", src: "{{ x|upper }}", err: "'upper' is not an allowed filter", opts: []Option{WithAllowlist(Allowlist{Filters: []string{}})}},
		{name: "nil-unrestricted", src: "{% autoescape off %}{{ x|safe }}{% endautoescape %}", data: m{"x": "<b>"}, want: "<b>", opts: []Option{WithAllowlist(Allowlist{Libraries: []string{}})}},
		{name: "builtins-library", src: `{{ "a"|shout }}`, err: "'shout' is not an allowed filter", opts: []Option{WithBuiltins(lib), WithAllowlist(Allowlist{Filters: []string{"upper"}})}},
	})
	var te *Error
	_, err := New(nil, opts...).Parse("page.html", "a\nb {{ x|escapejs }}")
	if !errors.As(err, &te) || te.Template != "page.html" || te.Pos.Line != 2 || te.Pos.Col != 3 {
		t.Errorf("position: %#v", err)
	}
}

// TestUntrustedProfile: the recommended profile refuses what it leaves
// out and renders ordinary templates.
func TestUntrustedProfile(t *testing.T) {
	p := []Option{UntrustedProfile()}
	for _, src := range []string{`{% debug %}`, `{% include "x.html" %}`, `{% extends "x.html" %}`, `{% lorem %}`, `{% autoescape off %}{% endautoescape %}`,
		`{{ x|safe }}`, `{{ x|safeseq }}`, `{{ x|pprint }}`, `{% defer %}{% enddefer %}`, `{% await x %}`, `{% flush %}`} {
		if _, err := New(nil, p...).Parse("t.html", src); err == nil || !strings.Contains(err.Error(), "is not an allowed") {
			t.Errorf("%s: %v", src, err)
		}
	}
	out, err := renderWith(t, `{% for p in items %}{% cycle "odd" "even" %}:{{ p.name|title }} {{ p.price|floatformat:2 }}{% if not forloop.last %}, {% endif %}{% endfor %} {{ note|linebreaksbr }}{% comment %}x{% endcomment %}`,
		map[string]any{"items": []map[string]any{{"name": "tea", "price": 2.5}, {"name": "cake", "price": 4}}, "note": "<b>new</b>\nsoon"}, p...)
	if want := "odd:Tea 2.50, even:Cake 4.00 &lt;b&gt;new&lt;/b&gt;<br>soon"; err != nil || out != want {
		t.Errorf("got %q, %v\nwant %q", out, err, want)
	}
	l := UntrustedLimits()
	if l.MaxOutputBytes <= 0 || l.MaxRenderTime <= 0 || l.MaxLoopIterations <= 0 || l.MaxNesting <= 0 || l.MaxIncludeDepth <= 0 || l.MaxValueBytes <= 0 {
		t.Errorf("UntrustedLimits has an unset field: %+v", l)
	}
	a := UntrustedAllowlist()
	a.Tags[0] = "changed"
	if UntrustedAllowlist().Tags[0] == "changed" {
		t.Error("UntrustedAllowlist shares its slices")
	}
	for _, name := range untrustedFilters {
		if _, ok := builtins.filters[name]; !ok {
			t.Errorf("untrusted filter %q is not a built-in", name)
		}
	}
	for _, name := range untrustedTags {
		if _, ok := builtins.tags[name]; !ok {
			t.Errorf("untrusted tag %q is not a built-in", name)
		}
	}
}

// TestPrinterBound: a value that shares a list many times over prints
// up to a bound, and stops with the render's context.
func TestPrinterBound(t *testing.T) {
	out, err := renderWith(t, `{% autoescape off %}{{ v }}{% endautoescape %}`, map[string]any{"v": dag(30)}, WithLimits(Limits{MaxValueBytes: 1 << 16}))
	if err != nil || len(out) > 1<<16+1000 || !strings.HasSuffix(out, "...]") {
		t.Errorf("%d bytes, %v: …%q", len(out), err, out[max(0, len(out)-100):])
	}
	if !utf8.ValidString(out) {
		t.Error("not UTF-8")
	}
}
