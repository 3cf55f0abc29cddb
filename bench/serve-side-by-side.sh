#!/usr/bin/env bash
# The server benchmark of two builds in one run, so that a change is measured
# against the binary it replaces on the same machine at the same time (absolute
# figures move 2× between these shared machines).
#
# Usage: bench/serve-side-by-side.sh OLD_PREFER NEW_PREFER [DURATION_S]
#   e.g. bench/serve-side-by-side.sh /tmp/old/.build/release/prefer .build/release/prefer
# Prints, for each binary, two rounds of `prefer bench serve` (64 clients
# drawing a battle and voting, SQLite), then the new binary with ?next=true and
# its ratio to static-file requests, then leaderboards served from the cache
# with 1M stored votes on 100 contenders. JSON, one object per phase.
set -euo pipefail
old="$1"
new="$2"
duration="${3:-10}"
for round in 1 2; do
    echo "== round $round: old, battle then vote"; "$old" bench serve --duration "$duration" 2>/dev/null
    echo "== round $round: new, battle then vote"; "$new" bench serve --duration "$duration" 2>/dev/null
done
echo "== new, vote?next=true, with the static-file ratio"
"$new" bench serve --duration "$duration" --next --static-seconds 5 2>/dev/null
echo "== old, leaderboard with 1M votes"
"$old" bench serve --duration 1 --warmup 0 --leaderboard-votes 1000000 --leaderboard-contenders 100 2>/dev/null
echo "== new, leaderboard with 1M votes"
"$new" bench serve --duration 1 --warmup 0 --leaderboard-votes 1000000 --leaderboard-contenders 100 2>/dev/null
