/// Builds a `ComparisonTable` row by row, measuring texts as they come (no
/// text is kept): the seam where any reader of pairwise data plugs into
/// `prefer drivers`. A reader that has, per row, (text A, text B, an outcome
/// or counts, optional contenders, optional prompt, source and weight) calls
/// `append(textA:textB:…)`; one that has feature values calls
/// `append(featuresA:featuresB:…)`. O(text length) per row for the
/// built-in features, plus the pattern features' regular expressions.
///
/// Columns: the `TextFeatureSet`'s features (without its script column),
/// then the user's numeric features, then `script_match` when the set
/// measures scripts (1 when a side's dominant script is the prompt's; 0 for
/// both sides without a prompt or when the prompt has no letters).
public struct ComparisonTableBuilder: Sendable {
    public let textFeatures: TextFeatureSet
    /// Names of the numeric features given per row (`feature_a.NAME` columns).
    public let numericFeatures: [String]
    public private(set) var table: ComparisonTable
    private var contenderIndex: [String: Int32] = [:]
    private var sourceColumn = TextColumn()
    private var hasSources = false
    private var hasWeights = false
    private var weights: [Double] = []
    private var measured: [Double]
    private var unknownContenderRows = 0

    public init(textFeatures: TextFeatureSet, numericFeatures: [String] = []) {
        self.textFeatures = textFeatures
        self.numericFeatures = numericFeatures
        var names = textFeatures.names.filter { $0 != TextFeatureSet.scriptName }
        names += numericFeatures
        if textFeatures.script { names.append(ComparisonTable.scriptMatchName) }
        table = ComparisonTable(features: names)
        measured = [Double](repeating: 0, count: textFeatures.count)
    }

    /// Appends one row of texts. `aWins`/`bWins`/`ties` are the judgements'
    /// counts (1/0/0 for a single vote that preferred A). Contenders count
    /// only when every row names them; `numeric` holds the values of
    /// `numericFeatures` for A and B (NaN where missing).
    public mutating func append(
        textA: String,
        textB: String,
        prompt: String? = nil,
        aWins: Double,
        bWins: Double,
        ties: Double = 0,
        contenderA: String? = nil,
        contenderB: String? = nil,
        source: String? = nil,
        weight: Double = 1,
        numeric: (a: [Double], b: [Double])? = nil
    ) {
        var values = (a: [Double](), b: [Double]())
        let promptScript = prompt.map { TextFeatures.measure($0).script } ?? .none
        let missing = [Double](repeating: .nan, count: numericFeatures.count)
        for (side, text) in [(0, textA), (1, textB)] {
            var text = text
            measured.withUnsafeMutableBufferPointer { out in
                text.withUTF8 { textFeatures.measure($0, into: out.baseAddress!) }
            }
            var row: [Double] = []
            var scriptCode = 0.0
            for (k, name) in textFeatures.names.enumerated() {
                if name == TextFeatureSet.scriptName { scriptCode = measured[k] } else { row.append(measured[k]) }
            }
            row += (side == 0 ? numeric?.a : numeric?.b) ?? missing
            if textFeatures.script {
                row.append(promptScript != .none && scriptCode == Double(promptScript.rawValue) ? 1 : 0)
            }
            if side == 0 { values.a = row } else { values.b = row }
        }
        appendRow(values.a, values.b, aWins: aWins, bWins: bWins, ties: ties,
                  contenderA: contenderA, contenderB: contenderB, source: source, weight: weight)
    }

    /// Appends one row of feature values (`table.features` order for each side).
    public mutating func append(
        featuresA: [Double],
        featuresB: [Double],
        aWins: Double,
        bWins: Double,
        ties: Double = 0,
        contenderA: String? = nil,
        contenderB: String? = nil,
        source: String? = nil,
        weight: Double = 1
    ) {
        appendRow(featuresA, featuresB, aWins: aWins, bWins: bWins, ties: ties,
                  contenderA: contenderA, contenderB: contenderB, source: source, weight: weight)
    }

    private mutating func appendRow(
        _ x: [Double], _ y: [Double], aWins: Double, bWins: Double, ties: Double,
        contenderA: String?, contenderB: String?, source: String?, weight: Double
    ) {
        let width = table.features.count
        precondition(x.count == width && y.count == width, "one value per feature and side")
        let row = table.count
        table.a += x
        table.b += y
        table.aWins.append(aWins)
        table.bWins.append(bWins)
        table.ties.append(ties)
        if let contenderA, let contenderB {
            table.contenderA.append(intern(contenderA))
            table.contenderB.append(intern(contenderB))
        } else {
            unknownContenderRows += 1
        }
        if source != nil { hasSources = true }
        sourceColumn.append(source)
        if weight != 1 { hasWeights = true }
        weights.append(weight)
        _ = row
    }

    private mutating func intern(_ name: String) -> Int32 {
        if let id = contenderIndex[name] { return id }
        let id = Int32(table.contenders.count)
        table.contenders.append(name)
        contenderIndex[name] = id
        return id
    }

    /// The table. Contenders are dropped unless every row named both.
    public func build() -> ComparisonTable {
        var out = table
        if unknownContenderRows > 0 {
            out.contenders = []
            out.contenderA = []
            out.contenderB = []
        }
        out.sources = hasSources ? sourceColumn : nil
        out.weights = hasWeights ? weights : nil
        return out
    }
}
