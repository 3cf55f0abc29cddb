/// Reads a table of comparisons through a column mapping, CSV with a header
/// or JSON Lines: one row per pair, with how many annotators preferred each
/// side (AdParaphrase's `count.preference_ad1`/`ad2`/`skip`, any
/// crowdsourcing export), or a single `winner` label.
///
/// A row's counts become one `PreferenceRecord` whose `counts` hold every
/// annotation, so that intervals resample annotations, not rows (see
/// `PreferenceRecord.voteTable` and `PairCounts`). A row with no
/// annotations is skipped. Contenders (`a`, `b`) or texts (`textA`,
/// `textB`) must be mapped, or both. O(row length) per row.
public struct CountsReadOptions: Sendable, Hashable {
    /// Contender of side A / B.
    public var a: String?
    public var b: String?
    public var aWins: String?
    public var bWins: String?
    public var ties: String?
    public var bothBad: String?
    /// A field holding one outcome per row: `model_a`, `model_b`, `tie`,
    /// `tie (bothbad)` (LMArena), `a`/`b`, `left`/`right`, `both_bad`.
    public var winner: String?
    public var textA: String?
    public var textB: String?
    public var prompt: String?
    public var voter: String?
    public var weight: String?
    public var category: String?
    public var margin: String?
    public var sourceField: String?
    public var defaultSource: PreferenceSource = .human

    public init() {}

    /// What is wrong with the mapping itself, said as the flags name it.
    public func problem() -> String? {
        if winner == nil && (aWins == nil || bWins == nil) {
            return "map the outcome: --a-wins and --b-wins (with --ties and --both-bad if the data has them), or --winner"
        }
        if winner != nil && (aWins != nil || bWins != nil || ties != nil || bothBad != nil) {
            return "--winner and the count columns (--a-wins, --b-wins, --ties, --both-bad) exclude each other"
        }
        if (a == nil) != (b == nil) { return "give both --a and --b (the contenders' columns), or neither" }
        if (textA == nil) != (textB == nil) { return "give both --text-a and --text-b, or neither" }
        if a == nil && textA == nil { return "map the contenders (--a, --b) or the texts (--text-a, --text-b), or both" }
        return nil
    }
}

enum CountsReader {
    static func decode(_ row: DatasetRow, _ options: CountsReadOptions) throws(RowProblem) -> PreferenceRecord? {
        var counts = PreferenceCounts()
        if let winner = options.winner {
            let label = try row.requiredString(winner)
            guard let outcome = outcome(label) else {
                throw RowProblem(
                    message: "\(winner): \"\(label.prefix(40))\" is not one of model_a, model_b, tie, tie (bothbad), a, b, left, right, both_bad",
                    field: winner)
            }
            counts[outcome] = 1
        } else {
            counts.aWins = try row.count(options.aWins, required: true)
            counts.bWins = try row.count(options.bWins, required: true)
            counts.ties = try row.count(options.ties, required: false)
            counts.bothBad = try row.count(options.bothBad, required: false)
            if counts.total == 0 { return nil }
        }
        var record = PreferenceRecord(line: row.line, a: .plain(""), b: .plain(""), counts: counts)
        if let a = options.a, let b = options.b {
            record.contenderA = try PairReader.nonEmpty(row.requiredString(a), a)
            record.contenderB = try PairReader.nonEmpty(row.requiredString(b), b)
            if record.contenderA == record.contenderB {
                throw RowProblem(message: "\(b): both sides are \"\(record.contenderA!)\"; a pair compares two contenders", field: b)
            }
        }
        if let textA = options.textA, let textB = options.textB {
            record.a = try TextField.parse(row.require(textA), field: textA)
            record.b = try TextField.parse(row.require(textB), field: textB)
        }
        if let prompt = options.prompt, let value = row.value(prompt) {
            record.prompt = try TextField.parse(value, field: prompt)
        }
        try RecordFields.fill(&record, row, voter: options.voter, weight: options.weight, category: options.category,
                              margin: options.margin, source: options.sourceField, defaultSource: options.defaultSource)
        return record
    }

    static func outcome(_ label: String) -> Outcome? {
        if let outcome = Outcome(label: label) { return outcome }
        switch label.lowercased() {
        case "a", "left", "model_a": return .aWins
        case "b", "right", "model_b": return .bWins
        case "tie", "draw": return .tie
        case "both_bad", "bothbad", "tie (bothbad)": return .bothBad
        default: return nil
        }
    }
}
