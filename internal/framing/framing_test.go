package framing

import (
	"strings"
	"testing"
)

// The oracle for this package, an HTML parser, is in the browsertest
// module (FuzzFraming, TestFramingRegressions).

// Characters whose lower case has another length in UTF-8 (İ and Kelvin
// shrink, Ⱥ grows): offsets into strings.ToLower(s) are not offsets into s.
const unfoldable = "İZMİR ẞ K Ω Ⱥ Ⱦ"

func TestFrameFoldsOnlyASCII(t *testing.T) {
	for _, h := range []string{
		unfoldable + `<template shadowrootmode="open"><p>` + unfoldable + `</p><slot></slot></template>` + unfoldable,
		strings.Repeat("Ⱥ", 40) + "<TEMPLATE>x</TEMPLATE>",
		strings.Repeat("İ", 40) + "<template>x</template>",
	} {
		for _, at := range []Start{Carrier, Page} {
			if got := Frame(h, at); got != h {
				t.Errorf("Frame(%q, %d) = %q", h, at, got)
			}
		}
	}
	// Non-ASCII letters are not folded: these are not the tags they look like.
	for _, h := range []string{"<ſcript></template>", "<templatK></template>"} {
		if got := Frame(h, Carrier); !strings.Contains(got, "&lt;/template>") {
			t.Errorf("Frame(%q) = %q", h, got)
		}
	}
}

