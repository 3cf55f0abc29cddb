#!/usr/bin/env python3
"""Reference values for style control (Prefer's StyleControl), computed
independently with statsmodels and scikit-learn.

Writes an LMArena-style arena whose battles carry `conv_metadata` (the nested
object of LMArena's battle files: assistant tokens, header/list/bold counts as
objects of counts) with a planted style effect, and the expected results:

- `ratings`, `coefficients`: the unpenalised joint fit — statsmodels GLM
  Binomial on the score of A (1, ½ for either kind of tie, 0) with the
  contenders' ±1 columns (one dropped as the reference) and the standardised
  style covariates z = normalise((f_A - f_B) / (f_A + f_B + 1)); ratings on
  the Elo scale, 1000 + 400/ln 10 * (theta - mean theta).
- `sandwich_se`, `coefficient_se`: HC0 robust standard errors of the centred
  ratings (Elo) and of the coefficients.
- `l2_1`: FastChat's style control exactly (construct_style_matrices +
  fit_mle_elo): battles duplicated, a tie as one win each way, contenders'
  columns +-ln 10, scikit-learn LogisticRegression(C=1, no intercept); ratings
  1000 + 400 w, uncentred.

Usage: bench/style_reference.py OUT_DIR  (writes style-arena.jsonl and
style-arena.expected.json). Python: /work/pyref/bin/python (numpy, statsmodels,
scikit-learn).
"""
import json
import math
import sys

import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

SEED = 20240828
N_VOTES = 1200
NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
PLANTED = {"length": 0.35, "headers": 0.10, "lists": 0.05, "bold": 0.08}
ELEMENTS = [("length", "sum_assistant_a_tokens", "sum_assistant_b_tokens"),
            ("headers", "header_count_a", "header_count_b"),
            ("lists", "list_count_a", "list_count_b"),
            ("bold", "bold_count_a", "bold_count_b")]


def total(x):
    return sum(x.values()) if isinstance(x, dict) else x


