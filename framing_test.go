package runnel

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Framing itself is tested in internal/framing, and against an HTML parser
// in the browsertest module; these are its uses in streamed pages, and the
// HTML state model that decides where sections may be sent.

// Characters whose lower case has another length in UTF-8 (İ and Kelvin
// shrink, Ⱥ grows): offsets into strings.ToLower(s) are not offsets into s.
const unfoldable = "İZMİR ẞ K Ω Ⱥ Ⱦ"

func TestFramingFoldsOnlyASCII(t *testing.T) {
	shadow := `<template shadowrootmode="open"><p>` + unfoldable + `</p><slot></slot></template>`
	// In a section and in its placeholder, streamed: neither blanked nor a
	// failed page.
	var reported []error
	e := New(nil, WithErrorHandler(func(_ context.Context, err error) { reported = append(reported, err) }))
	tmpl := e.MustParse("p.html", `<body>{% defer %}<p>{{ city }}</p>{{ shadow|safe }}{% placeholder %}<p>{{ city }}</p>{{ shadow|safe }}{% enddefer %}</body>`)
	for _, mode := range []Mode{Streaming, InOrder} {
		out, err := streamString(tmpl, mode, map[string]any{"city": Ready(unfoldable), "shadow": Ready(SafeString(shadow))})
		if err != nil || len(reported) > 0 {
			t.Fatalf("%v: %v %v", mode, err, reported)
		}
		part := `<p>` + unfoldable + `</p>` + shadow
		switch mode {
		case Streaming:
			if !strings.Contains(out, `<?start name="runnel-1">`+part+`<?end>`) || !strings.Contains(out, `<template for="runnel-1">`+part+`</template>`) {
				t.Fatalf("%q", out)
			}
		case InOrder:
			if out != `<body>`+part+`</body>` {
				t.Fatalf("%q", out)
			}
		}
	}
}

func TestDeferRefusedInRawTextElements(t *testing.T) {
	for _, el := range []string{"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title", "plaintext", "NoScript"} {
		src := fmt.Sprintf("<body>\n  <%s>{%% defer %%}x{%% placeholder %%}y{%% enddefer %%}</%s>", el, el)
		_, err := New(nil).Parse("p.html", src)
		want := fmt.Sprintf("p.html:2:%d: {%% defer %%} cannot be used inside <%s>", 5+len(el), strings.ToLower(el))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", el, err, want)
		}
	}
	for _, src := range []string{
		`<!-- {% defer %}x{% enddefer %} -->`,
		`<!x {% defer %}x{% enddefer %}>`,
		`<?x {% defer %}x{% enddefer %}>`,
		`<!DOCTYPE {% defer %}x{% enddefer %}>`,
		`<a href={% defer %}x{% enddefer %}>`,
		`<svg><![CDATA[{% defer %}x{% enddefer %}]]></svg>`,
	} {
		if _, err := New(nil).Parse("p.html", src); err == nil || !strings.Contains(err.Error(), "{% defer %} cannot be used inside") {
			t.Errorf("%s: err = %v", src, err)
		}
	}
	for _, src := range []string{
		`<!--><p>{% defer %}x{% enddefer %}</p>`,
		`<!-- a --!><p>{% defer %}x{% enddefer %}</p>`,
		`<!DOCTYPE html><p>{% defer %}x{% enddefer %}</p>`,
		`<a title=x"y>{% defer %}x{% enddefer %}</a>`,
		`<noscript></noscript ><p>{% defer %}x{% enddefer %}</p>`,
		`<script_x>{% defer %}x{% enddefer %}`,
		`İİİİİİİİ<p>{% defer %}x{% enddefer %}</p>`,
		`<svg/><p>{% defer %}x{% enddefer %}</p>`,
	} {
		if _, err := New(nil).Parse("p.html", src); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}

// A section that completes while the page waits inside an element whose
// content is raw text is sent after the element, where a template is a
// template.
func TestSectionWaitsForRawTextToEnd(t *testing.T) {
	for _, el := range []string{"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"} {
		tmpl := New(nil).MustParse("p.html", fmt.Sprintf(`<body><main>{%% defer %%}<b>{{ fast }}</b>{%% placeholder %%}<i>…</i>{%% enddefer %%}<%s>{{ slow }}</%s><p>after</p></main></body>`, el, el))
		slow, resolve := NewFuture[string]()
		go func() {
			time.Sleep(30 * time.Millisecond) // the section is long complete
			resolve("s", nil)
		}()
		out, err := streamString(tmpl, Streaming, map[string]any{"fast": Ready("F"), "slow": slow})
		if err != nil {
			t.Fatal(err)
		}
		end := strings.Index(out, "</"+el+">")
		at := strings.Index(out, `="runnel-1"><b>F</b></template>`)
		if end < 0 || at < end {
			t.Errorf("%s: the section was sent inside it: %q", el, out)
		}
	}
	// Inside <plaintext> nothing can be sent, ever.
	tmpl := New(nil).MustParse("p.html", `<body>{% defer %}<b>{{ fast }}</b>{% placeholder %}<i>…</i>{% enddefer %}<plaintext>{{ slow }}</body>`)
	out, err := streamString(tmpl, Streaming, map[string]any{"fast": Ready("F"), "slow": Ready("s")})
	if err != nil || strings.Contains(out[strings.Index(out, "<plaintext>"):], "<template") {
		t.Fatalf("%q %v", out, err)
	}
}

