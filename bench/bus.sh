#!/usr/bin/env bash
# What the ZeroMQ bus costs end to end (issue #17, point 3): the same run against the fast mock
# (`aiperf mock-server --fast`), concurrency 64, with the bus in turn
#
#   inmemory  every service in one JVM, the in-memory bus (the reference)
#   zmq       every service in one JVM, talking through the ZeroMQ hub (--message-bus zmq)
#   remote    the controller's JVM (timing, record processing, records manager, hub) and
#             REMOTE_WORKERS worker JVMs (aiperf service --type worker) that join it over tcp
#             loopback, as on separate hosts (--workers-remote N)
#
# for a non-streaming workload (short answers: --osl 16, one JSON body each) and a streamed one
# (--streaming --osl 16: 16 SSE chunks each). Each run lasts DURATION seconds after WARMUP
# warm-up requests. The modes run back to back within each round (A B C A B C ...), ROUNDS
# rounds, so that a change in the machine's load hits every mode alike; each ratio is taken
# within one round.
#
# Reported per run: requests/s (aiperf's own request_throughput over its load window) and the
# CPU time per request of the aiperf processes (controller plus workers, all threads, within the
# load window, from /proc samples every 200 ms), also without the JIT compiler threads (in runs
# this short C2 is still compiling, more so for the code the zmq path adds); per mode: the spread
# over the rounds and the ratio to the in-memory run of the same round. The warm-up is long
# (WARMUP requests) so that the JIT is mostly done before the window opens.
#
# On a shared machine the rates swing with other people's load, so compare the per-round ratios
# (each taken between runs seconds apart) and the CPU per request, not rates across rounds.
#
# Usage: bench/bus.sh   (from anywhere; builds the CLI when it is missing or stale)
# Environment: ROUNDS=3 DURATION=8 WARMUP=20000 CONCURRENCY=64 MODES="inmemory zmq remote"
#   WORKLOADS="plain streamed" REMOTE_WORKERS=1 NICE=15 (the nice level of every process started)
#   JARS="before=/tmp/old-all.jar after=aiperf-cli/target/aiperf-cli-0.1.0-SNAPSHOT-all.jar"
#     (compare builds: each round runs every mode with each jar, back to back; default: the
#     CLI built from this checkout)
#   AIPERF_JAVA_OPTS="..." AIPERF_ARGS="..." (extra profile flags) MVN_FLAGS="-B -q"
#   KEEP=1 (keep the work directory with every run's artifacts and logs)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-8}"
WARMUP="${WARMUP:-20000}"
CONCURRENCY="${CONCURRENCY:-64}"
MODES="${MODES:-inmemory zmq remote}"
WORKLOADS="${WORKLOADS:-plain streamed}"
REMOTE_WORKERS="${REMOTE_WORKERS:-1}"
NICE="${NICE:-15}"
AIPERF_ARGS="${AIPERF_ARGS:-}"
MVN_FLAGS="${MVN_FLAGS:--B -q}"
CLK_TCK="$(getconf CLK_TCK)"

say() { echo "bus-bench: $*" >&2; }
die() { say "$*"; exit 1; }
command -v java >/dev/null || die "java (17+) is needed"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
command -v python3 >/dev/null || die "python3 is needed (it samples the threads' CPU time)"

