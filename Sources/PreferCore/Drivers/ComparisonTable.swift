/// Pairwise judgements with numeric features of both sides: what
/// `DriverAnalysis` reads. One row per vote or per pair with counts (how many
/// judgements preferred A, preferred B, or tied), with the features of side
/// A and side B, optionally the two contenders (to control for their
/// strength), a source per row (human, judge…) and a weight.
///
/// Readers fill it in three ways: from a parsed `VoteTable` whose texts were
/// measured while parsing (`init(votes:…)`, the fast path for vote files with
/// `text_a`/`text_b`), or row by row with a `ComparisonTableBuilder` (texts,
/// or feature values, and counts — the shape of TRL/HH-RLHF pairs and of
/// aggregated counts). Memory: 2·features + 4 numbers per row.
public struct ComparisonTable: Sendable {
    /// Feature names, in column order.
    public internal(set) var features: [String]
    /// Side A's and side B's features, row-major (`a[row * features.count + f]`), NaN where missing.
    public internal(set) var a: [Double]
    public internal(set) var b: [Double]
    /// Judgements per row preferring A, preferring B, and tied.
    public internal(set) var aWins: [Double]
    public internal(set) var bWins: [Double]
    public internal(set) var ties: [Double]
    /// Row weights (nil: every row weighs 1 per judgement).
    public internal(set) var weights: [Double]?
    /// Contender names; empty when the contenders are unknown.
    public internal(set) var contenders: [String]
    /// Contender indices per row (empty when unknown).
    public internal(set) var contenderA: [Int32]
    public internal(set) var contenderB: [Int32]
    /// Where each judgement came from ("human", "judge", a judge's name…), if known.
    public internal(set) var sources: TextColumn?

    public var count: Int { aWins.count }
    public var hasContenders: Bool { !contenders.isEmpty }

    public init(features: [String]) {
        self.features = features
        a = []
        b = []
        aWins = []
        bWins = []
        ties = []
        weights = nil
        contenders = []
        contenderA = []
        contenderB = []
        sources = nil
    }

    /// Side A's value of feature `f` in row `row`.
    @inlinable
    public func valueA(_ row: Int, _ f: Int) -> Double { a[row * features.count + f] }
    @inlinable
    public func valueB(_ row: Int, _ f: Int) -> Double { b[row * features.count + f] }

    /// One feature's columns in a vote table.
    public struct Columns: Sendable, Hashable {
        public var name: String
        public var columnA: String
        public var columnB: String
        public init(name: String, columnA: String, columnB: String) {
            self.name = name
            self.columnA = columnA
            self.columnB = columnB
        }
    }

    /// The comparisons of a vote table: features from its number columns
    /// (`VoteTable.numbers`: fields `feature_a.NAME`, measured texts
    /// `text_a:length_chars`…), contenders from `model_a`/`model_b` unless
    /// `contenders` is false, sources from the text column `sourceField`.
    /// `scriptMatch` (the script columns of A, B and the prompt) adds the
    /// feature `script_match`: 1 when a side's dominant script is the
    /// prompt's, else 0 (0 for both when the prompt has no letters).
    public init(
        votes: VoteTable,
        columns: [Columns],
        scriptMatch: (a: String, b: String, prompt: String)? = nil,
        contenders useContenders: Bool = true,
        sourceField: String? = nil
    ) throws(DriverError) {
        var names = columns.map(\.name)
        var sources: [([Double], [Double])] = []
        for c in columns {
            guard let x = votes.numbers[c.columnA] else { throw .missingColumn(c.name, c.columnA) }
            guard let y = votes.numbers[c.columnB] else { throw .missingColumn(c.name, c.columnB) }
            sources.append((x, y))
        }
        if let scriptMatch, let sa = votes.numbers[scriptMatch.a], let sb = votes.numbers[scriptMatch.b],
           let sp = votes.numbers[scriptMatch.prompt] {
            names.append(Self.scriptMatchName)
            func match(_ side: [Double]) -> [Double] {
                zip(side, sp).map { s, p in
                    guard s.isFinite, p.isFinite else { return .nan }
                    return p != 0 && s == p ? 1 : 0
                }
            }
            sources.append((match(sa), match(sb)))
        }
        self.init(features: names)
        let n = votes.count
        let width = names.count
        a = [Double](repeating: 0, count: n * width)
        b = [Double](repeating: 0, count: n * width)
        for (f, (x, y)) in sources.enumerated() {
            for r in 0..<n {
                a[r * width + f] = x[r]
                b[r * width + f] = y[r]
            }
        }
        aWins = votes.outcomes.map { $0 == .aWins ? 1 : 0 }
        bWins = votes.outcomes.map { $0 == .bWins ? 1 : 0 }
        ties = votes.outcomes.map { $0.isTie ? 1 : 0 }
        weights = votes.weights
        if useContenders {
            contenders = votes.contenders
            contenderA = votes.a
            contenderB = votes.b
        }
        if let sourceField {
            guard let column = sourceField == "voter" || sourceField == "judge" ? votes.voters : votes.attributes[sourceField] else {
                throw .missingSource(sourceField)
            }
            self.sources = column
        }
    }

