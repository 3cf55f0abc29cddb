/// Inter-annotator agreement on battles that several people judged: the
/// same prompt shown with the same pair of contenders (in either order).
///
/// Each battle is a unit; each vote a rating in one of three categories,
/// oriented by contender rather than by side — "the first contender (by
/// name) wins", "the second wins", "tie" (both-bad counts as a tie, as in
/// ranking) — so that swapped sides still agree. Reports Krippendorff's α
/// (nominal) and Fleiss' κ over all battles with at least two votes, and the
/// same per contender pair. Raters are voters: a voter's repeated votes on
/// one battle are one rating — the latest (by timestamp when the votes carry
/// one, else the last in file order) — and the repeats are counted in
/// `repeatsCollapsed`. Votes without a voter count one rating each.
/// O(votes + battles).
public struct AgreementStudy: Sendable {
    public struct Measures: Sendable, Codable, Hashable {
        /// Battles with at least two votes, and the votes on them.
        public var battles: Int
        public var ratings: Int
        public var krippendorffAlpha: Double?
        public var fleissKappa: Double?
        /// Mean share of agreeing rater pairs (Fleiss' P̄) and its chance level.
        public var observedAgreement: Double?
        public var chanceAgreement: Double?

        enum CodingKeys: String, CodingKey {
            case battles, ratings
            case krippendorffAlpha = "krippendorff_alpha"
            case fleissKappa = "fleiss_kappa"
            case observedAgreement = "observed_agreement"
            case chanceAgreement = "chance_agreement"
        }

        init(_ units: [[Int]]) {
            let pairable = units.filter { $0.reduce(0, +) >= 2 }
            battles = pairable.count
            ratings = pairable.reduce(0) { $0 + $1.reduce(0, +) }
            krippendorffAlpha = KrippendorffAlpha.nominal(pairable)
            let fleiss = FleissKappa.compute(pairable)
            fleissKappa = fleiss?.kappa
            observedAgreement = fleiss?.observed
            chanceAgreement = fleiss?.expected
        }
    }

    public struct PairMeasures: Sendable, Codable, Hashable {
        public var first: String
        public var second: String
        public var measures: Measures
    }

    public struct Result: Sendable, Codable {
        public var itemField: String
        public var overall: Measures
        public var pairs: [PairMeasures]
        /// Votes without the item field, and votes on battles nobody else judged.
        public var votesWithoutItem: Int
        public var singleVoteBattles: Int
        /// Votes left out because their voter voted on the same battle again
        /// (the latest vote is the voter's rating).
        public var repeatsCollapsed = 0

        enum CodingKeys: String, CodingKey {
            case itemField = "item_field"
            case overall, pairs
            case votesWithoutItem = "votes_without_item"
            case singleVoteBattles = "single_vote_battles"
            case repeatsCollapsed = "repeats_collapsed"
        }
    }

    /// The three-category counts of every battle, keyed by (item, pair).
    public static func units(_ table: VoteTable, items: TextColumn) -> (units: [[Int]], pairs: [(Int32, Int32)], missing: Int, repeats: Int) {
        struct UnitKey: Hashable {
            var item: Int32
            var first: Int32
            var second: Int32
        }
        var index: [UnitKey: Int] = [:]
        var units: [[Int]] = []
        var pairs: [(Int32, Int32)] = []
        var missing = 0
        let names = table.contenders
        // The row that is each voter's rating of each battle: their latest.
        struct RaterKey: Hashable {
            var unit: UnitKey
            var voter: Int32
        }
        var latest: [RaterKey: Int] = [:]
        var repeats = 0
        if let voters = table.voters {
            for row in 0..<table.count where items.codes[row] >= 0 && table.a[row] != table.b[row] && voters.codes[row] >= 0 {
                let (x, y) = (table.a[row], table.b[row])
                let (first, second) = names[Int(x)] < names[Int(y)] ? (x, y) : (y, x)
                let key = RaterKey(unit: UnitKey(item: items.codes[row], first: first, second: second), voter: voters.codes[row])
                if let previous = latest[key] {
                    repeats += 1
                    let later = table.timestamps.map { $0[row] >= $0[previous] } ?? true
                    if later { latest[key] = row }
                } else {
                    latest[key] = row
                }
            }
        }
        for row in 0..<table.count {
            let code = items.codes[row]
            let x = table.a[row]
            let y = table.b[row]
            guard code >= 0, x != y else {
                missing += 1
                continue
            }
            // Orient by name so the categories mean the same in every file.
            let (first, second) = names[Int(x)] < names[Int(y)] ? (x, y) : (y, x)
            let key = UnitKey(item: code, first: first, second: second)
            if let voters = table.voters, voters.codes[row] >= 0, latest[RaterKey(unit: key, voter: voters.codes[row])] != row {
                continue  // an earlier vote of a voter who voted on this battle again
            }
            let u: Int
            if let existing = index[key] {
                u = existing
            } else {
                u = units.count
                index[key] = u
                units.append([0, 0, 0])
                pairs.append((first, second))
            }
            let outcome = table.outcomes[row]
            let category = outcome.isTie ? 2 : ((outcome == .aWins) == (x == first) ? 0 : 1)
            units[u][category] += 1
        }
        return (units, pairs, missing, repeats)
    }

    public static func measure(_ table: VoteTable, itemField: String) -> Result? {
        guard let items = table.attributes[itemField] else { return nil }
        let (units, pairs, missing, repeats) = units(table, items: items)
        var byPair: [String: (first: String, second: String, units: [[Int]])] = [:]
        for (u, unit) in units.enumerated() where unit.reduce(0, +) >= 2 {
            let first = table.contenders[Int(pairs[u].0)]
            let second = table.contenders[Int(pairs[u].1)]
            byPair[first + "\u{1F}" + second, default: (first, second, [])].units.append(unit)
        }
        let perPair = byPair.values
            .map { PairMeasures(first: $0.first, second: $0.second, measures: Measures($0.units)) }
            .sorted { ($0.measures.battles, $1.first, $1.second) > ($1.measures.battles, $0.first, $0.second) }
        var result = Result(
            itemField: itemField, overall: Measures(units), pairs: perPair, votesWithoutItem: missing,
            singleVoteBattles: units.filter { $0.reduce(0, +) == 1 }.count
        )
        result.repeatsCollapsed = repeats
        return result
    }
}
