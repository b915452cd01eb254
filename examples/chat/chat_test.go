package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel/internal/streamtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// gatedModel is a fake [Model] that the test drives: each token the test
// sends on tokens is passed on to the page; closing tokens ends the answer.
// When the request's context ends first, the model's goroutine reports on
// stopped and returns.
type gatedModel struct {
	tokens  chan string
	asked   chan string   // the question each call received
	stopped chan struct{} // closed when the producer saw its context end
}

func newGatedModel() *gatedModel {
	return &gatedModel{tokens: make(chan string), asked: make(chan string, 1), stopped: make(chan struct{})}
}

func (g *gatedModel) answer(ctx context.Context, question string) <-chan string {
	g.asked <- question
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case t, ok := <-g.tokens:
				if !ok {
					return
				}
				select {
				case out <- t:
				case <-ctx.Done():
					close(g.stopped)
					return
				}
			case <-ctx.Done():
				close(g.stopped)
				return
			}
		}
	}()
	return out
}

func newServer(t *testing.T, model Model) *httptest.Server {
	t.Helper()
	h, err := newHandler(model, "faked by the test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// ask posts question to the chat and returns the response, whose body
// streams.
func ask(t *testing.T, ctx context.Context, srv *httptest.Server, question string) *http.Response {
	t.Helper()
	form := url.Values{"question": {question}}
	req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestAnswerStreamsTokenByToken holds the fake model back and checks that
// the question, escaped, has arrived before the first token is released,
// and that each token arrives before the test releases the next one. The
// page then ends complete.
func TestAnswerStreamsTokenByToken(t *testing.T) {
	g := newGatedModel()
	srv := newServer(t, g.answer)
	question := "Why <script>alert(1)</script> & rivers?"
	resp := ask(t, context.Background(), srv, question)
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	if got := <-g.asked; got != question {
		t.Fatalf("the model was asked %q", got)
	}
	rd := streamtest.NewReader(t, resp.Body)

	// No token has been released: the head, the question and the start of
	// the answer are already here.
	shell := rd.Until(`<p class="answer">`)
	for _, want := range []string{
		"<title>Why &lt;script&gt;alert(1)&lt;/script&gt; &amp; rivers? · runnel chat</title>",
		`<p class="question">Why &lt;script&gt;alert(1)&lt;/script&gt; &amp; rivers?</p>`,
		`<span class="badge">fake model</span>`,
	} {
		if !strings.Contains(shell, want) {
			t.Errorf("before the first token, the page lacks %q", want)
		}
	}

	// Each token arrives before the next one exists.
	tokens := []string{"Rivers", " <i>flow</i>", " downhill.", "\n", "Always."}
	for i, tok := range tokens {
		g.tokens <- tok
		want := strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(tok)
		if got := rd.Until(want); got != want {
			t.Fatalf("token %d: got %q, want exactly %q", i, got, want)
		}
	}
	close(g.tokens)
	rest := rd.Rest()
	page := rd.Got()
	if !strings.HasPrefix(rest, "</p>\n  <p class=\"done\">Answer complete.</p>") {
		t.Errorf("after the last token: %.80q", rest)
	}
	if !strings.Contains(page, `<p class="answer">Rivers &lt;i&gt;flow&lt;/i&gt; downhill.`+"\n"+`Always.</p>`) {
		t.Errorf("answer not in one piece:\n%s", page)
	}
	wellFormed(t, page)
}

// wellFormed checks that a page is whole and has no script.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	streamtest.WholePage(t, page, "html", "head", "body", "main", "footer", "form", "textarea")
	if strings.Count(page, "<article") != strings.Count(page, "</article>") {
		t.Errorf("unbalanced <article>")
	}
}

// TestAskForm: GET / is the form, which posts a question to /, says the
// model is a fake, and has no script.
func TestAskForm(t *testing.T) {
	srv := newServer(t, newGatedModel().answer)
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if resp.StatusCode != 200 {
		t.Fatalf("%s", resp.Status)
	}
	for _, want := range []string{
		`<form method="post" action="/">`, `<textarea id="question" name="question" required`, `<button type="submit">Ask</button>`,
		"fake model", "The model is simulated: faked by the test.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("form page lacks %q", want)
		}
	}
	wellFormed(t, page)
}

// TestEmptyQuestion: posting nothing gets the form back with a note and
// status 422, and does not call the model.
func TestEmptyQuestion(t *testing.T) {
	g := newGatedModel()
	srv := newServer(t, g.answer)
	resp := ask(t, context.Background(), srv, "  \n ")
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "Please type a question first.") {
		t.Fatalf("%s\n%s", resp.Status, b)
	}
	select {
	case q := <-g.asked:
		t.Fatalf("the model was asked %q", q)
	default:
	}
	wellFormed(t, string(b))

	resp = ask(t, context.Background(), srv, strings.Repeat("x", maxQuestion))
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized question: %s", resp.Status)
	}
}

// TestClientGoneStopsModel: a visitor who leaves mid-answer stops the
// model's goroutine, and nothing the request started is left running.
func TestClientGoneStopsModel(t *testing.T) {
	before := goleak.IgnoreCurrent()
	g := newGatedModel()
	srv := httptest.NewServer(mustHandler(t, g.answer))
	ctx, cancel := context.WithCancel(context.Background())
	resp := ask(t, ctx, srv, "Tell me a long story")
	rd := streamtest.NewReader(t, resp.Body)
	rd.Until(`<p class="answer">`)
	g.tokens <- "Once"
	rd.Until("Once")

	cancel()
	resp.Body.Close()
	select {
	case <-g.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the model is still producing after the client left")
	}
	srv.Close() // waits for the handler to return
	goleak.VerifyNone(t, before)
}

func mustHandler(t *testing.T, model Model) http.Handler {
	t.Helper()
	h, err := newHandler(model, "faked by the test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestFakeModel checks the demo's stand-in: its tokens make up the canned
// answer the question's keyword picks, and it stops, closing its channel,
// when the context ends.
func TestFakeModel(t *testing.T) {
	m := &fakeModel{}
	for question, want := range map[string]string{
		"How does STREAMING work?": canned[0].answer,
		"hello there":              canned[1].answer,
		"What about escaping?":     canned[2].answer,
		"What is the meaning?":     canned[3].answer,
	} {
		var b strings.Builder
		n := 0
		for tok := range m.Answer(context.Background(), question) {
			b.WriteString(tok)
			n++
		}
		if b.String() != want {
			t.Errorf("%q: got %q", question, b.String())
		}
		if n < 20 {
			t.Errorf("%q: only %d tokens", question, n)
		}
	}
	if !strings.Contains(m.describe(), "fake") {
		t.Errorf("describe: %q", m.describe())
	}

	d := time.Millisecond
	for _, c := range []struct {
		i    int
		prev string
		want time.Duration
	}{{0, "", 8 * d}, {1, "Hello", d}, {2, " world.", 4 * d}, {3, "\n", 4 * d}, {4, " so,", 2 * d}, {5, " wait?", 4 * d}} {
		if got := pause(d, c.i, c.prev); got != c.want {
			t.Errorf("pause(%d, %q) = %v, want %v", c.i, c.prev, got, c.want)
		}
	}

	slow := &fakeModel{delay: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	ch := slow.Answer(ctx, "anything")
	cancel()
	for tok := range ch {
		t.Fatalf("a token after cancel: %q", tok)
	}
}
