#!/usr/bin/env python3
"""An independent implementation of the text features' documented
definitions (docs/style-and-drivers.md, TextFeature.definition), written from
the definitions with regular expressions and line splitting, not from the
Swift code, to check that the code does what the documentation says.

Writes text-features.jsonl (hand-made edge cases and generated Markdown-like
texts in several scripts) and text-features.expected.json (every feature of
every text). Usage: bench/text_features_reference.py OUT_DIR
"""
import json
import math
import random
import re
import sys

REFUSALS = [
    "i'm sorry, but", "i am sorry, but", "i'm sorry, i can't", "i'm sorry, i cannot", "sorry, but i can't",
    "sorry, but i cannot", "i apologize, but", "i can't help with", "i cannot help with", "i can't assist",
    "i cannot assist", "i can't provide", "i cannot provide", "i can't comply", "i cannot comply", "i can't fulfill",
    "i cannot fulfill", "i can't create", "i cannot create", "i can't write", "i cannot write", "i can't engage",
    "i cannot engage", "i can't do that", "i won't be able to", "i'm not able to provide", "i am not able to provide",
    "i'm unable to", "i am unable to", "i must decline", "i'm not comfortable", "i am not comfortable",
    "against my guidelines", "as an ai language model", "as an ai, i",
]
REFUSAL_RE = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(p) for p in REFUSALS) + ")")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
WHITE = " \t\x0b\x0c\r"

SCRIPTS = [
    ("Latin", [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)]),
    ("Greek", [(0x370, 0x3FF), (0x1F00, 0x1FFF)]),
    ("Cyrillic", [(0x400, 0x52F)]),
    ("Armenian", [(0x530, 0x58F)]),
    ("Hebrew", [(0x590, 0x5FF)]),
    ("Arabic", [(0x600, 0x6FF), (0x750, 0x77F)]),
    ("Devanagari", [(0x900, 0x97F)]),
    ("Bengali", [(0x980, 0x9FF)]),
    ("Tamil", [(0xB80, 0xBFF)]),
    ("Thai", [(0xE00, 0xE7F)]),
    ("Georgian", [(0x10A0, 0x10FF)]),
    ("Hangul", [(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)]),
    ("Kana", [(0x3040, 0x30FF), (0x31F0, 0x31FF)]),
    ("Han", [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F)]),
]


def script_of(ch):
    o = ord(ch)
    for name, ranges in SCRIPTS:
        if any(lo <= o <= hi for lo, hi in ranges):
            return name
    return None


def tokens(text):
    # Pieces: letter runs (ASCII letters, U+0080..U+1FFF), digit runs,
    # ASCII punctuation runs, line-break runs, runs of 2+ spaces/tabs,
    # single characters from U+2000 up; other controls count nothing.
    total = 0
    for m in re.finditer(r"[A-Za-z\u0080-\u1fff]+|[0-9]+|[!-/:-@\[-`{-~]+|[\r\n]+|[ \t\x0b\x0c]+|[^\x00-\u1fff]", text):
        s = m.group(0)
        c = s[0]
        if re.match(r"[A-Za-z\u0080-\u1fff]", c):
            total += math.ceil(len(s) / 6)
        elif c.isascii() and c.isdigit():
            total += math.ceil(len(s) / 3)
        elif c in "\r\n":
            total += 1
        elif c in " \t\x0b\x0c":
            total += 1 if len(s) >= 2 else 0
        elif ord(c) >= 0x2000:
            total += 1
        else:
            total += math.ceil(len(s) / 2)
    return total


