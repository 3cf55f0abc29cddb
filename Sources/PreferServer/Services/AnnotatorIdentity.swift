import Foundation
import Hummingbird
import PreferCore

/// Who is asking for a battle: an invited annotator (invite token in
/// `?invite=` or `Authorization: Bearer`), the admin, or an anonymous visitor
/// known by a session cookie. The voter id stored with votes is the invite
/// name or a pseudonym derived from the session — never the cookie itself.
struct AnnotatorIdentity: Sendable {
    static let sessionCookie = "prefer_session"

    /// The voter id recorded with votes.
    var voter: String
    /// A new session cookie to set, for a first-time anonymous visitor.
    var newSession: Cookie?

    /// `session`: the page's session id when a page already settled it
    /// (`PageSession`), so that no second cookie is made.
    static func resolve(_ request: Request, arena: Arena, services: PreferServices, session known: String? = nil) async throws -> AnnotatorIdentity {
        var token = request.uri.queryParameters["invite"].map(String.init)
        if token == nil, let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let token, !token.isEmpty {
            let hash = ServerSecrets.sha256(token)
            if services.secrets.isAdminKey(hash: hash) { return AnnotatorIdentity(voter: "admin") }
            guard let invite = try await services.store.invite(tokenHash: hash),
                  invite.arenaId == arena.id else { throw APIError.wrongInvite }
            return AnnotatorIdentity(voter: "invite:\(invite.name)")
        }
        if arena.isPrivate { throw APIError.inviteRequired }
        if let session = known ?? PageSession.existing(request) {
            return AnnotatorIdentity(voter: services.secrets.pseudonym(forSession: session))
        }
        let (session, cookie) = PageSession.newSession(services: services)
        return AnnotatorIdentity(voter: services.secrets.pseudonym(forSession: session), newSession: cookie)
    }
}

extension PreferServices {
    /// Throws unless the request carries the admin key.
    func requireAdmin(_ request: Request) throws {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.missingAdminKey
        }
        let key = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard secrets.isAdminKey(key) else { throw APIError.wrongAdminKey }
    }
}
