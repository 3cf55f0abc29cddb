import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore {
    /// Rows per multi-row INSERT or values per IN list: well under SQLite's
    /// 32,766 and PostgreSQL's 65,535 bound parameters with 6 columns.
    private static var outputChunk: Int { 1000 }

    public func importOutputs(arena: Int64, _ items: [OutputImport], existing: ExistingOutputs) async throws -> ImportSummary {
        for (index, item) in items.enumerated() {
            do {
                try Self.checkMedia(item.media, url: item.url)
            } catch let error as StoreError {
                throw error.atItem(index)
            }
        }
        return try await connections.write { database in
            try await Self.requireArena(arena, in: database)

            // Contenders: by id (must be in this arena) or by name (created when new).
            var contenderByName: [String: Int64] = [:]
            var contenderIds = Set<Int64>()
            for row in try await database.select().columns("id", "name").from("contenders")
                .where("arena_id", .equal, arena).all()
            {
                let id = try row.decode(column: "id", as: Int64.self)
                contenderByName[try row.decode(column: "name", as: String.self)] = id
                contenderIds.insert(id)
            }
            var newContenders: [String] = []
            for (index, item) in items.enumerated() {
                switch item.contender {
                case .id(let id) where !contenderIds.contains(id):
                    throw StoreError.notFound("Contender \(id) in arena \(arena)", field: "contender").atItem(index)
                case .name(let name) where contenderByName[name] == nil && !newContenders.contains(name):
                    newContenders.append(name)
                default:
                    break
                }
            }
            for chunk in newContenders.chunks(of: Self.outputChunk) {
                let rows = try await database.insert(into: "contenders")
                    .columns("arena_id", "name")
                    .rows(chunk.map { [SQLBind(arena), SQLBind($0)] as [any SQLExpression] })
                    .returning("id", "name")
                    .all()
                for row in rows {
                    contenderByName[try row.decode(column: "name", as: String.self)] =
                        try row.decode(column: "id", as: Int64.self)
                }
            }

            // Prompts: by id (must be in this arena) or by text (created when new, with the
            // category of the first item that names it).
            var promptIdsNamed = Set<Int64>()
            var hashes: [String: String] = [:]  // text → hash
            for item in items {
                switch item.prompt {
                case .id(let id): promptIdsNamed.insert(id)
                case .name(let text) where hashes[text] == nil: hashes[text] = ContentHash.sha256(text)
                default: break
                }
            }
            var knownPromptIds = Set<Int64>()
            for chunk in Array(promptIdsNamed).chunks(of: Self.outputChunk) {
                let rows = try await database.select().column("id").from("prompts")
                    .where("arena_id", .equal, arena).where("id", .in, Array(chunk)).all()
                for row in rows { knownPromptIds.insert(try row.decode(column: "id", as: Int64.self)) }
            }
            var promptByHash: [String: Int64] = [:]
            for chunk in Array(Set(hashes.values)).chunks(of: Self.outputChunk) {
                let rows = try await database.select().columns("id", "text_hash").from("prompts")
                    .where("arena_id", .equal, arena).where("text_hash", .in, Array(chunk)).all()
                for row in rows {
                    promptByHash[try row.decode(column: "text_hash", as: String.self)] =
                        try row.decode(column: "id", as: Int64.self)
                }
            }
            var newPrompts: [(text: String, hash: String, category: String?)] = []
            var pendingHashes = Set<String>()
            for (index, item) in items.enumerated() {
                switch item.prompt {
                case .id(let id) where !knownPromptIds.contains(id):
                    throw StoreError.notFound("Prompt \(id) in arena \(arena)", field: "prompt").atItem(index)
                case .name(let text):
                    let hash = hashes[text]!
                    if promptByHash[hash] == nil, pendingHashes.insert(hash).inserted {
                        newPrompts.append((text, hash, item.category))
                    }
                default:
                    break
                }
            }
            for chunk in newPrompts.chunks(of: Self.outputChunk) {
                let rows = try await database.insert(into: "prompts")
                    .columns("arena_id", "text", "text_hash", "category")
                    .rows(
                        chunk.map {
                            [SQLBind(arena), SQLBind($0.text), SQLBind($0.hash), SQLBind($0.category)] as [any SQLExpression]
                        })
                    .returning("id", "text_hash")
                    .all()
                for row in rows {
                    promptByHash[try row.decode(column: "text_hash", as: String.self)] =
                        try row.decode(column: "id", as: Int64.self)
                }
            }

            // Outputs: one per (prompt, contender), in the batch and in the database.
            var pairs: [(prompt: Int64, contender: Int64)] = []
            pairs.reserveCapacity(items.count)
            for item in items {
                let prompt: Int64 =
                    switch item.prompt {
                    case .id(let id): id
                    case .name(let text): promptByHash[hashes[text]!]!
                    }
                let contender: Int64 =
                    switch item.contender {
                    case .id(let id): id
                    case .name(let name): contenderByName[name]!
                    }
                pairs.append((prompt, contender))
            }
            // What each (prompt, contender) holds now: an identical output is
            // skipped, a different one replaced (with `.replace`) or refused.
            var current: [[Int64]: Output] = [:]
            for chunk in Array(Set(pairs.map(\.prompt))).chunks(of: Self.outputChunk) {
                let rows = try await database.select().column("*").from("outputs")
                    .where("arena_id", .equal, arena).where("prompt_id", .in, Array(chunk))
                    .where("withdrawn_at", .is, SQLLiteral.null).all()
                for row in rows {
                    let output = try StoreRecords.output(row)
                    current[[output.promptId, output.contenderId]] = output
                }
            }
            var seen = Set<[Int64]>()
            var added: [Int] = []
            var replaced: [(index: Int, old: Int64)] = []
            var skipped = 0
            for (index, pair) in pairs.enumerated() {
                let key = [pair.prompt, pair.contender]
                guard seen.insert(key).inserted else {
                    throw StoreError.duplicate(
                        "An earlier line of this import with an output of contender "
                            + "\(Self.describe(items[index].contender)) for prompt \(Self.describe(items[index].prompt))",
                        field: "contender", advice: "keep one line per prompt and contender"
                    ).atItem(index)
                }
                let item = items[index]
                guard let old = current[key] else {
                    added.append(index)
                    continue
                }
                if old.content == item.content && old.media == item.media && old.url == item.url {
                    skipped += 1
                } else if existing == .replace {
                    replaced.append((index, old.id))
                } else {
                    throw StoreError.duplicate(
                        "A different output of contender \(Self.describe(item.contender)) for prompt "
                            + "\(Self.describe(item.prompt))",
                        field: "contender", advice: "import with update (?update=true) to replace it"
                    ).atItem(index)
                }
            }
            let now = Date().timeIntervalSince1970
            for chunk in replaced.chunks(of: Self.outputChunk) {
                try await database.update("outputs").set("withdrawn_at", to: now)
                    .where("id", .in, chunk.map(\.old)).run()
            }
            var newIds: [Int64] = []
            for chunk in (added + replaced.map(\.index)).chunks(of: Self.outputChunk) {
                let rows = try await database.insert(into: "outputs")
                    .columns("arena_id", "prompt_id", "contender_id", "content", "media", "url")
                    .rows(
                        chunk.map { index in
                            let item = items[index]
                            return [
                                SQLBind(arena) as any SQLExpression, SQLBind(pairs[index].prompt), SQLBind(pairs[index].contender),
                                SQLBind(item.content), SQLBind(item.media.rawValue), SQLBind(item.url),
                            ]
                        }
                    )
                    .returning("id")
                    .all()
                for row in rows { newIds.append(try row.decode(column: "id", as: Int64.self)) }
            }
            // Each replaced output points at its successor.
            for (k, replacement) in replaced.enumerated() {
                try await database.update("outputs").set("replaced_by", to: newIds[added.count + k])
                    .where("id", .equal, replacement.old).run()
            }
            try await Self.recordChange(arena: arena, .contents, in: database)
            return ImportSummary(
                outputs: added.count, contendersCreated: newContenders.count, promptsCreated: newPrompts.count,
                replaced: replaced.count, skipped: skipped)
        }
    }

    /// A reference as a message shows it.
    private static func describe(_ reference: OutputImport.Reference) -> String {
        switch reference {
        case .id(let id): "\(id)"
        case .name(let name): "\"\(excerpt(name))\""
        }
    }
}
