"""Reference values for the slices/groups/weighting tests (Tests/PreferCoreTests/SliceTests.swift).

Independent of Prefer: Kendall's tau-b from scipy, post-stratification weights and Kish's
effective sample size from numpy, and the weighted Bradley-Terry maximum-likelihood fit
(ties as half a win, Elo scale, centred on 1000) by direct numerical maximisation with scipy.

Run: /work/pyref/bin/python bench/slices_reference.py > Tests/PreferTestSupport/testdata/slices-reference.json
"""
import json
import math

import numpy as np
from scipy import optimize, stats

rng = np.random.default_rng(20240611)

# --- Kendall tau-b, with and without ties ---------------------------------------------------
tau_cases = []
for n, ties in [(5, False), (8, True), (12, False), (20, True), (40, True)]:
    if ties:
        x = rng.integers(0, max(2, n // 3), size=n).astype(float)
        y = rng.integers(0, max(2, n // 3), size=n).astype(float)
    else:
        x = rng.normal(size=n)
        y = x + rng.normal(scale=1.0, size=n)
    tau = stats.kendalltau(x, y, variant="b").statistic
    tau_cases.append({"x": x.tolist(), "y": y.tolist(), "tau_b": float(tau)})

# --- A small arena with an annotator attribute -------------------------------------------------
contenders = ["alpha", "beta", "gamma", "delta"]
strength = {"alpha": 0.6, "beta": 0.2, "gamma": -0.1, "delta": -0.7}
groups = {"US": 40, "FR": 16, "JP": 8}
votes = []
for country, count in groups.items():
    # JP reverses alpha and delta, so that the weighting moves the board.
    s = dict(strength)
    if country == "JP":
        s["alpha"], s["delta"] = s["delta"], s["alpha"]
    for k in range(count):
        i, j = rng.choice(4, size=2, replace=False)
        a, b = contenders[i], contenders[j]
        p = 1 / (1 + math.exp(-(s[a] - s[b])))
        u = rng.random()
        winner = "tie" if u < 0.1 else ("model_a" if u < 0.1 + 0.9 * p else "model_b")
        votes.append({"model_a": a, "model_b": b, "winner": winner, "country": country,
                      "voter": f"{country}-{k % 6}"})


def weighted_bt(votes, weights):
    idx = {c: k for k, c in enumerate(contenders)}
    n = len(contenders)

    def negll(theta):
        total = 0.0
        for v, w in zip(votes, weights):
            a, b = idx[v["model_a"]], idx[v["model_b"]]
            s = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[v["winner"]]
            d = theta[a] - theta[b]
            total += w * (s * -np.logaddexp(0, -d) + (1 - s) * -np.logaddexp(0, d))
        return -total

    res = optimize.minimize(negll, np.zeros(n), method="BFGS", options={"gtol": 1e-12})
    theta = res.x - res.x.mean()
    return {c: 1000 + 400 / math.log(10) * theta[idx[c]] for c in contenders}


def post_stratify(votes, shares):
    """weight = target share / vote share, scaled to mean 1 over the votes used."""
    used = [v for v in votes if v["country"] in shares]
    total_share = sum(shares[g] for g in {v["country"] for v in used})
    counts = {}
    for v in used:
        counts[v["country"]] = counts.get(v["country"], 0) + 1
    n = len(used)
    w = np.array([shares[v["country"]] / total_share * n / counts[v["country"]] for v in used])
    ess = w.sum() ** 2 / (w ** 2).sum()
    return used, w, ess


target = {"US": 0.3, "FR": 0.3, "JP": 0.4}
used, w, ess = post_stratify(votes, target)
equal_used, equal_w, equal_ess = post_stratify(votes, {"US": 1, "FR": 1, "JP": 1})

out = {
    "kendall_tau": tau_cases,
    "votes": votes,
    "target": target,
    "target_weights": {g: float(w[[v["country"] for v in used].index(g)]) for g in groups},
    "target_ess": float(ess),
    "target_ratings": weighted_bt(used, w),
    "equal_weights": {g: float(equal_w[[v["country"] for v in equal_used].index(g)]) for g in groups},
    "equal_ess": float(equal_ess),
    "equal_ratings": weighted_bt(equal_used, equal_w),
    "raw_ratings": weighted_bt(votes, np.ones(len(votes))),
}
print(json.dumps(out, indent=1))
