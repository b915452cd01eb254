module github.com/runnelhq/runnel/proxytest

go 1.26.0

require (
	github.com/runnelhq/runnel v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/andybalholm/brotli v1.3.0 // indirect
	github.com/klauspost/compress v1.20.5 // indirect
)

replace github.com/runnelhq/runnel => ../
