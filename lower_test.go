package runnel

import (
	"context"
	"strings"
	"testing"
)

// Text whose lower-cased form is longer or shorter than itself (İ, ẞ, the
// Kelvin sign) before </body> or in the head: the offsets of the body's end
// and of the head's hints are found on the text itself.
func TestNonASCIICaseFolding(t *testing.T) {
	for _, src := range []string{
		"ȺȺȺȺȺȺȺȺȺȺ</body>",
		"<p>İZMİR İZMİR</p></BODY></html>",
		"<head><title>\u212a\u212a ẞ</title><link rel=stylesheet href=/a.css></head><body>x</body>",
		"<head><title>ȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺȺ</title><LINK REL=preload href=/f.woff2 as=font></head>",
	} {
		tmpl, err := New(nil).Parse("p.html", src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		var b strings.Builder
		if err := tmpl.Stream(context.Background(), &b, nil, StreamOptions{Mode: Streaming}); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if !strings.Contains(b.String(), strings.SplitN(src, "<", 2)[0]) {
			t.Errorf("%q: rendered %q", src, b.String())
		}
		tmpl.EarlyHints()
	}
	tmpl, _ := New(nil).Parse("h.html", "<head><title>ȺȺȺȺȺȺȺȺ</title><link rel=stylesheet href=/a.css></head>")
	if h := tmpl.EarlyHints(); len(h) != 1 || !strings.Contains(h[0], "/a.css") {
		t.Errorf("hints %q", h)
	}
}
