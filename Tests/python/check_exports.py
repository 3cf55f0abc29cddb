#!/usr/bin/env python3
"""Loads Prefer's training exports with the consumer library they are made
for — Hugging Face `datasets` (what TRL's trainers take) — and checks the
columns and their types for each format:

- trl:      prompt, chosen, rejected (strings), margin (float)
- trl-chat: prompt, chosen, rejected (lists of {role, content}), margin
- reward:   chosen, rejected (strings), margin (float), no prompt column
- kto:      prompt, completion (strings), label (bool)
- split:    train and test share no prompt

Usage: check_exports.py DIR   (DIR holds trl.jsonl, chat.jsonl, reward.jsonl,
kto.jsonl, uf.jsonl and split/{train,test}.jsonl from prefer export pairs)
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import sys

from datasets import load_dataset

passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def load(path):
    return load_dataset("json", data_files=path, split="train")


def is_messages(value):
    return isinstance(value, list) and len(value) > 0 and all(
        isinstance(m, dict) and set(m) == {"role", "content"} and isinstance(m["content"], str) for m in value)


def main():
    d = sys.argv[1]

    trl = load(os.path.join(d, "trl.jsonl"))
    check(set(trl.column_names) == {"prompt", "chosen", "rejected", "margin"}, f"trl columns {trl.column_names}")
    check(len(trl) > 0, "trl has rows")
    check(trl.features["prompt"].dtype == "string" and trl.features["chosen"].dtype == "string", "trl strings")
    check(trl.features["margin"].dtype in ("float64", "int64"), f"trl margin {trl.features['margin']}")
    check(all(row["prompt"].endswith("Assistant:") for row in trl), "HH prompts end with the Assistant cue")
    check(all("careful answer" in row["chosen"] for row in trl), "chosen is the preferred HH completion")

    chat = load(os.path.join(d, "chat.jsonl"))
    check(set(chat.column_names) == {"prompt", "chosen", "rejected", "margin"}, f"trl-chat columns {chat.column_names}")
    check(all(is_messages(row["prompt"]) and is_messages(row["chosen"]) and is_messages(row["rejected"]) for row in chat),
          "trl-chat rows are message lists")
    check(all(row["chosen"][0]["role"] == "assistant" for row in chat), "completions are assistant messages")
    check(all(row["prompt"][0]["role"] == "system" for row in chat), "the system message is kept")

    reward = load(os.path.join(d, "reward.jsonl"))
    check(set(reward.column_names) == {"chosen", "rejected", "margin"}, f"reward columns {reward.column_names}")
    check(all(row["chosen"].startswith("\n\nHuman:") for row in reward), "reward rows hold the prompt")

    kto = load(os.path.join(d, "kto.jsonl"))
    check(set(kto.column_names) == {"prompt", "completion", "label"}, f"kto columns {kto.column_names}")
    check(kto.features["label"].dtype == "bool", f"kto label {kto.features['label']}")
    labels = kto["label"]
    check(labels.count(True) == labels.count(False), "kto: one desirable and one undesirable row per pair")

    uf = load(os.path.join(d, "uf.jsonl"))
    margins = uf["margin"]
    check(len(uf) > 0 and all(m > 0 for m in margins), "ratings-derived pairs carry their score difference as margin")

    train = load(os.path.join(d, "split", "train.jsonl"))
    test = load(os.path.join(d, "split", "test.jsonl"))
    check(len(train) > 0 and len(test) > 0, f"both splits have rows ({len(train)}, {len(test)})")
    check(not (set(train["prompt"]) & set(test["prompt"])), "no prompt in both splits")
    check(len(train) + len(test) == len(trl), "the split keeps every row")

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
