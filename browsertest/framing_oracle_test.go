package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/framing"
	"golang.org/x/net/html"
)

// The framing oracle is golang.org/x/net/html's parser: the late HTML,
// framed by runnel's internal/framing, is put in a page the way the
// streamer puts it, and the page must parse to the same document outside
// the carrier (or the placeholder range) as the page with nothing there.
// It lives in this module, which has test-only dependencies already, so
// that the core module needs nothing beyond the standard library (x/net
// would also raise its go directive to 1.26.0). Internal packages are
// importable here: this module's path is under the core module's.

// framingPages are the page contexts the fuzz target frames a section in:
// where the carrier (or the placeholder) goes, and how it is framed.
var framingPages = []struct {
	name           string
	start          framing.Start
	before, after  string // the page around the late HTML's place
	carrierWrapper bool   // the SVG carrier's <svg> wrapper
}{
	{name: "carrier in body", start: framing.Carrier,
		before: `<p>before</p><?start name="runnel-1"><i>loading</i><?end><div id="after">x</div>`,
		after:  `<script>__runnel("runnel-1");</script><p>tail</p><div><span>more</span></div>`},
	{name: "carrier in a list", start: framing.Carrier,
		before: `<ul><li><?start name="runnel-1"><i>loading</i><?end></li><li>`,
		after:  `</li><li>tail</li></ul><p>end</p>`},
	{name: "carrier in a table", start: framing.Carrier,
		before: `<table><tbody><tr><td><?start name="runnel-1"><?end></td></tr>`,
		after:  `<tr><td>tail</td></tr></tbody></table><p>end</p>`},
	{name: "carrier in a select", start: framing.Carrier,
		before: `<select><option>a<?start name="runnel-1"><?end></option>`,
		after:  `<option>b</option></select><p>end</p>`},
	{name: "SVG carrier", start: framing.CarrierSVG, carrierWrapper: true,
		before: `<svg><g><?start name="runnel-1"><rect/><?end></g></svg>`,
		after:  `<script>__runnel("runnel-1");</script><p>tail</p>`},
	{name: "placeholder", start: framing.Page,
		before: `<p>before</p><div id="ph">`,
		after:  `</div><div id="after">x</div><p>tail</p>`},
	{name: "SVG placeholder", start: framing.PageSVG,
		before: `<p>before</p><svg><g id="ph">`,
		after:  `</g></svg><div id="after">x</div><p>tail</p>`},
}

// framedPage returns the page with late HTML h (already framed) in place.
func framedPage(i int, h string) string {
	p := framingPages[i]
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>t</title></head><body>")
	b.WriteString(p.before)
	switch p.start {
	case framing.Carrier, framing.CarrierSVG:
		attr := "for"
		if p.carrierWrapper {
			attr = "data-runnel-for"
		}
		b.WriteString(`<template ` + attr + `="runnel-1">`)
		if p.carrierWrapper {
			b.WriteString("<svg>")
		}
		b.WriteString(h)
		if p.carrierWrapper {
			b.WriteString("</svg>")
		}
		b.WriteString("</template>")
	default:
		b.WriteString(`<?start name="runnel-1">` + h + `<?end>`)
	}
	b.WriteString(p.after)
	b.WriteString("</body></html>")
	return b.String()
}

