module github.com/runnelhq/runnel

go 1.26

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/klauspost/compress v1.20.5
	go.uber.org/goleak v1.3.0
)
