/// Reads a verdict from a judge's answer, strictly: the answer must carry
/// exactly one verdict in the format its template asked for, or it is
/// unparseable — never guessed.
///
/// - Pairwise: Arena-Hard-Auto's labels in double brackets, `[[A>>B]]`,
///   `[[A>B]]`, `[[A=B]]`, `[[B>A]]`, `[[B>>A]]`, as its `judge_utils`
///   reads them (Li et al., 2024, arXiv:2406.11939); the mirror spellings
///   (`[[B<A]]`, `[[A<<B]]`, `[[B=A]]`), `≫`/`≪` for `>>`/`<<`, spaces and
///   lower case are read as the same label. Several brackets that agree are
///   one verdict; brackets that disagree are unparseable.
/// - Score: `[[n]]` with n from 1 to 10 (MT-Bench's `Rating: [[5]]`,
///   Zheng et al., 2023, arXiv:2306.05685); decimals allowed.
/// - Rank: `[[C > A > B]]` or `[[C, A, B]]`, best first, each of the K
///   labels exactly once.
///
/// O(length of the answer).
public enum VerdictParser {
    /// Why an answer gave no verdict.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// No bracketed verdict in the answer.
        case noVerdict
        /// Several bracketed verdicts that disagree.
        case conflicting([String])
        /// A bracketed verdict that is not one of the allowed ones.
        case invalid(String)

        public var description: String {
            switch self {
            case .noVerdict: "no verdict in the required format"
            case .conflicting(let labels): "conflicting verdicts \(labels.joined(separator: ", "))"
            case .invalid(let label): "\"\(label)\" is not an allowed verdict"
            }
        }
    }

    /// The contents of every `[[…]]` in `text`, in order (at most 64 characters each).
    public static func bracketed(_ text: String) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index + 3 < scalars.count {
            guard scalars[index] == "[", scalars[index + 1] == "[" else {
                index += 1
                continue
            }
            var end = index + 2
            var closed = false
            while end + 1 < scalars.count, end - index <= 66 {
                if scalars[end] == "[" { break }
                if scalars[end] == "]" && scalars[end + 1] == "]" {
                    closed = true
                    break
                }
                end += 1
            }
            if closed {
                var content = String.UnicodeScalarView()
                content.append(contentsOf: scalars[(index + 2)..<end])
                found.append(String(content))
                index = end + 2
            } else {
                index += 2
            }
        }
        return found
    }

    /// A pairwise verdict.
    public static func pairwise(_ text: String) -> Result<PairVerdict, Failure> {
        var verdicts: [PairVerdict] = []
        var invalid: String?
        for content in bracketed(text) {
            let label = normalizedLabel(content)
            // Only brackets made of verdict characters are verdict attempts.
            guard !label.isEmpty, label.allSatisfy({ "AB<>=".contains($0) }) else { continue }
            if let verdict = pairVerdict(label) {
                if !verdicts.contains(verdict) { verdicts.append(verdict) }
            } else {
                invalid = invalid ?? content
            }
        }
        if verdicts.count > 1 { return .failure(.conflicting(verdicts.map(\.rawValue))) }
        if let verdict = verdicts.first {
            if let invalid { return .failure(.conflicting([verdict.rawValue, invalid])) }
            return .success(verdict)
        }
        if let invalid { return .failure(.invalid(invalid)) }
        return .failure(.noVerdict)
    }

    /// A label's spelling reduced to A, B, <, >, =.
    static func normalizedLabel(_ content: String) -> String {
        var out = ""
        for character in content {
            switch character {
            case " ", "\t", "\n", "\r": continue
            case "≫": out += ">>"
            case "≪": out += "<<"
            case "a": out += "A"
            case "b": out += "B"
            default: out.append(character)
            }
        }
        return out
    }

    static func pairVerdict(_ label: String) -> PairVerdict? {
        switch label {
        case "A>>B", "B<<A": .firstMuchBetter
        case "A>B", "B<A": .firstBetter
        case "A=B", "B=A": .tie
        case "B>A", "A<B": .secondBetter
        case "B>>A", "A<<B": .secondMuchBetter
        default: nil
        }
    }

    /// A single-answer score from 1 to 10.
    public static func score(_ text: String) -> Result<Double, Failure> {
        var scores: [Double] = []
        var invalid: String?
        for content in bracketed(text) {
            let trimmed = content.trimmingSpaces
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { continue }
            guard let value = Double(trimmed), value >= 1, value <= 10 else {
                invalid = invalid ?? content
                continue
            }
            if !scores.contains(value) { scores.append(value) }
        }
        if scores.count > 1 { return .failure(.conflicting(scores.map { String($0) })) }
        if let score = scores.first { return .success(score) }
        if let invalid { return .failure(.invalid(invalid)) }
        return .failure(.noVerdict)
    }

    /// A ranking of `count` outputs labelled A, B, C…: their indices, best first.
    public static func ranking(_ text: String, count: Int) -> Result<[Int], Failure> {
        let labels = JudgeLabels.letters(count)
        var rankings: [[Int]] = []
        var invalid: String?
        for content in bracketed(text) {
            let parts = content.uppercased().split(whereSeparator: { $0 == ">" || $0 == "," })
                .map { String($0).trimmingSpaces }
            guard parts.count >= 2, parts.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) else { continue }
            let indices = parts.compactMap { labels.firstIndex(of: $0) }
            guard indices.count == count, Set(indices).count == count else {
                invalid = invalid ?? content
                continue
            }
            if !rankings.contains(indices) { rankings.append(indices) }
        }
        if rankings.count > 1 {
            return .failure(.conflicting(rankings.map { $0.map { labels[$0] }.joined(separator: ">") }))
        }
        if let ranking = rankings.first { return .success(ranking) }
        if let invalid { return .failure(.invalid(invalid)) }
        return .failure(.noVerdict)
    }
}

/// The labels outputs are shown under: A, B, C, … Z.
public enum JudgeLabels {
    public static func letters(_ count: Int) -> [String] {
        (0..<max(0, min(count, 26))).map { String(UnicodeScalar(UInt8(65 + $0))) }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
