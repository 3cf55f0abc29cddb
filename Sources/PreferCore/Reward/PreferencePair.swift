/// One human (or judge) preference between two outputs for a prompt: the
/// unit a reward model learns from.
///
/// `label` is 1 when `chosen` was preferred and ½ for a tie (then the order
/// of the two is arbitrary). The contenders are known when the pair came
/// from arena votes (`model_a`/`model_b`), and `origin` says where it was
/// read (file:line) for error messages.
public struct PreferencePair: Sendable, Hashable {
    public var prompt: String
    public var chosen: String
    public var rejected: String
    public var label: Double
    public var weight: Double
    public var chosenContender: String?
    public var rejectedContender: String?
    /// Cast by an AI judge (a vote row with `"source": "judge"`).
    public var isJudge: Bool
    public var origin: String?

    public init(
        prompt: String, chosen: String, rejected: String, label: Double = 1, weight: Double = 1,
        chosenContender: String? = nil, rejectedContender: String? = nil, isJudge: Bool = false, origin: String? = nil
    ) {
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
        self.label = label
        self.weight = weight
        self.chosenContender = chosenContender
        self.rejectedContender = rejectedContender
        self.isJudge = isJudge
        self.origin = origin
    }

    public var isTie: Bool { label == 0.5 }
}
