import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    public func recordVotes(_ votes: [NewVote]) async throws -> [VoteOutcome] {
        guard !votes.isEmpty else { return [] }
        return try await connections.write { database in
            var batch = VoteBatch(votes: votes, database: database)
            return try await batch.record()
        }
    }

    public func votes(arena: Int64, after: Int64?, limit: Int) async throws -> [StoredVote] {
        guard limit > 0 else { return [] }
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

    public func voteCount(arena: Int64) async throws -> Int {
        try await connections.withConnection { database in
            let row = try await database.select()
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
                .from("votes").where("arena_id", .equal, arena).first()
            return try row?.decode(column: "count", as: Int.self) ?? 0
        }
    }
}
