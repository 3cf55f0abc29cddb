#!/usr/bin/env bash
# Builds PreferCore alone (a scratch package linking this checkout's sources)
# with bench/route-criteria/main.swift, release, and runs it for each seed given
# (default 1 2 3). Prints, per routing criterion and human budget, the hybrid
# leaderboard's distance from the human one (Elo) and the labels' agreement.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${TMPDIR:-/tmp}/prefer-route-criteria
mkdir -p "$scratch/Sources" "$scratch/Exp"
ln -sfn "$root/Sources/PreferCore" "$scratch/Sources/PreferCore"
ln -sfn "$root/bench/route-criteria/main.swift" "$scratch/Exp/main.swift"
cat > "$scratch/Package.swift" <<'PKG'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "RouteCriteria", targets: [
    .target(name: "PreferCore"),
    .executableTarget(name: "Exp", dependencies: ["PreferCore"], path: "Exp"),
])
PKG
(cd "$scratch" && swift build -c release --product Exp >&2)
for seed in "${@:-1 2 3}"; do
    for s in $seed; do
        echo "seed $s"
        "$scratch/.build/release/Exp" "$s"
    done
done
