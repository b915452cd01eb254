// Package fuzzcheck holds what the fuzz targets of runnel's packages share
// to find slow inputs as well as crashes: a wall-time budget per step, a
// check that runs a step within it (with a watchdog for hangs), and the
// repetition of a small input into a large one. See docs/hardening.md.
package fuzzcheck

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Budget is the wall time allowed for a step on n bytes of input: a
// second, plus 2 µs a byte (a linear pass over even 256 KiB takes
// milliseconds), times RaceSlowdown under the race detector.
func Budget(n int) time.Duration {
	return (time.Second + time.Duration(n)*2*time.Microsecond) * RaceSlowdown
}

// Within runs fn, and again if it took longer than budget; it fails the
// input if the second run is over budget too (twice, so that a pause of a
// shared machine is not a find). A run that has not returned after ten
// budgets is a hang: Go's fuzzing has no timeout of its own (a stuck worker
// only stalls the run), so the watchdog panics with every goroutine's
// stack, which makes the fuzzer keep the input as a crasher.
func Within(t testing.TB, what, src string, budget time.Duration, fn func()) {
	t.Helper()
	for try := 0; ; try++ {
		watchdog := time.AfterFunc(10*budget, func() {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			panic(fmt.Sprintf("%s is still running after %v on %d bytes: %.300q\n\n%s", what, 10*budget, len(src), src, buf))
		})
		start := time.Now()
		fn()
		d := time.Since(start)
		watchdog.Stop()
		if d <= budget {
			return
		}
		if try == 1 {
			t.Fatalf("%s took %v, over its budget of %v, on %d bytes: %.300q", what, d, budget, len(src), src)
		}
	}
}

// Amplify repeats src until it is at least n bytes long (src itself if it
// is that long already, or empty), so that an input whose cost is
// quadratic in its length shows it without the fuzzer having to grow it.
func Amplify(src string, n int) string {
	if src == "" || len(src) >= n {
		return src
	}
	return strings.Repeat(src, (n+len(src)-1)/len(src))
}
