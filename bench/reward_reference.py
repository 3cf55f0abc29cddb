#!/usr/bin/env python3
"""Independent reference for Prefer's reward model (RewardFeatures, PairwiseLogistic).

Re-implements the documented featurisation (byte-level words, word and
character n-grams, prompt-output interactions, signed FNV-1a hashing with the
SplitMix64 finaliser, sublinear tf, per-block L2 norms, log-length) in Python,
and fits the regularised pairwise logistic loss with scikit-learn's
LogisticRegression on the feature differences, so that the Swift tests can
check both against numbers they did not compute.

Writes, into Tests/PreferTestSupport/testdata:
  reward-features.json  texts -> hashed indices/values/dense for two settings
  reward-sklearn.json   pairs, settings, lambda and scikit-learn's weights

Run: /work/pyref/bin/python bench/reward_reference.py
"""
import json
import math
import os

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

MASK64 = (1 << 64) - 1
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def fnv(h, byte):
    return ((h ^ byte) * FNV_PRIME) & MASK64


def tag_hash(tag):
    h = FNV_OFFSET
    for b in tag.encode():
        h = fnv(h, b)
    return fnv(h, 0x1F)


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def tokenise(text):
    data = bytearray(text.encode("utf-8"))
    words, start = [], -1
    for k, b in enumerate(data):
        if 0x41 <= b <= 0x5A:
            data[k] = b + 0x20
            b = data[k]
        is_word = b >= 0x80 or (0x61 <= b <= 0x7A) or (0x30 <= b <= 0x39)
        if is_word:
            if start < 0:
                start = k
        elif start >= 0:
            words.append(bytes(data[start:k]))
            start = -1
    if start >= 0:
        words.append(bytes(data[start:]))
    return words


def block(hashes, bits):
    """{index: value} of one block, unit L2 norm, signed, sublinear tf."""
    if not hashes:
        return []
    counts = {}
    for h in hashes:
        counts[h] = counts.get(h, 0) + 1
    entries, norm = [], 0.0
    for h in sorted(counts):
        tf = 1 + math.log(counts[h])
        entries.append((h & ((1 << bits) - 1), -tf if h >> 63 else tf))
        norm += tf * tf
    scale = np.float32(1 / math.sqrt(norm))
    return [(i, np.float32(v) * scale) for i, v in entries]


def features(prompt, output, s):
    bits = s["bits"]
    words = tokenise(output)
    entries = []
    if s["word_ngrams"]:
        lo, hi = s["word_ngrams"]
        hs = []
        for n in range(lo, hi + 1):
            if len(words) < n:
                continue
            tag = tag_hash(f"w{n}")
            for start in range(len(words) - n + 1):
                h = tag
                for k in range(n):
                    if k > 0:
                        h = fnv(h, 0x20)
                    for b in words[start + k]:
                        h = fnv(h, b)
                hs.append(mix(h))
        entries += block(hs, bits)
    if s["char_ngrams"]:
        lo, hi = s["char_ngrams"]
        hs = []
        for n in range(lo, hi + 1):
            tag = tag_hash(f"c{n}")
            for w in words:
                padded = b"<" + w + b">"
                for start in range(len(padded) - n + 1):
                    h = tag
                    for b in padded[start:start + n]:
                        h = fnv(h, b)
                    hs.append(mix(h))
        entries += block(hs, bits)
    if s["interactions"]:
        pwords = tokenise(prompt)
        pset, pfirst = set(), []
        for w in pwords:
            if w not in pset:
                pset.add(w)
                if len(pfirst) < 16:
                    pfirst.append(w)
        seen, ofirst, hs = set(), [], []
        copy = tag_hash("o")
        for w in words:
            if w in seen:
                continue
            seen.add(w)
            if len(ofirst) < 64:
                ofirst.append(w)
            if w in pset:
                h = copy
                for b in w:
                    h = fnv(h, b)
                hs.append(mix(h))
        cross = tag_hash("x")
        for p in pfirst:
            hp = cross
            for b in p:
                hp = fnv(hp, b)
            hp = fnv(hp, 0x1F)
            for o in ofirst:
                h = hp
                for b in o:
                    h = fnv(h, b)
                hs.append(mix(h))
        entries += block(hs, bits)
    merged = {}
    for i, v in sorted(entries, key=lambda e: e[0]):
        merged[i] = np.float32(merged.get(i, np.float32(0)) + v)
    dense = [float(np.float32(math.log1p(len(words))))] if "log_words" in s["dense"] else []
    idx = sorted(merged)
    return idx, [float(merged[i]) for i in idx], dense


