package main

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/runnelhq/runnel"
)

// templates holds the pages: base.html, the ask form (ask.html, with the
// form itself in form.html) and the streamed answer (answer.html).
//
//go:embed templates
var templates embed.FS

// maxQuestion bounds the size of a posted form, in bytes.
const maxQuestion = 16 << 10

// A Model answers a question: it returns at once, sends the answer's tokens
// on the channel as it produces them, and closes the channel when the answer
// is complete or when ctx ends (the visitor left), whichever comes first.
type Model func(ctx context.Context, question string) <-chan string

// chat serves the two pages.
type chat struct {
	model     Model
	simulated string // what the footer says about the model
	logger    *slog.Logger
	ask       *runnel.Template
	answer    *runnel.Template
}

// newHandler returns the chat's handler:
//
//	GET  /   the form: a text area and a button
//	POST /   the question and its answer, streamed token by token
//
// simulated describes the model for the page footer.
func newHandler(model Model, simulated string, logger *slog.Logger) (http.Handler, error) {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	eng := runnel.New(sub, runnel.WithErrorHandler(func(ctx context.Context, err error) {
		logger.ErrorContext(ctx, "render error", "err", err)
	}))
	c := &chat{model: model, simulated: simulated, logger: logger}
	// Compile now: a broken template fails at start, not per request.
	if c.ask, err = eng.Template("ask.html"); err != nil {
		return nil, err
	}
	if c.answer, err = eng.Template("answer.html"); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", eng.Handler("ask.html", func(*http.Request) (any, error) {
		return map[string]any{"simulated": c.simulated}, nil
	}))
	mux.HandleFunc("POST /{$}", c.post)
	return mux, nil
}

// post answers a posted question. An empty question gets the form again,
// with a note, and status 422.
func (c *chat) post(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxQuestion)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The question is too long or the form is malformed.", http.StatusRequestEntityTooLarge)
		return
	}
	question := strings.TrimSpace(r.PostFormValue("question"))
	if question == "" {
		c.serve(w, r, c.ask, map[string]any{
			"simulated": c.simulated,
			"problem":   "Please type a question first.",
		}, http.StatusUnprocessableEntity)
		return
	}

	// The model starts now and stops when this handler returns (or, sooner,
	// when the visitor leaves: the request's context ends then).
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	r = r.WithContext(ctx)
	c.serve(w, r, c.answer, map[string]any{
		"simulated": c.simulated,
		"question":  question,
		// A channel: {% for t in answer %} renders each token as it
		// arrives, and the page is flushed before each wait.
		"answer": c.model(ctx, question),
	}, 0)
}

// serve streams t as the response, answering an error before the first
// byte with an error status.
func (c *chat) serve(w http.ResponseWriter, r *http.Request, t *runnel.Template, data map[string]any, status int) {
	err := t.Serve(w, r, data, runnel.ServeOptions{Status: status})
	if err != nil && !runnel.ClientGone(err) {
		c.logger.ErrorContext(r.Context(), "page failed", "page", t.Name(), "err", err)
		runnel.WriteError(w, r, err)
	}
}
