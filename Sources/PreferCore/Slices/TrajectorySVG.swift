import Foundation

/// Draws a rating trajectory as SVG, in the manner of `LeaderboardSVG`
/// (plain presentation attributes, every text escaped, no scripts): one line
/// per contender over time — or over votes when the trajectory follows file
/// order — with its interval as a shaded band, dashed while the contender is
/// provisional, and its name at its last point. The `limit` contenders best
/// rated at the last point are drawn.
public enum TrajectorySVG {
    /// A colour-blind-safe qualitative palette (Okabe & Ito 2008, then Tol's muted).
    static let palette = [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#332288", "#882255",
        "#117733", "#999933", "#aa4499", "#44aa99",
    ]

    public static func chart(_ trajectory: RatingTrajectory, width: Double = 720, limit: Int = 10) -> LeaderboardSVG.Drawing {
        let series = Array(trajectory.series.prefix(limit))
        guard !series.isEmpty, !trajectory.points.isEmpty else {
            return LeaderboardSVG.message("No votes yet: the trajectory appears after the first votes.", width: width)
        }
        let byTime = trajectory.points.allSatisfy { $0.endTime != nil }
        func xValue(_ point: Int) -> Double {
            let p = trajectory.points[point]
            return byTime ? p.endTime! : Double(p.lastVote)
        }
        let xs = trajectory.points.indices.map(xValue)
        let values = series.flatMap(\.values)
        let low = values.map { min($0.lower, $0.rating) }.min()!
        let high = values.map { max($0.upper, $0.rating) }.max()!
        let ticks = LeaderboardSVG.niceTicks(low, high)
        let y0 = ticks.first!
        let y1 = ticks.last!
        let longest = Double(series.map(\.name.count).max() ?? 8)
        let left = 56.0
        let right = min(max(longest * 7.2 + 20, 80), width * 0.4)
        let top = 30.0
        let plotHeight = 300.0
        let bottom = 48.0
        let height = top + plotHeight + bottom
        let plotWidth = width - left - right
        let xMin = xs.min()!
        var xMax = xs.max()!
        if xMax <= xMin { xMax = xMin + 1 }
        func x(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotWidth }
        func y(_ v: Double) -> Double { top + (y1 - v) / (y1 - y0) * plotHeight }
        let num = LeaderboardSVG.num
        let escape = LeaderboardSVG.escape

        var out = ""
        let heading = trajectory.intervals == "none"
            ? "Rating (Elo scale) \(trajectory.cumulative ? "on all votes so far" : "over a \(trajectory.window ?? "") window")"
            : "Rating (Elo scale) with \(LeaderboardSVG.percent(trajectory.level ?? 0.95)) interval, \(trajectory.cumulative ? "on all votes so far" : "over a \(trajectory.window ?? "") window")"
        out += "<text x=\"\(num(left))\" y=\"18\" fill=\"\(LeaderboardSVG.muted)\">\(escape(heading))</text>"
        for tick in ticks {
            let ty = y(tick)
            out += "<line x1=\"\(num(left))\" y1=\"\(num(ty))\" x2=\"\(num(left + plotWidth))\" y2=\"\(num(ty))\" stroke=\"\(LeaderboardSVG.grid)\"/>"
            out += "<text x=\"\(num(left - 8))\" y=\"\(num(ty + 4))\" text-anchor=\"end\" fill=\"\(LeaderboardSVG.muted)\">\(num(tick))</text>"
        }
        out += "<line x1=\"\(num(left))\" y1=\"\(num(top + plotHeight))\" x2=\"\(num(left + plotWidth))\" y2=\"\(num(top + plotHeight))\" stroke=\"\(LeaderboardSVG.muted)\"/>"
        for (tick, label) in xTicks(xMin, xMax, byTime: byTime) {
            let tx = x(tick)
            out += "<line x1=\"\(num(tx))\" y1=\"\(num(top + plotHeight))\" x2=\"\(num(tx))\" y2=\"\(num(top + plotHeight + 5))\" stroke=\"\(LeaderboardSVG.muted)\"/>"
            out += "<text x=\"\(num(tx))\" y=\"\(num(top + plotHeight + 20))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(escape(label))</text>"
        }
        out += "<text x=\"\(num(left + plotWidth / 2))\" y=\"\(num(height - 6))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(byTime ? "time (UTC)" : "votes")</text>"

        var labels: [(y: Double, name: String, colour: String)] = []
        for (k, s) in series.enumerated() {
            let colour = palette[k % palette.count]
            out += "<g class=\"series\"><title>\(escape(tooltip(s)))</title>"
            if trajectory.intervals != "none" && s.values.count > 1 {
                let upper = s.values.map { "\(num(x(xs[$0.point]))),\(num(y($0.upper)))" }
                let lower = s.values.reversed().map { "\(num(x(xs[$0.point]))),\(num(y($0.lower)))" }
                out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.12\" stroke=\"none\"/>"
            }
            // Line segments, dashed where either end is provisional.
            for (a, b) in zip(s.values, s.values.dropFirst()) {
                let dash = a.provisional || b.provisional ? " stroke-dasharray=\"4 3\"" : ""
                out += "<line x1=\"\(num(x(xs[a.point])))\" y1=\"\(num(y(a.rating)))\" x2=\"\(num(x(xs[b.point])))\" y2=\"\(num(y(b.rating)))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>"
            }
            for v in s.values {
                let fill = v.provisional ? "#ffffff" : colour
                out += "<circle cx=\"\(num(x(xs[v.point])))\" cy=\"\(num(y(v.rating)))\" r=\"\(s.values.count > 60 ? 1.5 : 3)\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
            }
            out += "</g>"
            if let last = s.values.last { labels.append((y(last.rating), s.name, colour)) }
        }
        // Names at the right, nudged apart so they do not overlap.
        labels.sort { $0.y < $1.y }
        var placed: [Double] = []
        for label in labels {
            var ly = max(label.y, (placed.last ?? -1e9) + 14)
            ly = min(ly, top + plotHeight + 10)
            placed.append(ly)
            out += "<text x=\"\(num(left + plotWidth + 8))\" y=\"\(num(ly + 4))\" fill=\"\(label.colour)\" font-weight=\"600\">\(escape(label.name))</text>"
        }
        if trajectory.series.count > series.count {
            out += "<text x=\"\(num(left))\" y=\"\(num(height - 22))\" fill=\"\(LeaderboardSVG.muted)\" font-size=\"12\">top \(series.count) of \(trajectory.series.count) contenders shown</text>"
        }
        return LeaderboardSVG.Drawing(width: width, height: height, body: out)
    }

