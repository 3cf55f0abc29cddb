/// One prompt with several completions, each from a named model and rated
/// on several aspects (UltraFeedback: instruction following, honesty,
/// truthfulness, helpfulness, plus an overall score).
public struct RatedPrompt: Sendable, Hashable {
    public struct Completion: Sendable, Hashable {
        /// The model (contender) that wrote it.
        public var model: String
        public var text: PreferenceText
        /// Ratings by aspect; `overall` and `fine-grained` hold the row's
        /// overall scores when it has them. An aspect rated "N/A" is absent.
        public var scores: [String: Double]
        /// Each aspect's written rationale, when given.
        public var rationales: [String: String]

        public init(model: String, text: PreferenceText, scores: [String: Double], rationales: [String: String] = [:]) {
            self.model = model
            self.text = text
            self.scores = scores
            self.rationales = rationales
        }
    }

    public var line: Int
    public var prompt: PreferenceText
    public var completions: [Completion]
    public var source: PreferenceSource
    public var category: String?

    public init(line: Int = 0, prompt: PreferenceText, completions: [Completion], source: PreferenceSource = .human, category: String? = nil) {
        self.line = line
        self.prompt = prompt
        self.completions = completions
        self.source = source
        self.category = category
    }

    /// Every aspect rated in this row, sorted.
    public var aspects: [String] {
        Array(Set(completions.flatMap(\.scores.keys))).sorted()
    }
}

/// How UltraFeedback-style rows are read: the field names (UltraFeedback's
/// by default) and which score decides the pairs.
public struct RatingsReadOptions: Sendable, Hashable {
    public var prompt = "instruction"
    public var completions = "completions"
    public var model = "model"
    public var response = "response"
    public var annotations = "annotations"
    /// Key of an aspect's rating inside `annotations.ASPECT`.
    public var rating = "Rating"
    public var rationale = "Rationale"
    /// Fields of a completion holding overall scores, stored as the aspects
    /// named by their keys.
    public var overallScores: [String: String] = ["overall": "overall_score", "fine-grained": "fine-grained_score"]
    public var category: String? = "source"
    public var sourceField: String?
    public var defaultSource: PreferenceSource = .human

    public init() {}
}

enum RatingsReader {
    static func decode(_ row: DatasetRow, _ options: RatingsReadOptions) throws(RowProblem) -> RatedPrompt {
        let prompt = try TextField.parse(row.require(options.prompt), field: options.prompt)
        let list = try row.require(options.completions)
        guard let items = list.array else {
            throw RowProblem.wrongType(options.completions, expected: "a list of completions", found: list)
        }
        var completions: [RatedPrompt.Completion] = []
        var models = Set<String>()
        for (i, item) in items.enumerated() {
            let path = "\(options.completions)[\(i)]"
            guard let object = item.object else {
                throw RowProblem.wrongType(path, expected: "an object", found: item)
            }
            let inner = DatasetRow(line: row.line, fields: object, isCSV: false)
            do throws(RowProblem) {
                let model = try PairReader.nonEmpty(inner.requiredString(options.model), options.model)
                guard models.insert(model).inserted else {
                    throw RowProblem(message: "\(options.model): \"\(model)\" answers this prompt twice", field: options.model)
                }
                let text = try TextField.parse(inner.require(options.response), field: options.response)
                var scores: [String: Double] = [:]
                var rationales: [String: String] = [:]
                if let annotations = inner.value(options.annotations) {
                    guard let aspects = annotations.object else {
                        throw RowProblem.wrongType(options.annotations, expected: "an object of aspects", found: annotations)
                    }
                    for (aspect, value) in zip(aspects.keys, aspects.values) {
                        let aspectPath = "\(options.annotations).\(aspect)"
                        switch value {
                        case .object(let rated):
                            if let score = try rating(rated[options.rating], field: aspectPath + "." + options.rating) {
                                scores[aspect] = score
                            }
                            if let text = rated[options.rationale]?.string { rationales[aspect] = text }
                        case .number, .string:
                            if let score = try rating(value, field: aspectPath) { scores[aspect] = score }
                        case .null:
                            break
                        default:
                            throw RowProblem.wrongType(aspectPath, expected: "an object with a \(options.rating)", found: value)
                        }
                    }
                }
                for (name, field) in options.overallScores.sorted(by: { $0.key < $1.key }) {
                    if let value = inner.value(field), let score = try rating(value, field: field) { scores[name] = score }
                }
                completions.append(RatedPrompt.Completion(model: model, text: text, scores: scores, rationales: rationales))
            } catch {
                throw error.within(path)
            }
        }
        var source = options.defaultSource
        if let text = try row.optionalString(options.sourceField) {
            guard let parsed = PreferenceSource(rawValue: text.lowercased()) else {
                throw RowProblem(message: "\(options.sourceField!): expected \"human\" or \"judge\", found \"\(text.prefix(40))\"", field: options.sourceField)
            }
            source = parsed
        }
        return RatedPrompt(line: row.line, prompt: prompt, completions: completions, source: source,
                           category: try row.optionalString(options.category))
    }

    /// A rating: a number, or text holding one; "N/A" (and empty text) is no rating.
    static func rating(_ value: JSONValue?, field: String) throws(RowProblem) -> Double? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .string(let s) where s.isEmpty || s.uppercased() == "N/A" || s.uppercased() == "NA": return nil
        default: return try DatasetRow.number(value, field: field)
        }
    }
}
