#!/usr/bin/env python3
"""Reference values for Prefer's Plackett-Luce and tie-model fits.

Writes K-way and tie vote files (bench/kway_votes.py, fixed seeds) into
Tests/PreferTestSupport/testdata/ and, beside each, NAME.expected.json with
ratings on the Elo scale (mean 1000) from independent implementations:

  * choix (Maystre & Grossglauser 2015): ilsr_top1 on the votes broken into
    their choices (a K-way ranking is the choices "best of the rest" for each
    ranked place), with alpha = 1e-12; for files of full rankings only, also
    ilsr_rankings and opt_rankings. choix has no weights, so for the pairwise
    votes every decisive vote is entered twice and a tie once each way
    (a tie = half a win each side; doubling everything leaves the MLE as is).
  * scipy: a direct maximisation (BFGS on a hand-written negative
    log-likelihood and its gradient, checked against finite differences) of
    the same likelihood: Plackett-Luce for K-way votes plus the pairwise votes
    with ties as half wins, Davidson (1970) or Rao-Kupper (1967); weighted.
    The tie parameter is parametrised as log(nu) (Davidson) and
    log(theta - 1) (Rao-Kupper), unlike Prefer.

Run with the project's reference venv:  /work/pyref/bin/python bench/pl_reference.py
"""
import json
import math
import os
import sys

import numpy as np
from scipy import optimize
from scipy.special import logsumexp

import choix

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "Tests", "PreferTestSupport", "testdata")
sys.path.insert(0, HERE)
from kway_votes import generate, write  # noqa: E402

ELO = 400 / math.log(10)

DATASETS = {
    # name: generator arguments
    "kway-rankings": dict(n=10, votes=1500, seed=11, k=(4,), kinds=("ranking",)),
    "kway-mixed": dict(n=16, votes=2000, seed=12, k=(3, 4, 5, 6), kinds=("best", "partial", "shown-ranking", "ranking"),
                       pairwise_frac=0.3, ties="half", tie_param=0.3, fields=True, escape_name=True),
    "kway-weighted": dict(n=10, votes=1200, seed=13, k=(2, 3, 4), kinds=("best", "partial", "ranking"),
                          pairwise_frac=0.25, ties="half", tie_param=0.3, weights=True),
    "ties-low": dict(n=12, votes=4000, seed=21, pairwise_frac=1.0, ties="davidson", tie_param=0.13),
    "ties-davidson": dict(n=12, votes=4000, seed=22, pairwise_frac=1.0, ties="davidson", tie_param=0.6),
    "ties-raokupper": dict(n=12, votes=4000, seed=23, pairwise_frac=1.0, ties="rao-kupper", tie_param=2.7),
    "ties-mixed": dict(n=14, votes=3000, seed=24, k=(3, 4), kinds=("best", "partial", "ranking"),
                       pairwise_frac=0.6, ties="davidson", tie_param=0.5, weights=True),
}


def parse(path):
    """Votes as (stages, pairs, contenders): stages = [(chosen, [set...], w)] over
    K-way rows; pairs = [(i, j, outcome, w)] with outcome 'i', 'j' or 'tie'."""
    index = {}

    def ix(name):
        if name not in index:
            index[name] = len(index)
        return index[name]

    stages, pairs = [], []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            w = float(row.get("weight", 1.0))
            if "model_a" in row:
                i, j = ix(row["model_a"]), ix(row["model_b"])
                outcome = {"model_a": "i", "model_b": "j"}.get(row["winner"], "tie")
                pairs.append((i, j, outcome, w))
                continue
            ranking = row.get("ranking")
            candidates = row.get("candidates", ranking)
            if ranking is None:
                ranking = [row["winner"]]
            ids = [ix(c) for c in candidates]
            ranked = [ix(c) for c in ranking]
            rest = [c for c in ids if c not in ranked]
            order = ranked + rest
            for s in range(min(len(ranked), len(ids) - 1)):
                stages.append((order[s], order[s:], w))
    names = sorted(index, key=index.get)
    return stages, pairs, names


def elo(theta):
    theta = np.asarray(theta, dtype=float)
    return (1000 + ELO * (theta - theta.mean())).tolist()


# ----------------------------------------------------------------- choix


