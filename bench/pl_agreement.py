#!/usr/bin/env python3
"""Agreement table for docs/models.md: `prefer rank` (the release binary)
against the reference values bench/pl_reference.py wrote beside the test
files in Tests/PreferTestSupport/testdata (choix; scipy's direct
maximisation), and Plackett-Luce against Bradley-Terry on pairwise files.

    bench/pl_agreement.py        (PREFER=path/to/prefer to use another binary)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "Tests", "PreferTestSupport", "testdata")
PREFER = os.environ.get("PREFER", os.path.join(ROOT, ".build", "release", "prefer"))


def rank(name, *extra):
    # --include-flagged: the references fit every vote; the audit would drop some voters' votes.
    proc = subprocess.run([PREFER, "rank", os.path.join(DATA, name), "--format", "json", "--quiet",
                           "--include-flagged", *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"prefer rank {name} {' '.join(extra)} failed:\n{proc.stderr}")
    board = json.loads(proc.stdout)
    return {c["name"]: c["rating"] for c in board["contenders"]}, board["method"]


def diff(mine, ref):
    assert set(mine) == set(ref), (sorted(mine), sorted(ref))
    return max(abs(mine[k] - ref[k]) for k in ref)


def main():
    rows = []
    for name in ("kway-rankings", "kway-mixed", "kway-weighted", "ties-low", "ties-davidson", "ties-raokupper", "ties-mixed"):
        with open(os.path.join(DATA, name + ".expected.json")) as f:
            expected = json.load(f)
        mine, method = rank(name + ".jsonl")
        share = f"{100 * expected['tie_share']:.0f}%" if expected["tie_share"] else "–"
        kinds = f"{method.get('kway_votes', 0):,} K-way + {method.get('pairwise_votes', method.get('votes', 0)):,} pairwise"
        for key, label in (("choix_ilsr_rankings", "choix ilsr_rankings"), ("choix_opt_rankings", "choix opt_rankings"),
                           ("choix_ilsr_top1", "choix ilsr_top1 (votes as choices)"), ("scipy_half", "scipy, ties as half wins")):
            if key in expected:
                rows.append((name, kinds, share, method["model"], "half", label, diff(mine, expected[key]), None))
        for ties, key in (("davidson", "scipy_davidson"), ("rao-kupper", "scipy_rao_kupper")):
            if key in expected:
                mine_t, method_t = rank(name + ".jsonl", "--ties", ties)
                ref = expected[key]
                rows.append((name, kinds, share, method_t["model"], ties, "scipy", diff(mine_t, ref["ratings"]),
                             abs(method_t["tie_parameter"] - ref["tie_parameter"])))
    print("| file | votes | ties | model | ties as | reference | max rating diff | tie parameter diff |")
    print("|---|---|---:|---|---|---|---:|---:|")
    for r in rows:
        tie = f"{r[7]:.1e}" if r[7] is not None else "–"
        print(f"| `{r[0]}.jsonl` | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]:.1e} Elo | {tie} |")
    print()
    print("| pairwise file | max |Plackett–Luce − Bradley–Terry| |")
    print("|---|---:|")
    for name in ("arena-basic.jsonl", "arena-sparse.jsonl", "arena-lmarena.json", "degenerate-undefeated.jsonl",
                 "degenerate-disconnected.jsonl"):
        pl, _ = rank(name, "--model", "plackett-luce")
        bt, _ = rank(name, "--model", "bradley-terry")
        print(f"| `{name}` | {diff(pl, bt):.1e} Elo |")


if __name__ == "__main__":
    main()
