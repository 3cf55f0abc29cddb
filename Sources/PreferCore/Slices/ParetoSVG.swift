/// Draws a `ParetoFront` as SVG, in the manner of `LeaderboardSVG`:
///
/// - `scatter` (two criteria): each contender at (rating on the first,
///   rating on the second) with both intervals as cross-hairs; front members
///   filled and joined by the front's staircase, dominated ones hollow.
/// - `grid` (any number of criteria): one row per contender (front first),
///   one column per criterion with its own Elo axis, each cell the rating
///   with its interval; front members in bold.
/// - `chart`: the scatter for two criteria, the grid otherwise.
public enum ParetoSVG {
    public static func chart(_ front: ParetoFront, width: Double = 720) -> LeaderboardSVG.Drawing {
        front.criteria.count == 2 ? scatter(front, width: width) : grid(front, width: width)
    }

    static let dominated = "#8a94a3"

    public static func scatter(_ front: ParetoFront, width: Double = 720) -> LeaderboardSVG.Drawing {
        guard front.criteria.count >= 2, !front.contenders.isEmpty else {
            return LeaderboardSVG.message("The Pareto view needs contenders rated on two criteria.", width: width)
        }
        let num = LeaderboardSVG.num
        let escape = LeaderboardSVG.escape
        let members = front.contenders
        let xt = LeaderboardSVG.niceTicks(members.map { min($0.lower[0], $0.ratings[0]) }.min()!, members.map { max($0.upper[0], $0.ratings[0]) }.max()!)
        let yt = LeaderboardSVG.niceTicks(members.map { min($0.lower[1], $0.ratings[1]) }.min()!, members.map { max($0.upper[1], $0.ratings[1]) }.max()!)
        let left = 64.0
        let right = 150.0
        let top = 30.0
        let bottom = 48.0
        let plot = min(width - left - right, 460)
        let height = top + plot + bottom
        func x(_ v: Double) -> Double { left + (v - xt.first!) / (xt.last! - xt.first!) * plot }
        func y(_ v: Double) -> Double { top + (yt.last! - v) / (yt.last! - yt.first!) * plot }
        var out = "<text x=\"\(num(left))\" y=\"18\" fill=\"\(LeaderboardSVG.muted)\">\(escape("Pareto front: no other contender is better on both \(front.criteria[0]) and \(front.criteria[1])"))</text>"
        for t in xt {
            out += "<line x1=\"\(num(x(t)))\" y1=\"\(num(top))\" x2=\"\(num(x(t)))\" y2=\"\(num(top + plot))\" stroke=\"\(LeaderboardSVG.grid)\"/>"
            out += "<text x=\"\(num(x(t)))\" y=\"\(num(top + plot + 18))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(num(t))</text>"
        }
        for t in yt {
            out += "<line x1=\"\(num(left))\" y1=\"\(num(y(t)))\" x2=\"\(num(left + plot))\" y2=\"\(num(y(t)))\" stroke=\"\(LeaderboardSVG.grid)\"/>"
            out += "<text x=\"\(num(left - 8))\" y=\"\(num(y(t) + 4))\" text-anchor=\"end\" fill=\"\(LeaderboardSVG.muted)\">\(num(t))</text>"
        }
        out += "<text x=\"\(num(left + plot / 2))\" y=\"\(num(height - 6))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(escape(front.criteria[0]))</text>"
        out += "<text transform=\"translate(14 \(num(top + plot / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(escape(front.criteria[1]))</text>"
        // The front's staircase, best on the first criterion first.
        let onFront = members.filter(\.front).sorted { $0.ratings[0] > $1.ratings[0] }
        if onFront.count > 1 {
            var path = "M\(num(x(onFront[0].ratings[0]))),\(num(y(onFront[0].ratings[1])))"
            for m in onFront.dropFirst() {
                path += " H\(num(x(m.ratings[0]))) V\(num(y(m.ratings[1])))"
            }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(LeaderboardSVG.accent)\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
        }
        for m in members.reversed() {
            let colour = m.front ? LeaderboardSVG.accent : dominated
            let cx = x(m.ratings[0])
            let cy = y(m.ratings[1])
            out += "<g class=\"contender\"><title>\(escape(tooltip(m, front.criteria)))</title>"
            out += "<line x1=\"\(num(x(m.lower[0])))\" y1=\"\(num(cy))\" x2=\"\(num(x(m.upper[0])))\" y2=\"\(num(cy))\" stroke=\"\(colour)\" stroke-opacity=\"0.6\"/>"
            out += "<line x1=\"\(num(cx))\" y1=\"\(num(y(m.lower[1])))\" x2=\"\(num(cx))\" y2=\"\(num(y(m.upper[1])))\" stroke=\"\(colour)\" stroke-opacity=\"0.6\"/>"
            out += "<circle cx=\"\(num(cx))\" cy=\"\(num(cy))\" r=\"5\" fill=\"\(m.front ? colour : "#ffffff")\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(num(cx + 8))\" y=\"\(num(cy - 6))\" fill=\"\(m.front ? LeaderboardSVG.ink : dominated)\" font-size=\"12\"\(m.front ? " font-weight=\"600\"" : "")>\(escape(m.name + (m.provisional ? " *" : "")))</text>"
            out += "</g>"
        }
        return LeaderboardSVG.Drawing(width: width, height: height, body: out)
    }

