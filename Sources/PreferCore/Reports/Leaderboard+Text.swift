import Foundation

extension Leaderboard {
    /// The text forms `prefer rank` prints.
    public enum TextFormat: String, Sendable, CaseIterable {
        case table, json, csv, markdown
    }

    /// The leaderboard as text. `matrices` are appended when present.
    public func rendered(as format: TextFormat) throws -> String {
        switch format {
        case .json: return try jsonText()
        case .csv: return csvText()
        case .table: return tableText(markdown: false)
        case .markdown: return tableText(markdown: true)
        }
    }

    /// The JSON contract. Throws (`EncodingError`) rather than print a
    /// non-finite number: ratings are always finite, so that is a bug worth seeing.
    public func jsonText(pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Whether the ratings come with intervals (bootstrap or sandwich).
    public var hasIntervals: Bool { method.intervals != "none" }
    var hasElo: Bool { contenders.contains { $0.elo != nil } }
    var hasRankIntervals: Bool { contenders.contains { $0.rankLower != nil } }
    var hasGroups: Bool { contenders.contains { $0.group != nil } }
    var hasAuditShift: Bool { contenders.contains { $0.auditShift != nil } }

    func csvText() -> String {
        var header = ["rank", "rank_ub", "contender", "rating", "lower", "upper", "votes", "win_rate"]
        if hasRankIntervals { header += ["rank_lower", "rank_upper"] }
        if hasElo { header.append("elo") }
        if hasGroups { header.append("group") }
        if hasAuditShift { header.append("audit_shift") }
        header.append("provisional")
        var lines = [header.joined(separator: ",")]
        for e in contenders {
            var row = [String(e.rank), String(e.rankUB), csvField(e.name), number(e.rating), number(e.lower),
                       number(e.upper), String(e.votes), number(e.winRate)]
            if hasRankIntervals { row += [e.rankLower.map(String.init) ?? "", e.rankUpper.map(String.init) ?? ""] }
            if hasElo { row.append(e.elo.map(number) ?? "") }
            if hasGroups { row.append(e.group.map(String.init) ?? "") }
            if hasAuditShift { row.append(e.auditShift.map(number) ?? "") }
            row.append(e.provisional ? "true" : "false")
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func tableText(markdown: Bool) -> String {
        var header = ["Rank", "Rank (UB)", "Contender", "Rating"]
        var right: Set<Int> = [0, 1, 3]
        if hasIntervals {
            header += ["−", "+"]
        }
        if hasRankIntervals { header.append("Rank CI") }
        header += ["Votes", "Win rate"]
        if hasElo { header.append("Elo") }
        if hasGroups { header.append("Group") }
        if hasAuditShift { header.append("Audit Δ") }
        for (k, title) in header.enumerated() where !["Contender", "Rank CI"].contains(title) { right.insert(k) }
        var rows: [[String]] = []
        for e in contenders {
            var row = [String(e.rank), String(e.rankUB), e.name + (e.provisional ? " *" : ""), fixed(e.rating, 1)]
            if hasIntervals {
                row += e.noInterval == nil ? [fixed(e.rating - e.lower, 1), fixed(e.upper - e.rating, 1)] : ["–", "–"]
            }
            if hasRankIntervals {
                row.append(e.rankLower.map { lo in
                    let hi = e.rankUpper ?? lo
                    return lo == hi ? "\(lo)" : "\(lo)–\(hi)"
                } ?? "")
            }
            row += [grouped(e.votes), fixed(100 * e.winRate, 1) + "%"]
            if hasElo { row.append(e.elo.map { fixed($0, 1) } ?? "") }
            if hasGroups { row.append(e.group.map(String.init) ?? "") }
            if hasAuditShift { row.append(e.auditShift.map { ($0 >= 0 ? "+" : "") + fixed($0, 1) } ?? "–") }
            rows.append(row)
        }
        var out = markdown
            ? markdownTable(header, rows, right: right)
            : alignedTable(header, rows, right: right)
        out += "\n" + summary(markdown: markdown) + "\n"
        if contenders.contains(where: \.provisional) {
            out += (markdown ? "\n" : "") + "* provisional: too few votes, or not a finite maximum-likelihood rating (see warnings).\n"
        }
        let withheld = contenders.filter { $0.noInterval != nil }
        if !withheld.isEmpty {
            out += (markdown ? "\n" : "") + "– no interval: "
                + withheld.map { "\($0.name) (\($0.noInterval ?? ""))" }.joined(separator: ", ") + ".\n"
        }
        if let matrices {
            out += "\n" + matrices.rendered(markdown: markdown)
        }
        if let mixture {
            out += "\n" + mixture.rendered(markdown: markdown)
        }
        return out
    }

    /// One sentence saying what was computed from what.
    public func summary(markdown: Bool = false) -> String {
        var parts: [String] = []
        parts.append("\(counted(method.votes, "vote")), \(counted(method.contenders, "contender"))")
        var fit = method.model == LeaderboardModel.plackettLuce.rawValue ? "Plackett–Luce" : "Bradley–Terry"
        if method.modelSelection == "automatic" && method.model == LeaderboardModel.plackettLuce.rawValue {
            fit += " (chosen automatically: the votes include K-way votes)"
        }
        switch method.fit {
        case "l2": fit += " with L2 penalty \(readable(method.l2)) (each battle counted twice)"
        case "mle+firth": fit += " MLE (Firth's fit where the MLE is infinite)"
        default: fit += " MLE"
        }
        fit += ", \(counted(method.iterations, "Newton iteration")), gradient \(String(format: "%.1e", method.gradientNorm))"
        if !method.converged { fit += " (NOT converged)" }
        parts.append(fit)
        if let tieModel = method.tieModel, tieModel != TieModel.half.rawValue, let p = method.tieParameter {
            var tie = "\(tieModel == TieModel.davidson.rawValue ? "Davidson" : "Rao–Kupper") ties, parameter \(String(format: "%.4f", p))"
            if let lo = method.tieParameterLower, let hi = method.tieParameterUpper {
                tie += String(format: " [%.4f, %.4f]", lo, hi)
            }
            parts.append(tie)
        }
        if method.bothBad == BothBadPolicy.drop.rawValue { parts.append("both-bad votes left out") }
        if let anchor = method.anchor, let rating = method.anchorRating {
            parts.append("anchored at \(anchor) = \(readable(rating))")
        }
        let level = Int(((method.level ?? 0.95) * 100).rounded())
        switch method.intervals {
        case "bootstrap":
            var bootstrap = "\(level)% bootstrap intervals from \(grouped(method.rounds ?? 0)) rounds, seed \(method.seed ?? 0)"
            switch method.bootstrapRefit {
            case Bootstrap.Refit.oneStep.rawValue?:
                bootstrap += ", each round one Newton step from the estimate (one-step bootstrap)"
            case Bootstrap.Refit.full.rawValue?:
                bootstrap += ", each round refitted"
            default: break
            }
            if let full = method.bootstrapFullFitRounds, full > 0, method.bootstrapRefit == Bootstrap.Refit.oneStep.rawValue {
                bootstrap += " (\(grouped(full)) refitted in full)"
            }
            parts.append(bootstrap)
        case "sandwich":
            parts.append("\(level)% sandwich (robust) intervals")
        default:
            parts.append("no intervals (add --bootstrap 1000 or --ci sandwich)")
        }
        if let k = method.eloK { parts.append("online Elo with K = \(readable(k)) in vote order") }
        let sentence = parts.joined(separator: "; ") + "."
        return markdown ? "_\(sentence)_" : sentence
    }
}

extension PairMatrices {
    /// The three matrices as aligned (or markdown) tables, labelled by leaderboard position.
    public func rendered(markdown: Bool) -> String {
        let n = contenders.count
        let labels = (1...max(n, 1)).prefix(n).map(String.init)
        var out = "Contenders: " + contenders.enumerated().map { "\($0 + 1) = \($1)" }.joined(separator: ", ") + "\n"
        func block(_ title: String, _ cell: (Int, Int) -> String) {
            out += "\n" + (markdown ? "**\(title)**\n\n" : "\(title)\n")
            let header = [""] + labels
            let rows = (0..<n).map { i in [labels[i]] + (0..<n).map { j in i == j ? "–" : cell(i, j) } }
            let right = Set(0...n)
            out += markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)
        }
        block("Battles") { i, j in String(battles[i][j]) }
        block("Observed win rate of row against column") { i, j in observedWinRate[i][j].map { fixed($0, 3) } ?? "·" }
        block("Bradley–Terry predicted win probability") { i, j in fixed(predictedWinRate[i][j], 3) }
        return out
    }
}

func alignedTable(_ header: [String], _ rows: [[String]], right: Set<Int>) -> String {
    var width = header.map(\.count)
    for row in rows {
        for (k, cell) in row.enumerated() { width[k] = max(width[k], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { k, cell in
            let pad = String(repeating: " ", count: width[k] - cell.count)
            return right.contains(k) ? pad + cell : cell + pad
        }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
}

func markdownTable(_ header: [String], _ rows: [[String]], right: Set<Int>) -> String {
    func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    var out = "| " + header.map(escape).joined(separator: " | ") + " |\n"
    out += "|" + header.indices.map { right.contains($0) ? "---:|" : "---|" }.joined() + "\n"
    for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
    return out
}

/// A number for files read back by programs (CSV): every digit, so a
/// value read back is the value written.
func number(_ x: Double) -> String {
    x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : String(x)
}

/// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
/// comma, a quote or a line break. Prefer's one CSV writer (leaderboards,
/// vote exports, reports).
public func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
