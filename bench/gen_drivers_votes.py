#!/usr/bin/env python3
"""Generates a large vote file with texts for timing `prefer drivers`.

LMArena-shaped JSON Lines: model_a, model_b, winner (ties included), source
(human | judge), prompt, text_a, text_b. Each contender has a style
(typical length, propensity for headers, lists, bold, code, links); answers
are assembled from Markdown blocks (paragraphs, headers, lists, code, links;
some answers refuse, some prompts are in other scripts), so every built-in
feature varies. Outcomes follow contender strength plus planted effects of
length and bold (stronger for judges), so the analysis has something to
find. Seeded: the same arguments write the same file.

Usage: bench/gen_drivers_votes.py OUT.jsonl [--votes 1000000] [--seed 1]
"""
import argparse
import json
import math
import random

WORDS = ("the a of to and in is it that for on with as this be by are was at from or an which can more data model "
         "answer result value system time first each other use new number way example step however because "
         "therefore important consider provide information function approach method process case point").split()
PROMPTS = ["Explain how {} works.", "Write a short note about {}.", "What is the best way to handle {}?",
           "Compare {} and its alternatives.", "Объясните, что такое {}.", "{}について説明してください。", "请解释{}。"]
TOPICS = ["caching", "vector search", "tax returns", "sourdough", "Kubernetes", "photosynthesis", "the Elo system",
          "unit testing", "compound interest", "jet lag"]


def sentence(rng):
    n = rng.randint(6, 22)
    words = rng.choices(WORDS, k=n)
    if rng.random() < 0.2:
        words[rng.randrange(n)] = str(rng.randint(1, 2025))
    if rng.random() < 0.1:
        words[rng.randrange(n)] = "(" + rng.choice(WORDS) + ")"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!", "?"])


def paragraph(rng, bold):
    sentences = [sentence(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < bold:
        k = rng.randrange(len(sentences))
        words = sentences[k].split(" ")
        i = rng.randrange(len(words))
        words[i] = "**" + words[i] + "**"
        sentences[k] = " ".join(words)
    return " ".join(sentences)


def answer(rng, style, refuse):
    if refuse:
        return rng.choice(["I'm sorry, but I can't help with that request.",
                           "I cannot assist with that. " + sentence(rng),
                           "As an AI language model, I must decline. " + sentence(rng)])
    blocks = []
    target = max(80, rng.lognormvariate(math.log(style["length"]), 0.6))
    size = 0
    while size < target:
        r = rng.random()
        if r < style["headers"]:
            block = "#" * rng.randint(1, 3) + " " + sentence(rng).rstrip(".!?")
        elif r < style["headers"] + style["lists"]:
            marker = rng.choice(["- ", "* ", "1. "])
            block = "\n".join(marker + paragraph(rng, style["bold"]) for _ in range(rng.randint(2, 5)))
        elif r < style["headers"] + style["lists"] + style["code"]:
            block = "```python\nx = " + str(rng.randint(0, 99)) + "\nprint(x)\n```"
        else:
            block = paragraph(rng, style["bold"])
            if rng.random() < style["links"]:
                block += " See https://example.org/" + rng.choice(WORDS) + "."
        blocks.append(block)
        size += len(block)
    return "\n\n".join(blocks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--contenders", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    styles = []
    for c in range(args.contenders):
        styles.append({
            "strength": rng.gauss(0, 0.6),
            "length": math.exp(rng.gauss(math.log(600), 0.4)),
            "headers": rng.uniform(0, 0.25), "lists": rng.uniform(0, 0.3), "code": rng.uniform(0, 0.08),
            "bold": rng.uniform(0, 0.8), "links": rng.uniform(0, 0.2), "refusal": rng.uniform(0, 0.04),
        })
    names = [f"model-{c:03d}" for c in range(args.contenders)]
    with open(args.out, "w") as out:
        for _ in range(args.votes):
            i, j = rng.sample(range(args.contenders), 2)
            a = answer(rng, styles[i], rng.random() < styles[i]["refusal"])
            b = answer(rng, styles[j], rng.random() < styles[j]["refusal"])
            judge = rng.random() < 0.3
            la, lb = len(a), len(b)
            length = (la - lb) / (la + lb + 1)
            bold = a.count("**") - b.count("**")
            eta = styles[i]["strength"] - styles[j]["strength"] + (2.0 if judge else 1.0) * length + 0.05 * bold
            p = 1 / (1 + math.exp(-eta))
            u = rng.random()
            winner = "tie" if u < 0.12 else ("model_a" if rng.random() < p else "model_b")
            prompt = rng.choice(PROMPTS).format(rng.choice(TOPICS))
            out.write(json.dumps({"model_a": names[i], "model_b": names[j], "winner": winner,
                                  "source": "judge" if judge else "human", "prompt": prompt,
                                  "text_a": a, "text_b": b}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
