import Crypto
import Foundation
import PreferCore
import NIOCore
import PostgresNIO
import SQLKit
import SQLiteKit

/// A window of a dataset on its way into the store.
public struct PreferenceBatch: Sendable {
    /// Comparisons: votes when both contenders are named, item-level
    /// preferences otherwise.
    public var records: [PreferenceRecord]
    /// Prompts with rated completions: stored as outputs and ratings (their
    /// binarised pairs come as `records`).
    public var rated: [RatedPrompt]
    /// Rankings of K outputs (HPS v2): stored as K-way votes (`kway_votes`).
    public var rankings: [RankingRecord]

    public init(records: [PreferenceRecord] = [], rated: [RatedPrompt] = [], rankings: [RankingRecord] = []) {
        self.records = records
        self.rated = rated
        self.rankings = rankings
    }
}

/// What a dataset import stored.
public struct DatasetImportSummary: Sendable, Hashable, Codable {
    /// Votes (one per annotation) of comparisons between named contenders.
    public var votes = 0
    /// Comparisons without contenders.
    public var itemPreferences = 0
    /// Annotations in those comparisons.
    public var itemAnnotations = 0
    public var ratings = 0
    /// K-way votes made from rankings.
    public var kwayVotes = 0
    /// Rankings left out because several outputs share first place (a K-way
    /// vote places a single best; see `KWayPlaces`).
    public var rankingsTiedFirst = 0
    public var contendersCreated = 0
    public var promptsCreated = 0
    public var outputsCreated = 0

    public init() {}
}

extension SQLPreferStore {
    /// Stores a dataset in one transaction, batch by batch as `next` gives
    /// them (nil ends it): a failure anywhere — a bad row reported by the
    /// reader through `next`, a rule of the data — rolls everything back.
    ///
    /// Prompts are matched by text and created when new (the first row's
    /// category), contenders by name; a comparison between named contenders
    /// becomes one vote per annotation (source `import`, or `judge`), with
    /// its prompt, an output per side (one per prompt and contender: a
    /// second, different text for the same prompt and contender is an error
    /// naming the row), its per-criterion outcomes and, in `vote_details`,
    /// its margin and weight; a comparison without contenders becomes an
    /// item preference holding both texts and the counts. Rated completions
    /// become outputs and one rating per aspect. `source` names the file in
    /// errors (`file:line: …`). Writes go in multi-row INSERTs of up to a few
    /// thousand rows (SQLite) or `COPY` (PostgreSQL), pipelined with the
    /// preparation of the next rows (`BulkInsert`).
    public func importDataset(
        arena: Int64, source: String, next: () async throws -> PreferenceBatch?
    ) async throws -> DatasetImportSummary {
        try await importTransaction { database, sqlite, postgres in
            try await Self.requireArena(arena, in: database)
            let writer = BulkInsert(database: database, sqlite: sqlite, postgres: postgres)
            var state = try await DatasetImportState(arena: arena, source: source, writer: writer)
            do {
                while let batch = try await next() {
                    try await state.store(batch)
                }
                try await state.finish()
            } catch {
                // Writes still running on the connection end before the transaction is rolled back.
                await writer.abandon()
                throw error
            }
            return state.summary
        }
    }

    /// Runs `body` in one write transaction with the SQLite or PostgreSQL
    /// connection at hand (SQLite: `BEGIN IMMEDIATE`). An import cannot be
    /// replayed from a stream, so it is never retried: a PostgreSQL conflict
    /// ends it with an error (nothing stored).
    ///
    /// On SQLite the connection's page cache is raised for the import
    /// (`bulkLoadPragmas`, restored after): a million rows' random inserts
    /// into the prompts' text-hash index otherwise spill the cache to the WAL
    /// and read it back page by page, most of the import's time. Neither
    /// pragma touches durability: the import is still one transaction, and a
    /// crash before its COMMIT leaves the database as it was.
    func importTransaction<T>(_ body: (any SQLDatabase, SQLiteConnection?, PostgresConnection?) async throws -> T) async throws -> T {
        try await connections.bulkStatements { database, sqlite, postgres in
            guard let sqlite else {
                return try await StoreConnections.transaction(database, begin: "BEGIN") { try await body($0, nil, postgres) }
            }
            for pragma in Self.bulkLoadPragmas { _ = try await sqlite.query(pragma.during, []) }
            do {
                let result = try await StoreConnections.transaction(database, begin: "BEGIN IMMEDIATE") { try await body($0, sqlite, nil) }
                for pragma in Self.bulkLoadPragmas { _ = try? await sqlite.query(pragma.after, []) }
                return result
            } catch {
                for pragma in Self.bulkLoadPragmas { _ = try? await sqlite.query(pragma.after, []) }
                throw error
            }
        }
    }

