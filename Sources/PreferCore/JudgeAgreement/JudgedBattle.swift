/// A battle that has both a human verdict and a judge verdict, oriented by
/// contender: `.a` means `first` won, whichever side it was shown on.
/// Both-bad counts as a tie, as in ranking.
public struct JudgedBattle: Sendable, Hashable, Codable {
    public var first: String
    public var second: String
    public var human: PairJudgement.Winner
    public var judge: PairJudgement.Winner
    /// The judge's strength: 2 (≫), 1 (>), 0 (=).
    public var judgeStrength: Int
    /// Whether the judge's two orders agreed; nil when not known.
    public var judgeConsistent: Bool?
    public var category: String?
    /// The criterion the verdicts are about; nil for the overall verdict.
    public var criterion: String?
    /// Characters in each output, when known (for verbosity bias and routing).
    public var firstLength: Int?
    public var secondLength: Int?

    public init(
        first: String, second: String, human: PairJudgement.Winner, judge: PairJudgement.Winner, judgeStrength: Int = 1,
        judgeConsistent: Bool? = nil, category: String? = nil, criterion: String? = nil, firstLength: Int? = nil,
        secondLength: Int? = nil
    ) {
        self.first = first
        self.second = second
        self.human = human
        self.judge = judge
        self.judgeStrength = judgeStrength
        self.judgeConsistent = judgeConsistent
        self.category = category
        self.criterion = criterion
        self.firstLength = firstLength
        self.secondLength = secondLength
    }

    /// Label index for the confusion matrix: 0 = first wins, 1 = second wins, 2 = tie.
    public static func index(_ winner: PairJudgement.Winner) -> Int {
        switch winner {
        case .a: 0
        case .b: 1
        case .tie: 2
        }
    }

    /// The labels of the confusion matrix's rows and columns, in index order.
    public static let labels = ["first wins", "second wins", "tie"]
}
