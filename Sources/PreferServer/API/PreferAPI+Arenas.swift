import Foundation
import NIOCore
import OpenAPIRuntime
import PreferCore
import PreferStore

// Admin operations on arenas and their contents (an API key with the admin role).

extension PreferAPI {
    func createArena(_ input: Operations.CreateArena.Input) async throws -> Operations.CreateArena.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let name = try Self.samplingName(body.sampling) ?? Sampling.uniform.rawValue
        var active: ActiveSampling?
        if name == "active" {
            active = try Self.activeSampling(body.activeSampling, base: ActiveSampling())
        } else if body.activeSampling != nil {
            throw Self.activeWithoutActive(name)
        }
        let new = NewArena(
            name: body.name, description: body.description, sampling: Sampling(rawValue: name) ?? .uniform,
            criteria: body.criteria ?? [], minPlayMs: body.minPlayMs,
            annotationsPerItem: body.annotationsPerItem ?? 1, isPrivate: body._private ?? false,
            activeSampling: active, license: body.license
        )
        // Checked before the arena exists, so a wrong routing setting or a refused
        // declaration creates nothing.
        let routing = try await Self.routingChange(body.routing).asyncMap { try await services.routing.resolve($0, arenaId: nil) }
        let declarations = try body.annotatorAttributes.map { try AnnotatorAttributeService.checked($0.map(AttributeDeclaration.init)) }
        let minimum = try body.minGroupSize.map(AnnotatorAttributeService.checkedMinimum)
        let summary = try await services.arenas.create(new, k: body.k ?? 2)
        if declarations != nil || minimum != nil {
            do {
                try await services.attributes.configure(arena: summary.arena.id, declarations: declarations, minimumGroupSize: minimum)
            } catch {
                try? await services.store.deleteArena(id: summary.arena.id)
                throw error
            }
        }
        var created = try await withAttributes(.init(summary))
        if let routing {
            try await services.routing.apply(arenaId: created.id, routing)
            created.routing = try await Self.routingDocument(services, arenaId: created.id)
        }
        return .created(.init(body: .json(created)))
    }

    /// The arena as served, with what it asks its annotators and its minimum group size.
    func withAttributes(_ arena: Components.Schemas.Arena) async throws -> Components.Schemas.Arena {
        var arena = arena
        let asked = try await services.attributes.declarations(arena: arena.id)
        if !asked.isEmpty { arena.annotatorAttributes = asked.map(Components.Schemas.AnnotatorAttribute.init) }
        arena.minGroupSize = try await services.attributes.minimumGroupSize(arena: arena.id)
        return arena
    }

    /// The sampling named in a body (nil when left out); the generated enum's
    /// `_empty_` (how the generator spells the `null` its schema allows) is
    /// no sampling at all.
    static func samplingName<Value: RawRepresentable>(_ value: Value?) throws -> String? where Value.RawValue == String {
        guard let value else { return nil }
        guard !value.rawValue.isEmpty else {
            throw PreferError.invalidField("sampling", "sampling must be one of uniform, weighted, active; got \"\".")
        }
        return value.rawValue
    }

    /// `base` with the settings the body gives, checked.
    static func activeSampling(_ body: Components.Schemas.ActiveSamplingSettings?, base: ActiveSampling) throws -> ActiveSampling {
        var settings = base
        if let rule = body?.rule { settings.rule = try ArenaRules.activeRule(rule.rawValue) }
        if let k = body?.topK { settings.topK = k }
        if let floor = body?.floorShare { settings.floorShare = floor }
        if let votes = body?.burstVotes { settings.burstVotes = votes }
        if let multiple = body?.burstMultiple { settings.burstMultiple = multiple }
        if let explore = body?.explore { settings.explore = explore }
        // 0 asks for the automatic cap (scaled with the number of pairs).
        if let cap = body?.maxPairShare { settings.maxPairShare = cap == 0 ? nil : cap }
        if let sharpness = body?.sharpness { settings.sharpness = sharpness }
        if let iterations = body?.designIterations { settings.designIterations = iterations }
        return try ArenaRules.activeSampling(settings)
    }

    static func activeWithoutActive(_ sampling: String) -> PreferError {
        PreferError.invalidField(
            "active_sampling",
            "active_sampling applies to \"sampling\": \"active\" only (this asks for \(sampling)); set sampling to active, or leave active_sampling out.")
    }

    func listArenas(_ input: Operations.ListArenas.Input) async throws -> Operations.ListArenas.Output {
        let declarations = try await services.attributes.allDeclarations()
        let arenas = try await services.arenas.summaries().map { summary in
            var arena = Components.Schemas.Arena(summary)
            if let asked = declarations[summary.arena.id] { arena.annotatorAttributes = asked.map(Components.Schemas.AnnotatorAttribute.init) }
            return arena
        }
        return .ok(.init(body: .json(.init(arenas: arenas))))
    }

    func updateArena(_ input: Operations.UpdateArena.Input) async throws -> Operations.UpdateArena.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let name = try Self.samplingName(body.sampling)
        var sampling: Sampling?
        var active: ActiveSampling?
        if name == "active" || (name == nil && body.activeSampling != nil) {
            let current = try await services.directory.arena(input.path.arena)
            if name == nil && current.activeSampling == nil { throw Self.activeWithoutActive(current.sampling.rawValue) }
            active = try Self.activeSampling(body.activeSampling, base: current.activeSampling ?? ActiveSampling())
        } else if let name {
            if body.activeSampling != nil { throw Self.activeWithoutActive(name) }
            sampling = Sampling(rawValue: name)
        }
        let changes = ArenaChanges(
            description: body.description, sampling: sampling, criteria: body.criteria, minPlayMs: body.minPlayMs,
            annotationsPerItem: body.annotationsPerItem, isPrivate: body._private, leaderboardPublic: body.leaderboardPublic,
            archived: body.archived, activeSampling: active, license: body.license)
        var routing: (settings: HybridRouting, judgeId: Int64)?
        if let change = Self.routingChange(body.routing) {
            let current = try await services.directory.arena(input.path.arena)
            routing = try await services.routing.resolve(change, arenaId: current.id)
        }
        if let k = body.k { try await services.arenas.setK(input.path.arena, k: k) }
        let declarations = try body.annotatorAttributes.map { try AnnotatorAttributeService.checked($0.map(AttributeDeclaration.init)) }
        let minimum = try body.minGroupSize.map(AnnotatorAttributeService.checkedMinimum)
        let summary = try await services.arenas.update(input.path.arena, changes)
        if let routing { try await services.routing.apply(arenaId: summary.arena.id, routing) }
        if declarations != nil || minimum != nil {
            try await services.attributes.configure(arena: summary.arena.id, declarations: declarations, minimumGroupSize: minimum)
            await services.leaderboards.attributesChanged(arena: summary.arena.id)
        }
        var updated = try await withAttributes(.init(summary))
        updated.routing = try await Self.routingDocument(services, arenaId: updated.id)
        return .ok(.init(body: .json(updated)))
    }

    func deleteArena(_ input: Operations.DeleteArena.Input) async throws -> Operations.DeleteArena.Output {
        let deleted = try await services.arenas.delete(
            input.path.arena, confirm: input.query.confirm,
            exportingTo: input.query.export ?? true ? services.configuration.deletedArenaExports : nil)
        await services.leaderboards.forget(arena: deleted.id)
        return .ok(.init(body: .json(.init(deleted: deleted.name, votes: deleted.votes, export: deleted.export))))
    }

    func getArena(_ input: Operations.GetArena.Input) async throws -> Operations.GetArena.Output {
        var arena = try await withAttributes(.init(try await services.arenas.summary(input.path.arena)))
        arena.routing = try await Self.routingDocument(services, arenaId: arena.id)
        return .ok(.init(body: .json(arena)))
    }

    func createContender(_ input: Operations.CreateContender.Input) async throws -> Operations.CreateContender.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let contender = try await services.arenas.createContender(arena: input.path.arena, name: body.name, weight: body.weight)
        return .created(.init(body: .json(.init(contender))))
    }

    func updateContender(_ input: Operations.UpdateContender.Input) async throws -> Operations.UpdateContender.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let contender = try await services.arenas.updateContender(
            arena: input.path.arena, contender: input.path.contender,
            ContenderChanges(name: body.name, weight: body.weight, retired: body.retired, hidden: body.hidden))
        return .ok(.init(body: .json(.init(contender))))
    }

    func listContenders(_ input: Operations.ListContenders.Input) async throws -> Operations.ListContenders.Output {
        let contenders = try await services.arenas.contenders(arena: input.path.arena).map { Components.Schemas.Contender($0) }
        return .ok(.init(body: .json(.init(contenders: contenders))))
    }

    func createPrompt(_ input: Operations.CreatePrompt.Input) async throws -> Operations.CreatePrompt.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let prompt = try await services.arenas.createPrompt(arena: input.path.arena, text: body.text, category: body.category)
        return .created(.init(body: .json(.init(prompt))))
    }

    func listPrompts(_ input: Operations.ListPrompts.Input) async throws -> Operations.ListPrompts.Output {
        let prompts = try await services.arenas.prompts(arena: input.path.arena).map(Components.Schemas.Prompt.init)
        return .ok(.init(body: .json(.init(prompts: prompts))))
    }

    func createOutput(_ input: Operations.CreateOutput.Input) async throws -> Operations.CreateOutput.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let output = try await services.arenas.createOutput(arena: input.path.arena, try Self.draft(body))
        return .created(.init(body: .json(.init(output))))
    }

    func listOutputs(_ input: Operations.ListOutputs.Input) async throws -> Operations.ListOutputs.Output {
        let outputs = try await services.arenas.outputs(arena: input.path.arena, withdrawn: input.query.withdrawn ?? false)
        return .ok(.init(body: .json(.init(outputs: outputs.map(Components.Schemas.Output.init)))))
    }

    func replaceOutput(_ input: Operations.ReplaceOutput.Input) async throws -> Operations.ReplaceOutput.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let media: Media
        switch body.media {
        case nil: media = .text
        case ._empty_: throw PreferError.invalidField("media", "media must be one of \(Media.allCases.map(\.rawValue).joined(separator: ", ")); got \"\".")
        case let value?: media = Media(rawValue: value.rawValue) ?? .text
        }
        let output = try await services.arenas.replaceOutput(arena: input.path.arena, id: input.path.output, content: body.content, media: media, url: body.url)
        return .ok(.init(body: .json(.init(output))))
    }

    func withdrawOutput(_ input: Operations.WithdrawOutput.Input) async throws -> Operations.WithdrawOutput.Output {
        .ok(.init(body: .json(.init(try await services.arenas.withdrawOutput(arena: input.path.arena, id: input.path.output)))))
    }

    /// An output as the API's `OutputCreate` gives it.
    static func draft(_ body: Components.Schemas.OutputCreate) throws -> ArenaService.OutputDraft {
        let media: Media
        switch body.media {
        case nil: media = .text
        case ._empty_: throw PreferError.invalidField("media", "media must be one of \(Media.allCases.map(\.rawValue).joined(separator: ", ")); got \"\".")
        case let value?: media = Media(rawValue: value.rawValue) ?? .text
        }
        return ArenaService.OutputDraft(
            prompt: .init(body.prompt), contender: .init(body.contender), content: body.content, media: media,
            url: body.url, category: body.category)
    }

    /// `POST /api/arenas/{arena}/import`: JSON Lines of `OutputCreate`, read
    /// line by line (LF or CRLF), each decoded as the document's type.
    func importOutputs(_ input: Operations.ImportOutputs.Input) async throws -> Operations.ImportOutputs.Output {
        guard case .applicationXNdjson(let body) = input.body else { throw PreferError.badRequest("Send the outputs as JSON Lines (Content-Type: application/x-ndjson).") }
        let bytes = try await [UInt8](collecting: body, upTo: services.configuration.maxBodyBytes)
        let decoder = JSONDecoder()
        var lines: [(line: Int, draft: Result<ArenaService.OutputDraft, PreferError>)] = []
        for line in JSONLines(bytes) {
            do {
                let item = try decoder.decode(Components.Schemas.OutputCreate.self, from: Data(line.bytes))
                lines.append((line.number, .success(try Self.draft(item))))
            } catch let error as PreferError {
                lines.append((line.number, .failure(error)))
            } catch let error as DecodingError {
                var problem = DecodingFailure.translate(error, allowed: Self.outputFields)
                if problem.code == "malformed_json", case .dataCorrupted(let context) = error {
                    problem = .malformedLine(context.underlyingError.map { "\($0)" } ?? context.debugDescription)
                }
                lines.append((line.number, .failure(problem)))
            }
        }
        let (summary, differing) = try await services.arenas.importOutputs(arena: input.path.arena, lines: lines, update: input.query.update ?? false)
        return .created(.init(body: .json(.init(
            outputs: summary.outputs, contendersCreated: summary.contendersCreated, promptsCreated: summary.promptsCreated,
            replaced: summary.replaced, skipped: summary.skipped, differing: differing.count,
            differingLines: differing.isEmpty ? nil : Array(differing.prefix(100))))))
    }

    static let outputFields = APIDocument.shared.operation(id: "createOutput")?.bodyFields ?? []

    func createInvites(_ input: Operations.CreateInvites.Input) async throws -> Operations.CreateInvites.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let values = body.attributes?.additionalProperties ?? [:]
        if !values.isEmpty {
            try await services.attributes.checkInviteValues(arena: try await services.directory.arena(input.path.arena).id, values)
        }
        let invites = try await services.arenas.createInvites(arena: input.path.arena, names: body.names, baseURL: services.configuration.baseURL)
        if !values.isEmpty {
            try await services.attributes.setInviteValues(
                arena: try await services.directory.arena(input.path.arena).id, names: invites.map(\.name), values)
        }
        return .created(.init(body: .json(.init(invites: invites.map { .init(name: $0.name, token: $0.token, url: $0.url) }))))
    }

    func listInvites(_ input: Operations.ListInvites.Input) async throws -> Operations.ListInvites.Output {
        let invites = try await services.arenas.invites(arena: input.path.arena)
        return .ok(.init(body: .json(.init(invites: invites.map(Components.Schemas.Invite.init)))))
    }

    func revokeInvite(_ input: Operations.RevokeInvite.Input) async throws -> Operations.RevokeInvite.Output {
        .ok(.init(body: .json(.init(try await services.arenas.revokeInvite(arena: input.path.arena, name: input.path.name)))))
    }

    /// `GET /api/arenas/{arena}/votes?format=jsonl|csv`, streamed page by page.
    func exportVotes(_ input: Operations.ExportVotes.Input) async throws -> Operations.ExportVotes.Output {
        let format: VoteExport.Format = input.query.format == .csv ? .csv : .jsonl
        let index = try await services.directory.index(input.path.arena)
        let source = VoteSourceFilter(rawValue: input.query.source?.rawValue ?? "human") ?? .human
        let lines = VoteExport.stream(arena: index, format: format, source: source, store: services.store, directory: services.directory)
        let body = HTTPBody(lines, length: .unknown, iterationBehavior: .single)
        let disposition = "attachment; filename=\"\(index.arena.name)-votes.\(format.rawValue)\""
        return .ok(.init(headers: .init(contentDisposition: disposition), body: format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }
}
