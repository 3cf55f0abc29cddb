import Foundation

/// How much annotators agree on each item — one prompt and one unordered
/// pair of contenders judged by several people — and which items are easy,
/// contested or hard (the preference strength of *Secrets of RLHF II*,
/// Wang et al. 2024; the easy/difficult split of *Mixed Preference
/// Optimization*, Wang et al. 2024; the human-verified curation of
/// *Skywork-Reward-V2*, Liu et al. 2025).
///
/// For an item with n votes of which s are for contender a (ties half), the
/// crowd's rate p of preferring a has the posterior Beta(α₀ + s, β₀ + n − s)
/// (uniform prior α₀ = β₀ = 1). Per item:
/// - split: a's wins, b's wins, ties; the majority side and its share;
/// - strength: the posterior probability that the majority side is the
///   crowd's preference, P(p > ½) for a (or P(p < ½) for b) — how sure the
///   crowd is, from ½ (even split) towards 1 (4–0 gives 0.97, 10–0 0.9995);
/// - contested: at least `minimumVotes` votes and a majority share of at most
///   `contestedShare` — people genuinely split, not just too few votes;
/// - model probability: the Bradley–Terry probability (fitted on all votes)
///   that the majority side wins, a prior-free second opinion;
/// - difficulty: contested as above; easy when the crowd is sure
///   (strength ≥ `easyStrength`) or the crowd's majority and the model agree
///   clearly (model probability ≥ `easyModelProbability`); hard otherwise
///   (too few votes, or crowd and model at odds).
///
/// Likely mislabelled vote: a decisive vote against an item's other votes
/// when those others, without it, favour the other side with strength at
/// least `mislabelStrength` (e.g. 4–0) and the model does not contradict
/// them (its probability for their side ≥ `mislabelModelProbability`).
///
/// Items are keyed by the `question_id` field, else `prompt`, and the
/// unordered pair. Cost: O(votes) plus one incomplete-beta evaluation per
/// item and per decisive vote in an item with others.
public struct ItemAgreement: Sendable, Codable {
    public var minimumVotes: Int
    public var contestedShare: Double
    public var easyStrength: Double
    public var easyModelProbability: Double
    public var mislabelStrength: Double
    public var mislabelModelProbability: Double
    public var priorA: Double
    public var priorB: Double
    /// The vote field that keys items; nil uses `question_id`, else `prompt`.
    public var itemField: String?

    enum CodingKeys: String, CodingKey {
        case minimumVotes = "min_votes"
        case contestedShare = "contested_share"
        case easyStrength = "easy_strength"
        case easyModelProbability = "easy_model_probability"
        case mislabelStrength = "mislabel_strength"
        case mislabelModelProbability = "mislabel_model_probability"
        case priorA = "prior_a"
        case priorB = "prior_b"
        case itemField = "item_field"
    }

    public init(
        minimumVotes: Int = 5,
        contestedShare: Double = 0.65,
        easyStrength: Double = 0.9,
        easyModelProbability: Double = 0.75,
        mislabelStrength: Double = 0.95,
        mislabelModelProbability: Double = 0.5,
        priorA: Double = 1,
        priorB: Double = 1,
        itemField: String? = nil
    ) {
        self.minimumVotes = minimumVotes
        self.contestedShare = contestedShare
        self.easyStrength = easyStrength
        self.easyModelProbability = easyModelProbability
        self.mislabelStrength = mislabelStrength
        self.mislabelModelProbability = mislabelModelProbability
        self.priorA = priorA
        self.priorB = priorB
        self.itemField = itemField
    }

    /// The easy/contested/hard split a training export can carry on each pair.
    public enum Difficulty: String, Sendable, Codable, CaseIterable {
        case easy, contested, hard
    }

    public struct Split: Sendable, Codable, Equatable {
        public var a: Int
        public var b: Int
        public var ties: Int
    }

    public struct Item: Sendable, Codable, Equatable {
        /// The prompt key (question id or prompt text).
        public var item: String
        public var a: String
        public var b: String
        public var votes: Int
        public var split: Split
        /// The side more votes favour (ties half), nil on an even split.
        public var majority: String?
        public var majorityShare: Double
        public var strength: Double
        public var modelProbability: Double?
        public var contested: Bool
        public var difficulty: Difficulty
        /// "contested", "mislabelled_votes", "model_disagrees".
        public var flags: [String]

        enum CodingKeys: String, CodingKey {
            case item, a, b, votes, split, majority
            case majorityShare = "majority_share"
            case strength
            case modelProbability = "model_probability"
            case contested, difficulty, flags
        }
    }

