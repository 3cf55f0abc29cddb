import Hummingbird
import PreferStore
import HummingbirdAuth
import PreferCore

/// The authenticator of the routes annotators use: an invite token (as
/// `?invite=` or a bearer token), an API key (its holder votes as "admin"),
/// or the visitor's session cookie — a first-time visitor gets a new session
/// (HttpOnly, SameSite=Lax) with the response. Whether the identity may use
/// a given arena (private arenas need an invite to that arena) is the
/// battle service's rule, not this one's.
///
/// `alwaysSession`: the pages need a session even for invited annotators (it
/// binds their forms' anti-forgery token), and put it in the context.
struct AnnotatorAuthenticator: RouterMiddleware {
    typealias Context = PreferRequestContext

    let keys: KeyRing
    let store: any PreferStore
    let sessions: SessionCookies
    var alwaysSession = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var newCookie: Cookie?
        var session = SessionCookies.existing(request)
        if session == nil, alwaysSession {
            let made = sessions.make()
            session = made.id
            newCookie = made.cookie
        }
        context.session = session
        if let token = Self.token(request) {
            context.identity = try await identity(token: token)
        } else {
            if session == nil {
                let made = sessions.make()
                session = made.id
                newCookie = made.cookie
            }
            context.identity = .annotator(voter: sessions.pseudonym(forSession: session!), inviteArena: nil)
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
        if let key = keys.identity(hash: hash) { return key }
        guard let invite = try await store.invite(tokenHash: hash) else { throw PreferError.wrongInvite }
        return .annotator(voter: "invite:\(invite.name)", inviteArena: invite.arenaId)
    }
}
