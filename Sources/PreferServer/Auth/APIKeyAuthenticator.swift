import Hummingbird
import HummingbirdAuth

/// The authenticator of the routes that need an API key: the bearer token
/// (parsed by hummingbird-auth, in one place) must be a key of this server.
/// No token is 401 (`missing_admin_key`), an unknown one 403
/// (`wrong_admin_key`); the route group's role policy then checks the role.
struct APIKeyAuthenticator: AuthenticatorMiddleware {
    typealias Context = PreferRequestContext
    typealias Identity = PreferIdentity

    let keys: KeyRing

    func authenticate(request: Request, context: Context) async throws -> PreferIdentity? {
        guard let bearer = request.headers.bearer, !bearer.token.isEmpty else { throw PreferError.missingAdminKey }
        guard let identity = try await keys.identity(token: bearer.token) else { throw PreferError.wrongAdminKey }
        return identity
    }
}
