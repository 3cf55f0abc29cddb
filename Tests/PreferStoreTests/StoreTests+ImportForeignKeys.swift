import Foundation
import PreferCore
@testable import PreferStore
import SQLKit
import Testing

/// Migration 15 (`Migration.importForeignKeys`): an item preference's arena
/// key covers only the rows without a prompt, ratings lose their redundant
/// arena key — one foreign-key check per imported row instead of two, the
/// same rules.
extension StoreTests {
    /// A database an older prefer filled keeps every item preference and
    /// rating, with its id and values, through the migration (on SQLite both
    /// tables are rebuilt); afterwards the rules the two keys kept still hold
    /// — an item preference's prompt is in its arena, a row without a prompt
    /// names an existing arena, a rating's prompt and contender are in its
    /// arena — with the same errors, and deleting an arena deletes all of
    /// its rows, with a prompt or without.
    @Test(arguments: StoreKind.tested)
    func migratingToOneForeignKeyCheckKeepsRowsAndRules(kind: StoreKind) async throws {
        try await kind.withStore(migratedThrough: Migration.importForeignKeys.version - 1) { store in
            let arena = try await store.createArena(NewArena(name: "before"))
            let other = try await store.createArena(NewArena(name: "other"))
            func noPrompt(_ line: Int) -> PreferenceRecord {
                PreferenceRecord(line: line, a: .plain("left \(line)"), b: .plain("right \(line)"), counts: PreferenceCounts(aWins: 2, bWins: 1))
            }
            for id in [arena.id, other.id] {
                let feed = Feed([PreferenceBatch(records: (0..<6).map(Self.hhRecord) + [noPrompt(20), noPrompt(21)], rated: [Self.rated()])])
                _ = try await store.importDataset(arena: id, source: "old.jsonl") { try feed.next() }
            }
            func rows() async throws -> [String] {
                try await store.connections.read { database in
                    let items = try await database.raw(
                        "SELECT id, arena_id, prompt_id, text_a, text_b, a_wins, b_wins, voter FROM item_preferences ORDER BY id"
                    ).all().map { row in
                        "item \(try row.decode(column: "id", as: Int64.self)) \(try row.decode(column: "arena_id", as: Int64.self)) "
                            + "\(try row.decode(column: "prompt_id", as: Int64?.self).map(String.init) ?? "-") "
                            + "\(try row.decode(column: "text_a", as: String.self))|\(try row.decode(column: "text_b", as: String.self)) "
                            + "\(try row.decode(column: "a_wins", as: Int.self))-\(try row.decode(column: "b_wins", as: Int.self)) "
                            + (try row.decode(column: "voter", as: String?.self) ?? "-")
                    }
                    let ratings = try await database.raw(
                        "SELECT id, arena_id, prompt_id, contender_id, aspect, score FROM ratings ORDER BY id"
                    ).all().map { row in
                        "rating \(try row.decode(column: "id", as: Int64.self)) \(try row.decode(column: "arena_id", as: Int64.self)) "
                            + "\(try row.decode(column: "prompt_id", as: Int64.self)) \(try row.decode(column: "contender_id", as: Int64.self)) "
                            + "\(try row.decode(column: "aspect", as: String.self)) \(try row.decode(column: "score", as: Double.self))"
                    }
                    return items + ratings
                }
            }
            let before = try await rows()
            #expect(before.filter { $0.hasPrefix("item ") }.count == 16)
            #expect(before.filter { $0.hasPrefix("rating ") }.count == 12)
            #expect(before.contains { $0.hasPrefix("item ") && $0.contains(" - left 20|right 20 ") })

            try await store.migrate()
            #expect(try await store.schemaVersion() == SQLPreferStore.latestSchemaVersion)
            #expect(try await rows() == before)

            // The rules, with the errors they gave before.
            let (promptOfOther, contender, maxPrompt, maxContender) = try await store.connections.read { database in
                (
                    try await database.raw("SELECT min(id) AS id FROM prompts WHERE arena_id = \(bind: other.id)").first(decodingColumn: "id", as: Int64.self)!,
                    try await database.raw("SELECT min(id) AS id FROM contenders WHERE arena_id = \(bind: arena.id)").first(decodingColumn: "id", as: Int64.self)!,
                    try await database.raw("SELECT max(id) AS id FROM prompts").first(decodingColumn: "id", as: Int64.self)!,
                    try await database.raw("SELECT max(id) AS id FROM contenders").first(decodingColumn: "id", as: Int64.self)!
                )
            }
            let missingArena = max(arena.id, other.id) + 100
            let refused: [(SQLQueryString, String)] = [
                // A prompt of another arena.
                (
                    "INSERT INTO item_preferences (arena_id, prompt_id, text_a, text_b, a_wins, source, created_at) VALUES (\(bind: arena.id), \(bind: promptOfOther), 'a', 'b', 1, 'human', 0)",
                    "The prompt (in this arena) does not exist."
                ),
                // No prompt, no arena.
                (
                    "INSERT INTO item_preferences (arena_id, text_a, text_b, a_wins, source, created_at) VALUES (\(bind: missingArena), 'a', 'b', 1, 'human', 0)",
                    "The arena does not exist."
                ),
                // A rating's prompt of another arena, and its contender unknown.
                (
                    "INSERT INTO ratings (arena_id, prompt_id, contender_id, aspect, score, source, created_at) VALUES (\(bind: arena.id), \(bind: promptOfOther), \(bind: contender), 'overall', 1, 'human', 0)",
                    "The prompt (in this arena) does not exist."
                ),
                (
                    "INSERT INTO ratings (arena_id, prompt_id, contender_id, aspect, score, source, created_at) VALUES (\(bind: missingArena), \(bind: maxPrompt + 1), \(bind: maxContender + 1), 'overall', 1, 'human', 0)",
                    "does not exist."
                ),
            ]
            for (insert, message) in refused {
                do {
                    try await store.connections.write { database in try await database.raw(insert).run() }
                    Issue.record("stored what the schema forbids (\(message))")
                } catch let error as StoreError {
                    #expect(error.kind == .notFound)
                    // SQLite does not name the violated key; PostgreSQL does.
                    if kind != .sqlite { #expect(error.message.hasSuffix(message)) }
                }
            }
            // The generated column is the database's to write.
            await #expect(throws: (any Error).self) {
                try await store.connections.write { database in
                    try await database.raw(
                        "INSERT INTO item_preferences (arena_id, text_a, text_b, a_wins, source, created_at, arena_without_prompt) VALUES (\(bind: arena.id), 'a', 'b', 1, 'human', 0, \(bind: arena.id))"
                    ).run()
                }
            }
            #expect(try await rows() == before)

            // Imports after the migration store both kinds of rows; deleting an arena deletes all of its rows.
            let feed = Feed([PreferenceBatch(records: [Self.hhRecord(30), noPrompt(31)], rated: [Self.rated()])])
            let summary = try await store.importDataset(arena: arena.id, source: "new.jsonl") { try feed.next() }
            #expect(summary.itemPreferences == 2 && summary.ratings == 6)
            try await store.deleteArena(id: arena.id)
            let left = try await rows()
            #expect(left.count == 8 + 6)
            #expect(left.allSatisfy { $0.split(separator: " ")[2] == "\(other.id)" })
            #expect(try await store.itemPreferenceCount(arena: other.id) == 8)
        }
    }
}
