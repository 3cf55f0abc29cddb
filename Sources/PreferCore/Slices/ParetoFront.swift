/// The Pareto view across criteria (*Parrot*, Lu et al. 2024; multi-aspect
/// ratings as in *UltraFeedback*): the contenders that no other contender
/// beats on every criterion, with how much of that rests on overlapping
/// intervals.
///
/// Y dominates X when Y's rating is at least X's on every criterion and above
/// it on one (point estimates, each criterion's own board). The **front** is
/// the contenders nobody dominates. A domination is **clear** when, on every
/// criterion, Y's interval lies wholly above X's (Y's lower bound over X's
/// upper bound); otherwise the criteria where the two intervals overlap are
/// listed, since there the order could flip. The **possible front** is
/// everyone no contender clearly dominates: the contenders the data cannot
/// yet rule off the front. Ratings compare only within a criterion's board
/// and within one connected group of it; a contender missing from some
/// criterion's board is left out and listed. O(contenders² × criteria).
public struct ParetoFront: Sendable, Codable {
    public struct Domination: Sendable, Codable, Equatable {
        /// The dominating contender.
        public var name: String
        /// Whether its interval is wholly above on every criterion.
        public var clear: Bool
        /// Criteria on which the two intervals overlap.
        public var overlapping: [String]
    }

    public struct Member: Sendable, Codable {
        public var name: String
        /// On the front by point estimates.
        public var front: Bool
        /// Not clearly dominated by anyone.
        public var possibleFront: Bool
        /// Per criterion, in `criteria` order.
        public var ratings: [Double]
        public var lower: [Double]
        public var upper: [Double]
        public var votes: [Int]
        /// Provisional on some criterion's board.
        public var provisional: Bool
        /// Who dominates it (empty for front members).
        public var dominatedBy: [Domination]

        enum CodingKeys: String, CodingKey {
            case name, front
            case possibleFront = "possible_front"
            case ratings, lower, upper, votes, provisional
            case dominatedBy = "dominated_by"
        }
    }

    public var criteria: [String]
    /// Front members first (best mean rating first), then the rest.
    public var contenders: [Member]
    public var front: [String]
    public var possibleFront: [String]
    /// Contenders without a rating on every criterion.
    public var excluded: [String]
    /// Interval coverage of the boards (nil without intervals).
    public var level: Double?

    enum CodingKeys: String, CodingKey {
        case criteria, contenders, front
        case possibleFront = "possible_front"
        case excluded, level
    }

    /// The front across `boards`, one per criterion (named by `criteria`).
    public init(criteria: [String], boards: [Leaderboard]) {
        precondition(criteria.count == boards.count, "one board per criterion")
        self.criteria = criteria
        level = boards.allSatisfy(\.hasIntervals) ? boards.first?.method.level : nil
        var everywhere: [String] = []
        var excluded: Set<String> = []
        for board in boards {
            for entry in board.contenders { excluded.insert(entry.name) }
        }
        let all = excluded
        for name in all where boards.allSatisfy({ $0.entry(named: name) != nil }) {
            everywhere.append(name)
            excluded.remove(name)
        }
        everywhere.sort()
        self.excluded = excluded.sorted()
        let entries = everywhere.map { name in boards.map { $0.entry(named: name)! } }
        let c = everywhere.count
        let k = criteria.count
        var members: [Member] = []
        for x in 0..<c {
            var dominators: [Domination] = []
            for y in 0..<c where y != x {
                var atLeast = true
                var above = false
                var clear = true
                var overlapping: [String] = []
                for j in 0..<k {
                    let ex = entries[x][j]
                    let ey = entries[y][j]
                    if ex.group != ey.group || ey.rating < ex.rating {
                        atLeast = false
                        break
                    }
                    if ey.rating > ex.rating { above = true }
                    if ey.lower > ex.upper {
                        continue
                    }
                    clear = false
                    overlapping.append(criteria[j])
                }
                if atLeast && above {
                    dominators.append(Domination(name: everywhere[y], clear: clear, overlapping: overlapping))
                }
            }
            dominators.sort { ($0.clear ? 0 : 1, $0.overlapping.count, $0.name) < ($1.clear ? 0 : 1, $1.overlapping.count, $1.name) }
            members.append(Member(
                name: everywhere[x],
                front: dominators.isEmpty,
                possibleFront: !dominators.contains(where: \.clear),
                ratings: entries[x].map(\.rating),
                lower: entries[x].map(\.lower),
                upper: entries[x].map(\.upper),
                votes: entries[x].map(\.votes),
                provisional: entries[x].contains(where: \.provisional),
                dominatedBy: dominators
            ))
        }
        func mean(_ m: Member) -> Double { m.ratings.reduce(0, +) / Double(max(m.ratings.count, 1)) }
        members.sort { ($0.front ? 0 : 1, -mean($0), $0.name) < ($1.front ? 0 : 1, -mean($1), $1.name) }
        contenders = members
        front = members.filter(\.front).map(\.name)
        possibleFront = members.filter(\.possibleFront).map(\.name)
    }
}
