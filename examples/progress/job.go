package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runnelhq/runnel"
)

// A Step is one finished step of a job, as the page shows it.
type Step struct {
	Number int    // 1-based
	Total  int    // the job's number of steps
	Name   string // what was done
	Detail string // what came of it
	Took   string // how long it took, rounded for people
}

// Percent is how far the job is after this step.
func (s Step) Percent() int { return s.Number * 100 / max(s.Total, 1) }

// A Result is how a job ended.
type Result struct {
	Failed  bool
	Summary string // on success: what the job produced
	Problem string // on failure: a message fit for the visitor
}

// A Job is a long task. It calls report after each step it completes (report
// returns false when the visitor has left: the job should stop) and returns
// its summary. A *runnel.PublicError's message is shown to the visitor;
// other errors show a generic message and go to the log.
type Job func(ctx context.Context, report func(Step) bool) (string, error)

// ---- THE SIMULATED JOB ----
//
// importJob stands in for real work (reading a supplier's catalogue file,
// checking it, writing it to a database). Nothing is read or written: each
// step waits for its share of the time, honestly, on the request's context,
// so the job stops the moment the visitor leaves. The page says it is a
// simulation.

// importSteps are the simulated job's steps and what each reports.
var importSteps = []struct{ name, detail string }{
	{"Download the supplier's file", "catalogue-2026-12.csv, 4.2 MB"},
	{"Check the columns", "14 columns, all expected"},
	{"Validate the rows", "12,408 rows, 3 with a missing price were set aside"},
	{"Match existing products", "11,950 known, 455 new"},
	{"Resize the product images", "455 images, 3 sizes each"},
	{"Write to the catalogue", "12,405 rows in one transaction"},
	{"Rebuild the search index", "12,405 documents"},
	{"Warm the cache", "the 200 most viewed pages"},
}

// importJob returns the simulated import: steps steps (at most
// len(importSteps); fewer or more are clamped), each taking about delay.
func importJob(steps int, delay time.Duration) Job {
	steps = min(max(steps, 1), len(importSteps))
	return func(ctx context.Context, report func(Step) bool) (string, error) {
		for i := range steps {
			// Steps are not equally long: the image step takes three
			// times the delay, the checks half of it.
			d := delay
			switch i {
			case 1:
				d /= 2
			case 4:
				d *= 3
			}
			began := time.Now()
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			}
			s := importSteps[i]
			if !report(Step{Number: i + 1, Total: steps, Name: s.name, Detail: s.detail, Took: roundTook(time.Since(began))}) {
				return "", ctx.Err()
			}
		}
		return fmt.Sprintf("Imported %d of %d steps: the catalogue is up to date (simulated).", steps, steps), nil
	}
}

// roundTook formats a step's duration for people: "40 ms", "1.2 s".
func roundTook(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// publicProblem is what the visitor is told about err.
func publicProblem(err error) string {
	var pe *runnel.PublicError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return "The job failed. The details are in the server's log."
}
