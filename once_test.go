package runnel

import (
	"context"
	"io"
	"iter"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"weak"
)

type onceRow struct {
	ID   int
	Name string
}

// probeRows yields n rows; when it yields row probeAt, it collects garbage
// and records whether row 10 is still alive (held by the render).
func probeRows(n, probeAt int, held *bool) iter.Seq[*onceRow] {
	return func(yield func(*onceRow) bool) {
		var w weak.Pointer[onceRow]
		for i := range n {
			r := &onceRow{ID: i, Name: "row"}
			if i == 10 {
				w = weak.Make(r)
			}
			if i == probeAt {
				runtime.GC()
				*held = w.Value() != nil
			}
			if !yield(r) {
				return
			}
		}
	}
}

// TestReadOnce: a loop that is its sequence's only use releases the items
// it has rendered; any other use keeps them, and the output is the same.
func TestReadOnce(t *testing.T) {
	const row = `{% for r in rows %}{{ r.ID }},{% endfor %}`
	cases := []struct {
		name     string
		src      string
		files    map[string]string
		data     func(rows any) map[string]any
		released bool
	}{
		{name: "plain", src: row, released: true},
		{name: "if-around", src: `{% if rows %}<{% endif %}` + row + `{% if not rows %}empty{% endif %}`, released: true},
		{name: "other-names", src: `{{ title }}{{ rows_count }}` + row + `{{ footer.rows }}`, released: true},
		{name: "dotted", src: `{{ page.title }}{% for r in page.rows %}{{ r.ID }},{% endfor %}`, data: func(rows any) map[string]any {
			return map[string]any{"page": map[string]any{"title": "T", "rows": rows}}
		}, released: true},
		{name: "extends-block", src: `{% extends "base.html" %}{% block main %}` + row + `{% endblock %}`,
			files: map[string]string{"base.html": `<h1>{{ title }}</h1>{% block main %}{% endblock %}`}, released: true},
		{name: "include", src: `{% include "table.html" %}`, files: map[string]string{"table.html": row}, released: true},

		{name: "length-after", src: row + `{{ rows|length }}`},
		{name: "second-loop", src: row + row},
		{name: "loop-in-loop", src: `{% for g in groups %}` + row + `{% endfor %}`},
		{name: "include-in-loop", src: `{% for g in groups %}{% include "table.html" %}{% endfor %}`, files: map[string]string{"table.html": row}},
		{name: "include-twice", src: `{% include "table.html" %}{% include "table.html" %}`, files: map[string]string{"table.html": row}},
		{name: "used-in-include", src: row + `{% include "n.html" %}`, files: map[string]string{"n.html": `{{ rows|length }}`}},
		{name: "alias", src: `{% with r2=rows %}{% for r in r2 %}{{ r.ID }},{% endfor %}{% endwith %}`},
		{name: "prefix-used", src: `{% for r in page.rows %}{{ r.ID }},{% endfor %}{{ page }}`, data: func(rows any) map[string]any {
			return map[string]any{"page": map[string]any{"rows": rows}}
		}},
		{name: "block-super", src: `{% extends "base.html" %}{% block main %}{{ block.super }}{{ block.super }}{% endblock %}`,
			files: map[string]string{"base.html": `{% block main %}` + row + `{% endblock %}`}},
		{name: "block-in-loop", src: `{% extends "base.html" %}{% block main %}` + row + `{% endblock %}`,
			files: map[string]string{"base.html": `{% for g in groups %}{% block main %}{% endblock %}{% endfor %}`}},
		{name: "dynamic-include", src: row + `{% include name %}`, files: map[string]string{"n.html": ``}},
		{name: "debug", src: row + `{% debug %}`},
		{name: "partial", src: `{% partialdef t %}` + row + `{% endpartialdef %}{% partial t %}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"t.html": {Data: []byte(tc.src)}}
			for k, v := range tc.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			tmpl, err := New(fsys).Template("t.html")
			if err != nil {
				t.Fatal(err)
			}
			const n = 3000
			var held bool
			rows := probeRows(n, 2000, &held)
			data := map[string]any{"rows": rows, "groups": []int{1}, "name": "n.html", "title": "T"}
			if tc.data != nil {
				data = tc.data(rows)
				data["groups"] = []int{1}
			}
			out, err := tmpl.RenderString(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for i := range n {
				want.WriteString(itoaTest(i) + ",")
			}
			if !strings.Contains(out, want.String()) {
				t.Errorf("the rows are not all in the output (%d bytes)", len(out))
			}
			if released := !held; released != tc.released {
				t.Errorf("rows released as the loop went: %v, want %v", released, tc.released)
			}
		})
	}
}

func itoaTest(i int) string { return toStr(i) }

// TestReadOnceMemory streams 2,000,000 rows through a table and checks
// that the heap does not grow with them.
func TestReadOnceMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 2,000,000 rows")
	}
	src := `<table>{% for r in rows %}<tr>{% for c in r.Cells %}<td>{{ c }}</td>{% endfor %}<td>{{ r.Name|upper }}</td></tr>{% endfor %}</table>`
	tmpl, err := New(fstest.MapFS{"t.html": {Data: []byte(src)}}).Template("t.html")
	if err != nil {
		t.Fatal(err)
	}
	type bigRow struct {
		Name  string
		Cells []int
	}
	var base, peak uint64
	var ms runtime.MemStats
	rows := func(yield func(bigRow) bool) {
		for i := range 2_000_000 {
			if i%250_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if i == 0 {
					base = ms.HeapAlloc
				}
				peak = max(peak, ms.HeapAlloc)
			}
			if !yield(bigRow{Name: "row", Cells: []int{i, i + 1}}) {
				return
			}
		}
	}
	if err := tmpl.Render(context.Background(), io.Discard, map[string]any{"rows": iter.Seq[bigRow](rows)}); err != nil {
		t.Fatal(err)
	}
	growth := int64(peak) - int64(base)
	t.Logf("heap at the start %d KB, highest %d KB (growth %d KB) over 2,000,000 rows", base>>10, peak>>10, growth>>10)
	if growth > 8<<20 {
		t.Errorf("the heap grew by %d MB over 2,000,000 rows streamed once", growth>>20)
	}
}
