/// Reads preference pairs with texts, as TRL and Anthropic's HH-RLHF publish
/// them, one JSON object per row:
///
/// - TRL standard: `{"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}`
/// - TRL conversational: `prompt`, `chosen`, `rejected` as lists of
///   `{"role", "content"}` messages;
/// - implicit prompt (TRL, HH-RLHF): no `prompt`; `chosen` and `rejected`
///   are whole texts or conversations and the prompt is what they share —
///   for HH-RLHF transcripts (`"\n\nHuman: …\n\nAssistant: …"`) the dialogue
///   up to the last `\n\nAssistant:` both share (`HHTranscript.split`), for
///   other text their longest common prefix (TRL's `extract_prompt`), for
///   conversations their common leading messages.
///
/// The chosen side is A and counts as one win of A; unless told to keep that
/// order, A and B are then swapped on a fair coin drawn from (seed, line),
/// so that "left" carries no information, as in a real battle. Contenders
/// come from the fields named in `contenderA` (the chosen side's) and
/// `contenderB`; without them a row is an item-level preference. O(row
/// length) per row.
public struct PairReadOptions: Sendable, Hashable {
    public var prompt = "prompt"
    public var chosen = "chosen"
    public var rejected = "rejected"
    /// Field naming the contender of the chosen side.
    public var contenderA: String?
    /// Field naming the contender of the rejected side.
    public var contenderB: String?
    public var voter: String?
    public var weight: String?
    public var category: String?
    public var margin: String?
    /// Field holding "human" or "judge"; without it every row is `defaultSource`.
    public var sourceField: String?
    public var defaultSource: PreferenceSource = .human
    /// Keep the chosen side as A instead of drawing the sides.
    public var chosenFirst = false
    /// Seed of the coin that places the chosen side.
    public var seed: UInt64 = 42

    public init() {}
}

enum PairReader {
    static func decode(_ row: DatasetRow, _ options: PairReadOptions) throws(RowProblem) -> PreferenceRecord {
        let chosenValue = try row.require(options.chosen)
        let rejectedValue = try row.require(options.rejected)
        var chosen = try TextField.parse(chosenValue, field: options.chosen)
        var rejected = try TextField.parse(rejectedValue, field: options.rejected)
        guard chosen.isChat == rejected.isChat else {
            throw RowProblem(
                message: "\(options.chosen), \(options.rejected): both must be strings or both lists of messages",
                field: options.rejected)
        }
        var prompt: PreferenceText?
        if let promptValue = row.value(options.prompt) {
            prompt = try TextField.parse(promptValue, field: options.prompt)
        } else {
            switch (chosen, rejected) {
            case (.plain(let c), .plain(let r)):
                if HHTranscript.looksLikeTranscript(c) {
                    guard let split = HHTranscript.split(chosen: c, rejected: r) else {
                        throw RowProblem(
                            message: "\(options.chosen), \(options.rejected): the two dialogues share no turn ending in "
                                + "\"\\n\\nAssistant:\", so the prompt cannot be told apart; give a \(options.prompt) field",
                            field: options.rejected)
                    }
                    prompt = .plain(split.prompt)
                    chosen = .plain(split.chosen)
                    rejected = .plain(split.rejected)
                } else {
                    let (shared, c2, r2) = commonPrefix(c, r)
                    prompt = shared.isEmpty ? nil : .plain(shared)
                    chosen = .plain(c2)
                    rejected = .plain(r2)
                }
            case (.messages(let c), .messages(let r)):
                var k = 0
                while k < min(c.count, r.count) && c[k] == r[k] { k += 1 }
                if k == c.count || k == r.count { k = max(0, min(c.count, r.count) - 1) }
                prompt = k > 0 ? .messages(Array(c[..<k])) : nil
                chosen = .messages(Array(c[k...]))
                rejected = .messages(Array(r[k...]))
            default:
                break
            }
        }
        var record = PreferenceRecord(
            line: row.line, prompt: prompt, a: chosen, b: rejected, counts: PreferenceCounts(.aWins))
        if let field = options.contenderA { record.contenderA = try nonEmpty(row.requiredString(field), field) }
        if let field = options.contenderB { record.contenderB = try nonEmpty(row.requiredString(field), field) }
        if let a = record.contenderA, a == record.contenderB {
            throw RowProblem(message: "\(options.contenderB ?? ""): both sides are \"\(a)\"; a pair compares two contenders", field: options.contenderB)
        }
        try RecordFields.fill(&record, row, voter: options.voter, weight: options.weight, category: options.category,
                              margin: options.margin, source: options.sourceField, defaultSource: options.defaultSource)
        if !options.chosenFirst && SideCoin.flip(seed: options.seed, line: row.line) {
            record = record.swapped
        }
        return record
    }

