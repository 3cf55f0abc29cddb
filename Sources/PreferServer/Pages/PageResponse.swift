import Hummingbird
import NIOCore

/// HTML responses of the pages.
enum PageResponse {
    /// An HTML page; `cookie` is set when given. Pages are never cached:
    /// a vote page holds a one-time battle.
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok, cookie: Cookie? = nil, cache: String = "no-store") -> Response {
        var response = Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(string: page.description))
        )
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// A page saying what went wrong and what to do, with the error's status.
    static func error(_ error: PreferError, title: String = "Something went wrong", links: HTML = .empty) -> Response {
        let body: HTML = """
        <main id="main" class="narrow">
        <h1>\(title)</h1>
        <p class="notice error">\(error.message)</p>
        \(links)
        <p><a href="/">All arenas</a></p>
        </main>
        """
        return html(PageLayout.page(title: title, body: body), status: error.status)
    }
}