    static func tooltip(_ s: RatingTrajectory.Series) -> String {
        guard let last = s.values.last else { return s.name }
        var text = "\(s.name): \(LeaderboardSVG.fixed(last.rating, 1))"
        if last.lower != last.upper { text += " (\(LeaderboardSVG.fixed(last.lower, 1)) to \(LeaderboardSVG.fixed(last.upper, 1)))" }
        text += " at the last point, \(last.votes) votes"
        if last.provisional { text += ", provisional" }
        return text
    }

    /// Ticks on the horizontal axis: dates (or hours) for time, round vote counts otherwise.
    static func xTicks(_ low: Double, _ high: Double, byTime: Bool) -> [(Double, String)] {
        guard byTime else {
            return LeaderboardSVG.niceTicks(low, high).filter { $0 >= low && $0 <= high }.map { ($0, LeaderboardSVG.num($0)) }
        }
        let span = high - low
        let steps: [Double] = [3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400]
        let step = steps.first { span / $0 <= 7 } ?? 365 * 86400
        var t = (low / step).rounded(.up) * step
        var ticks: [(Double, String)] = []
        var style = Date.ISO8601FormatStyle().year().month().day()
        if step < 86400 { style = style.time(includingFractionalSeconds: false) }
        while t <= high && ticks.count < 12 {
            ticks.append((t, Date(timeIntervalSince1970: t).formatted(style)))
            t += step
        }
        return ticks
    }
}
