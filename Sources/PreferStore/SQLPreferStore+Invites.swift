import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    public func createInvite(arena: Int64, name: String, tokenHash: String) async throws -> Invite {
        do {
            return try await connections.write { database in
                try await Self.requireArena(arena, in: database)
                let row = try await database.insert(into: "invites")
                    .columns("arena_id", "name", "token_hash", "created_at")
                    .values(arena, name, tokenHash, Date().timeIntervalSince1970)
                    .returning("*")
                    .first()
                return try StoreRecords.invite(try row.orInternal("INSERT … RETURNING gave no invite"))
            }
        } catch let error as StoreError where error.kind == .duplicate && error.field == "name" {
            throw StoreError.duplicate("An invite named \"\(name)\" in this arena", field: "name")
        }
    }

    public func invite(tokenHash: String) async throws -> Invite? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("invites").where("token_hash", .equal, tokenHash).first()
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
