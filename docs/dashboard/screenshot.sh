#!/usr/bin/env bash
# Makes docs/dashboard/dashboard.png: the live dashboard of a run against the embedded mock server,
# captured in a 120x40 tmux window SHOT_AFTER seconds (25) into the run, drawn by AnsiToPng.java.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
sock="aiperf-shot-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
"$root/bin/aiperf" --help >/dev/null # builds the CLI when needed, before the clock starts
tmux -L "$sock" -f /dev/null new-session -d -s shot -x 120 -y 40 -c "$work" -e LANG=C.UTF-8 \
  "$root/bin/aiperf profile --url mock -m demo --streaming --concurrency 16 --request-count 20000 \
   --osl 100 --mock-error-rate 1 --artifact-dir $work/run; sleep 60"
sleep "${SHOT_AFTER:-25}"
tmux -L "$sock" capture-pane -p -e -t shot > "$work/dashboard.ansi"
tmux -L "$sock" send-keys -t shot C-c
java "$here/AnsiToPng.java" "$work/dashboard.ansi" "$here/dashboard.png" 120
echo "wrote $here/dashboard.png"
