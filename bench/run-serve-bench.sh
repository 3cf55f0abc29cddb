#!/usr/bin/env bash
# The server load benchmark of README's "Performance" section: `prefer bench
# serve` (64 clients drawing battles and voting over keep-alive HTTP/1.1 on
# loopback, against a `prefer serve` it starts) on SQLite and on PostgreSQL,
# then leaderboard requests from the cache with 1M stored votes on 100
# contenders. Prints one JSON object per phase to stdout.
#
# Usage: bench/run-serve-bench.sh [DURATION_S]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
swift build -c release --product prefer >&2
prefer="$PWD/.build/release/prefer"

echo "== SQLite (temporary file, WAL, synchronous=FULL)" >&2
"$prefer" bench serve --duration "$duration"

echo "== PostgreSQL (private server from scripts/with-postgres)" >&2
scripts/with-postgres bash -c '
    db="prefer_bench_$$"
    psql "$PREFER_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >&2
    "$0" bench serve --duration "$1" --database "${PREFER_TEST_POSTGRES_URL/\/postgres?//$db?}"
' "$prefer" "$duration"

echo "== Leaderboard from the cache, 1M votes on 100 contenders (SQLite)" >&2
"$prefer" bench serve --duration 1 --warmup 0 --leaderboard-votes 1000000 --leaderboard-contenders 100
