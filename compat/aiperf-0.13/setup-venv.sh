#!/usr/bin/env bash
# Makes a Python virtual environment with AIPerf 0.13.0 from PyPI, the reference our export files
# are checked against (aiperf-cli's AiperfReadsOurFilesIT runs AIPerf's own loaders and
# `aiperf plot` on our artifact directories). Prints the venv's python on its last line.
#
# Usage: compat/aiperf-0.13/setup-venv.sh [VENV_DIR]   (default ~/.cache/aiperf-java/venv-aiperf-0.13)
# Needs python3 (3.10+) with venv; `aiperf plot` also needs a Chromium to render PNGs.
set -euo pipefail
venv="${1:-$HOME/.cache/aiperf-java/venv-aiperf-0.13}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import aiperf' 2>/dev/null \
    || [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("aiperf"))')" != 0.13.0 ]; then
  echo "setup-venv: installing aiperf==0.13.0 into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "aiperf==0.13.0"
fi
echo "$venv/bin/python"
