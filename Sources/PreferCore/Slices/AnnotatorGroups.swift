/// Splits votes by an annotator attribute (country, language, age band…)
/// into groups that are safe to show (*PRISM*, *Community Alignment*).
///
/// A group is shown on its own only when at least `minimumSize` distinct
/// annotators voted in it, so that nobody can be singled out; smaller groups
/// are merged into one group, "other", which is itself shown only when its
/// annotators reach the minimum (otherwise its votes count in the whole
/// board but in no group's). Which small groups were merged is not listed,
/// only how many. Annotators are the votes' voters; when the votes carry no
/// voter, each vote counts as an annotator and the result says so. Votes
/// without the attribute belong to no group and are counted. K-way votes
/// count like pairwise ones (one vote each). O(votes).
public struct AnnotatorGroups: Sendable {
    public var field: String
    /// Fewest annotators a group needs to be shown (default 5).
    public var minimumSize: Int
    /// The name of the merged group.
    public static let other = "other"

    public init(field: String, minimumSize: Int = 5) {
        self.field = field
        self.minimumSize = minimumSize
    }

    /// A group and its size.
    public struct Group: Sendable, Codable, Equatable {
        public var name: String
        public var votes: Int
        public var annotators: Int
    }

    public struct Partition: Sendable {
        /// The groups shown, largest first, "other" last when shown.
        public var slices: [VoteSlice]
        public var groups: [Group]
        /// Groups below the minimum merged into "other" (shown or not).
        public var mergedGroups: Int
        /// Votes and annotators of the merged groups.
        public var mergedVotes: Int
        public var mergedAnnotators: Int
        /// Whether "other" is shown (it reached the minimum itself).
        public var otherShown: Bool
        /// Votes whose field is missing.
        public var missing: Int
        /// "voter" when annotators are the votes' voters, "vote" when each
        /// vote stands for one.
        public var countedBy: String
        /// Per row, the index of its group in `slices` (-1 for none).
        public var groupOfRow: [Int32]
        /// Per K-way vote (row of `VoteTable.kway`), the index of its group in `slices` (-1 for none).
        public var groupOfKWayRow: [Int32] = []
    }

