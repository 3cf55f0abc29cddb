import Foundation
import PreferCore
@testable import PreferStore
import SQLKit
import Testing

/// The import stores exactly the values it reads, whatever the bytes of the
/// texts and the bits of the numbers — on SQLite (bound INSERTs) and on
/// PostgreSQL (COPY, binary format; text format for rows that do not fit it).
extension StoreTests {
    /// Texts that a COPY must carry byte for byte: its text format's
    /// delimiters and escapes, a literal `\N`, empty, decomposed and
    /// composed accents (never normalised), emoji, a long text.
    static let awkwardTexts = [
        "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", "e\u{301}t\u{E9}", "👍🏽 done",
        "quote \" and ' and ,", String(repeating: "long text ", count: 3_000), "trailing\\", "\t\n\r\\",
    ]

    static func awkwardRecords() -> [PreferenceRecord] {
        let weights: [Double] = [0.1, 1.0 / 3.0, 1e-300, 2.5e300, 7]
        let margins: [Double?] = [nil, -2.5, 0.1 + 0.2, 1e-17, nil]
        return awkwardTexts.indices.map { i in
            let text = awkwardTexts[i]
            return PreferenceRecord(
                line: i + 1, prompt: .plain("prompt " + text), a: .plain(text), b: .plain(awkwardTexts[(i + 1) % awkwardTexts.count] + "b"),
                counts: PreferenceCounts(aWins: i % 3, bWins: 1, ties: i == 4 ? 1 << 40 : 0), weight: weights[i % weights.count],
                voter: i % 2 == 0 ? nil : "voter \t\(i)", category: i % 3 == 0 ? nil : "cat\n\(i)", margin: margins[i % margins.count],
                rationale: i == 2 ? text : nil)
        }
    }

    /// The item preferences of `arena` as text, one line per row in id order
    /// (doubles by their shortest exact decimal, texts escaped by Swift).
    static func storedItems(_ store: SQLPreferStore, arena: Int64) async throws -> [String] {
        try await store.connections.read { database in
            try await database.raw("""
                SELECT p.text AS prompt, p.text_hash, i.text_a, i.text_b, i.messages_a, i.messages_b, i.a_wins, i.b_wins, i.ties,
                    i.both_bad, i.weight, i.margin, i.voter, i.category, i.rationale, i.source, i.created_at
                FROM item_preferences i JOIN prompts p ON p.id = i.prompt_id WHERE i.arena_id = \(bind: arena) ORDER BY i.id
                """).all().map { row in
                let texts = try ["prompt", "text_hash", "text_a", "text_b", "messages_a", "messages_b", "voter", "category", "rationale", "source"]
                    .map { try row.decode(column: $0, as: String?.self).debugDescription }
                let counts = try ["a_wins", "b_wins", "ties", "both_bad"].map { String(try row.decode(column: $0, as: Int64.self)) }
                let numbers = try ["weight", "margin", "created_at"].map { try row.decode(column: $0, as: Double?.self).debugDescription }
                return (texts + counts + numbers).joined(separator: " | ")
            }
        }
    }

