import Foundation

/// Draws a leaderboard as SVG, by plain string building (no fonts measured,
/// no scripts, no style sheets: only presentation attributes, so a strict
/// Content-Security-Policy allows it inline and as a file):
///
/// - `intervalPlot`: each contender's rating with its interval, sorted by
///   rating, like LMArena's bootstrap plot, on an Elo axis with round ticks.
/// - `heatmap`: the observed share of points row won against column (ties
///   half), coloured from 0% to 100%, with a legend; cells of pairs that
///   never met are blank.
/// - `document`: both, stacked, as one standalone SVG file with a title and
///   a note — what `/arenas/{arena}/leaderboard.svg` serves.
///
/// Every name and text is XML-escaped (`escape`), so a contender called
/// `<script>` is drawn as those characters.
public enum LeaderboardSVG {
    /// One drawing: the SVG elements and the size they occupy.
    public struct Drawing: Sendable {
        public var width: Double
        public var height: Double
        /// The elements, without an enclosing `<svg>`.
        public var body: String

        /// As an `<svg>` element. `standalone` adds the XML namespace and a
        /// fixed size (for a file); without it the drawing scales with its
        /// container (for inline use in a page).
        public func svg(title: String, id: String, standalone: Bool = false) -> String {
            let size = standalone ? " xmlns=\"http://www.w3.org/2000/svg\" width=\"\(num(width))\" height=\"\(num(height))\"" : ""
            return "<svg\(size) viewBox=\"0 0 \(num(width)) \(num(height))\" role=\"img\" aria-labelledby=\"\(escape(id))-title\" "
                + "font-family=\"\(LeaderboardSVG.fontFamily)\" font-size=\"13\" class=\"chart\">"
                + "<title id=\"\(escape(id))-title\">\(escape(title))</title>"
                + body + "</svg>"
        }
    }

    static let fontFamily = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
    static let ink = "#1f2933"
    static let muted = "#5f6b7a"
    static let grid = "#e3e7ec"
    static let accent = "#1d4ed8"

    /// Most contenders the heatmap shows (the top ones by rating).
    public static let heatmapLimit = 30

    // MARK: Interval plot