# shellcheck source=lib.sh
. "$root/bench/lib.sh"
JARS="${JARS:-}"
if [ -z "$JARS" ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  cli_jar="$(bench_cli_jar "$root" $MVN_FLAGS)"
JARS="current=$cli_jar"
fi
labels=()
declare -A jar_of
for j in $JARS; do
  [ -f "${j#*=}" ] || die "JARS: no file ${j#*=}"
  labels+=("${j%%=*}")
  jar_of["${j%%=*}"]="${j#*=}"
done
# aiperf LABEL ARGS...: the CLI of that build, niced
aiperf() {
  local jar="${jar_of[$1]}"
  shift
  # shellcheck disable=SC2086 # AIPERF_JAVA_OPTS is a list of flags
  exec nice -n "$NICE" java ${AIPERF_JAVA_OPTS:-} -jar "$jar" "$@"
}

# --- processes: every one started here is stopped on exit --------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/bus-bench.XXXXXX")"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(aiperf "${labels[0]}" mock-server --port 0 --fast) >"$work/mock.out" 2>"$work/mock.err" &
pids+=($!)
url="$(bench_await_url "${pids[0]}" "$work/mock.out" "$work/mock.err")"
say "mock: $url"

# sample NAME PID: appends "epoch-seconds cpu-ticks jit-ticks" of PID to NAME.samples every 200 ms
# until it exits (jit: the C1 and C2 compiler threads).
sample() {
  python3 - "$2" "$work/$1.samples" <<'PY'
import os, sys, time
pid, out = sys.argv[1], open(sys.argv[2], "a")
def ticks(path):
    s = open(path).read()
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])  # utime + stime
while True:
    try:
        total, jit = ticks(f"/proc/{pid}/stat"), 0
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                if open(f"/proc/{pid}/task/{t}/comm").read().startswith(("C1 Comp", "C2 Comp")):
                    jit += ticks(f"/proc/{pid}/task/{t}/stat")
            except OSError:
                pass
    except (OSError, ValueError):
        break
    out.write(f"{time.time():.3f} {total} {jit}\n")
    out.flush()
    time.sleep(0.2)
PY
}

# cpu_between NAME FROM TO COLUMN: CPU seconds NAME's process used between two epochs
# (interpolated), from column 2 (all threads) or 3 (the JIT compiler threads).
cpu_between() {
  awk -v a="$2" -v b="$3" -v c="$4" -v hz="$CLK_TCK" '
    function at(t,   i, f) {
      if (t <= ts[1]) return ticks[1]
      for (i = 2; i <= NR; i++) if (ts[i] >= t) {
        f = (t - ts[i-1]) / (ts[i] - ts[i-1]); return ticks[i-1] + f * (ticks[i] - ticks[i-1])
      }
      return ticks[NR]
    }
    { ts[NR] = $1; ticks[NR] = $c }
    END { if (NR == 0) { print 0; exit } printf "%.3f\n", (at(b) - at(a)) / hz }' "$work/$1.samples"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run LABEL MODE WORKLOAD ROUND: appends "bus workload round requests/s cpu-us jit-free-cpu-us"
# to results, where bus is MODE, or MODE@LABEL when comparing builds.
run() {
  local label="$1" mode="$2" workload="$3" round="$4" name="$1-$2-$3-$4" bus="$2"
  [ "${#labels[@]}" -gt 1 ] && bus="$mode@$label"
  local args=(profile --url "$url" -m demo --concurrency "$CONCURRENCY" --osl 16 --isl 32
    --benchmark-duration "$DURATION" --benchmark-grace-period 10 --warmup-request-count "$WARMUP"
    --ui none --no-server-metrics --artifact-dir "$work/$name")
  [ "$workload" = streamed ] && args+=(--streaming)
  local procs=("$name") waits=()
  case "$mode" in
    inmemory) ;;
    zmq) args+=(--message-bus zmq) ;;
    remote)
      local port w
      port="$(free_port)"
      args+=(--workers-remote "$REMOTE_WORKERS" --zmq-port "$port")
      for w in $(seq "$REMOTE_WORKERS"); do
        (aiperf "$label" service --type worker --controller "tcp://127.0.0.1:$port" \
          ) >"$work/$name-w$w.out" 2>&1 &
        pids+=($!)
        waits+=($!)
        sample "$name-w$w" $! &
        waits+=($!)
        procs+=("$name-w$w")
      done
      ;;
    *) die "unknown mode '$mode' (valid: inmemory zmq remote)" ;;
  esac
  # shellcheck disable=SC2086 # AIPERF_ARGS is a list of flags
  (aiperf "$label" "${args[@]}" $AIPERF_ARGS) >"$work/$name.out" 2>&1 &
  local controller=$!
  pids+=("$controller")
  sample "$name" "$controller" &
  waits+=($!)
  wait "$controller" || die "$name failed: $(tail -n 20 "$work/$name.out")"
  # The workers leave when the run ends; the samplers stop with their processes.
  local p
  for p in "${waits[@]}"; do wait "$p" || true; done
  local json="$work/$name/profile_export_aiperf.json"
  [ -s "$json" ] || die "$name wrote no $json"
  local errors
  errors="$(jq '(.error_summary // []) | map(.count // 1) | add // 0' "$json")"
  [ "$errors" = 0 ] || say "WARNING: $name: $errors failed requests"
  local rate n from to cpu=0 jit=0
  rate="$(jq -r '.request_throughput.avg' "$json")"
  n="$(jq -r '.request_count.avg' "$json")"
  from="$(date -d "$(jq -r .start_time "$json")" +%s.%N)"
  to="$(date -d "$(jq -r .end_time "$json")" +%s.%N)"
  for p in "${procs[@]}"; do
    cpu="$(awk -v a="$cpu" -v b="$(cpu_between "$p" "$from" "$to" 2)" 'BEGIN { print a + b }')"
    jit="$(awk -v a="$jit" -v b="$(cpu_between "$p" "$from" "$to" 3)" 'BEGIN { print a + b }')"
  done
  local us nojit
  us="$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.1f", c * 1e6 / n }')"
  nojit="$(awk -v c="$cpu" -v j="$jit" -v n="$n" 'BEGIN { printf "%.1f", (c - j) * 1e6 / n }')"
  say "round $round, $workload, $bus: $(printf '%.0f' "$rate") requests/s, $us µs CPU/request" \
    "($nojit without the JIT; load average $(cut -d ' ' -f 1 /proc/loadavg))"
  echo "$bus $workload $round $rate $us $nojit" >>"$work/results"
}

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for workload in $WORKLOADS; do
    for mode in $MODES; do
      for label in "${labels[@]}"; do
        run "$label" "$mode" "$workload" "$round"
      done
    done
  done
