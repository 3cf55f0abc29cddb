/// Why a reward model could not be trained, read or used, with what to do.
public struct RewardError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    public static func invalidOption(_ message: String) -> RewardError { RewardError(message) }

    public static let noPairs = RewardError(
        "no preference pairs with texts to learn from: give rows with prompt/chosen/rejected, or votes with text_a/text_b (or output_a/output_b).")

    public static func notAModel(_ source: String) -> RewardError {
        RewardError("\(source) is not a Prefer reward model file (it does not start with \"PREFERRM\"); make one with prefer reward train.")
    }

    public static func otherVersion(_ source: String, found: UInt32, supported: UInt32) -> RewardError {
        RewardError("\(source) is a reward model of format version \(found); this prefer reads version \(supported). Retrain it with this prefer (prefer reward train) or use the prefer that wrote it.")
    }

    public static func corrupt(_ source: String, _ detail: String) -> RewardError {
        RewardError("\(source) is damaged: \(detail). Retrain the model with prefer reward train.")
    }
}
