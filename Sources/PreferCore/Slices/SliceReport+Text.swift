import Foundation

extension SliceReport {
    /// The whole board followed by the report's sections, in `format`. JSON
    /// is `RankReport`; CSV is one block per section, separated by an empty
    /// line, each with its own header.
    public func rendered(board: Leaderboard, as format: Leaderboard.TextFormat) throws -> String {
        switch format {
        case .json: return try jsonText(board: board)
        case .csv: return try csvText(board: board)
        case .table: return try text(board: board, markdown: false)
        case .markdown: return try text(board: board, markdown: true)
        }
    }

    public func jsonText(board: Leaderboard, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(RankReport(board: board, extras: self))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Tables

    func heading(_ text: String, markdown: Bool) -> String {
        markdown ? "\n## \(text)\n\n" : "\n== \(text)\n\n"
    }

    func subheading(_ text: String, markdown: Bool) -> String {
        markdown ? "\n### \(text)\n\n" : "\n-- \(text)\n\n"
    }

    func notes(_ notes: [String], markdown: Bool) -> String {
        notes.map { (markdown ? "> " : "note: ") + $0 + "\n" }.joined()
    }

    func describe(_ slice: SliceBoard) -> String {
        var parts = ["\(grouped(slice.votes)) votes"]
        if let voters = slice.voters { parts.append("\(grouped(voters)) voters") }
        if slice.small { parts.append("SMALL") }
        return "\(slice.field) = \(slice.value) (\(parts.joined(separator: ", ")))"
    }

    func sliceText(_ slice: SliceBoard, markdown: Bool) throws -> String {
        var out = subheading(describe(slice), markdown: markdown)
        if let board = slice.board { out += try board.rendered(as: markdown ? .markdown : .table) }
        out += notes(slice.notes, markdown: markdown)
        for warning in slice.board?.warnings ?? [] { out += (markdown ? "> warning: " : "warning: ") + warning + "\n" }
        return out
    }

    func text(board: Leaderboard, markdown: Bool) throws -> String {
        var out = try board.rendered(as: markdown ? .markdown : .table)
        if let slices, let slicing {
            var title = "Slices by \(slicing.by): \(slices.count)"
            if slicing.missing > 0 { title += " (\(grouped(slicing.missing)) votes have no \(slicing.by))" }
            out += heading(title, markdown: markdown)
            if slicing.provisionalVotes > 0 {
                out += "A slice is small when its median contender has fewer than \(slicing.provisionalVotes) votes; contenders under that are provisional.\n"
            }
            for slice in slices { out += try sliceText(slice, markdown: markdown) }
        }
        if let pareto { out += paretoText(pareto, markdown: markdown) }
        if let trajectory { out += trajectoryText(trajectory, markdown: markdown) }
        if let groups { out += try groupsText(groups, markdown: markdown) }
        if let weighting { out += try weightingText(weighting, markdown: markdown) }
        return out
    }

    func paretoText(_ pareto: ParetoFront, markdown: Bool) -> String {
        var out = heading("Pareto view across \(pareto.criteria.joined(separator: ", "))", markdown: markdown)
        let withIntervals = pareto.level != nil
        let header = ["Contender"] + pareto.criteria + ["Pareto", "Dominated by"]
        let right = Set(1...pareto.criteria.count)
        var rows: [[String]] = []
        for m in pareto.contenders {
            var row = [m.name + (m.provisional ? " *" : "")]
            for k in pareto.criteria.indices {
                row.append(withIntervals
                    ? "\(fixed(m.ratings[k], 1)) [\(fixed(m.lower[k], 0)), \(fixed(m.upper[k], 0))]"
                    : fixed(m.ratings[k], 1))
            }
            row.append(m.front ? "front" : m.possibleFront ? "possible" : "no")
            row.append(m.dominatedBy.prefix(3).map { d in
                d.clear ? "\(d.name) (clearly)" : "\(d.name) (overlap: \(d.overlapping.joined(separator: ", ")))"
            }.joined(separator: "; ") + (m.dominatedBy.count > 3 ? "; +\(m.dominatedBy.count - 3)" : ""))
            rows.append(row)
        }
        out += markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)
        out += "\nfront: nobody is better on every criterion (\(pareto.front.count)); possible: no one is better on every criterion with intervals apart"
        out += " (\(pareto.possibleFront.count) in all)"
        if !withIntervals { out += "; without intervals (--bootstrap N) every domination counts as overlapping" }
        out += ".\n"
        if !pareto.excluded.isEmpty {
            out += "Not rated on every criterion, so left out: \(listNames(pareto.excluded)).\n"
        }
        return out
    }

