#!/usr/bin/env bash
# The preference-type mixture at scale: `prefer bench mixture` (1M votes from 20,000
# annotators over 100 contenders, T = 1…4 by BIC, then the observed-information
# intervals) on the release build, and the Python reference's seconds per EM
# iteration on the very same votes, for the ratio. Needs /work/pyref (numpy, scipy)
# or PYTHON=... Arguments go to `prefer bench mixture`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/work/pyref/bin/python}
mkdir -p bench/out
swift build -c release --product prefer >/dev/null
.build/release/prefer bench mixture --write bench/out/mixture-1m.csv "$@" | tee bench/out/mixture-bench.json
"$PYTHON" bench/mixture_reference.py iterations bench/out/mixture-1m.csv --types 2 --iterations 5 | tee bench/out/mixture-reference-iterations.json
"$PYTHON" - <<'PY'
import json
mine = json.load(open("bench/out/mixture-bench.json"))
ref = json.load(open("bench/out/mixture-reference-iterations.json"))
per = {e["types"]: e for e in mine["per_type"]}[2]["seconds_per_iteration"]
print(f"EM iteration at T = 2: prefer {per * 1000:.1f} ms, Python reference {ref['seconds_per_iteration'] * 1000:.1f} ms "
      f"(x{ref['seconds_per_iteration'] / per:.1f}); whole fit T = 1..4 with BIC: {mine['fit_s']:.1f} s, "
      f"intervals {mine['intervals_s']:.1f} s, chosen T = {mine['chosen_types']}, accuracy {mine['assignment_accuracy']:.3f}")
PY