    /// SQLite settings of a connection while it imports, and what they go
    /// back to: a 256 MiB page cache (SQLite's default is 2 MiB), so the
    /// indexes a bulk load touches at random stay in memory; statement
    /// journals (each multi-row INSERT keeps one, to undo itself alone) in
    /// memory rather than temporary files.
    static let bulkLoadPragmas: [(during: String, after: String)] = [
        ("PRAGMA cache_size = -262144", "PRAGMA cache_size = -2000"),
        ("PRAGMA temp_store = MEMORY", "PRAGMA temp_store = DEFAULT"),
    ]
}

/// A value of a row to insert, typed for both databases' bindings (a NULL
/// keeps its column's type on PostgreSQL).
enum ImportValue {
    case integer(Int64?)
    case text(String?)
    case real(Double?)

    var bind: SQLBind {
        switch self {
        case .integer(let value): SQLBind(value)
        case .text(let value): SQLBind(value)
        case .real(let value): SQLBind(value)
        }
    }

    var sqlite: SQLiteData {
        switch self {
        case .integer(let value): value.map { .integer(Int($0)) } ?? .null
        case .text(let value): value.map { .text($0) } ?? .null
        case .real(let value): value.map { .float($0) } ?? .null
        }
    }
}

/// Inserts many rows with one statement per chunk: on SQLite written out and
/// bound by hand on the connection (SQLKit's builder costs more than the
/// INSERT); on PostgreSQL with `COPY … FROM STDIN` (binary format when
/// every value is of its column's type, text format otherwise; see
/// `BulkInsert+PostgresCopy.swift`); through
/// SQLKit on any other connection. The ids a caller asks back are chosen
/// before the rows are written (SQLite: counted on from the table's largest
/// id; PostgreSQL: drawn from the table's identity sequence) and written
/// explicitly, so no insert has to answer with rows.
///
/// **Writes are pipelined.** On SQLite and PostgreSQL `insert` queues the
/// write and returns: the writes run one after another, in order, on the
/// import's connection (the database's own thread: SQLiteNIO's thread pool,
/// or the PostgreSQL server), while the caller prepares the next rows — two
/// cores busy instead of one taking turns. At most `queueLimit` writes wait
/// (memory stays bounded); a read of the tables must call `drain()` first;
/// a failed write fails the next `insert` or `drain()`, and `abandon()`
/// waits for the writes still running before the transaction is rolled back.
/// On PostgreSQL the writes run on the connection's event loop and a COPY's
/// data is encoded as soon as it is queued; drawing ids does not wait for
/// the queue (`enqueue(on:preparing:write:)`, `besideWrites`).
final class BulkInsert {
    let database: any SQLDatabase
    let sqlite: SQLiteConnection?
    let postgres: PostgresConnection?

    /// Writes queued or running, oldest first; each starts when the one before it has ended.
    private var queue: [Task<Void, any Error>] = []
    static let queueLimit = 3
    /// SQLite: the next id of each table this import has counted ids for.
    private var nextId: [String: Int64] = [:]
    /// PostgreSQL: ids drawn from each table's sequence and not yet used (drawn ahead in blocks, so that a
    /// batch need not wait for the writes before it to draw its own).
    private var drawn: [String: ArraySlice<Int64>] = [:]
    static let idBlock = 50_000
    /// PostgreSQL: the OID of each table's identity sequence, looked up once.
    private var sequences: [String: Int64] = [:]
    /// PostgreSQL: each table's columns that binary COPY can write, by name, looked up once.
    private var copyTypes: [String: [String: CopyColumnType]] = [:]
    /// PostgreSQL: where the writes run (the connection's event loop).
    private let writeExecutor: EventLoopTaskExecutor?
    /// PostgreSQL: whether COPY may use the binary format (tests compare it with the text format).
    var binaryCopy = true
    /// PostgreSQL: COPYs sent in binary format and in text format.
    private(set) var copies = (binary: 0, text: 0)

    init(database: any SQLDatabase, sqlite: SQLiteConnection?, postgres: PostgresConnection? = nil) {
        self.database = database
        self.sqlite = sqlite
        self.postgres = postgres
        self.writeExecutor = postgres.map { EventLoopTaskExecutor($0.eventLoop) }
    }

    /// Waits for every queued write; throws the first one's error.
    func drain() async throws {
        let tasks = queue
        queue = []
        for task in tasks { try await task.value }
    }

    /// Waits for the queued writes to end, ignoring their errors (the caller is failing already).
    func abandon() async {
        let tasks = queue
        queue = []
        for task in tasks { _ = try? await task.value }
    }

    /// Queues `write` after the writes queued before it, first waiting while
    /// `queueLimit` writes are queued.
    private func enqueue(_ write: @escaping @Sendable () async throws -> Void) async throws {
        while queue.count >= Self.queueLimit { try await queue.removeFirst().value }
        let previous = queue.last
        queue.append(Task {
            try await previous?.value
            try await write()
        })
    }

