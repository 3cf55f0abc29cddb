import Foundation
import PreferCore

/// The leaderboard page's population weighting (`?view=weights:FIELD`, or
/// `?weights=FIELD=VALUE:SHARE,…`): the weighting's scheme and Kish's
/// effective sample size, the strata with their shares and weights, the
/// weighted board beside the raw one (every vote counted once), and a form
/// to weight to target shares. The table above it is the weighted board.
/// Every name and value is escaped through `HTML`.
struct WeightingSection {
    var arena: String
    var weighting: LeaderboardDocument.Weighting?
    /// The reason there is no weighting yet (no attribute given, no group the target names).
    var missing: String?
    /// The weighted board and the raw one (hidden contenders left out of both).
    var weighted: Leaderboard
    var raw: Leaderboard
    /// What the `weights` field of the form holds (the target asked for, or an example).
    var target: String
    var field: String

    func render() -> HTML {
        let label = AttributesForm.label(field)
        let form: HTML = """
        <form class="view-form weights-form" method="get" action="/arenas/\(arena)/leaderboard">
        <input type="hidden" name="view" value="weights:\(field)">
        <label for="weights">Target shares</label> <input id="weights" name="weights" type="text" value="\(target)" placeholder="\(field)=VALUE:0.5,VALUE:0.5" size="40"> <button type="submit" class="button">Weight</button>
        </form>
        """
        guard let weighting else {
            return """
            <section class="weighting" aria-labelledby="weighting-heading">
            <h2 id="weighting-heading">Weighted by \(label.lowercased())</h2>
            <p class="note weighting-note">\(missing ?? "No weighted board yet.")</p>
            \(form)
            </section>
            """
        }
        let scheme: HTML = weighting.scheme == "equal groups"
            ? "every group of \(field) shown weighs the same"
            : "each group of \(field) weighs its target share"
        let ess = LeaderboardSVG.fixed(weighting.effectiveSampleSize, 1)
        let leftOut: HTML = weighting.leftOut > 0 ? " (\(counted(weighting.leftOut, "vote")) left out)" : ""
        let strata = HTML.joined(weighting.strata.map { stratum -> HTML in
            func share(_ x: Double?) -> HTML { x.map { "\(LeaderboardSVG.fixed($0 * 100, 1))%" } ?? "—" }
            let votes: HTML = stratum.votes.map { "\(grouped($0))" } ?? "—"
            let annotators: HTML = stratum.annotators.map { "\(grouped($0))" } ?? "fewer than the minimum"
            let weight: HTML = stratum.weight.map { "\(LeaderboardSVG.fixed($0, 3))" } ?? "—"
            return "<tr><th scope=\"row\">\(stratum.name)</th><td class=\"num\">\(votes)</td><td class=\"num\">\(annotators)</td><td class=\"num\">\(share(stratum.sampleShare))</td><td class=\"num\">\(share(stratum.targetShare))</td><td class=\"num\">\(weight)</td></tr>"
        })
        let notes: HTML = weighting.notes.isEmpty ? .empty
            : "<ul class=\"warnings\">\(HTML.joined(weighting.notes.map { "<li>\($0)</li>" }))</ul>"
        return """
        <section class="weighting" aria-labelledby="weighting-heading">
        <h2 id="weighting-heading">Weighted by \(label.lowercased())</h2>
        <p class="note weighting-note">The board above re-weights \(counted(weighting.votes, "vote"))\(leftOut) so that \(scheme) (post-stratification). Effective sample size <strong class="ess">\(ess)</strong> of \(grouped(weighting.votes)) (design effect \(LeaderboardSVG.fixed(weighting.designEffect, 2))): its intervals are as wide as \(ess) unweighted votes would give. <a href="/api/arenas/\(arena)/leaderboard?weights=\(Self.query(target.isEmpty ? field : target))">JSON</a></p>
        \(notes)
        <div class="table-wrap"><table class="board strata">
        <caption class="visually-hidden">Groups of \(field) and their weights</caption>
        <thead><tr><th scope="col">\(label)</th><th scope="col" class="num">Votes</th><th scope="col" class="num">Annotators</th><th scope="col" class="num">Share of votes</th><th scope="col" class="num">Target share</th><th scope="col" class="num">Weight per vote</th></tr></thead>
        <tbody>\(strata)</tbody></table></div>
        \(comparison())
        \(form)
        </section>
        """
    }

    /// The weighted board beside the raw one: per contender (in the weighted
    /// board's order), both ratings with their intervals and the change.
    func comparison() -> HTML {
        let hasIntervals = weighted.hasIntervals && raw.hasIntervals
        func cell(_ entry: Leaderboard.Entry?) -> HTML {
            guard let entry else { return "<td class=\"num\">—</td>" }
            let interval: HTML = hasIntervals && entry.noInterval == nil
                ? " <span class=\"interval\">[\(LeaderboardSVG.fixed(entry.lower, 0))–\(LeaderboardSVG.fixed(entry.upper, 0))]</span>" : ""
            return "<td class=\"num\">\(entry.rank). \(LeaderboardSVG.fixed(entry.rating, 1))\(interval)</td>"
        }
        let names = weighted.contenders.map(\.name) + raw.contenders.map(\.name).filter { weighted.entry(named: $0) == nil }
        let rows = HTML.joined(names.map { name -> HTML in
            let w = weighted.entry(named: name)
            let r = raw.entry(named: name)
            let change: HTML = if let w, let r { "\(w.rating >= r.rating ? "+" : "−")\(LeaderboardSVG.fixed(abs(w.rating - r.rating), 1))" } else { "—" }
            return "<tr><th scope=\"row\" class=\"name\">\(name)</th>\(cell(r))\(cell(w))<td class=\"num\">\(change)</td></tr>"
        })
        return """
        <div class="table-wrap"><table class="board weighting-comparison">
        <caption>Raw and weighted boards side by side (rank. rating [interval])</caption>
        <thead><tr><th scope="col">Contender</th><th scope="col" class="num">Raw: every vote once</th><th scope="col" class="num">Weighted</th><th scope="col" class="num">Change</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """
    }

    /// `text` for a query string (the form's own encoding: space as +).
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
