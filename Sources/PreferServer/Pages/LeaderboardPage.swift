import Foundation
import PreferCore

/// `/arenas/{arena}/leaderboard`: a note on the votes and method, the table
/// (rank, Rank (UB), contender, rating, −/+ interval, votes, win rate), and
/// the interval plot and win-rate heatmap drawn by `LeaderboardSVG`.
struct LeaderboardPage {
    var arena: Arena
    var board: Leaderboard
    var computedAt: Date
    var votesTotal: Int
    var stale: Bool
    /// Stored votes the board was computed from (before the audit left any out).
    var votesUsed: Int?
    /// Contenders with no rating, and their stored votes: none yet, or all
    /// left out by the audit.
    var unrated: [(name: String, votes: Int)] = []
    /// False while no prompt has outputs of two (K) contenders: no Vote button then.
    var openForVoting = true
    /// Whose votes the board counts (people's unless asked).
    var source: VoteSourceFilter = .human
    /// The AI judges that ran on the arena (a section of its own; empty when none did).
    var judges: JudgeSection?
    /// The boards the selector offers (`?view=`): value and label.
    var views: [(value: String, label: String)] = []
    /// The board shown: "" (all votes), "style", "category:NAME", "criterion:NAME".
    var view = ""
    /// For a slice: its summary.
    var slice: SliceBoard?
    /// Sections after the figures (cycles, the link to the disagreement page).
    var sections: HTML = .empty
    /// With `?view=trajectory`: the ratings over time, and the span asked for.
    var trajectory: RatingTrajectory?
    var every = "auto"
    /// With `?view=pareto`: the boards per criterion and the Pareto view.
    var pareto: SliceReport?
    /// Warnings of the trajectory or the Pareto view's computation.
    var viewWarnings: [String] = []
    /// With `?view=weights:FIELD` or `?weights=`: the weighting and the raw board beside the weighted one.
    var weighting: HTML = .empty

    /// All votes; style-controlled (pairwise arenas); each category of the prompts; each criterion.
    static func views(_ index: ArenaIndex) -> [(value: String, label: String)] {
        var views: [(value: String, label: String)] = [(value: "", label: "All votes")]
        if !index.isKWay { views.append(("style", "Style-controlled (length and Markdown held equal)")) }
        for category in Set(index.prompts.values.compactMap(\.category)).sorted() {
            views.append(("category:" + category, "Category: " + category))
        }
        for criterion in index.arena.criteria { views.append(("criterion:" + criterion, "Criterion: " + criterion)) }
        views.append(("trajectory", "Ratings over time"))
        if index.arena.criteria.count >= 2 { views.append(("pareto", "Pareto view across criteria")) }
        return views
    }

    /// The selector: a GET form (no script needed).
    func selector() -> HTML {
        guard views.count > 1 else { return .empty }
        let options = HTML.joined(views.map { item -> HTML in
            let selected: HTML = item.value == view ? " selected" : ""
            return "<option value=\"\(item.value)\"\(selected)>\(item.label)</option>"
        })
        return """
        <form class="view-form" method="get" action="/arenas/\(arena.name)/leaderboard">
        <label for="view">Board</label> <select id="view" name="view">\(options)</select> <button type="submit" class="button">Show</button>
        </form>
        """
    }

    /// The style coefficients of a style-controlled board, and a slice's summary.
    func details() -> HTML {
        var out: HTML = .empty
        if let slice {
            let notes: HTML = slice.notes.isEmpty ? .empty : " " + HTML.joined(slice.notes.map { "\($0)" }, separator: " ")
            let small: HTML = slice.small ? " (small)" : ""
            out += "<p class=\"note slice-note\">Slice \(slice.field) = <strong>\(slice.value)</strong>: \(slice.votes) votes\(small).\(notes)</p>"
        }
        if let style = board.style {
            let rows = HTML.joined(style.features.map { f -> HTML in
                var interval: HTML = "—"
                if let lower = f.eloLower, let upper = f.eloUpper {
                    interval = "\(LeaderboardSVG.fixed(lower, 1)) to \(LeaderboardSVG.fixed(upper, 1))"
                }
                return "<tr><th scope=\"row\">\(f.name)</th><td class=\"num\">\(LeaderboardSVG.fixed(f.coefficient, 3))</td><td class=\"num\">\(LeaderboardSVG.fixed(f.elo, 1))</td><td class=\"num\">\(interval)</td></tr>"
            })
            out += """
            <section class="style-coefficients" aria-labelledby="style-heading">
            <h2 id="style-heading">Style coefficients</h2>
            <p class="note">The ratings above hold style equal. Each row: log-odds per SD of the normalised style difference, and the same in Elo points with its interval.</p>
            <div class="table-wrap"><table class="board"><thead><tr><th scope="col">Feature</th><th scope="col" class="num">Coefficient</th><th scope="col" class="num">Elo</th><th scope="col" class="num">Interval (Elo)</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            </section>
            """
        }
        return out
    }

