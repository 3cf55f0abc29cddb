#!/usr/bin/env python3
"""Side-by-side benchmark: `prefer rank` (Plackett-Luce, 1,000 bootstrap
rounds) against choix's ilsr_rankings run once, whole processes, same files.

For each size (contenders:votes), generates K-way full rankings with
bench/kway_votes.py (fixed seed; {"ranking": [...]} rows), then alternately
runs --repeats times each
  prefer rank FILE --bootstrap 1000 --format json --quiet --timings
  python bench/choix_rank.py FILE          (read the JSONL, ilsr_rankings once)
and reports the fastest wall time of each, their ratio, the steps of each,
and how far the two rating sets are apart. Prints a markdown table and writes
bench/out/pl_vs_choix.json.

    bench/pl_vs_choix.py [--repeats 3] [--sizes 100:300000] [--k 4] [--rounds 1000]

bench/run-pl-vs-choix.sh builds prefer (release) and runs this with the
reference Python (numpy, choix).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
PREFER = os.environ.get("PREFER", os.path.join(ROOT, ".build", "release", "prefer"))


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--sizes", default="100:300000")
    ap.add_argument("--k", type=int, default=4)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for spec in args.sizes.split(","):
        contenders, votes = (int(x) for x in spec.split(":"))
        data = os.path.join(OUT, f"rankings_k{args.k}_m{contenders}_v{votes}.jsonl")
        if not os.path.exists(data):
            subprocess.run([sys.executable, os.path.join(HERE, "kway_votes.py"), "--contenders", str(contenders),
                            "--votes", str(votes), "--k", str(args.k), "--kinds", "ranking", "--seed", "1",
                            "--out", data], check=True)
        mine_out = data.replace(".jsonl", ".prefer.json")
        ref_out = data.replace(".jsonl", ".choix.json")
        best = {k: float("inf") for k in ("prefer", "choix", "prefer_read", "prefer_fit", "prefer_bootstrap",
                                          "choix_read", "choix_fit")}
        for _ in range(args.repeats):
            t, proc = timed([PREFER, "rank", data, "--bootstrap", str(args.rounds), "--format", "json",
                             "--quiet", "--timings"])
            with open(mine_out, "w") as f:
                f.write(proc.stdout)
            steps = json.loads(proc.stderr.strip().splitlines()[-1])
            best["prefer"] = min(best["prefer"], t)
            best["prefer_read"] = min(best["prefer_read"], steps["read_s"])
            best["prefer_fit"] = min(best["prefer_fit"], steps["aggregate_s"] + steps["fit_s"])
            best["prefer_bootstrap"] = min(best["prefer_bootstrap"], steps["intervals_s"])
            t, proc = timed([sys.executable, os.path.join(HERE, "choix_rank.py"), data, "--out", ref_out])
            info = json.loads(proc.stdout)
            best["choix"] = min(best["choix"], t)
            best["choix_read"] = min(best["choix_read"], info["times_s"]["load"])
            best["choix_fit"] = min(best["choix_fit"], info["times_s"]["fit"])
        with open(ref_out) as f:
            ref = json.load(f)
        with open(mine_out) as f:
            mine = json.load(f)
        by_name = {c["name"]: c for c in mine["contenders"]}
        diff = max(abs(r - by_name[n]["rating"]) for n, r in zip(ref["contenders"], ref["ratings"]))
        width = sum(c["upper"] - c["lower"] for c in mine["contenders"]) / len(mine["contenders"])
        rows.append({
            "contenders": contenders, "votes": votes, "k": args.k, "rounds": args.rounds,
            "mb": os.path.getsize(data) / 1e6, **{k: round(v, 4) for k, v in best.items()},
            "speedup": round(best["choix"] / best["prefer"], 1), "max_rating_diff": diff,
            "mean_ci_width": round(width, 3),
            "bootstrap_mean_iterations": mine["method"].get("bootstrap_mean_iterations"),
            "bootstrap_full_fit_rounds": mine["method"].get("bootstrap_full_fit_rounds"),
            "cpus": os.cpu_count(),
        })
    with open(os.path.join(OUT, "pl_vs_choix.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print(f"| votes / contenders (K) | file | prefer rank --bootstrap {args.rounds} (whole process) | "
          f"choix ilsr_rankings once (whole process) | speed-up | prefer: read / fit / bootstrap | "
          f"choix: read / fit | max rating diff |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['votes']:,} / {r['contenders']} ({r['k']}) | {r['mb']:.0f} MB | {r['prefer']:.2f} s | "
              f"{r['choix']:.2f} s | **{r['speedup']}×** | {r['prefer_read']:.2f} / {r['prefer_fit']:.2f} / "
              f"{r['prefer_bootstrap']:.2f} s | {r['choix_read']:.2f} / {r['choix_fit']:.2f} s | "
              f"{r['max_rating_diff']:.1e} Elo |")


if __name__ == "__main__":
    main()
