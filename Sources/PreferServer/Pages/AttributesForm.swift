import Foundation
import Hummingbird
import PreferCore
import PreferStore

/// The optional "About you" form above a battle, shown while the arena asks
/// annotator attributes that this annotator has neither answered nor
/// declined: one list per attribute, whose first choice is "Prefer not to
/// say", and two buttons, **Save** and **Skip** (which declines them all).
/// A plain form (no script): it posts to `/arenas/{arena}/attributes`, which
/// stores the answers with the annotator's pseudonym and comes back to the
/// vote page. Every name and value is escaped through `HTML`.
struct AttributesForm {
    var arena: Arena
    var asked: [AttributeDeclaration]
    var answers: [String: String]
    var minimumGroupSize: Int
    var csrfToken: String
    var inviteQuery: String

    func render() -> HTML {
        let fields = HTML.joined(asked.map(field))
        return """
        <section class="attributes" id="attributes" aria-labelledby="attributes-title">
        <h2 id="attributes-title">About you (optional)</h2>
        <p class="hint">These answers let \(arena.name) compare how groups of people vote. They are kept with a pseudonym, never with your cookie or invite, and a group of fewer than \(String(minimumGroupSize)) people is never shown on its own. Answer what you like, or skip.</p>
        <form method="post" action="/arenas/\(arena.name)/attributes\(inviteQuery)" class="attributes-form">
        <input type="hidden" name="csrf" value="\(csrfToken)">
        \(fields)
        <div class="attributes-actions">
        <button type="submit" name="action" value="save" id="attributes-save">Save</button>
        <button type="submit" name="action" value="skip" id="attributes-skip" class="secondary">Skip</button>
        </div>
        </form>
        </section>
        """
    }

    private func field(_ declaration: AttributeDeclaration) -> HTML {
        let id = "attribute-\(declaration.name)"
        let options = HTML.joined(declaration.values.map { value -> HTML in
            let selected: HTML = answers[declaration.name] == value ? " selected" : ""
            return "<option value=\"\(value)\"\(selected)>\(value)</option>"
        })
        return """
        <p class="attribute"><label for="\(id)">\(Self.label(declaration.name))</label>
        <select id="\(id)" name="attributes[\(declaration.name)]"><option value="">Prefer not to say</option>\(options)</select></p>
        """
    }

    /// `age_band` → "Age band".
    static func label(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension PagesController {
    /// The fields of the attributes form.
    struct AttributesFormFields: Decodable {
        var csrf: String?
        var action: String?
        var attributes: [String: String]?
    }

    /// The form to show above a battle for `voter`, or nil when the arena
    /// asks nothing or everything asked was answered or declined.
    func attributesForm(arena: Arena, voter: String, session: String, request: Request) async throws -> HTML? {
        let answers = try await services.attributes.answers(arena: arena.id, voter: voter)
        guard !answers.pending.isEmpty else { return nil }
        return AttributesForm(
            arena: arena, asked: answers.asked, answers: answers.values,
            minimumGroupSize: try await services.attributes.minimumGroupSize(arena: arena.id),
            csrfToken: services.sessions.csrfToken(for: session), inviteQuery: Self.inviteQuery(request)
        ).render()
    }

    /// `POST /arenas/{arena}/attributes`: `action` save (the lists' answers;
    /// "Prefer not to say" declines) or skip (declines every one pending),
    /// then back to the vote page (303).
    @Sendable func saveAttributes(_ request: Request, context: Context) async throws -> Response {
        do {
            guard let identity = context.identity else { throw PreferError.internalFailure }
            let arena = try await services.directory.arena(try context.parameters.require("arena"))
            try ArenaAccess.requireVoter(arena, identity)
            let form = try await URLEncodedFormDecoder().decode(AttributesFormFields.self, from: request, context: context)
            let presented = request.headers[SessionCookies.tokenHeader] ?? form.csrf
            guard services.sessions.verify(session: SessionCookies.existing(request), presented: presented) else { throw Self.forgedVote }
            let given = form.attributes ?? [:]
            if form.action == "skip" {
                _ = try await services.attributes.answer(arena: arena.id, voter: identity.voter, values: [:], declined: [], skip: true)
            } else {
                _ = try await services.attributes.answer(
                    arena: arena.id, voter: identity.voter, values: given.filter { !$0.value.isEmpty },
                    declined: given.filter { $0.value.isEmpty }.keys.sorted(), skip: false)
            }
            return Response(
                status: .seeOther,
                headers: [.location: "/arenas/\(Self.pathComponent(arena.name))/vote\(Self.inviteQuery(request))", .cacheControl: "no-store"])
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: Self.title(problem))
        }
    }

    /// An arena's name as a path component (names are letters, digits, - _ . only).
    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
    }
}
