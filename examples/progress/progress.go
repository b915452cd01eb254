package main

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/runnelhq/runnel"
)

// templates holds the pages: index.html (a button that starts the job) and
// job.html (the job's progress, streamed).
//
//go:embed templates
var templates embed.FS

// progress serves the two pages.
type progress struct {
	job       Job
	steps     int    // how many steps the job has
	simulated string // what the footer says about the job
	logger    *slog.Logger
	page      *runnel.Template
}

// newHandler returns the example's handler:
//
//	GET /     a page with a button that starts the job
//	GET /run  the job: each step appears as it completes, then the result
func newHandler(job Job, steps int, simulated string, logger *slog.Logger) (http.Handler, error) {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	eng := runnel.New(sub, runnel.WithErrorHandler(func(ctx context.Context, err error) {
		logger.ErrorContext(ctx, "render error", "err", err)
	}))
	p := &progress{job: job, steps: steps, simulated: simulated, logger: logger}
	if p.page, err = eng.Template("job.html"); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", eng.Handler("index.html", func(*http.Request) (any, error) {
		return map[string]any{"simulated": simulated, "total": steps}, nil
	}))
	mux.HandleFunc("GET /run", p.run)
	return mux, nil
}

// run starts the job and streams its page. The job runs while the page
// streams and stops when the visitor leaves; run returns only after the
// job's goroutine has ended, so nothing outlives the request.
func (p *progress) run(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	steps := make(chan Step)
	result, resolve := runnel.NewFuture[Result]()
	done := make(chan struct{})
	go func() {
		defer close(done)
		summary, err := p.job(ctx, func(s Step) bool {
			select {
			case steps <- s:
				return true
			case <-ctx.Done():
				return false
			}
		})
		close(steps)
		switch {
		case err == nil:
			resolve(Result{Summary: summary}, nil)
		case ctx.Err() != nil:
			resolve(Result{}, ctx.Err()) // the visitor left: nobody reads this
		default:
			p.logger.ErrorContext(ctx, "job failed", "err", err)
			resolve(Result{Failed: true, Problem: publicProblem(err)}, nil)
		}
	}()
	defer func() {
		cancel()
		<-done
	}()

	err := p.page.Serve(w, r.WithContext(ctx), map[string]any{
		"simulated": p.simulated,
		"total":     p.steps,
		// A channel: {% for step in steps %} writes each step as it
		// arrives, flushing before it waits for the next.
		"steps": steps,
		// A future, resolved when the job ends: the page's last part.
		"result": result,
	}, runnel.ServeOptions{})
	if err != nil && !runnel.ClientGone(err) {
		p.logger.ErrorContext(ctx, "page failed", "err", err)
		runnel.WriteError(w, r, err)
	}
}