    /// Ratings with their intervals, best at the top.
    public static func intervalPlot(_ board: Leaderboard, width: Double = 720) -> Drawing {
        let entries = board.contenders.sorted { ($0.rating, $1.name) > ($1.rating, $0.name) }
        guard !entries.isEmpty else {
            return message("No votes yet: the plot appears after the first votes.", width: width)
        }
        let longest = entries.map { $0.name.count + ($0.provisional ? 2 : 0) }.max() ?? 8
        let left = min(max(Double(longest) * 7.2 + 16, 90), width * 0.4)
        let right = 56.0
        let top = 30.0
        let row = 26.0
        let bottom = 44.0
        let height = top + row * Double(entries.count) + bottom
        let low = entries.map { min($0.lower, $0.rating) }.min()!
        let high = entries.map { max($0.upper, $0.rating) }.max()!
        let ticks = niceTicks(low, high)
        let x0 = ticks.first!
        let x1 = ticks.last!
        let plotWidth = width - left - right
        func x(_ value: Double) -> Double { left + (value - x0) / (x1 - x0) * plotWidth }

        var out = ""
        let hasIntervals = board.hasIntervals
        let heading = hasIntervals
            ? "Rating (Elo scale) with \(percent(board.method.level ?? 0.95)) interval"
            : "Rating (Elo scale)"
        out += "<text x=\"\(num(left))\" y=\"18\" fill=\"\(muted)\">\(escape(heading))</text>"
        for k in entries.indices where k % 2 == 0 {
            out += "<rect x=\"0\" y=\"\(num(top + row * Double(k)))\" width=\"\(num(width))\" height=\"\(num(row))\" fill=\"#f6f8fa\"/>"
        }
        for tick in ticks {
            let tx = x(tick)
            out += "<line x1=\"\(num(tx))\" y1=\"\(num(top))\" x2=\"\(num(tx))\" y2=\"\(num(height - bottom))\" stroke=\"\(grid)\"/>"
            out += "<text x=\"\(num(tx))\" y=\"\(num(height - bottom + 18))\" text-anchor=\"middle\" fill=\"\(muted)\">\(num(tick))</text>"
        }
        out += "<line x1=\"\(num(left))\" y1=\"\(num(height - bottom))\" x2=\"\(num(width - right))\" y2=\"\(num(height - bottom))\" stroke=\"\(muted)\"/>"
        out += "<text x=\"\(num(left + plotWidth / 2))\" y=\"\(num(height - 6))\" text-anchor=\"middle\" fill=\"\(muted)\">Elo rating</text>"
        for (k, entry) in entries.enumerated() {
            let cy = top + row * (Double(k) + 0.5)
            let name = entry.name + (entry.provisional ? " *" : "")
            out += "<g class=\"contender\"><title>\(escape(tooltip(entry, hasIntervals: hasIntervals)))</title>"
            out += "<text x=\"\(num(left - 10))\" y=\"\(num(cy + 4.5))\" text-anchor=\"end\" fill=\"\(ink)\">\(escape(name))</text>"
            if hasIntervals && entry.noInterval == nil {
                let a = x(entry.lower)
                let b = x(entry.upper)
                out += "<line x1=\"\(num(a))\" y1=\"\(num(cy))\" x2=\"\(num(b))\" y2=\"\(num(cy))\" stroke=\"\(accent)\" stroke-width=\"2\"/>"
                out += "<line x1=\"\(num(a))\" y1=\"\(num(cy - 6))\" x2=\"\(num(a))\" y2=\"\(num(cy + 6))\" stroke=\"\(accent)\" stroke-width=\"2\"/>"
                out += "<line x1=\"\(num(b))\" y1=\"\(num(cy - 6))\" x2=\"\(num(b))\" y2=\"\(num(cy + 6))\" stroke=\"\(accent)\" stroke-width=\"2\"/>"
            }
            out += "<circle cx=\"\(num(x(entry.rating)))\" cy=\"\(num(cy))\" r=\"5\" fill=\"\(accent)\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
            out += "<text x=\"\(num(width - right + 8))\" y=\"\(num(cy + 4.5))\" fill=\"\(ink)\" font-weight=\"600\">\(num(entry.rating))</text>"
            out += "</g>"
        }
        return Drawing(width: width, height: height, body: out)
    }

    static func tooltip(_ entry: Leaderboard.Entry, hasIntervals: Bool) -> String {
        var text = "\(entry.name): \(fixed(entry.rating, 1))"
        if let why = entry.noInterval {
            text += " (no interval: \(why))"
        } else if hasIntervals {
            text += " (\(fixed(entry.lower, 1)) to \(fixed(entry.upper, 1)))"
        }
        text += ", \(counted(entry.votes, "vote"))"
        if entry.provisional { text += ", provisional" }
        return text
    }

    /// Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k,
    /// four to eight of them.
    public static func niceTicks(_ low: Double, _ high: Double) -> [Double] {
        var lo = low
        var hi = high
        if !(hi - lo > 1e-9) {
            lo -= 10
            hi += 10
        }
        let span = hi - lo
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { span / $0 <= 7 } ?? 10 * magnitude
        let start = floor(lo / step) * step
        let end = ceil(hi / step) * step
        var ticks: [Double] = []
        var t = start
        while t <= end + step * 1e-9 {
            ticks.append((t / step).rounded() * step)
            t += step
        }
        return ticks
    }

    // MARK: Heatmap

