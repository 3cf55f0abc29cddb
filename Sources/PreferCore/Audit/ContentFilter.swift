/// LMArena's cleaning of battles by what the outputs say (FastChat's
/// `clean_battle_data.py`): a battle is dropped when an output reveals a
/// contender's identity (it names a model or vendor), when it is an error
/// message instead of an answer, or when it is empty.
///
/// Matching is case-insensitive substring search on both outputs. The
/// default identity words are LMArena's list, trimmed of entries that are
/// error messages (those are `errorMarkers`); set your own with
/// `--identity-words` (your contenders' and vendors' names). Cost: O(total
/// output length × words) — output text is dictionary-encoded, so each
/// distinct output is scanned once.
public struct ContentFilter: Sendable {
    public var identityWords: [String]
    public var errorMarkers: [String]

    public static let defaultIdentityWords = [
        "vicuna", "lmsys", "koala", "uc berkeley", "open assistant", "laion", "chatglm", "chatgpt", "gpt-4",
        "openai", "anthropic", "claude", "bard", "palm", "lamda", "google", "llama", "qianwan", "alibaba",
        "mistral", "zhipu", "keg lab", "01.ai", "ai2", "tülu", "tulu",
    ]
    public static let defaultErrorMarkers = [
        "network error due to high traffic", "$moderation$ your input violates", "api request error",
    ]

    public init(identityWords: [String] = ContentFilter.defaultIdentityWords,
                errorMarkers: [String] = ContentFilter.defaultErrorMarkers) {
        self.identityWords = identityWords.map { $0.lowercased() }.filter { !$0.isEmpty }
        self.errorMarkers = errorMarkers.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    public enum Reason: String, Sendable, Codable, CaseIterable {
        case identity, error, empty
    }

    /// Why one output fails, if it does.
    public func check(_ output: String) -> Reason? {
        if output.allSatisfy(\.isWhitespace) { return .empty }
        let lower = output.lowercased()
        if errorMarkers.contains(where: { lower.contains($0) }) { return .error }
        if identityWords.contains(where: { lower.contains($0) }) { return .identity }
        return nil
    }

    /// Per vote, why it is dropped (nil = kept). A vote with a missing
    /// output is judged on the output it has.
    public func apply(outputA: TextColumn?, outputB: TextColumn?, count: Int) -> [Reason?] {
        func verdicts(_ column: TextColumn?) -> [Reason?] {
            guard let column else { return [] }
            return column.values.map(check)
        }
        let va = verdicts(outputA)
        let vb = verdicts(outputB)
        return (0..<count).map { row in
            let ra = outputA.flatMap { c in c.codes[row] >= 0 ? va[Int(c.codes[row])] : nil }
            let rb = outputB.flatMap { c in c.codes[row] >= 0 ? vb[Int(c.codes[row])] : nil }
            // Report the most specific reason: an error beats identity beats empty.
            for reason in [Reason.error, .identity, .empty] where ra == reason || rb == reason { return reason }
            return nil
        }
    }
}
