#!/usr/bin/env bash
# Side by side, in one run: the same net.box load (load.lua) against a real Tarantool 2.6 configured like the sample
# (tests/SessionKit.TarantoolServer.Tests/Lua/reference.lua) and against the sample, alternating ROUNDS times so both
# see the same machine load; prints every round, then the medians and the ratio sample/Tarantool.
#
#   samples/SessionKit.Samples.TarantoolServer/bench/compare.sh [ROUNDS=5] [CALLS_PER_FIBER=2000] [CONNECTS=1000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rounds="${1:-5}"; per_fiber="${2:-2000}"; connects="${3:-1000}"

dotnet build "$root/samples/SessionKit.Samples.TarantoolServer" -c Release -v q -nologo >/dev/null
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no '$2' in $1" >&2; cat "$1" >&2; exit 1; }

tport="$(free_port)"
(cd "$work" && exec tarantool "$root/tests/SessionKit.TarantoolServer.Tests/Lua/reference.lua" "$tport" "$work" >"$work/tarantool.out" 2>&1) &
pids+=($!)
wait_for "$work/tarantool.out" READY

dotnet "$root/samples/SessionKit.Samples.TarantoolServer/bin/Release/net10.0/SessionKit.Samples.TarantoolServer.dll" --port 0 >"$work/sample.out" 2>&1 &
pids+=($!)
wait_for "$work/sample.out" "listening on"
sport="$(grep -o '[0-9]*$' "$work/sample.out" | head -1)"

# One warm-up run per side, not counted: the sample's JIT tiers up and both servers grow their buffers.
tarantool "$here/load.lua" "$tport" 200 200 >/dev/null
tarantool "$here/load.lua" "$sport" 200 200 >/dev/null

for r in $(seq 1 "$rounds"); do
  for side in tarantool sample; do
    port="$tport"; [ "$side" = sample ] && port="$sport"
    tarantool "$here/load.lua" "$port" "$per_fiber" "$connects" | sed "s/^/$side\t/" | tee -a "$work/results.tsv"
  done
done

echo
python3 - "$work/results.tsv" <<'PY'
import sys, statistics, collections
values = collections.defaultdict(list)
for line in open(sys.argv[1]):
    side, metric, value = line.split()
    values[(side, metric)].append(float(value))
print(f"{'metric':<22}{'tarantool':>12}{'sample':>12}{'ratio':>8}")
for metric in ("calls_per_s", "connects_seq_per_s", "connects_16_per_s"):
    t = statistics.median(values[("tarantool", metric)]); s = statistics.median(values[("sample", metric)])
    print(f"{metric:<22}{t:>12.0f}{s:>12.0f}{s / t:>8.2f}")
PY
