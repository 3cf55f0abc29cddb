#!/usr/bin/env python3
"""Writes Sources/PreferServer/Resources/demo-arena.jsonl: the demo arena that
`prefer serve` loads into an empty database, as output-import lines
({"prompt", "category", "contender", "content"}). Four clearly named demo
contenders answer the same 24 prompts in different styles, so that a newcomer
has something real to vote on. Edit the texts here and rerun."""
import json
import os

# (category, prompt, {contender: answer})
ITEMS = [
 ("explain", "Explain why the sky is blue in two or three sentences.", {
  "demo-concise": "Sunlight is a mix of colours. Air molecules scatter short (blue) wavelengths much more strongly than long (red) ones — Rayleigh scattering goes as 1/λ⁴ — so blue light reaches your eyes from every direction of the sky.",
  "demo-thorough": "Sunlight contains all visible wavelengths. When it passes through the atmosphere, nitrogen and oxygen molecules scatter light with an intensity proportional to 1/λ⁴ (Rayleigh scattering), so blue light (~450 nm) is scattered about five times more than red (~700 nm).\n\nThat scattered blue light comes at you from all directions, which is why the whole sky looks blue. Violet is scattered even more, but the Sun emits less of it and our eyes are less sensitive to it.",
  "demo-casual": "Basically the air bounces blue light around way more than red light, so when you look up you see blue coming from everywhere. At sunset the light goes through more air, the blue gets scattered away, and you get the oranges and reds.",
  "demo-sloppy": "The sky is blue because it reflects the colour of the oceans, which cover most of the Earth. On cloudy days there is less reflection so the sky looks grey.",
 }),
 ("explain", "What is the difference between a process and a thread?", {
  "demo-concise": "A process is a running program with its own address space and resources. A thread is a unit of execution inside a process; threads of one process share its memory, so they are cheaper to create and communicate faster, but need synchronisation.",
  "demo-thorough": "**Process**: an instance of a program with its own virtual address space, file descriptors and security context. Processes are isolated: one crashing does not corrupt another's memory.\n\n**Thread**: a sequence of execution within a process. All threads of a process share its heap, globals and open files, but each has its own stack and registers.\n\nTrade-offs:\n- creating threads and switching between them is cheaper;\n- sharing memory makes communication easy but requires locks or other synchronisation to avoid data races;\n- processes give stronger isolation.",
  "demo-casual": "Think of a process as a whole app running, and threads as workers inside that app. The workers share the same desk (memory), so they can pass stuff quickly, but they can also step on each other's toes if you're not careful.",
  "demo-sloppy": "A thread is a small process. Each thread has its own separate memory so they can't interfere with each other, which is why threads are safer than processes.",
 }),
 ("coding", "Write a Python function that returns the n-th Fibonacci number.", {
  "demo-concise": "```python\ndef fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```\nIterative, O(n) time and O(1) memory; `fib(0) == 0`, `fib(10) == 55`.",
  "demo-thorough": "Here is an iterative version, which avoids the exponential cost of naive recursion:\n\n```python\ndef fib(n: int) -> int:\n    \"\"\"Return the n-th Fibonacci number (fib(0) = 0, fib(1) = 1).\"\"\"\n    if n < 0:\n        raise ValueError(\"n must be non-negative\")\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```\n\nIt runs in O(n) time and constant memory. For very large n, the fast-doubling method brings this down to O(log n) multiplications.",
  "demo-casual": "Easy one:\n\n```python\ndef fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n```\n\nWorks great for small n (it gets slow past 30 or so, but it's the classic).",
  "demo-sloppy": "```python\ndef fib(n):\n    a, b = 1, 1\n    for i in range(n):\n        a = b\n        b = a + b\n    return a\n```",
 }),
 ("coding", "How do I reverse a string in JavaScript?", {
  "demo-concise": "`[...str].reverse().join('')` — spreading into an array splits by code point, so emoji and other astral characters stay intact (unlike `str.split('')`).",
  "demo-thorough": "The common idiom is:\n\n```js\nconst reversed = str.split('').reverse().join('');\n```\n\nBut `split('')` splits UTF-16 code units, which breaks characters outside the Basic Multilingual Plane (such as emoji). Spreading iterates by code point and is safer:\n\n```js\nconst reversed = [...str].reverse().join('');\n```\n\nEven this does not keep grapheme clusters (e.g. a flag or a letter with a combining accent) together; for that use `Intl.Segmenter`.",
  "demo-casual": "`str.split('').reverse().join('')` does the trick!",
  "demo-sloppy": "JavaScript strings have a built-in `reverse()` method, so just call `str.reverse()`.",
 }),
 ("advice", "I have a job interview tomorrow. How should I prepare tonight?", {
  "demo-concise": "Re-read the job description and map two or three of your experiences to its main requirements; prepare short stories (situation, action, result) for them; research the company's product and recent news; write down three questions to ask; lay out clothes and directions; then sleep properly.",
  "demo-thorough": "A focused evening plan:\n\n1. **Know the role** (30 min): list the top requirements in the job description and, for each, one concrete example from your work.\n2. **Stories** (45 min): prepare 4–5 answers in STAR form (situation, task, action, result), including a failure and what you learned.\n3. **The company** (20 min): product, customers, recent news, who is interviewing you.\n4. **Your questions** (10 min): two or three genuine ones about the team and how success is measured.\n5. **Logistics**: route or video link tested, documents and clothes ready.\n6. **Stop by a set time and sleep** — being rested matters more than one more hour of cramming.",
  "demo-casual": "Don't overdo it! Skim the company website, think of a couple of stories about stuff you're proud of, and get a good night's sleep. Confidence beats cramming.",
  "demo-sloppy": "Stay up late and memorise answers to every possible question word for word. Interviewers like candidates who answer instantly without pausing.",
 }),
 ("advice", "How can I start running if I've never exercised?", {
  "demo-concise": "Start with run-walk intervals: 1 minute jogging, 2 minutes walking, for 20–30 minutes, three times a week. Add a little running time each week, keep the pace conversational, and rest between sessions.",
  "demo-thorough": "Begin gently so your joints and tendons can adapt:\n\n- **Weeks 1–2**: 20–30 minutes of alternating 1 minute easy jogging and 2 minutes walking, 3 days a week with rest days between.\n- **Progress** by about 10% a week: longer jogging intervals, shorter walks. Programmes like \"Couch to 5K\" follow this pattern over 9 weeks.\n- **Pace**: you should be able to talk in full sentences.\n- **Shoes**: comfortable running shoes that fit well.\n- **Listen to pain**: muscle soreness is normal, sharp or joint pain is a reason to rest.\n\nIf you have a heart condition or other health concerns, check with a doctor first.",
  "demo-casual": "Honestly just get out there and jog slowly — like, embarrassingly slowly. Walk when you need to. A few times a week is plenty at first, and it gets easier fast!",
  "demo-sloppy": "Run as far as you can every day until you're exhausted; that's the fastest way to build endurance. Pain means it's working.",
 }),
 ("writing", "Write a haiku about autumn.", {
  "demo-concise": "Maple leaves let go —\nthe wind keeps none of their names,\nonly the colour.",
  "demo-thorough": "Cold rain on the roof,\nthe last red leaf holds its branch —\nsmoke drifts from chimneys.\n\n(Five, seven and five syllables, with a seasonal image in each line.)",
  "demo-casual": "Crunchy leaves below,\npumpkin spice in every cup,\nsweater weather's here!",
  "demo-sloppy": "Autumn is a season when leaves fall down from trees and it gets colder.",
 }),
 ("writing", "Write a two-sentence horror story.", {
  "demo-concise": "I heard my mother call me from the kitchen. As I headed down the stairs, she pulled me into the cellar and whispered, \"I heard it too.\"",
  "demo-thorough": "The baby monitor crackled with a soft voice singing my daughter to sleep. I live alone, and I was holding her in my arms.",
  "demo-casual": "I finally got my phone's face unlock to stop failing. The problem is that I was asleep when it worked.",
  "demo-sloppy": "There was a scary ghost in a house. It was very scary and everyone was scared.",
 }),
 ("explain", "What does compound interest mean? Give an example.", {
  "demo-concise": "Compound interest is interest earned on previous interest as well as on the original amount. $1,000 at 5% a year grows to $1,050 after one year and $1,102.50 after two, because the second year's 5% applies to $1,050.",
  "demo-thorough": "With **simple interest**, you earn interest only on the principal. With **compound interest**, interest is added to the balance and itself earns interest in later periods.\n\nExample: $1,000 at 5% compounded yearly:\n- year 1: 1,000 × 1.05 = $1,050.00\n- year 2: 1,050 × 1.05 = $1,102.50\n- year 10: 1,000 × 1.05¹⁰ ≈ $1,628.89\n\nThe general formula is A = P(1 + r/n)^(nt) for n compounding periods per year. The same effect works against you on debts.",
  "demo-casual": "It's interest on your interest! Like, if your savings earn 5%, next year you earn 5% on the bigger number, and it snowballs over time.",
  "demo-sloppy": "Compound interest means the bank charges you interest twice a year instead of once. For example 5% compound interest is really 10% per year.",
 }),
 ("coding", "What is a SQL JOIN?", {
  "demo-concise": "A JOIN combines rows from two tables using a condition, usually matching keys: `SELECT * FROM orders JOIN customers ON orders.customer_id = customers.id`. INNER JOIN keeps only matching pairs; LEFT JOIN also keeps unmatched rows of the left table (with NULLs).",
  "demo-thorough": "A JOIN produces rows that combine columns from two tables, for every pair of rows satisfying a condition:\n\n```sql\nSELECT o.id, c.name\nFROM orders o\nJOIN customers c ON c.id = o.customer_id;\n```\n\nKinds:\n- **INNER JOIN**: only pairs that match.\n- **LEFT (OUTER) JOIN**: every left row; missing right columns are NULL.\n- **RIGHT / FULL OUTER JOIN**: the same for the right side or both sides.\n- **CROSS JOIN**: every combination (the Cartesian product).\n\nIndexes on the join columns are what keep joins fast.",
  "demo-casual": "It's how you glue two tables together — like matching each order to the customer who made it using the customer id.",
  "demo-sloppy": "JOIN merges two tables into one new permanent table in the database, so you should be careful because it changes your data.",
 }),
 ("advice", "How do I politely decline a meeting invitation?", {
  "demo-concise": "Thank them, decline clearly, give a brief reason if you like, and offer an alternative: \"Thanks for including me. I can't join on Thursday because of a deadline — could you share the notes, or should we find 15 minutes next week?\"",
  "demo-thorough": "Keep it short, warm and useful:\n\n1. **Thank** them for the invitation.\n2. **Decline clearly** so nobody waits for you.\n3. **Optionally, a brief reason** (no need for details).\n4. **Offer a way forward**: send input beforehand, ask for notes, suggest a delegate or another time.\n\nExample:\n> Hi Sam, thanks for the invite. I won't be able to attend on Thursday as I'm committed to the release that afternoon. I've added my comments to the doc; could you share the notes afterwards?",
  "demo-casual": "Something like \"Hey, thanks for the invite! I can't make this one, but happy to catch up on notes after\" works great.",
  "demo-sloppy": "Just don't respond to the invitation. People will understand you were busy.",
 }),
 ("explain", "Why do we have leap years?", {
  "demo-concise": "A year (Earth's orbit measured by the seasons) lasts about 365.2422 days. Adding a day every four years keeps the calendar in step; the Gregorian rule skips leap years in century years not divisible by 400 to correct the small remaining excess.",
  "demo-thorough": "The tropical year — the time from one spring equinox to the next — is about 365.2422 days. A 365-day calendar would drift by almost a day every four years, and the seasons would slowly move through the months.\n\n- The Julian calendar added a leap day every 4 years (365.25 days on average), slightly too much.\n- The Gregorian calendar (1582) refined it: century years are leap years only if divisible by 400. So 2000 was a leap year, but 1900 was not.\n\nThat gives an average of 365.2425 days, off by about one day every 3,000 years.",
  "demo-casual": "Because Earth takes about 365 and a quarter days to go around the Sun, so every four years we add February 29 to catch up.",
  "demo-sloppy": "Leap years exist because every four years the Earth's orbit speeds up, making the year one day longer.",
 }),
 ("coding", "What's the difference between `==` and `===` in JavaScript?", {
  "demo-concise": "`===` compares value and type without conversion; `==` converts types first (`'1' == 1` is true, `'1' === 1` is false). Prefer `===`.",
  "demo-thorough": "- `===` (strict equality) is true only if both operands have the same type and value; no conversion happens.\n- `==` (loose equality) first converts operands to a common type using the abstract equality rules, which produce surprises:\n\n```js\n'1' == 1          // true\n0 == ''           // true\nnull == undefined // true\nnull === undefined // false\n```\n\nUse `===` by default; `x == null` is a common deliberate exception, matching both `null` and `undefined`.",
  "demo-casual": "`===` is the strict one — it checks type too. `==` tries to be helpful and converts stuff, which can bite you. Just use `===`.",
  "demo-sloppy": "`==` compares values and `===` compares memory addresses, so `===` is only for objects.",
 }),
 ("writing", "Suggest three names for a coffee shop run by cats.", {
  "demo-concise": "1. Purrcolator\n2. The Espresso Paw\n3. Latte Whiskers",
  "demo-thorough": "- **Purrcolator** — a pun on percolator that says \"cats\" and \"coffee\" at once.\n- **Catpuccino** — playful, easy to remember, good on a cup.\n- **The Nine Lives Café** — a cosier name that suggests a place to linger.",
  "demo-casual": "Ooh fun! Meowcha Latte, Brew-Meow, and Pawsome Coffee 🐾",
  "demo-sloppy": "Coffee Shop, Cat Coffee, The Cafe.",
 }),
 ("explain", "How do vaccines work?", {
  "demo-concise": "A vaccine shows the immune system a harmless version or piece of a pathogen (inactivated virus, a protein, or mRNA instructions for one). The body makes antibodies and memory cells, so a later real infection is recognised and fought off quickly.",
  "demo-thorough": "Vaccines train the adaptive immune system without causing the disease:\n\n1. They present an **antigen** — a weakened or inactivated pathogen, a purified protein, or genetic instructions (mRNA, viral vector) that make your cells produce the protein briefly.\n2. Immune cells recognise it, and B cells produce **antibodies** while T cells learn to kill infected cells.\n3. Long-lived **memory cells** remain.\n\nOn a real exposure, memory cells respond within days instead of weeks, preventing or weakening the illness. Boosters refresh this memory when it wanes.",
  "demo-casual": "It's like a training drill for your immune system: it sees a harmless 'wanted poster' of the germ, learns what it looks like, and is ready when the real thing shows up.",
  "demo-sloppy": "Vaccines contain antibodies from other people who had the disease, which protect you for the rest of your life.",
 }),
 ("advice", "Give me three tips to sleep better.", {
  "demo-concise": "1. Keep the same wake-up time every day, weekends included.\n2. Avoid caffeine after early afternoon and alcohol close to bedtime.\n3. Keep the bedroom dark, cool and quiet, and the phone out of bed.",
  "demo-thorough": "1. **A fixed schedule**: waking at the same time daily anchors your body clock more than anything else; get daylight soon after waking.\n2. **Mind what you consume**: caffeine has a half-life of about 5–6 hours, so stop after lunch; alcohol makes you sleepy but fragments sleep later in the night.\n3. **Wind down and set up the room**: dim lights and screens for the last hour, keep the room cool (around 18 °C), dark and quiet. If you can't sleep after ~20 minutes, get up and do something calm until you feel sleepy.",
  "demo-casual": "No screens right before bed, cut the late-night coffee, and try to go to bed around the same time. Works for me!",
  "demo-sloppy": "Drink a glass of wine before bed, nap a lot during the day to stay rested, and keep the TV on for background noise.",
 }),
 ("coding", "Explain recursion to a beginner.", {
  "demo-concise": "Recursion is a function calling itself on a smaller version of the problem until it reaches a case simple enough to answer directly (the base case). Factorial: `fact(n) = n × fact(n − 1)`, with `fact(0) = 1`.",
  "demo-thorough": "A recursive function solves a problem by reducing it to a smaller instance of the same problem.\n\nTwo parts are needed:\n- a **base case** that is answered directly, and\n- a **recursive case** that moves toward the base case.\n\n```python\ndef countdown(n):\n    if n == 0:          # base case\n        print(\"Liftoff!\")\n    else:\n        print(n)\n        countdown(n - 1)  # smaller problem\n```\n\nWithout a base case (or if the problem doesn't shrink), the calls never end and the program runs out of stack.",
  "demo-casual": "It's a function that calls itself! Like Russian dolls — you keep opening smaller dolls until you hit the tiny one that doesn't open.",
  "demo-sloppy": "Recursion is when a loop runs forever. It's usually a bug you should avoid.",
 }),
 ("writing", "Write a one-sentence product description for noise-cancelling headphones.", {
  "demo-concise": "Shut out the commute and the open office: adaptive noise cancelling, 30-hour battery and all-day comfort in one folding design.",
  "demo-thorough": "Immerse yourself in rich, balanced sound while adaptive noise cancelling quiets planes, trains and busy offices — with 30 hours of battery and memory-foam cushions made for all-day wear.",
  "demo-casual": "Your own little bubble of quiet — just put them on and the world goes away.",
  "demo-sloppy": "These are headphones that cancel noise and are good.",
 }),
 ("explain", "What causes the seasons on Earth?", {
  "demo-concise": "Earth's axis is tilted about 23.4° relative to its orbit. For half the year one hemisphere leans toward the Sun, getting more direct sunlight and longer days (summer); half a year later it leans away (winter).",
  "demo-thorough": "The seasons come from Earth's **axial tilt** of about 23.4°, not from its distance to the Sun (Earth is actually closest to the Sun in early January).\n\nAs Earth orbits, the tilt keeps pointing the same way in space, so:\n- the hemisphere tilted toward the Sun receives sunlight at a steeper angle (more energy per square metre) and has longer days — summer;\n- the other hemisphere gets low-angle light and short days — winter.\n\nThat's why the seasons are opposite in the northern and southern hemispheres.",
  "demo-casual": "It's the tilt! Earth leans a bit, so sometimes your half is pointed at the Sun (summer) and sometimes away (winter).",
  "demo-sloppy": "Seasons happen because the Earth moves closer to the Sun in summer and further away in winter.",
 }),
 ("advice", "How should I store fresh herbs so they last longer?", {
  "demo-concise": "Treat soft herbs (basil, parsley, coriander) like flowers: trim the stems and stand them in a jar of water, loosely covered, in the fridge — basil on the counter. Wrap hardy herbs (rosemary, thyme) in a damp paper towel in a bag in the fridge.",
  "demo-thorough": "It depends on the herb:\n\n- **Soft herbs** (parsley, coriander, dill, mint): trim the ends, stand them in a jar with an inch of water, cover loosely with a bag and refrigerate; change the water every couple of days.\n- **Basil**: the same jar method but at room temperature — the fridge blackens its leaves.\n- **Hardy herbs** (rosemary, thyme, sage, oregano): wrap in a slightly damp paper towel, put in a bag or container in the fridge.\n\nFor long storage, chop and freeze them in olive oil in an ice-cube tray.",
  "demo-casual": "Pop them in a glass of water like a bouquet! Basil stays out on the counter, most others go in the fridge.",
  "demo-sloppy": "Wash them thoroughly and seal them wet in an airtight container in the freezer door.",
 }),
 ("coding", "What is Big-O notation?", {
  "demo-concise": "Big-O describes how an algorithm's running time or memory grows with input size n, ignoring constants: O(1) constant, O(log n) binary search, O(n) a scan, O(n log n) good sorting, O(n²) nested loops over the input.",
  "demo-thorough": "Big-O notation gives an **upper bound on the growth rate** of a function — usually an algorithm's running time or memory as the input size n grows. Constant factors and lower-order terms are dropped: 3n² + 5n + 2 is O(n²).\n\nCommon classes:\n| class | example |\n|---|---|\n| O(1) | array index |\n| O(log n) | binary search |\n| O(n) | linear scan |\n| O(n log n) | merge sort |\n| O(n²) | comparing all pairs |\n\nIt describes scaling, not speed on a given input: an O(n) algorithm can be slower than an O(n²) one for small n.",
  "demo-casual": "It's a way to say how slow something gets as the input gets bigger. O(n) means double the data, double the time; O(n²) means double the data, four times the time.",
  "demo-sloppy": "Big-O tells you exactly how many seconds a program takes to run. O(n) means it takes n seconds.",
 }),
 ("writing", "Write a short thank-you note to a colleague who helped with a project.", {
  "demo-concise": "Hi Priya, thank you for jumping in on the migration last week. Your review of the data mappings caught two issues that would have cost us days — I really appreciated it.",
  "demo-thorough": "Hi Priya,\n\nI wanted to say thank you for your help on the billing migration. Taking the time to review the data mappings — on top of your own deadlines — caught two problems before launch and saved the team days of clean-up. It made a real difference, and I learned a lot from how you approached it.\n\nThanks again,\nAlex",
  "demo-casual": "Thanks so much for the help on the project! Couldn't have done it without you — coffee's on me 🙂",
  "demo-sloppy": "Thanks for the help.",
 }),
 ("explain", "What is inflation?", {
  "demo-concise": "Inflation is the general rise in prices over time, which means each unit of money buys less. It's usually measured as the yearly percentage change in a consumer price index; central banks typically aim for about 2%.",
  "demo-thorough": "**Inflation** is a sustained increase in the general price level, so money loses purchasing power: with 3% inflation, what cost $100 last year costs $103 now.\n\nIt is measured with price indices such as the Consumer Price Index (a basket of typical goods and services).\n\nCommon causes:\n- **demand-pull**: spending grows faster than what the economy can produce;\n- **cost-push**: input costs such as energy or wages rise;\n- **expectations**: people and firms raise prices and wages because they expect inflation.\n\nCentral banks usually target low, stable inflation (around 2%) and raise interest rates when it runs too high.",
  "demo-casual": "It's when stuff gets more expensive over time, so your money doesn't stretch as far as it used to.",
  "demo-sloppy": "Inflation is when the government prints money, which always makes prices go down because there is more money around.",
 }),
 ("coding", "How do I undo the last git commit but keep the changes?", {
  "demo-concise": "`git reset --soft HEAD~1` — the commit is removed and its changes stay staged. Use `git reset HEAD~1` (mixed) to keep them unstaged. If you already pushed, prefer `git revert`.",
  "demo-thorough": "If the commit has **not been pushed**:\n\n```sh\ngit reset --soft HEAD~1   # undo the commit, keep changes staged\n# or\ngit reset HEAD~1          # undo the commit, keep changes in the working tree, unstaged\n```\n\nAvoid `--hard`, which discards the changes.\n\nIf the commit **was pushed** and others may have it, rewrite history only if you're sure; otherwise use `git revert HEAD`, which adds a new commit undoing it.",
  "demo-casual": "`git reset --soft HEAD~1` and you're good — your changes are still there, just not committed.",
  "demo-sloppy": "Run `git reset --hard HEAD~1`; it removes the commit and keeps your files as they are.",
 }),
]

CONTENDERS = ["demo-concise", "demo-thorough", "demo-casual", "demo-sloppy"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "Sources", "PreferServer", "Resources", "demo-arena.jsonl")
    assert len(ITEMS) >= 20
    with open(out, "w", encoding="utf-8") as f:
        for category, prompt, answers in ITEMS:
            assert set(answers) == set(CONTENDERS), prompt
            for contender in CONTENDERS:
                f.write(json.dumps({"prompt": prompt, "category": category, "contender": contender,
                                    "content": answers[contender]}, ensure_ascii=False) + "\n")
    print(f"wrote {len(ITEMS) * len(CONTENDERS)} outputs to {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
