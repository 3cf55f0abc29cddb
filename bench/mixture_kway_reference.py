#!/usr/bin/env python3
"""Reference implementation of the mixture of preference types on pairwise
AND K-way votes (Prefer's `BradleyTerryMixture` with K-way rankings: a
latent-class Plackett–Luce mixture), written independently of the Swift
code, and the generator of the planted arenas its tests read.

Model. Each annotator u belongs to one of T types; type t has natural-log
strengths θ_t ∈ R^n and prior share π_t. Under type t
  - a pairwise vote of u on (i, j) with score y (1 i wins, ½ tie, 0 j wins)
    has log-likelihood y·log σ(θ_ti − θ_tj) + (1 − y)·log σ(θ_tj − θ_ti)
    (Bradley–Terry; ties half a win);
  - a K-way vote that ranks m_0 > m_1 > … > m_{r−1} above the unranked rest
    of its K candidates (r = min(places ranked, K − 1); a "best of K" pick
    has r = 1) has the Plackett–Luce log-likelihood
        Σ_{s<r} [θ_{t,m_s} − log Σ_{p≥s} exp θ_{t,m_p}]
    (Luce 1959; Plackett 1975), which on two candidates is Bradley–Terry.
All of u's votes, of both kinds, share u's one type (the mixture of
preference types of PAL, Chen et al. 2024, and of VPL's latent user
variable, Poddar et al. 2024, with a discrete latent). The objective is the
marginal log-likelihood Σ_u log Σ_t π_t exp ℓ_u(t) minus the ridge
(ρ/2)Σ_t‖θ_t‖², ρ = 0.01.

EM: posteriors r_ut ∝ π_t exp ℓ_u(t); M-step π_t = mean_u r_ut and per type
a weighted Plackett–Luce + Bradley–Terry fit with the pair counts and the
K-way votes weighted by r_ut — here scipy's trust-exact Newton on the
analytic Hessian. 10 random hard-assignment starts per T, up to 300 EM steps each;
the best is polished by L-BFGS on the marginal likelihood itself.
BIC = −2ℓ + T(n−1)·log(votes) + (T−1)·log(annotators), votes counting both
kinds. Standard errors: the numerical Hessian of the penalised marginal
log-likelihood in (θ, softmax logits of π), as in mixture_reference.py.

Usage:
  mixture_kway_reference.py testdata   # writes mixture-kway-*.jsonl and
                                       # their .expected.json into
                                       # Tests/PreferTestSupport/testdata
  mixture_kway_reference.py fit FILE.jsonl [--max-types 3] [--restarts 20] [--seed 1]
"""
import argparse
import itertools
import json
import math
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TESTDATA = os.path.join(ROOT, "Tests", "PreferTestSupport", "testdata")
RIDGE = 0.01
ELO = 400 / math.log(10)


# ---------------------------------------------------------------- generation

def planted_arena(kind, seed, annotators=300, contenders=12, tie_share=0.15):
    """Votes from planted types. two-types: type 0 (60%) has strengths evenly
    spread over ±1.5 nats, type 1 (40%) the same with the top four reversed.
    one-type: everyone is type 0. Annotators are of three habits: mixed
    (8–16 pairwise and 6–12 K-way votes), K-way only (20–28) and pairwise
    only (20–30). A K-way vote shows K ∈ {3, 4, 5} contenders drawn
    uniformly and is a best pick (40%), a full ranking (40%) or a top two
    (20%), drawn from Plackett–Luce by the Gumbel trick."""
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
    for u in range(annotators):
        t = int(rng.choice(len(types), p=shares))
        truth_type.append(t)
        p_us = 0.8 if t == 0 else 0.3
        country = "US" if rng.random() < p_us else "FR"
        theta = types[t]
        voter = f"u{u:04d}"
        habit = rng.choice(3, p=[0.5, 0.25, 0.25])
        pairwise = {0: rng.integers(8, 17), 1: 0, 2: rng.integers(20, 31)}[habit]
        kway = {0: rng.integers(6, 13), 1: rng.integers(20, 29), 2: 0}[habit]
        votes = []
        for _ in range(pairwise):
            i, j = rng.choice(contenders, size=2, replace=False)
            p = expit(theta[i] - theta[j])
            q = min(tie_share * 2 * min(p, 1 - p) * 2.5, 2 * min(p, 1 - p))
            x = rng.random()
            w = "model_a" if x < p - q / 2 else ("tie" if x < p + q / 2 else "model_b")
            votes.append({"voter": voter, "model_a": names[i], "model_b": names[j], "winner": w, "country": country})
        for _ in range(kway):
            k = int(rng.integers(3, 6))
            shown = rng.choice(contenders, size=k, replace=False)
            order = shown[np.argsort(-(theta[shown] + rng.gumbel(size=k)), kind="stable")]
            form = rng.choice(3, p=[0.4, 0.4, 0.2])
            vote = {"voter": voter, "candidates": [names[c] for c in shown], "country": country}
            if form == 0:
                vote["winner"] = names[order[0]]
            elif form == 1:
                vote["ranking"] = [names[c] for c in order]
            else:
                vote["ranking"] = [names[c] for c in order[:2]]
            votes.append(vote)
        rng.shuffle(votes)
        rows += votes
    truth = {
        "kind": kind,
        "seed": seed,
        "shares": shares,
        "elo": [{n: 1000 + ELO * float(t[k]) for k, n in enumerate(names)} for t in types],
        "voter_type": {f"u{u:04d}": truth_type[u] for u in range(annotators)},
    }
    return rows, truth


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row, separators=(",", ":")) + "\n")


