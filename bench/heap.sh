#!/usr/bin/env bash
# A run's heap (issue #18: "a streaming run at the client's ceiling ends within 1.2x its benchmark
# window, with heap bounded"): one streamed run at the client's ceiling against the embedded fast
# mock, in a small heap, with the collector's log on. Reported: the heap after each collection
# (its largest, and the last one of the load), the number of collections, whether the JVM ran
# out of memory, the wall time against the window, and the result's notes on the time-weighted
# curves.
#
# Usage: bench/heap.sh [JAR]   (default: the CLI's jar, built when missing or stale)
# Environment: DURATION=60 HEAP=256m CONCURRENCY=64 OSL=200 ISL=32 OUT=<temporary directory>
#   EXTRA="" (more profile options, e.g. --slice-duration 5)
set -euo pipefail
say() { echo "heap.sh: $*" >&2; }
die() { say "$*"; exit 1; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
jar="${1:-$(bench_cli_jar "$root" -o -B)}"
duration="${DURATION:-60}"
out="${OUT:-$(mktemp -d /tmp/aiperf-heap.XXXXXX)}"
mkdir -p "$out"
say "jar $jar, output in $out, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
set +e
(cd "$out" && java -Xmx"${HEAP:-256m}" -Xlog:gc:file="$out/gc.log" -jar "$jar" profile \
  --url mock --mock-fast -m demo --streaming --concurrency "${CONCURRENCY:-64}" \
  --benchmark-duration "$duration" --osl "${OSL:-200}" --isl "${ISL:-32}" ${EXTRA:-} \
  >"$out/stdout.txt" 2>"$out/stderr.txt")
rc=$?
set -e
end=$(date +%s.%N)
# G1's lines: "... Pause Young (Normal) (G1 Evacuation Pause) 120M->38M(256M) 5.1ms"
after=$(grep -o '[0-9]*M->[0-9]*M' "$out/gc.log" | sed 's/.*->//; s/M//' || true)
echo "exit code:            $rc"
echo "wall / window:        $(echo "($end - $start) / $duration" | bc -l | cut -c1-5)x"
echo "collections:          $(echo "$after" | grep -c . || true)"
echo "heap after GC, max:   $(echo "$after" | sort -n | tail -n 1) MB"
echo "heap after GC, last:  $(echo "$after" | tail -n 1) MB"
echo "out of memory:        $(grep -c OutOfMemoryError "$out/stderr.txt" "$out/stdout.txt" \
  | awk -F: '{s += $2} END {print s}')"
grep -h -i "time-weighted\|chunk gaps" "$out/stdout.txt" "$out/stderr.txt" | head -n 5 || true
grep -h "Request Count\|request_count\|Request Throughput" "$out/stdout.txt" | head -n 3 || true
