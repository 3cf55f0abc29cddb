#!/usr/bin/env python3
"""Side-by-side benchmark: `prefer rank` against the Python reference.

Runs, on the same JSONL files made by the reference generator (gen_votes.py),
the whole `prefer rank FILE --bootstrap 1000` process and the whole
`reference_bt.py FILE --method smart-newton --bootstrap 1000` process,
alternately, --repeats times each, and reports the fastest wall time of each,
their ratio, the reading time of each, and how far the two leaderboards are
apart (ratings and interval bounds). Prints a markdown table and writes
bench/out/rank_vs_reference.json.

    bench/rank_vs_reference.py [--repeats 3] [--sizes 100:1000000,200:3000000]

Needs the reference's Python packages; bench/run-rank-vs-reference.sh sets
up a virtualenv with them and calls this script with it.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REFERENCE = os.environ.get("PREFER_REFERENCE", os.path.join(ROOT, "..", "shared", "reference"))
OUT = os.path.join(HERE, "out")
PREFER = os.path.join(ROOT, ".build", "release", "prefer")


def timed(cmd, stdout=None):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--sizes", default="100:1000000,200:3000000")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for spec in args.sizes.split(","):
        models, votes = (int(x) for x in spec.split(":"))
        prefix = os.path.join(OUT, f"m{models}_v{votes}")
        if not os.path.exists(prefix + ".jsonl"):
            subprocess.run([sys.executable, os.path.join(REFERENCE, "gen_votes.py"), "--models", str(models),
                            "--votes", str(votes), "--out", prefix, "--seed", "1"], check=True)
        data = prefix + ".jsonl"
        ref_out = prefix + ".reference.json"
        mine_out = prefix + ".prefer.json"
        best = {"prefer": float("inf"), "reference": float("inf"), "prefer_read": float("inf"),
                "reference_read": float("inf"), "prefer_bootstrap": float("inf"),
                "reference_bootstrap": float("inf")}
        for _ in range(args.repeats):
            t, proc = timed([PREFER, "rank", data, "--bootstrap", str(args.rounds), "--format", "json",
                             "--quiet", "--timings"])
            with open(mine_out, "w") as f:
                f.write(proc.stdout)
            steps = json.loads(proc.stderr.strip().splitlines()[-1])
            best["prefer"] = min(best["prefer"], t)
            best["prefer_read"] = min(best["prefer_read"], steps["read_s"])
            best["prefer_bootstrap"] = min(best["prefer_bootstrap"], steps["intervals_s"])
            t, proc = timed([sys.executable, os.path.join(REFERENCE, "reference_bt.py"), data,
                             "--method", "smart-newton", "--bootstrap", str(args.rounds),
                             "--ratings-out", ref_out])
            info = json.loads(proc.stdout)
            best["reference"] = min(best["reference"], t)
            best["reference_read"] = min(best["reference_read"], info["times_s"]["load"])
            best["reference_bootstrap"] = min(best["reference_bootstrap"], info["times_s"]["bootstrap"])
        with open(ref_out) as f:
            ref = json.load(f)
        with open(mine_out) as f:
            mine = {c["name"]: c for c in json.load(f)["contenders"]}
        names = ref["models"]
        diff = max(abs(r - mine[n]["rating"]) for n, r in zip(names, ref["elo"]))
        lo = max(abs(r - mine[n]["lower"]) for n, r in zip(names, ref["ci_lo"]))
        hi = max(abs(r - mine[n]["upper"]) for n, r in zip(names, ref["ci_hi"]))
        width_ref = sum(h - l for h, l in zip(ref["ci_hi"], ref["ci_lo"])) / len(names)
        width_mine = sum(mine[n]["upper"] - mine[n]["lower"] for n in names) / len(names)
        rows.append({
            "contenders": models, "votes": votes, "rounds": args.rounds, "mb": os.path.getsize(data) / 1e6,
            **{k: round(v, 4) for k, v in best.items()},
            "speedup": round(best["reference"] / best["prefer"], 1),
            "max_rating_diff": diff, "max_ci_bound_diff": max(lo, hi),
            "mean_ci_width_reference": round(width_ref, 3), "mean_ci_width_prefer": round(width_mine, 3),
        })
    with open(os.path.join(OUT, "rank_vs_reference.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print(f"| votes / contenders | file | prefer rank (whole process) | reference smart-newton (whole process) | speed-up | "
          f"reading: prefer / reference | bootstrap {args.rounds}: prefer / reference | max rating diff | mean CI width prefer / reference |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['votes']:,} / {r['contenders']} | {r['mb']:.0f} MB | {r['prefer']:.2f} s | {r['reference']:.2f} s | "
              f"**{r['speedup']}×** | {r['prefer_read']:.2f} s / {r['reference_read']:.2f} s | "
              f"{r['prefer_bootstrap']:.2f} s / {r['reference_bootstrap']:.2f} s | {r['max_rating_diff']:.1e} Elo | "
              f"{r['mean_ci_width_prefer']:.2f} / {r['mean_ci_width_reference']:.2f} |")


if __name__ == "__main__":
    main()
