import Hummingbird

/// What the middleware of a route's group learnt about the request, handed
/// to the generated API handlers (which see only their typed input) for the
/// duration of the request, as swift-openapi-generator's documentation
/// recommends for request-scoped values.
enum RequestScope {
    /// The request's identity, set by `IdentityScopeMiddleware`.
    @TaskLocal static var identity: PreferIdentity?

    /// The identity, or the error an authenticated route gives without one
    /// (unreachable when the route's group has its authenticator).
    static func requireIdentity() throws -> PreferIdentity {
        guard let identity else { throw PreferError.missingAdminKey }
        return identity
    }
}

/// Runs the rest of the request with the context's identity in `RequestScope`.
struct IdentityScopeMiddleware: RouterMiddleware {
    typealias Context = PreferRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestScope.$identity.withValue(context.identity) {
            try await next(request, context)
        }
    }
}
