import SQLKit

extension Migration {
    /// Version 12: drops `votes_prompt_idx` (votes by `prompt_id`).
    /// `votes_arena_prompt_idx` (arena, prompt, id), added by version 5,
    /// serves every read it served — no query selects votes by prompt
    /// alone, and the foreign key to `prompts` is on (arena, prompt) — so it
    /// only cost writes: one more B-tree page touched per vote, a fifth of
    /// the pages a vote writes to SQLite's WAL (6.1 → 5.0 frames per vote in
    /// `bench/vote-wal-frames.py`), on the one write path every voter waits on.
    static let voteIndexes = Migration(version: 12, name: "drop the votes index by prompt alone") { database in
        try await database.raw("DROP INDEX IF EXISTS votes_prompt_idx").run()
    }
}
