/// A sampling policy that cannot be used, with what to write instead.
public struct SamplingPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The accepted spellings, for messages.
    public static let accepted = "uniform, weighted, active (the width rule), active:width, active:lmarena, active:top-k[=K] or active:info-gain[=K]"

    public static func unknownPolicy(_ text: String) -> SamplingPolicyError {
        SamplingPolicyError("unknown sampling policy \"\(text)\": use \(accepted).")
    }

    public static func unknownRule(_ text: String) -> SamplingPolicyError {
        SamplingPolicyError("unknown active sampling rule \"\(text)\": the rules are \(ActiveSampling.Rule.allCases.map(\.rawValue).joined(separator: ", ")) (e.g. active:lmarena, active:top-k=5).")
    }

    public static func invalidSetting(_ message: String) -> SamplingPolicyError { SamplingPolicyError(message) }
}
