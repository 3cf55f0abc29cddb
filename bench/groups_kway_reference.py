#!/usr/bin/env python3
"""Reference values for annotator groups and population weighting on K-way votes
(Tests/PreferCoreTests/GroupKWayTests.swift).

Independent of Prefer: K-way votes (best of 3, and full rankings of 4) drawn from
Plackett-Luce strengths that differ by country (FR reverses alpha and delta), then

  * each country's board: the Plackett-Luce maximum-likelihood fit of that
    country's votes alone (a ranking is the choices "best of the rest" for each
    place; BFGS on a hand-written negative log-likelihood), Elo scale, mean 1000;
  * post-stratification: weight = target share / vote share, scaled to mean 1
    over the votes used (numpy), Kish's effective sample size (sum w)^2 / sum w^2,
    and the weighted Plackett-Luce fit, for the target {US: 0.25, FR: 0.75} and for
    equal groups (US and FR; JP has too few annotators to be shown or weighted).

Run: /work/pyref/bin/python bench/groups_kway_reference.py > Tests/PreferTestSupport/testdata/groups-kway-reference.json
"""
import json
import math

import numpy as np
from scipy import optimize
from scipy.special import logsumexp

rng = np.random.default_rng(20261130)
ELO = 400 / math.log(10)
contenders = ["alpha", "beta", "gamma", "delta"]
strength = {"alpha": 0.8, "beta": 0.3, "gamma": -0.2, "delta": -0.9}
# country: (votes, annotators)
groups = {"US": (240, 8), "FR": (120, 6), "JP": (12, 2)}


def draw_ranking(s, shown):
    """A full Plackett-Luce ranking of `shown` (Gumbel trick)."""
    keys = [s[c] + rng.gumbel() for c in shown]
    return [shown[k] for k in np.argsort(keys)[::-1]]


votes = []
for country, (count, annotators) in groups.items():
    s = dict(strength)
    if country == "FR":
        s["alpha"], s["delta"] = s["delta"], s["alpha"]
    for k in range(count):
        voter = f"{country.lower()}-{k % annotators}"
        if k % 2 == 0:
            shown = [contenders[i] for i in rng.choice(4, size=3, replace=False)]
            ranking = draw_ranking(s, shown)
            votes.append({"candidates": shown, "winner": ranking[0], "voter": voter, "country": country})
        else:
            shown = [contenders[i] for i in rng.permutation(4)]
            votes.append({"candidates": shown, "ranking": draw_ranking(s, shown), "voter": voter, "country": country})


def stages(vote):
    """(chosen, members) for each place of the vote."""
    shown = vote["candidates"]
    ranked = vote.get("ranking", [vote.get("winner")])
    order = ranked + [c for c in shown if c not in ranked]
    return [(order[p], order[p:]) for p in range(min(len(ranked), len(shown) - 1))]


def pl_fit(votes, weights):
    idx = {c: k for k, c in enumerate(contenders)}
    data = [([idx[c] for c in members], idx[chosen], w) for v, w in zip(votes, weights) for chosen, members in stages(v)]

    def negll(x):
        theta = np.concatenate([[0.0], x])
        total, grad = 0.0, np.zeros(len(contenders))
        for members, chosen, w in data:
            t = theta[members]
            lse = logsumexp(t)
            total -= w * (theta[chosen] - lse)
            p = np.exp(t - lse)
            grad[chosen] -= w
            grad[members] += w * p
        return total, grad[1:]

    res = optimize.minimize(negll, np.zeros(len(contenders) - 1), jac=True, method="BFGS", options={"gtol": 1e-11})
    theta = np.concatenate([[0.0], res.x])
    theta -= theta.mean()
    return {c: 1000 + ELO * theta[idx[c]] for c in contenders}


def post_stratify(votes, shares):
    used = [v for v in votes if v["country"] in shares]
    total = sum(shares[g] for g in {v["country"] for v in used})
    counts = {}
    for v in used:
        counts[v["country"]] = counts.get(v["country"], 0) + 1
    n = len(used)
    w = np.array([shares[v["country"]] / total * n / counts[v["country"]] for v in used])
    return used, w, float(w.sum() ** 2 / (w ** 2).sum())


target = {"US": 0.25, "FR": 0.75}
used, w, ess = post_stratify(votes, target)
equal_used, equal_w, equal_ess = post_stratify(votes, {"US": 1, "FR": 1})
by_country = {g: [v for v in votes if v["country"] == g] for g in groups}

out = {
    "votes": votes,
    "group_ratings": {g: pl_fit(by_country[g], np.ones(len(by_country[g]))) for g in ["US", "FR"]},
    "target": target,
    "target_weights": {g: float(w[[v["country"] for v in used].index(g)]) for g in target},
    "target_ess": ess,
    "target_ratings": pl_fit(used, w),
    "equal_weights": {g: float(equal_w[[v["country"] for v in equal_used].index(g)]) for g in ["US", "FR"]},
    "equal_ess": equal_ess,
    "equal_ratings": pl_fit(equal_used, equal_w),
    "raw_ratings": pl_fit(votes, np.ones(len(votes))),
}
print(json.dumps(out, indent=1))