    public static func grid(_ front: ParetoFront, width: Double = 720) -> LeaderboardSVG.Drawing {
        guard !front.criteria.isEmpty, !front.contenders.isEmpty else {
            return LeaderboardSVG.message("The Pareto view needs contenders rated on every criterion.", width: width)
        }
        let num = LeaderboardSVG.num
        let escape = LeaderboardSVG.escape
        let members = front.contenders
        let k = front.criteria.count
        let longest = Double(members.map { $0.name.count + 2 }.max() ?? 8)
        let left = min(max(longest * 7.2 + 16, 90), width * 0.35)
        let top = 44.0
        let row = 24.0
        let gap = 14.0
        let column = (width - left - gap * Double(k)) / Double(k)
        let height = top + row * Double(members.count) + 40
        var out = "<text x=\"\(num(left))\" y=\"16\" fill=\"\(LeaderboardSVG.muted)\">\(escape("Ratings per criterion; bold: on the Pareto front (nobody better on every criterion)"))</text>"
        for k in members.indices where k % 2 == 0 {
            out += "<rect x=\"0\" y=\"\(num(top + row * Double(k)))\" width=\"\(num(width))\" height=\"\(num(row))\" fill=\"#f6f8fa\"/>"
        }
        for (j, criterion) in front.criteria.enumerated() {
            let x0 = left + Double(j) * (column + gap)
            let ticks = LeaderboardSVG.niceTicks(members.map { min($0.lower[j], $0.ratings[j]) }.min()!, members.map { max($0.upper[j], $0.ratings[j]) }.max()!)
            func x(_ v: Double) -> Double { x0 + (v - ticks.first!) / (ticks.last! - ticks.first!) * column }
            out += "<text x=\"\(num(x0 + column / 2))\" y=\"\(num(top - 10))\" text-anchor=\"middle\" font-weight=\"600\" fill=\"\(LeaderboardSVG.ink)\">\(escape(criterion))</text>"
            for t in [ticks.first!, ticks.last!] {
                out += "<text x=\"\(num(x(t)))\" y=\"\(num(height - 22))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\" font-size=\"11\">\(num(t))</text>"
            }
            out += "<line x1=\"\(num(x0))\" y1=\"\(num(height - 36))\" x2=\"\(num(x0 + column))\" y2=\"\(num(height - 36))\" stroke=\"\(LeaderboardSVG.muted)\"/>"
            for (i, m) in members.enumerated() {
                let cy = top + row * (Double(i) + 0.5)
                let colour = m.front ? LeaderboardSVG.accent : dominated
                out += "<line x1=\"\(num(x(m.lower[j])))\" y1=\"\(num(cy))\" x2=\"\(num(x(m.upper[j])))\" y2=\"\(num(cy))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                out += "<circle cx=\"\(num(x(m.ratings[j])))\" cy=\"\(num(cy))\" r=\"4\" fill=\"\(colour)\"/>"
            }
        }
        for (i, m) in members.enumerated() {
            let cy = top + row * (Double(i) + 0.5)
            out += "<g class=\"contender\"><title>\(escape(tooltip(m, front.criteria)))</title>"
            out += "<text x=\"\(num(left - 10))\" y=\"\(num(cy + 4.5))\" text-anchor=\"end\" fill=\"\(m.front ? LeaderboardSVG.ink : dominated)\"\(m.front ? " font-weight=\"700\"" : "")>\(escape(m.name + (m.provisional ? " *" : "")))</text></g>"
        }
        return LeaderboardSVG.Drawing(width: width, height: height, body: out)
    }

    static func tooltip(_ m: ParetoFront.Member, _ criteria: [String]) -> String {
        var parts = criteria.indices.map { "\(criteria[$0]) \(LeaderboardSVG.fixed(m.ratings[$0], 1))" }
        if m.front {
            parts.append("on the Pareto front")
        } else if let first = m.dominatedBy.first {
            parts.append(first.clear ? "clearly dominated by \(first.name)" : "dominated by \(first.name) within the intervals")
        }
        return "\(m.name): " + parts.joined(separator: ", ")
    }
}
