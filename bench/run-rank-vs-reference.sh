#!/usr/bin/env bash
# Builds prefer (release), sets up the Python reference's virtualenv, and runs
# bench/rank_vs_reference.py: prefer rank vs reference_bt.py smart-newton,
# whole processes, same files, side by side. Arguments go to the script.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${PREFER_REFERENCE:-../shared/reference}
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$REF/requirements.txt"
fi
swift build -c release --product prefer
exec "$VENV/bin/python" bench/rank_vs_reference.py "$@"
