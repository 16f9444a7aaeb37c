#!/usr/bin/env bash
# Runs every test of the solution and prints "N passed, N failed, N skipped" as its last line.
# On a fresh Debian machine it first installs Tarantool 2.6 (the conformance suite drives a real one) when
# missing and when it can (root + apt-get).
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v tarantool >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing tarantool (conformance tests drive a real one)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tarantool >/dev/null
  else
    echo "tarantool is missing: install it (apt-get install -y tarantool) so the conformance tests can run" >&2
  fi
fi

# The Tarantool-compatible server's differential test runs `tarantoolctl connect` (package tarantool-common).
if ! command -v tarantoolctl >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing tarantool-common (tarantoolctl, for the TarantoolServer differential test)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tarantool-common >/dev/null
  else
    echo "tarantoolctl is missing: install it (apt-get install -y tarantool-common) for the TarantoolServer tests" >&2
  fi
fi

# The browser tests (tests/SessionKit.Browser.Tests) drive Debian's Chromium through Playwright, which cannot download
# a browser of its own here.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (browser tests drive a real one)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (apt-get install -y chromium) so the browser tests can run" >&2
  fi
fi

# The Redis directory's tests start their own redis-server processes (never the system service).
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing redis-server (the Redis directory tests start their own servers)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install it (apt-get install -y redis-server) so the Redis directory tests can run" >&2
  fi
fi

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet test SessionKit.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done

# A build failure or a crashed test host produces no counts: report it as a failure, never as a clean run.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
