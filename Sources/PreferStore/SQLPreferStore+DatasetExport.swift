import Foundation
import PreferCore
import PostgresNIO
import SQLKit
import SQLiteKit

/// A stored comparison with its texts, as exports read it.
public struct StoredPreference: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        /// A vote (`votes.id`) between contenders.
        case vote(Int64)
        /// An item-level preference (`item_preferences.id`).
        case item(Int64)
    }

    public var origin: Origin
    public var promptId: Int64?
    /// Texts, counts, contenders, source, voter, category, criteria, margin, weight.
    public var record: PreferenceRecord
    public var createdAt: Double
}

/// What an export could not carry: votes without a prompt or without text
/// outputs have nothing to train on.
public struct PreferenceCoverage: Sendable, Hashable, Codable {
    public var votes = 0
    public var votesWithoutPrompt = 0
    public var votesWithoutTextOutputs = 0
    public var itemPreferences = 0

    public init() {}
}

extension SQLPreferStore {
    /// Every comparison of an arena with its texts, prompt by prompt: first
    /// the votes (joined with their prompt and the two outputs), then the
    /// item preferences; each in pages of `pageSize`, a prompt's rows never
    /// split across pages of the same kind only when `pageSize` exceeds them
    /// (callers group by `promptId` themselves). Reads page by page (keyset
    /// on prompt and id), so memory stays bounded whatever the arena's size.
    public func forEachPreference(
        arena: Int64, pageSize: Int = 10_000, includeVotes: Bool = true, _ body: ([StoredPreference]) async throws -> Void
    ) async throws -> PreferenceCoverage {
        var coverage = PreferenceCoverage()
        coverage.votes = try await voteCount(arena: arena)
        try await connections.withConnection { database in
            let noPrompt = try await database.select()
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("votes").where("arena_id", .equal, arena).where(SQLColumn("prompt_id"), .is, SQLLiteral.null).first()
            coverage.votesWithoutPrompt = try noPrompt?.decode(column: "count", as: Int.self) ?? 0
        }
        var after: (prompt: Int64, id: Int64) = (Int64.min, 0)
        while includeVotes {
            let page = try await connections.withConnection { database in
                try await database.raw("""
                    SELECT v.id, v.prompt_id, v.choice, v.criteria, v.rationale, v.voter, v.source, v.created_at,
                           lc.name AS left_name, rc.name AS right_name, p.text AS prompt_text, p.messages AS prompt_messages,
                           p.category, lo.content AS left_content, lo.messages AS left_messages, lo.media AS left_media,
                           ro.content AS right_content, ro.messages AS right_messages, ro.media AS right_media,
                           d.margin, d.weight
                    FROM votes v
                    JOIN prompts p ON p.id = v.prompt_id
                    JOIN contenders lc ON lc.id = v.left_contender_id
                    JOIN contenders rc ON rc.id = v.right_contender_id
                    LEFT JOIN outputs lo ON lo.prompt_id = v.prompt_id AND lo.contender_id = v.left_contender_id
                    LEFT JOIN outputs ro ON ro.prompt_id = v.prompt_id AND ro.contender_id = v.right_contender_id
                    LEFT JOIN vote_details d ON d.vote_id = v.id
                    WHERE v.arena_id = \(bind: arena) AND v.prompt_id IS NOT NULL
                      AND (v.prompt_id, v.id) > (\(bind: after.prompt), \(bind: after.id))
                    ORDER BY v.prompt_id, v.id
                    LIMIT \(literal: pageSize)
                    """).all()
            }
            if page.isEmpty { break }
            var out: [StoredPreference] = []
            out.reserveCapacity(page.count)
            for raw in page {
                let row = FastRow(raw)
                let id = try row.decode(column: "id", as: Int64.self)
                let promptId = try row.decode(column: "prompt_id", as: Int64.self)
                after = (promptId, id)
                guard let leftContent = try row.decode(column: "left_content", as: String?.self),
                      let rightContent = try row.decode(column: "right_content", as: String?.self),
                      try row.decode(column: "left_media", as: String?.self) == Media.text.rawValue,
                      try row.decode(column: "right_media", as: String?.self) == Media.text.rawValue
                else {
                    coverage.votesWithoutTextOutputs += 1
                    continue
                }
                let choice = try row.decode(column: "choice", as: String.self)
                guard let outcome = Choice(rawValue: choice)?.outcome else { continue }
                var record = PreferenceRecord(
                    prompt: ChatJSON.decode(
                        text: try row.decode(column: "prompt_text", as: String.self),
                        messages: try row.decode(column: "prompt_messages", as: String?.self)),
                    a: ChatJSON.decode(text: leftContent, messages: try row.decode(column: "left_messages", as: String?.self)),
                    b: ChatJSON.decode(text: rightContent, messages: try row.decode(column: "right_messages", as: String?.self)),
                    contenderA: try row.decode(column: "left_name", as: String.self),
                    contenderB: try row.decode(column: "right_name", as: String.self),
                    counts: PreferenceCounts(outcome))
                record.source = try row.decode(column: "source", as: String.self) == StoredVote.Source.judge.rawValue ? .judge : .human
                record.voter = try row.decode(column: "voter", as: String?.self)
                record.category = try row.decode(column: "category", as: String?.self)
                record.rationale = try row.decode(column: "rationale", as: String?.self)
                record.criteria = try StoreRecords.criteria(try row.decode(column: "criteria", as: String.self)).mapValues(\.outcome)
                record.margin = try row.decode(column: "margin", as: Double?.self)
                record.weight = try row.decode(column: "weight", as: Double?.self) ?? 1
                out.append(StoredPreference(
                    origin: .vote(id), promptId: promptId, record: record,
                    createdAt: try row.decode(column: "created_at", as: Double.self)))
            }
            try await body(out)
            if page.count < pageSize { break }
        }

        var afterItem: (prompt: Int64, id: Int64) = (Int64.min, 0)
        var noPromptDone = false
        while true {
            // PostgreSQL: the page read by position through PostgresNIO (SQLKit's decoding by name cost most of the export).
            if let stored = try await connections.withPostgresConnection({ connection in
                try await Self.itemPage(connection, arena: arena, after: afterItem, withPrompt: noPromptDone, limit: pageSize)
            }) {
                if let last = stored.last, case .item(let id) = last.origin { afterItem = (last.promptId ?? Int64.min, id) }
                coverage.itemPreferences += stored.count
                if !stored.isEmpty { try await body(stored) }
                if stored.count < pageSize {
                    if noPromptDone { break }
                    noPromptDone = true
                    afterItem = (Int64.min, 0)
                }
                continue
            }
            // Items without a prompt first (NULL sorts apart on each database), then by prompt.
            let page = try await connections.withConnection { database in
                let promptClause: SQLQueryString = noPromptDone
                    ? "i.prompt_id IS NOT NULL AND (i.prompt_id, i.id) > (\(bind: afterItem.prompt), \(bind: afterItem.id))"
                    : "i.prompt_id IS NULL AND i.id > \(bind: afterItem.id)"
                return try await database.raw("""
                    SELECT i.id, i.prompt_id, i.text_a, i.text_b, i.messages_a, i.messages_b, i.a_wins, i.b_wins, i.ties,
                           i.both_bad, i.weight, i.margin, i.voter, i.category, i.rationale, i.source, i.created_at,
                           p.text AS prompt_text, p.messages AS prompt_messages
                    FROM item_preferences i LEFT JOIN prompts p ON p.id = i.prompt_id
                    WHERE i.arena_id = \(bind: arena) AND \(promptClause)
                    ORDER BY i.prompt_id, i.id
                    LIMIT \(literal: pageSize)
                    """).all()
            }
            if page.isEmpty {
                if noPromptDone { break }
                noPromptDone = true
                afterItem = (Int64.min, 0)
                continue
            }
            var out: [StoredPreference] = []
            out.reserveCapacity(page.count)
            for raw in page {
                let row = FastRow(raw)
                let id = try row.decode(column: "id", as: Int64.self)
                let promptId = try row.decode(column: "prompt_id", as: Int64?.self)
                afterItem = (promptId ?? Int64.min, id)
                var prompt: PreferenceText?
                if let text = try row.decode(column: "prompt_text", as: String?.self) {
                    prompt = ChatJSON.decode(text: text, messages: try row.decode(column: "prompt_messages", as: String?.self))
                }
                var record = PreferenceRecord(
                    prompt: prompt,
                    a: ChatJSON.decode(
                        text: try row.decode(column: "text_a", as: String.self),
                        messages: try row.decode(column: "messages_a", as: String?.self)),
                    b: ChatJSON.decode(
                        text: try row.decode(column: "text_b", as: String.self),
                        messages: try row.decode(column: "messages_b", as: String?.self)),
                    counts: PreferenceCounts(
                        aWins: try row.decode(column: "a_wins", as: Int.self), bWins: try row.decode(column: "b_wins", as: Int.self),
                        ties: try row.decode(column: "ties", as: Int.self), bothBad: try row.decode(column: "both_bad", as: Int.self)))
                record.source = try row.decode(column: "source", as: String.self) == PreferenceSource.judge.rawValue ? .judge : .human
                record.voter = try row.decode(column: "voter", as: String?.self)
                record.category = try row.decode(column: "category", as: String?.self)
                record.rationale = try row.decode(column: "rationale", as: String?.self)
                record.margin = try row.decode(column: "margin", as: Double?.self)
                record.weight = try row.decode(column: "weight", as: Double.self)
                coverage.itemPreferences += 1
                out.append(StoredPreference(
                    origin: .item(id), promptId: promptId, record: record,
                    createdAt: try row.decode(column: "created_at", as: Double.self)))
            }
            try await body(out)
            if page.count < pageSize {
                if noPromptDone { break }
                noPromptDone = true
                afterItem = (Int64.min, 0)
            }
        }
        return coverage
    }

