// Command progress serves the progress page of a long job, streamed as
// HTML with no script: each step appears as it completes, and the page ends
// with the job's result. The page is the loader: one ordinary template that
// loops over a channel of finished steps.
//
// The job is simulated (see job.go): it waits about -step-delay a step and
// stops as soon as the visitor leaves. The page says so too.
//
//	go run ./examples/progress -addr localhost:8084 -steps 6 -step-delay 700ms
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8084", "address to listen on")
	steps := flag.Int("steps", 6, fmt.Sprintf("number of steps of the simulated job (1 to %d)", len(importSteps)))
	delay := flag.Duration("step-delay", 700*time.Millisecond, "about how long each simulated step takes")
	flag.Parse()
	*steps = min(max(*steps, 1), len(importSteps))

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(logger)

	simulated := fmt.Sprintf("a simulated import of %d steps, about %v each; nothing is read or written", *steps, *delay)
	h, err := newHandler(importJob(*steps, *delay), *steps, simulated, logger)
	if err != nil {
		logger.Error("cannot start", "err", err)
		os.Exit(1)
	}

	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Info("progress listening", "url", "http://"+*addr+"/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}
