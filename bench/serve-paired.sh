#!/usr/bin/env bash
# Several server builds in turn against ONE client build, each on a fresh
# SQLite file, so that a server change is measured apart from the client
# (which runs on the same two cores): `prefer serve` from each SERVER binary,
# then CLIENT's `prefer bench serve --url …` (64 clients, 10 s, 2 s warm-up,
# 5 s of static-file requests for the ratio), ROUNDS times round-robin.
#
# Usage: bench/serve-paired.sh CLIENT next|two ROUNDS SERVER...
#   e.g. bench/serve-paired.sh /tmp/prefer-old next 2 /tmp/prefer-old .build/release/prefer
# CLIENT `wrk` uses wrk instead (apt-get install wrk): 5 s of the static file
# /assets/prefer.js (after 2 s of it unmeasured: the first seconds after a
# start gave 18k–26k requests/s for one binary, a yardstick too loose for a
# ratio), then 10 s of bench/wrk-vote.lua, 2 threads, 64
# connections, then 5 s of the static file again — the issue's own yardstick,
# the mean of the two static rates (the machine's speed drifts within a run:
# one binary's votes/s moved 7.2k→5.3k over four minutes); its p50/p99 are over all the vote
# run's requests (in `next` mode all votes but the first 64 battles drawn).
# Prints one line per run: round, server, mode, votes/s, vote p50 and p99, votes per static request, load.
set -u
client=$1; mode=$2; rounds=$3; shift 3
next=""; [ "$mode" = next ] && next="--next"
for round in $(seq 1 "$rounds"); do
    for server in "$@"; do
        work=$(mktemp -d)
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        "$server" serve --port "$port" --database "$work/p.sqlite" > "$work/log" 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
        if [ "$client" = wrk ]; then
            wrk -t2 -c64 -d2s "http://127.0.0.1:$port/assets/prefer.js" > /dev/null
            wrk -t2 -c64 -d5s "http://127.0.0.1:$port/assets/prefer.js" > "$work/static.txt"
            wrk -t2 -c64 -d10s --latency -s "$(dirname "$0")/wrk-vote.lua" "http://127.0.0.1:$port" -- $mode > "$work/vote.txt"
            wrk -t2 -c64 -d5s "http://127.0.0.1:$port/assets/prefer.js" > "$work/static-after.txt"
            python3 - "$work" "$round" "$server" "$mode" <<'PY'
import re, sys
work = sys.argv[1]
def rate(name):
    return float(re.search(r"Requests/sec:\s+([\d.]+)", open(work + "/" + name).read()).group(1))
static = (rate("static.txt") + rate("static-after.txt")) / 2
text = open(work + "/vote.txt").read()
votes = float(re.search(r"votes/s (\d+)", text).group(1))
def ms(label):
    value, unit = re.search(label + r"%\s+([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)
load = open("/proc/loadavg").read().split()[0]
print(sys.argv[2], sys.argv[3], sys.argv[4] + " (wrk)", "votes/s", int(votes), "p50", ms(" 50"), "p99", ms(" 99"),
      "ratio", round(votes / static, 3), "static/s", int(static), "load", load)
PY
        else
            "$client" bench serve --url "http://127.0.0.1:$port" --duration 10 --warmup 2 --static-seconds 5 $next \
                > "$work/out.json" 2>/dev/null
            python3 - "$work/out.json" "$round" "$server" "$mode" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); v = d["votes"]["vote"]
load = open("/proc/loadavg").read().split()[0]
print(sys.argv[2], sys.argv[3], sys.argv[4], "votes/s", v["per_s"], "p50", v["p50_ms"], "p99", v["p99_ms"],
      "ratio", d.get("votes_per_static_request"), "load", load)
PY
        fi
        kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$work"
    done
done
