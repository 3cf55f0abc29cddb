#!/usr/bin/env python3
"""scikit-learn reference for `prefer reward bench`: the same pairs, the same
held-out prompts, an independent standard pipeline.

    prefer reward bench --pairs 20000 --words 200 --write /tmp/pairs.jsonl > /tmp/swift.json
    /work/pyref/bin/python bench/reward_sklearn_bench.py /tmp/pairs.jsonl --swift /tmp/swift.json

Pipeline (scikit-learn's own, not a re-implementation of Prefer's features):
HashingVectorizer word 1-2-grams and char_wb 4-grams (2^20 buckets each block,
signed, l2-normalised per block, sublinear tf via log1p), plus ln(1 + words);
a pairwise Bradley-Terry model is logistic regression without intercept on
x(chosen) - x(rejected), both orientations; C chosen by 3-fold GroupKFold over
prompts on the training pairs. Prints held-out accuracy with a bootstrap
interval over test pairs, "longer wins", times, and the Swift figures beside
them when --swift gives the bench's JSON.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("--swift", help="the JSON printed by prefer reward bench on the same pairs")
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    rows = [json.loads(line) for line in open(a.jsonl, encoding="utf-8") if line.strip()]
    if not rows or "split" not in rows[0]:
        sys.exit(f"{a.jsonl}: rows need prompt, chosen, rejected and split (write them with prefer reward bench --write)")
    t0 = time.perf_counter()
    words = HashingVectorizer(ngram_range=(1, 2), n_features=2**20, norm=None, alternate_sign=True, token_pattern=r"(?u)\b\w+\b")
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(4, 4), n_features=2**20, norm=None, alternate_sign=True)

    def featurise(texts):
        blocks = []
        for v in (words, chars):
            m = v.transform(texts).tocsr()
            m.data = np.sign(m.data) * np.log1p(np.abs(m.data))  # sublinear tf, sign kept
            blocks.append(normalize(m))
        length = np.log1p([len(t.split()) for t in texts]).reshape(-1, 1)
        return sparse.hstack(blocks + [sparse.csr_matrix(length)]).tocsr()

    chosen = featurise([r["chosen"] for r in rows])
    rejected = featurise([r["rejected"] for r in rows])
    diff = (chosen - rejected).tocsr()
    featurise_s = time.perf_counter() - t0

    split = np.array([r["split"] for r in rows])
    prompts = np.array([r["prompt"] for r in rows])
    train = np.where(split == "train")[0]
    test = np.where(split == "test")[0]

    def both(idx):
        x = diff[idx]
        return sparse.vstack([x, -x]).tocsr(), np.r_[np.ones(len(idx)), np.zeros(len(idx))]

    t1 = time.perf_counter()
    grid = [1.0, 10.0, 100.0, 1000.0]
    best_c, best_acc = grid[0], -1.0
    for c in grid:
        accs = []
        for tr, va in GroupKFold(n_splits=3).split(train, groups=prompts[train]):
            x, y = both(train[tr])
            m = LogisticRegression(C=c, fit_intercept=False, max_iter=1000).fit(x, y)
            accs.append(np.mean(diff[train[va]] @ m.coef_.ravel() > 0))
        if np.mean(accs) > best_acc:
            best_c, best_acc = c, float(np.mean(accs))
    x, y = both(train)
    model = LogisticRegression(C=best_c, fit_intercept=False, max_iter=1000).fit(x, y)
    train_s = time.perf_counter() - t1

    margin = diff[test] @ model.coef_.ravel()
    credit = np.where(margin > 0, 1.0, np.where(margin == 0, 0.5, 0.0))
    rng = np.random.default_rng(a.seed)
    boots = [credit[rng.integers(0, len(credit), len(credit))].mean() for _ in range(a.rounds)]
    longer = np.array([
        1.0 if len(rows[k]["chosen"].split()) > len(rows[k]["rejected"].split()) else
        0.5 if len(rows[k]["chosen"].split()) == len(rows[k]["rejected"].split()) else 0.0
        for k in test
    ])
    out = {
        "pairs": len(rows), "train_pairs": int(len(train)), "test_pairs": int(len(test)),
        "C": best_c, "lambda_equivalent": 1.0 / (best_c * 2 * len(train)),
        "heldout_accuracy": float(credit.mean()),
        "heldout_accuracy_interval": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))],
        "longer_wins_accuracy": float(longer.mean()),
        "featurise_s": featurise_s, "train_cv_and_fit_s": train_s,
    }
    if a.swift:
        s = json.load(open(a.swift))
        out["swift"] = {k: s.get(k) for k in ("heldout_accuracy", "heldout_accuracy_interval", "planted_model_accuracy",
                                               "longer_wins_accuracy", "featurise_s", "train_all_s", "outputs_per_s", "lambda")}
        out["accuracy_difference_swift_minus_sklearn"] = s["heldout_accuracy"] - out["heldout_accuracy"]
    print(json.dumps(out, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
