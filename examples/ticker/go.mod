module github.com/runnelhq/runnel/examples/ticker

go 1.26.0

replace (
	github.com/runnelhq/runnel => ../..
	github.com/runnelhq/runnel/sse/redisbroker => ../../sse/redisbroker
)

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/runnelhq/runnel v0.0.0
	github.com/runnelhq/runnel/sse/redisbroker v0.0.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