// outline serializes a parsed page, with the carrier's content (the first
// element with a for or data-runnel-for attribute of "runnel-1") left out,
// and lists the comments that read as markers.
func outline(doc *html.Node) (out string, markers []string) {
	var b strings.Builder
	carrierSeen := false
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch n.Type {
		case html.ElementNode:
			fmt.Fprintf(&b, "%d<%s:%s", depth, n.Namespace, n.Data)
			carrier := false
			for _, a := range n.Attr {
				fmt.Fprintf(&b, " %s=%q", a.Key, a.Val)
				if (a.Key == "for" || a.Key == "data-runnel-for") && a.Val == "runnel-1" && n.Data == "template" && !carrierSeen {
					carrier = true
				}
			}
			b.WriteString(">")
			if carrier {
				carrierSeen = true
				b.WriteString("[carrier]")
				collectMarkers(n, &markers)
				return
			}
		case html.TextNode:
			fmt.Fprintf(&b, "%d%q", depth, n.Data)
		case html.CommentNode:
			fmt.Fprintf(&b, "%d<!--%s-->", depth, n.Data)
			if markerLikeComment(n.Data) {
				markers = append(markers, n.Data)
			}
		case html.DoctypeNode:
			fmt.Fprintf(&b, "%d<!doctype %s>", depth, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	return b.String(), markers
}

// markerLikeComment reports whether the fallback script could read a
// comment as a placeholder marker (it trims the text, and a "?" at its end).
func markerLikeComment(data string) bool {
	return strings.HasPrefix(strings.TrimSpace(strings.TrimSuffix(data, "?")), "?")
}

// placeholderOK reports whether a page whose placeholder range was given
// late HTML still has the page after the range: the element div#after with
// its text, not swallowed into a comment, raw text or a template, and then
// a p with "tail". (Elements the late HTML leaves open, such as an <a>
// that the parser then reopens in the following elements, or a <table>
// that moves them before itself, are the page's own content: a placeholder
// is written in place, like the rest of the page.)
func placeholderOK(doc *html.Node) bool {
	var after, tail *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Namespace == "" {
				switch {
				case c.Data == "div" && after == nil && len(c.Attr) > 0 && c.Attr[0].Key == "id" && c.Attr[0].Val == "after":
					after = c
				case c.Data == "p" && after != nil && tail == nil && domText(c) == "tail":
					tail = c
				}
			}
			find(c)
		}
	}
	find(doc)
	if after == nil || tail == nil || domText(after) != "x" {
		return false
	}
	for p := after.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "template" {
			return false
		}
	}
	return true
}

// domText returns the text of a node's descendants.
func domText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collectMarkers(n *html.Node, markers *[]string) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.CommentNode && markerLikeComment(c.Data) {
			*markers = append(*markers, c.Data)
		}
		collectMarkers(c, markers)
	}
}

// checkFraming frames h at page context i and checks it with the oracle.
func checkFraming(t *testing.T, i int, h string) {
	t.Helper()
	framed := framing.Frame(h, framingPages[i].start)
	empty, err := html.Parse(strings.NewReader(framedPage(i, "")))
	if err != nil {
		t.Fatal(err)
	}
	want, wantMarkers := outline(empty)
	doc, err := html.Parse(strings.NewReader(framedPage(i, framed)))
	if err != nil {
		t.Fatal(err)
	}
	got, gotMarkers := outline(doc)
	placeholder := framingPages[i].start == framing.Page || framingPages[i].start == framing.PageSVG
	ok := got == want && len(gotMarkers) == len(wantMarkers)
	if placeholder {
		ok = placeholderOK(doc) && len(gotMarkers) == len(wantMarkers)
	}
	if !ok && xnetScriptDivergence(framed) {
		t.Logf("%q: golang.org/x/net/html ends a script where browsers do not; not checked", framed)
		return
	}
	if placeholder {
		// A placeholder is in the page itself (elements it leaves open are
		// the page's): its range must end, and the page after it be read
		// as it was.
		if !placeholderOK(doc) {
			t.Fatalf("%s: the page after the range was swallowed\n  input: %q\n framed: %q\n    got: %s",
				framingPages[i].name, h, framed, got)
		}
		got, want = "", ""
	}
	if got != want {
		t.Fatalf("%s: the page outside the late HTML changed\n  input: %q\n framed: %q\n    got: %s\n   want: %s",
			framingPages[i].name, h, framed, got, want)
	}
	if len(gotMarkers) != len(wantMarkers) {
		t.Fatalf("%s: the late HTML holds a comment that reads as a marker\n  input: %q\n framed: %q\nmarkers: %q",
			framingPages[i].name, h, framed, gotMarkers)
	}
	// Framing is idempotent: framed HTML has nothing left to change.
	if again := framing.Frame(framed, framingPages[i].start); again != framed {
		t.Fatalf("%s: framing %q twice: %q, then %q", framingPages[i].name, h, framed, again)
	}
}

