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
/// without the attribute belong to no group and are counted. O(votes).
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
    }

    /// The groups, or nil when no vote carries the field.
    public func partition(_ table: VoteTable) -> Partition? {
        guard let column = table.textColumn(named: field), column.codes.contains(where: { $0 >= 0 }) else { return nil }
        let values = column.values.count
        var votes = [Int](repeating: 0, count: values)
        var annotators = [Set<Int32>](repeating: [], count: values)
        let voters = table.voters
        var missing = 0
        for row in 0..<table.count {
            let code = column.codes[row]
            guard code >= 0 else {
                missing += 1
                continue
            }
            votes[Int(code)] += 1
            if let voters, voters.codes[row] >= 0 {
                annotators[Int(code)].insert(voters.codes[row])
            } else {
                // No voter: the vote stands for one annotator of its own.
                annotators[Int(code)].insert(Int32(-1 - row))
            }
        }
        let countedBy = voters == nil ? "vote" : "voter"
        let size = annotators.map(\.count)
        let otherCode = column.index[Self.other].map(Int.init)
        let shown = (0..<values).filter { votes[$0] > 0 && size[$0] >= minimumSize && $0 != otherCode }
        let merged = (0..<values).filter { votes[$0] > 0 && (size[$0] < minimumSize || $0 == otherCode) }
        let otherAnnotators = merged.reduce(into: Set<Int32>()) { $0.formUnion(annotators[$1]) }.count
        let otherShown = !merged.isEmpty && otherAnnotators >= minimumSize
        let order = shown.sorted { (votes[$0], column.values[$1]) > (votes[$1], column.values[$0]) }
        var position = [Int32](repeating: -1, count: values)
        for (k, code) in order.enumerated() { position[code] = Int32(k) }
        if otherShown {
            for code in merged { position[code] = Int32(order.count) }
        }
        var rows = [[Int32]](repeating: [], count: order.count + (otherShown ? 1 : 0))
        var groupOfRow = [Int32](repeating: -1, count: table.count)
        for row in 0..<table.count {
            let code = column.codes[row]
            guard code >= 0, position[Int(code)] >= 0 else { continue }
            rows[Int(position[Int(code)])].append(Int32(row))
            groupOfRow[row] = position[Int(code)]
        }
        var groups = order.map { Group(name: column.values[$0], votes: votes[$0], annotators: size[$0]) }
        var slices = order.enumerated().map { VoteSlice(field: field, value: column.values[$1], rows: rows[$0]) }
        let mergedVotes = merged.reduce(0) { $0 + votes[$1] }
        if otherShown {
            groups.append(Group(name: Self.other, votes: mergedVotes, annotators: otherAnnotators))
            slices.append(VoteSlice(field: field, value: Self.other, rows: rows[order.count]))
        }
        let realSmall = merged.filter { $0 != otherCode }.count
        return Partition(
            slices: slices, groups: groups, mergedGroups: realSmall, mergedVotes: mergedVotes,
            mergedAnnotators: otherAnnotators, otherShown: otherShown, missing: missing,
            countedBy: countedBy, groupOfRow: groupOfRow)
    }
}
