#!/usr/bin/env bash
# Runs the full engine comparison and prints a benchstat table: one row per
# workload, one column per engine, runnel first (the base the other columns
# are compared with).
#
# The engines run in interleaved rounds (every benchmark once per round),
# because these machines are shared and noisy: a slow minute then slows
# every engine alike instead of one.
#
# Environment:
#   ROUNDS=16       rounds (benchstat wants at least 6)
#   BENCHTIME=200ms time per run
#   BENCH=.         benchmark regexp, e.g. BENCH=Complex
#   TAGS=           build tags, e.g. TAGS=norunnel to leave runnel out
#   OUT=results.txt raw go test output
set -euo pipefail
cd "$(dirname "$0")"

ROUNDS=${ROUNDS:-${COUNT:-16}}
BENCHTIME=${BENCHTIME:-200ms}
BENCH=${BENCH:-.}
OUT=${OUT:-results.txt}

echo "# $(go version); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# $ROUNDS rounds of: go test -run '^\$' -bench '$BENCH' -benchmem -count 1 -benchtime $BENCHTIME ${TAGS:+-tags $TAGS}"
go test -c -o bench.test ${TAGS:+-tags "$TAGS"} .
: > "$OUT"
for i in $(seq 1 "$ROUNDS"); do
	./bench.test -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 -test.benchtime "$BENCHTIME" | tee -a "$OUT"
done
rm -f bench.test

echo
if ! go run golang.org/x/perf/cmd/benchstat@latest -col /engine -row .name "$OUT"; then
	echo "benchstat is not available; raw results are in $OUT" >&2
fi

echo
echo "# medians; 'runnel x' = engine ns/op / runnel ns/op (>1: runnel is faster)"
awk -f medians.awk "$OUT"
