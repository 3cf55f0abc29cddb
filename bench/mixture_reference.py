#!/usr/bin/env python3
"""Reference implementation of the latent-class Bradley–Terry mixture
(Prefer's `BradleyTerryMixture`), written independently of the Swift code,
and the generator of the planted arenas its tests read.

Model. Each annotator u belongs to one of T types; type t has natural-log
strengths θ_t ∈ R^n and prior share π_t. A vote of u on (i, j) with score y
(1 i wins, ½ tie or both bad, 0 j wins) has log-likelihood
    y·log σ(θ_ti − θ_tj) + (1 − y)·log σ(θ_tj − θ_ti)
under type t; u's votes share one type. The objective is the marginal
log-likelihood Σ_u log Σ_t π_t exp ℓ_u(t) minus a weak ridge (ρ/2)Σ_t‖θ_t‖²
(ρ = 0.01, a N(0, 10²) prior that keeps a type with few votes finite).

EM (Dempster, Laird & Rubin 1977): E-step posteriors r_ut ∝ π_t exp ℓ_u(t);
M-step π_t = mean_u r_ut and, per type, a weighted Bradley–Terry fit on the
pair counts weighted by r_ut — here by scipy's trust-exact Newton on the
analytic Hessian (the Swift code uses its own damped Newton). 20 random
hard-assignment starts per T, 300 EM steps each; the best is then polished by
L-BFGS on the marginal likelihood itself (EM crawls where types overlap).

BIC = −2ℓ + T(n−1)·log(votes) + (T−1)·log(annotators): the strengths are
informed by votes, the shares by annotators.

Standard errors: the observed information of the marginal log-likelihood,
here as the numerical Hessian (central differences of the analytic gradient)
in (θ_1..θ_T, softmax logits of π), plus the ridge; the standard error of a
centred rating is √(cᵀΣc) with c = e_i − 1/n within its type, on the Elo
scale (×400/ln 10). The Swift code computes the same matrix analytically
(Louis 1982), so agreement checks both.

Usage:
  mixture_reference.py testdata   # writes the planted arenas and expected fits
                                  # into Tests/PreferTestSupport/testdata
  mixture_reference.py fit FILE.csv [--max-types 4] [--restarts 20] [--seed 1]
                                  # fits a vote file, prints JSON (and timing)
  mixture_reference.py iterations FILE.csv [--types 2] [--iterations 10]
                                  # seconds per EM iteration (E-step + M-step),
                                  # for bench/run-mixture-bench.sh
"""
import argparse
import csv
import json
import math
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp
from scipy.stats import chi2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TESTDATA = os.path.join(ROOT, "Tests", "PreferTestSupport", "testdata")
RIDGE = 0.01
ELO = 400 / math.log(10)


# ---------------------------------------------------------------- generation

def planted_arena(kind, seed, annotators=400, contenders=12, min_votes=20, max_votes=40, tie_share=0.15):
    """Votes from planted types. two-types: type 0 (60%) has strengths evenly
    spread over ±1.5 nats; type 1 (40%) the same with the top four reversed
    (θ → −θ on them). one-type: everyone is type 0. Pairs uniform, ties with
    probability τ·2·min(p, 1−p) so that the expected score is p."""
    rng = np.random.default_rng(seed)
    base = np.linspace(1.5, -1.5, contenders)
    types = [base.copy()]
    if kind == "two-types":
        other = base.copy()
        other[:4] = -other[:4]
        types.append(other)
    types = [t - t.mean() for t in types]
    shares = [0.6, 0.4] if kind == "two-types" else [1.0]
    names = [f"model-{k:02d}" for k in range(contenders)]
    rows = []
    truth_type = []
    countries = []
    for u in range(annotators):
        t = rng.choice(len(types), p=shares)
        truth_type.append(int(t))
        # country depends on the type (two-types); age band does not.
        p_us = 0.8 if t == 0 else 0.3
        country = "US" if rng.random() < p_us else "FR"
        if rng.random() < 0.02:
            country = "NZ"  # a rare value: merged into "other" by the minimum group size
        countries.append(country)
        age = ["18-29", "30-49", "50+"][rng.integers(3)]
        theta = types[t]
        for _ in range(rng.integers(min_votes, max_votes + 1)):
            i, j = rng.choice(contenders, size=2, replace=False)
            p = expit(theta[i] - theta[j])
            q = tie_share * 2 * min(p, 1 - p) * 2.5
            q = min(q, 2 * min(p, 1 - p))
            x = rng.random()
            if x < p - q / 2:
                w = "model_a"
            elif x < p + q / 2:
                w = "tie"
            else:
                w = "model_b"
            rows.append((f"u{u:04d}", names[i], names[j], w, country, age))
    truth = {
        "kind": kind,
        "seed": seed,
        "shares": shares,
        "elo": [{n: 1000 + ELO * float(t[k]) for k, n in enumerate(names)} for t in types],
        "voter_type": {f"u{u:04d}": truth_type[u] for u in range(annotators)},
    }
    return rows, truth


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["voter", "model_a", "model_b", "winner", "country", "age_band"])
        w.writerows(rows)


