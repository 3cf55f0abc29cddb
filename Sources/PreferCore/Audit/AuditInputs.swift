/// What the audit knows about each vote beyond who voted and how: time to
/// vote, output text or length, prompts and gold answers. Every part is
/// optional; a signal whose data is missing is reported as not available.
public struct AuditInputs: Sendable {
    /// Time to vote in milliseconds per vote (NaN where unknown).
    public var milliseconds: [Double]?
    /// Characters of both outputs together per vote (nil where unknown).
    public var characters: [Int?]?
    /// Output text, for the content filters.
    public var outputA: TextColumn?
    public var outputB: TextColumn?
    /// Prompt text, for down-sampling and gold matching.
    public var prompts: TextColumn?
    /// Question ids, for gold matching when the gold file uses them.
    public var questionIDs: TextColumn?
    public var gold: GoldSet?

    /// The vote-file fields the audit reads, to ask the parser to keep.
    public static let fields: Set<String> = ["time_to_vote_ms", "output_a", "output_b", "prompt", "question_id"]

    public init() {}

    /// Reads `time_to_vote_ms`, `output_a`, `output_b`, `prompt` and
    /// `question_id` from the table's attributes where present.
    public init(table: VoteTable, gold: GoldSet? = nil) {
        if let column = table.attributes["time_to_vote_ms"] {
            let parsed = column.values.map { Double($0) ?? .nan }
            milliseconds = column.codes.map { $0 >= 0 ? parsed[Int($0)] : .nan }
        }
        outputA = table.attributes["output_a"]
        outputB = table.attributes["output_b"]
        if outputA != nil || outputB != nil {
            let lengthA = outputA?.values.map(\.count)
            let lengthB = outputB?.values.map(\.count)
            characters = (0..<table.count).map { row in
                let a = outputA.flatMap { c in c.codes[row] >= 0 ? lengthA?[Int(c.codes[row])] : nil }
                let b = outputB.flatMap { c in c.codes[row] >= 0 ? lengthB?[Int(c.codes[row])] : nil }
                if a == nil && b == nil { return nil }
                return (a ?? 0) + (b ?? 0)
            }
        }
        prompts = table.attributes["prompt"]
        questionIDs = table.attributes["question_id"]
        self.gold = gold
    }
}
