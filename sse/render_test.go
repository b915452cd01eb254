package sse

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel"
)

// TestRenderOnceForAllSubscribers: an event rendered from a partial is the
// same markup the page renders, rendered once, and every subscriber gets
// the same bytes.
func TestRenderOnceForAllSubscribers(t *testing.T) {
	renders := 0
	lib := runnel.NewLibrary().Filter("counted", func(v any) any { renders++; return v })
	eng := runnel.New(fstest.MapFS{"ticker.html": {Data: []byte(
		`<table>{% for q in quotes %}{% partialdef row inline %}<tr id="row-{{ q.symbol }}"><td>{{ q.price|counted|floatformat:2 }}</td></tr>{% endpartialdef %}{% endfor %}</table>`)}},
		runnel.WithBuiltins(lib))
	var page strings.Builder
	if err := eng.Render(context.Background(), &page, "ticker.html", map[string]any{"quotes": []map[string]any{{"symbol": "AAPL", "price": 2.25}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := newTestBroker(BrokerOptions{})
	var subs []*Subscription
	for range 3 {
		s, _ := b.Subscribe([]string{"prices"}, "")
		defer s.Close()
		subs = append(subs, s)
	}
	renders = 0
	html, err := Render(context.Background(), eng, "ticker.html#row", map[string]any{"q": map[string]any{"symbol": "AAPL", "price": 2.25}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `<tr id="row-AAPL"><td>2.25</td></tr>`; html != want {
		t.Fatalf("rendered %q, want %q", html, want)
	}
	if !strings.Contains(page.String(), html) {
		t.Fatalf("the page %q does not hold the event's row %q", page.String(), html)
	}
	b.Publish("prices", HTMX("row-AAPL", html))
	for _, s := range subs {
		ev, _ := drain(t, s)
		if len(ev) != 1 || ev[0].data != html || ev[0].event != "row-AAPL" {
			t.Fatalf("subscriber got %+v", ev)
		}
	}
	if renders != 1 {
		t.Fatalf("rendered %d times for 3 subscribers, want once", renders)
	}
}