func TestFrameUnchangedIsNotCopied(t *testing.T) {
	h := strings.Repeat(`<p class="a">x</p>`, 10)
	if n := testing.AllocsPerRun(100, func() { _ = Frame(h, Carrier) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func TestFrame(t *testing.T) {
	const js = `<script>alert(1)</script>`
	for _, c := range []struct{ in, want string }{
		// Where a </template> would close the carrier, and where not.
		{`<templatefoo></template>` + js, `<templatefoo>&lt;/template>` + js},
		{`<template-x></template>` + js, `<template-x>&lt;/template>` + js},
		{`<div title="<template>"></div></template>` + js, `<div title="<template>"></div>&lt;/template>` + js},
		{`<div title='x<template'></div></template>` + js, `<div title='x<template'></div>&lt;/template>` + js},
		{`<div title=<template></div></template>` + js, `<div title=<template></div>&lt;/template>` + js},
		{`<div a="</template>">x</div>`, `<div a="</template>">x</div>`},
		{`<!-- <template> --></template>` + js, `<!-- <template> -->&lt;/template>` + js},
		{`<!-- </template> -->` + js, `<!-- </template> -->` + js},
		{`<!--><template></template></template>` + js, `<!--><template></template>&lt;/template>` + js},
		{`<!---><template>`, `<!---><template></template>`},
		{`<!-- x --!><template>`, `<!-- x --!><template></template>`},
		{`<!x <template>></template>`, `<!x <template>>&lt;/template>`},
		{`</ x <template>></template>`, `</ x <template>>&lt;/template>`},
		{`<?x <template>></template>`, `&lt;?x <template>></template>`}, // "<?" made text: the tags are tags
		{`</template x="<template>">` + js, `&lt;/template x="&lt;template>">` + js},
		{`<script>var s = "</template>";</script>`, `<script>var s = "</template>";</script>`},
		{`<script>var s = "<template>";</script></template>`, `<script>var s = "<template>";</script>&lt;/template>`},
		{`<style>a::after{content:"</template>"}</style>`, `<style>a::after{content:"</template>"}</style>`},
		{`<textarea></template></textarea>`, `<textarea></template></textarea>`},
		{`<title><template></title>`, `<title><template></title>`},
		{`<noscript></template></noscript>`, `<noscript></template></noscript>`},
		{`<xmp></template></xmp><iframe></template></iframe><noembed></template></noembed><noframes></template></noframes>`,
			`<xmp></template></xmp><iframe></template></iframe><noembed></template></noembed><noframes></template></noframes>`},
		{`<script><!--<script></script></template>--></script>`, `<script><!--<script></script></template>--></script>`},
		// Declarative shadow DOM is kept; templates left open are closed.
		{`<div><template shadowrootmode="open"><slot></slot></template></div>`, `<div><template shadowrootmode="open"><slot></slot></template></div>`},
		{`<template><template>x`, `<template><template>x</template></template>`},
		{`<template shadowrootmode=open><svg><path/></svg></template></template>`, `<template shadowrootmode=open><svg><path/></svg></template>&lt;/template>`},
		// Templates that would not be HTML templates.
		{`<svg><template></svg></template>` + js, `<svg>&lt;template></svg>&lt;/template>` + js},
		{`<math><mi><template></template></mi></math>`, `<math><mi>&lt;template>&lt;/template></mi></math>`},
		// Foreign content has no raw text, and has CDATA sections.
		{`<svg><style></template></style></svg>`, `<svg><style>&lt;/template></style></svg>`},
		{`<svg><![CDATA[</template>]]></svg>`, `<svg><![CDATA[</template>]]></svg>`},
		{`<svg><![CDATA[</template>`, `<svg><![CDATA[</template>]]>`},
		{`<![CDATA[</template>]]>`, `<![CDATA[</template>]]>`}, // in HTML, a bogus comment up to the first ">"
		{`<svg><p><style></template></style>`, `<svg><p><style></template></style>`},
		// Where the parser's handling of raw text varies, it is not started.
		{`<col><style></template></style>` + js, `<col>&lt;style>&lt;/template></style>&lt;script>alert(1)</script>`},
		{`<select><style></template></style></select>`, `<select>&lt;style>&lt;/template></style></select>`},
		{`<select><script>"</template>"</script></select>`, `<select><script>"</template>"</script></select>`},
		{`<plaintext></template>`, `&lt;plaintext>&lt;/template>`},
		// Open formatting elements must not outlive the carrier.
		{`<b><object data="x.svg"></object>`, `<b>&lt;object data="x.svg"></object>`},
		{`<applet><marquee>`, `&lt;applet>&lt;marquee>`},
		{`<b><table><tr><td>x`, `<b><table><tr><td>x</table>`},
		{`<b><table><tr><td><table><td>x</table>`, `<b><table><tr><td><table><td>x</table></table>`},
		{`<a href="/x"><template><table><tr><td></template>y`, `<a href="/x"><template><table><tr><td></table></template>y`},
		{`<i><tr><td><em>`, `<i><tr><td><em></caption></td></th>`},
		{`<table><tr><td>x</td></tr></table>`, `<table><tr><td>x</td></tr></table>`},
		// What the section leaves unfinished.
		{`<!-- unclosed`, `<!-- unclosed-->`},
		{`<!-- unclosed --!`, `<!-- unclosed --!-->`},
		{`<!x`, `<!x>`},
		{`<!`, `<!>`},
		{`<!DOCTYPE html`, `<!DOCTYPE html>`},
		{`<script>x`, `<script>x</script>`},
		{`<script><!--x`, `<script><!--x</script>`},
		{`<script><!--<script>x`, `<script><!--<script>x--></script>`},
		{`<script>x</script `, `<script>x</script>`},
		{`<style>x</sty`, `<style>x</sty</style>`},
		{`<textarea>x`, `<textarea>x</textarea>`},
		{`<iframe>x`, `<iframe>x</iframe>`},
		{`a<div title="x`, `a`},
		{`a<templ`, `a`},
		{`a</template`, `a`},
		{`a</`, `a&lt;/`},
		{`a<`, `a<`},
		// Nothing reads as a placeholder marker.
		{`<?start name="runnel-2"><?end>`, `&lt;?start name="runnel-2">&lt;?end>`},
		{`<!--?start name="runnel-2"--><!-- ?end -->`, `<!--_?start name="runnel-2"--><!--_ ?end -->`},
		{`</?end><!?end>`, `</_?end><!_?end>`},
		{`<!-- a?b --><!--- ?x -->`, `<!-- a?b --><!--- ?x -->`},
		{`<p title="<?x>">`, `<p title="<?x>">`},
	} {
		if got := Frame(c.in, Carrier); got != c.want {
			t.Errorf("Frame(%q, Carrier)\n got %q\nwant %q", c.in, got, c.want)
		}
		// Framing is idempotent.
		if got := Frame(c.want, Carrier); got != c.want {
			t.Errorf("Frame(%q, Carrier) = %q", c.want, got)
		}
	}
}

func TestFramePlaceholder(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`</template><?end>`, `&lt;/template>&lt;?end>`},
		{`<template>x`, `<template>x</template>`},
		{`<!-- x`, `<!-- x-->`},
		{`<noscript>x`, `<noscript>x</noscript>`},
	} {
		if got := Frame(c.in, Page); got != c.want {
			t.Errorf("Frame(%q, Page) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Frame(`<g><template>`, PageSVG); got != `<g>&lt;template>` {
		t.Errorf("%q", got)
	}
}
