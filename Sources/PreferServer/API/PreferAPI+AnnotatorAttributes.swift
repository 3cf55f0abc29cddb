import Foundation
import PreferCore
import PreferStore

// Annotator attributes: an annotator reads and sets (or declines) their own,
// as whoever draws battles is authenticated (session cookie or invite).

extension PreferAPI {
    /// `GET /api/arenas/{arena}/attributes`.
    func getAnnotatorAttributes(_ input: Operations.GetAnnotatorAttributes.Input) async throws -> Operations.GetAnnotatorAttributes.Output {
        let (arena, voter) = try await annotator(input.path.arena)
        let answers = try await services.attributes.answers(arena: arena.id, voter: voter)
        return .ok(.init(body: .json(.init(answers))))
    }

    /// `PUT /api/arenas/{arena}/attributes`: `attributes` to set, `declined`
    /// ones "prefer not to say", `skip` declines every one still pending.
    func setAnnotatorAttributes(_ input: Operations.SetAnnotatorAttributes.Input) async throws -> Operations.SetAnnotatorAttributes.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let (arena, voter) = try await annotator(input.path.arena)
        let answers = try await services.attributes.answer(
            arena: arena.id, voter: voter, values: body.attributes?.additionalProperties ?? [:],
            declined: body.declined ?? [], skip: body.skip ?? false)
        return .ok(.init(body: .json(.init(answers))))
    }

    /// The arena and the pseudonymous voter id of whoever asks (who must be allowed to vote in it).
    private func annotator(_ reference: String) async throws -> (Arena, String) {
        let arena = try await services.directory.arena(reference)
        let identity = RequestScope.identity
        try ArenaAccess.requireVoter(arena, identity)
        guard let identity else { throw PreferError.inviteRequired }
        return (arena, identity.voter)
    }
}

extension Components.Schemas.AnnotatorAttributes {
    init(_ answers: AnnotatorAttributeService.Answers) {
        self.init(
            asked: answers.asked.map(Components.Schemas.AnnotatorAttribute.init),
            attributes: .init(additionalProperties: answers.values), declined: answers.declined, pending: answers.pending)
    }
}

extension Components.Schemas.AnnotatorAttribute {
    init(_ declaration: AttributeDeclaration) {
        self.init(name: declaration.name, values: declaration.values)
    }
}

extension AttributeDeclaration {
    init(_ schema: Components.Schemas.AnnotatorAttribute) {
        self.init(name: schema.name, values: schema.values)
    }
}
