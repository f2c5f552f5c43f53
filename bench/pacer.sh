#!/usr/bin/env bash
# Pacer lateness (issue #18, point 6): the README's "Pacer lateness" table. The fast mock runs in
# a JVM of its own (`aiperf mock-server --fast`); for each rate in RATES, aiperf sends
# 5 x rate requests at a constant rate after WARMUP warm-up requests, with the pacing thread in
# real time (the default, where the system allows it) and, with MODES="realtime ordinary", also
# as an ordinary thread (--no-realtime-pacing); MODES may also hold "realtime-io": the client's
# I/O threads in real time too (--realtime-io). Rounds alternate the modes (A B A B ...).
#
# Reported per run, from aiperf's own JSON: "pacer" = client_queue_time (credit issued minus
# intended time: the pacing thread), "send" = schedule_lateness (request written minus intended:
# what the server sees), p50 and p99 in microseconds, and the achieved request rate.
#
# Usage: bench/pacer.sh   (from anywhere; builds the CLI when it is missing or stale)
# Environment: RATES="1000 5000 20000" MODES="realtime ordinary" ROUNDS=2 WARMUP=15000
#   AIPERF_JAVA_OPTS="..." MOCK_ARGS="..." (extra mock-server flags, e.g. --no-realtime-io)
#   KEEP=1 (keep the work directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATES="${RATES:-1000 5000 20000}"
MODES="${MODES:-realtime ordinary}"
ROUNDS="${ROUNDS:-2}"
WARMUP="${WARMUP:-15000}"

say() { echo "pacer-bench: $*" >&2; }
die() { say "$*"; exit 1; }
command -v java >/dev/null || die "java (17+) is needed"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"

# shellcheck source=lib.sh
. "$root/bench/lib.sh"
jar="$(bench_cli_jar "$root")"

work="$(mktemp -d)"
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# shellcheck disable=SC2086 # AIPERF_JAVA_OPTS is a list of flags
# shellcheck disable=SC2086 # MOCK_ARGS is a list of flags
java ${AIPERF_JAVA_OPTS:-} -jar "$jar" mock-server --port 0 --fast ${MOCK_ARGS:-} >"$work/mock.out" \
  2>"$work/mock.err" &
mock_pid=$!
url="$(bench_await_url "$mock_pid" "$work/mock.out" "$work/mock.err")"
say "mock: $url"

printf '%-8s %-9s %5s %10s %10s %10s %10s %10s\n' rate mode round 'pacer p50' 'pacer p99' \
  'send p50' 'send p99' achieved
for round in $(seq 1 "$ROUNDS"); do
  for rate in $RATES; do
    for mode in $MODES; do
      case "$mode" in
        realtime) extra=() ;;
        ordinary) extra=(--no-realtime-pacing) ;;
        realtime-io) extra=(--realtime-io) ;;
        *) die "MODES: '$mode' is none of realtime, ordinary, realtime-io" ;;
      esac
      dir="$work/$rate-$mode-$round"
      # shellcheck disable=SC2086 # AIPERF_JAVA_OPTS is a list of flags
      java ${AIPERF_JAVA_OPTS:-} -jar "$jar" profile --url "$url" -m demo --request-rate "$rate" \
        --arrival-pattern constant --request-count $((5 * rate)) --warmup-request-count "$WARMUP" \
        --osl 4 --isl 16 --ui none --artifact-dir "$dir" "${extra[@]}" >"$dir.out" 2>&1 \
        || die "the run failed: $(tail -n 5 "$dir.out")"
      given_up="$(grep -c 'real-time priority was given up' "$dir/logs/aiperf.log" || true)"
      jq -r --arg rate "$rate" --arg mode "$mode$([ "$given_up" != 0 ] && echo '*')" \
        --arg round "$round" '[$rate, $mode, $round,
          (.client_queue_time.p50 * 1000 | round), (.client_queue_time.p99 * 1000 | round),
          (.schedule_lateness.p50 * 1000 | round), (.schedule_lateness.p99 * 1000 | round),
          (.request_throughput.avg | round)] | @tsv' "$dir/profile_export_aiperf.json" \
        | awk -F'\t' '{printf "%-8s %-9s %5s %8s us %8s us %8s us %8s us %8s/s\n",
            $1, $2, $3, $4, $5, $6, $7, $8}'
    done
  done
done
say "* = the pacing thread gave real-time priority up during the run (the client at its ceiling)"
