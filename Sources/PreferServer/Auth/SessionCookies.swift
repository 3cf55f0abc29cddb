import Crypto
import ExtrasBase64
import Foundation
import HTTPTypes
import Hummingbird
import PreferStore

/// Anonymous visitors' sessions: a random id in the `prefer_session` cookie
/// (HttpOnly, SameSite=Lax, a year), a voter pseudonym derived from it by
/// HMAC (the cookie itself is never stored), and the anti-forgery token of
/// the session's vote forms: HMAC-SHA256(voterSecret, "csrf:" + session).
/// Another site can neither read the token (same-origin policy) nor, with
/// SameSite=Lax, send the cookie on a cross-site POST.
struct SessionCookies: Sendable {
    static let cookieName = "prefer_session"
    static let tokenHeader = HTTPField.Name("X-CSRF-Token")!

    let secrets: ServerSecrets
    let secure: Bool

    /// A new session id and the cookie that carries it.
    func make() -> (id: String, cookie: Cookie) {
        let id = ServerSecrets.randomToken(prefix: "s")
        let cookie = Cookie(
            name: Self.cookieName, value: id, maxAge: 365 * 24 * 3600, path: "/",
            secure: secure, httpOnly: true, sameSite: .lax
        )
        return (id, cookie)
    }

    /// The session id the request's cookie carries, if it is well-formed.
    static func existing(_ request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, value.count >= 16, value.count <= 128 else { return nil }
        return value
    }

    /// A stable pseudonym for a session id that does not reveal it.
    func pseudonym(forSession session: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: secrets.voterSecret)
        return "anon-" + mac.prefix(6).hexString
    }

    /// The anti-forgery token of `session`'s forms.
    func csrfToken(for session: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Self.csrfMessage(session), using: secrets.voterSecret)
        return Base64.encodeToString(bytes: Array(mac), options: .url)
    }

    /// Whether `presented` is the anti-forgery token of `session` (swift-crypto
    /// compares the codes in constant time).
    func verify(session: String?, presented: String?) -> Bool {
        guard let session, let presented,
              let code = try? Base64.decode(string: presented, options: .url) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Self.csrfMessage(session), using: secrets.voterSecret)
    }

    private static func csrfMessage(_ session: String) -> Data { Data("csrf:\(session)".utf8) }
}
