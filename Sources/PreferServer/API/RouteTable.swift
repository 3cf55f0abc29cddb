import Hummingbird

/// Registers API routes on a router and remembers them, so that tests can
/// check the OpenAPI document describes exactly the routes that exist.
final class RouteTable<Context: RequestContext>: @unchecked Sendable {
    let router: Router<Context>
    private(set) var routes: [(method: HTTPRequest.Method, path: String)] = []

    init(router: Router<Context>) {
        self.router = router
    }

    /// `path` in Hummingbird syntax (`/api/arenas/:arena`).
    func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        routes.append((method, path))
    }

    /// Routes as OpenAPI spells them: "post /api/arenas/{arena}".
    var openAPIRoutes: Set<String> {
        Set(routes.map { route in
            let path = route.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue.lowercased()) \(path)"
        })
    }
}
