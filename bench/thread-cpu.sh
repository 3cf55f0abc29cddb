#!/usr/bin/env bash
# CPU seconds of a command per thread name, e.g. how much of an import is
# SQLite's thread (SQLiteNIO's pool threads, `TP-#0`, `TP-#1`, summed as `TP`)
# and how much the Swift side (the concurrency pool, `…default-qos`):
#
#   bench/thread-cpu.sh .build/release/prefer import pairs .build/bench-pairs-1000000.jsonl --arena a --database /tmp/a.sqlite --quiet
#
# Polls /proc/PID/task every half second while the command runs and keeps
# each thread's last user + system ticks (a thread's last half second may be
# missed; threads that end early are counted up to their last poll).
set -uo pipefail
"$@" &
pid=$!
declare -A last
while kill -0 "$pid" 2>/dev/null; do
    for task in /proc/"$pid"/task/*; do
        stat=$(cat "$task/stat" 2>/dev/null) || continue
        name=$(sed -E 's/^[0-9]+ \((.*)\) .*/\1/' <<<"$stat")
        read -r -a fields <<<"$(sed -E 's/^.*\) //' <<<"$stat")"
        last["${task##*/} $name"]=$(( fields[11] + fields[12] ))
    done
    sleep 0.5
done
wait "$pid"
status=$?
declare -A by_name
for key in "${!last[@]}"; do
    name=${key#* }
    name=${name%%-#*}
    by_name[$name]=$(( ${by_name[$name]:-0} + ${last[$key]} ))
done
for name in "${!by_name[@]}"; do
    awk -v n="$name" -v t="${by_name[$name]}" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%-20s %7.2f s\n", n, t / h }'
done | sort -k2 -nr >&2
exit "$status"