def features(text):
    f = {}
    f["length_chars"] = len(text)
    f["length_words"] = len(re.findall(r"[^ \t\n\r\x0b\x0c]+", text))
    f["length_tokens"] = tokens(text)
    lines = text.split("\n")
    f["lines"] = sum(1 for line in lines if line.strip(WHITE) != "")
    headers = lists = bold = blocks = 0
    fence = None
    for line in lines:
        if line.endswith("\r"):
            line = line[:-1]
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        m = re.match(r"(`{3,}|~{3,})", stripped)
        if indent <= 3 and m:
            run = m.group(1)
            if fence is None:
                fence = run
                blocks += 1
                continue
            if run[0] == fence[0] and len(run) >= len(fence) and stripped[len(run):].strip(WHITE) == "":
                fence = None
                continue
        if fence is not None:
            continue
        m = re.match(r"#+", line)
        if m and 1 <= len(m.group(0)) <= 6 and (len(line) == len(m.group(0)) or line[len(m.group(0))] in WHITE):
            headers += 1
        if re.match(r"(?:[-*+]|[0-9]+\.)(?:[ \t\x0b\x0c\r]|$)", stripped):
            lists += 1
        bold += len(re.findall(r"\*\*[^*]+\*\*", line)) + len(re.findall(r"__[^_]+__", line))
    f["headers"] = headers
    f["list_items"] = lists
    f["bold"] = bold
    f["code_blocks"] = blocks
    f["links"] = len(re.findall(r"(?i)https?://", text))
    f["digits"] = len(re.findall(r"[0-9]", text))
    f["brackets"] = sum(text.count(c) for c in "([{（［｛「『【〔〈《〖")
    f["punctuation"] = sum(text.count(c) for c in ".,;:!?…。、，．！？；：")
    f["questions"] = len(re.findall(r"[?？]+", text))
    folded = text.translate(ASCII_LOWER).replace("\u2019", "'")
    f["refusal"] = 1 if REFUSAL_RE.search(folded) else 0
    counts = {}
    for ch in text:
        s = script_of(ch)
        if s:
            counts[s] = counts.get(s, 0) + 1
    order = [name for name, _ in SCRIPTS]
    f["script"] = max(counts, key=lambda s: (counts[s], -order.index(s))) if counts else "none"
    return f


EDGE = [
    "",
    "Hello, world!",
    "# Title\n## Sub\n####### seven\n#no space\n#\n  # indented",
    "- one\n* two\n+ three\n1. four\n12) five\n-no\n  - nested\n**bold** not a list",
    "**bold** and __under__ and ***triple*** and **a*b** and ** **x**",
    "```python\n# not a header\n- not a list\n**not bold**\n```\n# header\n~~~\n```\nstill code\n~~~\n- item",
    "````\n```\nstill\n````\nafter **b**",
    "Visit https://example.com and HTTP://X.ORG or http:/bad and [x](https://a.b/c?d=1).",
    "Line one\r\nLine two\r\n\r\n   \r\nLine three",
    "Why?? Really?! What ？ 何？？",
    "I’m sorry, but I can’t help with that.",
    "AS AN AI LANGUAGE MODEL, I think...",
    "This is not a refusal: Ai'm sorry, but no.",
    "我不能帮助你。这是中文文本，【重要】「引用」。",
    "Привет, как дела? Это тест.",
    "こんにちは、カタカナとひらがな。漢字",
    "한국어 텍스트입니다.",
    "Mixed: αβγ δ and Latin letters here.",
    "Numbers 1234567 and 12.5% and 2024-08-28",
    "Tabs\t\tand  double  spaces   and emoji 😀🎉 done",
    "(a) [b] {c} （d）",
    "```\nunclosed fence\n# inside",
    "\u00e9l\u00e8ve na\u00efve caf\u00e9 \u00d7 \u00f7",
    "Ellipsis… and ctrl\x01char and del\x7f.",
    "  1. spaced ordered\n\t- tabbed\n-\n1.\n",
]


def generated(rng, i):
    parts = []
    if rng.random() < 0.3:
        parts.append("#" * rng.randint(1, 7) + " " + rng.choice(["Overview", "Answer", "Steps", "要点"]))
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        if kind < 0.25:
            parts.append("\n".join(rng.choice(["- ", "* ", "+ ", f"{rng.randint(1, 20)}. "]) + word_run(rng) for _ in range(rng.randint(1, 5))))
        elif kind < 0.35:
            parts.append("```" + rng.choice(["", "python", "swift"]) + "\nx = " + str(rng.randint(0, 999)) + "\n# c\n```")
        elif kind < 0.45:
            parts.append(rng.choice(["I'm sorry, but I can't do that.", "I cannot help with this request.", "Sure! Here you go:"]))
        else:
            parts.append(word_run(rng))
    sep = rng.choice(["\n", "\n\n", "\r\n"])
    return sep.join(parts)


WORDS = ["the", "model", "answer", "**bold**", "__under__", "https://x.io/p", "(see", "this)", "question?", "why?",
         "42", "3.14", "Привет", "мир", "数据", "とても", "internationalization", "…", "—", "«quote»", "[1]", "end.",
         "ok,", "wait;", "note:", "wow!", "😀", "a", "I", "can't", "help", "with"]


def word_run(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 25)))


def main(out_dir):
    rng = random.Random(99)
    texts = EDGE + [generated(rng, i) for i in range(300)]
    with open(f"{out_dir}/text-features.jsonl", "w") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    with open(f"{out_dir}/text-features.expected.json", "w") as f:
        json.dump({str(i): features(t) for i, t in enumerate(texts)}, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/PreferTestSupport/testdata")