    /// PostgreSQL: queues a write whose data `prepare` makes at once, in the
    /// background, and `write` sends after the writes queued before it have
    /// ended — so the data is ready when the server is.
    ///
    /// The write runs on the connection's event loop (`EventLoopTaskExecutor`),
    /// not on Swift's cooperative pool: that pool has one thread per core,
    /// and on two cores both were often busy with the import's long
    /// synchronous stretches (parsing a window, building a batch's rows), so
    /// the next COPY started only when one of them ended — the server waited
    /// for the client about a sixth of the import (sampled states of the
    /// backend: `epoll_wait`).
    private func enqueue<Prepared: Sendable>(
        on executor: EventLoopTaskExecutor, preparing prepare: @escaping @Sendable () -> Prepared,
        write: @escaping @Sendable (Prepared) async throws -> Void
    ) async throws {
        while queue.count >= Self.queueLimit { try await queue.removeFirst().value }
        let previous = queue.last
        let prepared = Task { prepare() }
        queue.append(Task(executorPreference: executor) {
            let data = await prepared.value
            try await previous?.value
            try await write(data)
        })
    }

    /// Runs `query` on the import's PostgreSQL connection beside the queued
    /// writes (the connection runs them one after another). Should it fail
    /// because a queued write failed first (the transaction is then aborted),
    /// the write's error is the one thrown.
    private func besideWrites<T>(_ query: () async throws -> T) async throws -> T {
        do {
            return try await query()
        } catch {
            try await drain()
            throw error
        }
    }

    /// PostgreSQL: the columns of `table` that binary COPY can write, by name.
    private func copyColumnTypes(of table: String) async throws -> [String: CopyColumnType] {
        if let known = copyTypes[table] { return known }
        guard let postgres else { return [:] }
        let query: PostgresQuery = """
            SELECT attname::text, atttypid::int8 FROM pg_attribute
            WHERE attrelid = \(table)::regclass AND attnum > 0 AND NOT attisdropped
            """
        var types: [String: CopyColumnType] = [:]
        try await besideWrites {
            for try await (name, oid) in try await postgres.query(query, logger: database.logger).decode((String, Int64).self) {
                types[name] = CopyColumnType(oid: oid)
            }
        }
        copyTypes[table] = types
        return types
    }

    /// Queues `rows` (values in the order of `columns`) for insertion;
    /// returns, per row in order, the `returning` columns (`id` first; then
    /// texts among `columns`, the rows' own values), when asked.
    @discardableResult
    func insert(
        into table: String, columns: [String], rows: [[ImportValue]], returning: [String] = []
    ) async throws -> [(id: Int64, texts: [String?])] {
        guard !rows.isEmpty else { return [] }
        guard sqlite != nil || postgres != nil else {
            return try await insertThroughSQLKit(into: table, columns: columns, rows: rows, returning: returning)
        }
        var ids: [Int64]?
        if !returning.isEmpty {
            ids = try await newIds(table, count: rows.count)
        } else {
            // SQLite numbers these rows itself: count again from the table next time.
            nextId[table] = nil
        }
        if let postgres, let writeExecutor {
            let columns = (ids == nil ? [] : ["id"]) + columns
            let known = binaryCopy ? try await copyColumnTypes(of: table) : [:]
            let binary = Self.fitBinaryCopy(rows, types: columns.dropFirst(ids == nil ? 0 : 1).map { known[$0] })
            if binary { copies.binary += 1 } else { copies.text += 1 }
            let logger = database.logger
            try await enqueue(
                on: writeExecutor,
                preparing: { [ids] in CopyData(binary: binary, chunks: binary ? Self.binaryCopy(rows: rows, ids: ids) : Self.textCopy(rows: rows, ids: ids)) },
                write: { data in try await Self.copy(into: table, columns: columns, data: data, on: postgres, logger: logger) })
        } else if let sqlite {
            // Statements are written and bound here, on the caller's side, so SQLite's thread only runs them.
            let statements = Self.sqliteStatements(into: table, columns: columns, rows: rows, ids: ids)
            try await enqueue {
                for statement in statements { _ = try await sqlite.query(statement.sql, statement.binds) }
                // The bound texts are freed here, not on SQLite's thread.
                withExtendedLifetime(statements) {}
            }
        }
        guard let ids else { return [] }
        let positions = returning.dropFirst().map { name in columns.firstIndex(of: name) }
        return zip(ids, rows).map { id, row in
            (id, positions.map { position -> String? in
                guard let position, case .text(let text) = row[position] else { return nil }
                return text
            })
        }
    }

