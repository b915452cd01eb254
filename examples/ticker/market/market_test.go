package market

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel/sse"
)

// newMarket returns a market on an in-process broker, watching its stream.
func newMarket(t *testing.T) *Market {
	t.Helper()
	m, err := New(Local(sse.NewBroker(sse.BrokerOptions{})), slog.New(slog.NewTextHandler(io.Discard, nil)), "ACME", "GLOBX")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Watch(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	<-m.Ready()
	return m
}

// step publishes a change and waits until the view has applied it.
func step(t *testing.T, m *Market) Quote {
	t.Helper()
	q, id, err := m.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for m.LastID() != id {
		if time.Now().After(deadline) {
			t.Fatalf("the view did not apply %s (at %s)", id, m.LastID())
		}
		time.Sleep(time.Millisecond)
	}
	return q
}

// TestPageThenEvents: the page shows the state at its snapshot, and its
// event stream starts exactly after that snapshot, so a change published
// between the page and the connection is not lost.
func TestPageThenEvents(t *testing.T) {
	m := newMarket(t)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	defer m.CloseStreams()
	first := step(t, m)

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'nonce-") {
		t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
	}
	rows := regexp.MustCompile(`<tr id="row-[A-Z]+"[^>]*>.*?</tr>`).FindAllString(string(page), -1)
	if len(rows) != 2 {
		t.Fatalf("%d rows in the page", len(rows))
	}
	if !strings.Contains(string(page), fmt.Sprintf(`<tr id="row-%s" class="%s"><td>%s</td><td>%.2f</td>`, first.Symbol, map[bool]string{true: "down", false: "up"}[first.Change < 0], first.Symbol, first.Price)) {
		t.Errorf("the page does not show %s at %.2f", first.Symbol, first.Price)
	}
	src := regexp.MustCompile(`new EventSource\("([^"]+)"\)`).FindStringSubmatch(string(page))
	if src == nil {
		t.Fatal("no EventSource in the page")
	}
	events, _ := eventsURL(src[1])

	q, _, _ := m.Step(context.Background()) // after the page, before the stream connects
	stream, err := http.Get(srv.URL + events)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	r := bufio.NewReader(stream.Body)
	var got strings.Builder
	for !strings.Contains(got.String(), "\n\n\n") && !strings.HasSuffix(got.String(), "</tr>\n\n") {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString(line)
	}
	if !strings.Contains(got.String(), `event: row`) || !strings.Contains(got.String(), `<tr id="row-`+q.Symbol+`"`) {
		t.Fatalf("stream %q: want the row of %s published after the page", got.String(), q.Symbol)
	}
}

// eventsURL undoes escapejs's \u escapes in the page's script string.
func eventsURL(s string) (string, error) {
	s = regexp.MustCompile(`\\u([0-9A-F]{4})`).ReplaceAllStringFunc(s, func(m string) string {
		var r rune
		for _, c := range m[2:] {
			r = r*16 + rune(strings.IndexRune("0123456789ABCDEF", c))
		}
		return string(r)
	})
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	return u.RequestURI(), nil
}
