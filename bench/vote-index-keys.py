#!/usr/bin/env python3
"""SQLite alone: what the battle id's shape costs a vote INSERT.

Inserts N votes in 28-vote batches (the vote writer's average batch under
wrk) into a table shaped like Prefer's `votes` (its six indexes, WAL,
synchronous=FULL), one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING
per batch, with battle ids either random (as before `BattleNonce`) or
beginning with their time (as now), and prints the CPU and wall seconds.

Usage: python3 bench/vote-index-keys.py random|clustered N [DIR]
  e.g. python3 bench/vote-index-keys.py random 56000; python3 bench/vote-index-keys.py clustered 56000
"""
import base64
import os
import random
import sqlite3
import sys
import tempfile
import time

mode, n = sys.argv[1], int(sys.argv[2])
if mode not in ("random", "clustered"):
    sys.exit("mode is random or clustered")
work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp()
path = os.path.join(work, "votes.sqlite")
for suffix in ["", "-wal", "-shm"]:
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("""CREATE TABLE votes (id INTEGER PRIMARY KEY, arena_id INT NOT NULL, battle TEXT, prompt_id INT,
 l INT NOT NULL, r INT NOT NULL, choice TEXT NOT NULL, criteria TEXT NOT NULL DEFAULT '{}', rationale TEXT,
 t INT, lp INT, rp INT, voter TEXT, client TEXT, source TEXT NOT NULL, created REAL NOT NULL)""")
db.execute("CREATE UNIQUE INDEX b ON votes(battle) WHERE battle IS NOT NULL")
db.execute("CREATE UNIQUE INDEX c ON votes(client) WHERE client IS NOT NULL")
db.execute("CREATE INDEX a ON votes(arena_id, id)")
db.execute("CREATE INDEX li ON votes(l)")
db.execute("CREATE INDEX ri ON votes(r)")
db.execute("CREATE INDEX ap ON votes(arena_id, prompt_id, id) WHERE prompt_id IS NOT NULL")
batch = 28
rng = random.Random(1)
cpu, wall = time.process_time(), time.time()
k = 0
for _ in range(n // batch):
    rows = []
    for j in range(batch):
        k += 1
        if mode == "random":
            nonce = os.urandom(12)
        else:
            micros = int(time.time() * 1_000_000) + k
            nonce = micros.to_bytes(7, "big") + b"\x01\x02\x03\x04\x05"
        battle = base64.urlsafe_b64encode(nonce + os.urandom(98)).decode().rstrip("=")
        rows.append((1, battle, rng.randint(1, 20), rng.randint(1, 8), rng.randint(9, 16), "left", None, 1000, None, None,
                     "voter-%d" % (j % 64), "wrk-%d-%d" % (j % 2, k), "battle", time.time()))
    sql = ("INSERT INTO votes (arena_id,battle,prompt_id,l,r,choice,rationale,t,lp,rp,voter,client,source,created) VALUES "
           + ",".join(["(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"] * batch) + " ON CONFLICT DO NOTHING RETURNING id, battle, client")
    db.execute(sql, [value for row in rows for value in row]).fetchall()
print(mode, n, "votes: cpu", round(time.process_time() - cpu, 2), "s, wall", round(time.time() - wall, 2), "s")
