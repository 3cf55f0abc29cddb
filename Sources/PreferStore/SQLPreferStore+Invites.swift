import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    public func createInvites(arena: Int64, _ invites: [(name: String, tokenHash: String)]) async throws -> [Invite] {
        var current = 0
        do {
            // One transaction: all or none, and one commit for a thousand invites.
            return try await connections.write { database in
                try await Self.requireArena(arena, in: database)
                let now = Date().timeIntervalSince1970
                var made: [Invite] = []
                for (k, invite) in invites.enumerated() {
                    current = k
                    let row = try await database.insert(into: "invites")
                        .columns("arena_id", "name", "token_hash", "created_at")
                        .values(arena, invite.name, invite.tokenHash, now)
                        .returning("*")
                        .first()
                    made.append(try StoreRecords.invite(try row.orInternal("INSERT … RETURNING gave no invite")))
                }
                return made
            }
        } catch let error as StoreError where error.kind == .duplicate && error.field == "name" && invites.indices.contains(current) {
            throw StoreError.duplicate("An invite named \"\(invites[current].name)\" in this arena", field: "name")
        }
    }

    public func invite(tokenHash: String) async throws -> Invite? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("invites").where("token_hash", .equal, tokenHash)
                .where("revoked_at", .is, SQLLiteral.null).first()
                .map(StoreRecords.invite)
        }
    }

    public func invites(arena: Int64) async throws -> [Invite] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("invites").where("arena_id", .equal, arena)
                .orderBy("id").all().map(StoreRecords.invite)
        }
    }
}
