import Foundation
import Hummingbird
import NIOCore
import PreferCore
import PreferStore

/// Admin endpoints (`Authorization: Bearer <admin key>`): arenas, their
/// contenders, prompts and outputs, bulk import, vote export and invites.
struct AdminController<Context: RequestContext> {
    let services: PreferServices

    func register(_ routes: RouteTable<Context>) {
        routes.on(.post, "/api/arenas", use: createArena)
        routes.on(.get, "/api/arenas", use: listArenas)
        routes.on(.get, "/api/arenas/:arena", use: getArena)
        routes.on(.post, "/api/arenas/:arena/contenders", use: createContender)
        routes.on(.get, "/api/arenas/:arena/contenders", use: listContenders)
        routes.on(.post, "/api/arenas/:arena/prompts", use: createPrompt)
        routes.on(.get, "/api/arenas/:arena/prompts", use: listPrompts)
        routes.on(.post, "/api/arenas/:arena/outputs", use: createOutput)
        routes.on(.post, "/api/arenas/:arena/import", use: importOutputs)
        routes.on(.get, "/api/arenas/:arena/votes", use: exportVotes)
        routes.on(.post, "/api/arenas/:arena/invites", use: createInvites)
    }

    var limit: Int { services.configuration.maxBodyBytes }

    // MARK: Arenas

    @Sendable func createArena(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let body = try await RequestDecoding.decode(CreateArenaRequest.self, from: request, limit: limit)
        let new = try Self.validate(body)
        let arena = try await services.store.createArena(new)
        return try JSONResponse.make(ArenaResponse(arena, contenders: 0, prompts: 0, outputs: 0, votes: 0), status: .created)
    }

    static func validate(_ body: CreateArenaRequest) throws -> NewArena {
        let name = try ArenaName.validate(body.name)
        var sampling = Sampling.uniform
        if let text = body.sampling {
            guard let s = Sampling(rawValue: text) else {
                throw APIError.invalidField("sampling", "sampling must be one of \(Sampling.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(text)\".")
            }
            sampling = s
        }
        let criteria = body.criteria ?? []
        guard criteria.count <= 20, criteria.allSatisfy({ !$0.isEmpty && $0.count <= 100 }), Set(criteria).count == criteria.count else {
            throw APIError.invalidField("criteria", "criteria must be at most 20 distinct, non-empty names of up to 100 characters.")
        }
        if let ms = body.minPlayMs, ms < 0 || ms > 3_600_000 {
            throw APIError.invalidField("min_play_ms", "min_play_ms must be between 0 and 3600000.")
        }
        let k = body.annotationsPerItem ?? 1
        guard (1...100).contains(k) else {
            throw APIError.invalidField("annotations_per_item", "annotations_per_item must be between 1 and 100.")
        }
        if let d = body.description, d.count > 10_000 {
            throw APIError.invalidField("description", "description is limited to 10,000 characters.")
        }
        return NewArena(
            name: name, description: body.description, sampling: sampling, criteria: criteria,
            minPlayMs: body.minPlayMs, annotationsPerItem: k, isPrivate: body.private ?? false
        )
    }

    @Sendable func listArenas(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        var out: [ArenaResponse] = []
        for arena in try await services.store.arenas() {
            out.append(try await summary(arena.id))
        }
        return try JSONResponse.make(["arenas": out])
    }

    @Sendable func getArena(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        return try JSONResponse.make(try await summary(arena.id))
    }

    func summary(_ id: Int64) async throws -> ArenaResponse {
        guard let index = try await services.directory.index(id: id) else { throw APIError.unknownArena(String(id)) }
        let votes = try await services.store.voteCount(arena: id)
        return ArenaResponse(index.arena, contenders: index.contenders.count, prompts: index.prompts.count, outputs: index.outputs.count, votes: votes)
    }

    // MARK: Contents

    @Sendable func createContender(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        let body = try await RequestDecoding.decode(CreateContenderRequest.self, from: request, limit: limit)
        guard !body.name.isEmpty, body.name.count <= 200 else {
            throw APIError.invalidField("name", "name must be 1 to 200 characters.")
        }
        let weight = body.weight ?? 1
        guard weight > 0, weight.isFinite else { throw APIError.invalidField("weight", "weight must be a positive number.") }
        let contender = try await services.store.createContender(arena: arena.id, name: body.name, weight: weight)
        try await services.directory.reload(arena.id)
        return try JSONResponse.make(ContenderResponse(contender), status: .created)
    }