    func trajectoryText(_ t: RatingTrajectory, markdown: Bool) -> String {
        var title = "Trajectory every \(t.every), \(t.cumulative ? "cumulative" : "window \(t.window ?? "")")"
        title += ", \(t.points.count) points in \(t.order) order"
        if t.model == LeaderboardModel.plackettLuce.rawValue { title += ", Plackett–Luce" }
        var out = heading(title, markdown: markdown)
        let header = ["Point", "End", "Votes", "Contender", "Rating", "Lower", "Upper", "Rank", "Contender votes"]
        var rows: [[String]] = []
        var byPoint = [[(name: String, value: RatingTrajectory.Value)]](repeating: [], count: t.points.count)
        for s in t.series {
            for v in s.values { byPoint[v.point].append((s.name, v)) }
        }
        for point in t.points {
            for (name, v) in byPoint[point.index].sorted(by: { ($0.value.rank, $0.name) < ($1.value.rank, $1.name) }) {
                rows.append([
                    String(point.index), point.end ?? "vote \(point.lastVote)", String(point.votes),
                    name + (v.provisional ? " *" : ""), fixed(v.rating, 1), fixed(v.lower, 1), fixed(v.upper, 1),
                    String(v.rank), String(v.votes),
                ])
            }
        }
        let right: Set<Int> = [0, 2, 4, 5, 6, 7, 8]
        out += markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right)
        if t.provisionalVotes > 0 {
            out += "\n* provisional: fewer than \(t.provisionalVotes) votes so far, or not a finite maximum-likelihood rating.\n"
        }
        out += notes(t.warnings, markdown: markdown)
        return out
    }

    func groupsText(_ g: SliceReport.Groups, markdown: Bool) throws -> String {
        var out = heading("Groups by \(g.field): \(g.boards.count) shown (at least \(g.minGroupSize) annotators each)", markdown: markdown)
        out += notes(g.notes, markdown: markdown)
        for slice in g.boards { out += try sliceText(slice, markdown: markdown) }
        let d = g.disagreement
        guard !d.pairs.isEmpty else { return out }
        out += subheading("Disagreement between groups", markdown: markdown)
        let header = ["Groups", "Contenders", "Kendall τ", "Interval", "Differ beyond intervals"]
        var rows: [[String]] = []
        for pair in d.pairs {
            let interval = pair.tauLower.map { lo in "[\(fixed(lo, 2)), \(fixed(pair.tauUpper ?? lo, 2))]" } ?? ""
            let differing = pair.differing.prefix(5).compactMap { name -> String? in
                guard let diff = pair.differences.first(where: { $0.name == name }) else { return nil }
                return "\(name) \(diff.difference >= 0 ? "+" : "")\(fixed(diff.difference, 0))\(diff.significant ? "" : " (not after FDR)")"
            }.joined(separator: ", ") + (pair.differing.count > 5 ? ", +\(pair.differing.count - 5)" : "")
            rows.append([
                "\(pair.a) vs \(pair.b)", String(pair.contenders), pair.kendallTau.map { fixed($0, 2) } ?? "",
                interval, differing.isEmpty ? "none" : differing,
            ])
        }
        out += markdown ? markdownTable(header, rows, right: [1, 2]) : alignedTable(header, rows, right: [1, 2])
        out += "\n" + d.method + ". Differences are first group minus second, on ratings centred on their shared contenders.\n"
        return out
    }

    func weightingText(_ w: SliceReport.Weighting, markdown: Bool) throws -> String {
        var out = heading("Weighted by \(w.field) (\(w.scheme))", markdown: markdown)
        let header = ["Group", "Votes", "Annotators", "Sample share", "Target share", "Weight"]
        let rows = w.strata.map { s in [
            s.name, s.votes.map(String.init) ?? "(small)", s.annotators.map(String.init) ?? "(small)",
            s.sampleShare.map { fixed(100 * $0, 1) + "%" } ?? "", fixed(100 * s.targetShare, 1) + "%",
            s.weight.map { fixed($0, 3) } ?? "",
        ] }
        out += markdown ? markdownTable(header, rows, right: [1, 2, 3, 4, 5]) : alignedTable(header, rows, right: [1, 2, 3, 4, 5])
        out += "\n\(grouped(w.votes)) votes weighted; effective sample size (Kish) \(fixed(w.effectiveSampleSize, 0)), design effect \(fixed(w.designEffect, 2)).\n"
        out += notes(w.notes, markdown: markdown)
        out += try sliceText(w.board, markdown: markdown)
        return out
    }

    // MARK: CSV

    func csvText(board: Leaderboard) throws -> String {
        var blocks = [try board.rendered(as: .csv)]
        func sliceRows(_ slices: [SliceBoard]) throws -> String {
            var lines: [String] = []
            for slice in slices {
                guard let board = slice.board else { continue }
                let body = try board.rendered(as: .csv).split(separator: "\n", omittingEmptySubsequences: true)
                if lines.isEmpty, let header = body.first { lines.append("field,value,small," + header) }
                for line in body.dropFirst() {
                    lines.append("\(csvField(slice.field)),\(csvField(slice.value)),\(slice.small)," + line)
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
        if let slices { blocks.append(try sliceRows(slices)) }
        if let pareto {
            var lines = ["contender,criterion,rating,lower,upper,front,possible_front"]
            for m in pareto.contenders {
                for (k, criterion) in pareto.criteria.enumerated() {
                    lines.append([csvField(m.name), csvField(criterion), number(m.ratings[k]), number(m.lower[k]), number(m.upper[k]), String(m.front), String(m.possibleFront)].joined(separator: ","))
                }
            }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        if let t = trajectory {
            var lines = ["point,end_time,point_votes,contender,rating,lower,upper,rank,votes,provisional"]
            for s in t.series {
                for v in s.values {
                    let point = t.points[v.point]
                    lines.append([
                        String(v.point), point.endTime.map(number) ?? "", String(point.votes), csvField(s.name),
                        number(v.rating), number(v.lower), number(v.upper), String(v.rank), String(v.votes), String(v.provisional),
                    ].joined(separator: ","))
                }
            }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        if let g = groups {
            blocks.append(try sliceRows(g.boards))
            var lines = ["group_a,group_b,contenders,kendall_tau,tau_lower,tau_upper,contender,difference,lower,upper,q_value,beyond_intervals"]
            for pair in g.disagreement.pairs {
                let head = [csvField(pair.a), csvField(pair.b), String(pair.contenders), pair.kendallTau.map(number) ?? "", pair.tauLower.map(number) ?? "", pair.tauUpper.map(number) ?? ""]
                for d in pair.differences {
                    lines.append((head + [csvField(d.name), number(d.difference), d.lower.map(number) ?? "", d.upper.map(number) ?? "", d.qValue.map(number) ?? "", String(d.beyondIntervals)]).joined(separator: ","))
                }
            }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        if let w = weighting { blocks.append(try sliceRows([w.board])) }
        return blocks.joined(separator: "\n")
    }
}
