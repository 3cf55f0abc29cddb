/// How many annotations preferred each side of one comparison: a single
/// vote is one count of 1; an aggregated row (AdParaphrase, any
/// crowdsourcing export) is several.
public struct PreferenceCounts: Sendable, Hashable {
    public var aWins: Int
    public var bWins: Int
    public var ties: Int
    public var bothBad: Int

    public init(aWins: Int = 0, bWins: Int = 0, ties: Int = 0, bothBad: Int = 0) {
        self.aWins = aWins
        self.bWins = bWins
        self.ties = ties
        self.bothBad = bothBad
    }

    /// One annotation with this outcome.
    public init(_ outcome: Outcome) {
        self.init()
        self[outcome] = 1
    }

    public var total: Int { aWins + bWins + ties + bothBad }

    public subscript(outcome: Outcome) -> Int {
        get {
            switch outcome {
            case .aWins: aWins
            case .bWins: bWins
            case .tie: ties
            case .bothBad: bothBad
            }
        }
        set {
            switch outcome {
            case .aWins: aWins = newValue
            case .bWins: bWins = newValue
            case .tie: ties = newValue
            case .bothBad: bothBad = newValue
            }
        }
    }

    /// The outcome of a single annotation; nil when the counts hold more or none.
    public var single: Outcome? {
        guard total == 1 else { return nil }
        return Outcome.allCases.first { self[$0] == 1 }
    }

    /// The same counts with the sides swapped.
    public var swapped: PreferenceCounts {
        PreferenceCounts(aWins: bWins, bWins: aWins, ties: ties, bothBad: bothBad)
    }

    public static func + (lhs: PreferenceCounts, rhs: PreferenceCounts) -> PreferenceCounts {
        PreferenceCounts(
            aWins: lhs.aWins + rhs.aWins, bWins: lhs.bWins + rhs.bWins, ties: lhs.ties + rhs.ties,
            bothBad: lhs.bothBad + rhs.bothBad)
    }
}

/// Who gave a preference: people or an AI judge.
public enum PreferenceSource: String, Sendable, Hashable, Codable, CaseIterable {
    case human
    case judge
}

/// One row of a preference dataset with its texts: a prompt, the two
/// outputs compared (A and B), how the annotations went, and what else the
/// row says (contenders when known, who judged, a weight, a category, a
/// margin).
///
/// Every dataset reader (`DatasetReader`: TRL/HH-RLHF pairs, column-mapped
/// counts, UltraFeedback ratings binarised) produces these, and every
/// consumer takes them: `prefer import` stores them, `prefer rank` ranks the
/// ones with contenders (`PreferenceRecord.voteTable`), exports turn them
/// into training pairs, and a driver analysis or a reward-model trainer reads
/// the texts and the outcome.
public struct PreferenceRecord: Sendable, Hashable {
    /// The 1-based line of the file the row came from (0 when not from a file).
    public var line: Int
    public var prompt: PreferenceText?
    /// The output shown (or listed) first.
    public var a: PreferenceText
    public var b: PreferenceText
    /// The contenders that produced A and B, when the dataset names them.
    public var contenderA: String?
    public var contenderB: String?
    /// The annotations: one vote, or several aggregated.
    public var counts: PreferenceCounts
    public var source: PreferenceSource
    /// How much the row counts in a fit (an importance weight, 1 unless reweighted).
    public var weight: Double
    public var voter: String?
    public var category: String?
    /// Per-criterion outcomes (multi-aspect ratings binarised: one per aspect
    /// rated on both sides).
    public var criteria: [String: Outcome]
    /// How strongly the winner won, in the dataset's own units (a rating
    /// difference), when the dataset gives one.
    public var margin: Double?
    public var rationale: String?

    public init(
        line: Int = 0, prompt: PreferenceText? = nil, a: PreferenceText, b: PreferenceText,
        contenderA: String? = nil, contenderB: String? = nil, counts: PreferenceCounts,
        source: PreferenceSource = .human, weight: Double = 1, voter: String? = nil, category: String? = nil,
        criteria: [String: Outcome] = [:], margin: Double? = nil, rationale: String? = nil
    ) {
        self.line = line
        self.prompt = prompt
        self.a = a
        self.b = b
        self.contenderA = contenderA
        self.contenderB = contenderB
        self.counts = counts
        self.source = source
        self.weight = weight
        self.voter = voter
        self.category = category
        self.criteria = criteria
        self.margin = margin
        self.rationale = rationale
    }

    /// Whether both contenders are known (so the row can count on a leaderboard).
    public var hasContenders: Bool { contenderA != nil && contenderB != nil }

    /// The same row with A and B swapped (counts, contenders and criteria follow).
    public var swapped: PreferenceRecord {
        var out = self
        swap(&out.a, &out.b)
        swap(&out.contenderA, &out.contenderB)
        out.counts = counts.swapped
        out.criteria = criteria.mapValues(\.swapped)
        return out
    }
}