    /// `count` new ids of `table`, ascending. SQLite: counted on from above
    /// the table's largest id and, for an AUTOINCREMENT table, its counter
    /// (so an id is never reused where SQLite's own choice would not reuse
    /// it); the import holds
    /// SQLite's write lock (`BEGIN IMMEDIATE`), so no other writer takes an
    /// id meanwhile, and the table is read only when this import has not
    /// counted its ids yet. PostgreSQL: drawn from the table's identity
    /// sequence (`nextval`, safe beside other writers), a block at a time.
    /// (A `RETURNING` clause instead made SQLiteNIO build a row and schedule
    /// a callback on the event loop for every inserted row, and the caller
    /// decode each by column name.)
    private func newIds(_ table: String, count: Int) async throws -> [Int64] {
        if let sqlite {
            if nextId[table] == nil {
                try await drain()
                // sqlite_sequence exists once some table is AUTOINCREMENT.
                let counted = try await !sqlite.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'", []).isEmpty
                let last = try await sqlite.query(
                    counted
                        ? "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), coalesce((SELECT max(id) FROM \(table)), 0)) AS last"
                        : "SELECT coalesce(max(id), 0) AS last FROM \(table) WHERE ? IS NOT NULL",
                    [.text(table)])
                guard let value = last.first?.column("last")?.integer else {
                    throw StoreError.unavailable("The database gave no next id for \(table); run the import again.")
                }
                nextId[table] = Int64(value) + 1
            }
            let first = nextId[table]!
            nextId[table] = first + Int64(count)
            return (0..<Int64(count)).map { first + $0 }
        }
        guard let postgres else { return [] }
        var available = drawn[table] ?? []
        if available.count < count {
            // The sequence is looked up once: `nextval(pg_get_serial_sequence(…))` looked it up in the
            // catalogue for every id drawn, 7% of the server's CPU in a 1M-pair import.
            if sequences[table] == nil {
                let lookup: PostgresQuery = "SELECT pg_get_serial_sequence(\(table), 'id')::regclass::oid::int8 AS sequence"
                try await besideWrites {
                    for try await oid in try await postgres.query(lookup, logger: database.logger).decode(Int64.self) { sequences[table] = oid }
                }
            }
            guard let sequence = sequences[table] else {
                throw StoreError.unavailable("The database has no identity sequence for \(table).id; run the migrations (prefer migrate).")
            }
            let want = max(count - available.count, min(Self.idBlock, 4 * count))
            // No drain first: the draw waits behind the COPY running, not behind every write queued.
            let query = PostgresQuery(unsafeSQL: "SELECT nextval(\(sequence)::oid) AS id FROM generate_series(1, \(want))")
            var fresh: [Int64] = []
            try await besideWrites {
                for try await id in try await postgres.query(query, logger: database.logger).decode(Int64.self) { fresh.append(id) }
            }
            guard fresh.count == want else {
                throw StoreError.unavailable("The database gave \(fresh.count) of \(want) new ids for \(table); run the import again.")
            }
            available = ArraySlice((Array(available) + fresh).sorted())
        }
        let ids = Array(available.prefix(count))
        drawn[table] = available.dropFirst(count)
        return ids
    }

    /// Any other database: SQLKit's multi-row INSERT … RETURNING, at once.
    private func insertThroughSQLKit(
        into table: String, columns: [String], rows: [[ImportValue]], returning: [String]
    ) async throws -> [(id: Int64, texts: [String?])] {
        var out: [(id: Int64, texts: [String?])] = []
        for chunk in rows.chunks(of: max(1, 60_000 / columns.count)) {
            let query = database.insert(into: table).columns(columns).rows(chunk.map { $0.map(\.bind) as [any SQLExpression] })
            if returning.isEmpty {
                try await query.run()
            } else {
                for row in try await query.returning(returning.map { SQLColumn($0) }).all() {
                    out.append((
                        try row.decode(column: returning[0], as: Int64.self),
                        try returning.dropFirst().map { try row.decode(column: $0, as: String?.self) }
                    ))
                }
            }
        }
        return out
    }
}

extension ImportValue {
    /// The value as a field of PostgreSQL's COPY text format: `\N` for NULL,
    /// numbers as text, texts with backslash, tab, newline and carriage
    /// return escaped.
    func appendCopyText(to buffer: inout ByteBuffer) {
        switch self {
        case .integer(let value):
            if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("\\N") }
        case .real(let value):
            if let value { buffer.writeString(value.description) } else { buffer.writeStaticString("\\N") }
        case .text(let value):
            guard var value else {
                buffer.writeStaticString("\\N")
                return
            }
            value.withUTF8 { bytes in
                var start = 0
                for (i, byte) in bytes.enumerated() {
                    let escaped: UInt8
                    switch byte {
                    case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                    case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                    case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                    case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                    default: continue
                    }
                    buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i])))
                    buffer.writeInteger(UInt8(ascii: "\\"))
                    buffer.writeInteger(escaped)
                    start = i + 1
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
            }
        }
    }
}

/// A text as a dictionary key by its UTF-8 bytes. `String`'s own hashing
/// normalises non-ASCII text to NFC first, which cost more than the rest of
/// an import's bookkeeping; and bytes are what the store compares anyway
/// (prompts are unique by the SHA-256 of their UTF-8).
struct TextBytes: Hashable {
    var text: String

    init(_ text: String) { self.text = text }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func == (a: TextBytes, b: TextBytes) -> Bool {
        var a = a.text
        var b = b.text
        return a.withUTF8 { x in
            b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
    }
}

/// A 128-bit key for a text: the first half of its SHA-256, so caches of a
/// million prompts stay small.
struct TextKey: Hashable {
    var high: UInt64
    var low: UInt64

