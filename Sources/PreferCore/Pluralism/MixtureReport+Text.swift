import Foundation

extension MixtureReport {
    /// The mixture as aligned (or markdown) tables: one board per type, the
    /// BIC of each number of types tried, and the attribute tables.
    public func rendered(markdown: Bool) -> String {
        var out = markdown ? "## Preference types\n\n" : "Preference types\n\n"
        var assigned = [Int](repeating: 0, count: types)
        for v in voters { assigned[v.type] += 1 }
        let hasIntervals = method.intervals != "none"
        for (k, type) in classes.enumerated() {
            let title = "Type \(k): share \(fixed(100 * type.share, 1))%, \(assigned[k]) of \(voters.count) annotators assigned"
            out += markdown ? "**\(title)**\n\n" : title + "\n"
            var header = ["Rank", "Contender", "Rating"]
            if hasIntervals { header += ["−", "+"] }
            let rows = type.contenders.enumerated().map { position, c -> [String] in
                var row = [String(position + 1), c.name, fixed(c.rating, 1)]
                if hasIntervals { row += [fixed(c.rating - c.lower, 1), fixed(c.upper - c.rating, 1)] }
                return row
            }
            let right: Set<Int> = hasIntervals ? [0, 2, 3, 4] : [0, 2]
            out += (markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)) + "\n"
        }
        let bicRows = bic.map { [String($0.types), fixed($0.bic, 1), $0.types == types ? "chosen" : ""] }
        out += markdown ? "**BIC by number of types**\n\n" : "BIC by number of types (lower is better)\n"
        out += (markdown ? markdownTable(["Types", "BIC", ""], bicRows, right: [0, 1])
                         : alignedTable(["Types", "BIC", ""], bicRows, right: [0, 1])) + "\n"
        for table in attributes ?? [] {
            let title = "\(table.field) by type: G = \(fixed(table.g, 2)), df = \(table.df), p = \(pText(table.pValue)), Cramér's V = \(fixed(table.cramersV, 2))"
                + (table.missing > 0 ? "; \(table.missing) annotators without a value" : "")
            out += markdown ? "**\(title)**\n\n" : title + "\n"
            let header = [table.field, "Annotators"] + (0..<types).map { "Type \($0)" }
            let rows = table.rows.map { row in
                [row.value, String(row.annotators)] + row.shares.map { fixed(100 * $0, 1) + "%" }
            }
            let right = Set(1..<(2 + types))
            out += (markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)) + "\n"
        }
        let intervals: String
        switch method.intervals {
        case "observed-information": intervals = "\(Int(((method.level ?? 0.95) * 100).rounded()))% intervals from the observed information (Louis)"
        case "bootstrap-annotators": intervals = "\(Int(((method.level ?? 0.95) * 100).rounded()))% bootstrap intervals over annotators, \(method.rounds ?? 0) rounds"
        default: intervals = "no intervals"
        }
        let sentence = "Latent-class Bradley–Terry mixture fitted by EM on \(grouped(method.votes)) votes from \(grouped(method.annotators)) annotators; T = \(types) \(method.selection); \(method.restarts) restarts, seed \(method.seed); \(intervals). --format json lists each annotator's type."
        out += markdown ? "_\(sentence)_\n" : sentence + "\n"
        for warning in warnings { out += (markdown ? "\n" : "") + "Note: \(warning)\n" }
        return out
    }
}

/// A p-value as text: "< 1e-300" for underflow, scientific below 0.001.
func pText(_ p: Double) -> String {
    if p <= 0 { return "< 1e-300" }
    if p < 0.001 { return String(format: "%.1e", p) }
    return fixed(p, 3)
}