def choix_top1(stages, pairs, n):
    data = []
    for chosen, members, w in stages:
        assert w == 1.0
        losers = [m for m in members if m != chosen]
        data += [(chosen, losers)] * 2
    for i, j, outcome, w in pairs:
        assert w == 1.0
        if outcome == "i":
            data += [(i, [j])] * 2
        elif outcome == "j":
            data += [(j, [i])] * 2
        else:
            data += [(i, [j]), (j, [i])]
    return choix.ilsr_top1(n, data, alpha=1e-12, max_iter=100_000, tol=1e-14)


def choix_rankings(path, names):
    index = {name: k for k, name in enumerate(names)}
    rankings = []
    with open(path) as f:
        for line in f:
            rankings.append([index[c] for c in json.loads(line)["ranking"]])
    n = len(names)
    ilsr = choix.ilsr_rankings(n, rankings, alpha=1e-12, max_iter=100_000, tol=1e-14)
    opt = choix.opt_rankings(n, rankings, alpha=1e-12, method="Newton-CG", tol=1e-12)
    return ilsr, opt


# ----------------------------------------------------------------- scipy


class Likelihood:
    """Negative log-likelihood over x = (theta_1..theta_{n-1}, tau), theta_0 = 0."""

    def __init__(self, stages, pairs, n, ties):
        self.n = n
        self.ties = ties
        self.has_tie = ties != "half" and any(o == "tie" for _, _, o, _ in pairs)
        by_size = {}
        for chosen, members, w in stages:
            by_size.setdefault(len(members), []).append(([chosen] + [m for m in members if m != chosen], w))
        self.stage_groups = [(np.array([m for m, _ in v]), np.array([w for _, w in v])) for v in by_size.values()]
        self.pi = np.array([p[0] for p in pairs], dtype=int)
        self.pj = np.array([p[1] for p in pairs], dtype=int)
        self.pw = np.array([p[3] for p in pairs])
        outcome = np.array([p[2] for p in pairs])
        self.is_i = (outcome == "i").astype(float)
        self.is_j = (outcome == "j").astype(float)
        self.is_t = (outcome == "tie").astype(float)

    def unpack(self, x):
        theta = np.concatenate([[0.0], x[: self.n - 1]])
        tau = x[self.n - 1] if self.has_tie else None
        return theta, tau

    def __call__(self, x):
        theta, tau = self.unpack(x)
        nll = 0.0
        g = np.zeros(self.n)
        gt = 0.0
        for members, w in self.stage_groups:
            u = theta[members]
            lse = logsumexp(u, axis=1)
            nll -= np.sum(w * (u[:, 0] - lse))
            p = np.exp(u - lse[:, None])
            np.add.at(g, members[:, 0], -w)
            np.add.at(g, members, w[:, None] * p)
        if len(self.pw):
            ti, tj, w = theta[self.pi], theta[self.pj], self.pw
            if self.ties == "half" or not self.has_tie:
                # ties as half a win each side
                si = self.is_i + 0.5 * self.is_t
                sj = self.is_j + 0.5 * self.is_t
                lse = np.logaddexp(ti, tj)
                nll -= np.sum(w * (si * (ti - lse) + sj * (tj - lse)))
                pi = np.exp(ti - lse)
                gi = -w * (si - (si + sj) * pi)
                np.add.at(g, self.pi, gi)
                np.add.at(g, self.pj, -gi)
            elif self.ties == "davidson":
                ut = tau + 0.5 * (ti + tj)
                lse = logsumexp(np.stack([ti, tj, ut]), axis=0)
                ll = self.is_i * ti + self.is_j * tj + self.is_t * ut - lse
                nll -= np.sum(w * ll)
                pi, pj, pt = np.exp(ti - lse), np.exp(tj - lse), np.exp(ut - lse)
                np.add.at(g, self.pi, -w * (self.is_i + 0.5 * self.is_t - pi - 0.5 * pt))
                np.add.at(g, self.pj, -w * (self.is_j + 0.5 * self.is_t - pj - 0.5 * pt))
                gt -= np.sum(w * (self.is_t - pt))
            else:  # rao-kupper, theta_rk = 1 + exp(tau)
                log_rk = math.log1p(math.exp(tau))
                drk = math.exp(tau) / (1 + math.exp(tau))  # d log(theta_rk) / d tau
                a = np.logaddexp(ti, log_rk + tj)  # log(pi_i + th pi_j)
                b = np.logaddexp(log_rk + ti, tj)  # log(th pi_i + pi_j)
                log_tie_const = math.log(math.expm1(2 * log_rk))
                ll = (self.is_i * (ti - a) + self.is_j * (tj - b)
                      + self.is_t * (log_tie_const + ti + tj - a - b))
                nll -= np.sum(w * ll)
                # derivatives of a and b
                a_i = np.exp(ti - a)
                a_j = np.exp(log_rk + tj - a)
                b_i = np.exp(log_rk + ti - b)
                b_j = np.exp(tj - b)
                gi = self.is_i * (1 - a_i) + self.is_j * (-b_i) + self.is_t * (1 - a_i - b_i)
                gj = self.is_i * (-a_j) + self.is_j * (1 - b_j) + self.is_t * (1 - a_j - b_j)
                e2 = math.exp(2 * log_rk)
                dconst = 2 * e2 / (e2 - 1)
                gl = self.is_i * (-a_j) + self.is_j * (-b_i) + self.is_t * (dconst - a_j - b_i)
                np.add.at(g, self.pi, -w * gi)
                np.add.at(g, self.pj, -w * gj)
                gt -= np.sum(w * gl) * drk
        grad = g[1:]
        if self.has_tie:
            grad = np.concatenate([grad, [gt]])
        return nll, grad

    def start(self):
        x = np.zeros(self.n - 1 + (1 if self.has_tie else 0))
        if self.has_tie:
            x[-1] = math.log(0.5) if self.ties == "davidson" else 0.0
        return x


