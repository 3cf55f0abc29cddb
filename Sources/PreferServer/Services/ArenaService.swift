import Foundation
import PreferCore
import PreferStore

/// What admins do with arenas — create them, fill them with contenders,
/// prompts and outputs, invite annotators — for the API, the pages and the
/// command-line tool alike. Every input is checked against `ArenaRules`;
/// every change refreshes the server's view of the arena (`ArenaDirectory`).
public struct ArenaService: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory

    init(store: any PreferStore, directory: ArenaDirectory) {
        self.store = store
        self.directory = directory
    }

    /// The service over `store` alone, for the command-line tool.
    public init(store: any PreferStore) {
        self.init(store: store, directory: ArenaDirectory(store: store))
    }

    /// An arena with how much it holds.
    public struct Summary: Sendable {
        public var arena: Arena
        public var contenders: Int
        public var prompts: Int
        public var outputs: Int
        public var votes: Int
        /// A battle can be drawn: some prompt has outputs of two (K) current contenders.
        public var openForVoting = false
        /// How many outputs a battle shows (2: pairwise).
        public var k = 2
    }

    /// An output as given: the prompt and contender by id or by text/name.
    public struct OutputDraft: Sendable {
        public var prompt: OutputImport.Reference
        public var contender: OutputImport.Reference
        public var content: String?
        public var media: Media
        public var url: String?
        /// The category of a prompt an import creates.
        public var category: String?

        public init(prompt: OutputImport.Reference, contender: OutputImport.Reference, content: String?, media: Media = .text, url: String? = nil, category: String? = nil) {
            self.prompt = prompt
            self.contender = contender
            self.content = content
            self.media = media
            self.url = url
            self.category = category
        }
    }

    // MARK: Arenas

    public func create(_ new: NewArena, k: Int = 2) async throws -> Summary {
        let k = try ArenaRules.k(k)
        if k > 2 {
            if new.annotationsPerItem > 1 {
                throw PreferError.invalidField("annotations_per_item", "annotations_per_item applies to pairwise arenas (items are a prompt and a pair); leave it out for a \(k)-way arena.")
            }
        }
        var checked = new
        checked.name = try ArenaRules.arenaName(new.name)
        checked.description = try ArenaRules.description(new.description)
        checked.criteria = try ArenaRules.criteria(new.criteria)
        checked.minPlayMs = try ArenaRules.minPlayMs(new.minPlayMs)
        checked.annotationsPerItem = try ArenaRules.annotationsPerItem(new.annotationsPerItem)
        checked.license = try ArenaRules.license(new.license)
        let arena = try await store.createArena(checked)
        if k > 2 {
            do {
                try await kwayStore().setArenaK(arena.id, k: k)
            } catch {
                try? await store.deleteArena(id: arena.id)
                throw error
            }
            await directory.forget(arena.id)
        }
        var summary = Summary(arena: arena, contenders: 0, prompts: 0, outputs: 0, votes: 0)
        summary.k = k
        return summary
    }

    /// Changes an arena's K (2…8), only while it has no votes.
    public func setK(_ reference: String, k: Int) async throws {
        let index = try await directory.index(reference)
        let k = try ArenaRules.k(k)
        guard k != index.k else { return }
        try await kwayStore().setArenaK(index.arena.id, k: k)
        try await directory.reload(index.arena.id)
    }

    /// The store's K-way side (every SQL store has one).
    func kwayStore() throws -> any KWayStore {
        guard let kway = store as? any KWayStore else {
            throw PreferError.badRequest("This store keeps no K-way arenas.")
        }
        return kway
    }

    /// The arena named `name`, created (with `description`) when missing.
    public func arena(named name: String, creatingWith description: String?) async throws -> (Arena, created: Bool) {
        if let existing = try await store.arena(named: name) { return (existing, false) }
        return (try await create(NewArena(name: name, description: description)).arena, true)
    }

    /// Changes an arena's settings (checked as at creation).
    public func update(_ reference: String, _ changes: ArenaChanges) async throws -> Summary {
        let arena = try await directory.arena(reference)
        var checked = changes
        checked.description = try ArenaRules.description(changes.description)
        if let criteria = changes.criteria { checked.criteria = try ArenaRules.criteria(criteria) }
        checked.minPlayMs = try ArenaRules.minPlayMs(changes.minPlayMs)
        if let k = changes.annotationsPerItem { checked.annotationsPerItem = try ArenaRules.annotationsPerItem(k) }
        checked.license = try ArenaRules.license(changes.license, clearing: true)
        _ = try await store.updateArena(id: arena.id, checked)
        try await directory.reload(arena.id)
        return try await summary(id: arena.id)
    }

    /// Deletes an arena with everything in it. `confirm` must repeat its
    /// name. With `exportingTo`, its votes are first written to a new JSON
    /// Lines file in that directory (every vote, as `GET …/votes` exports
    /// them); nothing is deleted unless that file is complete.
    public func delete(
        _ reference: String, confirm: String, exportingTo exports: String?
    ) async throws -> (id: Int64, name: String, votes: Int, export: String?) {
        let arena = try await directory.arena(reference)
        guard confirm == arena.name else {
            throw PreferError.invalidField("confirm", "To delete arena \"\(arena.name)\" and all its votes, repeat its name in confirm (its votes are exported first unless export=false).")
        }
        var export: String?
        if let exports, let index = try await directory.index(id: arena.id) {
            export = try await Self.export(index, to: exports, store: store, directory: directory)
        }
        var votes = try await store.voteCount(arena: arena.id)
        if let kway = store as? any KWayStore { votes += try await kway.kwayVoteCount(arena: arena.id) }
        try await store.deleteArena(id: arena.id)
        await directory.forget(arena.id)
        return (arena.id, arena.name, votes, export)
    }

    /// Writes `index`'s votes to `directory/NAME-TIME.jsonl` (written under a
    /// temporary name, then renamed, so a file there is complete); its path.
    static func export(_ index: ArenaIndex, to folder: String, store: any PreferStore, directory: ArenaDirectory) async throws -> String {
        let safe = String(index.arena.name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }.prefix(100))
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withYear, .withMonth, .withDay, .withTime, .withTimeZone])
        let base = URL(fileURLWithPath: folder, isDirectory: true)
        let target = base.appendingPathComponent("\(safe)-\(stamp).jsonl")
        let partial = base.appendingPathComponent(".\(safe)-\(stamp).jsonl.partial")
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            let handle = try FileHandle(forWritingTo: partial)
            do {
                for try await chunk in VoteExport.stream(arena: index, format: .jsonl, store: store, directory: directory) {
                    try handle.write(contentsOf: chunk)
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            try FileManager.default.moveItem(at: partial, to: target)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw PreferError(
                .conflict, code: "export_failed",
                "Arena \"\(index.arena.name)\" was not deleted: its votes could not be written to \(base.path) first (\(error.localizedDescription)). Free that folder (prefer serve puts it beside the database), or delete with export=false after exporting them yourself (GET /api/arenas/\(index.arena.name)/votes).")
        }
        return target.path
    }

    public func summaries() async throws -> [Summary] {
        var out: [Summary] = []
        for arena in try await store.arenas() {
            out.append(try await summary(id: arena.id))
        }
        return out
    }

    public func summary(_ reference: String) async throws -> Summary {
        try await summary(id: try await directory.arena(reference).id)
    }

    func summary(id: Int64) async throws -> Summary {
        guard let index = try await directory.index(id: id) else { throw PreferError.unknownArena(String(id)) }
        var votes = try await store.voteCount(arena: id)
        if index.isKWay, let kway = store as? any KWayStore { votes += try await kway.kwayVoteCount(arena: id) }
        var summary = Summary(arena: index.arena, contenders: index.contenders.count, prompts: index.prompts.count, outputs: index.outputs.count, votes: votes)
        summary.openForVoting = index.openForVoting
        summary.k = index.k
        return summary
    }

    // MARK: Contents

    public func createContender(arena reference: String, name: String, weight: Double?) async throws -> Contender {
        let arena = try await directory.arena(reference)
        let contender = try await store.createContender(
            arena: arena.id, name: try ArenaRules.contenderName(name), weight: weight ?? 1)
        try await directory.reload(arena.id)
        return contender
    }

    /// Renames, reweights, retires or hides the contender named or numbered `contender`.
    public func updateContender(arena reference: String, contender: String, _ changes: ContenderChanges) async throws -> Contender {
        let index = try await directory.index(reference)
        let id = Int64(contender).flatMap { index.contenders[$0] != nil ? $0 : nil } ?? index.contenderByName[contender]
        guard let id else { throw PreferError.unknownContender(contender) }
        var checked = changes
        if let name = changes.name { checked.name = try ArenaRules.contenderName(name) }
        do {
            let updated = try await store.updateContender(arena: index.arena.id, id: id, checked)
            try await directory.reload(index.arena.id)
            return updated
        } catch let error as StoreError where error.kind == .duplicate {
            throw PreferError(.conflict, code: "duplicate", "This arena already has a contender named \"\(changes.name ?? "")\"; choose another name.", field: "name")
        }
    }

    public func contenders(arena reference: String) async throws -> [Contender] {
        try await directory.index(reference).contenders.values.sorted { $0.id < $1.id }
    }

    public func createPrompt(arena reference: String, text: String, category: String?) async throws -> Prompt {
        let arena = try await directory.arena(reference)
        let prompt = try await store.createPrompt(
            arena: arena.id, text: try ArenaRules.promptText(text), category: try ArenaRules.category(category))
        try await directory.reload(arena.id)
        return prompt
    }

    public func prompts(arena reference: String) async throws -> [Prompt] {
        try await directory.index(reference).prompts.values.sorted { $0.id < $1.id }
    }

    public func createOutput(arena reference: String, _ draft: OutputDraft) async throws -> Output {
        let index = try await directory.index(reference)
        let (content, url) = try ArenaRules.output(content: draft.content, media: draft.media, url: draft.url)
        guard let prompt = index.prompt(draft.prompt) else { throw PreferError.unknownPrompt(draft.prompt.description) }
        guard let contender = index.contender(draft.contender) else { throw PreferError.unknownContender(draft.contender.description) }
        let output = try await store.createOutput(NewOutput(promptId: prompt.id, contenderId: contender.id, content: content, media: draft.media, url: url))
        try await directory.reload(index.arena.id)
        return output
    }

    /// The arena's outputs, withdrawn ones too when asked.
    public func outputs(arena reference: String, withdrawn: Bool) async throws -> [Output] {
        let index = try await directory.index(reference)
        return index.outputs.values.filter { withdrawn || $0.isCurrent }.sorted { $0.id < $1.id }
    }

    /// Replaces output `id` with a new one of the same prompt and contender.
    public func replaceOutput(arena reference: String, id: Int64, content: String?, media: Media, url: String?) async throws -> Output {
        let index = try await directory.index(reference)
        let (content, url) = try ArenaRules.output(content: content, media: media, url: url)
        let output = try await store.replaceOutput(arena: index.arena.id, id: id, content: content, media: media, url: url)
        try await directory.reload(index.arena.id)
        return output
    }

    /// Withdraws output `id`: no new battle shows it.
    public func withdrawOutput(arena reference: String, id: Int64) async throws -> Output {
        let index = try await directory.index(reference)
        let output = try await store.withdrawOutput(arena: index.arena.id, id: id)
        try await directory.reload(index.arena.id)
        return output
    }

    /// Imports outputs, creating contenders and prompts named by text on the
    /// fly; all or nothing. `lines` are the outputs as read, numbered from 1,
    /// or why a line could not be read; every bad line (up to 100) is named.
    /// A line identical to the output already there is skipped; a different
    /// one replaces it with `update`, else it is left out and its line
    /// returned in `differing` (a re-import adds what is new instead of
    /// failing on what changed).
    public func importOutputs(
        arena reference: String, lines: [(line: Int, draft: Result<OutputDraft, PreferError>)], update: Bool = false
    ) async throws -> (summary: ImportSummary, differing: [Int]) {
        let index = try await directory.index(reference)
        var items: [OutputImport] = []
        var numbers: [Int] = []
        var problems: [PreferError.Detail] = []
        for (line, read) in lines {
            do {
                let draft = try read.get()
                let (content, url) = try ArenaRules.output(content: draft.content, media: draft.media, url: draft.url)
                switch draft.prompt {
                case .name(let text): _ = try ArenaRules.promptText(text, field: "prompt")
                case .id(let id): if index.prompts[id] == nil { throw PreferError.unknownPrompt(String(id)) }
                }
                switch draft.contender {
                case .name(let name): _ = try ArenaRules.contenderName(name, field: "contender")
                case .id(let id): if index.contenders[id] == nil { throw PreferError.unknownContender(String(id)) }
                }
                items.append(OutputImport(
                    prompt: draft.prompt, category: try ArenaRules.category(draft.category),
                    contender: draft.contender, content: content, media: draft.media, url: url))
                numbers.append(line)
            } catch let error as PreferError {
                problems.append(.init(line: line, field: error.field, message: error.message))
                if problems.count >= 100 { break }
            }
        }
        if !problems.isEmpty {
            throw PreferError(.invalid, code: "invalid_import", "\(problems.count) line\(problems.count == 1 ? " of the import is" : "s of the import are") invalid; nothing was imported. Fix them and send the file again.", details: problems)
        }
        guard !items.isEmpty else { throw PreferError.badRequest("The import is empty: send one JSON object per line.") }
        var differing: [Int] = []
        if !update {
            // Lines whose (prompt, contender) already has a different current
            // output stay out. (An index older than the database, as on a
            // replica that has not caught up, leaves that to the store, which
            // refuses the import naming the line.)
            var current: [[Int64]: Output] = [:]
            for output in index.outputs.values where output.isCurrent { current[[output.promptId, output.contenderId]] = output }
            var kept: [Int] = []
            for (k, item) in items.enumerated() {
                let prompt: Int64? = switch item.prompt {
                case .id(let id): id
                case .name(let text): index.promptByText[text]
                }
                if let prompt, let contender = index.contender(item.contender)?.id, let old = current[[prompt, contender]],
                   old.content != item.content || old.media != item.media || old.url != item.url {
                    differing.append(numbers[k])
                } else {
                    kept.append(k)
                }
            }
            items = kept.map { items[$0] }
            numbers = kept.map { numbers[$0] }
            if items.isEmpty {
                return (ImportSummary(outputs: 0, contendersCreated: 0, promptsCreated: 0), differing)
            }
        }
        let summary: ImportSummary
        do {
            summary = try await store.importOutputs(arena: index.arena.id, items, existing: update ? .replace : .refuse)
        } catch let error as StoreError {
            let line = error.item.flatMap { numbers.indices.contains($0) ? numbers[$0] : nil }
            throw PreferError(
                error.kind == .duplicate ? .conflict : .invalid, code: "invalid_import",
                "Nothing was imported: \(line.map { "line \($0): " } ?? "")\(error.message).", field: error.field,
                details: [.init(line: line, field: error.field, message: error.message)]
            )
        }
        try await directory.reload(index.arena.id)
        return (summary, differing)
    }

    // MARK: Invites

    /// The arena's invites (never their tokens: only hashes are kept).
    public func invites(arena reference: String) async throws -> [Invite] {
        try await store.invites(arena: try await directory.arena(reference).id)
    }

    /// Revokes the invite named `name`.
    public func revokeInvite(arena reference: String, name: String) async throws -> Invite {
        try await store.revokeInvite(arena: try await directory.arena(reference).id, name: name)
    }

    /// A new invite per name: its token (shown once; only its hash is kept)
    /// and the voting link that carries it.
    public func createInvites(arena reference: String, names: [String], baseURL: String) async throws -> [(name: String, token: String, url: String)] {
        let arena = try await directory.arena(reference)
        let tokens = try ArenaRules.inviteNames(names).map { ($0, ServerSecrets.randomToken(prefix: "prefer_invite_")) }
        let invites = try await store.createInvites(arena: arena.id, tokens.map { ($0.0, ServerSecrets.sha256($0.1)) })
        return zip(invites, tokens).map { invite, made in
            (invite.name, made.1, "\(baseURL)/arenas/\(arena.name)/vote?invite=\(made.1)")
        }
    }
}

extension OutputImport.Reference: CustomStringConvertible {
    public var description: String {
        switch self {
        case .id(let id): String(id)
        case .name(let name): name
        }
    }
}
