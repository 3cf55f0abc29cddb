import NIOCore
import SQLiteNIO

/// One INSERT of a bulk write on SQLite, written and bound.
struct SQLiteInsertStatement: @unchecked Sendable {
    var sql: String
    var binds: [SQLiteData]
}

extension BulkInsert {
    /// The most parameters one statement binds. Parsing and coding a
    /// statement costs SQLite time in proportion to its parameters, and the
    /// statement is prepared anew each time (SQLiteNIO keeps no prepared
    /// statements), so fewer parameters per row is less of SQLite's time.
    static let sqliteParametersPerStatement = 30_000

    /// `rows` (with an explicit `id` first when `ids` are given) as INSERTs of
    /// a few thousand rows each, shaped so that SQLite's thread — the import's
    /// bound — does as little as possible per row:
    ///
    /// - A column that holds the same value in every row (the arena, the
    ///   source, the import's timestamp, NULLs of absent fields) is bound once
    ///   per statement, not once per row:
    ///   `INSERT INTO t (id, arena_id, text_a, source) SELECT column1, ?1,
    ///   CAST(column2 AS TEXT), ?2 FROM (VALUES (?, ?), (?, ?), …)`. A
    ///   TRL pair binds 6 values instead of 18; SQLite codes the VALUES rows
    ///   as a co-routine, as it does a plain multi-row INSERT.
    /// - Texts that vary are bound as blobs of their UTF-8 bytes made here
    ///   and cast back to TEXT by the statement (`CAST` of a blob to TEXT
    ///   only retypes its bytes): binding a Swift `String` as text makes
    ///   SQLiteNIO copy it into a C string on SQLite's thread first.
    ///
    /// The values stored are the same as a plain `INSERT … VALUES` of the rows.
    static func sqliteStatements(
        into table: String, columns: [String], rows: [[ImportValue]], ids: [Int64]?
    ) -> [SQLiteInsertStatement] {
        guard let first = rows.first else { return [] }
        // Columns whose value is the same in every row: bound once per statement.
        var constant = columns.indices.map { column in rows.count > 1 && rows.allSatisfy { $0[column].isSame(as: first[column]) } }
        if ids == nil, !constant.contains(false) { constant[0] = false }
        let varying = columns.indices.filter { !constant[$0] }
        let constants = columns.indices.filter { constant[$0] }
        let width = varying.count + (ids == nil ? 0 : 1)
        let perStatement = max(1, sqliteParametersPerStatement / width)

        var statements: [SQLiteInsertStatement] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            var binds: [SQLiteData] = []
            binds.reserveCapacity(constants.count + (end - start) * width)
            // ?1 … ?k: the constant columns; then the VALUES rows' parameters, in order.
            var parameter = 0
            var select: [String] = []
            var valuesColumn = 0
            if ids != nil {
                valuesColumn += 1
                select.append("column\(valuesColumn)")
            }
            var constantParameter: [Int: Int] = [:]
            for column in constants {
                parameter += 1
                constantParameter[column] = parameter
                binds.append(first[column].sqlite)
            }
            for column in columns.indices {
                if let parameter = constantParameter[column] {
                    select.append("?\(parameter)")
                } else {
                    valuesColumn += 1
                    select.append(first[column].isText ? "CAST(column\(valuesColumn) AS TEXT)" : "column\(valuesColumn)")
                }
            }
            for row in start..<end {
                if let ids { binds.append(.integer(Int(ids[row]))) }
                for column in varying { binds.append(rows[row][column].sqliteBytes) }
            }
            // An anonymous `?` takes the number after the largest used before it: the VALUES
            // follow the SELECT list's ?1 … ?k, so they number on from k + 1.
            let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
            let names = (ids == nil ? columns : ["id"] + columns).joined(separator: ", ")
            let sql = "INSERT INTO \(table) (\(names)) SELECT \(select.joined(separator: ", ")) FROM (VALUES "
                + Array(repeating: tuple, count: end - start).joined(separator: ",") + ")"
            statements.append(SQLiteInsertStatement(sql: sql, binds: binds))
            start = end
        }
        return statements
    }
}

extension ImportValue {
    /// Whether two values are the same value of the same type: texts by
    /// their UTF-8 bytes, reals by their bits.
    func isSame(as other: ImportValue) -> Bool {
        switch (self, other) {
        case (.integer(let a), .integer(let b)): a == b
        case (.real(let a), .real(let b)): a?.bitPattern == b?.bitPattern
        case (.text(let a), .text(let b)): a.map(TextBytes.init) == b.map(TextBytes.init)
        default: false
        }
    }

    var isText: Bool {
        if case .text = self { true } else { false }
    }

    /// The value to bind, a text as a blob of its UTF-8 bytes (the statement casts it back to TEXT).
    var sqliteBytes: SQLiteData {
        switch self {
        case .text(let value?): .blob(ByteBuffer(string: value))
        default: sqlite
        }
    }
}
