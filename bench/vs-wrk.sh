#!/usr/bin/env bash
# aiperf against wrk, side by side, on a static local HTTP server (issue #18's first acceptance
# point): the client's own ceiling, in requests/s and chunks/s, and its CPU cost per request and
# per chunk next to a C load generator's.
#
# The server (io.aiperf.jmh.StaticServer, in its own JVM) answers every request with canned
# bytes: a chat completion, or the same answer streamed as TOKENS chat-completion chunks + usage +
# [DONE] when the body says "stream":true. Each tool runs DURATION seconds per workload with the
# same number of connections. CPU time is utime+stime of the tool's process, all threads:
# sampled from /proc/<pid>/stat while it runs, and its exact total at exit (the wrapper shell's
# `times`, i.e. the child's rusage). For aiperf the CPU before its profiling window (JVM start,
# tokenizer, prompt generation, and a WARMUP-second warm-up phase) is left out and shown apart;
# the CPU after its last response (records still being processed, exports, shutdown) is counted:
# it is per-request work.
#
# The warm-up phase is what any JVM benchmark does before it measures (JMH's warm-up
# iterations): without it the JIT compilers worked through 80-87 % of a 10 s window on this
# 2-core machine, taking from the client the CPU the window is meant to measure (14,100 against
# 17,200 requests/s non-streaming with WARMUP=5). WARMUP=0 measures the cold client.
#
# Usage: bench/vs-wrk.sh            (from anywhere; builds what is missing or stale)
# Environment: DURATION=10 WARMUP=5 CONNECTIONS=64 WRK_THREADS=2 TOKENS=200 SERVER_THREADS=<nproc>
#   PIN=0|1  AIPERF_ARGS="..." (extra flags for aiperf profile)  AIPERF_JAVA_OPTS="..."
#   MVN_FLAGS="-B -q" (add -o to build offline)  KEEP=1 (keep the work directory)
#
# Pinning: off by default. On a small machine (the dev box has 2 cores) splitting the cores
# between server and client would give each tool one core, cap wrk -t2 and aiperf's I/O threads
# alike, and turn the comparison into one of scheduling. Unpinned, both tools meet the same
# server on the same cores, and CPU time per request, the number that does not depend on who
# else runs, is measured per process anyway. PIN=1 (for >= 4 cores) puts the server on the
# upper half of the cores and each tool on the lower half.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-2}"
TOKENS="${TOKENS:-200}"
SERVER_THREADS="${SERVER_THREADS:-$(nproc)}"
PIN="${PIN:-0}"
AIPERF_ARGS="${AIPERF_ARGS:-}"
MVN_FLAGS="${MVN_FLAGS:--B -q}"
CLK_TCK="$(getconf CLK_TCK)"

say() { echo "vs-wrk: $*" >&2; }
die() { say "$*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------
need_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return
  say "installing $2 (apt-get)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null \
    || { $sudo apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null; } \
    || die "could not install $2; install it and run again"
}
need_pkg wrk wrk
need_pkg jq jq
command -v java >/dev/null || die "java (17+) is needed"
[ "$PIN" = 1 ] && need_pkg taskset util-linux

find_jar() { ls "$root"/$1 2>/dev/null | head -n 1 || true; }
stale() { # jar: missing, or older than a source or pom
  [ -z "$1" ] || [ -n "$(find "$root" \( -path '*/src/main/*' -o -name pom.xml \) -newer "$1" -print -quit 2>/dev/null)" ]
}
server_jar="$(find_jar 'aiperf-jmh/target/benchmarks.jar')"
cli_jar="$(find_jar 'aiperf-cli/target/aiperf-cli-*-all.jar')"
if stale "$server_jar" || stale "$cli_jar"; then
  say "building aiperf-jmh and aiperf-cli (mvn package, tests skipped)..."
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  (cd "$root" && mvn $MVN_FLAGS package -pl aiperf-jmh,aiperf-cli -am -DskipTests) >&2
  server_jar="$(find_jar 'aiperf-jmh/target/benchmarks.jar')"
  cli_jar="$(find_jar 'aiperf-cli/target/aiperf-cli-*-all.jar')"