    init(digest: SHA256.Digest) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        digest.withUnsafeBytes { bytes in
            for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
            for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
        }
        self.high = high
        self.low = low
    }

    init(_ text: String) {
        var text = text
        self.init(digest: text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) })
    }
}

/// What one import knows as it goes: the ids of prompts, contenders and
/// outputs already stored, so each is looked up or created once.
struct DatasetImportState {
    let arena: Int64
    let source: String
    let writer: BulkInsert
    let database: any SQLDatabase
    let now: Double
    var summary = DatasetImportSummary()

    private var contenderIds: [String: Int64] = [:]
    private var promptIds: [TextKey: Int64] = [:]
    /// (prompt, contender) → the output text's key.
    private var outputKeys: [OutputSlot: TextKey] = [:]
    /// Prompts whose stored outputs were read into `outputKeys`.
    private var loadedPrompts = Set<Int64>()
    /// Whether the arena had prompts / outputs before: if not, nothing needs looking up.
    private let hadPrompts: Bool
    private let hadOutputs: Bool
    /// Whether the arena held votes of either kind before, and its K.
    private let hadVotes: Bool
    private let arenaK: Int
    /// The largest K of the rankings stored.
    private var largestK = 0

    struct OutputSlot: Hashable {
        var prompt: Int64
        var contender: Int64
    }

    init(arena: Int64, source: String, writer: BulkInsert) async throws {
        self.arena = arena
        self.source = source
        self.database = writer.database
        self.writer = writer
        now = Date().timeIntervalSince1970
        for row in try await database.select().columns("id", "name").from("contenders").where("arena_id", .equal, arena).all() {
            contenderIds[try row.decode(column: "name", as: String.self)] = try row.decode(column: "id", as: Int64.self)
        }
        hadPrompts = try await database.select().column("id").from("prompts").where("arena_id", .equal, arena).limit(1).first() != nil
        hadOutputs = try await database.select().column("id").from("outputs").where("arena_id", .equal, arena).limit(1).first() != nil
        let pairwise = try await database.select().column("id").from("votes").where("arena_id", .equal, arena).limit(1).first()
        let kway = try await database.select().column("id").from("kway_votes").where("arena_id", .equal, arena).limit(1).first()
        hadVotes = pairwise != nil || kway != nil
        arenaK = try await database.select().column("k").from("arenas").where("id", .equal, arena).first(decodingColumn: "k", as: Int.self) ?? 2
    }

    private func failure(_ line: Int, _ message: String, field: String? = nil) -> StoreError {
        StoreError.invalid("\(source):\(line): \(message)", field: field)
    }