    @Sendable func listContenders(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let index = try await services.directory.index(context.parameters.require("arena"))
        let contenders = index.contenders.values.sorted { $0.id < $1.id }.map { ContenderResponse($0) }
        return try JSONResponse.make(["contenders": contenders])
    }

    @Sendable func createPrompt(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        let body = try await RequestDecoding.decode(CreatePromptRequest.self, from: request, limit: limit)
        guard !body.text.isEmpty, body.text.count <= 100_000 else {
            throw APIError.invalidField("text", "text must be 1 to 100,000 characters.")
        }
        if let c = body.category, c.isEmpty || c.count > 100 {
            throw APIError.invalidField("category", "category must be 1 to 100 characters.")
        }
        let prompt = try await services.store.createPrompt(arena: arena.id, text: body.text, category: body.category)
        try await services.directory.reload(arena.id)
        return try JSONResponse.make(PromptResponse(prompt), status: .created)
    }

    @Sendable func listPrompts(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let index = try await services.directory.index(context.parameters.require("arena"))
        let prompts = index.prompts.values.sorted { $0.id < $1.id }.map(PromptResponse.init)
        return try JSONResponse.make(["prompts": prompts])
    }

    /// Checks an output's fields; `line` numbers import errors.
    static func validateOutput(_ body: CreateOutputRequest, field prefix: String = "") throws -> (Media, String, String?) {
        var media = Media.text
        if let text = body.media {
            guard let m = Media(rawValue: text) else {
                throw APIError.invalidField(prefix + "media", "media must be one of \(Media.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(text)\".")
            }
            media = m
        }
        if let url = body.url {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                throw APIError.invalidField(prefix + "url", "url must be an absolute http(s) URL; got \"\(url.prefix(100))\".")
            }
        }
        let content = body.content ?? ""
        if media == .text && content.isEmpty {
            throw APIError.invalidField(prefix + "content", "A text output needs non-empty content.")
        }
        if media != .text && body.url == nil {
            throw APIError.invalidField(prefix + "url", "A \(media.rawValue) output needs a url.")
        }
        guard content.utf8.count <= 1_000_000 else {
            throw APIError.invalidField(prefix + "content", "content is limited to 1 MB per output.")
        }
        return (media, content, body.url)
    }

    @Sendable func createOutput(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let index = try await services.directory.index(context.parameters.require("arena"))
        let body = try await RequestDecoding.decode(CreateOutputRequest.self, from: request, limit: limit)
        let (media, content, url) = try Self.validateOutput(body)
        guard let prompt = index.prompt(body.prompt) else { throw APIError.unknownPrompt(body.prompt.description) }
        guard let contender = index.contender(body.contender) else { throw APIError.unknownContender(body.contender.description) }
        let output = try await services.store.createOutput(NewOutput(promptId: prompt.id, contenderId: contender.id, content: content, media: media, url: url))
        try await services.directory.reload(index.arena.id)
        return try JSONResponse.make(OutputResponse(output), status: .created)
    }

    /// `POST /api/arenas/{arena}/import`: JSON Lines of outputs; contenders and
    /// prompts are created on the fly; all or nothing.
    @Sendable func importOutputs(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let index = try await services.directory.index(context.parameters.require("arena"))
        let buffer = try await request.body.collect(upTo: limit)
        let text = String(decoding: Data(buffer: buffer), as: UTF8.self)
        var items: [OutputImport] = []
        var lines: [Int] = []
        var problems: [APIError.Detail] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            do {
                let body = try RequestDecoding.decode(CreateOutputRequest.self, from: Data(trimmed.utf8))
                let (media, content, url) = try Self.validateOutput(body)
                if case .name(let t) = body.prompt, t.isEmpty { throw APIError.invalidField("prompt", "prompt text must not be empty.") }
                if case .name(let n) = body.contender, n.isEmpty || n.count > 200 { throw APIError.invalidField("contender", "contender names are 1 to 200 characters.") }
                if case .id(let id) = body.prompt, index.prompts[id] == nil { throw APIError.unknownPrompt(String(id)) }
                if case .id(let id) = body.contender, index.contenders[id] == nil { throw APIError.unknownContender(String(id)) }
                items.append(OutputImport(
                    prompt: Self.reference(body.prompt), category: body.category,
                    contender: Self.reference(body.contender), content: content, media: media, url: url
                ))
                lines.append(offset + 1)
            } catch let error as APIError {
                problems.append(.init(line: offset + 1, field: error.field, message: error.message))
                if problems.count >= 100 { break }
            }
        }
        if !problems.isEmpty {
            throw APIError(.badRequest, code: "invalid_import", "\(problems.count) line\(problems.count == 1 ? "" : "s") of the import are invalid; nothing was imported. Fix them and send the file again.", details: problems)
        }
        guard !items.isEmpty else { throw APIError.badRequest("The import is empty: send one JSON object per line.") }
        let summary: ImportSummary
        do {
            summary = try await services.store.importOutputs(arena: index.arena.id, items)
        } catch let error as StoreError {
            let line = error.item.flatMap { lines.indices.contains($0) ? lines[$0] : nil }
            throw APIError(
                error.kind == .duplicate ? .conflict : .badRequest, code: "invalid_import",
                "Nothing was imported: \(line.map { "line \($0): " } ?? "")\(error.message)", field: error.field,
                details: [.init(line: line, field: error.field, message: error.message)]
            )
        }
        try await services.directory.reload(index.arena.id)
        return try JSONResponse.make(ImportResponse(outputs: summary.outputs, contendersCreated: summary.contendersCreated, promptsCreated: summary.promptsCreated), status: .created)
    }

    static func reference(_ r: Reference) -> OutputImport.Reference {
        switch r {
        case .id(let id): .id(id)
        case .name(let name): .name(name)
        }
    }

    // MARK: Votes and invites

    /// `GET /api/arenas/{arena}/votes?format=jsonl|csv`, streamed page by page.
    @Sendable func exportVotes(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let index = try await services.directory.index(context.parameters.require("arena"))
        let formatText = request.uri.queryParameters["format"].map(String.init) ?? "jsonl"
        guard let format = VoteExport.Format(rawValue: formatText) else {
            throw APIError.invalidField("format", "format must be jsonl or csv; got \"\(formatText)\".")
        }
        let store = services.store
        let arenaId = index.arena.id
        let directory = services.directory
        let body = ResponseBody { writer in
            var index = index
            if format == .csv { try await writer.write(ByteBuffer(string: VoteExport.csvHeader)) }
            var after: Int64? = nil
            while true {
                let page = try await store.votes(arena: arenaId, after: after, limit: 5000)
                if page.isEmpty { break }
                if page.contains(where: { index.contenders[$0.leftContenderId] == nil || index.contenders[$0.rightContenderId] == nil }) {
                    index = try await directory.reload(arenaId) ?? index
                }
                var chunk = ""
                for vote in page {
                    chunk += format == .csv ? VoteExport.csvLine(vote, index: index) : VoteExport.jsonLine(vote, index: index)
                }
                try await writer.write(ByteBuffer(string: chunk))
                after = page.last?.id
                if page.count < 5000 { break }
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(index.arena.name)-votes.\(format.rawValue)\""
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `POST /api/arenas/{arena}/invites` → one token per named annotator.
    @Sendable func createInvites(_ request: Request, context: Context) async throws -> Response {
        try services.requireAdmin(request)
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        let body = try await RequestDecoding.decode(CreateInvitesRequest.self, from: request, limit: limit)
        guard !body.names.isEmpty, body.names.count <= 1000 else {
            throw APIError.invalidField("names", "names must list 1 to 1000 annotators.")
        }
        for name in body.names where name.isEmpty || name.count > 100 {
            throw APIError.invalidField("names", "each name must be 1 to 100 characters; got \"\(name.prefix(100))\".")
        }
        guard Set(body.names).count == body.names.count else {
            throw APIError.invalidField("names", "names must be distinct.")
        }
        var out: [InviteResponse] = []
        for name in body.names {
            let token = ServerSecrets.randomToken(prefix: "prefer_invite_")
            let invite = try await services.store.createInvite(arena: arena.id, name: name, tokenHash: ServerSecrets.sha256(token))
            out.append(InviteResponse(name: invite.name, token: token, url: "\(services.configuration.baseURL)/arenas/\(arena.name)/vote?invite=\(token)"))
        }
        return try JSONResponse.make(["invites": out], status: .created)
    }
}