def main(out_dir):
    rng = np.random.default_rng(SEED)
    n = len(NAMES)
    strength = rng.normal(0, 0.6, n)
    mean_len = np.exp(rng.normal(np.log(400), 0.5, n))
    header_rate = rng.uniform(0.2, 4, n)
    list_rate = rng.uniform(0.5, 8, n)
    bold_rate = rng.uniform(0.2, 6, n)

    def style(c):
        tokens = int(max(1, round(rng.lognormal(np.log(mean_len[c]), 0.5))))
        h = rng.poisson(header_rate[c])
        split = rng.multinomial(h, [0.2, 0.5, 0.3, 0, 0, 0])
        lists = rng.poisson(list_rate[c])
        ordered = int(rng.binomial(lists, 0.4))
        bold = rng.poisson(bold_rate[c])
        under = int(rng.binomial(bold, 0.1))
        return {
            "tokens": tokens,
            "header": {f"h{k + 1}": int(split[k]) for k in range(6)},
            "list": {"ordered": ordered, "unordered": int(lists - ordered)},
            "bold": {"**": int(bold - under), "__": under},
        }

    rows = []
    for _ in range(N_VOTES):
        i, j = rng.choice(n, 2, replace=False)
        sa, sb = style(i), style(j)
        meta = {
            "sum_user_tokens": int(rng.integers(5, 80)),
            "sum_assistant_a_tokens": sa["tokens"], "sum_assistant_b_tokens": sb["tokens"],
            "turns": 1,
            "header_count_a": sa["header"], "header_count_b": sb["header"],
            "list_count_a": sa["list"], "list_count_b": sb["list"],
            "bold_count_a": sa["bold"], "bold_count_b": sb["bold"],
        }
        rows.append({"model_a": NAMES[i], "model_b": NAMES[j], "conv_metadata": meta})

    # Standardised relative differences (FastChat: add_one, np.std with ddof=0).
    z = np.zeros((N_VOTES, len(ELEMENTS)))
    for k, (_, ca, cb) in enumerate(ELEMENTS):
        fa = np.array([total(r["conv_metadata"][ca]) for r in rows], dtype=float)
        fb = np.array([total(r["conv_metadata"][cb]) for r in rows], dtype=float)
        raw = (fa - fb) / (fa + fb + 1)
        z[:, k] = (raw - raw.mean()) / raw.std()
    gamma = np.array([PLANTED[e[0]] for e in ELEMENTS])

    # Outcomes: expected score of A is sigma(eta); ties likelier when close.
    for r, row in enumerate(rows):
        a, b = NAMES.index(row["model_a"]), NAMES.index(row["model_b"])
        p = 1 / (1 + math.exp(-(strength[a] - strength[b] + z[r] @ gamma)))
        q = 0.5 * 2 * min(p, 1 - p)
        u = rng.uniform()
        if u < p - q / 2:
            row["winner"] = "model_a"
        elif u < p + q / 2:
            row["winner"] = "tie (bothbad)" if rng.uniform() < 0.4 else "tie"
        else:
            row["winner"] = "model_b"

    with open(f"{out_dir}/style-arena.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps({"model_a": row["model_a"], "model_b": row["model_b"], "winner": row["winner"],
                                "conv_metadata": row["conv_metadata"]}, separators=(",", ":")) + "\n")

    # Unpenalised joint fit (statsmodels).
    y = np.array([{"model_a": 1.0, "model_b": 0.0}.get(r["winner"], 0.5) for r in rows])
    X = np.zeros((N_VOTES, n - 1 + len(ELEMENTS)))
    for r, row in enumerate(rows):
        a, b = NAMES.index(row["model_a"]), NAMES.index(row["model_b"])
        if a > 0:
            X[r, a - 1] += 1
        if b > 0:
            X[r, b - 1] -= 1
    X[:, n - 1:] = z
    model = sm.GLM(y, X, family=sm.families.Binomial())
    fit = model.fit(tol=1e-14, maxiter=200)
    robust = model.fit(tol=1e-14, maxiter=200, cov_type="HC0")
    theta = np.concatenate([[0.0], fit.params[: n - 1]])
    elo = 400 / math.log(10)
    ratings = 1000 + elo * (theta - theta.mean())
    # Centred ratings: c = e_i - 1/n over the full theta (theta_0 fixed at 0).
    cov = robust.cov_params()
    full = np.zeros((n, n))
    full[1:, 1:] = cov[: n - 1, : n - 1]
    centre = np.eye(n) - np.ones((n, n)) / n
    ccov = centre @ full @ centre
    sandwich_se = elo * np.sqrt(np.diag(ccov))

    # FastChat's L2 design (duplicated battles, +-ln 10 columns, C = 1).
    Xd = np.zeros((2 * N_VOTES, n + len(ELEMENTS)))
    Yd = np.zeros(2 * N_VOTES)
    for r, row in enumerate(rows):
        a, b = NAMES.index(row["model_a"]), NAMES.index(row["model_b"])
        for copy in (0, 1):
            Xd[copy * N_VOTES + r, a] = math.log(10)
            Xd[copy * N_VOTES + r, b] = -math.log(10)
            Xd[copy * N_VOTES + r, n:] = z[r]
        if row["winner"] == "model_a":
            Yd[r] = Yd[N_VOTES + r] = 1
        elif row["winner"] != "model_b":
            Yd[r] = 1  # one win each way
    lr = LogisticRegression(fit_intercept=False, C=1.0, tol=1e-12, max_iter=100000)
    lr.fit(Xd, Yd)
    l2_ratings = 1000 + 400 * lr.coef_[0][:n]

    out = {
        "what": "style control references: see bench/style_reference.py",
        "seed": SEED,
        "votes": N_VOTES,
        "planted": PLANTED,
        "true_strength_elo": {NAMES[c]: float(1000 + elo * (strength[c] - strength.mean())) for c in range(n)},
        "features": [e[0] for e in ELEMENTS],
        "ratings": {NAMES[c]: float(ratings[c]) for c in range(n)},
        "coefficients": {ELEMENTS[k][0]: float(fit.params[n - 1 + k]) for k in range(len(ELEMENTS))},
        "sandwich_se": {NAMES[c]: float(sandwich_se[c]) for c in range(n)},
        "coefficient_se": {ELEMENTS[k][0]: float(robust.bse[n - 1 + k]) for k in range(len(ELEMENTS))},
        "l2_1": {
            "ratings": {NAMES[c]: float(l2_ratings[c]) for c in range(n)},
            "coefficients": {ELEMENTS[k][0]: float(lr.coef_[0][n + k]) for k in range(len(ELEMENTS))},
        },
    }
    with open(f"{out_dir}/style-arena.expected.json", "w") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/PreferTestSupport/testdata")