    /// The name of the feature that says whether a side answers in the prompt's script.
    public static let scriptMatchName = "script_match"

    /// The rows whose flag in `keep` is true.
    public func filtered(_ keep: [Bool]) -> ComparisonTable {
        precondition(keep.count == count, "one flag per row")
        var out = ComparisonTable(features: features)
        let width = features.count
        out.contenders = contenders
        for r in 0..<count where keep[r] {
            out.a.append(contentsOf: a[(r * width)..<((r + 1) * width)])
            out.b.append(contentsOf: b[(r * width)..<((r + 1) * width)])
            out.aWins.append(aWins[r])
            out.bWins.append(bWins[r])
            out.ties.append(ties[r])
            if hasContenders {
                out.contenderA.append(contenderA[r])
                out.contenderB.append(contenderB[r])
            }
        }
        out.weights = weights.map { w in (0..<count).filter { keep[$0] }.map { w[$0] } }
        out.sources = sources?.filtered(keep)
        return out
    }
}

/// A problem with the input of `prefer drivers`, with a message that says what to do.
public struct DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    public static func missingColumn(_ feature: String, _ column: String) -> DriverError {
        DriverError("the feature \(feature) needs the column \"\(column)\", which the votes do not have.")
    }

    public static func missingSource(_ field: String) -> DriverError {
        DriverError("--source-field \(field): the votes have no field \"\(field)\" (human or judge per vote).")
    }

    public static let noJudgements = DriverError("No decisive judgements to analyse: every row is a tie, has no judgement, or was filtered out.")
}

extension ComparisonTable {
    /// Appends the rows of `other`, which must have the same features;
    /// contenders are merged by name (and dropped when either table lacks them).
    public mutating func append(contentsOf other: ComparisonTable) throws(DriverError) {
        guard other.features == features else {
            throw DriverError("the inputs measure different features (\(features.joined(separator: ", ")) and \(other.features.joined(separator: ", "))); give files of the same shape.")
        }
        let row = count
        if count == 0 {
            self = other
            return
        }
        a += other.a
        b += other.b
        aWins += other.aWins
        bWins += other.bWins
        ties += other.ties
        if weights != nil || other.weights != nil {
            weights = (weights ?? Array(repeating: 1, count: row)) + (other.weights ?? Array(repeating: 1, count: other.count))
        }
        if hasContenders && other.hasContenders {
            var index = Dictionary(uniqueKeysWithValues: contenders.enumerated().map { ($1, Int32($0)) })
            let map = other.contenders.map { name -> Int32 in
                if let id = index[name] { return id }
                contenders.append(name)
                index[name] = Int32(contenders.count - 1)
                return Int32(contenders.count - 1)
            }
            contenderA += other.contenderA.map { map[Int($0)] }
            contenderB += other.contenderB.map { map[Int($0)] }
        } else {
            contenders = []
            contenderA = []
            contenderB = []
        }
        if sources != nil || other.sources != nil {
            var merged = sources ?? TextColumn(missing: row)
            merged.append(contentsOf: other.sources ?? TextColumn(missing: other.count))
            sources = merged
        }
    }
}
