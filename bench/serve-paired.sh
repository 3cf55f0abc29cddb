#!/usr/bin/env bash
# Several server builds in turn against ONE client build, each on a fresh
# SQLite file, so that a server change is measured apart from the client
# (which runs on the same two cores): `prefer serve` from each SERVER binary,
# then CLIENT's `prefer bench serve --url …` (64 clients, 10 s, 2 s warm-up,
# 5 s of static-file requests for the ratio), ROUNDS times round-robin.
#
# Usage: bench/serve-paired.sh CLIENT next|two ROUNDS SERVER...
#   e.g. bench/serve-paired.sh /tmp/prefer-old next 2 /tmp/prefer-old .build/release/prefer
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
        "$client" bench serve --url "http://127.0.0.1:$port" --duration 10 --warmup 2 --static-seconds 5 $next \
            > "$work/out.json" 2>/dev/null
        python3 - "$work/out.json" "$round" "$server" "$mode" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); v = d["votes"]["vote"]
load = open("/proc/loadavg").read().split()[0]
print(sys.argv[2], sys.argv[3], sys.argv[4], "votes/s", v["per_s"], "p50", v["p50_ms"], "p99", v["p99_ms"],
      "ratio", d.get("votes_per_static_request"), "load", load)
PY
        kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$work"
    done
done
