import HTTPTypes
import Hummingbird

/// Headers every response carries: no MIME sniffing, no referrer leaks, no
/// framing by other sites, and a Content-Security-Policy that lets a page run
/// only Prefer's own script file (`/assets/prefer.js`) and load only its own
/// style sheet: no inline script, no inline style, no plugins, no `<base>`,
/// forms posting only to Prefer. Images and media may come from http(s)
/// addresses (outputs are often hosted elsewhere); they cannot run script.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }
    static var contentSecurityPolicy: HTTPField.Name { HTTPField.Name("Content-Security-Policy")! }

    /// The policy of every response (JSON and SVG included: the strictest page is the one never rendered).
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
            + "media-src 'self' https: http:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[Self.frameOptions] == nil { response.headers[Self.frameOptions] = "DENY" }
        if response.headers[Self.contentSecurityPolicy] == nil { response.headers[Self.contentSecurityPolicy] = Self.policy }
        return response
    }
}
