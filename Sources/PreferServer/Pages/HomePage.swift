import PreferCore

/// `/`: the public arenas, each with its contenders, votes and links to vote
/// and to the leaderboard. Private arenas are reached by invite links only.
struct HomePage {
    struct Row {
        var arena: Arena
        var contenders: Int
        var votes: Int
        /// False while no prompt has outputs of two contenders: no Vote button then.
        var openForVoting = true
    }

    var rows: [Row]

    func render() -> HTML {
        let cards = HTML.joined(rows.map { row in
            """
            <li class="arena-card">
            <h2><a href="/arenas/\(row.arena.name)/\(row.openForVoting ? "vote" : "leaderboard")">\(row.arena.name)</a></h2>
            \(row.arena.description.map { text -> HTML in "<p>\(text)</p>" } ?? .empty)
            <p class="meta"><span class="count">\(grouped(row.votes))</span> vote\(row.votes == 1 ? "" : "s") · \(counted(row.contenders, "contender"))</p>
            \(row.openForVoting
                ? "<p class=\"actions\"><a class=\"button primary\" href=\"/arenas/\(row.arena.name)/vote\">Vote</a> <a class=\"button\" href=\"/arenas/\(row.arena.name)/leaderboard\">Leaderboard</a></p>" as HTML
                : "<p class=\"actions\"><span class=\"notice\">Not open for voting yet: no prompt has answers from two contenders.</span> <a class=\"button\" href=\"/arenas/\(row.arena.name)/leaderboard\">Leaderboard</a></p>")
            </li>
            """
        })
        let list: HTML = rows.isEmpty
            ? "<p class=\"notice\">No public arenas yet. An admin can create one on the <a href=\"/admin\">admin page</a>.</p>"
            : "<ul class=\"arenas\">\(cards)</ul>"
        let body: HTML = """
        <main id="main" class="narrow">
        <h1>Arenas</h1>
        <p class="lead">Compare two anonymous responses, pick the better one, and see who comes out on top.</p>
        \(list)
        </main>
        """
        return PageLayout.page(title: "Arenas", body: body, page: "home")
    }
}