    public struct Mislabel: Sendable, Codable, Equatable {
        /// The vote's position among the votes read (0-based).
        public var row: Int
        public var item: String
        public var voter: String?
        /// The contender the vote chose, against the others.
        public var chose: String
        public var against: String
        /// The others' split without this vote, and their strength for `against`.
        public var others: Split
        public var othersStrength: Double
        public var modelProbability: Double?

        enum CodingKeys: String, CodingKey {
            case row, item, voter, chose, against, others
            case othersStrength = "others_strength"
            case modelProbability = "model_probability"
        }
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var items: Int
        public var itemsWithSeveralVotes: Int
        public var votes: Int
        public var votesWithoutItem: Int
        public var contested: Int
        public var easy: Int
        public var hard: Int
        public var mislabelledVotes: Int
        public var itemField: String

        enum CodingKeys: String, CodingKey {
            case items
            case itemsWithSeveralVotes = "items_with_several_votes"
            case votes
            case votesWithoutItem = "votes_without_item"
            case contested, easy, hard
            case mislabelledVotes = "mislabelled_votes"
            case itemField = "item_field"
        }
    }

    public struct Result: Sendable, Encodable {
        public var items: [Item]
        public var mislabelled: [Mislabel]
        public var summary: Summary
        /// The item of each vote row (an index into `items`), -1 without one.
        public var rowItem: [Int32]

        enum CodingKeys: String, CodingKey {
            case items, mislabelled, summary
        }

        /// The difficulty of the item a vote row belongs to, for a training export.
        public func difficulty(ofRow row: Int) -> Difficulty? {
            let k = rowItem[row]
            return k < 0 ? nil : items[Int(k)].difficulty
        }
    }

    /// The field that keys items: `question_id` when the votes carry it, else `prompt`.
    public static let itemFields = ["question_id", "prompt"]

    public func validate() throws(RatingError) {
        guard minimumVotes >= 2 else { throw RatingError("--min-votes must be at least 2; got \(minimumVotes).") }
        guard contestedShare >= 0.5 && contestedShare < 1 else {
            throw RatingError("--contested-share must be in [0.5, 1), e.g. 0.65; got \(contestedShare).")
        }
        for (name, value) in [("--easy-strength", easyStrength), ("--mislabel-strength", mislabelStrength)] where !(value > 0.5 && value < 1) {
            throw RatingError("\(name) must be between 0.5 and 1 (exclusive); got \(value).")
        }
        guard priorA > 0 && priorB > 0 else { throw RatingError("the Beta prior needs positive parameters.") }
    }