// xnetScriptDivergence reports whether golang.org/x/net/html's tokenizer
// ends a script of s where the specification's does not. (In the script
// data escaped less-than sign state, a character other than "/" or a letter
// is reconsumed in the script data escaped state; x/net/html goes back to
// the script data state, so that "<script><!--< <script></script>" ends at
// its first </script>, and in browsers it does not.) The oracle has nothing
// to say about such input.
func xnetScriptDivergence(s string) bool {
	z := html.NewTokenizer(strings.NewReader(s))
	inScript := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			inScript = string(name) == "script"
			continue
		case html.TextToken:
			if inScript {
				text := string(z.Raw())
				if framing.ScriptEnd(text+"</script>", 0) != len(text) {
					return true
				}
			}
		}
		inScript = false
	}
}

// framingRegressions are the inputs of the hardening issue and of the
// fuzzer's finds; they seed testdata/fuzz/FuzzFraming too.
var framingRegressions = []string{
	`İZMİR <template shadowrootmode="open"><b>x</b></template> İZMİR`,
	`ẞ K Ω İ<template>a</template></template><script>alert(1)</script>`,
	`<templatefoo></template><script>alert(1)</script>`,
	`<div title="<template>"></div></template><script>alert(1)</script>`,
	`<div title='<template'></div></template><script>alert(1)</script>`,
	`<div title=<template></div></template><script>alert(1)</script>`,
	`<!-- <template> --></template><script>alert(1)</script>`,
	`<!-- </template> --><script>ok()</script>`,
	`<!--> <template> --></template><script>alert(1)</script>`,
	`<!---> <template> --></template><script>alert(1)</script>`,
	`<!-- x --!> <template></template></template><script>alert(1)</script>`,
	`<!x <template>></template><script>alert(1)</script>`,
	`</ x <template>></template><script>alert(1)</script>`,
	`<?x <template>></template><script>alert(1)</script>`,
	`<script>document.write("</template><img src=x onerror=alert(1)>")</script>`,
	`<style>a::after{content:"</template>"}</style><p>x</p>`,
	`<script><!--<script></script></template>--></script>`,
	`<script><!--<script>`,
	`<script><!--< <script></script></template><script>alert(1)</script>`,
	`<textarea></template></textarea>`,
	`<title><template></title></template><script>alert(1)</script>`,
	`<noscript></template><script>alert(1)</script></noscript>`,
	`<iframe></template></iframe>`,
	`<xmp></template></xmp>`,
	`<noembed></template></noembed>`,
	`<noframes></template></noframes>`,
	`<plaintext></template>`,
	`<!-- unclosed`,
	`<!-- unclosed --`,
	`<!-- unclosed --!`,
	`<!`,
	`<!-`,
	`<!DOCTYPE x`,
	`<script>unclosed`,
	`<style>unclosed</sty`,
	`<textarea>unclosed</textarea `,
	`<div title="unclosed`,
	`<template`,
	`</template`,
	`</`,
	`<template><template>nested, unclosed`,
	`<template shadowrootmode="open"><slot></slot></template><svg><path d="M0 0"/></svg>`,
	`<svg><template></svg></template><script>alert(1)</script>`,
	`<svg><style></template></style></svg><script>alert(1)</script>`,
	`<svg><![CDATA[</template>]]></svg>`,
	`<svg><![CDATA[unclosed`,
	`<svg><foreignObject><template><style></template></style></template></foreignObject></svg>`,
	`<math><mi><template></template></mi><annotation-xml encoding="text/html"><style></template></style></annotation-xml></math>`,
	`<col><style></template></style><script>alert(1)</script>`,
	`<select><style></template></style></select><script>alert(1)</script>`,
	`<!--?start name="runnel-2"-->`,
	`<!-- ?end -->`,
	`</?end>`,
	`<!?end>`,
	`<?start name="runnel-2"><?end>`,
	`<table><svg><foreignObject></table><style></template></style>`,
	`<div><svg></div><style></template></style>`,
	`<B><OBjeCt>`,
	`<b><table><tr><td>x`,
	`<a href="/x"><template><table><tr><td></template>y`,
	`<i><tr><td><em>`,
	`<b><caption>x`,
	`<u><table><caption><marquee></table>`,
}

