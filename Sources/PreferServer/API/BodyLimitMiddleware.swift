import Hummingbird

/// Reads a request's body up to the server's limit (`--max-body-mb`) before
/// any handler sees it: a larger body is 413 `body_too_large` at once, and
/// handlers (the generated ones collect without a limit) get the collected
/// buffer. API responses also default to `Cache-Control: no-store`: they are
/// personal (battles, votes) or refreshed as votes arrive (leaderboards).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        if request.method != .get && request.method != .head {
            _ = try await request.collectBody(upTo: limit)
        }
        var response = try await next(request, context)
        if request.uri.path.hasPrefix("/api/"), response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
