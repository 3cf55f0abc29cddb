import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    public func createArena(_ arena: NewArena) async throws -> Arena {
        do {
            return try await connections.write { database in
                let row = try await database.insert(into: "arenas")
                    .columns(
                        ["name", "description", "sampling", "criteria", "min_play_ms", "annotations_per_item",
                         "is_private", "created_at", "license"] + StoreRecords.activeColumns(nil).map(\.0))
                    .values(
                        [SQLBind(arena.name), SQLBind(arena.description),
                         SQLBind(arena.activeSampling == nil ? arena.sampling.rawValue : Sampling.uniform.rawValue),
                         SQLBind(try StoreRecords.encodeJSON(arena.criteria)), SQLBind(arena.minPlayMs), SQLBind(arena.annotationsPerItem),
                         SQLBind(arena.isPrivate), SQLBind(Date().timeIntervalSince1970), SQLBind(arena.license)] as [any SQLExpression]
                            + StoreRecords.activeColumns(arena.activeSampling).map(\.1))
                    .returning("*")
                    .first()
                let created = try StoreRecords.arena(try row.orInternal("INSERT … RETURNING gave no arena"))
                try await Self.recordChange(arena: created.id, .created, in: database)
                return created
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw StoreError.duplicate("An arena named \"\(arena.name)\"", field: "name")
        }
    }

    public func deleteArena(id: Int64) async throws {
        try await connections.write { database in
            let deleted = try await database.delete(from: "arenas").where("id", .equal, id).returning("id").all()
            guard !deleted.isEmpty else { throw StoreError.notFound("Arena \(id)", field: "arena") }
            try await Self.recordChange(arena: id, .deleted, in: database)
        }
    }

    public func arenas() async throws -> [Arena] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("arenas").orderBy("id").all().map(StoreRecords.arena)
        }
    }

    public func arena(id: Int64) async throws -> Arena? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("arenas").where("id", .equal, id).first()
                .map(StoreRecords.arena)
        }
    }

    public func arena(named name: String) async throws -> Arena? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("arenas").where("name", .equal, name).first()
                .map(StoreRecords.arena)
        }
    }

    public func createContender(arena: Int64, name: String, weight: Double) async throws -> Contender {
        try Self.checkWeight(weight)
        do {
            return try await connections.write { database in
                try await Self.requireArena(arena, in: database)
                let row = try await database.insert(into: "contenders")
                    .columns("arena_id", "name", "weight")
                    .values(arena, name, weight)
                    .returning("*")
                    .first()
                let contender = try StoreRecords.contender(try row.orInternal("INSERT … RETURNING gave no contender"))
                try await Self.recordChange(arena: arena, .contents, in: database)
                return contender
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw StoreError.duplicate("A contender named \"\(name)\" in this arena", field: "name")
        }
    }

    public func contenders(arena: Int64) async throws -> [Contender] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("contenders").where("arena_id", .equal, arena)
                .orderBy("id").all().map(StoreRecords.contender)
        }
    }

    public func createPrompt(arena: Int64, text: String, category: String?) async throws -> Prompt {
        do {
            return try await connections.write { database in
                try await Self.requireArena(arena, in: database)
                let row = try await database.insert(into: "prompts")
                    .columns("arena_id", "text", "text_hash", "category")
                    .values(arena, text, ContentHash.sha256(text), category)
                    .returning("*")
                    .first()
                let prompt = try StoreRecords.prompt(try row.orInternal("INSERT … RETURNING gave no prompt"))
                try await Self.recordChange(arena: arena, .contents, in: database)
                return prompt
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw StoreError.duplicate(
                "A prompt with this text (\"\(Self.excerpt(text))\") in this arena", field: "text",
                advice: "a prompt's text is unique within its arena: add outputs to the existing prompt")
        }
    }

    public func prompts(arena: Int64) async throws -> [Prompt] {
        try await connections.withConnection { database in
            try await database.select().columns("id", "arena_id", "text", "category").from("prompts")
                .where("arena_id", .equal, arena).orderBy("id").all().map(StoreRecords.prompt)
        }
    }

    public func createOutput(_ output: NewOutput) async throws -> Output {
        try Self.checkMedia(output.media, url: output.url)
        do {
            return try await connections.write { database in
                let arena = try await Self.arenaOfOutput(
                    prompt: output.promptId, contender: output.contenderId, in: database)
                let row = try await database.insert(into: "outputs")
                    .columns("arena_id", "prompt_id", "contender_id", "content", "media", "url")
                    .values(arena, output.promptId, output.contenderId, output.content, output.media.rawValue, output.url)
                    .returning("*")
                    .first()
                let created = try StoreRecords.output(try row.orInternal("INSERT … RETURNING gave no output"))
                try await Self.recordChange(arena: arena, .contents, in: database)
                return created
            }
        } catch let error as StoreError where error.kind == .duplicate {
            throw StoreError.duplicate(
                "This contender's output for this prompt", field: "contender",
                advice: "replace it (PUT /api/arenas/{arena}/outputs/{output}) or withdraw it first")
        }
    }

    public func outputs(arena: Int64, withdrawn: Bool) async throws -> [Output] {
        try await connections.withConnection { database in
            var query = database.select().column("*").from("outputs").where("arena_id", .equal, arena)
            if !withdrawn { query = query.where("withdrawn_at", .is, SQLLiteral.null) }
            return try await query.orderBy("id").all().map(StoreRecords.output)
        }
    }

    // MARK: Checks shared by the methods

    /// Contender weights: finite, above 0 and below 1e308 (the schema's CHECK
    /// says the same; NaN would reach SQLite as NULL and fail as a missing value).
    static func checkWeight(_ weight: Double) throws {
        guard weight.isFinite, weight > 0, weight < 1e308 else {
            throw StoreError.invalid("A contender's weight must be a number above 0 and below 1e308, not \(weight).", field: "weight")
        }
    }

    /// Throws `.notFound` unless arena `id` exists.
    static func requireArena(_ id: Int64, in database: any SQLDatabase) async throws {
        let row = try await database.select().column("id").from("arenas").where("id", .equal, id).first()
        guard row != nil else { throw StoreError.notFound("Arena \(id)", field: "arena") }
    }

    /// The arena of a prompt and a contender, which must both exist and share it.
    static func arenaOfOutput(prompt: Int64, contender: Int64, in database: any SQLDatabase) async throws -> Int64 {
        let promptArena = try await database.select().column("arena_id").from("prompts").where("id", .equal, prompt)
            .first(decodingColumn: "arena_id", as: Int64.self)
        guard let promptArena else { throw StoreError.notFound("Prompt \(prompt)", field: "promptId") }
        let contenderArena = try await database.select().column("arena_id").from("contenders")
            .where("id", .equal, contender).first(decodingColumn: "arena_id", as: Int64.self)
        guard let contenderArena else { throw StoreError.notFound("Contender \(contender)", field: "contenderId") }
        guard promptArena == contenderArena else {
            throw StoreError.invalid(
                "Prompt \(prompt) is in arena \(promptArena) but contender \(contender) is in arena \(contenderArena); "
                    + "an output joins a prompt and a contender of one arena.",
                field: "contenderId")
        }
        return promptArena
    }

    /// Media other than text is shown from its URL, so it needs one.
    static func checkMedia(_ media: Media, url: String?) throws {
        guard media == .text || !(url ?? "").isEmpty else {
            throw StoreError.invalid("An output of media \(media.rawValue) needs a url.", field: "url")
        }
    }

    /// The start of a long text, for messages.
    static func excerpt(_ text: String, length: Int = 60) -> String {
        text.count <= length ? text : String(text.prefix(length)) + "…"
    }
}

extension Optional {
    /// The value, or an error for a database that broke its promise (RETURNING with no row).
    func orInternal(_ what: String) throws -> Wrapped {
        guard let value = self else { throw StoreError.unavailable("The database misbehaved: \(what).") }
        return value
    }
}
