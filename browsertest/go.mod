module github.com/runnelhq/runnel/browsertest

go 1.26.0

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/runnelhq/runnel v0.0.0
	github.com/runnelhq/runnel/examples/ticker v0.0.0
	golang.org/x/net v0.63.0
)

require (
	github.com/andybalholm/brotli v1.3.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/klauspost/compress v1.20.5 // indirect
)

replace (
	github.com/runnelhq/runnel => ../
	github.com/runnelhq/runnel/examples/ticker => ../examples/ticker
	github.com/runnelhq/runnel/sse/redisbroker => ../sse/redisbroker
)