TEXTS = [
    ("What is the capital of France?", "The capital of France is Paris. Paris is also its largest city!"),
    ("How do I sort a list in Python?", "Use sorted(items) or items.sort(); both are O(n log n). Ça marche très bien — naïve café."),
    ("Explain recursion.", "Recursion: a function that calls itself, e.g. fact(n) = n * fact(n - 1)."),
    ("", "I'm sorry, but I can't help with that request."),
    ("Tips for sleeping better?", "- Keep a schedule.\n- Avoid screens.\n- Keep the room cool, the the the."),
    ("日本の首都は？", "東京です。Tokyo is the capital of Japan."),
]

SETTINGS = [
    {"bits": 12, "word_ngrams": [1, 2], "char_ngrams": [4, 4], "interactions": False, "dense": ["log_words"]},
    {"bits": 14, "word_ngrams": [1, 3], "char_ngrams": [3, 5], "interactions": True, "dense": ["log_words"]},
]


def pairs_for_fit(seed=7, count=300):
    rng = np.random.default_rng(seed)
    good = ["clear", "correct", "example", "steps", "because", "precise", "source", "tested"]
    bad = ["sorry", "maybe", "unsure", "wrong", "vague", "error", "filler", "cannot"]
    neutral = ["the", "answer", "is", "a", "of", "to", "and", "this", "that", "it", "we", "you", "in", "on"]
    out = []
    for k in range(count):
        prompt = f"question {k % 60} about topic {k % 7}"

        def text():
            words = list(rng.choice(neutral, size=rng.integers(6, 14)))
            score = 0.0
            for _ in range(rng.integers(0, 4)):
                if rng.random() < 0.5:
                    words.insert(rng.integers(0, len(words) + 1), rng.choice(good))
                    score += 1
                else:
                    words.insert(rng.integers(0, len(words) + 1), rng.choice(bad))
                    score -= 1
            return " ".join(str(w) for w in words), score

        a, sa = text()
        b, sb = text()
        if rng.random() < 1 / (1 + math.exp(sb - sa)):
            out.append({"prompt": prompt, "chosen": a, "rejected": b})
        else:
            out.append({"prompt": prompt, "chosen": b, "rejected": a})
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = os.path.join(here, "..", "Tests", "PreferTestSupport", "testdata")
    cases = []
    for s in SETTINGS:
        for prompt, output in TEXTS:
            idx, val, dense = features(prompt, output, s)
            cases.append({"settings": s, "prompt": prompt, "output": output, "indices": idx, "values": val, "dense": dense})
    with open(os.path.join(outdir, "reward-features.json"), "w") as f:
        json.dump({"generator": "bench/reward_reference.py", "cases": cases}, f, indent=1, ensure_ascii=False)

    s = {"bits": 12, "word_ngrams": [1, 2], "char_ngrams": [4, 4], "interactions": False, "dense": ["log_words"]}
    pairs = pairs_for_fit()
    dim = (1 << s["bits"]) + len(s["dense"])

    def row(prompt, text):
        idx, val, dense = features(prompt, text, s)
        v = np.zeros(dim)
        v[idx] = val
        v[1 << s["bits"]:] = dense
        return v

    diffs = np.array([row(p["prompt"], p["chosen"]) - row(p["prompt"], p["rejected"]) for p in pairs])
    lam = 1e-3
    n = len(pairs)
    # Prefer: (1/P) sum softplus(-z) + (lam/2)|w|^2.  scikit-learn on the
    # symmetrised set (d, 1), (-d, 0): C * 2 * sum softplus(-z) + |w|^2 / 2.
    X = sparse.csr_matrix(np.vstack([diffs, -diffs]))
    y = np.concatenate([np.ones(n), np.zeros(n)])
    clf = LogisticRegression(C=1 / (2 * lam * n), fit_intercept=False, tol=1e-12, max_iter=100000, solver="lbfgs")
    clf.fit(X, y)
    w = clf.coef_[0]
    z = diffs @ w
    loss = np.mean(np.logaddexp(0, -z)) + 0.5 * lam * float(w @ w)
    nonzero = {str(i): float(w[i]) for i in np.nonzero(np.abs(w) > 0)[0]}
    with open(os.path.join(outdir, "reward-sklearn.json"), "w") as f:
        json.dump({"generator": "bench/reward_reference.py", "settings": s, "lambda": lam, "pairs": pairs,
                   "objective": loss, "weights": nonzero, "sklearn": __import__("sklearn").__version__}, f, indent=1)
    print("features:", len(cases), "cases; fit objective", loss, "nonzero", len(nonzero))


if __name__ == "__main__":
    main()
