import Hummingbird
import PreferStore
import HummingbirdAuth
import PreferCore

/// The authenticator of the routes annotators (and readers of leaderboards)
/// use: an invite token (as `?invite=` or a bearer token), an API key (its
/// holder votes as "admin"), or the visitor's session cookie. Whether the
/// identity may use a given arena (private arenas need an invite to that
/// arena) is the services' rule, not this one's.
struct AnnotatorAuthenticator: RouterMiddleware {
    typealias Context = PreferRequestContext

    /// When a visitor gets a session.
    enum SessionPolicy: Sendable {
        /// Never: readers of leaderboards are anonymous, or hold a token.
        case never
        /// When the request carries no token: an anonymous annotator (API).
        case whenAnonymous
        /// Always: the pages bind their forms' anti-forgery token to it, for
        /// invited annotators too; the session goes in the context.
        case always
    }

    let keys: KeyRing
    let store: any PreferStore
    let cookies: SessionCookies
    var sessions: SessionPolicy = .whenAnonymous
    /// Called when a request is admitted by an invite (its first use copies
    /// the invite's annotator attributes: `AnnotatorAttributeService.adopt`).
    var onInvite: (@Sendable (Invite) async -> Void)? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var newCookie: Cookie?
        var session = SessionCookies.existing(request)
        let token = Self.token(request)
        let wantsSession = sessions == .always || (sessions == .whenAnonymous && token == nil)
        if session == nil, wantsSession {
            let made = cookies.make()
            session = made.id
            newCookie = made.cookie
        }
        context.session = session
        if let token {
            context.identity = try await identity(token: token)
        } else if let session, sessions != .never {
            context.identity = .annotator(voter: cookies.pseudonym(forSession: session), inviteArena: nil)
        }
        var response = try await next(request, context)
        if let newCookie { response.setCookie(newCookie) }
        return response
    }

    /// The invite token or key the request carries (`?invite=` first).
    static func token(_ request: Request) -> String? {
        if let invite = request.uri.queryParameters["invite"], !invite.isEmpty { return String(invite) }
        if let bearer = request.headers.bearer, !bearer.token.isEmpty { return bearer.token }
        return nil
    }

    func identity(token: String) async throws -> PreferIdentity {
        let hash = ServerSecrets.sha256(token)
        if let key = try await keys.identity(hash: hash) { return key }
        guard let invite = try await store.invite(tokenHash: hash) else { throw PreferError.wrongInvite }
        await onInvite?(invite)
        return .annotator(voter: "invite:\(invite.name)", inviteArena: invite.arenaId)
    }
}
