#!/usr/bin/env python3
"""Reference for Prefer's contested-item analysis (`prefer items`), written
independently of the Swift code, and the generator of the file its tests read.

Items are (question_id, unordered pair). Per item with n votes and s for the
first contender (ties half; the first is the one that appears first in the
file), the crowd's rate has posterior Beta(1 + s, 1 + n − s) (scipy.stats.beta):
strength = posterior probability of the majority side; contested when
n ≥ 5 and the majority share ≤ 0.65; the Bradley–Terry MLE on all votes
(scipy L-BFGS) gives the model probability of the majority side; easy when
strength ≥ 0.9 or model probability ≥ 0.75 (with a majority), hard otherwise.
A decisive vote is likely mislabelled when the item's other votes favour the
other side with strength ≥ 0.95 and the model gives that side ≥ 0.5.

The generated file has 8 contenders, 150 prompts, items with 1–9 votes from
a pool of annotators, items where people genuinely split (p = ½), and a few
planted flipped votes on items with a strong consensus.

Usage: items_reference.py testdata
"""
import csv
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from scipy.stats import beta

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(os.path.dirname(HERE), "Tests", "PreferTestSupport", "testdata")


def generate(seed=9):
    rng = np.random.default_rng(seed)
    names = [f"model-{k}" for k in range(8)]
    theta = np.linspace(1.2, -1.2, 8)
    rows = []
    planted = []
    for q in range(150):
        i, j = rng.choice(8, size=2, replace=False)
        kind = rng.choice(["model", "split", "consensus"], p=[0.6, 0.2, 0.2])
        n = int(rng.integers(1, 10))
        if kind == "model":
            p = expit(theta[i] - theta[j])
        elif kind == "split":
            p = 0.5
            n = max(n, 6)
        else:
            p = 0.97 if rng.random() < 0.5 else 0.03
            n = max(n, 6)
        for v in range(n):
            x = rng.random()
            tie = rng.random() < 0.1 and kind != "consensus"
            w = "tie" if tie else ("model_a" if x < p else "model_b")
            a, b = (i, j) if rng.random() < 0.5 else (j, i)
            if w != "tie" and (a, b) == (j, i):
                w = "model_b" if w == "model_a" else "model_a"
            if kind == "consensus" and v == 0:
                # A planted flip: against the consensus.
                w = "model_b" if p > 0.5 else "model_a"
                if (a, b) == (j, i):
                    w = "model_b" if w == "model_a" else "model_a"
                planted.append(len(rows))
            rows.append((f"q{q:03d}", f"r{int(rng.integers(40)):02d}", names[a], names[b], w))
    return rows, planted


def analyse(rows):
    names = []
    for r in rows:
        for x in (r[2], r[3]):
            if x not in names:
                names.append(x)
    idx = {n: k for k, n in enumerate(names)}
    n = len(names)
    # Bradley–Terry MLE, ties half.
    I, J, Y = [], [], []
    for _, _, a, b, w in rows:
        I.append(idx[a])
        J.append(idx[b])
        Y.append({"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[w])
    I, J, Y = map(np.array, (I, J, Y))

    def f(th):
        x = th[I] - th[J]
        return -(Y * log_expit(x) + (1 - Y) * log_expit(-x)).sum()

    def g(th):
        r = Y - expit(th[I] - th[J])
        return -(np.bincount(I, r, n) - np.bincount(J, r, n))

    th = minimize(f, np.zeros(n), jac=g, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10}).x
    items = {}
    order = []
    for row, (q, voter, a, b, w) in enumerate(rows):
        i, j = sorted((idx[a], idx[b]))
        key = (q, i, j)
        if key not in items:
            items[key] = []
            order.append(key)
        y = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[w]
        items[key].append((row, y if idx[a] == i else 1 - y, w == "tie"))
    out_items = []
    mislabelled = []
    for key in order:
        q, i, j = key
        votes = items[key]
        nv = len(votes)
        s = sum(y for _, y, _ in votes)
        share = s / nv
        p_first = beta.sf(0.5, 1 + s, 1 + nv - s)
        if share > 0.5:
            strength, majority, model = p_first, names[i], expit(th[i] - th[j])
        elif share < 0.5:
            strength, majority, model = 1 - p_first, names[j], expit(th[j] - th[i])
        else:
            strength, majority, model = 0.5, None, expit(th[i] - th[j])
        contested = nv >= 5 and max(share, 1 - share) <= 0.65
        if contested:
            difficulty = "contested"
        elif majority is not None and (strength >= 0.9 or model >= 0.75):
            difficulty = "easy"
        else:
            difficulty = "hard"
        out_items.append({"item": q, "a": names[i], "b": names[j], "votes": nv, "strength": float(strength),
                          "majority": majority, "model_probability": float(model), "contested": contested,
                          "difficulty": difficulty})
        if nv >= 2:
            for row, y, tie in votes:
                if tie:
                    continue
                rest = s - y
                m = nv - 1
                p_rest_first = beta.sf(0.5, 1 + rest, 1 + m - rest)
                against = 1 - p_rest_first if y == 1 else p_rest_first
                model_against = expit(th[j] - th[i]) if y == 1 else expit(th[i] - th[j])
                if against >= 0.95 and model_against >= 0.5:
                    mislabelled.append(row)
    return {"items": out_items, "mislabelled_rows": mislabelled,
            "ratings": {names[k]: 1000 + 400 / np.log(10) * float(th[k] - th.mean()) for k in range(n)}}


def main():
    if sys.argv[1:] != ["testdata"]:
        sys.exit(__doc__)
    rows, planted = generate()
    with open(os.path.join(TESTDATA, "items-repeated.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["question_id", "voter", "model_a", "model_b", "winner"])
        w.writerows(rows)
    out = analyse(rows)
    out["planted_flips"] = planted
    with open(os.path.join(TESTDATA, "items-repeated.expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    kinds = {}
    for item in out["items"]:
        kinds[item["difficulty"]] = kinds.get(item["difficulty"], 0) + 1
    found = set(out["mislabelled_rows"])
    print(f"{len(rows)} votes, {len(out['items'])} items: {kinds}; mislabelled {len(found)} "
          f"({len(found & set(planted))} of {len(planted)} planted flips)")


if __name__ == "__main__":
    main()
