#!/usr/bin/env python3
"""Reference for Prefer's intransitivity analysis (`prefer cycles`), written
independently of the Swift code, and the generator of the arenas its tests
read.

- Edges: exact one-sided sign test on decisive votes (scipy.stats.binomtest,
  alternative="greater"); ties left out.
- Triangles: both orientations of every triangle whose three pairs met; the
  triangle's p-value is the largest of its three edge p-values
  (intersection–union); Benjamini–Yekutieli over all of them
  (statsmodels multipletests, method="fdr_by").
- Hodge decomposition: weighted least squares of the continuity-corrected
  log-odds y = log((s+½)/(t−s+½)) on gradients θ_i − θ_j with weights
  w = t·p̃(1−p̃), p̃ = (s+½)/(t+1) (numpy lstsq); gradient share, residual χ².
- Bradley–Terry with ridge 0.01 (scipy trust-exact) and the blade–chest model
  σ(θ_i − θ_j + a_i b_j − a_j b_i) with ridge 0.01 on every parameter, by
  L-BFGS-B from 20 random starts (the Swift code starts from an SVD of the
  residuals, so agreement checks that both reach the same optimum).
- Goodness of fit: G² of the Bradley–Terry MLE against the saturated model.

Usage: cycles_reference.py testdata   # writes cycles-*.csv and .expected.json
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from scipy.stats import binomtest, chi2
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(os.path.dirname(HERE), "Tests", "PreferTestSupport", "testdata")
RIDGE = 0.01


def generate(kind, seed, contenders=12, annotators=300, votes_each=30, strength=1.2, spread=1.5):
    """One type, strengths spread over ±spread nats; "rps" adds a cycle among
    the first three (0 > 1 > 2 > 0, extra logit `strength`) at equal strength."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(spread, -spread, contenders)
    C = np.zeros((contenders, contenders))
    if kind == "rps":
        theta[:3] = theta[1]
        for i, j in [(0, 1), (1, 2), (2, 0)]:
            C[i, j] = strength
            C[j, i] = -strength
    names = [f"model-{k:02d}" for k in range(contenders)]
    rows = []
    for u in range(annotators):
        for _ in range(votes_each):
            i, j = rng.choice(contenders, size=2, replace=False)
            p = expit(theta[i] - theta[j] + C[i, j])
            room = 2 * min(p, 1 - p)
            q = min(0.3 * room, room)
            x = rng.random()
            w = "model_a" if x < p - q / 2 else ("tie" if x < p + q / 2 else "model_b")
            rows.append((f"u{u}", names[i], names[j], w))
    return rows


def counts_of(rows):
    names = sorted({r[1] for r in rows} | {r[2] for r in rows})
    idx = {n: k for k, n in enumerate(names)}
    n = len(names)
    W = np.zeros((n, n))  # W[i, j] decisive wins of i over j
    T = np.zeros((n, n))  # ties
    for _, a, b, w in rows:
        i, j = idx[a], idx[b]
        if w == "model_a":
            W[i, j] += 1
        elif w == "model_b":
            W[j, i] += 1
        else:
            T[i, j] += 1
            T[j, i] += 1
    return names, W, T