// A "</body>" inside a script is not where pending sections are sent.
func TestSectionsNotDrainedIntoRawText(t *testing.T) {
	tmpl := New(nil).MustParse("p.html", `<body>{% defer %}<b>{{ x }}</b>{% placeholder %}<i>…</i>{% enddefer %}<script>var s = "</body>";</script></body>`)
	out, err := streamString(tmpl, Streaming, map[string]any{"x": Go(context.Background(), func(context.Context) (string, error) {
		time.Sleep(10 * time.Millisecond)
		return "X", nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `<script>var s = "</body>";</script></body><template data-runnel-for="runnel-1"><b>X</b></template>`) {
		t.Fatalf("%q", out)
	}
}

func TestHTMLStateModel(t *testing.T) {
	for _, c := range []struct {
		text    string
		base    htmlState
		raw     int
		foreign bool
	}{
		{`<div title=a"b>`, hData, rawNone, false},
		{`<div title="a>`, hTagDQ, rawNone, false},
		{`<div title=`, hTagEq, rawNone, false},
		{`<div title=x`, hTagUnq, rawNone, false},
		{`<!-->`, hData, rawNone, false},
		{`<!--->`, hData, rawNone, false},
		{`<!-- x --!>`, hData, rawNone, false},
		{`<!-- x --`, hComment, rawNone, false},
		{`<!DOCTYPE html>`, hData, rawNone, false},
		{`<!x`, hBogus, rawNone, false},
		{`<?xml x`, hBogus, rawNone, false},
		{`</ x`, hBogus, rawNone, false},
		{`</>`, hData, rawNone, false},
		{`<script/>`, hRaw, rawScript, false},
		{`<script_x>`, hData, rawNone, false},
		{`<script></scripts>`, hRaw, rawScript, false},
		{`<script></SCRIPT >`, hData, rawNone, false},
		{`İİİİ<NoScript>`, hRaw, rawNoscript, false},
		{strings.Repeat("Ⱥ", 9) + `<xmp>`, hRaw, rawXmp, false},
		{`<iframe src="x">`, hRaw, rawIframe, false},
		{`<noembed>`, hRaw, rawNoembed, false},
		{`<noframes>`, hRaw, rawNoframes, false},
		{`<plaintext></plaintext>`, hRaw, rawPlaintext, false},
		{`<svg/>`, hData, rawNone, false},
		{`<svg>`, hData, rawNone, true},
		{`<svg><style>`, hData, rawNone, true},
		{`<svg><![CDATA[ x`, hCDATA, rawNone, true},
		{`<svg><![CDATA[ x ]]>`, hData, rawNone, true},
		{`<svg></svg>`, hData, rawNone, false},
	} {
		h := advanceHTML(hData, c.text)
		if h.base() != c.base || h.raw() != c.raw || h.foreign() != c.foreign {
			t.Errorf("%q: base %d raw %d foreign %v, want %d %d %v", c.text, h.base(), h.raw(), h.foreign(), c.base, c.raw, c.foreign)
		}
	}
	// The packing round-trips for every state it can hold.
	n := 0
	for _, foreign := range []bool{false, true} {
		for base := hData; base <= hCDATA; base++ {
			for raw := rawNone; raw < numRaw; raw++ {
				switch {
				case base == hRaw && raw == rawNone,
					(base == hData || base == hComment || base == hBogus || base == hCDATA) && raw != rawNone:
					continue
				}
				h := mkState(base, raw, foreign)
				if !h.valid() || h.base() != base || h.raw() != raw || h.foreign() != foreign {
					t.Fatalf("mkState(%d, %d, %v) = %d: %d %d %v", base, raw, foreign, h, h.base(), h.raw(), h.foreign())
				}
				n++
			}
		}
	}
	if n != 2*(int(codeLast)+1) {
		t.Fatalf("%d states, %d codes", n, 2*(codeLast+1))
	}
}