    mutating func store(_ batch: PreferenceBatch) async throws {
        // Rankings whose first place is shared make no K-way vote: counted, left out.
        var rankings: [RankingRecord] = []
        for ranking in batch.rankings {
            if KWayPlaces.places(ranking.ranks) == nil { summary.rankingsTiedFirst += 1 } else { rankings.append(ranking) }
        }
        // Prompts of every row, then contenders, then outputs, then what refers to them.
        var promptTexts: [(text: PreferenceText, category: String?)] = []
        for rated in batch.rated { promptTexts.append((rated.prompt, rated.category)) }
        for record in batch.records { if let prompt = record.prompt { promptTexts.append((prompt, record.category)) } }
        for ranking in rankings { promptTexts.append((ranking.prompt, nil)) }
        let promptOf = try await promptIds(for: promptTexts)

        var names: [String] = []
        for rated in batch.rated { names += rated.completions.map(\.model) }
        for record in batch.records {
            if let a = record.contenderA { names.append(a) }
            if let b = record.contenderB { names.append(b) }
        }
        for ranking in rankings { names += try Self.contenders(of: ranking, source: source) }
        try await createContenders(names)

        // Outputs: of rated completions, and of both sides of compared records with a prompt and contenders.
        var outputs: [(slot: OutputSlot, text: PreferenceText, line: Int, field: String)] = []
        for rated in batch.rated {
            let prompt = promptOf[TextBytes(rated.prompt.text)]!
            for completion in rated.completions {
                outputs.append((OutputSlot(prompt: prompt, contender: contenderIds[completion.model]!), completion.text, rated.line, "completions"))
            }
        }
        for record in batch.records where record.hasContenders {
            guard let prompt = record.prompt.map({ promptOf[TextBytes($0.text)]! }) else { continue }
            if !(record.a.text.isEmpty && record.b.text.isEmpty) {
                outputs.append((OutputSlot(prompt: prompt, contender: contenderIds[record.contenderA!]!), record.a, record.line, "text A"))
                outputs.append((OutputSlot(prompt: prompt, contender: contenderIds[record.contenderB!]!), record.b, record.line, "text B"))
            }
        }
        for ranking in rankings {
            let prompt = promptOf[TextBytes(ranking.prompt.text)]!
            for (output, name) in zip(ranking.outputs, try Self.contenders(of: ranking, source: source)) {
                outputs.append((OutputSlot(prompt: prompt, contender: contenderIds[name]!), .plain(output), ranking.line, "outputs"))
            }
        }
        try await createOutputs(outputs)
        try await storeRankings(rankings, promptOf: promptOf)

        // Ratings.
        var ratingRows: [[ImportValue]] = []
        for rated in batch.rated {
            let prompt = promptOf[TextBytes(rated.prompt.text)]!
            for completion in rated.completions {
                let contender = contenderIds[completion.model]!
                for (aspect, score) in completion.scores.sorted(by: { $0.key < $1.key }) {
                    ratingRows.append([
                        .integer(arena), .integer(prompt), .integer(contender), .text(aspect), .real(score),
                        .text(completion.rationales[aspect]), .text(nil), .text(rated.source.rawValue), .real(now),
                    ])
                }
            }
        }
        try await writer.insert(
            into: "ratings",
            columns: ["arena_id", "prompt_id", "contender_id", "aspect", "score", "rationale", "voter", "source", "created_at"],
            rows: ratingRows)
        summary.ratings += ratingRows.count

        // Votes, one per annotation; details where a vote carries a margin or a weight.
        var voteRows: [[ImportValue]] = []
        var details: [(margin: Double?, weight: Double)?] = []
        var itemRows: [[ImportValue]] = []
        for record in batch.records {
            let prompt = record.prompt.map { promptOf[TextBytes($0.text)]! }
            if record.hasContenders {
                let left = contenderIds[record.contenderA!]!
                let right = contenderIds[record.contenderB!]!
                let criteria = try StoreRecords.criteriaText(record.criteria.mapValues(Choice.init))
                let detail: (margin: Double?, weight: Double)? =
                    record.margin != nil || record.weight != 1 ? (record.margin, record.weight) : nil
                for outcome in Outcome.allCases {
                    for _ in 0..<record.counts[outcome] {
                        voteRows.append([
                            .integer(arena), .integer(prompt), .integer(left), .integer(right), .text(Choice(outcome).rawValue),
                            .text(criteria), .text(record.rationale), .text(record.voter.flatMap { $0.isEmpty ? nil : $0 }),
                            .text(record.source == .judge ? StoredVote.Source.judge.rawValue : StoredVote.Source.imported.rawValue),
                            .real(now),
                        ])
                        details.append(detail)
                    }
                }
            } else {
                guard !(record.a.text.isEmpty && record.b.text.isEmpty) else {
                    throw failure(record.line, "a comparison needs its contenders or its two texts; this row has neither")
                }
                itemRows.append([
                    .integer(arena), .integer(prompt), .text(record.a.text), .text(record.b.text),
                    .text(ChatJSON.encode(record.a)), .text(ChatJSON.encode(record.b)),
                    .integer(Int64(record.counts.aWins)), .integer(Int64(record.counts.bWins)),
                    .integer(Int64(record.counts.ties)), .integer(Int64(record.counts.bothBad)), .real(record.weight),
                    .real(record.margin), .text(record.voter), .text(record.category),
                    .text(record.rationale), .text(record.source.rawValue), .real(now),
                ])
                summary.itemAnnotations += record.counts.total
            }
        }
        let voteColumns = [
            "arena_id", "prompt_id", "left_contender_id", "right_contender_id", "choice", "criteria", "rationale", "voter",
            "source", "created_at",
        ]
        if details.contains(where: { $0 != nil }) {
            // Ids come back in VALUES order once sorted (ids increase within a statement).
            let ids = try await writer.insert(into: "votes", columns: voteColumns, rows: voteRows, returning: ["id"]).map(\.id).sorted()
            guard ids.count == voteRows.count else {
                throw StoreError.unavailable("The database returned \(ids.count) of \(voteRows.count) new votes; run the import again.")
            }
            var detailRows: [[ImportValue]] = []
            for (id, detail) in zip(ids, details) {
                guard let detail else { continue }
                detailRows.append([.integer(id), .real(detail.margin), .real(detail.weight)])
            }
            try await writer.insert(into: "vote_details", columns: ["vote_id", "margin", "weight"], rows: detailRows)
        } else {
            try await writer.insert(into: "votes", columns: voteColumns, rows: voteRows)
        }
        summary.votes += voteRows.count
        try await writer.insert(
            into: "item_preferences",
            columns: [
                "arena_id", "prompt_id", "text_a", "text_b", "messages_a", "messages_b", "a_wins", "b_wins", "ties",
                "both_bad", "weight", "margin", "voter", "category", "rationale", "source", "created_at",
            ],
            rows: itemRows)
        summary.itemPreferences += itemRows.count
    }

