#!/usr/bin/env python3
"""Reference values for Prefer's rating trajectories on K-way votes.

Writes Tests/PreferTestSupport/testdata/kway-trajectory.jsonl: five days of
votes (bench/kway_votes.py's generator, fixed seeds) on six contenders, with
timestamps; the first day holds pairwise votes only, the next four mix
best-of-K picks, partial and full rankings (K = 3 or 4) with pairwise votes
(ties as half wins); "model-005" enters on day 3. Beside it,
kway-trajectory.expected.json holds, for each point of `--every 1d`
(cumulative) and of `--every 1d --window 2d`, the Plackett–Luce MLE of the
votes the point ranks (those before its end, and after its end minus two days
for the window), on the Elo scale with mean 1000 over the contenders with
votes, from two independent implementations:

  * scipy: BFGS then L-BFGS-B on the hand-written negative log-likelihood of
    bench/pl_reference.py (Plackett–Luce for K-way votes, ties as half wins);
  * choix: ilsr_top1 on the votes broken into their choices (alpha 1e-12).

Run with the project's reference venv:
    /work/pyref/bin/python bench/pl_trajectory_reference.py
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kway_votes import generate, write  # noqa: E402
from pl_reference import OUT, choix_top1, elo, parse, scipy_fit  # noqa: E402

DAY = 86_400
MAY1 = 1_714_521_600  # 2024-05-01T00:00:00Z
NAME = "kway-trajectory"


def rows():
    out = []
    for day in range(5):
        if day == 0:
            spec = dict(pairwise_frac=1.0)
        else:
            spec = dict(k=(3, 4), kinds=("best", "partial", "ranking", "shown-ranking"), pairwise_frac=0.25)
        drawn, _ = generate(6 if day >= 2 else 5, 240, seed=100 + day, ties="half", tie_param=0.3, **spec)
        for i, row in enumerate(drawn):
            row["tstamp"] = MAY1 + day * DAY + 3600 + i * 60
            out.append(row)
    return out


def fit(subset):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        path = f.name
    try:
        write(subset, path)
        stages, pairs, names = parse(path)
    finally:
        os.remove(path)
    scipy = scipy_fit(stages, pairs, len(names), "half")
    choix = elo(choix_top1(stages, pairs, len(names)))
    return {
        "votes": len(subset),
        "kway_votes": sum(1 for r in subset if "model_a" not in r),
        "scipy": dict(zip(names, scipy["ratings"])),
        "choix_ilsr_top1": dict(zip(names, choix)),
        "scipy_gradient": scipy["gradient_norm"],
    }


def main():
    votes = rows()
    write(votes, os.path.join(OUT, NAME + ".jsonl"))
    expected = {"file": NAME + ".jsonl", "cumulative": [], "window_2d": []}
    for day in range(5):
        end = MAY1 + (day + 1) * DAY
        expected["cumulative"].append(dict(end=end, **fit([r for r in votes if r["tstamp"] < end])))
        expected["window_2d"].append(dict(end=end, **fit([r for r in votes if end - 2 * DAY <= r["tstamp"] < end])))
    with open(os.path.join(OUT, NAME + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    for kind in ("cumulative", "window_2d"):
        for point in expected[kind]:
            diff = max(abs(point["scipy"][c] - point["choix_ilsr_top1"][c]) for c in point["scipy"])
            print(kind, point["end"], point["votes"], point["kway_votes"], f"scipy vs choix {diff:.2e}")


if __name__ == "__main__":
    main()
