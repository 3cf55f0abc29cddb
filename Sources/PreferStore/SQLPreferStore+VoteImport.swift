import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    /// Rows per INSERT when importing votes: 5 parameters a row (the arena,
    /// source and empty criteria are constants of the statement), under
    /// SQLite's 32,766 and PostgreSQL's 65,535 parameters.
    static var voteImportChunk: Int { 5000 }
    /// Rows per INSERT on PostgreSQL, which takes them as five arrays.
    static var postgresVoteImportChunk: Int { 50_000 }

    /// Loads a battle file's votes into an arena in one transaction, as
    /// `.imported` votes: contenders are matched by name and created when new
    /// (weight 1), the voter comes from `table.voters` and the time from
    /// `table.timestamps` where the file has one (else now; an empty voter is
    /// stored as none). Rows keep their order in ids. Per-vote weights,
    /// categories and other fields of the file are not kept. A vote of a
    /// contender against itself is `.invalid`, naming the row; then nothing is
    /// stored.
    public func importVotes(arena: Int64, _ table: VoteTable) async throws -> Int {
        for row in 0..<table.count where table.a[row] == table.b[row] {
            throw StoreError.invalid(
                "A vote must compare two different contenders; this one has \"\(table.contenders[Int(table.a[row])])\" "
                    + "on both sides.",
                field: "model_b"
            ).atItem(row)
        }
        return try await connections.write { database in
            try await Self.requireArena(arena, in: database)
            guard !table.isEmpty else { return 0 }

            var used = [Bool](repeating: false, count: table.contenders.count)
            for row in 0..<table.count {
                used[Int(table.a[row])] = true
                used[Int(table.b[row])] = true
            }
            var idByName: [String: Int64] = [:]
            for row in try await database.select().columns("id", "name").from("contenders")
                .where("arena_id", .equal, arena).all()
            {
                idByName[try row.decode(column: "name", as: String.self)] = try row.decode(column: "id", as: Int64.self)
            }
            let missing = table.contenders.indices.filter { used[$0] && idByName[table.contenders[$0]] == nil }
                .map { table.contenders[$0] }
            for chunk in missing.chunks(of: 1000) {
                let rows = try await database.insert(into: "contenders")
                    .columns("arena_id", "name")
                    .rows(chunk.map { [SQLBind(arena), SQLBind($0)] as [any SQLExpression] })
                    .returning("id", "name")
                    .all()
                for row in rows {
                    idByName[try row.decode(column: "name", as: String.self)] = try row.decode(column: "id", as: Int64.self)
                }
            }
            let ids = table.contenders.map { idByName[$0] ?? 0 }

            let now = Date().timeIntervalSince1970
            let time = { (row: Int) -> Double in table.timestamps.map { $0[row] }.flatMap { $0.isNaN ? nil : $0 } ?? now }
            if database.dialect.name == "postgresql" {
                // Five array parameters per statement, however many rows: PostgreSQL
                // parses and plans it once instead of binding 5 values a row.
                for chunk in Array(0..<table.count).chunks(of: Self.postgresVoteImportChunk) {
                    let lefts = chunk.map { ids[Int(table.a[$0])] }
                    let rights = chunk.map { ids[Int(table.b[$0])] }
                    let choices = chunk.map { Choice(table.outcomes[$0]).rawValue }
                    let voters = chunk.map { table.voters?[$0] ?? "" }
                    let times = chunk.map(time)
                    try await database.raw(
                        """
                        INSERT INTO votes (arena_id, source, criteria, left_contender_id, right_contender_id, choice, voter, created_at)
                        SELECT \(literal: arena), 'import', '{}', l, r, c, NULLIF(v, ''), t
                        FROM unnest(\(bind: lefts)::bigint[], \(bind: rights)::bigint[], \(bind: choices)::text[],
                                    \(bind: voters)::text[], \(bind: times)::float8[]) WITH ORDINALITY AS u(l, r, c, v, t, n)
                        ORDER BY n
                        """
                    ).run()
                }
                try await Self.recordChange(arena: arena, .votesImported, in: database)
                return table.count
            }
            let constants: [any SQLExpression] = [
                SQLLiteral.numeric("\(arena)"), SQLLiteral.string(StoredVote.Source.imported.rawValue),
                SQLLiteral.string("{}"),
            ]
            for chunk in Array(0..<table.count).chunks(of: Self.voteImportChunk) {
                var rows: [[any SQLExpression]] = []
                rows.reserveCapacity(chunk.count)
                for row in chunk {
                    rows.append(
                        constants + [
                            SQLBind(ids[Int(table.a[row])]), SQLBind(ids[Int(table.b[row])]),
                            SQLBind(Choice(table.outcomes[row]).rawValue),
                            SQLBind(table.voters?[row].flatMap { $0.isEmpty ? nil : $0 }), SQLBind(time(row)),
                        ])
                }
                try await database.insert(into: "votes")
                    .columns(
                        "arena_id", "source", "criteria", "left_contender_id", "right_contender_id", "choice", "voter",
                        "created_at"
                    )
                    .rows(rows)
                    .run()
            }
            try await Self.recordChange(arena: arena, .votesImported, in: database)
            return table.count
        }
    }
}