    /// The contender of each output of a ranking, distinct (a K-way vote shows
    /// each contender once), or an error naming the line.
    static func contenders(of ranking: RankingRecord, source: String) throws -> [String] {
        guard let names = ranking.contenders else {
            throw StoreError.invalid(
                "\(source):\(ranking.line): contenders: a K-way vote in an arena names each output's contender; "
                    + "map the field that lists them (--contenders-field), or write a K-way vote file with --out",
                field: "contenders")
        }
        guard (2...8).contains(names.count) else {
            throw StoreError.invalid(
                "\(source):\(ranking.line): outputs: a K-way vote has 2 to 8 outputs, this ranking has \(names.count)", field: "outputs")
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw StoreError.invalid(
                "\(source):\(ranking.line): contenders: \"\(name)\" is named twice; a K-way vote shows each contender once",
                field: "contenders")
        }
        return names
    }

    /// K-way votes of the batch's rankings, with their members (contender,
    /// output, place), in two multi-row INSERTs.
    private mutating func storeRankings(_ rankings: [RankingRecord], promptOf: [TextBytes: Int64]) async throws {
        guard !rankings.isEmpty else { return }
        try await writer.drain()
        var outputIds: [OutputSlot: Int64] = [:]
        let prompts = Array(Set(rankings.map { promptOf[TextBytes($0.prompt.text)]! }))
        for chunk in prompts.chunks(of: 1000) {
            let rows = try await database.select().columns("id", "prompt_id", "contender_id").from("outputs")
                .where("arena_id", .equal, arena).where("prompt_id", .in, Array(chunk)).where("withdrawn_at", .is, SQLLiteral.null).all()
            for row in rows {
                let slot = OutputSlot(
                    prompt: try row.decode(column: "prompt_id", as: Int64.self),
                    contender: try row.decode(column: "contender_id", as: Int64.self))
                outputIds[slot] = try row.decode(column: "id", as: Int64.self)
            }
        }
        var voteRows: [[ImportValue]] = []
        var members: [[(contender: Int64, output: Int64?, place: Int)]] = []
        for ranking in rankings {
            guard let places = KWayPlaces.places(ranking.ranks) else { continue }
            let prompt = promptOf[TextBytes(ranking.prompt.text)]!
            let names = try Self.contenders(of: ranking, source: source)
            let placed = places.filter { $0 > 0 }.count
            voteRows.append([
                .integer(arena), .integer(prompt), .integer(Int64(ranking.outputs.count)),
                .text(placed == 1 ? KWayKind.best.rawValue : KWayKind.ranking.rawValue),
                .text(ranking.voter.flatMap { $0.isEmpty ? nil : $0 }),
                .text(ranking.source == .judge ? StoredVote.Source.judge.rawValue : StoredVote.Source.imported.rawValue), .real(now),
            ])
            members.append(zip(names, places).map { name, place in
                let contender = contenderIds[name]!
                return (contender: contender, output: outputIds[OutputSlot(prompt: prompt, contender: contender)], place: place)
            })
            largestK = max(largestK, ranking.outputs.count)
        }
        // Ids come back in VALUES order once sorted (ids increase within a statement).
        let ids = try await writer.insert(
            into: "kway_votes", columns: ["arena_id", "prompt_id", "k", "kind", "voter", "source", "created_at"], rows: voteRows,
            returning: ["id"]
        ).map(\.id).sorted()
        guard ids.count == voteRows.count else {
            throw StoreError.unavailable("The database returned \(ids.count) of \(voteRows.count) new K-way votes; run the import again.")
        }
        var memberRows: [[ImportValue]] = []
        for (id, candidates) in zip(ids, members) {
            for (i, member) in candidates.enumerated() {
                memberRows.append([
                    .integer(id), .integer(arena), .integer(Int64(i + 1)), .integer(member.contender), .integer(member.output),
                    .integer(Int64(member.place)),
                ])
            }
        }
        try await writer.insert(
            into: "kway_vote_members", columns: ["vote_id", "arena_id", "position", "contender_id", "output_id", "place"],
            rows: memberRows)
        summary.kwayVotes += voteRows.count
    }

    /// After the last batch: an arena that held no votes and showed pairs
    /// becomes a K-way arena of the largest K imported, so its battles and
    /// leaderboard (Plackett–Luce) match its votes. On PostgreSQL, tables
    /// that grew by many rows are analysed (in the transaction, which sees
    /// its own rows), so the first reads after the import — an export's
    /// ordered pages — are planned on their true size instead of the empty
    /// table's statistics autovacuum has not yet replaced.
    mutating func finish() async throws {
        try await writer.drain()
        if writer.postgres != nil {
            let grown = [
                ("prompts", summary.promptsCreated), ("outputs", summary.outputsCreated), ("votes", summary.votes),
                ("item_preferences", summary.itemPreferences), ("ratings", summary.ratings), ("kway_votes", summary.kwayVotes),
            ].filter { $0.1 >= 10_000 }.map(\.0)
            if !grown.isEmpty { try await database.raw(SQLQueryString("ANALYZE " + grown.joined(separator: ", "))).run() }
        }
        guard largestK > 2, arenaK == 2, !hadVotes else { return }
        try await database.update("arenas").set("k", to: largestK).where("id", .equal, arena).run()
        try await SQLPreferStore.recordChange(arena: arena, .contents, in: database)
    }