    /// The groups, or nil when no vote carries the field. K-way votes (a
    /// best-of-K pick or a ranking) belong to their annotator's group like
    /// pairwise ones: each group's slice lists its K-way rows, so its board
    /// is ranked with Plackett–Luce when it has any.
    public func partition(_ table: VoteTable) -> Partition? {
        let pairColumn = table.textColumn(named: field)
        let kwayColumn = table.kway.isEmpty ? nil : table.kwayTextColumn(named: field)
        let carries = pairColumn?.codes.contains(where: { $0 >= 0 }) == true || kwayColumn?.codes.contains(where: { $0 >= 0 }) == true
        guard carries else { return nil }
        // One code space over both columns: the pairwise values, then the K-way ones not among them.
        var values = pairColumn?.values ?? []
        var lookup = Dictionary(values.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        let kwayCode = (kwayColumn?.values ?? []).map { value -> Int32 in
            if let code = lookup[value] { return code }
            let code = Int32(values.count)
            values.append(value)
            lookup[value] = code
            return code
        }
        let pairCodes = pairColumn?.codes ?? [Int32](repeating: -1, count: table.count)
        let kwayCodes = (kwayColumn?.codes ?? [Int32](repeating: -1, count: table.kway.count)).map { $0 < 0 ? -1 : kwayCode[Int($0)] }
        let voterCodes = table.annotatorCodes()
        let hasVoters = table.voters != nil || table.kway.voters != nil
        var votes = [Int](repeating: 0, count: values.count)
        var annotators = [Set<Int32>](repeating: [], count: values.count)
        var missing = 0
        func tally(_ code: Int32, _ voter: Int32) {
            guard code >= 0 else {
                missing += 1
                return
            }
            votes[Int(code)] += 1
            annotators[Int(code)].insert(voter)
        }
        for row in 0..<table.count { tally(pairCodes[row], voterCodes.pair[row]) }
        for row in 0..<table.kway.count { tally(kwayCodes[row], voterCodes.kway[row]) }
        let countedBy = hasVoters ? "voter" : "vote"
        let size = annotators.map(\.count)
        let otherCode = lookup[Self.other].map(Int.init)
        let shown = (0..<values.count).filter { votes[$0] > 0 && size[$0] >= minimumSize && $0 != otherCode }
        let merged = (0..<values.count).filter { votes[$0] > 0 && (size[$0] < minimumSize || $0 == otherCode) }
        let otherAnnotators = merged.reduce(into: Set<Int32>()) { $0.formUnion(annotators[$1]) }.count
        let otherShown = !merged.isEmpty && otherAnnotators >= minimumSize
        let order = shown.sorted { (votes[$0], values[$1]) > (votes[$1], values[$0]) }
        var position = [Int32](repeating: -1, count: values.count)
        for (k, code) in order.enumerated() { position[code] = Int32(k) }
        if otherShown {
            for code in merged { position[code] = Int32(order.count) }
        }
        let slots = order.count + (otherShown ? 1 : 0)
        var rows = [[Int32]](repeating: [], count: slots)
        var kwayRows = [[Int32]](repeating: [], count: slots)
        var groupOfRow = [Int32](repeating: -1, count: table.count)
        var groupOfKWayRow = [Int32](repeating: -1, count: table.kway.count)
        for row in 0..<table.count {
            let code = pairCodes[row]
            guard code >= 0, position[Int(code)] >= 0 else { continue }
            rows[Int(position[Int(code)])].append(Int32(row))
            groupOfRow[row] = position[Int(code)]
        }
        for row in 0..<table.kway.count {
            let code = kwayCodes[row]
            guard code >= 0, position[Int(code)] >= 0 else { continue }
            kwayRows[Int(position[Int(code)])].append(Int32(row))
            groupOfKWayRow[row] = position[Int(code)]
        }
        // A table with K-way votes lists each group's; one without keeps the old slices (no K-way rows to choose).
        let withKWay = !table.kway.isEmpty
        var groups = order.map { Group(name: values[$0], votes: votes[$0], annotators: size[$0]) }
        var slices = order.enumerated().map {
            VoteSlice(field: field, value: values[$1], rows: rows[$0], kwayRows: withKWay ? kwayRows[$0] : nil)
        }
        let mergedVotes = merged.reduce(0) { $0 + votes[$1] }
        if otherShown {
            groups.append(Group(name: Self.other, votes: mergedVotes, annotators: otherAnnotators))
            slices.append(VoteSlice(field: field, value: Self.other, rows: rows[order.count], kwayRows: withKWay ? kwayRows[order.count] : nil))
        }
        let realSmall = merged.filter { $0 != otherCode }.count
        return Partition(
            slices: slices, groups: groups, mergedGroups: realSmall, mergedVotes: mergedVotes,
            mergedAnnotators: otherAnnotators, otherShown: otherShown, missing: missing,
            countedBy: countedBy, groupOfRow: groupOfRow, groupOfKWayRow: groupOfKWayRow)
    }
}

extension VoteTable {
    /// One code per annotator over the pairwise and the K-way votes (a
    /// voter is one annotator whatever they voted on); a vote without a voter
    /// stands for an annotator of its own (a negative code). O(votes).
    func annotatorCodes() -> (pair: [Int32], kway: [Int32]) {
        var lookup: [String: Int32] = [:]
        var pairCodes = [Int32](repeating: 0, count: count)
        for row in 0..<count {
            if let voters, voters.codes[row] >= 0 {
                pairCodes[row] = voters.codes[row]
            } else {
                pairCodes[row] = Int32(-1 - row)
            }
        }
        var next = Int32(voters?.values.count ?? 0)
        if let voters {
            for (k, value) in voters.values.enumerated() { lookup[value] = Int32(k) }
        }
        let kwayMap = (kway.voters?.values ?? []).map { value -> Int32 in
            if let code = lookup[value] { return code }
            lookup[value] = next
            next += 1
            return next - 1
        }
        var kwayCodes = [Int32](repeating: 0, count: kway.count)
        for row in 0..<kway.count {
            if let voters = kway.voters, voters.codes[row] >= 0 {
                kwayCodes[row] = kwayMap[Int(voters.codes[row])]
            } else {
                kwayCodes[row] = Int32(-1 - count - row)
            }
        }
        return (pairCodes, kwayCodes)
    }
}
