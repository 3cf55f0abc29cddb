#!/usr/bin/env bash
# The Python step for the data exports: imports small datasets in the real
# formats with the built prefer, exports them in every training format, and
# loads the files with Hugging Face `datasets` (Tests/python/check_exports.py).
#
# The venv lives in .build/python-venv (created once, reused); `datasets` is
# installed into it from PyPI the first time. Expects a built prefer (debug by
# default; PREFER_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.build/python-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import datasets" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "datasets>=2.14"
fi
prefer=${PREFER_BIN:-.build/debug/prefer}
[ -x "$prefer" ] || { echo "run-export-checks: $prefer is not built (swift build first)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/prefer-export-checks.XXXXXX")
trap 'rm -rf "$work"' EXIT
db="$work/checks.sqlite"
"$venv/bin/python" Tests/python/make_datasets.py "$work/in"
"$prefer" import pairs "$work/in/hh.jsonl" --arena hh --database "$db" --quiet >/dev/null
"$prefer" import pairs "$work/in/chat.jsonl" --arena chat --database "$db" --quiet >/dev/null
"$prefer" import ratings "$work/in/ultrafeedback.jsonl" --arena uf --database "$db" --binarize best-vs-worst --source judge --quiet >/dev/null
mkdir -p "$work/out"
"$prefer" export pairs --arena hh --database "$db" --format trl --out "$work/out/trl.jsonl" --quiet
"$prefer" export pairs --arena chat --database "$db" --format trl-chat --out "$work/out/chat.jsonl" --quiet
"$prefer" export pairs --arena hh --database "$db" --format reward --out "$work/out/reward.jsonl" --quiet
"$prefer" export pairs --arena hh --database "$db" --format kto --out "$work/out/kto.jsonl" --quiet
"$prefer" export pairs --arena uf --database "$db" --format trl --out "$work/out/uf.jsonl" --quiet
"$prefer" export pairs --arena hh --database "$db" --format trl --test-fraction 0.3 --seed 7 --out "$work/out/split" --quiet
HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 HF_DATASETS_CACHE="$work/hf-cache" "$venv/bin/python" Tests/python/check_exports.py "$work/out"
