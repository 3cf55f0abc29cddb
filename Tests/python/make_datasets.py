#!/usr/bin/env python3
"""Writes small preference datasets in the real datasets' shapes, for the
export checks (run-export-checks.sh): HH-RLHF transcripts (Anthropic/hh-rlhf),
TRL conversational pairs (trl-lib), and UltraFeedback rows
(openbmb/UltraFeedback) with per-aspect ratings.

Usage: make_datasets.py DIR
"""
import json
import os
import random
import sys


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(3)
    with open(os.path.join(out, "hh.jsonl"), "w") as f:
        for i in range(120):
            q = f"Question number {i % 80}: how do I {rng.choice(['bake bread', 'learn Swift', 'sleep better'])}?"
            shared = f"\n\nHuman: {q}\n\nAssistant:"
            good = f" Here is a careful answer {i} with steps."
            bad = f" No idea {i}."
            f.write(json.dumps({"chosen": shared + good, "rejected": shared + bad}) + "\n")
    with open(os.path.join(out, "chat.jsonl"), "w") as f:
        for i in range(60):
            prompt = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": f"Name a colour ({i % 30})."}]
            f.write(json.dumps({
                "prompt": prompt,
                "chosen": [{"role": "assistant", "content": f"Blue, {i}."}],
                "rejected": [{"role": "assistant", "content": f"Sky-ish, {i}."}],
            }) + "\n")
    models = ["gpt-4", "llama-2-13b-chat", "falcon-40b-instruct", "starchat"]
    with open(os.path.join(out, "ultrafeedback.jsonl"), "w") as f:
        for i in range(40):
            completions = []
            for m in models:
                ratings = {a: str(rng.randint(1, 5)) for a in ["instruction_following", "honesty", "truthfulness", "helpfulness"]}
                completions.append({
                    "model": m,
                    "principle": "helpfulness",
                    "custom_system_prompt": "",
                    "response": f"{m} answers prompt {i}: " + "word " * rng.randint(3, 30),
                    "annotations": {a: {"Rating": r, "Rationale": f"{a} is {r}"} for a, r in ratings.items()},
                    "critique": "",
                    "overall_score": float(rng.randint(1, 10)),
                    "fine-grained_score": sum(int(r) for r in ratings.values()) / 4,
                })
            f.write(json.dumps({"source": "evol_instruct", "instruction": f"Instruction {i}", "models": models,
                                "completions": completions, "correct_answers": ["None"], "incorrect_answers": ["None"]}) + "\n")


if __name__ == "__main__":
    main()
