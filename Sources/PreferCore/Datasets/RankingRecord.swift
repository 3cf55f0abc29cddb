/// One human ranking of K outputs for one prompt (HPS v2's HPDv2: a prompt,
/// K images, and the annotators' ranking), read as a K-way vote.
///
/// `ranks[i]` is output i's place, 1 for the best; equal places are ties.
/// Ranks are dense (1, 2, 2, 3) whatever the file's numbering (0- or
/// 1-based, gaps).
public struct RankingRecord: Sendable, Hashable {
    public var line: Int
    public var prompt: PreferenceText
    /// The outputs ranked: texts, or paths and URLs of images.
    public var outputs: [String]
    /// The contender of each output, when the dataset names them.
    public var contenders: [String]?
    public var ranks: [Int]
    public var voter: String?
    public var source: PreferenceSource

    public init(line: Int = 0, prompt: PreferenceText, outputs: [String], contenders: [String]? = nil, ranks: [Int], voter: String? = nil, source: PreferenceSource = .human) {
        self.line = line
        self.prompt = prompt
        self.outputs = outputs
        self.contenders = contenders
        self.ranks = ranks
        self.voter = voter
        self.source = source
    }

    /// Dense ranks from scores where smaller is better.
    public static func denseRanks(_ keys: [Double]) -> [Int] {
        let distinct = Array(Set(keys)).sorted()
        var place: [Double: Int] = [:]
        for (i, key) in distinct.enumerated() { place[key] = i + 1 }
        return keys.map { place[$0]! }
    }

    /// The K-way vote as one JSON line:
    /// `{"prompt", "outputs", "contenders"?, "ranks", "winner", "voter"?, "source", "line"}`
    /// where `winner` is the index (from 0) of the output ranked first (null
    /// when several share first place).
    public var jsonLine: String {
        var line = JSONLine()
        line.key("prompt")
        line.text(prompt)
        line.key("outputs")
        line.strings(outputs)
        if let contenders {
            line.key("contenders")
            line.strings(contenders)
        }
        line.key("ranks")
        line.raw("[" + ranks.map(String.init).joined(separator: ",") + "]")
        let firsts = ranks.indices.filter { ranks[$0] == 1 }
        line.key("winner")
        line.raw(firsts.count == 1 ? String(firsts[0]) : "null")
        if let voter {
            line.key("voter")
            line.string(voter)
        }
        line.key("source")
        line.string(source.rawValue)
        line.key("line")
        line.raw(String(self.line))
        return line.finished()
    }
}

/// Field names of HPDv2-style ranking rows.
public struct RankingReadOptions: Sendable, Hashable {
    public var prompt = "prompt"
    /// The list of outputs (HPDv2: `image_path`).
    public var outputs = "image_path"
    /// Each output's place, smaller is better (HPDv2's test split: `rank`).
    public var rank = "rank"
    /// A 0/1 list marking the preferred output(s) (HPDv2's train split:
    /// `human_preference`), read when `rank` is absent.
    public var preference = "human_preference"
    /// A list naming each output's contender, when the data has one.
    public var contenders: String?
    public var voter: String?
    public var defaultSource: PreferenceSource = .human

    public init() {}
}

enum RankingReader {
    static func decode(_ row: DatasetRow, _ options: RankingReadOptions) throws(RowProblem) -> RankingRecord {
        let prompt = try TextField.parse(row.require(options.prompt), field: options.prompt)
        let outputs = try strings(row.require(options.outputs), field: options.outputs)
        guard outputs.count >= 2 else {
            throw RowProblem(message: "\(options.outputs): a ranking needs at least 2 outputs, found \(outputs.count)", field: options.outputs)
        }
        let ranks: [Int]
        if let value = row.value(options.rank) {
            let keys = try numbers(value, field: options.rank, count: outputs.count)
            ranks = RankingRecord.denseRanks(keys)
        } else if let value = row.value(options.preference) {
            let marks = try numbers(value, field: options.preference, count: outputs.count)
            guard marks.contains(where: { $0 > 0 }) else {
                throw RowProblem(message: "\(options.preference): no output is marked preferred (no value above 0)", field: options.preference)
            }
            ranks = RankingRecord.denseRanks(marks.map { -$0 })
        } else {
            throw .missing(options.rank)
        }
        var contenders: [String]?
        if let field = options.contenders {
            let names = try strings(row.require(field), field: field)
            guard names.count == outputs.count else {
                throw RowProblem(message: "\(field): \(names.count) names for \(outputs.count) outputs", field: field)
            }
            contenders = names
        }
        return RankingRecord(line: row.line, prompt: prompt, outputs: outputs, contenders: contenders, ranks: ranks,
                             voter: try row.optionalString(options.voter), source: options.defaultSource)
    }

    static func strings(_ value: JSONValue, field: String) throws(RowProblem) -> [String] {
        guard let items = value.array else { throw RowProblem.wrongType(field, expected: "a list of strings", found: value) }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.string else { throw RowProblem.wrongType("\(field)[\(i)]", expected: "a string", found: item) }
            out.append(s)
        }
        return out
    }

    static func numbers(_ value: JSONValue, field: String, count: Int) throws(RowProblem) -> [Double] {
        guard let items = value.array else { throw RowProblem.wrongType(field, expected: "a list of numbers", found: value) }
        guard items.count == count else {
            throw RowProblem(message: "\(field): \(items.count) values for \(count) outputs", field: field)
        }
        var out: [Double] = []
        for (i, item) in items.enumerated() { out.append(try DatasetRow.number(item, field: "\(field)[\(i)]")) }
        return out
    }
}