    /// Analyses `table`; `model` gives P(row contender beats column contender)
    /// by contender index (nil: no model column, no model conditions).
    public func analyze(_ table: VoteTable, model: ((Int, Int) -> Double)?) throws(RatingError) -> Result {
        try validate()
        let candidates = itemField.map { [$0] } ?? Self.itemFields
        guard let field = candidates.first(where: { table.attributes[$0] != nil }),
              let keys = table.attributes[field] else {
            throw RatingError("The votes carry no \(candidates.joined(separator: " or ")) field, so items (a prompt and a pair judged by several annotators) cannot be formed; add the field to the vote file or name another with --item-field.")
        }
        // Items in order of first appearance: (key code, first, second).
        struct Key: Hashable { var key: Int32; var i: Int32; var j: Int32 }
        var index: [Key: Int32] = [:]
        var itemKey: [Key] = []
        var counts: [[Int]] = []  // [a wins, b wins, ties] with a = lower index
        var rowItem = [Int32](repeating: -1, count: table.count)
        var withoutItem = 0
        for row in 0..<table.count {
            let code = keys.codes[row]
            let x = table.a[row]
            let y = table.b[row]
            guard code >= 0, x != y else {
                withoutItem += 1
                continue
            }
            let key = Key(key: code, i: min(x, y), j: max(x, y))
            let k: Int32
            if let existing = index[key] {
                k = existing
            } else {
                k = Int32(itemKey.count)
                index[key] = k
                itemKey.append(key)
                counts.append([0, 0, 0])
            }
            rowItem[row] = k
            let outcome = x == key.i ? table.outcomes[row] : table.outcomes[row].swapped
            switch outcome {
            case .aWins: counts[Int(k)][0] += 1
            case .bWins: counts[Int(k)][1] += 1
            case .tie, .bothBad: counts[Int(k)][2] += 1
            }
        }
        var items: [Item] = []
        items.reserveCapacity(itemKey.count)
        for (k, key) in itemKey.enumerated() {
            let c = counts[k]
            let n = c[0] + c[1] + c[2]
            let s = Double(c[0]) + 0.5 * Double(c[2])
            let share = s / Double(n)
            let pA = strengthForFirst(s: s, n: Double(n))
            let majorityIsA: Bool? = share > 0.5 ? true : (share < 0.5 ? false : nil)
            let strength = majorityIsA == nil ? 0.5 : (majorityIsA! ? pA : 1 - pA)
            let i = Int(key.i)
            let j = Int(key.j)
            let modelA = model?(i, j)
            let modelMajority = modelA.map { majorityIsA == false ? 1 - $0 : $0 }
            let contested = n >= minimumVotes && max(share, 1 - share) <= contestedShare
            var flags: [String] = []
            let difficulty: Difficulty
            if contested {
                difficulty = .contested
                flags.append("contested")
            } else if majorityIsA != nil && (strength >= easyStrength || (modelMajority ?? 0) >= easyModelProbability) {
                difficulty = .easy
            } else {
                difficulty = .hard
            }
            if majorityIsA != nil, strength >= easyStrength, let m = modelMajority, m < 0.5 {
                flags.append("model_disagrees")
            }
            items.append(Item(
                item: keys.values[Int(key.key)],
                a: table.contenders[i],
                b: table.contenders[j],
                votes: n,
                split: Split(a: c[0], b: c[1], ties: c[2]),
                majority: majorityIsA.map { $0 ? table.contenders[i] : table.contenders[j] },
                majorityShare: max(share, 1 - share),
                strength: strength,
                modelProbability: modelMajority,
                contested: contested,
                difficulty: difficulty,
                flags: flags))
        }
        // Likely mislabelled single votes: decisive, against strong others.
        var mislabelled: [Mislabel] = []
        for row in 0..<table.count {
            let k = rowItem[row]
            guard k >= 0 else { continue }
            let c = counts[Int(k)]
            guard c[0] + c[1] + c[2] >= 2 else { continue }
            let key = itemKey[Int(k)]
            let outcome = table.a[row] == key.i ? table.outcomes[row] : table.outcomes[row].swapped
            guard outcome == .aWins || outcome == .bWins else { continue }
            var others = c
            others[outcome == .aWins ? 0 : 1] -= 1
            let n = Double(others[0] + others[1] + others[2])
            let s = Double(others[0]) + 0.5 * Double(others[2])
            let pA = strengthForFirst(s: s, n: n)
            // Strength of the side the vote went against.
            let othersFavour = outcome == .aWins ? 1 - pA : pA
            guard othersFavour >= mislabelStrength else { continue }
            let i = Int(key.i)
            let j = Int(key.j)
            let modelA = model?(i, j)
            let modelAgainst = modelA.map { outcome == .aWins ? 1 - $0 : $0 }
            if let m = modelAgainst, m < mislabelModelProbability { continue }
            let chose = outcome == .aWins ? i : j
            let against = outcome == .aWins ? j : i
            mislabelled.append(Mislabel(
                row: row,
                item: keys.values[Int(key.key)],
                voter: table.voters?[row],
                chose: table.contenders[chose],
                against: table.contenders[against],
                others: Split(a: others[0], b: others[1], ties: others[2]),
                othersStrength: othersFavour,
                modelProbability: modelAgainst))
            if !items[Int(k)].flags.contains("mislabelled_votes") { items[Int(k)].flags.append("mislabelled_votes") }
        }
        let summary = Summary(
            items: items.count,
            itemsWithSeveralVotes: items.filter { $0.votes >= 2 }.count,
            votes: table.count - withoutItem,
            votesWithoutItem: withoutItem,
            contested: items.filter { $0.difficulty == .contested }.count,
            easy: items.filter { $0.difficulty == .easy }.count,
            hard: items.filter { $0.difficulty == .hard }.count,
            mislabelledVotes: mislabelled.count,
            itemField: field)
        return Result(items: items, mislabelled: mislabelled, summary: summary, rowItem: rowItem)
    }

    /// Analyses `table` with the Bradley–Terry model `estimator` fitted on it.
    public func analyze(_ table: VoteTable, estimator: BradleyTerry) throws(RatingError) -> Result {
        let counts = PairCounts(table)
        guard counts.totalVotes > 0 else { throw .noVotes }
        let fit = try estimator.fit(counts)
        let theta = fit.theta
        return try analyze(table) { i, j in PairwiseProblem.sigmoid(theta[i] - theta[j]) }
    }

    /// P(p > ½) under the posterior Beta(α₀ + s, β₀ + n − s).
    func strengthForFirst(s: Double, n: Double) -> Double {
        BetaDistribution(alpha: priorA + s, beta: priorB + n - s).survival(0.5)
    }
}
