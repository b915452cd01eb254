package static

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/templatetags/internal/tagtest"
)

// Ports of Django's tests/template_tests/syntax_tests/test_static.py (with
// STATIC_URL="/static/" and MEDIA_URL="/media/"), and of the urljoin and
// quoting Django's StaticNode relies on.

// TestStaticTags ports test_static.py.
func TestStaticTags(t *testing.T) {
	media := Options{MediaURL: "/media/"}
	run(t, []testCase{
		{name: "static-prefixtag01", src: "{% load static %}{% get_static_prefix %}", want: "/static/"},
		{name: "static-prefixtag02", src: "{% load static %}{% get_static_prefix as static_prefix %}{{ static_prefix }}", want: "/static/"},
		{name: "static-prefixtag03", src: "{% load static %}{% get_media_prefix %}", lib: media, want: "/media/"},
		{name: "static-prefixtag04", src: "{% load static %}{% get_media_prefix as media_prefix %}{{ media_prefix }}", lib: media, want: "/media/"},
		{name: "static-prefixtag-without-as", src: "{% load static %}{% get_media_prefix ad media_prefix %}{{ media_prefix }}", err: "First argument in 'get_media_prefix' must be 'as'"},
		{name: "static-statictag01", src: `{% load static %}{% static "admin/base.css" %}`, want: "/static/admin/base.css"},
		{name: "static-statictag02", src: "{% load static %}{% static base_css %}", data: map[string]any{"base_css": "admin/base.css"}, want: "/static/admin/base.css"},
		{name: "static-statictag03", src: `{% load static %}{% static "admin/base.css" as foo %}{{ foo }}`, want: "/static/admin/base.css"},
		{name: "static-statictag04", src: "{% load static %}{% static base_css as foo %}{{ foo }}", data: map[string]any{"base_css": "admin/base.css"}, want: "/static/admin/base.css"},
		{name: "static-statictag05", src: `{% load static %}{% static "special?chars&quoted.html" %}`, want: "/static/special%3Fchars%26quoted.html"},
		{name: "static-badly-formatted", src: "{% load static %}{% static %}", err: "'static' takes at least one argument (path to file)"},
		{name: "not-loaded", src: `{% static "a" %}`, err: "Invalid block tag on line 1: 'static'. Did you forget to register or load this tag?"},
		{name: "load-from", src: `{% load static from static %}{% static "a b.css" %}`, want: "/static/a%20b.css"},
		{name: "unicode", src: `{% load static %}{% static "ü/é.png" %}`, want: "/static/%C3%BC/%C3%A9.png"},
		{name: "absolute-path", src: `{% load static %}{% static "/root.css" %}`, want: "/root.css"},
		{name: "dot-segments", src: `{% load static %}{% static "a/../b/./c.css" %}`, want: "/static/b/c.css"},
		{name: "cdn-prefix", src: `{% load static %}{% static "x.js" %}`, lib: Options{StaticURL: "https://cdn.example.com/s/"}, want: "https://cdn.example.com/s/x.js"},
		{name: "relative-prefix", src: `{% load static %}{% static "x.js" %} {% get_static_prefix %}`, lib: Options{StaticURL: "assets/"}, want: "/assets/x.js /assets/"},
		{name: "prefix-without-slash", src: `{% load static %}{% static "x.js" %}`, lib: Options{StaticURL: "/assets"}, want: "/x.js"},
		{name: "prefix-escaped", src: `{% load static %}{% static "x.js" %}|{% static "x.js" as u %}{{ u }}`, lib: Options{StaticURL: "/s&t/"}, want: "/s&amp;t/x.js|/s&amp;t/x.js"},
		{name: "prefix-query-dropped", src: `{% load static %}{% static "x.js" %}`, lib: Options{StaticURL: "/s/?v=1"}, want: "/s/x.js"},
		{name: "prefix-iri", src: `{% load static %}{% get_static_prefix %}`, lib: Options{StaticURL: "/stätic/"}, want: "/st%C3%A4tic/"},
		{name: "media-default", src: "{% load static %}{% get_media_prefix %}", want: "/"},
		{name: "media-relative", src: "{% load static %}{% get_media_prefix %}", lib: Options{MediaURL: "media/"}, want: "/media/"},
		{name: "media-keeps-static", src: `{% load static %}{% static "a.css" %} {% get_media_prefix %}`, lib: media, want: "/static/a.css /media/"},
		{name: "missing-var", src: "{% load static %}{% static nope %}", want: "/static/"},
	})
}

// TestStaticURLJoin checks the urljoin and quote ports against Python's
// results.
func TestStaticURLJoin(t *testing.T) {
	for _, c := range []struct{ base, ref, want string }{
		{"/static/", "a.css", "/static/a.css"},
		{"/static", "a.css", "/a.css"},
		{"", "a.css", "a.css"},
		{"/static/", "", "/static/"},
		{"static/", "a.css", "static/a.css"},
		{"http://h/s/", "a/b.css", "http://h/s/a/b.css"},
		{"http://h", "a.css", "http://h/a.css"},
		{"http://h/s/", "/a.css", "http://h/a.css"},
		{"http://h/s/", "//cdn/a.css", "http://cdn/a.css"},
		{"/s/x/", "../a.css", "/s/a.css"},
		{"/s/", "a/..", "/s/"},
		{"/s/?v=1#f", "a.css", "/s/a.css"},
		{"/s//", "a//b.css", "/s/a/b.css"},
	} {
		if got := joinURL(c.base, c.ref); got != c.want {
			t.Errorf("urljoin(%q, %q) = %q, want %q", c.base, c.ref, got, c.want)
		}
	}
	if got := htmlutil.Quote("a b/ü?&~_.-", "/"); got != "a%20b/%C3%BC%3F%26~_.-" {
		t.Errorf("quote: %q", got)
	}
}

// testCase is a template test with the library's settings.
type testCase struct {
	name, src, want, err string
	data                 map[string]any
	lib                  Options
}

func run(t *testing.T, cases []testCase) {
	t.Helper()
	for _, c := range cases {
		tagtest.Run(t, []tagtest.Case{{Name: c.name, Src: c.src, Data: c.data, Want: c.want, Err: c.err}},
			runnel.WithLibrary("static", Library(c.lib)))
	}
}

// TestStaticEarlyHints: a {% static %} URL with a literal path is known
// before the render, so the page's 103 Early Hints name it; one built from
// data is not.
func TestStaticEarlyHints(t *testing.T) {
	src := `{% load static %}<html><head><link rel="stylesheet" href="{% static 'site.css' %}"><script src="{% static js %}"></script></head><body>`
	e := runnel.New(fstest.MapFS{"page.html": {Data: []byte(src)}}, runnel.WithLibrary("static", Library(Options{StaticURL: "https://cdn.example.com/s/"})))
	tpl, err := e.Template("page.html")
	if err != nil {
		t.Fatal(err)
	}
	got := tpl.EarlyHints()
	if want := []string{"<https://cdn.example.com/s/site.css>; rel=preload; as=style"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
