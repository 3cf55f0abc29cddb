import Foundation
import PreferCore
import PreferJudge
import PreferStore

/// The leaderboard page's "AI judges" section: each judge that ran on the
/// arena, its latest run's progress, and how well it agrees with people
/// (`JudgeAgreementService`, the same numbers as `prefer judge agreement`)
/// — and whether it is validated, and on how many battles. Server-rendered;
/// every name and message is escaped by `HTML`.
struct JudgeSection {
    struct Row: Sendable {
        var judge: String
        var model: String
        var runs: Int
        var latest: JudgeRun?
        /// Items finished by the latest run, with its live tally when it works here.
        var done: Int
        var failed: Int
        var active: Bool
        var agreement: JudgeAgreement.Measures?
        var validation: JudgeValidation.Verdict?
    }

    var arena: String
    var rows: [Row]
    /// The board shown: people's, the judges', or both.
    var source: VoteSourceFilter
    /// On the `source=all` board: which judges it counts and leaves out.
    var counted: LeaderboardDocument.JudgeVotes? = nil
    /// The arena's live hybrid routing, when it has settings (and its state here).
    var routing: (settings: HybridRouting, status: HybridRoutingService.Status?)? = nil

    /// One paragraph on the arena's routing: settings, state, counts; never a verdict.
    func routingNote() -> HTML {
        guard let routing else { return .empty }
        let (settings, status) = routing
        var text: HTML = "<strong>Hybrid routing</strong> "
        guard settings.enabled else {
            return "<p class=\"note routing\">\(text)is off (judge \(settings.judge)); battles are drawn plainly.</p>"
        }
        text += "with judge \(settings.judge): each new battle is judged first; \(Self.percent(settings.humanShare)) go to people (\(Self.percent(settings.auditShare)) at random, as an audit), the judge's verdict stands on the rest."
        if let status {
            let state: String = switch status.state {
            case .off: "off"
            case .starting: "starting"
            case .routing: "routing"
            case .fallback: "fallen back to plain drawing"
            }
            text += " State: <span class=\"routing-state\">\(state)</span>; \(status.judged) battles judged, \(status.toPeople) to people (\(Self.percent(status.humanShare))), \(status.toJudge) to the judge, \(status.plainDraws) drawn plainly; risk model fitted on \(status.trainingBattles) battles with both kinds of votes."
            if let message = status.message { text += " <span class=\"hint\">\(message)</span>" }
        }
        return "<p class=\"note routing\">\(text)</p>"
    }

    static func percent(_ x: Double?) -> String {
        x.map { LeaderboardSVG.fixed(100 * $0, 1) + "%" } ?? "–"
    }

    static func interval(_ i: JudgeAgreement.Interval, _ format: (Double?) -> String) -> String {
        guard i.estimate != nil else { return "–" }
        return "\(format(i.estimate)) [\(format(i.lower)), \(format(i.upper))]"
    }

    /// Links to the three boards, the one shown marked.
    static func sourceSwitch(arena: String, source: VoteSourceFilter) -> HTML {
        let links = [(VoteSourceFilter.human, "People"), (.judge, "AI judges"), (.all, "Both")].map { choice, label -> HTML in
            let href = "/arenas/\(arena)/leaderboard" + (choice == .human ? "" : "?source=\(choice.rawValue)")
            return choice == source
                ? "<a class=\"button primary\" aria-current=\"page\" href=\"\(href)\">\(label)</a>"
                : "<a class=\"button\" href=\"\(href)\">\(label)</a>"
        }
        return "<p class=\"actions source-switch\"><span class=\"hint\">Votes from:</span> \(HTML.joined(links, separator: " "))</p>"
    }

    func render() -> HTML {
        guard !rows.isEmpty || routing != nil else { return .empty }
        let body = HTML.joined(rows.map { row -> HTML in
            var progress: HTML = "–"
            if let run = row.latest {
                let status = row.active ? "running here" : run.status.rawValue
                progress = "\(status): \(row.done + row.failed) of \(run.totalItems) items"
                if row.failed > 0 { progress += " (\(row.failed) failed)" }
                if let message = run.message, !row.active { progress += "<br><span class=\"hint\">\(message)</span>" }
            }
            var agreement: HTML = "<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>"
            if let m = row.agreement, m.battles > 0 {
                let withoutTies = Self.interval(m.withoutTies, Self.percent)
                let kappa = Self.interval(m.kappa) { $0.map { LeaderboardSVG.fixed($0, 3) } ?? "–" }
                agreement = """
                <td class="num">\(m.battles) (\(m.decisiveBattles) decisive)</td>\
                <td class="num">\(withoutTies)</td>\
                <td class="num">\(kappa)</td>
                """
            }
            let validated: HTML = if let v = row.validation {
                v.validated
                    ? "<strong class=\"validated\">validated</strong> <span class=\"hint\">\(v.reason)</span>"
                    : "not validated <span class=\"hint\">\(v.reason)</span>"
            } else { "no rule set" }
            return """
            <tr>
            <th scope="row" class="name">\(row.judge) <span class="hint">\(row.model)</span></th>
            <td>\(progress)</td>
            \(agreement)
            <td>\(validated)</td>
            </tr>
            """
        })
        var note: HTML = source == .human
            ? "Their votes are not in the people's board above; see them on the <a href=\"/arenas/\(arena)/leaderboard?source=judge\">AI judges' board</a>."
            : "Agreement is measured on the battles people voted on that a judge also judged."
        if let counted {
            let names = counted.counted.map(\.judge)
            let left = counted.leftOut.map(\.judge)
            let countedText = names.isEmpty ? "no judge is validated yet" : "counted " + names.joined(separator: ", ")
            let leftText = left.isEmpty ? "" : "; left out (not validated) " + left.joined(separator: ", ")
            note += " The board above counts people's votes and the validated judges' only: \(countedText)\(leftText)."
        }
        return """
        <section class="judges" aria-labelledby="judges-heading">
        <h2 id="judges-heading">AI judges</h2>
        \(routingNote())
        <p class="note">\(note) Agreement without ties (battles where both picked a winner) and Cohen's κ, with 95% bootstrap intervals; a judge is validated once its agreement's lower bound reaches the arena's threshold on enough battles.</p>
        <div class="table-wrap">
        <table class="board judges-table">
        <caption class="visually-hidden">AI judges of \(arena)</caption>
        <thead><tr><th scope="col">Judge</th><th scope="col">Latest run</th><th scope="col" class="num">Battles with people</th><th scope="col" class="num">Agreement (without ties)</th><th scope="col" class="num">Cohen's κ</th><th scope="col">Validation</th></tr></thead>
        <tbody>
        \(body)
        </tbody>
        </table>
        </div>
        </section>
        """
    }
}
