#!/usr/bin/env python3
"""Reference values for the judge–human agreement statistics (PreferCore's
CohenKappa, JudgeAgreement, SpearmanCorrelation, KendallTau, JudgeBias,
DisagreementModel), computed independently with scikit-learn, SciPy and
statsmodels on a dataset drawn here.

    /work/pyref/bin/python bench/judge_agreement_reference.py \
        > Tests/PreferTestSupport/testdata/judge-agreement.reference.json
"""
import json

import numpy as np
from scipy import optimize, stats
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats.proportion import proportion_confint

rng = np.random.default_rng(20240611)
n = 400
categories = ["coding", "math", "writing", "chat"]
names = [f"m{i}" for i in range(6)]

battles = []
for k in range(n):
    i, j = rng.choice(6, size=2, replace=False)
    category = categories[rng.integers(0, 4)]
    human = int(rng.choice(3, p=[0.45, 0.4, 0.15]))
    # The judge agrees more on coding than on math.
    p_agree = {"coding": 0.85, "math": 0.45, "writing": 0.65, "chat": 0.75}[category]
    judge = human if rng.random() < p_agree else int(rng.choice(3))
    strength = 0 if judge == 2 else int(rng.choice([1, 2]))
    consistent = None if rng.random() < 0.1 else bool(rng.random() < 0.8)
    first_length = int(rng.integers(20, 2000))
    second_length = int(rng.integers(20, 2000))
    if k % 37 == 0:
        second_length = first_length
    battles.append(dict(first=names[i], second=names[j], human=human, judge=judge, strength=strength,
                        consistent=consistent, category=category, first_length=first_length,
                        second_length=second_length))

def measures(rows):
    h = np.array([b["human"] for b in rows])
    j = np.array([b["judge"] for b in rows])
    decisive = (h != 2) & (j != 2)
    return dict(
        battles=len(rows),
        decisive_battles=int(decisive.sum()),
        agreement_with_ties=float((h == j).mean()),
        agreement_without_ties=float((h[decisive] == j[decisive]).mean()),
        kappa=float(cohen_kappa_score(h, j, labels=[0, 1, 2])),
        confusion=confusion_matrix(h, j, labels=[0, 1, 2]).tolist(),
    )

out = dict(battles=battles, overall=measures(battles),
           categories={c: measures([b for b in battles if b["category"] == c]) for c in categories})

# Rank correlations with ties in both variables.
x = np.round(rng.normal(size=15), 1)
y = np.round(x + rng.normal(scale=0.7, size=15), 1)
x[3] = x[5]
y[7] = y[2]
out["ranks"] = dict(x=x.tolist(), y=y.tolist(), spearman=float(stats.spearmanr(x, y).statistic),
                    kendall_tau_b=float(stats.kendalltau(x, y, variant="b").statistic),
                    pearson=float(stats.pearsonr(x, y).statistic))

# Position bias: Wilson interval.
lo, hi = proportion_confint(137, 137 + 98, alpha=0.05, method="wilson")
out["wilson"] = dict(first=137, second=98, lower=float(lo), upper=float(hi))

# Verbosity bias: point estimate on battles where both picked and lengths differ.
jl, hl = [], []
for b in battles:
    if b["first_length"] == b["second_length"] or b["human"] == 2 or b["judge"] == 2:
        continue
    longer = 0 if b["first_length"] > b["second_length"] else 1
    jl.append(b["judge"] == longer)
    hl.append(b["human"] == longer)
out["verbosity"] = dict(battles=len(jl), judge_longer_share=float(np.mean(jl)), human_longer_share=float(np.mean(hl)))

# The disagreement model: L2-penalised logistic regression on the score disagreement
# (0, 1/2 or 1, a fractional response), intercept unpenalised.
cats = sorted(c for c in categories if sum(b["category"] == c for b in battles) >= 10)
def features(b):
    f = [1.0,
         1.0 if b["consistent"] is False else 0.0,
         1.0 if b["judge"] == 2 else 0.0,
         1.0 if b["judge"] != 2 and b["strength"] < 2 else 0.0]
    gap = abs(np.log(1 + b["first_length"]) - np.log(1 + b["second_length"]))
    longer = 0 if b["first_length"] > b["second_length"] else (1 if b["second_length"] > b["first_length"] else 2)
    picked = 1.0 if longer != 2 and b["judge"] == longer else 0.0
    f += [gap, picked, gap * picked]
    f += [1.0 if b["category"] == c else 0.0 for c in cats]
    return f
X = np.array([features(b) for b in battles])
score = lambda label: [1.0, 0.0, 0.5][label]
t = np.array([abs(score(b["judge"]) - score(b["human"])) for b in battles])
l2 = 1.0
def loss(w):
    z = X @ w
    return float(np.sum(np.logaddexp(0, z) - t * z) + 0.5 * l2 * np.sum(w[1:] ** 2) + 0.5e-6 * w[0] ** 2)
def grad(w):
    p = 1 / (1 + np.exp(-(X @ w)))
    g = X.T @ (p - t)
    g[1:] += l2 * w[1:]
    g[0] += 1e-6 * w[0]
    return g
res = optimize.minimize(loss, np.zeros(X.shape[1]), jac=grad, method="BFGS", options=dict(gtol=1e-10, maxiter=10000))
out["model"] = dict(categories=cats, weights=res.x.tolist(), l2=l2)

print(json.dumps(out, indent=1))