    /// Observed win rates of row against column, in leaderboard order.
    public static func heatmap(_ matrices: PairMatrices, width: Double = 720) -> Drawing {
        let n = min(matrices.contenders.count, heatmapLimit)
        guard n >= 2 else {
            return message("The heatmap appears once two contenders have met.", width: width)
        }
        let names = Array(matrices.contenders.prefix(n))
        // Labels are cut at 24 characters (the full name is in each cell's
        // title), and the rotated column labels get room on the top and the
        // right, so that none is clipped however many contenders there are.
        let labels = names.map { $0.count > 24 ? String($0.prefix(23)) + "…" : $0 }
        let longest = Double(labels.map(\.count).max() ?? 8)
        let left = min(max(longest * 7.2 + 14, 80), width * 0.35)
        let headroom = max(longest * 5.3 + 16, 50)
        let rightRoom = longest * 5.3 + 12
        let cell = max(min((width - left - rightRoom) / Double(n), 64), 18)
        let gridSize = cell * Double(n)
        let legendTop = headroom + gridSize + 20
        let height = legendTop + 48
        let drawnWidth = max(width, left + gridSize + rightRoom)
        var out = ""
        for (j, label) in labels.enumerated() {
            let cx = left + cell * (Double(j) + 0.5)
            out += "<text transform=\"translate(\(num(cx + 4)) \(num(headroom - 8))) rotate(-45)\" fill=\"\(ink)\">\(escape(label))</text>"
        }
        for (i, label) in labels.enumerated() {
            let cy = headroom + cell * (Double(i) + 0.5)
            out += "<text x=\"\(num(left - 8))\" y=\"\(num(cy + 4.5))\" text-anchor=\"end\" fill=\"\(ink)\">\(escape(label))</text>"
            for j in 0..<n {
                let x = left + cell * Double(j)
                let y = headroom + cell * Double(i)
                let rect = "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(cell))\" height=\"\(num(cell))\" stroke=\"#ffffff\" stroke-width=\"1\""
                if i == j {
                    out += rect + " fill=\"#eef0f3\"/>"
                    continue
                }
                guard let rate = matrices.observedWinRate[i][j] else {
                    out += "<g>" + rect + " fill=\"#fafbfc\"/><title>\(escape("\(names[i]) and \(names[j]) have not met"))</title></g>"
                    continue
                }
                let battles = matrices.battles[i][j]
                let colour = colourFor(rate)
                out += "<g>" + rect + " fill=\"\(colour.hex)\"/>"
                out += "<title>\(escape("\(names[i]) against \(names[j]): \(percentText(rate)) of points in \(battles) battle\(battles == 1 ? "" : "s")"))</title>"
                if cell >= 26 {
                    out += "<text x=\"\(num(x + cell / 2))\" y=\"\(num(y + cell / 2 + 4))\" text-anchor=\"middle\" font-size=\"\(cell >= 40 ? 12 : 10)\" fill=\"\(colour.dark ? "#ffffff" : ink)\">\(Int((rate * 100).rounded()))</text>"
                }
                out += "</g>"
            }
        }
        // Legend: 0% to 100%.
        let legendWidth = min(gridSize, 320)
        let steps = 20
        for s in 0..<steps {
            let rate = Double(s) / Double(steps - 1)
            let x = left + legendWidth * Double(s) / Double(steps)
            out += "<rect x=\"\(num(x))\" y=\"\(num(legendTop))\" width=\"\(num(legendWidth / Double(steps) + 0.5))\" height=\"12\" fill=\"\(colourFor(rate).hex)\"/>"
        }
        out += "<text x=\"\(num(left))\" y=\"\(num(legendTop + 28))\" fill=\"\(muted)\">0%</text>"
        out += "<text x=\"\(num(left + legendWidth / 2))\" y=\"\(num(legendTop + 28))\" text-anchor=\"middle\" fill=\"\(muted)\">50%</text>"
        out += "<text x=\"\(num(left + legendWidth))\" y=\"\(num(legendTop + 28))\" text-anchor=\"end\" fill=\"\(muted)\">100%</text>"
        out += "<text x=\"\(num(left))\" y=\"\(num(legendTop + 44))\" fill=\"\(muted)\" font-size=\"12\">share of points the row won against the column (ties count half)</text>"
        if matrices.contenders.count > n {
            out += "<text x=\"\(num(left + legendWidth + 16))\" y=\"\(num(legendTop + 10))\" fill=\"\(muted)\" font-size=\"12\">top \(n) of \(matrices.contenders.count) shown</text>"
        }
        return Drawing(width: drawnWidth, height: height, body: out)
    }