    /// A page of an arena's item preferences on PostgreSQL, in the order and
    /// after the key of `forEachPreference`'s pages (without a prompt first,
    /// by id; then by prompt and id), decoded by position.
    static func itemPage(
        _ connection: PostgresConnection, arena: Int64, after: (prompt: Int64, id: Int64), withPrompt: Bool, limit: Int
    ) async throws -> [StoredPreference] {
        let columns = """
            SELECT i.id, i.prompt_id, i.text_a, i.text_b, i.messages_a, i.messages_b, i.a_wins, i.b_wins, i.ties,
                   i.both_bad, i.weight, i.margin, i.voter, i.category, i.rationale, i.source, i.created_at,
                   p.text AS prompt_text, p.messages AS prompt_messages
            FROM item_preferences i LEFT JOIN prompts p ON p.id = i.prompt_id
            """
        let query: PostgresQuery = withPrompt
            ? """
                \(unescaped: columns)
                WHERE i.arena_id = \(arena) AND i.prompt_id IS NOT NULL AND (i.prompt_id, i.id) > (\(after.prompt), \(after.id))
                ORDER BY i.prompt_id, i.id LIMIT \(unescaped: String(limit))
                """
            : """
                \(unescaped: columns)
                WHERE i.arena_id = \(arena) AND i.prompt_id IS NULL AND i.id > \(after.id)
                ORDER BY i.id LIMIT \(unescaped: String(limit))
                """
        var out: [StoredPreference] = []
        out.reserveCapacity(limit)
        let rows = try await connection.query(query, logger: connection.logger)
        for try await (id, promptId, textA, textB, messagesA, messagesB, aWins, bWins, ties, bothBad, weight, margin, voter,
                       category, rationale, source, createdAt, promptText, promptMessages) in rows.decode(
            (Int64, Int64?, String, String, String?, String?, Int64, Int64, Int64, Int64, Double, Double?, String?, String?,
             String?, String, Double, String?, String?).self)
        {
            var record = PreferenceRecord(
                prompt: promptText.map { ChatJSON.decode(text: $0, messages: promptMessages) },
                a: ChatJSON.decode(text: textA, messages: messagesA),
                b: ChatJSON.decode(text: textB, messages: messagesB),
                counts: PreferenceCounts(aWins: Int(aWins), bWins: Int(bWins), ties: Int(ties), bothBad: Int(bothBad)))
            record.source = source == PreferenceSource.judge.rawValue ? .judge : .human
            record.voter = voter
            record.category = category
            record.rationale = rationale
            record.margin = margin
            record.weight = weight
            out.append(StoredPreference(origin: .item(id), promptId: promptId, record: record, createdAt: createdAt))
        }
        return out
    }

