package runnel

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel/internal/framing"
)

// framingBenchSections are section bodies for the framing benchmarks: an
// ordinary card, the same card with a declarative shadow root (a nested
// <template>) and a "<?", and a long section of ordinary markup with a
// script and a style sheet.
var framingBenchSections = map[string]string{
	"plain": `<article class="card"><h2><a href="/p/1">Post number 1 &amp; friends</a></h2>` +
		`<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p><footer>by Ann · 7 likes</footer></article>`,
	"template": `<article class="card"><template shadowrootmode="open"><style>:host{display:block}</style><slot></slot></template>` +
		`<h2><a href="/p/1">Post number 1 &amp; friends</a></h2><p>Is 1 <? 2 — IZMIR</p><footer>by Ann · 7 likes</footer></article>`,
	"long": strings.Repeat(`<article class="card"><h2><a href="/p/1" title="Post &quot;1&quot;">Post number 1 &amp; friends</a></h2>`+
		`<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. <b>Sed</b> do <i>eiusmod</i> tempor.</p>`+
		`<svg viewBox="0 0 10 10" aria-hidden="true"><path d="M0 0h10v10z"/></svg><footer>by Ann · 7 likes</footer></article>`, 20) +
		`<style>.card{display:flex}</style><script>document.body.dataset.cards = "20";</script>`,
}

// BenchmarkNeutralize measures the framing of one section's HTML on its own.
func BenchmarkNeutralize(b *testing.B) {
	for _, name := range []string{"plain", "template", "long"} {
		h := framingBenchSections[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(h)))
			b.ReportAllocs()
			for b.Loop() {
				sinkString = framing.Frame(h, framing.Carrier)
			}
		})
	}
}

var sinkString string

// BenchmarkOutOfOrderSectionContent renders BenchmarkOutOfOrderSection's page
// with 50 out-of-order sections whose HTML is one of framingBenchSections
// (from a |safe value), in Streaming mode.
func BenchmarkOutOfOrderSectionContent(b *testing.B) {
	fsys := fstest.MapFS{}
	for k, v := range streamBenchFS {
		fsys[k] = v
	}
	fsys["sb/sections-safe.html"] = &fstest.MapFile{Data: []byte(`{% extends "sb/base.html" %}
{% block content %}<ul>{% for it in items %}<li>{% defer %}{{ it.html|safe }} {{ ready.label }}{% placeholder %}<i>loading</i>{% enddefer %}</li>{% endfor %}</ul>{% endblock %}`)}
	t, err := New(fsys).Template("sb/sections-safe.html")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const n = 50
	for _, name := range []string{"plain", "template", "long"} {
		b.Run(fmt.Sprintf("%s/N=%d", name, n), func(b *testing.B) {
			items := make([]any, n)
			for i := range items {
				items[i] = map[string]any{"html": framingBenchSections[name]}
			}
			data := streamBenchData()
			data["items"] = items
			data["ready"] = Ready[any](map[string]any{"label": "ready"})
			w := &flushSink{}
			b.ReportAllocs()
			for b.Loop() {
				if err := t.Stream(ctx, w, data, StreamOptions{Mode: Streaming}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/section")
		})
	}
}
