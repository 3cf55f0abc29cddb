#!/usr/bin/env python3
"""Where the audit's random-clicker recall goes, on one simulated arena.

Usage: bench/audit-random-clicker-gap.py [PREFER] [SEED]
Runs `prefer audit --simulate --arenas 1 --honest-voters 4000 --bad-voters 150
--write F` (the oracle's figures), then `prefer audit F --format json` on the
written votes, and prints: honest voters flagged and by which signal, the
audit's recall of random clickers, and the recall it would have if it spent
all of its false flags on the consensus signal (ranking voters by the
consensus p-value), at the same number of honest voters flagged.
"""
import collections
import json
import subprocess
import sys
import tempfile

prefer = sys.argv[1] if len(sys.argv) > 1 else ".build/release/prefer"
seed = sys.argv[2] if len(sys.argv) > 2 else "1"
with tempfile.TemporaryDirectory() as tmp:
    votes = f"{tmp}/votes.jsonl"
    table = subprocess.run(
        [prefer, "audit", "--simulate", "--seed", seed, "--arenas", "1",
         "--honest-voters", "4000", "--bad-voters", "150", "--write", votes],
        check=True, capture_output=True, text=True).stdout
    for line in table.splitlines():
        if line.startswith("| random clicker") or line.startswith("| honest"):
            print("simulate:", line)
    audit = json.loads(subprocess.run(
        [prefer, "audit", votes, "--format", "json"], check=True, capture_output=True, text=True).stdout)
    kinds = json.load(open(votes + ".kinds.json"))["kinds"]

rows = []
for v in audit["voters"]:
    c = v["scores"]["consensus"]
    p = c.get("p_value_all_votes")
    rows.append((kinds[v["voter"]], 1.0 if p is None else p, v["flagged"], v["reasons"]))
honest = [r for r in rows if r[0] == "honest"]
clickers = [r for r in rows if r[0] == "random_clicker"]
false_flags = sum(r[2] for r in honest)
by_signal = collections.Counter(" ".join(r[3][0].split()[:3]) for r in honest if r[2])
print(f"honest voters flagged: {false_flags} of {len(honest)}; first reasons: {dict(by_signal)}")
print(f"audit recall of random clickers: {sum(r[2] for r in clickers) / len(clickers):.1%}")
cut = sorted(r[1] for r in honest)[false_flags - 1] if false_flags else 0
print(f"consensus p-value alone at {false_flags} honest flags: "
      f"{sum(r[1] <= cut for r in clickers) / len(clickers):.1%}")