func TestFramingRegressions(t *testing.T) {
	for _, h := range framingRegressions {
		for i := range framingPages {
			checkFraming(t, i, h)
		}
	}
}

// FuzzFraming checks framing.Frame against an HTML parser: whatever the late
// HTML, the page outside its carrier or placeholder range parses as with
// no late HTML, and no comment in it reads as a placeholder marker.
func FuzzFraming(f *testing.F) {
	for _, h := range framingRegressions {
		f.Add(h, uint8(0))
	}
	f.Fuzz(func(t *testing.T, h string, page uint8) {
		if !utf8.ValidString(h) {
			// Template output is UTF-8; the oracle's parser replaces bad
			// bytes in some places only.
			return
		}
		checkFraming(t, int(page)%len(framingPages), h)
	})
}

// scriptsOutsideTemplates returns the text of the scripts a page would run:
// its script elements outside template content.
func scriptsOutsideTemplates(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "template" {
			return
		}
		if n.Type == html.ElementNode && n.Data == "script" && n.FirstChild != nil {
			out = append(out, n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestHostileSectionStaysInCarrier streams pages with hostile |safe
// sections and parses them: the only script outside template content is
// runnel's own call of the fallback.
func TestHostileSectionStaysInCarrier(t *testing.T) {
	tmpl := runnel.New(nil).MustParse("p.html", `<!DOCTYPE html><html><body><main>{% defer %}{{ evil|safe }}{% placeholder %}<i>…</i>{% enddefer %}</main><p>end</p></body></html>`)
	for _, evil := range []string{
		`<p title="<template>">a</p><!-- </template> <template> --></template><script>pwned()</script><b>b</b>`,
		`<templatefoo></template><script>pwned()</script>`,
		`<div data-x='<template'></div></template><script>pwned()</script>`,
		`<!-- <template> --></template><script>pwned()</script>`,
		`<script>"</template><script>pwned()</script>"</script>`,
		`<style>/*</template><script>pwned()</script>*/</style>`,
		`<svg><template></svg></template><script>pwned()</script>`,
		`İZMİR <template shadowrootmode="open"><slot></slot></template></template><script>pwned()</script>`,
		`<!-- unclosed`,
		`<noscript>unclosed`,
		`<script>unclosed`,
		`<plaintext>`,
	} {
		for _, scriptOnly := range []bool{false, true} {
			var b bytes.Buffer
			if err := tmpl.Stream(context.Background(), &b, map[string]any{"evil": runnel.Ready(evil)}, runnel.StreamOptions{ScriptOnly: scriptOnly}); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			scripts := scriptsOutsideTemplates(t, page)
			if len(scripts) != 1 || !strings.HasPrefix(scripts[0], "window.__runnel=") {
				t.Fatalf("%q: scripts outside the carrier: %q\n%s", evil, scripts, page)
			}
			if !strings.Contains(page, `<p>end</p><template `) || !strings.HasSuffix(page, "</script></body></html>") {
				t.Fatalf("%q: the section was not sent before </body>: %s", evil, page)
			}
		}
	}
}
