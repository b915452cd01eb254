#!/usr/bin/env bash
# Interleaved same-run comparison of two trees: BASE (a worktree of an
# earlier commit; first written for the layout move) vs this one.
# Usage: git worktree add /tmp/base <commit>; BASE=/tmp/base bench/layout-compare.sh
# Eight interleaved rounds of both trees, then benchstat old new.
set -u
rm -f /tmp/bench_old.txt /tmp/bench_new.txt
for i in 1 2 3 4 5 6 7 8; do
  for t in old new; do
    if [ $t = old ]; then d=${BASE:-/tmp/base}; else d=$(cd "$(dirname "$0")/.." && pwd); fi
    (cd $d/bench && go test -run '^$' -bench '/engine=runnel' -benchmem -count 1 -benchtime 300ms . 2>/dev/null | grep '^Benchmark' >> /tmp/bench_$t.txt)
    (cd $d && go test -run '^$' -bench 'BenchmarkRenderComplex$|BenchmarkRenderSimple$|BenchmarkRenderLarge$|BenchmarkOutOfOrderSection|BenchmarkStreamOverhead|BenchmarkEscape|BenchmarkFloatFormat|BenchmarkPyFormat|BenchmarkFileSizeFormat' -benchmem -count 1 -benchtime 200ms . 2>/dev/null | grep '^Benchmark' >> /tmp/bench_$t.txt)
  done
done
go run golang.org/x/perf/cmd/benchstat@latest /tmp/bench_old.txt /tmp/bench_new.txt > /tmp/benchstat.txt 2>&1
echo done > /tmp/bench_done