# ---------------------------------------------------------------- the data

class Data:
    """Pairwise votes aggregated per (annotator, unordered pair); K-way votes
    one row each: members ranked first (best first), then the unranked, with
    the number of choices r = min(ranked, K − 1)."""

    def __init__(self, rows):
        voters = sorted({r["voter"] for r in rows})
        names = set()
        for r in rows:
            if "candidates" in r:
                names.update(r["candidates"])
            else:
                names.update([r["model_a"], r["model_b"]])
        self.voter_names = voters
        self.names = sorted(names)
        vid = {v: k for k, v in enumerate(voters)}
        cid = {c: k for k, c in enumerate(self.names)}
        n = len(self.names)
        self.n = n
        self.U = len(voters)
        pu, pa, pb, py = [], [], [], []
        ku, kmembers, kstages = [], [], []
        for r in rows:
            if "candidates" in r:
                cands = [cid[c] for c in r["candidates"]]
                ranking = r["ranking"] if "ranking" in r else [r["winner"]]
                ranked = [cid[c] for c in ranking]
                rest = sorted(c for c in cands if c not in ranked)
                ku.append(vid[r["voter"]])
                kmembers.append(ranked + rest)
                kstages.append(min(len(ranked), len(cands) - 1))
            else:
                pu.append(vid[r["voter"]])
                pa.append(cid[r["model_a"]])
                pb.append(cid[r["model_b"]])
                py.append({"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[r["winner"]])
        self.V = len(pu) + len(ku)
        self.kway_votes = len(ku)
        # Pairs.
        if pu:
            a, b, y, u = np.array(pa), np.array(pb), np.array(py), np.array(pu)
            i = np.minimum(a, b)
            j = np.maximum(a, b)
            s = np.where(a == i, y, 1 - y)
            key = (u * n + i) * n + j
            uniq, inv = np.unique(key, return_inverse=True)
            self.s = np.bincount(inv, weights=s)
            self.c = np.bincount(inv).astype(float)
            self.u = uniq // (n * n)
            self.i = (uniq // n) % n
            self.j = uniq % n
        else:
            self.s = self.c = np.zeros(0)
            self.u = self.i = self.j = np.zeros(0, dtype=int)
        # K-way votes, padded to the largest K with a dummy contender n (strength −∞).
        kmax = max((len(m) for m in kmembers), default=2)
        self.kmax = kmax
        self.ku = np.array(ku, dtype=int)
        self.km = np.full((len(ku), kmax), n, dtype=int)
        for v, m in enumerate(kmembers):
            self.km[v, :len(m)] = m
        self.kmask = self.km < n
        self.kstages = np.array(kstages, dtype=int)
        self.krows = np.arange(len(ku))[:, None]


# ---------------------------------------------------------------- likelihoods

def kway_terms(d, th):
    """Per K-way vote: its Plackett–Luce log-likelihood under strengths th,
    its gradient contributions (votes × kmax, per member position) and, per
    stage, the choice probabilities over the remaining members. The sums
    over the members left at each stage are suffix sums of exp(θ − max θ)."""
    x = np.append(th, -np.inf)[d.km]
    top = x.max(axis=1, keepdims=True)
    e = np.exp(x - top)
    suffix = np.cumsum(e[:, ::-1], axis=1)[:, ::-1]
    stage = np.arange(d.kmax)[None, :]
    active = stage < d.kstages[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(active, x - top - np.log(suffix), 0.0)
    ll = terms.sum(axis=1)
    grad = active.astype(float)
    probs = []
    for s in range(d.kmax - 1):
        on = active[:, s]
        p = np.where(on[:, None], e[:, s:] / suffix[:, s:s + 1], 0.0)
        grad[:, s:] -= p
        probs.append(p)
    return ll, grad, probs


def type_loglik(d, theta):
    """ℓ_u(t) for every annotator and type: U×T."""
    T = theta.shape[0]
    out = np.zeros((d.U, T))
    for t in range(T):
        if len(d.u):
            x = theta[t, d.i] - theta[t, d.j]
            ll = d.s * log_expit(x) + (d.c - d.s) * log_expit(-x)
            out[:, t] += np.bincount(d.u, weights=ll, minlength=d.U)
        if len(d.ku):
            kll, _, _ = kway_terms(d, theta[t])
            out[:, t] += np.bincount(d.ku, weights=kll, minlength=d.U)
    return out


def type_gradient(d, th, wpair, wkway):
    """∇ of Σ_pairs w·ℓ + Σ_kway w·ℓ at th (no ridge)."""
    n = d.n
    g = np.zeros(n)
    if len(d.u):
        x = th[d.i] - th[d.j]
        r = wpair * (d.s - d.c * expit(x))
        g += np.bincount(d.i, weights=r, minlength=n) - np.bincount(d.j, weights=r, minlength=n)
    if len(d.ku):
        _, grad, _ = kway_terms(d, th)
        g += np.bincount(d.km.ravel(), weights=(grad * wkway[:, None]).ravel(), minlength=n + 1)[:n]
    return g


def weighted_fit(d, wpair, wkway, start):
    """argmax Σ_pairs w (s log σ(x) + (c − s) log σ(−x)) + Σ_kway w ℓ_PL − (ρ/2)‖θ‖², trust-exact."""
    n = d.n

    def f(th):
        total = 0.0
        if len(d.u):
            x = th[d.i] - th[d.j]
            total += (wpair * (d.s * log_expit(x) + (d.c - d.s) * log_expit(-x))).sum()
        if len(d.ku):
            kll, _, _ = kway_terms(d, th)
            total += (wkway * kll).sum()
        return -total + 0.5 * RIDGE * th @ th

    def g(th):
        return -type_gradient(d, th, wpair, wkway) + RIDGE * th

    def h(th):
        H = np.zeros((n, n))
        if len(d.u):
            x = th[d.i] - th[d.j]
            p = expit(x)
            w = wpair * d.c * p * (1 - p)
            flat = np.bincount(d.i * n + d.i, weights=w, minlength=n * n) + np.bincount(d.j * n + d.j, weights=w, minlength=n * n)
            flat -= np.bincount(d.i * n + d.j, weights=w, minlength=n * n) + np.bincount(d.j * n + d.i, weights=w, minlength=n * n)
            H += flat.reshape(n, n)
        if len(d.ku):
            _, _, probs = kway_terms(d, th)
            for s, p in enumerate(probs):
                # Each stage's choice over the members left: w (diag(P) − P Pᵀ), P one row per vote.
                P = np.zeros((len(d.ku), n + 1))
                P[d.krows, d.km[:, s:]] = p
                P = P[:, :n]
                Pw = P * wkway[:, None]
                H += np.diag(Pw.sum(axis=0)) - Pw.T @ P
        return H + RIDGE * np.eye(n)

    res = minimize(f, start, jac=g, hess=h, method="trust-exact", options={"gtol": 1e-11})
    return res.x


def objective(d, theta, pi):
    L = type_loglik(d, theta) + np.log(np.maximum(pi, 1e-300))
    return logsumexp(L, axis=1).sum() - 0.5 * RIDGE * (theta ** 2).sum()


def em(d, T, rng, max_iter=300, tol=1e-10):
    z = rng.integers(T, size=d.U)
    r = np.zeros((d.U, T))
    r[np.arange(d.U), z] = 1
    theta = np.zeros((T, d.n))
    prev = -np.inf
    it = 0
    for it in range(max_iter):
        pi = r.mean(axis=0)
        for t in range(T):
            wpair = r[d.u, t] if len(d.u) else np.zeros(0)
            wkway = r[d.ku, t] if len(d.ku) else np.zeros(0)
            theta[t] = weighted_fit(d, wpair, wkway, theta[t])
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
    return th, np.exp(eta - logsumexp(eta))


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
        wpair = r[d.u, t] if len(d.u) else np.zeros(0)
        wkway = r[d.ku, t] if len(d.ku) else np.zeros(0)
        g[t * n:(t + 1) * n] = type_gradient(d, th[t], wpair, wkway) - RIDGE * th[t]
    g[T * n:] = (r - p).sum(axis=0)[1:]
    return value, g


def polish(d, theta, pi):
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
        out = em(d, T, rng)
        if best is None or out[0] > best[0]:
            best = out
    obj, theta, pi, r = polish(d, best[1], best[2])
    if obj < best[0]:
        return best
    return obj, theta, pi, r, best[4]


def bic(d, T, obj, theta):
    ll = obj + 0.5 * RIDGE * (theta ** 2).sum()
    return -2 * ll + T * (d.n - 1) * math.log(d.V) + (T - 1) * math.log(d.U), ll


def observed_information_se(d, theta, pi):
    T, n = theta.shape
    eta = np.log(pi / pi[0])[1:]
    x0 = np.concatenate([theta.ravel(), eta])
    m = len(x0)
    H = np.zeros((m, m))
    for k in range(m):
        h = 1e-5 * max(1.0, abs(x0[k]))
        e = np.zeros(m)
        e[k] = h
        H[:, k] = (marginal(d, x0 + e, T)[1] - marginal(d, x0 - e, T)[1]) / (2 * h)
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


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fit_rows(rows, max_types, restarts, seed, with_se=True):
    d = Data(rows)
    start = time.perf_counter()
    fits = {}
    table = []
    for T in range(1, max_types + 1):
        obj, theta, pi, r, _ = fit_types(d, T, restarts, seed)
        b_, ll = bic(d, T, obj, theta)
        fits[T] = (obj, theta, pi, r, ll)
        table.append({"types": T, "bic": b_, "log_likelihood": ll, "objective": obj})
    chosen = min(table, key=lambda e: e["bic"])["types"]
    out = {"bic": table, "types": chosen, "fit_seconds": time.perf_counter() - start, "ridge": RIDGE,
           "votes": d.V, "kway_votes": d.kway_votes, "annotators": d.U, "contenders": d.n, "fits": {}}
    for T, (obj, theta, pi, r, ll) in fits.items():
        order = np.argsort(-pi, kind="stable")
        theta, pi, r = theta[order], pi[order], r[:, order]
        centred = theta - theta.mean(axis=1, keepdims=True)
        entry = {
            "shares": pi.tolist(),
            "elo": [{name: 1000 + ELO * float(centred[t, k]) for k, name in enumerate(d.names)} for t in range(T)],
            "posterior_type": {v: int(np.argmax(r[k])) for k, v in enumerate(d.voter_names)},
            "posterior": {v: float(r[k].max()) for k, v in enumerate(d.voter_names)},
            "log_likelihood": ll,
        }
        if with_se and T <= 2:
            se = observed_information_se(d, theta, pi)
            entry["se"] = [{name: float(se[t, k]) for k, name in enumerate(d.names)} for t in range(T)]
        out["fits"][str(T)] = entry
    return out, d


def make_testdata():
    os.makedirs(TESTDATA, exist_ok=True)
    for kind, seed in [("two-types", 11), ("one-type", 12)]:
        rows, truth = planted_arena(kind, seed)
        name = f"mixture-kway-{kind}"
        write_jsonl(os.path.join(TESTDATA, name + ".jsonl"), rows)
        out, d = fit_rows(rows, max_types=3, restarts=10, seed=1)
        out["truth"] = truth
        post = out["fits"][str(out["types"])]["posterior_type"]
        best = 0
        for perm in itertools.permutations(range(max(out["types"], len(truth["shares"])))):
            best = max(best, sum(1 for v, t in truth["voter_type"].items() if perm[post[v]] == t))
        out["assignment_accuracy"] = best / len(truth["voter_type"])
        with open(os.path.join(TESTDATA, name + ".expected.json"), "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
        print(f"{name}: {d.V} votes ({d.kway_votes} K-way), {d.U} annotators; BIC chooses T = {out['types']}; "
              f"accuracy {out['assignment_accuracy']:.3f}; fit {out['fit_seconds']:.1f} s; "
              + ", ".join(f"T={e['types']}: {e['bic']:.2f}" for e in out["bic"]))


def main():
    np.seterr(invalid="ignore", divide="ignore")
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("testdata")
    f = sub.add_parser("fit")
    f.add_argument("file")
    f.add_argument("--max-types", type=int, default=3)
    f.add_argument("--restarts", type=int, default=20)
    f.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.cmd == "testdata":
        make_testdata()
    else:
        out, _ = fit_rows(read_jsonl(args.file), args.max_types, args.restarts, args.seed)
        for T in out["fits"].values():
            T.pop("posterior_type")
            T.pop("posterior")
        json.dump(out, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
