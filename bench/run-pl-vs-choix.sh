#!/usr/bin/env bash
# Builds prefer (release) and runs bench/pl_vs_choix.py: prefer rank with
# Plackett–Luce and 1,000 bootstrap rounds vs choix's ilsr_rankings run once,
# whole processes, same files, side by side. Arguments go to the script.
# The Python side needs numpy and choix: PYTHON (default /work/pyref/bin/python,
# the project's reference venv), or a venv made here from bench/requirements-pl.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/work/pyref/bin/python}
if [ ! -x "$PY" ]; then
  VENV=bench/out/.venv-pl
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r bench/requirements-pl.txt
  fi
  PY=$VENV/bin/python
fi
swift build -c release --product prefer
exec "$PY" bench/pl_vs_choix.py "$@"