fi
[ -n "$server_jar" ] && [ -n "$cli_jar" ] || die "build produced no jars"

server_cpus=() tool_cpus=()
if [ "$PIN" = 1 ]; then
  n="$(nproc)"
  [ "$n" -ge 4 ] || die "PIN=1 needs at least 4 cores (this machine has $n)"
  half=$((n / 2))
  tool_cpus=(taskset -c "0-$((half - 1))")
  server_cpus=(taskset -c "$half-$((n - 1))")
fi

# --- processes: every one started here is stopped on exit ------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/vs-wrk.XXXXXX")"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  # A tool is the wrapper shell's child, not ours: give it time to exit (aiperf writes its
  # partial results on SIGTERM) before its directory goes.
  for _ in $(seq 100); do
    local alive=0
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  if [ "${KEEP:-0}" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${server_cpus[@]}" java -cp "$server_jar" io.aiperf.jmh.StaticServer --tokens "$TOKENS" \
  --threads "$SERVER_THREADS" >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
url=""
for _ in $(seq 300); do
  url="$(grep -o 'http://[0-9.]*:[0-9]*' "$work/server.out" 2>/dev/null || true)"
  [ -n "$url" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the static server did not start: $(cat "$work/server.err")"
  sleep 0.1
done
[ -n "$url" ] || die "the static server printed no address within 30 s"
say "$(head -n 1 "$work/server.out")"

# measure NAME CMD...: runs CMD, sampling its CPU ticks every 100 ms into NAME.samples
# ("epoch-seconds ticks") and its exact CPU seconds at exit into NAME.cpu.
measure() {
  local label="$1" name="$work/$1"
  shift
  bash -c '"$@" >"$0.out" 2>"$0.err" & echo $! >"$0.pid"; wait $!; rc=$?; times >"$0.times"; exit $rc' \
    "$name" "$@" &
  local wrapper=$!
  pids+=("$wrapper")
  while [ ! -s "$name.pid" ]; do sleep 0.01; done
  local pid stat
  pid="$(cat "$name.pid")"
  pids+=("$pid")
  while kill -0 "$pid" 2>/dev/null; do
    read -r stat <"/proc/$pid/stat" 2>/dev/null || break
    stat="${stat##*) }" # after the command name; fields 14 and 15 are utime and stime
    # shellcheck disable=SC2086 # split the fields on purpose
    set -- $stat
    echo "$EPOCHREALTIME $((${12} + ${13}))" >>"$name.samples"
    sleep 0.1
  done
  wait "$wrapper" || { say "$label failed; its output:"; tail -n 20 "$name.out" "$name.err" >&2; exit 1; }
  # The second line of `times` is the children's user and system time, e.g. "0m6.550s 0m1.106s".
  sed -n 2p "$name.times" | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2]
  }' >"$name.cpu"
}

# cpu_at NAME EPOCH: CPU seconds of NAME's process at that moment, from its samples.
cpu_at() {
  awk -v t="$2" -v hz="$CLK_TCK" '
    { ts[NR] = $1; ticks[NR] = $2 }
    END {
      if (NR == 0 || t <= ts[1]) { printf "%.3f\n", (NR ? ticks[1] : 0) / hz; exit }
      for (i = 2; i <= NR; i++) if (ts[i] >= t) {
        f = (t - ts[i-1]) / (ts[i] - ts[i-1]); printf "%.3f\n", (ticks[i-1] + f * (ticks[i] - ticks[i-1])) / hz; exit
      }
      printf "%.3f\n", ticks[NR] / hz
    }' "$work/$1.samples"
}

