#!/usr/bin/env bash
# The data benchmarks of docs/data.md, on a release build:
#   1. import N (default 1,000,000) TRL pairs with texts into a new SQLite arena;
#   2. export them as TRL JSONL;
#   3. the same export as the conversational format, and with a 10% test split;
#   4. prefer drivers on N LMArena-shaped votes with texts (bench/gen_drivers_votes.py;
#      skipped with DRIVERS=0).
# Prints one line per step with wall seconds, CPU seconds (user + system: on a
# shared machine the steadier figure), rows per second and peak memory (max
# RSS), after the load average at the start.
#
# Usage: bench/run-data-bench.sh [N] [DATABASE_URL]
#   DATABASE_URL defaults to a new SQLite file under $TMPDIR; give
#   postgres://… to measure PostgreSQL (the arena is created anew; each step
#   then also prints the server's CPU seconds, when it runs on this machine).
#   EXPORTS=0 skips the export steps, DRIVERS=0 the drivers step.
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
mb=$(( $(stat -L -c %s "$data") / 1000000 ))
arena="bench-$$"

# CPU seconds used so far by the PostgreSQL server of $db if it runs on this
# machine (its postmaster found by the URL's port): user + system of the
# postmaster and its children, plus what its ended children — the backends —
# left in the postmaster's cutime/cstime; empty when the database is not
# PostgreSQL or the server is elsewhere.
server_cpu() {
    case "$db" in postgres*) ;; *) return 0 ;; esac
    local ticks=0 pid stat postmaster port
    port=$(sed -E 's|.*@[^:/]+:([0-9]+)/.*|\1|' <<<"$db")
    postmaster=$(pgrep -o -f -- "postgres .*-p $port " || true)
    [ -n "$postmaster" ] || return 0
    for pid in $postmaster $(pgrep -P "$postmaster" || true); do
        stat=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || continue
        set -- $stat
        ticks=$(( ticks + ${12} + ${13} ))
        if [ "$pid" = "$postmaster" ]; then ticks=$(( ticks + ${14} + ${15} )); fi
    done
    awk -v t="$ticks" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / h }'
}

measure() {  # label, rows, command…
    local label=$1 rows=$2
    shift 2
    local start end rss cpu before after
    before=$(server_cpu)
    start=$(date +%s.%N)
    /usr/bin/time -f "%M %U %S" -o "$work/rss" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    end=$(date +%s.%N)
    after=$(server_cpu)
    read -r rss user sys < <(tail -n 1 "$work/rss")
    awk -v l="$label" -v s="$start" -v e="$end" -v r="$rows" -v m="$rss" -v u="$user" -v k="$sys" -v b="$before" -v a="$after" \
        'BEGIN { t = e - s; printf "%-34s %7.2f s  (CPU %6.2f s%s)  %9.0f rows/s  max RSS %5.0f MB\n", l, t, u + k,
                 (b == "" ? "" : sprintf("; server CPU %.2f s", a - b)), r / t, m / 1024 }'
}

echo "input: $n pairs, $mb MB ($data); database: ${db%%\?*}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
measure "import pairs (TRL JSONL)" "$n" "$prefer" import pairs "$data" --arena "$arena" --database "$db" --quiet
if [ "${EXPORTS:-1}" != 0 ]; then
measure "export pairs --format trl" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl --out "$work/trl.jsonl" --quiet
measure "export pairs --format trl-chat" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl-chat --out "$work/chat.jsonl" --quiet
measure "export pairs --format trl, 10% test" "$n" "$prefer" export pairs --arena "$arena" --database "$db" --format trl --test-fraction 0.1 --out "$work/split" --quiet
echo "rows written (trl): $(wc -l <"$work/trl.jsonl")"
fi

if [ "${DRIVERS:-1}" != 0 ]; then
    votes=".build/bench-drivers-$n.jsonl"
    if [ ! -s "$votes" ]; then
        echo "generating $n votes with texts in $votes" >&2
        python3 bench/gen_drivers_votes.py "$votes" --votes "$n"
    fi
    echo "drivers input: $n votes with texts, $(( $(stat -c %s "$votes") / 1000000 )) MB ($votes)"
    measure "drivers (votes with texts)" "$n" "$prefer" drivers "$votes" --format json --quiet
fi
