/// Population weighting by post-stratification (Holt & Smith 1979; as
/// *PRISM* and *Community Alignment* re-weight their rater pools): every
/// vote of group g gets the weight π_g / p_g, where π_g is g's share of the
/// target population and p_g its share of the votes, so that each group
/// weighs in the board exactly as much as its target share. Weights are
/// scaled to average 1 over the votes used.
///
/// The weighted board is fitted and bootstrapped like any other (the
/// bootstrap resamples votes, each keeping its weight, so the intervals
/// widen with the weighting; the weights themselves are held fixed). The
/// cost of weighting shows in Kish's effective sample size,
/// n_eff = (Σw)² / Σw² (Kish 1965), and the design effect n / n_eff.
///
/// Targets: explicit shares for values of the field (renormalised to sum to
/// 1 over the values present; votes of values without a share are left out
/// and counted), or `equal`: each group shown by `AnnotatorGroups` (with
/// "other" as one group) weighs the same. Groups under the minimum size keep
/// their counts out of the report. O(votes).
public struct PostStratification: Sendable {
    public enum Target: Sendable, Hashable {
        /// Target share per value of the field.
        case shares([String: Double])
        /// Every shown group weighs the same.
        case equal
    }

    public var field: String
    public var target: Target
    /// Fewest annotators for a group's counts to be reported (and, for
    /// `equal`, for a group to be shown and weighted on its own).
    public var minimumSize: Int

    public init(field: String, target: Target, minimumSize: Int = 5) {
        self.field = field
        self.target = target
        self.minimumSize = minimumSize
    }

    /// One group of the weighting. Counts are nil for groups under the
    /// minimum size (they are weighted, but not described).
    public struct Stratum: Sendable, Codable, Equatable {
        public var name: String
        public var votes: Int?
        public var annotators: Int?
        /// Share of the used votes.
        public var sampleShare: Double?
        /// Target share (renormalised over the groups present).
        public var targetShare: Double
        /// Weight of each of its votes.
        public var weight: Double?
        /// Fewer annotators than the minimum size.
        public var small: Bool

        enum CodingKeys: String, CodingKey {
            case name, votes, annotators
            case sampleShare = "sample_share"
            case targetShare = "target_share"
            case weight, small
        }
    }

