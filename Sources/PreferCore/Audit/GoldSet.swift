import Foundation

/// Gold battles: pairs an admin marked with a known answer for a prompt.
///
/// Read from JSON Lines, one `{"prompt" | "question_id", "model_a",
/// "model_b", "winner"}` object a line (`winner` as in vote files). A vote
/// matches when its prompt (or question id) and its two contenders match, in
/// either order. Lookup is O(1) per vote.
public struct GoldSet: Sendable {
    public struct Battle: Sendable, Hashable {
        public var key: String
        public var modelA: String
        public var modelB: String
        public var winner: Outcome

        public init(key: String, modelA: String, modelB: String, winner: Outcome) {
            self.key = key
            self.modelA = modelA
            self.modelB = modelB
            self.winner = winner
        }

        /// The winning contender's name, or nil for a tie.
        public var winnerName: String? {
            switch winner {
            case .aWins: modelA
            case .bWins: modelB
            case .tie, .bothBad: nil
            }
        }
    }

    public private(set) var battles: [Battle] = []
    private var index: [String: Int] = [:]

    public init(_ battles: [Battle] = []) {
        for battle in battles { add(battle) }
    }

    static func key(_ prompt: String, _ x: String, _ y: String) -> String {
        let (lo, hi) = x < y ? (x, y) : (y, x)
        return prompt + "\u{1F}" + lo + "\u{1F}" + hi
    }

    public mutating func add(_ battle: Battle) {
        index[Self.key(battle.key, battle.modelA, battle.modelB)] = battles.count
        battles.append(battle)
    }

    public func lookup(prompt: String, _ x: String, _ y: String) -> Battle? {
        index[Self.key(prompt, x, y)].map { battles[$0] }
    }

    public var isEmpty: Bool { battles.isEmpty }

    /// Parses gold JSON Lines; `source` names the file in error messages.
    public static func parse(jsonLines text: String, source: String) throws(AuditError) -> GoldSet {
        var set = GoldSet()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let where_ = "\(source):\(n + 1)"
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw .invalidGold("\(where_): not a JSON object. Write one {\"prompt\", \"model_a\", \"model_b\", \"winner\"} object per line.")
            }
            guard let key = (object["prompt"] as? String) ?? (object["question_id"] as? String)
                ?? (object["question_id"] as? NSNumber)?.stringValue else {
                throw .invalidGold("\(where_): needs a \"prompt\" or \"question_id\" to match votes against.")
            }
            guard let a = object["model_a"] as? String, let b = object["model_b"] as? String, a != b else {
                throw .invalidGold("\(where_): needs two different contenders in \"model_a\" and \"model_b\".")
            }
            guard let label = object["winner"] as? String, let winner = Outcome(label: label) else {
                throw .invalidGold("\(where_): \"winner\" must be one of \(Outcome.labels.joined(separator: ", ")).")
            }
            set.add(Battle(key: key, modelA: a, modelB: b, winner: winner))
        }
        return set
    }
}
