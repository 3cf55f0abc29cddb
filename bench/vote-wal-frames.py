#!/usr/bin/env python3
"""SQLite WAL frames (4 KiB pages) written per vote by the server's vote path.

Copies the schema of a database `prefer` made (any migrated file, e.g. one
`prefer serve --database x.sqlite` created), then inserts votes in batches as
the vote writer does (one multi-row INSERT per batch of 30, WAL mode) with
battle ids shaped like sealed battle tokens (180 random URL-safe characters)
and client vote ids from 64 clients, after 200,000 votes already stored, and
counts the frames SQLite appends to the WAL per vote. Every page a vote
dirties (the table's and each index's B-tree leaves) is one frame, written
and checksummed on the commit path every voter waits on.

Usage: python3 bench/vote-wal-frames.py DATABASE [--drop INDEX ...]
"""
import argparse, base64, os, random, sqlite3, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("database")
parser.add_argument("--drop", action="append", default=[], help="an index left out of the copied schema")
parser.add_argument("--votes", type=int, default=60000)
parser.add_argument("--batch", type=int, default=30)
parser.add_argument("--prompts", type=int, default=1000)
args = parser.parse_args()

source = sqlite3.connect(args.database)
ddl = [row[0] for row in source.execute(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
path = os.path.join(tempfile.mkdtemp(), "frames.sqlite")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
db.execute("PRAGMA wal_autocheckpoint = 0")
for statement in ddl:
    if any(f" {name} " in statement or f'"{name}"' in statement for name in args.drop):
        continue
    db.execute(statement)
columns = ("arena_id, battle, prompt_id, left_contender_id, right_contender_id, choice, criteria, rationale, "
           "time_to_vote_ms, left_played_ms, right_played_ms, voter, client_vote_id, source, created_at, "
           "left_output_id, right_output_id")
insert = f"INSERT INTO votes ({columns}) VALUES ({','.join('?' * 17)})"
rng = random.Random(1)

def frames():
    wal = path + "-wal"
    return (os.path.getsize(wal) - 32) // (4096 + 24) if os.path.exists(wal) else 0

def batch(start):
    return [(1, base64.urlsafe_b64encode(rng.randbytes(135)).decode(), rng.randrange(args.prompts) + 1,
             1 + n % 4, 1 + (n + 1) % 4, "left", "{}", None, 3000, None, None, "voter",
             f"r1-c{n % 64}-{n // 64}", "battle", time.time(), None, None) for n in range(start, start + args.batch)]

stored, before = 200_000, 0
n = 0
while n < stored + args.votes:
    if n == stored:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = frames()
    db.execute("BEGIN")
    db.executemany(insert, batch(n))
    db.execute("COMMIT")
    n += args.batch
    if n < stored and frames() > 50_000:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"{(frames() - before) / args.votes:.2f} WAL frames per vote"
      + (f" (without {', '.join(args.drop)})" if args.drop else ""))