    /// What the import stored is what the records hold, on both databases.
    @Test(arguments: StoreKind.tested)
    func importStoresAwkwardValuesExactly(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "awkward"))
            let records = Self.awkwardRecords()
            let feed = Feed([PreferenceBatch(records: Array(records.prefix(5))), PreferenceBatch(records: Array(records.dropFirst(5)))])
            let summary = try await store.importDataset(arena: arena.id, source: "awkward.jsonl") { try feed.next() }
            #expect(summary.itemPreferences == records.count)
            let stored = try await Self.storedItems(store, arena: arena.id)
            #expect(stored.count == records.count)
            for (line, record) in zip(stored, records) {
                let fields = line.components(separatedBy: " | ")
                #expect(fields[0] == (record.prompt?.text).debugDescription)
                #expect(fields[1].count == 64 + 2 + "Optional()".count)
                #expect(fields[2] == Optional(record.a.text).debugDescription)
                #expect(fields[3] == Optional(record.b.text).debugDescription)
                #expect(fields[6] == record.voter.debugDescription)
                #expect(fields[7] == record.category.debugDescription)
                #expect(fields[8] == record.rationale.debugDescription)
                #expect(Array(fields[10...13]) == [record.counts.aWins, record.counts.bWins, record.counts.ties, record.counts.bothBad].map { String($0) })
                #expect(fields[14] == Optional(record.weight).debugDescription)
                #expect(fields[15] == record.margin.debugDescription)
            }
        }
    }

    /// PostgreSQL: the same rows written by binary COPY and by text COPY (the
    /// format imports used before) are stored alike, every column; and the
    /// import's rows do go in binary.
    @Test
    func binaryCopyStoresWhatTextCopyStored() async throws {
        guard StoreKind.tested.contains(.postgres) else { return }
        try await StoreKind.postgres.withStore { store in
            var stored: [[String]] = []
            for binary in [false, true] {
                let arena = try await store.createArena(NewArena(name: binary ? "binary" : "text"))
                let copies = try await store.importTransaction { database, _, postgres in
                    let writer = BulkInsert(database: database, sqlite: nil, postgres: postgres)
                    writer.binaryCopy = binary
                    let records = Self.awkwardRecords()
                    let prompts = try await writer.insert(
                        into: "prompts", columns: ["arena_id", "text", "text_hash", "category", "messages"],
                        rows: records.enumerated().map { i, record in
                            [.integer(arena.id), .text(record.prompt?.text), .text(String(repeating: "0", count: 60) + String(1000 + i)), .text(nil), .text(nil)]
                        },
                        returning: ["id"])
                    try await writer.insert(
                        into: "item_preferences",
                        columns: [
                            "arena_id", "prompt_id", "text_a", "text_b", "messages_a", "messages_b", "a_wins", "b_wins", "ties",
                            "both_bad", "weight", "margin", "voter", "category", "rationale", "source", "created_at",
                        ],
                        rows: zip(records, prompts).map { record, prompt in
                            [
                                .integer(arena.id), .integer(prompt.id), .text(record.a.text), .text(record.b.text),
                                .text(ChatJSON.encode(record.a)), .text(ChatJSON.encode(record.b)),
                                .integer(Int64(record.counts.aWins)), .integer(Int64(record.counts.bWins)),
                                .integer(Int64(record.counts.ties)), .integer(Int64(record.counts.bothBad)), .real(record.weight),
                                .real(record.margin), .text(record.voter), .text(record.category), .text(record.rationale),
                                .text(record.source.rawValue), .real(1_764_500_000.123456789),
                            ]
                        })
                    try await writer.drain()
                    return writer.copies
                }
                #expect(copies.binary == (binary ? 2 : 0) && copies.text == (binary ? 0 : 2))
                stored.append(try await Self.storedItems(store, arena: arena.id))
            }
            #expect(stored[0].count == Self.awkwardTexts.count)
            #expect(stored[1] == stored[0])
        }
    }

    /// Rows go in binary only when every value is of its column's type.
    @Test
    func binaryCopyOnlyForValuesOfTheColumnsTypes() {
        let types: [CopyColumnType?] = [.int8, .float8, .text]
        #expect(BulkInsert.fitBinaryCopy([[.integer(1), .real(0.5), .text("a")], [.integer(nil), .real(nil), .text(nil)]], types: types))
        #expect(!BulkInsert.fitBinaryCopy([[.integer(1), .integer(2), .text("a")]], types: types))
        #expect(!BulkInsert.fitBinaryCopy([[.integer(1), .real(0.5), .text("a")]], types: [.int8, .float8, nil]))
        #expect(!BulkInsert.fitBinaryCopy([[.integer(1), .real(0.5)]], types: types))
    }
}