    /// An arena's ratings: (prompt id, contender id, aspect, score, rationale, voter, source), in id order.
    public func ratings(arena: Int64) async throws -> [StoredRating] {
        try await connections.withConnection { database in
            try await database.select().columns("id", "prompt_id", "contender_id", "aspect", "score", "rationale", "voter", "source", "created_at")
                .from("ratings").where("arena_id", .equal, arena).orderBy("id").all().map { row in
                    StoredRating(
                        id: try row.decode(column: "id", as: Int64.self),
                        promptId: try row.decode(column: "prompt_id", as: Int64.self),
                        contenderId: try row.decode(column: "contender_id", as: Int64.self),
                        aspect: try row.decode(column: "aspect", as: String.self),
                        score: try row.decode(column: "score", as: Double.self),
                        rationale: try row.decode(column: "rationale", as: String?.self),
                        voter: try row.decode(column: "voter", as: String?.self),
                        source: try row.decode(column: "source", as: String.self) == "judge" ? .judge : .human,
                        createdAt: try row.decode(column: "created_at", as: Double.self))
                }
        }
    }

    /// How many item preferences an arena holds.
    public func itemPreferenceCount(arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            let row = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("item_preferences").where("arena_id", .equal, arena).first()
            return try row?.decode(column: "count", as: Int.self) ?? 0
        }
    }

    /// Characters of each text output, by (prompt, contender): the audit's
    /// reading-speed check needs them, not the texts.
    public func outputLengths(arena: Int64) async throws -> [Int64: [Int64: Int]] {
        try await connections.withConnection { database in
            var lengths: [Int64: [Int64: Int]] = [:]
            for row in try await database.raw("""
                SELECT prompt_id, contender_id, length(content) AS characters FROM outputs
                WHERE arena_id = \(bind: arena) AND media = 'text'
                """).all() {
                lengths[try row.decode(column: "prompt_id", as: Int64.self), default: [:]][
                    try row.decode(column: "contender_id", as: Int64.self)] = try row.decode(column: "characters", as: Int.self)
            }
            return lengths
        }
    }
}

