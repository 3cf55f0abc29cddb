import Foundation

/// Draws a `DriverReport` as SVG, in the manner of `LeaderboardSVG` (plain
/// string building, presentation attributes only, every text escaped):
///
/// - `coefficientPlot`: a forest plot — each feature's coefficient (log-odds
///   per SD of the difference) with its interval, sorted, around a zero line;
///   discoveries filled, others hollow; the raw win rate of the side with
///   more of the feature on the right. With sources (humans, judges), one
///   marker per source, offset within the row, and a legend.
/// - `document`: the plot as a standalone SVG file with a title and a note.
public enum DriversSVG {
    static let sourceColours = ["#1d4ed8", "#c2410c", "#047857", "#7c3aed", "#b91c1c"]

    /// The coefficient plot, `width` wide.
    public static func coefficientPlot(_ report: DriverReport, width: Double = 720) -> LeaderboardSVG.Drawing {
        let series: [(label: String?, features: [DriverReport.Feature])] = report.sources.map { sources in
            sources.map { ($0.source, $0.features) }
        } ?? [(nil, report.features)]
        let order = report.features.indices
            .filter { report.features[$0].coefficient != nil }
            .sorted { (report.features[$0].coefficient ?? 0, report.features[$1].name) > (report.features[$1].coefficient ?? 0, report.features[$0].name) }
        guard !order.isEmpty else {
            return LeaderboardSVG.message("No feature could be estimated: see the warnings.", width: width)
        }
        let longest = order.map { report.features[$0].name.count }.max() ?? 8
        let left = min(max(Double(longest) * 7.2 + 16, 90), width * 0.35)
        let right = 92.0
        let top = series.count > 1 ? 48.0 : 30.0
        let row = series.count > 1 ? 18.0 * Double(series.count) + 8 : 26.0
        let bottom = 44.0
        let height = top + row * Double(order.count) + bottom
        var low = 0.0
        var high = 0.0
        for s in series {
            for f in order {
                let x = s.features[f]
                for v in [x.coefficient, x.coefficientLower, x.coefficientUpper].compactMap({ $0 }) where v.isFinite {
                    low = min(low, v)
                    high = max(high, v)
                }
            }
        }
        let ticks = LeaderboardSVG.niceTicks(low, high)
        let x0 = ticks.first!
        let x1 = ticks.last!
        let plotWidth = width - left - right
        func x(_ value: Double) -> Double { left + (value - x0) / (x1 - x0) * plotWidth }
        let num = LeaderboardSVG.num
        let escape = LeaderboardSVG.escape

        var out = ""
        let level = LeaderboardSVG.percent(report.method.level)
        out += "<text x=\"\(num(left))\" y=\"18\" fill=\"\(LeaderboardSVG.muted)\">\(escape("Effect on the odds of winning, per SD of the difference, with \(level) interval"))</text>"
        out += "<text x=\"\(num(width - right + 8))\" y=\"18\" fill=\"\(LeaderboardSVG.muted)\">win rate</text>"
        if series.count > 1 {
            var lx = left
            for (k, s) in series.enumerated() {
                let colour = sourceColours[k % sourceColours.count]
                out += "<circle cx=\"\(num(lx + 5))\" cy=\"35\" r=\"5\" fill=\"\(colour)\"/>"
                out += "<text x=\"\(num(lx + 14))\" y=\"39.5\" fill=\"\(LeaderboardSVG.ink)\">\(escape(s.label ?? ""))</text>"
                lx += 24 + Double((s.label ?? "").count) * 7.5
            }
        }
        for k in order.indices where k % 2 == 0 {
            out += "<rect x=\"0\" y=\"\(num(top + row * Double(k)))\" width=\"\(num(width))\" height=\"\(num(row))\" fill=\"#f6f8fa\"/>"
        }
        for tick in ticks {
            let tx = x(tick)
            let stroke = tick == 0 ? LeaderboardSVG.muted : LeaderboardSVG.grid
            out += "<line x1=\"\(num(tx))\" y1=\"\(num(top))\" x2=\"\(num(tx))\" y2=\"\(num(height - bottom))\" stroke=\"\(stroke)\"/>"
            out += "<text x=\"\(num(tx))\" y=\"\(num(height - bottom + 18))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">\(tickText(tick))</text>"
        }
        out += "<text x=\"\(num(left + plotWidth / 2))\" y=\"\(num(height - 6))\" text-anchor=\"middle\" fill=\"\(LeaderboardSVG.muted)\">log-odds per SD (0 = no effect; +0.1 ≈ 2.5 points of win rate)</text>"
        for (position, f) in order.enumerated() {
            let feature = report.features[f]
            let rowTop = top + row * Double(position)
            out += "<g class=\"feature\"><title>\(escape(tooltip(feature, series: series, index: f)))</title>"
            out += "<text x=\"\(num(left - 10))\" y=\"\(num(rowTop + row / 2 + 4.5))\" text-anchor=\"end\" fill=\"\(LeaderboardSVG.ink)\">\(escape(feature.name))</text>"
            for (k, s) in series.enumerated() {
                let item = s.features[f]
                guard let g = item.coefficient else { continue }
                let cy = series.count > 1 ? rowTop + 8 + 18 * (Double(k) + 0.5) : rowTop + row / 2
                let colour = series.count > 1 ? sourceColours[k % sourceColours.count] : LeaderboardSVG.accent
                if let lo = item.coefficientLower, let hi = item.coefficientUpper {
                    out += "<line x1=\"\(num(x(lo)))\" y1=\"\(num(cy))\" x2=\"\(num(x(hi)))\" y2=\"\(num(cy))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                }
                let fill = item.discovery ? colour : "#ffffff"
                out += "<circle cx=\"\(num(x(g)))\" cy=\"\(num(cy))\" r=\"5\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            }
            let rate = feature.winRate.map { "\(Int((100 * $0).rounded()))%" } ?? "–"
            out += "<text x=\"\(num(width - right + 8))\" y=\"\(num(rowTop + row / 2 + 4.5))\" fill=\"\(LeaderboardSVG.ink)\">\(escape(rate))</text>"
            out += "</g>"
        }
        return LeaderboardSVG.Drawing(width: width, height: height, body: out)
    }

    static func tickText(_ value: Double) -> String {
        let text = String(format: "%g", value)
        return value > 0 ? "+" + text : text
    }

    static func tooltip(_ feature: DriverReport.Feature, series: [(label: String?, features: [DriverReport.Feature])], index: Int) -> String {
        var parts = [feature.name]
        for s in series {
            let item = s.features[index]
            var text = s.label.map { "\($0): " } ?? ""
            if let g = item.coefficient {
                text += "coefficient \(String(format: "%+.3f", g))"
                if let lo = item.coefficientLower, let hi = item.coefficientUpper {
                    text += " (\(String(format: "%+.3f", lo)) to \(String(format: "%+.3f", hi)))"
                }
                if let q = item.qValue { text += ", q = \(pText(q))" }
            }
            if let rate = item.winRate { text += ", side with more wins \(LeaderboardSVG.fixed(100 * rate, 1))% of \(Int(item.decisivePairs))" }
            parts.append(text)
        }
        return parts.joined(separator: "; ")
    }

    /// A standalone SVG file: a title, a note, the coefficient plot.
    public static func document(_ report: DriverReport, title: String, width: Double = 720) -> String {
        let plot = coefficientPlot(report, width: width)
        var out = "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        out += "<text x=\"16\" y=\"28\" font-size=\"18\" font-weight=\"700\" fill=\"\(LeaderboardSVG.ink)\">\(LeaderboardSVG.escape(title))</text>"
        out += "<text x=\"16\" y=\"50\" fill=\"\(LeaderboardSVG.muted)\">\(LeaderboardSVG.escape(note(report)))</text>"
        out += "<g transform=\"translate(0 64)\">\(plot.body)</g>"
        return LeaderboardSVG.Drawing(width: width, height: 64 + plot.height + 12, body: out)
            .svg(title: title, id: "drivers", standalone: true)
    }

    /// "12,345 decisive judgements · contender strengths controlled · filled = discovery at FDR 0.05".
    public static func note(_ report: DriverReport) -> String {
        [
            "\(grouped(Int(report.method.decisive.rounded()))) decisive judgements",
            report.method.contenders ? "contender strengths controlled" : "contenders not in the model",
            "filled = discovery at FDR \(readable(report.method.falseDiscoveryRate))",
        ].joined(separator: " · ")
    }
}