def scipy_fit(stages, pairs, n, ties):
    f = Likelihood(stages, pairs, n, ties)
    x0 = f.start()
    err = optimize.check_grad(lambda x: f(x)[0], lambda x: f(x)[1], x0 + 0.01)
    assert err < 1e-4 * max(1.0, np.abs(f(x0 + 0.01)[1]).max()), f"gradient check failed: {err}"
    res = optimize.minimize(f, x0, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 10_000})
    res = optimize.minimize(f, res.x, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-16, "maxiter": 10_000})
    theta, tau = f.unpack(res.x)
    out = {"ratings": None, "gradient_norm": float(np.abs(f(res.x)[1]).max())}
    out["ratings"] = elo(theta)
    if f.has_tie:
        out["tie_parameter"] = math.exp(tau) if ties == "davidson" else 1 + math.exp(tau)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    summary = []
    for name, spec in DATASETS.items():
        spec = dict(spec)
        n = spec.pop("n")
        votes = spec.pop("votes")
        rows, truth = generate(n, votes, **spec)
        path = os.path.join(OUT, name + ".jsonl")
        write(rows, path)
        stages, pairs, names = parse(path)
        expected = {"contenders": names, "votes": votes,
                    "truth": {c: truth["ratings"][c] for c in names},
                    "planted_tie_parameter": truth["tie_parameter"] if spec.get("ties") in ("davidson", "rao-kupper") else None}
        ties = [o for _, _, o, _ in pairs]
        expected["tie_share"] = (ties.count("tie") / len(ties)) if ties else 0.0
        weighted = any(w != 1 for _, _, w in stages) or any(w != 1 for *_, w in pairs)
        half = scipy_fit(stages, pairs, len(names), "half")
        expected["scipy_half"] = dict(zip(names, half["ratings"]))
        expected["scipy_half_gradient"] = half["gradient_norm"]
        if not weighted:
            theta = choix_top1(stages, pairs, len(names))
            expected["choix_ilsr_top1"] = dict(zip(names, elo(theta)))
            diff = max(abs(a - b) for a, b in zip(elo(theta), half["ratings"]))
            expected["choix_vs_scipy_max_diff"] = diff
        if name == "kway-rankings":
            ilsr, opt = choix_rankings(path, names)
            expected["choix_ilsr_rankings"] = dict(zip(names, elo(ilsr)))
            expected["choix_opt_rankings"] = dict(zip(names, elo(opt)))
        if pairs and any(o == "tie" for _, _, o, _ in pairs) and name.startswith("ties"):
            for model in ("davidson", "rao-kupper"):
                fit = scipy_fit(stages, pairs, len(names), model)
                expected["scipy_" + model.replace("-", "_")] = {
                    "ratings": dict(zip(names, fit["ratings"])), "tie_parameter": fit["tie_parameter"],
                    "gradient_norm": fit["gradient_norm"]}
        with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
            json.dump(expected, f, indent=1, ensure_ascii=False)
        summary.append((name, votes, len(names), expected["tie_share"], expected.get("choix_vs_scipy_max_diff")))
    for row in summary:
        print(*row)


if __name__ == "__main__":
    main()
