package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/streamtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// gatedJob is a [Job] that the test drives: it completes one step each time
// the test sends on next, and after the last one returns fail (nil: it
// succeeds). stopped is closed if the job saw its context end.
type gatedJob struct {
	total   int
	next    chan struct{}
	fail    error
	stopped chan struct{}
}

func newGatedJob(total int) *gatedJob {
	return &gatedJob{total: total, next: make(chan struct{}), stopped: make(chan struct{})}
}

func (g *gatedJob) run(ctx context.Context, report func(Step) bool) (string, error) {
	for i := range g.total {
		select {
		case <-g.next:
		case <-ctx.Done():
			close(g.stopped)
			return "", ctx.Err()
		}
		if !report(Step{Number: i + 1, Total: g.total, Name: fmt.Sprintf("Step <%d>", i+1), Detail: "detail", Took: "1 ms"}) {
			close(g.stopped)
			return "", ctx.Err()
		}
	}
	if g.fail != nil {
		return "", g.fail
	}
	return "All done & dusted.", nil
}

func newServer(t *testing.T, g *gatedJob) *httptest.Server {
	t.Helper()
	h, err := newHandler(g.run, g.total, "driven by the test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func start(t *testing.T, ctx context.Context, srv *httptest.Server) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/run", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	return resp
}

// stepHTML is how step n of total appears in the page.
func stepHTML(n, total int) string {
	return fmt.Sprintf(`<li class="step"><span class="name">Step &lt;%d&gt;</span><span class="took">1 ms</span><span class="detail">detail</span><progress value="%d" max="%d">%d%%</progress></li>`, n, n, total, n*100/total)
}

// TestStepsStreamAsTheyComplete holds the job back: the head and the start
// of the list are there before any step is done, each step arrives before
// the next is released, and the result comes after the last step.
func TestStepsStreamAsTheyComplete(t *testing.T) {
	g := newGatedJob(3)
	srv := newServer(t, g)
	resp := start(t, context.Background(), srv)
	defer resp.Body.Close()
	rd := streamtest.NewReader(t, resp.Body)

	shell := rd.Until(`<ol class="steps">`)
	for _, want := range []string{"<title>Importing… · runnel</title>", "<p>3 steps; each appears below", `.steps:not(:has(+ .result))::after`} {
		if !strings.Contains(shell, want) {
			t.Errorf("before the first step, the page lacks %q", want)
		}
	}
	for n := 1; n <= 3; n++ {
		g.next <- struct{}{}
		if got := rd.Until(stepHTML(n, 3)); strings.Contains(got, "result") {
			t.Fatalf("step %d came with the result: %q", n, got)
		}
	}
	rest := rd.Rest()
	if !strings.Contains(rest, `<div class="result ok" role="status">`) || !strings.Contains(rest, "<h2>Done</h2><p>All done &amp; dusted.</p>") {
		t.Errorf("the result: %q", rest)
	}
	wellFormed(t, rd.Got())
}

// TestJobFailure: a job that fails after its steps ends the page with the
// failure: a PublicError's message, or a generic message for any other
// error (which goes only to the log). The page is complete either way.
func TestJobFailure(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&runnel.PublicError{Message: "The supplier's file has no price column.", Err: errors.New("csv: column 7")}, "The supplier&#x27;s file has no price column."},
		{errors.New("pq: connection refused"), "The job failed. The details are in the server&#x27;s log."},
	} {
		g := newGatedJob(1)
		g.fail = c.err
		srv := newServer(t, g)
		resp := start(t, context.Background(), srv)
		rd := streamtest.NewReader(t, resp.Body)
		rd.Until(`<ol class="steps">`)
		g.next <- struct{}{}
		rest := rd.Rest()
		resp.Body.Close()
		if !strings.Contains(rest, `<div class="result failed" role="status">`) || !strings.Contains(rest, "<h2>The import stopped</h2><p>"+c.want+"</p>") {
			t.Errorf("%v: the result: %q", c.err, rest)
		}
		if strings.Contains(rest, "csv: column 7") || strings.Contains(rest, "pq:") {
			t.Errorf("%v: the cause is in the page", c.err)
		}
		wellFormed(t, rd.Got())
	}
}

// TestVisitorGoneStopsJob: a visitor who leaves mid-job stops the job, and
// the handler returns only after the job's goroutine has ended.
func TestVisitorGoneStopsJob(t *testing.T) {
	before := goleak.IgnoreCurrent()
	g := newGatedJob(5)
	h, err := newHandler(g.run, g.total, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	ctx, cancel := context.WithCancel(context.Background())
	resp := start(t, ctx, srv)
	rd := streamtest.NewReader(t, resp.Body)
	g.next <- struct{}{}
	rd.Until(stepHTML(1, 5))
	cancel()
	resp.Body.Close()
	select {
	case <-g.stopped:
	case <-time.After(streamtest.Timeout):
		t.Fatal("the job is still running after the visitor left")
	}
	srv.Close() // waits for the handler
	goleak.VerifyNone(t, before)
}

// TestIndex: GET / links to the job and says it is simulated.
func TestIndex(t *testing.T) {
	srv := newServer(t, newGatedJob(4))
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	for _, want := range []string{`<a class="button" href="/run">Start the import</a>`, "The import has 4 steps.", "The job is driven by the test.", `<span class="badge">simulated</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	wellFormed(t, page)
}

// TestImportJob checks the simulated job: it reports its steps in order,
// numbered out of the clamped total, and stops when its context ends.
func TestImportJob(t *testing.T) {
	var got []Step
	summary, err := importJob(3, 0)(context.Background(), func(s Step) bool { got = append(got, s); return true })
	if err != nil || !strings.Contains(summary, "simulated") {
		t.Fatalf("%q %v", summary, err)
	}
	if len(got) != 3 || got[0].Number != 1 || got[2].Number != 3 || got[2].Total != 3 || got[2].Percent() != 100 || got[0].Name != importSteps[0].name {
		t.Fatalf("steps: %+v", got)
	}
	n := 0
	importJob(99, 0)(context.Background(), func(Step) bool { n++; return true })
	if n != len(importSteps) {
		t.Errorf("99 steps clamped to %d, want %d", n, len(importSteps))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := importJob(3, time.Hour)(ctx, func(Step) bool { t.Fatal("a step after cancel"); return true }); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if roundTook(40*time.Millisecond) != "40 ms" || roundTook(1250*time.Millisecond) != "1.2 s" {
		t.Errorf("roundTook: %q %q", roundTook(40*time.Millisecond), roundTook(1250*time.Millisecond))
	}
}

// wellFormed checks that a page is whole and has no script.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	streamtest.WholePage(t, page, "html", "head", "body", "main", "section", "footer")
}
