// Command chat serves a ChatGPT-like page with no JavaScript at all: a form
// posts a question, and the answer page is streamed HTML whose answer
// appears token by token, because the template loops over a channel of
// tokens and runnel flushes before it waits for the next one.
//
// The "model" is a fake (see model.go): it answers with canned text, one
// token every -delay, and stops as soon as the visitor leaves. The page says
// so too.
//
//	go run ./examples/chat -addr localhost:8083 -delay 40ms
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8083", "address to listen on")
	delay := flag.Duration("delay", 40*time.Millisecond, "simulated time the fake model takes for each token")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(logger)

	model := &fakeModel{delay: *delay}
	h, err := newHandler(model.Answer, model.describe(), logger)
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
	logger.Info("chat listening", "url", "http://"+*addr+"/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}
