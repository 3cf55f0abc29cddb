#!/usr/bin/env python3
"""Reference values of the chi-squared upper tail and the beta CDF (scipy),
for Prefer's `ChiSquared` and `BetaDistribution`. Writes
Tests/PreferTestSupport/testdata/distributions.expected.json."""
import json
import os

from scipy.stats import beta, chi2

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "Tests", "PreferTestSupport", "testdata", "distributions.expected.json")

chi = []
for df in [1, 2, 3, 5, 10, 37, 200, 1000]:
    for x in [0.001, 0.5, 1, 3.84, 10, 50, 150, 400, 1200]:
        chi.append({"x": x, "df": df, "sf": float(chi2.sf(x, df))})
bet = []
for a, b in [(1, 1), (2, 1), (4, 3), (13, 9), (0.5, 0.5), (6, 1), (101, 1), (1.5, 40.5), (500, 480)]:
    for x in [1e-4, 0.1, 0.3, 0.5, 0.7, 0.9, 0.9999]:
        bet.append({"a": a, "b": b, "x": x, "cdf": float(beta.cdf(x, a, b)), "sf": float(beta.sf(x, a, b))})
with open(OUT, "w") as f:
    json.dump({"chi2_sf": chi, "beta": bet}, f, indent=1)
print(f"wrote {OUT}")