/// One stored rating of one output on one aspect.
public struct StoredRating: Sendable, Hashable, Codable {
    public var id: Int64
    public var promptId: Int64
    public var contenderId: Int64
    public var aspect: String
    public var score: Double
    public var rationale: String?
    public var voter: String?
    public var source: PreferenceSource
    public var createdAt: Double
}

extension SQLPreferStore {
    /// The chat messages (JSON) of the arena's prompts given in conversational form, by prompt id.
    public func promptMessages(arena: Int64) async throws -> [Int64: String] {
        try await connections.withConnection { database in
            var out: [Int64: String] = [:]
            for row in try await database.raw(
                "SELECT id, messages FROM prompts WHERE arena_id = \(bind: arena) AND messages IS NOT NULL"
            ).all() {
                out[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "messages", as: String.self)
            }
            return out
        }
    }
}

/// Reads a result row's columns by name: on SQLite straight from SQLiteNIO's
/// values (a dictionary lookup), elsewhere through SQLKit's decoding, which
/// costs several times more per column on the export's million rows.
struct FastRow {
    let row: any SQLRow
    let sqlite: SQLiteRow?

    init(_ row: any SQLRow) {
        self.row = row
        sqlite = row as? SQLiteRow
    }

    func decode(column: String, as: String.Type) throws -> String {
        if let sqlite {
            guard let value = sqlite.column(column)?.string else { throw missing(column) }
            return value
        }
        return try row.decode(column: column, as: String.self)
    }

    func decode(column: String, as: String?.Type) throws -> String? {
        if let sqlite { return sqlite.column(column)?.string }
        return try row.decode(column: column, as: String?.self)
    }

    func decode(column: String, as: Int64.Type) throws -> Int64 {
        if let sqlite {
            guard let value = sqlite.column(column)?.integer else { throw missing(column) }
            return Int64(value)
        }
        return try row.decode(column: column, as: Int64.self)
    }

    func decode(column: String, as: Int64?.Type) throws -> Int64? {
        if let sqlite { return sqlite.column(column)?.integer.map(Int64.init) }
        return try row.decode(column: column, as: Int64?.self)
    }

    func decode(column: String, as: Int.Type) throws -> Int {
        Int(try decode(column: column, as: Int64.self))
    }

    func decode(column: String, as: Double.Type) throws -> Double {
        if let sqlite {
            guard let value = sqlite.column(column)?.double else { throw missing(column) }
            return value
        }
        return try row.decode(column: column, as: Double.self)
    }

    func decode(column: String, as: Double?.Type) throws -> Double? {
        if let sqlite { return sqlite.column(column)?.double }
        return try row.decode(column: column, as: Double?.self)
    }

    private func missing(_ column: String) -> StoreError {
        StoreError.unavailable("The database returned no \(column) where the schema requires one.")
    }
}
