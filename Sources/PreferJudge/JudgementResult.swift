import Foundation
import PreferCore

/// One judged pair as `prefer judge file` writes it (and as a run keeps an
/// item's result): the verdict for `a` or `b`, its strength (2 ≫, 1 >, 0 =),
/// whether the orders agreed, each order's verdict and raw answer, tokens,
/// and the error when there is no verdict.
public struct JudgementResult: Sendable, Hashable, Codable {
    public var id: RowID?
    /// "a", "b" or "tie"; nil when no verdict.
    public var verdict: String?
    public var strength: Int?
    /// nil when not both orders answered (or score mode, which has no order).
    public var consistent: Bool?
    /// Per question (per order; per output in score mode): the verdict as shown, e.g. "A>B", "7", "p(A)=0.83".
    public var verdicts: [String?]
    /// Per question: the answer's text (after the reminder, when there was one).
    public var raw: [String?]
    public var tokens: Int
    public var error: String?
    /// Per criterion, when the judge has criteria.
    public var criteria: [String: JudgementResult]?
    /// Rank mode: the outputs (as indices, or contender ids in a run), best first.
    public var ranking: [Int64]?

    enum CodingKeys: String, CodingKey {
        case id, verdict, strength, consistent, verdicts, raw, tokens, error, criteria, ranking
    }

    public init(_ result: JudgePlan.CriterionResult, id: RowID? = nil) {
        self.id = id
        let pair = result.pair
        if let judgement = pair?.judgement {
            verdict = judgement.winner.rawValue
            strength = judgement.strength
        }
        consistent = pair?.consistent
        verdicts = result.verdicts
        raw = result.raw
        tokens = result.tokens
        error = result.error
        if pair?.judgement == nil && error == nil && pair?.flipped == true {
            error = "the orders disagree (a flip), dropped by the judge's setting"
        }
        ranking = result.ranking.map { $0.map(Int64.init) }
    }

    /// The overall result with each criterion's nested under `criteria`.
    public init(_ results: [JudgePlan.CriterionResult], id: RowID? = nil) {
        self.init(results[0], id: id)
        if results.count > 1 {
            var criteria: [String: JudgementResult] = [:]
            for result in results.dropFirst() {
                if let name = result.criterion { criteria[name] = JudgementResult(result) }
            }
            self.criteria = criteria
        }
    }

    /// The result as one JSON object with its keys in the documented order
    /// (id, verdict, strength, consistent, verdicts, raw, tokens, error, criteria, ranking).
    public func jsonText() throws -> String {
        let encoder = Self.fragmentEncoder
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        var fields: [String] = []
        if let id { fields.append(#""id":"# + (try json(id))) }
        fields.append(#""verdict":"# + (try json(verdict)))
        fields.append(#""strength":"# + (try json(strength)))
        fields.append(#""consistent":"# + (try json(consistent)))
        fields.append(#""verdicts":"# + (try json(verdicts)))
        fields.append(#""raw":"# + (try json(raw)))
        fields.append(#""tokens":"# + (try json(tokens)))
        if let error { fields.append(#""error":"# + (try json(error))) }
        if let criteria {
            let inner = try criteria.keys.sorted().map { key in (try json(key)) + ":" + (try criteria[key]!.jsonText()) }
            fields.append(#""criteria":{"# + inner.joined(separator: ",") + "}")
        }
        if let ranking { fields.append(#""ranking":"# + (try json(ranking))) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static let fragmentEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let id { try c.encode(id, forKey: .id) }
        try c.encode(verdict, forKey: .verdict)
        try c.encode(strength, forKey: .strength)
        try c.encode(consistent, forKey: .consistent)
        try c.encode(verdicts, forKey: .verdicts)
        try c.encode(raw, forKey: .raw)
        try c.encode(tokens, forKey: .tokens)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(criteria, forKey: .criteria)
        try c.encodeIfPresent(ranking, forKey: .ranking)
    }
}

/// A row's `id` as the file gave it: text or a number (or the row number when absent).
public enum RowID: Sendable, Hashable, Codable {
    case text(String)
    case number(Double)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 {
                try container.encode(Int64(number))
            } else {
                try container.encode(number)
            }
        }
    }
}