    /// A diverging scale, colour-blind safe: orange (0%) through near-white (50%) to blue (100%).
    static func colourFor(_ rate: Double) -> (hex: String, dark: Bool) {
        let stops: [(Double, (Double, Double, Double))] = [
            (0.0, (179, 88, 6)), (0.25, (241, 163, 64)), (0.5, (247, 247, 247)), (0.75, (116, 169, 207)), (1.0, (5, 80, 160)),
        ]
        let r = min(max(rate, 0), 1)
        var k = 0
        while k < stops.count - 2 && r > stops[k + 1].0 { k += 1 }
        let (a, ca) = stops[k]
        let (b, cb) = stops[k + 1]
        let t = (r - a) / (b - a)
        let rgb = (ca.0 + (cb.0 - ca.0) * t, ca.1 + (cb.1 - ca.1) * t, ca.2 + (cb.2 - ca.2) * t)
        let luminance = 0.2126 * rgb.0 + 0.7152 * rgb.1 + 0.0722 * rgb.2
        let hex = String(format: "#%02x%02x%02x", Int(rgb.0.rounded()), Int(rgb.1.rounded()), Int(rgb.2.rounded()))
        return (hex, luminance < 120)
    }

    // MARK: The whole leaderboard

    /// A standalone SVG file: a title, a note on the votes and method, the
    /// interval plot and the heatmap.
    public static func document(_ board: Leaderboard, title: String, width: Double = 720) -> String {
        let plot = intervalPlot(board, width: width)
        let heat = board.matrices.map { heatmap($0, width: width) }
        let fullWidth = max(width, heat?.width ?? width)
        var out = "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        out += "<text x=\"16\" y=\"28\" font-size=\"18\" font-weight=\"700\" fill=\"\(ink)\">\(escape(title))</text>"
        out += "<text x=\"16\" y=\"50\" fill=\"\(muted)\">\(escape(note(board)))</text>"
        var y = 64.0
        out += "<g transform=\"translate(0 \(num(y)))\">\(plot.body)</g>"
        y += plot.height + 16
        if let heat {
            out += "<text x=\"16\" y=\"\(num(y + 14))\" font-weight=\"600\" fill=\"\(ink)\">Pairwise win rates</text>"
            y += 22
            out += "<g transform=\"translate(0 \(num(y)))\">\(heat.body)</g>"
            y += heat.height
        }
        return Drawing(width: fullWidth, height: y + 12, body: out).svg(title: title, id: "leaderboard", standalone: true)
    }

    /// One line on the votes and the method: "412 votes · Bradley–Terry ·
    /// 95% intervals from 1000 bootstrap rounds (seed 42)".
    public static func note(_ board: Leaderboard) -> String {
        var parts = [counted(board.method.votes, "vote"), "Bradley–Terry (\(board.method.fit))"]
        switch board.method.intervals {
        case "bootstrap":
            parts.append("\(percent(board.method.level ?? 0.95)) intervals from \(counted(board.method.rounds ?? 0, "bootstrap round")) (seed \(board.method.seed ?? 0))")
        case "sandwich":
            parts.append("\(percent(board.method.level ?? 0.95)) sandwich intervals")
        default:
            parts.append("no intervals")
        }
        return parts.joined(separator: " · ")
    }

    static func message(_ text: String, width: Double) -> Drawing {
        Drawing(width: width, height: 60, body: "<text x=\"\(num(width / 2))\" y=\"34\" text-anchor=\"middle\" fill=\"\(muted)\">\(escape(text))</text>")
    }

    // MARK: Text

    /// Escapes text for XML content and attribute values (`MarkupEscaping`).
    public static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }

    /// A coordinate or value: at most one decimal, no trailing ".0".
    static func num(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.1f", rounded)
    }

    /// `value` with `digits` decimals (the module's `fixed`, for the pages).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        PreferCore.fixed(value, digits)
    }

    /// A level as a percentage: "95%", "97.5%".
    public static func percent(_ level: Double) -> String {
        let p = level * 100
        return p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
    }

    static func percentText(_ rate: Double) -> String {
        "\(Int((rate * 100).rounded()))%"
    }
}
