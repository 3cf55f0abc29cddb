#!/usr/bin/env python3
"""Reference values for `prefer drivers` (Prefer's DriverAnalysis), computed
independently with statsmodels and scipy.

Writes votes with numeric user features (`feature_a.NAME`/`feature_b.NAME`
columns), contenders, ties and a `source` field (human | judge), drawn with
planted feature effects that differ between humans and judges, and the
expected analysis:

- raw: per feature, among decisive votes where the sides differ, wins and
  losses of the side with more of it, the Wilson interval
  (statsmodels proportion_confint, method="wilson") and the exact two-sided
  binomial p-value (scipy.stats.binomtest).
- model: statsmodels Logit (unpenalised) of "A preferred" on the decisive
  votes, with the contenders' +-1 columns (one dropped) and the differences
  A - B divided by their population SD over the decisive votes; HC0 robust
  standard errors, two-sided normal p-values, Benjamini-Hochberg q-values
  (statsmodels multipletests, fdr_bh); and the same without contenders
  (through the origin).
- per source, with the pooled SDs, and judge minus human differences.

Usage: bench/drivers_reference.py OUT_DIR (writes drivers-votes.jsonl and
drivers-votes.expected.json).
"""
import json
import math
import sys

import numpy as np
import statsmodels.api as sm
from scipy.stats import binomtest, norm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

SEED = 1313
N = 2000
NAMES = ["m0", "m1", "m2", "m3", "m4", "m5"]
FEATURES = ["length", "bold", "digits", "questions", "decoy"]
# Planted log-odds per SD of the difference, for humans and for judges.
PLANTED = {"human": {"length": 0.30, "bold": 0.20}, "judge": {"length": 0.80, "bold": 0.10}}


def main(out_dir):
    rng = np.random.default_rng(SEED)
    n = len(NAMES)
    strength = rng.normal(0, 0.5, n)
    mean_len = np.exp(rng.normal(np.log(300), 0.4, n))

    def side(c):
        return {
            "length": float(round(rng.lognormal(np.log(mean_len[c]), 0.6))),
            "bold": float(rng.poisson(2)),
            "digits": float(rng.poisson(5)),
            "questions": float(rng.poisson(0.5)),
            "decoy": float(np.round(rng.normal(0, 1), 3)),
        }

    rows = []
    for _ in range(N):
        i, j = rng.choice(n, 2, replace=False)
        rows.append({"a": int(i), "b": int(j), "fa": side(i), "fb": side(j),
                     "source": "judge" if rng.uniform() < 0.4 else "human"})
    d = np.array([[r["fa"][f] - r["fb"][f] for f in FEATURES] for r in rows])
    scale = d.std(axis=0)  # planting scale (all rows)
    for r, row in enumerate(rows):
        planted = PLANTED[row["source"]]
        eta = strength[row["a"]] - strength[row["b"]] + sum(planted.get(f, 0) * d[r, k] / scale[k] for k, f in enumerate(FEATURES))
        p = 1 / (1 + math.exp(-eta))
        u = rng.uniform()
        q = 0.15
        if u < q:
            row["winner"] = "tie"
        elif rng.uniform() < p:
            row["winner"] = "model_a"
        else:
            row["winner"] = "model_b"

    with open(f"{out_dir}/drivers-votes.jsonl", "w") as f:
        for row in rows:
            obj = {"model_a": NAMES[row["a"]], "model_b": NAMES[row["b"]], "winner": row["winner"], "source": row["source"]}
            for feat in FEATURES:
                obj[f"feature_a.{feat}"] = row["fa"][feat]
                obj[f"feature_b.{feat}"] = row["fb"][feat]
            f.write(json.dumps(obj, separators=(",", ":")) + "\n")

    decisive = np.array([r["winner"] != "tie" for r in rows])
    y_all = np.array([1.0 if r["winner"] == "model_a" else 0.0 for r in rows])
    sd = d[decisive].std(axis=0)  # population SD over decisive votes

    def raw(mask):
        out = {}
        for k, feat in enumerate(FEATURES):
            wins = losses = 0
            for r in np.flatnonzero(mask & decisive):
                if d[r, k] == 0:
                    continue
                a_more = d[r, k] > 0
                a_won = rows[r]["winner"] == "model_a"
                if a_more == a_won:
                    wins += 1
                else:
                    losses += 1
            total = wins + losses
            lo, hi = proportion_confint(wins, total, alpha=0.05, method="wilson")
            out[feat] = {"decisive_pairs": total, "more_wins": wins, "more_losses": losses,
                         "win_rate": wins / total, "win_rate_lower": lo, "win_rate_upper": hi,
                         "p_value": binomtest(wins, total, 0.5).pvalue}
        return out

    def model(mask, contenders):
        idx = np.flatnonzero(mask & decisive)
        Z = d[idx] / sd
        if contenders:
            C = np.zeros((len(idx), n - 1))
            for t, r in enumerate(idx):
                if rows[r]["a"] > 0:
                    C[t, rows[r]["a"] - 1] += 1
                if rows[r]["b"] > 0:
                    C[t, rows[r]["b"] - 1] -= 1
            X = np.hstack([C, Z])
        else:
            X = Z
        fit = sm.Logit(y_all[idx], X).fit(method="newton", tol=1e-14, maxiter=200, disp=False, cov_type="HC0")
        off = n - 1 if contenders else 0
        coef = fit.params[off:]
        se = fit.bse[off:]
        p = 2 * norm.sf(np.abs(coef / se))
        q = multipletests(p, method="fdr_bh")[1]
        return {feat: {"coefficient": float(coef[k]), "coefficient_se": float(se[k]), "coefficient_p_value": float(p[k]),
                       "q_value": float(q[k])} for k, feat in enumerate(FEATURES)}

    everyone = np.ones(N, dtype=bool)
    human = np.array([r["source"] == "human" for r in rows])
    judge = ~human
    by_source = {"human": model(human, True), "judge": model(judge, True)}
    comparison = {}
    diffs = []
    for feat in FEATURES:
        g1, s1 = by_source["judge"][feat]["coefficient"], by_source["judge"][feat]["coefficient_se"]
        g0, s0 = by_source["human"][feat]["coefficient"], by_source["human"][feat]["coefficient_se"]
        se = math.hypot(s1, s0)
        comparison[feat] = {"difference": g1 - g0, "p_value": float(2 * norm.sf(abs(g1 - g0) / se))}
        diffs.append(comparison[feat]["p_value"])
    for feat, q in zip(FEATURES, multipletests(diffs, method="fdr_bh")[1]):
        comparison[feat]["q_value"] = float(q)

    out = {
        "what": "drivers references: see bench/drivers_reference.py",
        "seed": SEED,
        "rows": N,
        "features": FEATURES,
        "planted": PLANTED,
        "sd_difference": {feat: float(sd[k]) for k, feat in enumerate(FEATURES)},
        "raw": raw(everyone),
        "model": model(everyone, True),
        "model_without_contenders": model(everyone, False),
        "by_source": by_source,
        "raw_by_source": {"human": raw(human), "judge": raw(judge)},
        "comparison_judge_minus_human": comparison,
    }
    with open(f"{out_dir}/drivers-votes.expected.json", "w") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/PreferTestSupport/testdata")
