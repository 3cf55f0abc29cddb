/// The frame of every page: language, title, viewport, the style sheet, the
/// site bar, and the script file (deferred; pages read without it).
enum PageLayout {
    /// A whole page. `page` names the page for the script (`data-page`).
    static func page(title: String, body: HTML, page: String = "info", attributes: HTML = .empty) -> HTML {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Prefer</title>
        <link rel="stylesheet" href="\(StaticAssets.url("prefer.css"))">
        <link rel="icon" type="image/svg+xml" href="\(StaticAssets.url("favicon.svg"))">
        <script src="\(StaticAssets.url("prefer.js"))" defer></script>
        </head>
        <body data-page="\(page)"\(attributes)>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
        <a class="brand" href="/">Prefer</a>
        <nav aria-label="Site"><a href="/">Arenas</a><a href="/admin">Admin</a></nav>
        </header>
        \(body)
        <footer class="site"><p>Prefer — pairwise human preferences, ranked with Bradley–Terry and bootstrap intervals. <a href="/openapi.json">API</a></p></footer>
        </body>
        </html>

        """
    }
}