    /// TRL's `extract_prompt` for standard text: the longest common prefix,
    /// ending before a space where the texts part just after one.
    static func commonPrefix(_ a: String, _ b: String) -> (String, String, String) {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var n = 0
        while n < min(x.count, y.count) && x[n] == y[n] { n += 1 }
        // Do not cut inside a UTF-8 sequence.
        while n > 0 && n < x.count && (x[n] & 0xC0) == 0x80 { n -= 1 }
        if n > 0 && n < min(x.count, y.count) && x[n - 1] == UInt8(ascii: " ") { n -= 1 }
        if n == x.count || n == y.count { n = 0 }
        return (
            String(decoding: x[..<n], as: UTF8.self), String(decoding: x[n...], as: UTF8.self),
            String(decoding: y[n...], as: UTF8.self)
        )
    }

    static func nonEmpty(_ s: String, _ field: String) throws(RowProblem) -> String {
        guard !s.isEmpty else { throw RowProblem(message: "\(field): must not be empty", field: field) }
        return s
    }
}

/// Text fields: a string, or a list of `{"role", "content"}` messages.
enum TextField {
    static func parse(_ value: JSONValue, field: String) throws(RowProblem) -> PreferenceText {
        switch value {
        case .string(let s):
            return .plain(s)
        case .array(let items):
            var messages: [ConversationMessage] = []
            messages.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                let path = "\(field)[\(i)]"
                guard let object = item.object else {
                    throw RowProblem.wrongType(path, expected: "a {\"role\", \"content\"} message", found: item)
                }
                guard let role = object["role"] else { throw .missing(path + ".role") }
                guard let roleText = role.string else { throw RowProblem.wrongType(path + ".role", expected: "a string", found: role) }
                guard let content = object["content"] else { throw .missing(path + ".content") }
                guard let contentText = content.string else {
                    throw RowProblem.wrongType(path + ".content", expected: "a string", found: content)
                }
                messages.append(ConversationMessage(role: roleText, content: contentText))
            }
            return .messages(messages)
        default:
            throw RowProblem.wrongType(field, expected: "a string or a list of {\"role\", \"content\"} messages", found: value)
        }
    }
}

/// The optional fields every reader takes the same way.
enum RecordFields {
    static func fill(
        _ record: inout PreferenceRecord, _ row: DatasetRow, voter: String?, weight: String?, category: String?,
        margin: String?, source: String?, defaultSource: PreferenceSource
    ) throws(RowProblem) {
        record.voter = try row.optionalString(voter)
        record.category = try row.optionalString(category)
        if let w = try row.optionalNumber(weight) {
            guard w > 0, w.isFinite else {
                throw RowProblem(message: "\(weight ?? ""): expected a number above 0, found \(DatasetRow.format(w))", field: weight)
            }
            record.weight = w
        }
        record.margin = try row.optionalNumber(margin)
        record.source = defaultSource
        if let text = try row.optionalString(source) {
            guard let parsed = PreferenceSource(rawValue: text.lowercased()) else {
                throw RowProblem(message: "\(source ?? ""): expected \"human\" or \"judge\", found \"\(text.prefix(40))\"", field: source)
            }
            record.source = parsed
        }
    }
}

/// A fair coin per row, drawn from (seed, line) alone: the same file and seed
/// place the sides the same way, however the file is split across threads.
enum SideCoin {
    static func flip(seed: UInt64, line: Int) -> Bool {
        var mix = SplitMix64(state: seed ^ 0xD1B5_4A32_D192_ED03 &+ UInt64(truncatingIfNeeded: line) &* 0x9E37_79B9_7F4A_7C15)
        return mix.next() >> 63 == 1
    }
}
