import Foundation

/// How the next pair of contenders is chosen: `Sampling`'s uniform and
/// weighted draws, or active selection with a named rule.
///
/// Written as text in settings and on the command line: `uniform`,
/// `weighted`, `active` (the width rule with default settings),
/// `active:width`, `active:lmarena`, `active:top-k` (k = 10),
/// `active:top-k=K`, `active:info-gain` or `active:info-gain=K`.
public enum SamplingPolicy: Sendable, Hashable, CustomStringConvertible {
    case uniform
    case weighted
    case active(ActiveSampling)

    /// The policy of an arena's stored `Sampling` (uniform or weighted).
    public init(_ sampling: Sampling) {
        switch sampling {
        case .uniform: self = .uniform
        case .weighted: self = .weighted
        }
    }

    /// Parses the text form; an unknown policy or rule is an error that lists
    /// the accepted ones.
    public init(parsing text: String) throws(SamplingPolicyError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "uniform":
            self = .uniform
            return
        case "weighted":
            self = .weighted
            return
        case "active":
            self = .active(ActiveSampling())
            return
        default:
            break
        }
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("active:") else { throw .unknownPolicy(text) }
        var ruleText = String(lower.dropFirst("active:".count))
        var k: Int?
        if let equals = ruleText.firstIndex(of: "=") {
            let value = ruleText[ruleText.index(after: equals)...]
            ruleText = String(ruleText[..<equals])
            guard ruleText == ActiveSampling.Rule.topK.rawValue || ruleText == ActiveSampling.Rule.informationGain.rawValue else {
                throw .invalidSetting("only the top-k and info-gain rules take a number (active:top-k=5); got \"\(text)\".")
            }
            guard let parsed = Int(value), parsed >= 1 else {
                throw .invalidSetting("active:\(ruleText)=K needs a whole number K of at least 1; got \"\(value)\".")
            }
            k = parsed
        }
        guard let rule = ActiveSampling.Rule(rawValue: ruleText) else { throw .unknownRule(ruleText) }
        var settings = ActiveSampling(rule: rule)
        if let k { settings.topK = k }
        self = .active(settings)
    }

    /// The text form (settings other than the rule and k are not part of it).
    public var description: String {
        switch self {
        case .uniform: "uniform"
        case .weighted: "weighted"
        case .active(let s):
            switch s.rule {
            case .topK, .informationGain: "active:\(s.rule.rawValue)=\(s.topK)"
            default: "active:\(s.rule.rawValue)"
            }
        }
    }
}