def read_votes(path):
    voters, a, b, y = [], [], [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            voters.append(row.get("voter") or row.get("judge"))
            a.append(row["model_a"])
            b.append(row["model_b"])
            y.append({"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie (bothbad)": 0.5}[row["winner"]])
    return voters, a, b, np.array(y)


# ---------------------------------------------------------------- the model

class Data:
    """Votes aggregated per (annotator, unordered pair): s = i's score, c = votes."""

    def __init__(self, voters, a, b, y):
        self.voter_names = sorted(set(voters))
        self.names = sorted(set(a) | set(b))
        vid = {v: k for k, v in enumerate(self.voter_names)}
        cid = {c: k for k, c in enumerate(self.names)}
        ai = np.array([cid[x] for x in a])
        bi = np.array([cid[x] for x in b])
        u = np.array([vid[v] for v in voters])
        i = np.minimum(ai, bi)
        j = np.maximum(ai, bi)
        s = np.where(ai == i, y, 1 - y)
        n = len(self.names)
        key = (u * n + i) * n + j
        uniq, inv = np.unique(key, return_inverse=True)
        self.s = np.bincount(inv, weights=s)
        self.c = np.bincount(inv).astype(float)
        self.u = uniq // (n * n)
        self.i = (uniq // n) % n
        self.j = uniq % n
        self.U = len(self.voter_names)
        self.n = n
        self.V = len(y)
        pair = self.i * n + self.j
        self.pairs, self.pair_of_row = np.unique(pair, return_inverse=True)
        self.pi_ = self.pairs // n
        self.pj_ = self.pairs % n


def type_loglik(d, theta):
    """ℓ_u(t) for every annotator and type: U×T."""
    T = theta.shape[0]
    out = np.zeros((d.U, T))
    for t in range(T):
        x = theta[t, d.i] - theta[t, d.j]
        ll = d.s * log_expit(x) + (d.c - d.s) * log_expit(-x)
        out[:, t] = np.bincount(d.u, weights=ll, minlength=d.U)
    return out


def weighted_bt(d, S, C, start):
    """argmax Σ_pairs S log σ(x) + (C − S) log σ(−x) − (ρ/2)‖θ‖², trust-exact."""
    n = d.n
    pi, pj = d.pi_, d.pj_

    def f(th):
        x = th[pi] - th[pj]
        return -(S * log_expit(x) + (C - S) * log_expit(-x)).sum() + 0.5 * RIDGE * th @ th

    def g(th):
        x = th[pi] - th[pj]
        r = S - C * expit(x)
        grad = np.bincount(pi, weights=r, minlength=n) - np.bincount(pj, weights=r, minlength=n)
        return -grad + RIDGE * th

    def h(th):
        x = th[pi] - th[pj]
        p = expit(x)
        w = C * p * (1 - p)
        H = np.zeros((n, n))
        np.add.at(H, (pi, pi), w)
        np.add.at(H, (pj, pj), w)
        np.add.at(H, (pi, pj), -w)
        np.add.at(H, (pj, pi), -w)
        return H + RIDGE * np.eye(n)

    res = minimize(f, start, jac=g, hess=h, method="trust-exact", options={"gtol": 1e-11})
    return res.x


def objective(d, theta, pi):
    L = type_loglik(d, theta) + np.log(np.maximum(pi, 1e-300))
    return logsumexp(L, axis=1).sum() - 0.5 * RIDGE * (theta ** 2).sum()


def em(d, T, rng, max_iter=5000, tol=1e-10):
    # A random hard assignment, then alternate.
    z = rng.integers(T, size=d.U)
    r = np.zeros((d.U, T))
    r[np.arange(d.U), z] = 1
    theta = np.zeros((T, d.n))
    prev = -np.inf
    for it in range(max_iter):
        pi = r.mean(axis=0)
        for t in range(T):
            w = r[d.u, t]
            S = np.bincount(d.pair_of_row, weights=w * d.s, minlength=len(d.pairs))
            C = np.bincount(d.pair_of_row, weights=w * d.c, minlength=len(d.pairs))
            theta[t] = weighted_bt(d, S, C, theta[t])
        L = type_loglik(d, theta) + np.log(np.maximum(pi, 1e-300))
        r = np.exp(L - logsumexp(L, axis=1, keepdims=True))
        obj = objective(d, theta, pi)
        if obj - prev < tol * (1 + abs(obj)):
            break
        prev = obj
    pi = r.mean(axis=0)
    return objective(d, theta, pi), theta, pi, r, it + 1


def unpack(x, T, n):
    th = x[: T * n].reshape(T, n)
    eta = np.concatenate([[0.0], x[T * n:]])
    p = np.exp(eta - logsumexp(eta))
    return th, p


def marginal(d, x, T):
    """The penalised marginal log-likelihood and its gradient in (θ, logits of π)."""
    n = d.n
    th, p = unpack(x, T, n)
    L = type_loglik(d, th) + np.log(p)
    lse = logsumexp(L, axis=1, keepdims=True)
    r = np.exp(L - lse)
    value = lse.sum() - 0.5 * RIDGE * (th ** 2).sum()
    g = np.zeros_like(x)
    for t in range(T):
        xx = th[t, d.i] - th[t, d.j]
        res = r[d.u, t] * (d.s - d.c * expit(xx))
        gt = np.bincount(d.i, weights=res, minlength=n) - np.bincount(d.j, weights=res, minlength=n)
        g[t * n:(t + 1) * n] = gt - RIDGE * th[t]
    # d/dη_t of Σ_u log Σ π exp ℓ = Σ_u (r_ut − π_t), t ≥ 1
    g[T * n:] = (r - p).sum(axis=0)[1:]
    return value, g


def polish(d, theta, pi):
    """EM's end point refined by quasi-Newton on the marginal likelihood itself
    (EM crawls where types overlap; this does not)."""
    T, n = theta.shape
    x0 = np.concatenate([theta.ravel(), np.log(np.maximum(pi, 1e-300) / max(pi[0], 1e-300))[1:]])
    res = minimize(lambda x: tuple(-v for v in marginal(d, x, T)), x0, jac=True, method="L-BFGS-B",
                   options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15, "gtol": 1e-9})
    th, p = unpack(res.x, T, n)
    L = type_loglik(d, th) + np.log(p)
    r = np.exp(L - logsumexp(L, axis=1, keepdims=True))
    return objective(d, th, p), th, p, r


def fit_types(d, T, restarts, seed):
    best = None
    for k in range(restarts if T > 1 else 1):
        rng = np.random.default_rng([seed, T, k])
        out = em(d, T, rng, max_iter=300)
        if best is None or out[0] > best[0]:
            best = out
    obj, theta, pi, r = polish(d, best[1], best[2])
    if obj < best[0]:
        return best
    return obj, theta, pi, r, best[4]


def bic(d, T, obj, theta):
    # The marginal log-likelihood without the ridge term.
    ll = obj + 0.5 * RIDGE * (theta ** 2).sum()
    return -2 * ll + T * (d.n - 1) * math.log(d.V) + (T - 1) * math.log(d.U), ll


def observed_information_se(d, theta, pi):
    """Standard errors (Elo) of centred ratings from the numerical Hessian of
    the penalised marginal log-likelihood in (θ, logits of π)."""
    T, n = theta.shape

    def grad(x):
        return marginal(d, x, T)[1]

    eta = np.log(pi / pi[0])[1:]
    x0 = np.concatenate([theta.ravel(), eta])
    m = len(x0)
    H = np.zeros((m, m))
    for k in range(m):
        h = 1e-5 * max(1.0, abs(x0[k]))
        e = np.zeros(m)
        e[k] = h
        H[:, k] = (grad(x0 + e) - grad(x0 - e)) / (2 * h)
    H = -(H + H.T) / 2
    cov = np.linalg.inv(H)
    se = np.zeros((T, n))
    for t in range(T):
        for i in range(n):
            c = np.zeros(m)
            c[t * n:(t + 1) * n] = -1.0 / n
            c[t * n + i] += 1
            se[t, i] = ELO * math.sqrt(c @ cov @ c)
    return se


def fit_file(path, max_types, restarts, seed, with_se=True):
    """Fits T = 1..max_types; EM from `restarts` random starts (300 steps
    each), the best polished by L-BFGS on the marginal likelihood."""
    voters, a, b, y = read_votes(path)
    d = Data(voters, a, b, y)
    start = time.perf_counter()
    fits = {}
    table = []
    for T in range(1, max_types + 1):
        obj, theta, pi, r, iters = fit_types(d, T, restarts, seed)
        b_, ll = bic(d, T, obj, theta)
        fits[T] = (obj, theta, pi, r, ll)
        table.append({"types": T, "bic": b_, "log_likelihood": ll, "objective": obj})
    chosen = min(table, key=lambda e: e["bic"])["types"]
    elapsed = time.perf_counter() - start
    out = {"bic": table, "types": chosen, "fit_seconds": elapsed, "ridge": RIDGE,
           "votes": d.V, "annotators": d.U, "contenders": d.n, "fits": {}}
    for T, (obj, theta, pi, r, ll) in fits.items():
        order = np.argsort(-pi, kind="stable")
        theta = theta[order]
        pi = pi[order]
        r = r[:, order]
        centred = theta - theta.mean(axis=1, keepdims=True)
        entry = {
            "shares": pi.tolist(),
            "elo": [{name: 1000 + ELO * float(centred[t, k]) for k, name in enumerate(d.names)} for t in range(T)],
            "posterior_type": {v: int(np.argmax(r[k])) for k, v in enumerate(d.voter_names)},
            "posterior": {v: float(r[k].max()) for k, v in enumerate(d.voter_names)},
            "log_likelihood": ll,
        }
        if with_se and T <= 3:
            se = observed_information_se(d, theta, pi)
            entry["se"] = [{name: float(se[t, k]) for k, name in enumerate(d.names)} for t in range(T)]
        out["fits"][str(T)] = entry
    return out, d


def attribute_table(path, posterior_type, field, minimum=5):
    """Annotator counts per attribute value × hard type, values with fewer
    than `minimum` annotators merged into "other", and the likelihood-ratio
    (G) test of independence."""
    value = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            value.setdefault(row["voter"], {}).setdefault(row[field], 0)
            value[row["voter"]][row[field]] += 1
    mode = {v: max(sorted(c), key=lambda k: c[k]) for v, c in value.items()}
    counts = {}
    for v, x in mode.items():
        counts[x] = counts.get(x, 0) + 1
    merged = {v: (x if counts[x] >= minimum else "other") for v, x in mode.items()}
    values = sorted(set(merged.values()))
    T = max(posterior_type.values()) + 1
    table = np.zeros((len(values), T))
    for v, x in merged.items():
        table[values.index(x), posterior_type[v]] += 1
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 2 * np.nansum(np.where(table > 0, table * np.log(table / expected), 0))
    df = (table.shape[0] - 1) * (table.shape[1] - 1)
    return {"values": values, "counts": table.tolist(), "g": float(g), "df": df,
            "p_value": float(chi2.sf(g, df)) if df > 0 else 1.0}


def make_testdata():
    os.makedirs(TESTDATA, exist_ok=True)
    for kind, seed in [("two-types", 7), ("one-type", 8)]:
        rows, truth = planted_arena(kind, seed)
        name = f"mixture-{kind}"
        csv_path = os.path.join(TESTDATA, name + ".csv")
        write_csv(csv_path, rows)
        out, d = fit_file(csv_path, max_types=3, restarts=20, seed=1)
        out["truth"] = truth
        chosen = out["fits"][str(out["types"])]
        # Assignment accuracy against the planted types, up to relabelling.
        post = chosen["posterior_type"]
        T = out["types"]
        best = 0
        import itertools
        for perm in itertools.permutations(range(max(T, len(truth["shares"])))):
            hits = sum(1 for v, t in truth["voter_type"].items() if perm[post[v]] == t) if T <= len(perm) else 0
            best = max(best, hits)
        out["assignment_accuracy"] = best / len(truth["voter_type"])
        out["attributes"] = {f: attribute_table(csv_path, post, f) for f in ["country", "age_band"]}
        with open(os.path.join(TESTDATA, name + ".expected.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
        print(f"{name}: {d.V} votes, {d.U} annotators; BIC chooses T = {out['types']}; "
              f"accuracy {out['assignment_accuracy']:.3f}; "
              + ", ".join(f"T={e['types']}: {e['bic']:.1f}" for e in out["bic"]))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("testdata")
    f = sub.add_parser("fit")
    f.add_argument("file")
    f.add_argument("--max-types", type=int, default=4)
    f.add_argument("--restarts", type=int, default=20)
    f.add_argument("--seed", type=int, default=1)
    f.add_argument("--no-se", action="store_true")
    it = sub.add_parser("iterations")
    it.add_argument("file")
    it.add_argument("--types", type=int, default=2)
    it.add_argument("--iterations", type=int, default=10)
    args = ap.parse_args()
    if args.cmd == "testdata":
        make_testdata()
    elif args.cmd == "iterations":
        start = time.perf_counter()
        d = Data(*read_votes(args.file))
        read = time.perf_counter() - start
        rng = np.random.default_rng(1)
        start = time.perf_counter()
        obj, theta, pi, r, iters = em(d, args.types, rng, max_iter=args.iterations, tol=0)
        elapsed = time.perf_counter() - start
        json.dump({"read_s": read, "iterations": iters, "seconds_per_iteration": elapsed / iters,
                   "votes": d.V, "annotators": d.U, "contenders": d.n, "types": args.types}, sys.stdout)
        print()
    else:
        out, _ = fit_file(args.file, args.max_types, args.restarts, args.seed, with_se=not args.no_se)
        for T in out["fits"].values():
            T.pop("posterior_type")
            T.pop("posterior")
        json.dump(out, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
