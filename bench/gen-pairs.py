#!/usr/bin/env python3
"""Writes N preference pairs with texts in TRL's standard format
({"prompt", "chosen", "rejected"}, one JSON object per line), for the import
and export benchmarks (bench/run-data-bench.sh).

Deterministic for a seed. Texts are random words: prompts of 8 to 40 words,
completions of 15 to 90, about 0.6 KB a row; one prompt in five is shared
with an earlier row (as prompts recur in real preference sets), so exports
have pairs to group.

Usage: bench/gen-pairs.py N OUT.jsonl [--seed S]
"""
import argparse
import json
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = [
        "the", "model", "answer", "question", "explain", "why", "how", "data", "water", "light", "code", "write",
        "list", "story", "poem", "please", "short", "long", "detail", "example", "history", "science", "city",
        "music", "rain", "entropy", "child", "garden", "recipe", "travel", "cairo", "python", "swift", "number",
        "prime", "summary", "letter", "friend", "weather", "energy", "market", "language", "translate", "café",
        "naïve", "über", "数据", "モデル", "é", "—", "“quote”", "tab\there", "line\nbreak", "back\\slash",
    ]

    def text(lo, hi):
        return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))

    prompts = []
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.n):
            if prompts and rng.random() < 0.2:
                prompt = rng.choice(prompts)
            else:
                prompt = text(8, 40) + f" #{i}"
                if len(prompts) < 100_000:
                    prompts.append(prompt)
                else:
                    prompts[rng.randrange(len(prompts))] = prompt
            row = {"prompt": prompt, "chosen": " " + text(15, 90), "rejected": " " + text(15, 90)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