    func render() -> HTML {
        let hasIntervals = board.hasIntervals
        let rows = HTML.joined(board.contenders.map { entry in
            let minus = entry.rating - entry.lower
            let plus = entry.upper - entry.rating
            let interval: HTML = if let why = entry.noInterval {
                "<abbr class=\"no-interval\" title=\"no interval: \(why)\">no interval</abbr>"
            } else if hasIntervals { "<span class=\"minus\">−\(LeaderboardSVG.fixed(minus, 1))</span> / <span class=\"plus\">+\(LeaderboardSVG.fixed(plus, 1))</span>" } else { "—" }
            let mark: HTML = entry.provisional ? " <abbr title=\"provisional: no finite maximum-likelihood rating yet\">*</abbr>" : ""
            let retired: HTML = entry.retired == true ? " <span class=\"retired\">(retired)</span>" : ""
            return """
            <tr>
            <td class="num">\(entry.rank)</td>
            <td class="num">\(entry.rankUB)</td>
            <th scope="row" class="name">\(entry.name)\(mark)\(retired)</th>
            <td class="num strong">\(LeaderboardSVG.fixed(entry.rating, 1))</td>
            <td class="num interval">\(interval)</td>
            <td class="num">\(grouped(entry.votes))</td>
            <td class="num">\(LeaderboardSVG.fixed(entry.winRate * 100, 1))%</td>
            </tr>
            """
        })
        let warnings: HTML = board.warnings.isEmpty ? .empty
            : "<ul class=\"warnings\">\(HTML.joined(board.warnings.map { "<li>\($0)</li>" }))</ul>"
        let plot = LeaderboardSVG.intervalPlot(board).svg(title: "Ratings of \(arena.name) with their intervals", id: "interval-plot")
        let heat = board.matrices.map { LeaderboardSVG.heatmap($0).svg(title: "Pairwise win rates in \(arena.name)", id: "heatmap") }
        // Only votes stored after the computation are "being added": the
        // audit's exclusions are not newer votes, and say so below.
        let newer = votesTotal - (votesUsed ?? board.method.votes)
        let updating: HTML = stale && newer > 0
            ? " <span class=\"stale\">(\(counted(newer, "newer vote")) being added; reload in a moment)</span>"
            : ""
        var auditNote: HTML = .empty
        if let audit = board.audit, audit.votesRemoved > 0 {
            let signals = audit.flaggedBy.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.key): \(counted($0.value, "voter"))" }
            let filtered = audit.votesFilteredByContent.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\(grouped($0.value)) by the \($0.key) filter" }
            var why: [String] = []
            if audit.votesByFlaggedVoters > 0 {
                why.append("\(grouped(audit.votesByFlaggedVoters)) from \(grouped(audit.votersFlagged)) of \(grouped(audit.voters)) voters flagged" + (signals.isEmpty ? "" : " (\(signals.joined(separator: ", ")))"))
            }
            why += filtered
            if audit.votesDownsampled > 0 { why.append("\(grouped(audit.votesDownsampled)) down-sampled from over-represented prompts") }
            auditNote = """
            <p class="note audit-note">The vote audit left out \(grouped(audit.votesRemoved)) of \(counted(audit.votes, "vote"))\(why.isEmpty ? "" : ": " + why.joined(separator: "; ")). \
            The board without the audit is at <a href="/api/arenas/\(arena.name)/leaderboard?include_flagged=true">?include_flagged=true</a>; \
            admins review the flagged annotators, with their evidence, on the <a href="/admin/arenas/\(arena.name)/audit">audit page</a>.</p>
            """
        }
        // Said in words, not only in a tooltip: no interval, and why.
        let withheld = board.contenders.filter { $0.noInterval != nil }
        let withheldNote: HTML = withheld.isEmpty ? .empty
            : "<p class=\"note no-interval-note\">No interval for \(withheld.map { "\($0.name) (\($0.noInterval ?? ""))" }.joined(separator: ", ")): an interval from so few votes would read as certainty.</p>"
        var unratedNote: HTML = .empty
        if !unrated.isEmpty {
            let items = unrated.map { item -> String in
                item.votes == 0 ? "\(item.name) (no votes yet)" : "\(item.name) (all \(grouped(item.votes)) of its votes left out by the audit)"
            }
            unratedNote = "<p class=\"note unrated\">No rating: \(items.joined(separator: ", ")).</p>"
        }
        let table: HTML = board.contenders.isEmpty ? .empty : """
        <div class="table-wrap">
        <table class="board">
        <caption class="visually-hidden">Leaderboard of \(arena.name)</caption>
        <thead><tr><th scope="col" class="num">Rank</th><th scope="col" class="num"><abbr title="1 + the number of contenders whose interval lies entirely above this one's">Rank (UB)</abbr></th><th scope="col">Contender</th><th scope="col" class="num">Rating</th><th scope="col" class="num">−/+ interval</th><th scope="col" class="num">Votes</th><th scope="col" class="num">Win rate</th></tr></thead>
        <tbody>
        \(rows)
        </tbody>
        </table>
        </div>
        """
        var figures: HTML = .empty
        if !board.contenders.isEmpty {
            let heading: HTML = hasIntervals ? "Ratings with \(LeaderboardSVG.percent(board.method.level ?? 0.95)) intervals" : "Ratings"
            figures += """
            <section class="figure" aria-labelledby="plot-heading">
            <h2 id="plot-heading">\(heading)</h2>
            \(HTML(trusted: plot))
            </section>
            """
            if let heat {
                figures += """
                <section class="figure" aria-labelledby="heatmap-heading">
                <h2 id="heatmap-heading">Pairwise win rates</h2>
                \(HTML(trusted: heat))
                </section>
                """
            }
        }
        let voteAction: HTML = openForVoting
            ? "<a class=\"button primary\" href=\"/arenas/\(arena.name)/vote\">Vote in this arena</a>"
            : "<span class=\"notice\">Not open for voting yet: no prompt has answers from two contenders.</span>"
        let sourceLabel: HTML = switch source {
        case .human: .empty
        case .judge: " (AI judges)"
        case .all: " (people and AI judges)"
        }
        let body: HTML = """
        <main id="main" class="wide">
        <h1>Leaderboard · \(arena.name)\(sourceLabel)</h1>
        <p class="note">\(LeaderboardSVG.note(board)).\(updating) Updated \(Self.time(computedAt)).</p>
        \(arena.license.map { "<p class=\"note licence\">The arena's data is released under the licence <strong>\($0)</strong>.</p>" as HTML } ?? .empty)
        <p class="actions">\(voteAction) <a class="button" href="/arenas/\(arena.name)/leaderboard.svg">SVG for embedding</a> <a class="button" href="/api/arenas/\(arena.name)/leaderboard">JSON</a></p>
        \(judges == nil || judges?.rows.isEmpty == true ? HTML.empty : JudgeSection.sourceSwitch(arena: arena.name, source: source))
        \(selector())
        \(details())
        \(weighting)
        \(auditNote)
        \(warnings)
        \(table)
        \(withheldNote)
        \(unratedNote)
        \(figures)
        \(modelSections())
        \(sections)
        \(judges?.render() ?? .empty)
        </main>
        """
        return PageLayout.page(title: "Leaderboard · \(arena.name)", body: body, page: "leaderboard")
    }

    /// The trajectory chart (`TrajectorySVG`) or the Pareto table and chart
    /// (`ParetoSVG`), under the board, when the selector asks for them.
    func modelSections() -> HTML {
        var out: HTML = .empty
        let warnings: HTML = viewWarnings.isEmpty ? .empty
            : "<ul class=\"warnings\">\(HTML.joined(viewWarnings.map { "<li>\($0)</li>" }))</ul>"
        if view == "trajectory" {
            let json = "/api/arenas/\(arena.name)/trajectory?every=\(every)"
            guard let trajectory else {
                return "<section class=\"figure trajectory\" aria-labelledby=\"trajectory-heading\"><h2 id=\"trajectory-heading\">Ratings over time</h2>\(warnings)</section>"
            }
            let chart = TrajectorySVG.chart(trajectory).svg(title: "Ratings of \(arena.name) over time", id: "trajectory-plot")
            var kind: HTML = trajectory.cumulative ? "every vote so far" : "the votes of the last \(trajectory.window ?? "")"
            if trajectory.model == LeaderboardModel.plackettLuce.rawValue { kind += " with Plackett–Luce" }
            let notes: HTML = trajectory.warnings.isEmpty ? .empty
                : "<ul class=\"warnings\">\(HTML.joined(trajectory.warnings.map { "<li>\($0)</li>" }))</ul>"
            out += """
            <section class="figure trajectory" aria-labelledby="trajectory-heading">
            <h2 id="trajectory-heading">Ratings over time</h2>
            <p class="note">\(counted(trajectory.points.count, "point")), one every \(trajectory.every), each ranking \(kind); a line is dashed while its contender has fewer than \(trajectory.provisionalVotes) votes (provisional). <a href="\(json)">JSON</a></p>
            \(warnings)\(notes)
            \(HTML(trusted: chart))
            </section>
            """
        }
        if view == "pareto" {
            guard let front = pareto?.pareto else {
                return "<section class=\"pareto\" aria-labelledby=\"pareto-heading\"><h2 id=\"pareto-heading\">Pareto view across criteria</h2>\(warnings)<p class=\"note\">The Pareto view needs boards for at least two criteria.</p></section>"
            }
            let heads = HTML.joined(front.criteria.map { "<th scope=\"col\" class=\"num\">\($0)</th>" })
            let rows = HTML.joined(front.contenders.map { member -> HTML in
                let cells = HTML.joined(member.ratings.indices.map { c -> HTML in
                    "<td class=\"num\">\(LeaderboardSVG.fixed(member.ratings[c], 1)) <span class=\"interval\">[\(LeaderboardSVG.fixed(member.lower[c], 0))–\(LeaderboardSVG.fixed(member.upper[c], 0))]</span></td>"
                })
                let status: HTML = member.front ? "front" : member.possibleFront ? "possibly front" : "dominated"
                let by = member.dominatedBy.map { d in
                    d.clear ? d.name + " (clearly)" : d.name + " (intervals overlap on " + d.overlapping.joined(separator: ", ") + ")"
                }.joined(separator: "; ")
                let mark: HTML = member.provisional ? " <abbr title=\"provisional on some criterion\">*</abbr>" : ""
                return "<tr><th scope=\"row\" class=\"name\">\(member.name)\(mark)</th><td>\(status)</td>\(cells)<td>\(by.isEmpty ? "—" : by)</td></tr>"
            })
            let chart = ParetoSVG.chart(front).svg(title: "Ratings of \(arena.name) per criterion", id: "pareto-plot")
            let excluded: HTML = front.excluded.isEmpty ? .empty
                : "<p class=\"note\">Not rated on every criterion, so left out: \(front.excluded.joined(separator: ", ")).</p>"
            out += """
            <section class="pareto" aria-labelledby="pareto-heading">
            <h2 id="pareto-heading">Pareto view across criteria</h2>
            <p class="note">The front: contenders no other rates at least as high on every criterion and higher on one. "Possibly front": dominated by point estimates, but with intervals that overlap on some criterion, so the data cannot yet rule it off the front. <a href="/api/arenas/\(arena.name)/pareto">JSON</a></p>
            \(warnings)\(excluded)
            <div class="table-wrap"><table class="board pareto-table">
            <caption class="visually-hidden">Pareto view of \(arena.name)</caption>
            <thead><tr><th scope="col">Contender</th><th scope="col">Status</th>\(heads)<th scope="col">Dominated by</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            <div class="figure">\(HTML(trusted: chart))</div>
            </section>
            """
        }
        return out
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
