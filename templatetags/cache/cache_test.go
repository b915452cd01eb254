package cache_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/streamtest"
	"github.com/runnelhq/runnel/templatetags/cache"
)

// engine returns an engine with the cache library on caches (the default
// in-memory one when nil) and Django's test "noop" filter.
func engine(t *testing.T, files map[string]string, caches map[string]cache.Cache) *runnel.Engine {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	custom := runnel.NewLibrary().Filter("noop", func(v any, _ ...any) any { return v })
	return runnel.New(fsys,
		runnel.WithLibrary("cache", cache.Library(cache.Options{Caches: caches})),
		runnel.WithLibrary("custom", custom))
}

func render(t *testing.T, e *runnel.Engine, name string, data map[string]any) (string, error) {
	t.Helper()
	tmpl, err := e.Template(name)
	if err != nil {
		return "", err
	}
	return tmpl.RenderString(context.Background(), data)
}

func mustRender(t *testing.T, e *runnel.Engine, name string, data map[string]any) string {
	t.Helper()
	out, err := render(t, e, name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// Django's tests/template_tests/syntax_tests/test_cache.py.
func TestDjangoCacheTag(t *testing.T) {
	files := map[string]string{
		"cache03": "{% load cache %}{% cache 2 test %}cache03{% endcache %}",
		"cache04": "{% load cache %}{% cache 2 test %}cache04{% endcache %}",
		"cache05": "{% load cache %}{% cache 2 test foo %}cache05{% endcache %}",
		"cache06": "{% load cache %}{% cache 2 test foo %}cache06{% endcache %}",
		"cache07": "{% load cache %}{% cache 2 test foo %}cache07{% endcache %}",
		"cache08": "{% load cache %}{% cache time test foo %}cache08{% endcache %}",
		"cache11": "{% load cache %}{% cache %}{% endcache %}",
		"cache12": "{% load cache %}{% cache 1 %}{% endcache %}",
		"cache13": "{% load cache %}{% cache foo bar %}{% endcache %}",
		"cache16": "{% load cache %}{% cache 1 foo bar %}{% endcache %}",
		"cache17": "{% load cache %}{% cache 10 long_cache_key poem %}Some Content{% endcache %}",
		"cache18": `{% load cache custom %}{% cache 2|noop:"x y" cache18 %}cache18{% endcache %}`,
	}
	t.Run("cache03", func(t *testing.T) {
		if got := mustRender(t, engine(t, files, nil), "cache03", nil); got != "cache03" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache04", func(t *testing.T) {
		e := engine(t, files, nil)
		mustRender(t, e, "cache03", nil)
		if got := mustRender(t, e, "cache04", nil); got != "cache03" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache05-06", func(t *testing.T) {
		e := engine(t, files, nil)
		if got := mustRender(t, e, "cache05", map[string]any{"foo": 1}); got != "cache05" {
			t.Fatalf("got %q", got)
		}
		if got := mustRender(t, e, "cache06", map[string]any{"foo": 2}); got != "cache06" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache07", func(t *testing.T) {
		e := engine(t, files, nil)
		mustRender(t, e, "cache05", map[string]any{"foo": 1})
		if got := mustRender(t, e, "cache07", map[string]any{"foo": 1}); got != "cache05" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache08", func(t *testing.T) {
		e := engine(t, files, nil)
		c := map[string]any{"foo": 2, "time": 2}
		mustRender(t, e, "cache06", c)
		if got := mustRender(t, e, "cache08", c); got != "cache06" {
			t.Fatalf("got %q", got)
		}
	})
	for _, name := range []string{"cache11", "cache12"} {
		t.Run(name, func(t *testing.T) {
			_, err := engine(t, files, nil).Template(name)
			if err == nil || !strings.Contains(err.Error(), `''cache'' tag requires at least 2 arguments.`) {
				t.Fatalf("got %v", err)
			}
		})
	}
	for _, tc := range []struct {
		name string
		foo  any
		want string
	}{
		{"cache13", nil, `"cache" tag got a non-integer timeout value: ''`},
		{"cache14", "fail", `"cache" tag got a non-integer timeout value: 'fail'`},
		{"cache15", []any{}, `"cache" tag got a non-integer timeout value: []`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data map[string]any
			if tc.foo != nil {
				data = map[string]any{"foo": tc.foo}
			}
			_, err := render(t, engine(t, files, nil), "cache13", data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("cache16", func(t *testing.T) {
		if got := mustRender(t, engine(t, files, nil), "cache16", map[string]any{"foo": "foo", "bar": "with spaces"}); got != "" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache17", func(t *testing.T) {
		poem := strings.Repeat("Oh freddled gruntbuggly/Thy micturations are to me/", 20)
		if got := mustRender(t, engine(t, files, nil), "cache17", map[string]any{"poem": poem}); got != "Some Content" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("cache18", func(t *testing.T) {
		if got := mustRender(t, engine(t, files, nil), "cache18", nil); got != "cache18" {
			t.Fatalf("got %q", got)
		}
	})
}

// CacheTests of test_cache.py: "template_fragments" is preferred to
// "default", using= names a cache, an unknown name is an error.
func TestDjangoCacheNames(t *testing.T) {
	files := map[string]string{
		"t1": "{% load cache %}{% cache 1 fragment %}foo{% endcache %}",
		"t2": `{% load cache %}{% cache 1 fragment using="default" %}bar{% endcache %}`,
		"t3": `{% load cache %}{% cache 1 backend using="unknown" %}bar{% endcache %}`,
	}
	e := engine(t, files, map[string]cache.Cache{"default": cache.NewMemory(0), "template_fragments": cache.NewMemory(0)})
	if got := mustRender(t, e, "t1", nil); got != "foo" {
		t.Fatalf("t1 %q", got)
	}
	if got := mustRender(t, e, "t2", nil); got != "bar" {
		t.Fatalf("t2 %q", got)
	}
	if _, err := render(t, e, "t3", nil); err == nil || !strings.Contains(err.Error(), "Invalid cache name specified for cache tag: 'unknown'") {
		t.Fatalf("t3: %v", err)
	}
}

// Django's tests/cache/tests.py TestMakeTemplateFragmentKey, and values
// computed with Django's make_template_fragment_key.
func TestFragmentKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		vary []any
		want string
	}{
		{"a.fragment", nil, "template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e"},
		{"fragment", []any{"abc"}, "template.cache.fragment.493e283d571a73056196f1a68efd0f66"},
		{"spam", []any{"abc:def%"}, "template.cache.spam.06c8ae8e8c430b69fb0a6443504153dc"},
		{"spam", []any{"abc:def", "%"}, "template.cache.spam.0a52fc35ba92d72135d957538d73ad38"},
		{"x", []any{1, nil, []any{1, "a"}}, "template.cache.x.918b22ecb23cddf8ab3544b187c4859b"},
	} {
		if got := cache.FragmentKey(tc.name, tc.vary...); got != tc.want {
			t.Errorf("FragmentKey(%q, %v) = %s, want %s", tc.name, tc.vary, got, tc.want)
		}
	}
}

// TestTimeouts: None caches with no expiry; 0 and less do not cache; the
// time to live is the timeout in seconds.
func TestTimeouts(t *testing.T) {
	rec := &recordingCache{}
	e := engine(t, map[string]string{"t": "{% load cache %}{% cache ttl f %}{{ n }}{% endcache %}"}, map[string]cache.Cache{"default": rec})
	for _, tc := range []struct {
		ttl     any
		wantSet bool
		want    time.Duration
	}{
		{nil, true, 0},
		{0, false, 0},
		{-5, false, 0},
		{"30", true, 30 * time.Second},
		{2.9, true, 2 * time.Second},
	} {
		rec.reset()
		if got := mustRender(t, e, "t", map[string]any{"ttl": tc.ttl, "n": 1}); got != "1" {
			t.Fatalf("ttl %v: got %q", tc.ttl, got)
		}
		if tc.wantSet != (len(rec.sets) == 1) || (tc.wantSet && rec.sets[0].ttl != tc.want) {
			t.Errorf("ttl %v: sets %+v", tc.ttl, rec.sets)
		}
	}
}

// TestHitIsWrittenAtOnce: on a miss the fragment streams (its text before
// a late value reaches the client before the value resolves) and is stored
// when complete; on a hit it is written without waiting for the data
// behind it at all.
func TestHitIsWrittenAtOnce(t *testing.T) {
	e := engine(t, map[string]string{
		"p": "<h1>shell</h1>{% load cache %}{% cache 60 side %}<p>before</p>{{ slow }}<p>after</p>{% endcache %}<footer>",
	}, nil)
	tmpl, err := e.Template("p")
	if err != nil {
		t.Fatal(err)
	}
	stream := func(slow *runnel.Future[string]) (*streamtest.Reader, chan error) {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			err := tmpl.Render(context.Background(), pw, map[string]any{"slow": slow})
			pw.CloseWithError(err)
			done <- err
		}()
		return streamtest.NewReader(t, pr), done
	}

	slow, resolve := runnel.NewFuture[string]()
	rd, done := stream(slow)
	rd.Until("<p>before</p>") // arrives while slow is unresolved
	resolve("<b>", nil)
	if rest := rd.Rest(); rest != "&lt;b&gt;<p>after</p><footer>" {
		t.Fatalf("miss: rest %q", rest)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	never, _ := runnel.NewFuture[string]() // a hit does not wait for it
	rd, done = stream(never)
	if got := rd.Rest(); got != "<h1>shell</h1><p>before</p>&lt;b&gt;<p>after</p><footer>" {
		t.Fatalf("hit: %q", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRecordAcrossFlushes: a fragment much larger than the render buffer,
// written in many flushes, is stored whole and byte for byte; nested
// {% cache %} blocks each store their own part.
func TestRecordAcrossFlushes(t *testing.T) {
	mem := cache.NewMemory(0)
	e := engine(t, map[string]string{
		"p": "{% load cache %}head{% cache 60 outer %}[{% for i in rows %}<li>{{ i }} {{ pad }}</li>{% cache 60 inner i %}({{ i }}){% endcache %}{% endfor %}]{% endcache %}tail",
	}, map[string]cache.Cache{"default": mem})
	rows := make([]int, 2000)
	for i := range rows {
		rows[i] = i
	}
	data := map[string]any{"rows": rows, "pad": strings.Repeat("x", 40)}
	first := mustRender(t, e, "p", data)
	if len(first) < 64<<10 {
		t.Fatalf("page only %d bytes", len(first))
	}
	got, ok, _ := mem.Get(context.Background(), cache.FragmentKey("outer"))
	if !ok || "head"+got+"tail" != first {
		t.Fatalf("outer fragment stored %v, %d bytes, page %d bytes", ok, len(got), len(first))
	}
	inner, ok, _ := mem.Get(context.Background(), cache.FragmentKey("inner", 1234))
	if !ok || inner != "(1234)" {
		t.Fatalf("inner fragment %q %v", inner, ok)
	}
	if again := mustRender(t, e, "p", map[string]any{}); again != first {
		t.Fatal("the hit differs from the first render")
	}
}

// TestNotStored: a body that fails, or that starts an out-of-order
// section, is not stored; a cache that fails does not fail the page.
func TestNotStored(t *testing.T) {
	mem := cache.NewMemory(0)
	lib := runnel.NewLibrary().SimpleTag("boom", func() (string, error) { return "", errors.New("boom") })
	e := runnel.New(fstest.MapFS{
		"err":   {Data: []byte("{% load cache boom %}{% cache 60 e %}x{% boom %}{% endcache %}")},
		"defer": {Data: []byte("<!doctype html><html><body>{% load cache %}{% cache 60 d %}<p>{% defer %}{{ slow }}{% placeholder %}…{% enddefer %}</p>{% endcache %}</body></html>")},
	}, runnel.WithLibrary("cache", cache.Library(cache.Options{Caches: map[string]cache.Cache{"default": mem}})), runnel.WithLibrary("boom", lib))
	if _, err := render(t, e, "err", nil); err == nil {
		t.Fatal("no error")
	}
	if n, _ := mem.Len(); n != 0 {
		t.Fatalf("a failed fragment was stored")
	}

	tmpl, err := e.Template("defer")
	if err != nil {
		t.Fatal(err)
	}
	slow, resolve := runnel.NewFuture[string]()
	resolve("late", nil)
	var b strings.Builder
	if err := tmpl.Stream(context.Background(), &b, map[string]any{"slow": slow}, runnel.StreamOptions{Mode: runnel.Streaming}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "late") || !strings.Contains(b.String(), "<?start") {
		t.Fatalf("page %q", b.String())
	}
	if _, ok, _ := mem.Get(context.Background(), cache.FragmentKey("d")); ok {
		t.Fatal("a fragment with an out-of-order section was stored")
	}

	var reported []error
	var mu sync.Mutex
	broken := runnel.New(fstest.MapFS{"t": {Data: []byte("{% load cache %}{% cache 60 b %}ok{% endcache %}")}},
		runnel.WithLibrary("cache", cache.Library(cache.Options{
			Caches: map[string]cache.Cache{"default": failingCache{}},
			OnError: func(_ context.Context, err error) {
				mu.Lock()
				reported = append(reported, err)
				mu.Unlock()
			},
		})))
	if got := mustRender(t, broken, "t", nil); got != "ok" {
		t.Fatalf("got %q", got)
	}
	if len(reported) != 2 {
		t.Fatalf("reported %v, want the failed get and set", reported)
	}
}

func TestMemoryBoundAndExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	m := cache.NewMemory(3 * (96 + 2 + 10))
	m.Now = func() time.Time { return now }
	ctx := context.Background()
	for _, k := range []string{"k1", "k2", "k3"} {
		m.Set(ctx, k, strings.Repeat("v", 10), 0)
	}
	m.Get(ctx, "k1") // k2 is now the least recently used
	m.Set(ctx, "k4", strings.Repeat("v", 10), 0)
	if _, ok, _ := m.Get(ctx, "k2"); ok {
		t.Fatal("k2 not evicted")
	}
	for _, k := range []string{"k1", "k3", "k4"} {
		if _, ok, _ := m.Get(ctx, k); !ok {
			t.Fatalf("%s evicted", k)
		}
	}
	if n, size := m.Len(); n != 3 || size != 3*(96+2+10) {
		t.Fatalf("len %d size %d", n, size)
	}
	m.Set(ctx, "ttl", "v", 10*time.Second)
	now = now.Add(9 * time.Second)
	if _, ok, _ := m.Get(ctx, "ttl"); !ok {
		t.Fatal("expired early")
	}
	now = now.Add(time.Second)
	if _, ok, _ := m.Get(ctx, "ttl"); ok {
		t.Fatal("not expired")
	}
	m.Set(ctx, "huge", strings.Repeat("v", 1000), 0)
	if _, ok, _ := m.Get(ctx, "huge"); ok {
		t.Fatal("a fragment larger than the cache was stored")
	}
	m.Delete("k1")
	if _, ok, _ := m.Get(ctx, "k1"); ok {
		t.Fatal("not deleted")
	}
}

type setCall struct {
	key, val string
	ttl      time.Duration
}

// recordingCache records the Sets and never hits.
type recordingCache struct {
	mu   sync.Mutex
	sets []setCall
}

func (c *recordingCache) reset() { c.mu.Lock(); c.sets = nil; c.mu.Unlock() }

func (c *recordingCache) Get(context.Context, string) (string, bool, error) { return "", false, nil }

func (c *recordingCache) Set(_ context.Context, key, val string, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sets = append(c.sets, setCall{key, val, ttl})
	return nil
}

type failingCache struct{}

func (failingCache) Get(context.Context, string) (string, bool, error) {
	return "", false, errors.New("down")
}

func (failingCache) Set(context.Context, string, string, time.Duration) error {
	return errors.New("down")
}

// TestInsideCapture: a {% cache %} inside a construct that captures its
// body ({% filter %}) stores the fragment as rendered there.
func TestInsideCapture(t *testing.T) {
	mem := cache.NewMemory(0)
	e := engine(t, map[string]string{"t": "{% load cache %}{% filter upper %}a{% cache 60 f %}b{{ x }}{% endcache %}c{% endfilter %}"}, map[string]cache.Cache{"default": mem})
	if got := mustRender(t, e, "t", map[string]any{"x": "<i>"}); got != "AB&LT;I&GT;C" {
		t.Fatalf("got %q", got)
	}
	if got, ok, _ := mem.Get(context.Background(), cache.FragmentKey("f")); !ok || got != "b&lt;i&gt;" {
		t.Fatalf("stored %q %v", got, ok)
	}
}