def analyse(rows, fdr=0.05):
    names, W, T = counts_of(rows)
    n = len(names)
    met = (W + W.T + T) > 0
    P = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(n):
            if i != j and met[i, j]:
                d = int(W[i, j] + W[j, i])
                P[i, j] = 1.0 if d == 0 else binomtest(int(W[i, j]), d, 0.5, alternative="greater").pvalue
    tri, pv = [], []
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                if met[i, j] and met[j, k] and met[i, k]:
                    tri.append((i, j, k))
                    pv.append(max(P[i, j], P[j, k], P[k, i]))
                    tri.append((i, k, j))
                    pv.append(max(P[i, k], P[k, j], P[j, i]))
    reject, qvals, _, _ = multipletests(pv, alpha=fdr, method="fdr_by")
    found = sorted(([names[x] for x in tri[m]], float(pv[m]), float(qvals[m])) for m in range(len(tri)) if reject[m])

    # Pair data, ties half.
    I, J, S, Tn = [], [], [], []
    for i in range(n):
        for j in range(i + 1, n):
            t = W[i, j] + W[j, i] + T[i, j]
            if t > 0:
                I.append(i)
                J.append(j)
                S.append(W[i, j] + 0.5 * T[i, j])
                Tn.append(t)
    I, J, S, Tn = map(np.array, (I, J, S, Tn))

    # Hodge.
    y = np.log((S + 0.5) / (Tn - S + 0.5))
    pt = (S + 0.5) / (Tn + 1)
    w = Tn * pt * (1 - pt)
    G = np.zeros((len(I), n))
    G[np.arange(len(I)), I] = 1
    G[np.arange(len(I)), J] = -1
    sw = np.sqrt(w)
    theta, *_ = np.linalg.lstsq(G * sw[:, None], y * sw, rcond=None)
    g = G @ theta
    total = (w * y * y).sum()
    grad = (w * g * g).sum()
    resid = (w * (y - g) ** 2).sum()
    df = len(I) - (n - 1)

    def bt_objective(th, ridge):
        x = th[I] - th[J]
        return -(S * log_expit(x) + (Tn - S) * log_expit(-x)).sum() + 0.5 * ridge * th @ th

    def bt_grad(th, ridge):
        x = th[I] - th[J]
        r = S - Tn * expit(x)
        return -(np.bincount(I, r, n) - np.bincount(J, r, n)) + ridge * th

    bt = minimize(bt_objective, np.zeros(n), args=(RIDGE,), jac=bt_grad, method="L-BFGS-B",
                  options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
    bt_ll = -bt_objective(bt.x, 0)
    mle = minimize(bt_objective, np.zeros(n), args=(0.0,), jac=bt_grad, method="L-BFGS-B",
                   options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
    p = expit(mle.x[I] - mle.x[J])
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2 * (np.where(S > 0, S * np.log(S / (Tn * p)), 0) + np.where(Tn - S > 0, (Tn - S) * np.log((Tn - S) / (Tn * (1 - p))), 0)).sum()

    def bc(z):
        th, a, b = z[:n], z[n:2 * n], z[2 * n:]
        x = th[I] - th[J] + a[I] * b[J] - a[J] * b[I]
        f = -(S * log_expit(x) + (Tn - S) * log_expit(-x)).sum() + 0.5 * RIDGE * z @ z
        r = S - Tn * expit(x)
        gz = RIDGE * z.copy()
        gz[:n] -= np.bincount(I, r, n) - np.bincount(J, r, n)
        gz[n:2 * n] -= np.bincount(I, r * b[J], n) - np.bincount(J, r * b[I], n)
        gz[2 * n:] -= np.bincount(J, r * a[I], n) - np.bincount(I, r * a[J], n)
        return f, gz

    rng = np.random.default_rng(5)
    best = None
    for _ in range(20):
        z0 = rng.normal(0, 0.5, 3 * n)
        res = minimize(bc, z0, jac=True, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 20000})
        if best is None or res.fun < best.fun:
            best = res
    z = best.x
    th, a, b = z[:n], z[n:2 * n], z[2 * n:]
    x = th[I] - th[J] + a[I] * b[J] - a[J] * b[I]
    bc_ll = (S * log_expit(x) + (Tn - S) * log_expit(-x)).sum()
    return {
        "contenders": names,
        "votes": len(rows),
        "tested": len(tri),
        "fdr": fdr,
        "cycles": [{"cycle": c, "p_value": pv_, "q_value": q} for c, pv_, q in found],
        "hodge": {"gradient_share": grad / total, "cyclic_share": resid / total, "residual_chi2": resid, "df": df,
                  "p_value": float(chi2.sf(resid, df)), "noise_share": df / total},
        "bradley_terry_log_likelihood": bt_ll,
        "blade_chest_objective": -best.fun,
        "blade_chest_log_likelihood": bc_ll,
        "goodness_of_fit": {"g2": g2, "df": df, "p_value": float(chi2.sf(g2, df))},
    }


def main():
    if sys.argv[1:] != ["testdata"]:
        sys.exit(__doc__)
    for kind, seed in [("rps", 3), ("transitive", 4)]:
        rows = generate(kind, seed)
        path = os.path.join(TESTDATA, f"cycles-{kind}.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["voter", "model_a", "model_b", "winner"])
            w.writerows(rows)
        out = analyse(rows)
        with open(os.path.join(TESTDATA, f"cycles-{kind}.expected.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
        print(f"{kind}: {len(out['cycles'])} significant triangles of {out['tested']}; gradient share "
              f"{out['hodge']['gradient_share']:.4f}; BT ll {out['bradley_terry_log_likelihood']:.2f}, "
              f"blade-chest ll {out['blade_chest_log_likelihood']:.2f}; G2 {out['goodness_of_fit']['g2']:.1f} on {out['goodness_of_fit']['df']}")


if __name__ == "__main__":
    main()
