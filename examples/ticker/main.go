// Command ticker serves real-time prices to many clients: a page rendered by
// runnel whose rows update over Server-Sent Events, the stock-market example
// Django developers build with Channels. Each price change is rendered once,
// with the partial that renders the row in the page, and pushed to every
// open page. The prices are simulated (a random walk).
//
//	go run ./examples/ticker -addr localhost:8081 -rate 4
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

	"github.com/runnelhq/runnel/examples/ticker/market"
	"github.com/runnelhq/runnel/sse"
)

func main() {
	addr := flag.String("addr", "localhost:8081", "address to listen on")
	publish := flag.Bool("publish", true, "run the simulated market on this node (a node started with -publish=false only relays)")
	rate := flag.Float64("rate", 4, "price changes per second")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	m, err := market.New(sse.NewBroker(sse.BrokerOptions{}), logger, "ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE", "STARK")
	if err != nil {
		logger.Error("cannot start", "err", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *publish && *rate > 0 {
		go m.Run(ctx, *rate)
	}
	srv := &http.Server{Addr: *addr, Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown) // event streams end with the request contexts
	}()
	logger.Info("ticker listening", "url", "http://"+*addr+"/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}
