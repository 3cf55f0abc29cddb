#!/usr/bin/env bash
# Where a PostgreSQL import's backend spends the import (docs/data.md, "Import
# speed on PostgreSQL"): runs `prefer import pairs FILE` into a new arena of
# the PostgreSQL server at $PREFER_TEST_POSTGRES_URL (on this machine), samples
# the COPY backend's state every 50 ms (/proc/PID/stat and /proc/PID/wchan:
# R = running or runnable, S do_epoll_wait = waiting for the client's next
# data, D = waiting on the disk) and prints the counts, then the backend's and
# prefer's CPU seconds.
#
# Usage: scripts/with-postgres bench/pg-import-states.sh [PREFER] [FILE]
#   PREFER defaults to .build/release/prefer, FILE to .build/bench-pairs-1000000.jsonl
#   (bench/run-data-bench.sh 1000000 makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
prefer=${1:-.build/release/prefer}
file=${2:-.build/bench-pairs-1000000.jsonl}
url=${PREFER_TEST_POSTGRES_URL:?run under scripts/with-postgres}
port=$(sed -E 's|.*@[^:/]+:([0-9]+)/.*|\1|' <<<"$url")
postmaster=$(pgrep -o -f -- "postgres .*-p $port ")
cpu() { local stat; stat=$(cut -d')' -f2- "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; set -- $stat; echo $(( ${12} + ${13} )); }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
"$prefer" import pairs "$file" --arena "states-$$" --database "$url" --quiet >/dev/null &
import=$!
backend=""
for _ in $(seq 1 100); do
    backend=$(pgrep -P "$postmaster" -f "COPY" | head -1 || true)
    [ -n "$backend" ] && break
    sleep 0.1
done
[ -n "$backend" ] || { echo "no COPY backend appeared" >&2; wait "$import"; exit 1; }
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
backend_cpu=0 prefer_cpu=0
while kill -0 "$import" 2>/dev/null && [ -r "/proc/$backend/stat" ]; do
    state=$(cut -d')' -f2- "/proc/$backend/stat" 2>/dev/null | awk '{print $1}') || break
    echo "$state $(cat "/proc/$backend/wchan" 2>/dev/null || echo '?')" >>"$samples"
    backend_cpu=$(cpu "$backend"); prefer_cpu=$(cpu "$import")
    sleep 0.05
done
wait "$import"
echo "backend states ($(wc -l <"$samples") samples, 50 ms apart):"
sort "$samples" | uniq -c | sort -rn | head -10
awk -v b="$backend_cpu" -v p="$prefer_cpu" -v h="$(getconf CLK_TCK)" \
    'BEGIN { printf "CPU seconds until the last sample: backend %.2f, prefer %.2f\n", b / h, p / h }'
