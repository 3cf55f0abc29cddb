import Foundation
import PostgresNIO
import PreferCore
import SQLKit

extension SQLPreferStore {
    /// Stores a batch in one transaction (see `VoteBatch` for the steps).
    ///
    /// The common case takes three statements: the insert is tried directly,
    /// with the schema's foreign keys checking that contenders and prompts
    /// are in the vote's arena. If one is not, that insert fails as a whole;
    /// then the batch runs again in a new transaction that checks every vote's
    /// contenders and prompts first, rejects the votes at fault and stores the
    /// rest.
    public func recordVotes(_ votes: [NewVote]) async throws -> [VoteOutcome] {
        guard !votes.isEmpty else { return [] }
        // No transaction around the batch: its one INSERT commits by itself,
        // and what comes after it (answering replays and conflicts) reads
        // committed rows. See `VoteBatch`.
        do {
            return try await connections.writeStatements { database, sqlite in
                var batch = VoteBatch(votes: votes, database: database, sqlite: sqlite, checkReferences: false)
                return try await batch.record()
            }
        } catch let error as StoreError where error.kind == .notFound {
            return try await connections.writeStatements { database, sqlite in
                var batch = VoteBatch(votes: votes, database: database, sqlite: sqlite, checkReferences: true)
                return try await batch.record()
            }
        }
    }

    public func votes(arena: Int64, after: Int64?, limit: Int) async throws -> [StoredVote] {
        guard limit > 0 else { return [] }
        let logger = connections.logger
        let fast = try await connections.withPostgresConnection { connection in
            // PostgreSQL: the same query, rows decoded by position (measured 1.7× faster than by name).
            let rows = try await connection.query(
                """
                SELECT id, arena_id, battle, prompt_id, left_contender_id, right_contender_id, choice, criteria,
                       rationale, time_to_vote_ms, left_played_ms, right_played_ms, voter, client_vote_id, source, created_at,
                       left_output_id, right_output_id
                FROM votes WHERE arena_id = \(arena) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
                """,
                logger: logger)
            var votes: [StoredVote] = []
            votes.reserveCapacity(limit)
            for try await row in rows {
                let columns = try row.decode(
                    (Int64, Int64, String?, Int64?, Int64, Int64, String, String, String?, Int?, Int?, Int?, String?,
                     String?, String, Double, Int64?, Int64?).self)
                votes.append(try StoreRecords.vote(columns))
            }
            return votes
        }
        if let fast { return fast }
        return try await connections.withConnection { database in
            try await database.select().column("*").from("votes")
                .where("arena_id", .equal, arena)
                .where("id", .greaterThan, after ?? 0)
                .orderBy("id")
                .limit(limit)
                .all()
                .map(StoreRecords.vote)
        }
    }

    public func vote(battle: String) async throws -> StoredVote? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("votes").where("battle", .equal, battle).first()
                .map(StoreRecords.vote)
        }
    }

    public func voteCount(arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            let row = try await database.select()
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("votes").where("arena_id", .equal, arena).first()
            return try row?.decode(column: "count", as: Int.self) ?? 0
        }
    }
}