    public struct Plan: Sendable {
        /// The used votes with their weight factors.
        public var slice: VoteSlice
        public var strata: [Stratum]
        /// Kish's effective sample size of the final weights.
        public var effectiveSampleSize: Double
        /// Votes without a target share (or in a hidden group), left out.
        public var leftOut: Int
        public var notes: [String]
    }

    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    public func plan(_ table: VoteTable) throws(Problem) -> Plan {
        let pairColumn = table.textColumn(named: field)
        let kwayColumn = table.kway.isEmpty ? nil : table.kwayTextColumn(named: field)
        guard pairColumn?.codes.contains(where: { $0 >= 0 }) == true || kwayColumn?.codes.contains(where: { $0 >= 0 }) == true else {
            throw Problem(message: "no vote carries the field \"\(field)\" to weight by; check the field name (a column of the vote file).")
        }
        let present = Set((pairColumn?.values ?? []) + (kwayColumn?.values ?? []))
        var notes: [String] = []
        // The stratum of every vote, pairwise then K-way: -1 left out (a
        // value without a share, a hidden group), -2 no value for the field.
        var pairStratum = [Int](repeating: -2, count: table.count)
        var kwayStratum = [Int](repeating: -2, count: table.kway.count)
        var names: [String] = []
        var shares: [Double] = []
        let scheme: String
        switch target {
        case .shares(let given):
            scheme = "target shares"
            guard given.values.allSatisfy({ $0 >= 0 && $0.isFinite }), given.values.contains(where: { $0 > 0 }) else {
                throw Problem(message: "target shares must be zero or positive numbers, at least one above zero.")
            }
            let absent = given.keys.filter { !present.contains($0) && given[$0]! > 0 }.sorted()
            if !absent.isEmpty {
                notes.append("No votes from \(listNames(absent)), which the target names: the other groups' shares are renormalised to sum to 1.")
            }
            // Strata in order of first appearance among the votes (pairwise, then K-way).
            let pairValues = pairColumn?.values ?? []
            let seen = Set(pairValues)
            var stratumOf: [String: Int] = [:]
            for value in pairValues + (kwayColumn?.values ?? []).filter({ !seen.contains($0) }) {
                if let share = given[value], share > 0 {
                    stratumOf[value] = names.count
                    names.append(value)
                    shares.append(share)
                }
            }
            let pairMap = (pairColumn?.values ?? []).map { stratumOf[$0] ?? -1 }
            let kwayMap = (kwayColumn?.values ?? []).map { stratumOf[$0] ?? -1 }
            if let pairColumn {
                for row in 0..<table.count where pairColumn.codes[row] >= 0 { pairStratum[row] = pairMap[Int(pairColumn.codes[row])] }
            }
            if let kwayColumn {
                for row in 0..<table.kway.count where kwayColumn.codes[row] >= 0 { kwayStratum[row] = kwayMap[Int(kwayColumn.codes[row])] }
            }
        case .equal:
            scheme = "equal groups"
            let groups = AnnotatorGroups(field: field, minimumSize: minimumSize)
            guard let partition = groups.partition(table) else {
                throw Problem(message: "no vote carries the field \"\(field)\".")
            }
            for row in 0..<table.count where pairColumn.map({ $0.codes[row] >= 0 }) == true {
                pairStratum[row] = Int(partition.groupOfRow[row])
            }
            for row in 0..<table.kway.count where kwayColumn.map({ $0.codes[row] >= 0 }) == true {
                kwayStratum[row] = Int(partition.groupOfKWayRow[row])
            }
            names = partition.groups.map(\.name)
            shares = Array(repeating: 1, count: names.count)
            if !partition.otherShown && partition.mergedVotes > 0 {
                notes.append("\(partition.mergedVotes) votes from groups too small to show, even merged, are left out of the equally weighted board.")
            }
        }
        guard !names.isEmpty else {
            throw Problem(message: "no vote belongs to a group the target names; the values of \"\(field)\" are \(listNames(present.sorted(), limit: 10)).")
        }
        let shareTotal = shares.reduce(0, +)
        shares = shares.map { $0 / shareTotal }

        var votes = [Int](repeating: 0, count: names.count)
        var annotators = [Set<Int32>](repeating: [], count: names.count)
        let voterCodes = table.annotatorCodes()
        var rows: [Int32] = []
        var kwayRows: [Int32] = []
        var noValue = 0
        var unassigned = 0
        func take(_ stratum: Int, voter: Int32) -> Bool {
            switch stratum {
            case -2:
                noValue += 1
                return false
            case -1:
                unassigned += 1
                return false
            default:
                votes[stratum] += 1
                annotators[stratum].insert(voter)
                return true
            }
        }
        for row in 0..<table.count where take(pairStratum[row], voter: voterCodes.pair[row]) {
            rows.append(Int32(row))
        }
        for row in 0..<table.kway.count where take(kwayStratum[row], voter: voterCodes.kway[row]) {
            kwayRows.append(Int32(row))
        }
        let used = rows.count + kwayRows.count
        let weightOf = (0..<names.count).map { s in votes[s] > 0 ? shares[s] * Double(used) / Double(votes[s]) : 0 }
        var factors: [Double] = []
        factors.reserveCapacity(rows.count)
        var kwayFactors: [Double] = []
        kwayFactors.reserveCapacity(kwayRows.count)
        var sum = 0.0
        var sumSquares = 0.0
        for row in rows {
            let w = weightOf[pairStratum[Int(row)]]
            factors.append(w)
            let final = w * table.weight(at: Int(row))
            sum += final
            sumSquares += final * final
        }
        for row in kwayRows {
            let w = weightOf[kwayStratum[Int(row)]]
            kwayFactors.append(w)
            let final = w * table.kway.weight(at: Int(row))
            sum += final
            sumSquares += final * final
        }
        let missingShare = (0..<names.count).filter { votes[$0] == 0 }
        if !missingShare.isEmpty && scheme == "equal groups" {
            notes.append("\(listNames(missingShare.map { names[$0] })) have no votes.")
        }
        if noValue > 0 {
            notes.append("\(noValue) votes have no \(field) and are left out of the weighted board.")
        }
        if unassigned > 0 && scheme == "target shares" {
            notes.append("\(unassigned) votes have a \(field) the target gives no share and are left out of the weighted board.")
        }
        let leftOut = noValue + unassigned
        let strata = (0..<names.count).map { s in
            let size = annotators[s].count
            let small = size < minimumSize && scheme == "target shares"
            return Stratum(
                name: names[s],
                votes: small ? nil : votes[s],
                annotators: small ? nil : size,
                sampleShare: small ? nil : Double(votes[s]) / Double(max(used, 1)),
                targetShare: shares[s],
                weight: small ? nil : weightOf[s],
                small: small
            )
        }
        let ess = sumSquares > 0 ? sum * sum / sumSquares : 0
        let withKWay = !table.kway.isEmpty
        return Plan(
            slice: VoteSlice(
                field: "weighting", value: scheme, rows: rows, weightFactors: factors,
                kwayRows: withKWay ? kwayRows : nil, kwayWeightFactors: withKWay ? kwayFactors : nil),
            strata: strata, effectiveSampleSize: ess, leftOut: leftOut, notes: notes)
    }
}