done
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

echo
echo "Fast mock, --concurrency $CONCURRENCY --osl 16 --isl 32, ${DURATION} s per run after $WARMUP" \
  "warm-up requests, $ROUNDS rounds of the modes back to back; $(nproc) CPUs, load average" \
  "$load_before before and $load_after after. remote = $REMOTE_WORKERS worker JVM(s) over tcp loopback."
echo
echo "| workload | bus | requests/s (per round) | CPU µs/request (without JIT) | ratio to inmemory (per round) | median ratio |"
echo "|---|---|---|---|---|---:|"
awk '
  { rate[$1, $2, $3] = $4; cpu[$1, $2, $3] = $5 " (" $6 ")"; if (!seen[$1]++) modes[++m] = $1
    if (!seenw[$2]++) works[++w] = $2; if ($3 > rounds) rounds = $3 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= w; i++) for (j = 1; j <= m; j++) {
      k = works[i]; b = modes[j]; rs = ""; cs = ""; qs = ""; n = 0
      for (r = 1; r <= rounds; r++) {
        if (!((b, k, r) in rate)) continue
        rs = rs (rs ? ", " : "") sprintf("%.0f", rate[b, k, r])
        cs = cs (cs ? ", " : "") cpu[b, k, r]
        ref = b; sub(/^[a-z]+/, "inmemory", ref) # inmemory, or inmemory@LABEL of the same build
        if ((ref, k, r) in rate) {
          q[++n] = rate[b, k, r] / rate[ref, k, r]
          qs = qs (qs ? ", " : "") sprintf("%.2f", q[n])
        }
      }
      printf "| %s | %s | %s | %s | %s | %s |\n", k, b, rs, cs, qs, n ? sprintf("%.2fx", median(q, n)) : "-"
    }
  }' "$work/results"