# run_wrk NAME STREAM(0|1): sets RESULT to "requests seconds cpu-seconds".
run_wrk() {
  measure "$1" "${tool_cpus[@]}" env STREAM="$2" wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" \
    --timeout 30s -s "$root/bench/vs-wrk.lua" "$url/v1/chat/completions"
  local line
  line="$(grep '^WRK_RESULT' "$work/$1.out")" || die "wrk printed no result: $(cat "$work/$1.out" "$work/$1.err")"
  # shellcheck disable=SC2086 # key=value words
  local $(echo "${line#WRK_RESULT }")
  local errors=$((connect + read + write + status + timeout))
  [ "$errors" -eq 0 ] || say "WARNING: wrk $1: $errors errors ($line)"
  RESULT="$requests $(awk -v us="$duration_us" 'BEGIN { printf "%.3f", us / 1e6 }') $(cat "$work/$1.cpu")"
}

# run_aiperf NAME [--streaming]: sets RESULT to "requests window-seconds cpu-seconds
# cpu-seconds-at-first-request epoch-of-first-request".
run_aiperf() {
  local name="$1"
  shift
  # shellcheck disable=SC2086 # AIPERF_JAVA_OPTS and AIPERF_ARGS are lists of flags
  measure "$name" "${tool_cpus[@]}" java ${AIPERF_JAVA_OPTS:-} -jar "$cli_jar" profile --url "$url" \
    -m static --endpoint-type chat "$@" --concurrency "$CONNECTIONS" \
    --benchmark-duration "$DURATION" --ui none --artifact-dir "$work/$name-artifacts" \
    $([ "$WARMUP" != 0 ] && echo --warmup-duration "$WARMUP") $AIPERF_ARGS
  local json="$work/$name-artifacts/profile_export_aiperf.json"
  [ -s "$json" ] || die "aiperf wrote no $json: $(tail -n 20 "$work/$name.err")"
  local errors
  errors="$(jq '(.error_summary // []) | map(.count // 1) | add // 0' "$json")"
  [ "$errors" = 0 ] || say "WARNING: aiperf $name: $errors failed requests: $(jq -c .error_summary "$json")"
  jq -r '(.warnings // [])[]' "$json" | while read -r w; do say "aiperf $name said: $w"; done
  local start
  start="$(date -d "$(jq -r .start_time "$json")" +%s.%N)"
  RESULT="$(jq -r '.request_count.avg' "$json") $(jq -r '.benchmark_duration.avg' "$json")"
  RESULT+=" $(cat "$work/$name.cpu") $(cpu_at "$name" "$start") $start"
}

# Warm the server's JIT on both answers, so that neither tool meets a cold server.
say "warming the server (3 s per workload, not measured)"
for s in 0 1; do
  STREAM=$s wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d 3s -s "$root/bench/vs-wrk.lua" \
    "$url/v1/chat/completions" >/dev/null
done

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
say "wrk, non-streaming (${DURATION} s)"
run_wrk wrk-plain 0 && read -r w1_n w1_s w1_cpu <<<"$RESULT"
say "aiperf, non-streaming (${DURATION} s)"
run_aiperf aiperf-plain && read -r a1_n a1_s a1_cpu a1_cpu0 a1_t0 <<<"$RESULT"
say "wrk, streaming (${DURATION} s)"
run_wrk wrk-stream 1 && read -r w2_n w2_s w2_cpu <<<"$RESULT"
say "aiperf, streaming (${DURATION} s)"
run_aiperf aiperf-stream --streaming && read -r a2_n a2_s a2_cpu a2_cpu0 a2_t0 <<<"$RESULT"
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

# Every chunk parsed: TOKENS content chunks per answer, so TOKENS-1 inter-chunk gaps and TOKENS
# output tokens per request.
json2="$work/aiperf-stream-artifacts/profile_export_aiperf.json"
gaps="$(jq -r '.inter_chunk_latency.count // 0' "$json2")"
osl="$(jq -r '.output_sequence_length.avg // 0' "$json2")"
want_gaps="$(awk -v n="$a2_n" -v k="$TOKENS" 'BEGIN { printf "%d", n * (k - 1) }')"
chunk_check="every chunk parsed: $gaps inter-chunk gaps = $a2_n requests x $((TOKENS - 1)), $osl output tokens per request"
if [ "$gaps" != "$want_gaps" ] || ! awk -v o="$osl" -v k="$TOKENS" 'BEGIN { exit !(o == k) }'; then
  chunk_check="NOT every chunk parsed: $gaps inter-chunk gaps (expected $want_gaps), $osl output tokens per request (expected $TOKENS)"
