package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestMeasure measures the example as BENCHMARKS.md reports it: the real
// server process, started for each download, serving the whole table once;
// peak RSS is the process's VmHWM after the download. It is not part of the
// test command (it fills a table of 10 million rows, about 1 GB of CSV):
//
//	cd examples/export && RUNNEL_MEASURE_EXPORT=1 go test -run TestMeasure -v -timeout 60m
//
// RUNNEL_MEASURE_ROWS sets the size (default 10000000), RUNNEL_MEASURE_ROUNDS
// the number of interleaved rounds (default 3), RUNNEL_PG_URL the server.
func TestMeasure(t *testing.T) {
	if os.Getenv("RUNNEL_MEASURE_EXPORT") == "" {
		t.Skip("set RUNNEL_MEASURE_EXPORT=1 to measure (it takes minutes)")
	}
	rows := envInt("RUNNEL_MEASURE_ROWS", 10_000_000)
	rounds := int(envInt("RUNNEL_MEASURE_ROUNDS", 3))
	url := needPG(t)

	bin := filepath.Join(t.TempDir(), "export")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ensureTable(t, url, rows)

	type result struct{ ttfb, total, rss []float64 }
	results := map[string]*result{}
	cases := []struct{ name, source, path string }{
		{"export.csv from PostgreSQL", url, "/export.csv"},
		{"encoding/csv from PostgreSQL", url, "/baseline.csv"},
		{"export.ndjson from PostgreSQL", url, "/export.ndjson"},
		{"export.csv generated", "", "/export.csv"},
		{"encoding/csv generated", "", "/baseline.csv"},
	}
	var bytesOf = map[string]int64{}
	for round := range rounds {
		for _, c := range cases {
			ttfb, total, n, rss := measureOnce(t, bin, c.source, rows, c.path)
			r := results[c.name]
			if r == nil {
				r = &result{}
				results[c.name] = r
			}
			r.ttfb = append(r.ttfb, ttfb.Seconds()*1000)
			r.total = append(r.total, total.Seconds())
			r.rss = append(r.rss, float64(rss)/1024)
			bytesOf[c.name] = n
			t.Logf("round %d %-30s ttfb %7.2f ms  %6.2f s  %7.1f MB/s  peak RSS %5.1f MB",
				round+1, c.name, ttfb.Seconds()*1000, total.Seconds(), float64(n)/total.Seconds()/1e6, float64(rss)/1024)
		}
	}
	t.Logf("%d rows, %d rounds, medians:", rows, rounds)
	for _, c := range cases {
		r := results[c.name]
		total := median(r.total)
		t.Logf("%-30s %8d bytes  ttfb %7.2f ms  %6.2f s  %7.1f MB/s  peak RSS %5.1f MB",
			c.name, bytesOf[c.name], median(r.ttfb), total, float64(bytesOf[c.name])/total/1e6, median(r.rss))
	}
}

func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil && v > 0 {
		return v
	}
	return def
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// ensureTable leaves the orders table with exactly rows orders (the
// example fills an empty one; a table of another size is dropped first).
func ensureTable(t *testing.T, url string, rows int64) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err == nil && n == rows {
		return
	}
	conn.Exec(ctx, `DROP TABLE IF EXISTS `+table)
	db, err := OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if _, err := db.Prepare(ctx, rows, quietLog()); err != nil {
		t.Fatal(err)
	}
	t.Logf("filled %d rows in %v", rows, time.Since(start).Round(time.Second))
}

// measureOnce starts the example, downloads path whole, and returns the
// time to the first byte of the body, the time of the whole download, its
// size and the server's peak RSS in KB.
func measureOnce(t *testing.T, bin, pg string, rows int64, path string) (ttfb, total time.Duration, n int64, rssKB int64) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"-addr", addr, "-rows", strconv.FormatInt(rows, 10)}
	if pg != "" {
		args = append(args, "-pg", pg)
	}
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.Contains(sc.Text(), "listening") {
	}
	go io.Copy(io.Discard, stderr)

	start := time.Now()
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	ttfb = time.Since(start)
	rest, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	total = time.Since(start)
	return ttfb, total, rest + 1, peakRSS(t, cmd.Process.Pid)
}

// peakRSS is a process's peak resident set size (VmHWM), in KB.
func peakRSS(t *testing.T, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
