import Foundation

extension IntransitivityReport {
    public enum TextFormat: String, Sendable, CaseIterable {
        case table, json, markdown
    }

    public func rendered(as format: TextFormat) throws -> String {
        switch format {
        case .json: return try jsonText()
        case .table: return tableText(markdown: false)
        case .markdown: return tableText(markdown: true)
        }
    }

    public func jsonText(pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Every number in the report is finite; a failure is a bug worth seeing.
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func tableText(markdown: Bool) -> String {
        var out = ""
        func heading(_ s: String) { out += markdown ? "**\(s)**\n\n" : s + "\n" }
        func table(_ header: [String], _ rows: [[String]], right: Set<Int>) {
            out += (markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)) + "\n"
        }
        let t = triangles
        let procedure = t.procedure == "benjamini-yekutieli" ? "Benjamini–Yekutieli" : "Benjamini–Hochberg"
        heading("Intransitive triangles (A > B > C > A, every edge significant; \(procedure) FDR \(fixed(100 * t.falseDiscoveryRate, 1))% over \(grouped(t.tested)) oriented triangles)")
        if t.cycles.isEmpty {
            out += "None found: no cycle is supported by the votes at this false discovery rate.\n\n"
        } else {
            let rows = t.cycles.map { c -> [String] in
                [c.cycle.joined(separator: " > ") + " > " + c.cycle[0]]
                    + c.edges.map { "\(fixed(100 * $0.winRate, 0))% of \($0.wins + $0.losses)" }
                    + [pText(c.pValue), pText(c.qValue)]
            }
            table(["Cycle", "A>B", "B>C", "C>A", "p", "q"], rows, right: [1, 2, 3, 4, 5])
            if t.significant > t.cycles.count {
                out += "… and \(t.significant - t.cycles.count) more (--limit shows more; --format json lists them with every edge).\n\n"
            }
        }
        let h = hodge
        heading("Transitive share (Hodge decomposition of the pairwise log-odds)")
        table(["Part", "Share"], [
            ["transitive (gradient)", fixed(100 * h.gradientShare, 1) + "%"],
            ["cyclic (curl + harmonic)", fixed(100 * h.cyclicShare, 1) + "%"],
            ["  of which sampling noise would give", fixed(100 * h.noiseShare, 1) + "%"],
        ], right: [1])
        out += "Residual χ² = \(fixed(h.residual, 1)) on \(h.df) df, p = \(pText(h.pValue)).\n\n"
        if let m = models {
            heading("Bradley–Terry against a model that can express cycles (blade–chest, rank-2 skew-symmetric)")
            let rows = [
                ["Bradley–Terry", String(m.bradleyTerry.parameters), fixed(m.bradleyTerry.logLikelihood, 1),
                 m.bradleyTerry.heldOut.map { fixed($0, 4) } ?? "–"],
                ["blade–chest", String(m.bladeChest.parameters), fixed(m.bladeChest.logLikelihood, 1),
                 m.bladeChest.heldOut.map { fixed($0, 4) } ?? "–"],
            ]
            table(["Model", "Parameters", "Log-likelihood", "Held-out per vote"], rows, right: [1, 2, 3])
            if let d = m.heldOutDifference, let se = m.heldOutDifferenceSE {
                out += "Held-out difference (\(m.folds) folds, seed \(m.seed)): \(d >= 0 ? "+" : "")\(String(format: "%.4f", d)) nats per vote (se \(String(format: "%.4f", se))): \(m.verdict).\n"
            }
            let g = m.goodnessOfFit
            out += "Bradley–Terry goodness of fit against the saturated pairwise model: G² = \(fixed(g.g2, 1)) on \(g.df) df, p = \(pText(g.pValue)).\n"
        }
        return out
    }
}
