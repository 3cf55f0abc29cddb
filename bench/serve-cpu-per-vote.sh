#!/usr/bin/env bash
# Server CPU time per vote (battle + vote), robust to other load on the machine:
# starts BINARY's `prefer serve` on a fresh SQLite file, drives it with the
# client binary, and divides the server process's user+system time by the votes.
# Usage: bench/serve-cpu-per-vote.sh SERVER_BINARY CLIENT_BINARY [--next]
# With PREFER_TEST_POSTGRES_URL set (scripts/with-postgres bench/serve-cpu-per-vote.sh …)
# the server runs on a fresh PostgreSQL database of that server instead; the
# figure is then the Prefer process's CPU only, not PostgreSQL's.
set -euo pipefail
server_bin=$1; client=$2; shift 2
work=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
database="$work/p.sqlite"; dropdb=:
if [ -n "${PREFER_TEST_POSTGRES_URL:-}" ]; then
    name="prefer_cpu_$(date +%s%N)"
    psql "$PREFER_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name" > /dev/null
    database="${PREFER_TEST_POSTGRES_URL%/*}/$name"
    dropdb="psql $PREFER_TEST_POSTGRES_URL -qc 'DROP DATABASE IF EXISTS $name WITH (FORCE)'"
fi
"$server_bin" serve --port "$port" --database "$database" > "$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; eval "$dropdb" > /dev/null 2>&1; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
ticks() { awk '{print $14+$15}' /proc/$pid/stat; }
# warm-up run, then the measured one
"$client" bench serve --url "http://127.0.0.1:$port" --duration 3 --warmup 1 --static-seconds 0 "$@" > /dev/null 2>&1
t0=$(ticks)
"$client" bench serve --url "http://127.0.0.1:$port" --duration 10 --warmup 0 --static-seconds 0 "$@" > "$work/out.json" 2>/dev/null
t1=$(ticks)
python3 - "$work/out.json" "$t0" "$t1" <<'PY'
import json,sys,os
d=json.load(open(sys.argv[1])); hz=os.sysconf('SC_CLK_TCK')
votes=d['votes']['vote']['count']; cpu=(int(sys.argv[3])-int(sys.argv[2]))/hz
print(json.dumps({"votes":votes,"per_s":d['votes']['vote']['per_s'],"server_cpu_s":round(cpu,2),"cpu_us_per_vote":round(cpu/votes*1e6,1),"p99_ms":d['votes']['vote']['p99_ms']}))
PY
