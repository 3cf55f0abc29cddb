#!/usr/bin/env bash
# The data benchmarks of docs/data.md, on a release build:
#   1. import N (default 1,000,000) TRL pairs with texts into a new SQLite arena;
#   2. export them as TRL JSONL;
#   3. the same export as the conversational format, and with a 10% test split.
# Prints one line per step with seconds, rows per second and peak memory (max RSS).
#
# Usage: bench/run-data-bench.sh [N] [DATABASE_URL]
#   DATABASE_URL defaults to a new SQLite file under $TMPDIR; give
#   postgres://… to measure PostgreSQL (the arena is created anew).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/prefer-data-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=${2:-"$work/bench.sqlite"}
data=".build/bench-pairs-$n.jsonl"

# PREFER_BIN=path runs a prefer already built (e.g. a debug one, to check the
# script; the figures that count come from the release build).
if [ -n "${PREFER_BIN:-}" ]; then
    prefer=$PREFER_BIN
else
    swift build -c release --product prefer >&2
    prefer=.build/release/prefer
fi
if [ ! -s "$data" ]; then
    echo "generating $n pairs in $data" >&2
    python3 bench/gen-pairs.py "$n" "$data"
fi
mb=$(( $(stat -c %s "$data") / 1000000 ))
arena="bench-$$"

measure() {  # label, rows, command…
    local label=$1 rows=$2
    shift 2
    local start end rss
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    end=$(date +%s.%N)
    rss=$(tail -n 1 "$work/rss")
    awk -v l="$label" -v s="$start" -v e="$end" -v r="$rows" -v m="$rss" \
        'BEGIN { t = e - s; printf "%-34s %7.2f s  %9.0f rows/s  max RSS %5.0f MB\n", l, t, r / t, m / 1024 }'
}

echo "input: $n pairs, $mb MB ($data); database: ${db%%\?*}"
measure "import pairs (TRL JSONL)" "$n" "$prefer" import pairs "$data" --arena "$arena" --database "$db" --quiet
measure "export pairs --format trl" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl --out "$work/trl.jsonl" --quiet
measure "export pairs --format trl-chat" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl-chat --out "$work/chat.jsonl" --quiet
measure "export pairs --format trl, 10% test" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl --test-fraction 0.1 --out "$work/split" --quiet
echo "rows written (trl): $(wc -l <"$work/trl.jsonl")"
