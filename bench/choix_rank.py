#!/usr/bin/env python3
"""The reference side of bench/pl_vs_choix.py: rank a file of K-way rankings
({"ranking": [...]}, best first) with choix's I-LSR (Maystre & Grossglauser
2015), run once, the way a Python user would: read the JSONL, index the
names, call choix.ilsr_rankings, print Elo ratings (mean 1000) as JSON.

    choix_rank.py FILE [--alpha 1e-9] [--out ratings.json]

Prints {"times_s": {"load": .., "fit": ..}, "iterations_tol": ..} on stdout.
"""
import argparse
import json
import math
import time

import numpy as np

import choix


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--alpha", type=float, default=1e-9)
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--out")
    args = ap.parse_args()
    t0 = time.perf_counter()
    index = {}
    rankings = []
    with open(args.file) as f:
        for line in f:
            ranking = json.loads(line)["ranking"]
            rankings.append([index.setdefault(name, len(index)) for name in ranking])
    t1 = time.perf_counter()
    theta = choix.ilsr_rankings(len(index), rankings, alpha=args.alpha, tol=args.tol)
    t2 = time.perf_counter()
    elo = 1000 + 400 / math.log(10) * (theta - np.mean(theta))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"contenders": list(index), "ratings": elo.tolist()}, f)
    print(json.dumps({"times_s": {"load": t1 - t0, "fit": t2 - t1}}))


if __name__ == "__main__":
    main()
