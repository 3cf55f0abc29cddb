import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// A page visitor's session and the anti-forgery token bound to it.
///
/// Every page that can lead to a vote makes sure the visitor has the
/// `prefer_session` cookie (HttpOnly, SameSite=Lax), and puts
/// HMAC-SHA256(voterSecret, "csrf:" + session) into the vote form. A vote
/// POSTed to a page is accepted only with a session cookie and the token made
/// from it (in the `csrf` field or the `X-CSRF-Token` header), compared in
/// constant time: another site can neither read the token (same-origin policy)
/// nor, with SameSite=Lax, send the cookie on a cross-site POST.
struct PageSession: Sendable {
    static let tokenHeader = HTTPField.Name("X-CSRF-Token")!

    /// The session id (the cookie's value).
    var id: String
    /// The cookie to set, when the visitor had none.
    var newCookie: Cookie?
    /// The anti-forgery token for this session's forms.
    var csrfToken: String

    /// The visitor's session, or a new one.
    static func establish(_ request: Request, services: PreferServices) -> PageSession {
        if let id = existing(request) {
            return PageSession(id: id, newCookie: nil, csrfToken: token(for: id, services: services))
        }
        let (id, cookie) = newSession(services: services)
        return PageSession(id: id, newCookie: cookie, csrfToken: token(for: id, services: services))
    }

    /// A new session id and the cookie (HttpOnly, SameSite=Lax, a year) that carries it.
    static func newSession(services: PreferServices) -> (id: String, cookie: Cookie) {
        let id = ServerSecrets.randomToken(prefix: "s")
        let cookie = Cookie(
            name: AnnotatorIdentity.sessionCookie, value: id, maxAge: 365 * 24 * 3600, path: "/",
            secure: services.configuration.secureCookies, httpOnly: true, sameSite: .lax
        )
        return (id, cookie)
    }

    /// The session id the request's cookie carries, if it is well-formed.
    static func existing(_ request: Request) -> String? {
        guard let value = request.cookies[AnnotatorIdentity.sessionCookie]?.value, value.count >= 16, value.count <= 128 else { return nil }
        return value
    }

    static func token(for session: String, services: PreferServices) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("csrf:\(session)".utf8), using: services.secrets.voterSecret)
        return BattleToken.base64URL(Data(mac))
    }

    /// Whether the request carries a session cookie and `presented`, the
    /// token made from it.
    static func verify(_ request: Request, presented: String?, services: PreferServices) -> Bool {
        guard let session = existing(request), let presented else { return false }
        return ServerSecrets.constantTimeEqual(token(for: session, services: services), presented)
    }
}
