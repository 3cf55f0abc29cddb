import Foundation

extension AuditReport {
    public enum TextFormat: String, Sendable, CaseIterable {
        case table, json
    }

    public func rendered(as format: TextFormat, allVoters: Bool = false) throws -> String {
        switch format {
        case .json: return try jsonText()
        case .table: return tableText(allVoters: allVoters)
        }
    }

    public func jsonText(pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The summary, the groups, then a row per voter shown (the flagged, or
    /// everyone with `allVoters`), each flagged voter's reasons beneath.
    public func tableText(allVoters: Bool) -> String {
        var out = summaryText() + "\n"
        if !groups.isEmpty {
            out += "\nCoordinated groups:\n"
            for g in groups {
                out += "  group \(g.id): \(g.voters.count) voters \(g.direction) \(g.contender): \(listNames(g.voters))\n"
            }
        }
        let shown = voters.filter { allVoters || $0.flagged }
        guard !shown.isEmpty else {
            return out + "\nNo voter flagged. (--all lists every voter's scores; --format json gives them all.)\n"
        }
        let header = ["Voter", "Votes", "Verdict", "Consensus p", "Slope", "Left", "Position p", "Fast", "Day max", "Gold", "Leans"]
        var rows: [[String]] = []
        for v in shown {
            let s = v.scores
            rows.append([
                v.voter, grouped(v.votes), v.verdict,
                s.consensus.pValue.map(sci) ?? "–",
                s.consensus.slope.map { fixed($0, 2) } ?? "–",
                s.position.left.map { "\($0)/\($0 + (s.position.right ?? 0))" } ?? "–",
                s.position.pValue.map(sci) ?? "–",
                s.speed.fastVotes.map { "\($0)/\(s.speed.timedVotes ?? 0)" } ?? "–",
                s.volume.votesThatDay.map(String.init) ?? "–",
                s.gold.correct.map { "\($0)/\(s.gold.battles ?? 0)" } ?? "–",
                s.favouritism.contender.map { c in
                    (s.favouritism.direction == "favours" ? "+" : "−") + c + " p=" + sci(s.favouritism.pValue ?? 1)
                } ?? "–",
            ])
        }
        out += "\n" + alignedTable(header, rows, right: [1, 3, 4, 5, 6, 7, 8, 9])
        let flagged = shown.filter(\.flagged)
        if !flagged.isEmpty {
            out += "\nWhy:\n"
            for v in flagged {
                out += "  \(v.voter):\n"
                for r in v.reasons { out += "    - \(r)\n" }
            }
        }
        return out
    }

    public func summaryText() -> String {
        let s = summary
        var lines: [String] = []
        lines.append("\(grouped(s.voters)) voters, \(grouped(s.votersFlagged)) flagged: \(fixed(100 * s.shareAuthentic, 2))% authentic.")
        let content = s.votesFilteredByContent.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        var removed = "\(counted(s.votes, "vote")), \(grouped(s.votesRemoved)) removed (\(grouped(s.votesByFlaggedVoters)) by flagged voters"
        if !content.isEmpty { removed += ", \(content.joined(separator: ", ")) by content filters" }
        if s.votesDownsampled > 0 { removed += ", \(grouped(s.votesDownsampled)) repeated prompts down-sampled" }
        removed += "), \(grouped(s.votesKept)) kept."
        lines.append(removed)
        if s.votesWithoutVoter > 0 {
            lines.append("\(grouped(s.votesWithoutVoter)) votes carry no voter and were not audited.")
        }
        if !s.flaggedBy.isEmpty {
            lines.append("Flagged by: " + s.flaggedBy.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".")
        }
        lines.append("LMArena's sequential test would flag \(s.lmarenaSequentialFlags) (reported for comparison, not used).")
        lines.append(
            "Statistical flags at a false-discovery rate of \(readable(s.falseDiscoveryRate)): disagreement (consensus, gold) by Benjamini–Hochberg at \(readable(VoteAudit.Family.disagreement.share * s.falseDiscoveryRate)), behaviour (position, concentration) by Holm at \(readable(VoteAudit.Family.behaviour.share * s.falseDiscoveryRate)), coordinated groups by Benjamini–Hochberg at \(readable(VoteAudit.Family.coordinationShare * s.falseDiscoveryRate)) per contender, across voters; \(s.passes) pass\(s.passes == 1 ? "" : "es").")
        if let t = s.clickerTieShare {
            lines.append("Consensus signal's alternative: a voter who ignores the outputs and ties \(fixed(100 * t, 1))% of the time, as the random-looking voters flagged here do.")
        }
        let off = signals.filter { $0.value.hasPrefix("not available") }.sorted { $0.key < $1.key }
        for (name, why) in off { lines.append("\(name): \(why).") }
        return lines.joined(separator: "\n")
    }
}