fi

# Seconds from the start of aiperf's load window to its exit: the window plus what came after it.
tail_s() { awk -v t0="$1" -v end="$(tail -n 1 "$work/$2.samples" | cut -d ' ' -f 1)" 'BEGIN { printf "%.1f", end - t0 }'; }

awk -v k="$TOKENS" -v c="$CONNECTIONS" -v wt="$WRK_THREADS" \
  -v w1n="$w1_n" -v w1s="$w1_s" -v w1c="$w1_cpu" -v a1n="$a1_n" -v a1s="$a1_s" -v a1c="$a1_cpu" -v a1c0="$a1_cpu0" \
  -v w2n="$w2_n" -v w2s="$w2_s" -v w2c="$w2_cpu" -v a2n="$a2_n" -v a2s="$a2_s" -v a2c="$a2_cpu" -v a2c0="$a2_cpu0" '
  function row(tool, load, n, s, cpu, chunks, rr, cr,   rate, crate, us, usc) {
    rate = n / s; us = cpu * 1e6 / n
    crate = chunks ? sprintf("%.0f", rate * k) : "-"
    usc = chunks ? sprintf("%.2f", us / k) : "-"
    printf "| %s | %s | %.0f | %s | %.1f | %s | %s |\n", tool, load, rate, crate, us, usc, rr
  }
  BEGIN {
    printf "| tool | workload | requests/s | chunks/s | CPU µs/request | CPU µs/chunk | aiperf/wrk |\n"
    printf "|---|---|---:|---:|---:|---:|---|\n"
    row("wrk -t" wt " -c" c, "non-streaming", w1n, w1s, w1c, 0, "")
    r1 = (a1n / a1s) / (w1n / w1s); c1 = ((a1c - a1c0) / a1n) / (w1c / w1n)
    row("aiperf --concurrency " c, "non-streaming", a1n, a1s, a1c - a1c0, 0,
        sprintf("rate %.2fx (goal >= 0.5), CPU %.1fx", r1, c1))
    row("wrk -t" wt " -c" c, "streamed, " k " chunks", w2n, w2s, w2c, 1, "")
    r2 = (a2n / a2s) / (w2n / w2s); c2 = ((a2c - a2c0) / a2n) / (w2c / w2n)
    row("aiperf --concurrency " c, "streamed, " k " chunks", a2n, a2s, a2c - a2c0, 1,
        sprintf("chunk rate %.2fx (goal >= 0.3), CPU %.1fx", r2, c2))
  }'
echo
echo "- aiperf's rate is its own request throughput (requests over its load window); its CPU excludes" \
  "what came before that window (start-up and a ${WARMUP} s warm-up phase: ${a1_cpu0} s and ${a2_cpu0} s)" \
  "and includes everything after the" \
  "last response: window start to exit took $(tail_s "$a1_t0" aiperf-plain) s and $(tail_s "$a2_t0" aiperf-stream) s" \
  "for load windows of $(printf '%.1f' "$a1_s") s and $(printf '%.1f' "$a2_s") s."
echo "- aiperf streamed: $chunk_check."
echo "- wrk counts whole responses (chunks/s = responses/s x $TOKENS); it parses the HTTP chunked framing" \
  "(one HTTP chunk per event) but not the events."
echo "- $(nproc) cores, pinning $([ "$PIN" = 1 ] && echo on || echo off), load average $load_before before," \
  "$load_after after; aiperf $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '(no git)')," \
  "$(java -version 2>&1 | head -n 1); $(wrk --version 2>&1 | head -n 1 | cut -d ' ' -f 1-2)."
