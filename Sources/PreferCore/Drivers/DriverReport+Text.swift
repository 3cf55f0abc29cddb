import Foundation

extension DriverReport {
    /// The text forms `prefer drivers` prints.
    public enum TextFormat: String, Sendable, CaseIterable {
        case table, markdown, json, csv, svg
    }

    public func rendered(as format: TextFormat, title: String = "What drives the votes") throws -> String {
        switch format {
        case .json: return try jsonText()
        case .csv: return csvText()
        case .table: return tableText(markdown: false)
        case .markdown: return tableText(markdown: true)
        case .svg: return DriversSVG.document(self, title: title) + "\n"
        }
    }

    public func jsonText(pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Every number in the report is finite or null; a failure is a bug worth seeing.
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func csvText() -> String {
        let header = ["name", "decisive_pairs", "more_wins", "more_losses", "win_rate", "win_rate_lower", "win_rate_upper",
                      "p_value", "coefficient", "coefficient_lower", "coefficient_upper", "coefficient_se",
                      "coefficient_p_value", "q_value", "discovery", "sd_difference"]
        func cell(_ x: Double?) -> String { x.map { String($0) } ?? "" }
        var lines = [header.joined(separator: ",")]
        for f in features {
            lines.append([
                csvField(f.name), number(f.decisivePairs), number(f.moreWins), number(f.moreLosses), cell(f.winRate),
                cell(f.winRateLower), cell(f.winRateUpper), cell(f.pValue), cell(f.coefficient), cell(f.coefficientLower),
                cell(f.coefficientUpper), cell(f.coefficientSE), cell(f.coefficientPValue), cell(f.qValue),
                f.discovery ? "true" : "false", cell(f.sdDifference),
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func tableText(markdown: Bool) -> String {
        let percent = Int((method.level * 100).rounded())
        let header = ["Feature", "Pairs", "More wins", "Win rate", "\(percent)% CI", "p", "Coef/SD", "\(percent)% CI", "q", ""]
        var rows: [[String]] = []
        for f in features {
            rows.append([
                f.name,
                grouped(Int(f.decisivePairs.rounded())),
                grouped(Int(f.moreWins.rounded())),
                f.winRate.map { fixed(100 * $0, 1) + "%" } ?? "–",
                interval(f.winRateLower.map { 100 * $0 }, f.winRateUpper.map { 100 * $0 }, digits: 1, suffix: "%"),
                pText(f.pValue),
                f.coefficient.map(signed) ?? "–",
                interval(f.coefficientLower, f.coefficientUpper, digits: 3, suffix: ""),
                pText(f.qValue),
                f.discovery ? "*" : "",
            ])
        }
        let right: Set<Int> = [1, 2, 3, 5, 6, 8]
        var out = markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)
        out += "\n" + (markdown ? "_\(summary())_" : summary()) + "\n"
        if let sources, let comparison = sourceComparison, !comparison.isEmpty {
            out += "\n" + sourceTable(sources, comparison, markdown: markdown)
        } else if let sources {
            out += "\n" + sourceTable(sources, [], markdown: markdown)
        }
        return out
    }

    /// One paragraph on what was computed from what.
    public func summary() -> String {
        var parts: [String] = []
        parts.append("\(grouped(method.rows)) rows, \(grouped(Int(method.decisive.rounded()))) decisive judgements (\(grouped(Int(method.tiedJudgements.rounded()))) ties left out)")
        if method.contenders {
            parts.append("joint logistic model with the strengths of \(method.contenderCount) contenders")
        } else {
            parts.append("joint logistic model through the origin (contenders unknown or not used)")
        }
        parts.append("coefficients in log-odds per SD of the difference A − B, robust \(Int((method.level * 100).rounded()))% intervals")
        parts.append("* = discovery at a false discovery rate of \(readable(method.falseDiscoveryRate)) (Benjamini–Hochberg)")
        if !method.converged { parts.append("the model did NOT converge") }
        return "Win rate: of decisive judgements where the sides differ, the share won by the side with more of the feature. "
            + parts.joined(separator: "; ") + "."
    }

    func sourceTable(_ sources: [Source], _ comparison: [Comparison], markdown: Bool) -> String {
        var header = ["Feature"]
        for s in sources { header += ["\(s.source) win rate", "\(s.source) coef/SD"] }
        let reference = comparison.first?.reference
        let compared = Array(Set(comparison.map(\.source))).sorted()
        for c in compared { header += ["\(c) − \(reference ?? "") [CI]", "q"] }
        var rows: [[String]] = []
        for (f, feature) in features.enumerated() {
            var row = [feature.name]
            for s in sources {
                let x = s.features[f]
                row.append(x.winRate.map { fixed(100 * $0, 1) + "%" } ?? "–")
                row.append((x.coefficient.map(signed) ?? "–") + (x.discovery ? " *" : ""))
            }
            for c in compared {
                let entry = comparison.first { $0.source == c && $0.name == feature.name }
                row.append(entry?.difference.map { signed($0) + " " + interval(entry?.differenceLower, entry?.differenceUpper, digits: 3, suffix: "") } ?? "–")
                row.append(pText(entry?.qValue))
            }
            rows.append(row)
        }
        let right = Set(1..<header.count)
        let counts = sources.map { "\($0.source): \(grouped($0.rows)) rows" }.joined(separator: ", ")
        var out = markdown ? "**By source** (\(counts))\n\n" : "By source (\(counts)); SDs pooled over all rows so coefficients compare:\n"
        out += markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)
        return out
    }

    func interval(_ lower: Double?, _ upper: Double?, digits: Int, suffix: String) -> String {
        guard let lower, let upper else { return "–" }
        if suffix.isEmpty { return "\(signed(lower, digits))…\(signed(upper, digits))" }
        return "\(fixed(lower, digits))–\(fixed(upper, digits))\(suffix)"
    }

    func signed(_ x: Double) -> String { signed(x, 3) }

    func signed(_ x: Double, _ digits: Int) -> String {
        let text = fixed(x, digits)
        return x >= 0 && !text.hasPrefix("-") ? "+" + text : text
    }
}

/// A p-value for a table: four decimals, or scientific notation below 10⁻⁴, or "< 1e-16".
func pText(_ p: Double?) -> String {
    guard let p else { return "–" }
    if p < 1e-16 { return "<1e-16" }
    if p < 1e-4 { return String(format: "%.1e", p) }
    return fixed(p, 4)
}