    /// The id of every prompt text named (created when new), by text.
    private mutating func promptIds(for texts: [(text: PreferenceText, category: String?)]) async throws -> [TextBytes: Int64] {
        var result: [TextBytes: Int64] = [:]
        var keyOfText: [TextBytes: TextKey] = [:]
        var pending: [(key: TextKey, hash: String, text: PreferenceText, category: String?)] = []
        var pendingKeys = Set<TextKey>()
        for (text, category) in texts {
            let plain = TextBytes(text.text)
            if result[plain] != nil || keyOfText[plain] != nil { continue }
            var bytes = plain.text
            let digest = bytes.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            let key = TextKey(digest: digest)
            if let id = promptIds[key] {
                result[plain] = id
            } else {
                keyOfText[plain] = key
                if pendingKeys.insert(key).inserted { pending.append((key, Self.hex(digest), text, category)) }
            }
        }
        if hadPrompts && !pending.isEmpty {
            try await writer.drain()
            for chunk in pending.map(\.hash).chunks(of: 1000) {
                let rows = try await database.select().columns("id", "text_hash").from("prompts")
                    .where("arena_id", .equal, arena).where("text_hash", .in, Array(chunk)).all()
                for row in rows {
                    let hash = try row.decode(column: "text_hash", as: String.self)
                    if let item = pending.first(where: { $0.hash == hash }) {
                        promptIds[item.key] = try row.decode(column: "id", as: Int64.self)
                    }
                }
            }
            pending.removeAll { promptIds[$0.key] != nil }
        }
        let inserted = try await writer.insert(
            into: "prompts", columns: ["arena_id", "text", "text_hash", "category", "messages"],
            rows: pending.map { [.integer(arena), .text($0.text.text), .text($0.hash), .text($0.category), .text(ChatJSON.encode($0.text))] },
            returning: ["id"])
        // Ids come back in VALUES order once sorted (ids increase within a statement).
        let ids = inserted.map(\.id).sorted()
        guard ids.count == pending.count else {
            throw StoreError.unavailable("The database returned \(ids.count) of \(pending.count) new prompts; run the import again.")
        }
        for (item, id) in zip(pending, ids) { promptIds[item.key] = id }
        summary.promptsCreated += pending.count
        for (plain, key) in keyOfText { result[plain] = promptIds[key] }
        return result
    }

    private mutating func createContenders(_ names: [String]) async throws {
        var seen = Set<String>()
        let missing = names.filter { contenderIds[$0] == nil && seen.insert($0).inserted }
        for (id, texts) in try await writer.insert(
            into: "contenders", columns: ["arena_id", "name"], rows: missing.map { [.integer(arena), .text($0)] },
            returning: ["id", "name"])
        {
            if let name = texts[0] { contenderIds[name] = id }
        }
        summary.contendersCreated += missing.count
    }

    private mutating func createOutputs(_ outputs: [(slot: OutputSlot, text: PreferenceText, line: Int, field: String)]) async throws {
        if hadOutputs {
            try await writer.drain()
            let unknown = Array(Set(outputs.map(\.slot.prompt)).subtracting(loadedPrompts))
            loadedPrompts.formUnion(unknown)
            for chunk in unknown.chunks(of: 1000) {
                let rows = try await database.select().columns("prompt_id", "contender_id", "content").from("outputs")
                    .where("arena_id", .equal, arena).where("prompt_id", .in, Array(chunk)).all()
                for row in rows {
                    let slot = OutputSlot(
                        prompt: try row.decode(column: "prompt_id", as: Int64.self),
                        contender: try row.decode(column: "contender_id", as: Int64.self))
                    outputKeys[slot] = TextKey(try row.decode(column: "content", as: String.self))
                }
            }
        }
        var rows: [[ImportValue]] = []
        for output in outputs {
            let key = TextKey(output.text.text)
            if let existing = outputKeys[output.slot] {
                guard existing == key else {
                    let name = contenderIds.first { $0.value == output.slot.contender }?.key ?? "\(output.slot.contender)"
                    throw failure(
                        output.line,
                        "\(output.field): contender \"\(name)\" already has a different output for this prompt; "
                            + "an arena keeps one output per prompt and contender (import into another arena, or drop one of the rows)",
                        field: output.field)
                }
                continue
            }
            outputKeys[output.slot] = key
            rows.append([
                .integer(arena), .integer(output.slot.prompt), .integer(output.slot.contender), .text(output.text.text),
                .text(Media.text.rawValue), .text(ChatJSON.encode(output.text)),
            ])
        }
        try await writer.insert(
            into: "outputs", columns: ["arena_id", "prompt_id", "contender_id", "content", "media", "messages"], rows: rows)
        summary.outputsCreated += rows.count
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
