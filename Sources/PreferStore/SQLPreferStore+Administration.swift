import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    // MARK: Arenas and contents

    public func updateArena(id: Int64, _ changes: ArenaChanges) async throws -> Arena {
        try await connections.write { database in
            try await Self.requireArena(id, in: database)
            var update = database.update("arenas").where("id", .equal, id)
            var any = false
            func set(_ column: String, _ value: any SQLExpression) {
                update = update.set(SQLIdentifier(column), to: value)
                any = true
            }
            if let description = changes.description {
                set("description", description.isEmpty ? SQLLiteral.null : SQLBind(description))
            }
            if let active = changes.activeSampling {
                set("sampling", SQLBind(Sampling.uniform.rawValue))
                for (column, value) in StoreRecords.activeColumns(active) { set(column, value) }
            } else if let sampling = changes.sampling {
                set("sampling", SQLBind(sampling.rawValue))
                for (column, _) in StoreRecords.activeColumns(nil) { set(column, SQLLiteral.null) }
            }
            if let criteria = changes.criteria { set("criteria", SQLBind(try StoreRecords.encodeJSON(criteria))) }
            if let minPlayMs = changes.minPlayMs { set("min_play_ms", minPlayMs == 0 ? SQLLiteral.null : SQLBind(minPlayMs)) }
            if let k = changes.annotationsPerItem { set("annotations_per_item", SQLBind(k)) }
            if let isPrivate = changes.isPrivate { set("is_private", SQLBind(isPrivate)) }
            if let open = changes.leaderboardPublic { set("leaderboard_public", SQLBind(open)) }
            if let license = changes.license { set("license", license.isEmpty ? SQLLiteral.null : SQLBind(license)) }
            if let archived = changes.archived {
                set("archived_at", archived
                    ? SQLFunction("COALESCE", args: SQLIdentifier("archived_at"), SQLBind(Date().timeIntervalSince1970))
                    : SQLLiteral.null)
            }
            if any {
                try await update.run()
                try await Self.recordChange(arena: id, .contents, in: database)
            }
            let row = try await database.select().column("*").from("arenas").where("id", .equal, id).first()
            return try StoreRecords.arena(try row.orInternal("the arena vanished during its update"))
        }
    }

    public func updateContender(arena: Int64, id: Int64, _ changes: ContenderChanges) async throws -> Contender {
        if let weight = changes.weight { try Self.checkWeight(weight) }
        do {
            return try await connections.write { database in
                try await Self.requireArena(arena, in: database)
                guard try await database.select().column("id").from("contenders")
                    .where("arena_id", .equal, arena).where("id", .equal, id).first() != nil else {
                    throw StoreError.notFound("Contender \(id) in this arena", field: "contender")
                }
                var update = database.update("contenders").where("id", .equal, id)
                var any = false
                if let name = changes.name { update = update.set("name", to: name); any = true }
                if let weight = changes.weight { update = update.set("weight", to: weight); any = true }
                if let hidden = changes.hidden { update = update.set("hidden", to: hidden); any = true }
                if let retired = changes.retired {
                    if retired {
                        update = update.set(SQLIdentifier("retired_at"), to: SQLFunction("COALESCE", args: SQLIdentifier("retired_at"), SQLBind(Date().timeIntervalSince1970)))
                    } else {
                        update = update.set(SQLIdentifier("retired_at"), to: SQLLiteral.null)
                    }
                    any = true
                }
                if any {
                    try await update.run()
                    try await Self.recordChange(arena: arena, .contents, in: database)
                }
                let row = try await database.select().column("*").from("contenders").where("id", .equal, id).first()
                return try StoreRecords.contender(try row.orInternal("the contender vanished during its update"))
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw StoreError.duplicate("A contender named \"\(changes.name ?? "")\" in this arena", field: "name")
        }
    }

    /// The current output `id` of `arena`, or `.notFound`.
    private static func currentOutput(_ id: Int64, arena: Int64, in database: any SQLDatabase) async throws -> Output {
        guard let row = try await database.select().column("*").from("outputs")
            .where("arena_id", .equal, arena).where("id", .equal, id).first() else {
            throw StoreError.notFound("Output \(id) in this arena", field: "output")
        }
        let output = try StoreRecords.output(row)
        guard output.isCurrent else {
            // A conflict with the output's state (409), not a bad request.
            throw StoreError(.duplicate,
                "Output \(id) was already withdrawn\(output.replacedBy.map { " (replaced by output \($0))" } ?? ""); change the current one.",
                field: "output")
        }
        return output
    }

    public func replaceOutput(arena: Int64, id: Int64, content: String, media: Media, url: String?) async throws -> Output {
        try Self.checkMedia(media, url: url)
        return try await connections.write { database in
            let old = try await Self.currentOutput(id, arena: arena, in: database)
            let now = Date().timeIntervalSince1970
            try await database.update("outputs").set("withdrawn_at", to: now).where("id", .equal, id).run()
            let row = try await database.insert(into: "outputs")
                .columns("arena_id", "prompt_id", "contender_id", "content", "media", "url")
                .values(arena, old.promptId, old.contenderId, content, media.rawValue, url)
                .returning("*")
                .first()
            let replacement = try StoreRecords.output(try row.orInternal("INSERT … RETURNING gave no output"))
            try await database.update("outputs").set("replaced_by", to: replacement.id).where("id", .equal, id).run()
            try await Self.recordChange(arena: arena, .contents, in: database)
            return replacement
        }
    }

    public func withdrawOutput(arena: Int64, id: Int64) async throws -> Output {
        try await connections.write { database in
            var output = try await Self.currentOutput(id, arena: arena, in: database)
            let now = Date().timeIntervalSince1970
            try await database.update("outputs").set("withdrawn_at", to: now).where("id", .equal, id).run()
            output.withdrawnAt = Date(timeIntervalSince1970: now)
            try await Self.recordChange(arena: arena, .contents, in: database)
            return output
        }
    }

    public func revokeInvite(arena: Int64, name: String) async throws -> Invite {
        try await connections.write { database in
            guard let row = try await database.select().column("*").from("invites")
                .where("arena_id", .equal, arena).where("name", .equal, name).first() else {
                throw StoreError.notFound("An invite named \"\(name)\" in this arena", field: "name")
            }
            var invite = try StoreRecords.invite(row)
            if invite.revokedAt == nil {
                let now = Date().timeIntervalSince1970
                try await database.update("invites").set("revoked_at", to: now).where("id", .equal, invite.id).run()
                invite.revokedAt = Date(timeIntervalSince1970: now)
            }
            return invite
        }
    }

    // MARK: API keys

    public func createAPIKey(name: String, role: String, keyHash: String) async throws -> APIKey {
        do {
            return try await connections.write { database in
                let row = try await database.insert(into: "api_keys")
                    .columns("name", "role", "key_hash", "created_at")
                    .values(name, role, keyHash, Date().timeIntervalSince1970)
                    .returning("*")
                    .first()
                return try StoreRecords.apiKey(try row.orInternal("INSERT … RETURNING gave no key"))
            }
        } catch let error as StoreError where error.kind == .duplicate && error.field == "name" {
            throw StoreError.duplicate("An API key named \"\(name)\"", field: "name")
        }
    }

    public func apiKeys() async throws -> [APIKey] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("api_keys").orderBy("id").all().map(StoreRecords.apiKey)
        }
    }

    public func apiKey(hash: String) async throws -> APIKey? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("api_keys").where("key_hash", .equal, hash)
                .where("revoked_at", .is, SQLLiteral.null).first().map(StoreRecords.apiKey)
        }
    }

    public func revokeAPIKey(name: String) async throws -> APIKey {
        try await connections.write { database in
            guard let row = try await database.select().column("*").from("api_keys").where("name", .equal, name).first() else {
                throw StoreError.notFound("An API key named \"\(name)\"", field: "name")
            }
            var key = try StoreRecords.apiKey(row)
            if key.revokedAt == nil {
                let now = Date().timeIntervalSince1970
                try await database.update("api_keys").set("revoked_at", to: now).where("id", .equal, key.id).run()
                key.revokedAt = Date(timeIntervalSince1970: now)
            }
            return key
        }
    }

    // MARK: The admin action log

    public func appendAudit(_ entry: NewAuditEntry) async throws {
        try await connections.write { database in
            try await database.insert(into: "audit_log")
                .columns("at", "actor", "operation", "method", "path", "status", "detail")
                .values(entry.at.timeIntervalSince1970, entry.actor, entry.operation, entry.method, entry.path, entry.status, entry.detail)
                .run()
        }
    }

    public func auditLog(before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await connections.withConnection { database in
            var query = database.select().column("*").from("audit_log")
            if let before { query = query.where("id", .lessThan, before) }
            return try await query.orderBy("id", .descending).limit(limit).all().map(StoreRecords.auditEntry)
        }
    }

    // MARK: Decisions about annotators

    public func setVoterDecision(arena: Int64, voter: String, decision: VoterDecision.Kind?, actor: String, note: String?) async throws {
        try await connections.write { database in
            try await Self.requireArena(arena, in: database)
            try await database.delete(from: "voter_decisions").where("arena_id", .equal, arena).where("voter", .equal, voter).run()
            if let decision {
                try await database.insert(into: "voter_decisions")
                    .columns("arena_id", "voter", "decision", "decided_at", "actor", "note")
                    .values(arena, voter, decision.rawValue, Date().timeIntervalSince1970, actor, note)
                    .run()
            }
            try await Self.recordChange(arena: arena, .decisions, in: database)
        }
    }

    public func voterDecisions(arena: Int64) async throws -> [VoterDecision] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("voter_decisions").where("arena_id", .equal, arena)
                .orderBy("voter").all().map(StoreRecords.voterDecision)
        }
    }
}
