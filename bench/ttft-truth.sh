#!/usr/bin/env bash
# TTFT against the server's own truth (issue #18, "exact from the first request"): the mock runs in
# a JVM of its own (`aiperf mock-server --ttft 20 --itl 5 --write-log FILE`, a fresh one per run)
# and logs, for every streamed answer, when the request arrived and when it wrote the first token
# (its own clock). aiperf runs the README's accuracy command against it (concurrency 32, 2,000
# requests, ISL 550, OSL 100, streaming), without and with a warm-up phase. Each request is then
# joined to the mock's log by its X-Request-ID (x_request_id).
#
# Reported per run (milliseconds): aiperf's TTFT p50/p99/max over the profiling requests, the
# mock's truth (first token written minus arrival) p50/p99/max over the same requests, and the
# per-request difference (client minus truth: the network both ways, the mock's read of the
# request, the client's read of the token) p50/p99/max.
#
# Usage: bench/ttft-truth.sh   (from anywhere; builds the CLI when it is missing or stale)
# Environment: MODES="cold warmup" (cold: no warm-up phase; warmup: --warmup-request-count WARMUP)
#   ROUNDS=2 WARMUP=200 CONCURRENCY=32 REQUESTS=2000 AIPERF_JAVA_OPTS="..." AIPERF_ARGS="..."
#   REALTIME_IO=1 (the default; empty: the client's I/O threads ordinary, without --realtime-io;
#   the mock's are real-time either way, `mock-server`'s default)
#   KEEP=1 (keep the work directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODES="${MODES:-cold warmup}"
ROUNDS="${ROUNDS:-2}"
WARMUP="${WARMUP:-200}"
CONCURRENCY="${CONCURRENCY:-32}"
REQUESTS="${REQUESTS:-2000}"
REALTIME_IO="${REALTIME_IO-1}"

say() { echo "ttft-truth: $*" >&2; }
die() { say "$*"; exit 1; }
command -v java >/dev/null || die "java (17+) is needed"
command -v python3 >/dev/null || die "python3 is needed (it joins the two logs)"

# shellcheck source=lib.sh
. "$root/bench/lib.sh"
jar="$(bench_cli_jar "$root")"

work="$(mktemp -d)"
mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ]; then
    kill -TERM "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    mock_pid=""
  fi
}
cleanup() {
  stop_mock
  if [ -n "${KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

printf '%-7s %5s | %-22s | %-22s | %-22s\n' mode round 'aiperf TTFT p50/p99/max' \
  'mock truth p50/p99/max' 'difference p50/p99/max'
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    case "$mode" in
      cold) warm=() ;;
      warmup) warm=(--warmup-request-count "$WARMUP") ;;
      *) die "MODES: '$mode' is neither cold nor warmup" ;;
    esac
    run="$work/$mode-$round"
    mkdir -p "$run"
    # shellcheck disable=SC2086 # AIPERF_JAVA_OPTS is a list of flags
    java ${AIPERF_JAVA_OPTS:-} -jar "$jar" mock-server --port 0 --ttft 20 --itl 5 \
      --write-log "$run/truth.jsonl" >"$run/mock.out" 2>"$run/mock.err" &
    mock_pid=$!
    url="$(bench_await_url "$mock_pid" "$run/mock.out" "$run/mock.err")"
    # shellcheck disable=SC2086 # AIPERF_JAVA_OPTS and AIPERF_ARGS are lists of flags
    java ${AIPERF_JAVA_OPTS:-} -jar "$jar" profile --url "$url" -m demo --streaming \
      --concurrency "$CONCURRENCY" --request-count "$REQUESTS" --osl 100 --isl 550 \
      --random-seed 42 --ui none --artifact-dir "$run/artifacts" "${warm[@]}" \
      ${REALTIME_IO:+--realtime-io} ${AIPERF_ARGS:-} \
      >"$run/profile.out" 2>&1 || die "the run failed: $(tail -n 5 "$run/profile.out")"
    stop_mock
    [ -s "$run/truth.jsonl" ] || die "the mock wrote no log: $(cat "$run/mock.err")"
    python3 - "$run/artifacts/profile_export.jsonl" "$run/truth.jsonl" "$mode" "$round" <<'PY'
import json, sys

def pct(values, p):
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)

truth = {}
with open(sys.argv[2]) as f:
    for line in f:
        t = json.loads(line)
        if t["first_token_ns"] is not None:
            truth[t["request_id"]] = (t["first_token_ns"] - t["arrival_ns"]) / 1e6
client, server, diff, missing = [], [], [], 0
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        if r["metadata"].get("benchmark_phase") != "profiling":
            continue
        ttft = r["metrics"].get("time_to_first_token", {}).get("value")
        t = truth.get(r["metadata"]["x_request_id"])
        if ttft is None or t is None:
            missing += 1
            continue
        client.append(ttft)
        server.append(t)
        diff.append(ttft - t)
if not client:
    sys.exit("no request could be joined to the mock's log")
fmt = lambda v: "%6.2f %6.2f %7.2f" % (pct(v, 50), pct(v, 99), max(v))
print("%-7s %5s | %-22s | %-22s | %-22s%s" % (sys.argv[3], sys.argv[4], fmt(client), fmt(server),
      fmt(diff), "" if not missing else "  (%d not joined)" % missing))
PY
  done
done
