#!/usr/bin/env python3
"""Deterministic generator of K-way and pairwise vote files (Prefer's JSONL).

Rows are one of
  {"candidates": [...shown order...], "winner": "c"}        best of K
  {"candidates": [...], "ranking": ["c", "a"]}               partial ranking
  {"ranking": ["c", "a", "d", "b"]}                          full ranking
  {"model_a": "a", "model_b": "b", "winner": "model_a"}      pairwise
with optional "voter", "category", "tstamp" and "weight".

Generative model: ratings R = 1000 + Normal(0, --elo-sd); a K-way ranking is
Plackett-Luce, drawn with the Gumbel trick (sort θ + Gumbel noise, θ = R ln10/400);
K candidates are drawn uniformly without replacement and shown in random
order. Pairwise votes follow the chosen tie model:
  half      ties with probability tie_frac * 2 min(s, 1-s) (expected score s),
  davidson  P(i) : P(j) : P(tie) = π_i : π_j : ν sqrt(π_i π_j),
  rao-kupper P(i) = π_i / (π_i + θ π_j), P(j) = π_j / (π_j + θ π_i), rest tie.
A --bothbad-frac share of pairwise ties is written as "tie (bothbad)".

Everything is driven by numpy's PCG64 with --seed: the same argv gives
byte-identical files.

  kway_votes.py --contenders 100 --votes 300000 --k 4 --kinds ranking --out bench/out/kway4.jsonl
"""
import argparse
import json
import math

import numpy as np

LN10_400 = math.log(10) / 400


def names(n):
    return [f"model-{i:03d}" for i in range(n)]


def generate(n, votes, seed=1, k=(4,), kinds=("ranking",), pairwise_frac=0.0, ties="half",
             tie_param=0.25, bothbad_frac=0.3, elo_sd=120.0, fields=False, weights=False,
             escape_name=False):
    rng = np.random.default_rng(seed)
    contenders = names(n)
    if escape_name:
        contenders[1] = 'quote"back\\slash-é'
    ratings = 1000 + rng.normal(0, elo_sd, n)
    theta = ratings * LN10_400
    ks = np.array(k)
    rows = []
    for v in range(votes):
        row = {}
        if rng.random() < pairwise_frac:
            i, j = rng.choice(n, 2, replace=False)
            pi, pj = math.exp(theta[i]), math.exp(theta[j])
            if ties == "half":
                s = pi / (pi + pj)
                q = tie_param * 2 * min(s, 1 - s)
                probs = [s - q / 2, 1 - s - q / 2, q]
            elif ties == "davidson":
                t = tie_param * math.sqrt(pi * pj)
                z = pi + pj + t
                probs = [pi / z, pj / z, t / z]
            else:  # rao-kupper
                a = pi / (pi + tie_param * pj)
                b = pj / (pj + tie_param * pi)
                probs = [a, b, 1 - a - b]
            u = rng.random()
            if u < probs[0]:
                winner = "model_a"
            elif u < probs[0] + probs[1]:
                winner = "model_b"
            else:
                winner = "tie (bothbad)" if rng.random() < bothbad_frac else "tie"
            row = {"model_a": contenders[i], "model_b": contenders[j], "winner": winner}
        else:
            size = int(rng.choice(ks))
            shown = rng.choice(n, size, replace=False)
            order = shown[np.argsort(-(theta[shown] + rng.gumbel(size=size)), kind="stable")]
            kind = kinds[int(rng.integers(len(kinds)))]
            if kind == "best":
                row = {"candidates": [contenders[c] for c in shown], "winner": contenders[order[0]]}
            elif kind == "partial":
                top = int(rng.integers(1, size))
                row = {"candidates": [contenders[c] for c in shown], "ranking": [contenders[c] for c in order[:top]]}
            elif kind == "ranking":
                row = {"ranking": [contenders[c] for c in order]}
            else:  # a full ranking with its shown order
                row = {"candidates": [contenders[c] for c in shown], "ranking": [contenders[c] for c in order]}
        if fields:
            row["voter"] = f"voter-{int(rng.integers(40)):02d}"
            row["category"] = ["coding", "writing", "math"][int(rng.integers(3))]
            row["tstamp"] = 1_700_000_000 + v * 37
        if weights:
            row["weight"] = float(rng.choice([0.5, 1.0, 2.0, 3.0]))
        rows.append(row)
    truth = {"ratings": dict(zip(contenders, ratings.tolist())), "ties": ties, "tie_parameter": tie_param,
             "seed": seed, "votes": votes}
    return rows, truth


def write(rows, path):
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--contenders", type=int, default=100)
    ap.add_argument("--votes", type=int, default=300_000)
    ap.add_argument("--k", default="4", help="comma-separated K values")
    ap.add_argument("--kinds", default="ranking", help="best, partial, ranking, shown-ranking (comma-separated)")
    ap.add_argument("--pairwise-frac", type=float, default=0.0)
    ap.add_argument("--ties", default="half", choices=["half", "davidson", "rao-kupper"])
    ap.add_argument("--tie-param", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows, truth = generate(args.contenders, args.votes, seed=args.seed, k=tuple(int(x) for x in args.k.split(",")),
                           kinds=tuple(args.kinds.split(",")), pairwise_frac=args.pairwise_frac, ties=args.ties,
                           tie_param=args.tie_param)
    write(rows, args.out)
    with open(args.out.rsplit(".", 1)[0] + ".truth.json", "w") as f:
        json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
