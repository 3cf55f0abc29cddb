import HTTPTypes
import Hummingbird

/// Headers every response carries: no MIME sniffing, no referrer leaks, no
/// framing by other sites, and a Content-Security-Policy that lets a page run
/// only Prefer's own script file (`/assets/prefer.js`) and load only its own
/// style sheet: no inline script, no inline style, no plugins, no `<base>`,
/// forms posting only to Prefer. Images and media may come from http(s)
/// addresses (outputs are often hosted elsewhere); they cannot run script.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[SecurityHeaders.referrerPolicy] = "no-referrer"
        if response.headers[SecurityHeaders.frameOptions] == nil { response.headers[SecurityHeaders.frameOptions] = "DENY" }
        if response.headers[SecurityHeaders.contentSecurityPolicy] == nil {
            response.headers[SecurityHeaders.contentSecurityPolicy] = SecurityHeaders.policy
        }
        return response
    }
}

/// The names and values `SecurityHeadersMiddleware` sets, made once (a
/// generic type cannot hold static stored properties).
enum SecurityHeaders {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!

    /// The policy of every response (JSON and SVG included: the strictest page is the one never rendered).
    static let policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
        + "media-src 'self' https: http:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
}
