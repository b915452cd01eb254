#!/usr/bin/env bash
# Runs every test of runnel: formatting, vet, staticcheck, the race-enabled test suite of
# the main module, and the comparison benchmarks module (its tests, plus one
# iteration of every benchmark so that they keep compiling and running).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l . | grep -v '/testdata/' || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...
(cd bench && go vet ./...)

echo "== staticcheck"
# Pinned, and built from the Go module proxy on a machine that lacks it.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

echo "== go test -race (main module)"
go test -race -count=1 ./...

echo "== fuzzing: every fuzz target briefly, without the race detector (the seed corpora ran above)"
# Longer: scripts/fuzz.sh (FUZZTIME=5m by default); see docs/hardening.md.
FUZZTIME=${FUZZTIME:-3s} FUZZLOG="${TMPDIR:-/tmp}/runnel-fuzz-ci" ./scripts/fuzz.sh

echo "== bench module: tests and one run of every benchmark"
(cd bench && go test -count=1 ./... && go test -run '^$' -bench . -benchtime 1x ./...)

echo "== sse/redisbroker module (its own redis-server processes, on their own ports)"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server from Debian's packages"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null || echo "could not install redis-server"
fi
# In CI a missing redis-server is a failure, not a skip.
(cd sse/redisbroker && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && RUNNEL_REQUIRE_REDIS="${CI:+1}" go test -race -count=1 ./...)

echo "== gettext module (Django's .po/.mo catalogs as a runnel.Translator)"
(cd gettext && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && go test -race -count=1 ./...)

echo "== examples/ticker module (two ticker processes on their own redis-server)"
(cd examples/ticker && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && RUNNEL_REQUIRE_REDIS="${CI:+1}" go test -race -count=1 ./...)

echo "== examples/export module (exports from a PostgreSQL server of its own, on its own port)"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null || echo "could not install postgresql"
fi
# In CI a missing PostgreSQL is a failure, not a skip.
(cd examples/export && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && RUNNEL_REQUIRE_POSTGRES="${CI:+1}" go test -race -count=1 ./...)

echo "== proxytest module (streaming through real nginx and Caddy, as docs/deployment.md configures them)"
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v caddy >/dev/null 2>&1; then
  echo "installing nginx and caddy from Debian's packages"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx caddy >/dev/null || echo "could not install nginx and caddy"
fi
# In CI a missing nginx or caddy is a failure, not a skip.
(cd proxytest && go vet ./... && go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... && RUNNEL_REQUIRE_PROXIES="${CI:+1}" go test -race -count=1 ./...)

echo "== browser tests (headless Chromium)"
if [ -d browsertest ]; then
  if [ ! -x /usr/bin/chromium ]; then
    echo "installing Chromium from Debian's packages"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || echo "could not install chromium"
  fi
  # In CI a missing browser is a failure, not a skip.
  (cd browsertest && go vet ./... && RUNNEL_REQUIRE_BROWSER="${CI:+1}" go test -count=1 ./...)
fi

echo "== all tests passed"
