// Command ticker serves real-time prices to many clients: a page rendered by
// runnel whose rows update over Server-Sent Events, the stock-market example
// Django developers build with Channels. Each price change is rendered once,
// with the partial that renders the row in the page, and pushed to every
// open page. The prices are simulated (a random walk).
//
// With -redis, several nodes share the prices through Redis: run one node
// that publishes and others with -publish=false, each on its own address;
// every page, on any node, shows the same stream, and a browser that
// reconnects to another node resumes where it was.
//
//	cd examples/ticker && go run . -addr localhost:8081 -rate 4
//	go run . -redis redis://localhost:6379 -addr localhost:8081
//	go run . -redis redis://localhost:6379 -addr localhost:8082 -publish=false
//
// It is a module of its own (it uses the Redis broker, which brings a
// Redis client), so it runs from its own directory.
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

	"github.com/redis/go-redis/v9"
	"github.com/runnelhq/runnel/examples/ticker/market"
	"github.com/runnelhq/runnel/sse"
	"github.com/runnelhq/runnel/sse/redisbroker"
)

func main() {
	addr := flag.String("addr", "localhost:8081", "address to listen on")
	publish := flag.Bool("publish", true, "run the simulated market on this node (a node started with -publish=false only relays)")
	rate := flag.Float64("rate", 4, "price changes per second")
	redisURL := flag.String("redis", "", "Redis URL (redis://host:port/db) to share the prices with other nodes; without it the broker is in-process")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	broker := market.Local(sse.NewBroker(sse.BrokerOptions{}))
	if *redisURL != "" {
		opt, err := redis.ParseURL(*redisURL)
		if err != nil {
			logger.Error("bad -redis", "err", err)
			os.Exit(2)
		}
		rb := redisbroker.New(redisbroker.Options{Client: redis.NewClient(opt), Logger: logger})
		defer rb.Close()
		broker = rb
	}
	m, err := market.New(broker, logger, "ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE", "STARK")
	if err != nil {
		logger.Error("cannot start", "err", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go m.Watch(ctx)
	if *publish && *rate > 0 {
		go m.Run(ctx, *rate)
	}
	srv := &http.Server{Addr: *addr, Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(m.CloseStreams) // the event streams: clients resume elsewhere
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Info("ticker listening", "url", "http://"+*addr+"/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}
