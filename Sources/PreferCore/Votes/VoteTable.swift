/// Votes stored column by column: contender indices, outcomes and optional
/// columns (weights, voters, timestamps, categories, free-form attributes).
///
/// Millions of votes fit in a few bytes each, rows keep their original order
/// (online Elo depends on it), and every estimator reads the columns it needs.
/// The rows are pairwise votes; votes over K ≥ 2 candidates (best-of-K picks
/// and rankings) are held beside them in `kway`, over the same contenders.
public struct VoteTable: Sendable {
    /// Contender names; `a` and `b` hold indices into this array.
    public private(set) var contenders: [String]
    private var contenderIndex: [String: Int32]
    /// Index of the contender shown on the left, per vote.
    public internal(set) var a: [Int32]
    /// Index of the contender shown on the right, per vote.
    public internal(set) var b: [Int32]
    public internal(set) var outcomes: [Outcome]
    /// Per-vote weights; `nil` means every vote weighs 1.
    public internal(set) var weights: [Double]?
    /// Annotations per row (frequency weights: a row of aggregated data
    /// stands for that many identical votes); `nil` means one each.
    /// `PairCounts` counts each annotation, so intervals resample
    /// annotations, not rows.
    public internal(set) var annotations: [Int32]?
    /// Who voted (`judge` or `voter` in files), if known.
    public internal(set) var voters: TextColumn?
    /// The prompt category, if known.
    public internal(set) var categories: TextColumn?
    /// Seconds since 1970 per vote (NaN where unknown), if any vote has one.
    public internal(set) var timestamps: [Double]?
    /// Other fields, by name.
    public internal(set) var attributes: [String: TextColumn]
    /// Number columns by name, one value per vote, NaN where a vote has none:
    /// numeric fields and measured texts (`VoteParseOptions.numbers`,
    /// `.measures`), or columns set with `setNumbers`.
    public internal(set) var numbers: [String: [Double]] = [:]
    /// Votes over K ≥ 2 candidates (not counted in `count`), indices into `contenders`.
    public internal(set) var kway: KWayVotes

    public init() {
        contenders = []
        contenderIndex = [:]
        a = []
        b = []
        outcomes = []
        weights = nil
        annotations = nil
        voters = nil
        categories = nil
        timestamps = nil
        attributes = [:]
        kway = KWayVotes()
    }

    public init<S: Sequence>(_ votes: S) where S.Element == Vote {
        self.init()
        for vote in votes { append(vote) }
    }

    public var count: Int { a.count }
    public var isEmpty: Bool { a.isEmpty }

    /// The index of a contender, if it appears in the table.
    public func index(of contender: String) -> Int? {
        contenderIndex[contender].map(Int.init)
    }

    /// The index of `name`, adding it as a new contender if needed.
    @discardableResult
    public mutating func internContender(_ name: String) -> Int32 {
        if let id = contenderIndex[name] { return id }
        let id = Int32(contenders.count)
        contenders.append(name)
        contenderIndex[name] = id
        return id
    }

    public func weight(at row: Int) -> Double { weights?[row] ?? 1 }

    /// How many annotations row `row` stands for.
    public func annotations(at row: Int) -> Int { annotations.map { Int($0[row]) } ?? 1 }

    /// Annotations in all rows (the sample size of the fit and its intervals).
    public var annotationCount: Int { annotations.map { $0.reduce(0) { $0 + Int($1) } } ?? count }

    public func vote(at row: Int) -> Vote {
        Vote(
            a: contenders[Int(a[row])],
            b: contenders[Int(b[row])],
            outcome: outcomes[row],
            weight: weight(at: row),
            annotations: annotations(at: row),
            voter: voters?[row],
            timestamp: timestamps.flatMap { $0[row].isNaN ? nil : $0[row] },
            category: categories?[row],
            attributes: attributes.reduce(into: [:]) { result, field in
                if let value = field.value[row] { result[field.key] = value }
            }
        )
    }

    public var votes: [Vote] { (0..<count).map(vote(at:)) }

    public mutating func append(_ vote: Vote) {
        let row = count
        a.append(internContender(vote.a))
        b.append(internContender(vote.b))
        outcomes.append(vote.outcome)
        if vote.weight != 1 || weights != nil {
            if weights == nil { weights = Array(repeating: 1, count: row) }
            weights!.append(vote.weight)
        }
        if vote.annotations != 1 || annotations != nil {
            precondition(vote.annotations >= 1 && vote.annotations <= Int(Int32.max), "a row stands for at least one annotation")
            if annotations == nil { annotations = Array(repeating: 1, count: row) }
            annotations!.append(Int32(vote.annotations))
        }
        Self.append(vote.voter, to: &voters, row: row)
        Self.append(vote.category, to: &categories, row: row)
        if vote.timestamp != nil || timestamps != nil {
            if timestamps == nil { timestamps = Array(repeating: .nan, count: row) }
            timestamps!.append(vote.timestamp ?? .nan)
        }
        for key in Set(attributes.keys).union(vote.attributes.keys) {
            var column = attributes[key] ?? TextColumn(missing: row)
            column.append(vote.attributes[key])
            attributes[key] = column
        }
        for key in numbers.keys { numbers[key]!.append(.nan) }
    }

    /// Sets the number column `name` (one value per vote, NaN where missing).
    public mutating func setNumbers(_ name: String, _ values: [Double]) {
        precondition(values.count == count, "one value per vote")
        numbers[name] = values
    }

    private static func append(_ value: String?, to column: inout TextColumn?, row: Int) {
        guard value != nil || column != nil else { return }
        if column == nil { column = TextColumn(missing: row) }
        column!.append(value)
    }

    /// Appends every vote of `other`, merging the contender and value tables.
    public mutating func append(contentsOf other: VoteTable) {
        let row = count
        let map = other.contenders.map { internContender($0) }
        a.reserveCapacity(row + other.count)
        b.reserveCapacity(row + other.count)
        for i in 0..<other.count {
            a.append(map[Int(other.a[i])])
            b.append(map[Int(other.b[i])])
        }
        outcomes.append(contentsOf: other.outcomes)
        if weights != nil || other.weights != nil {
            weights = (weights ?? Array(repeating: 1, count: row))
                + (other.weights ?? Array(repeating: 1, count: other.count))
        }
        if annotations != nil || other.annotations != nil {
            annotations = (annotations ?? Array(repeating: 1, count: row))
                + (other.annotations ?? Array(repeating: 1, count: other.count))
        }
        Self.merge(&voters, other.voters, row: row, otherCount: other.count)
        Self.merge(&categories, other.categories, row: row, otherCount: other.count)
        if timestamps != nil || other.timestamps != nil {
            timestamps = (timestamps ?? Array(repeating: .nan, count: row))
                + (other.timestamps ?? Array(repeating: .nan, count: other.count))
        }
        for key in Set(attributes.keys).union(other.attributes.keys) {
            var column: TextColumn? = attributes[key]
            Self.merge(&column, other.attributes[key], row: row, otherCount: other.count)
            attributes[key] = column
        }
        for key in Set(numbers.keys).union(other.numbers.keys) {
            numbers[key] = (numbers[key] ?? Array(repeating: .nan, count: row))
                + (other.numbers[key] ?? Array(repeating: .nan, count: other.count))
        }
        if !other.kway.isEmpty { kway.append(contentsOf: other.kway, map: map) }
    }

    private static func merge(_ column: inout TextColumn?, _ other: TextColumn?, row: Int, otherCount: Int) {
        guard column != nil || other != nil else { return }
        var merged = column ?? TextColumn(missing: row)
        merged.append(contentsOf: other ?? TextColumn(missing: otherCount))
        column = merged
    }

    /// The pairwise votes whose flag in `keep` is true, in order; the K-way
    /// votes are kept (filter them with `filteredKWay(_:)`). Contender indices
    /// are kept, so contenders may be left without votes.
    public func filtered(_ keep: [Bool]) -> VoteTable {
        precondition(keep.count == count, "one flag per vote")
        var out = self
        out.a = []
        out.b = []
        out.outcomes = []
        for row in 0..<count where keep[row] {
            out.a.append(a[row])
            out.b.append(b[row])
            out.outcomes.append(outcomes[row])
        }
        out.weights = weights.map { w in (0..<count).filter { keep[$0] }.map { w[$0] } }
        out.annotations = annotations.map { m in (0..<count).filter { keep[$0] }.map { m[$0] } }
        out.timestamps = timestamps.map { t in (0..<count).filter { keep[$0] }.map { t[$0] } }
        out.voters = voters?.filtered(keep)
        out.categories = categories?.filtered(keep)
        out.attributes = attributes.mapValues { $0.filtered(keep) }
        out.numbers = numbers.mapValues { column in (0..<count).filter { keep[$0] }.map { column[$0] } }
        return out
    }

    /// Whether some contender takes part in no vote (after filtering, say).
    public var hasContendersWithoutVotes: Bool {
        var seen = [Bool](repeating: false, count: contenders.count)
        for row in 0..<count {
            seen[Int(a[row])] = true
            seen[Int(b[row])] = true
        }
        for id in kway.candidates { seen[Int(id)] = true }
        return seen.contains(false)
    }

    /// The same votes with contenders that take part in no vote removed and the
    /// rest renumbered in order of first appearance.
    public func compacted() -> VoteTable {
        var used = [Int32](repeating: -1, count: contenders.count)
        var names: [String] = []
        func remap(_ id: Int32) -> Int32 {
            if used[Int(id)] < 0 {
                used[Int(id)] = Int32(names.count)
                names.append(contenders[Int(id)])
            }
            return used[Int(id)]
        }
        var out = self
        for row in 0..<count {
            out.a[row] = remap(a[row])
            out.b[row] = remap(b[row])
        }
        if !kway.isEmpty {
            for id in kway.candidates { _ = remap(id) }
            out.kway = kway.remapped(used)
        }
        out.contenders = names
        out.contenderIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        return out
    }

    /// Builds a table from columns a parser already filled in.
    init(
        contenders: [String],
        a: [Int32],
        b: [Int32],
        outcomes: [Outcome],
        weights: [Double]?,
        voters: TextColumn?,
        categories: TextColumn?,
        timestamps: [Double]?,
        attributes: [String: TextColumn],
        numbers: [String: [Double]] = [:],
        kway: KWayVotes = KWayVotes(),
        annotations: [Int32]? = nil
    ) {
        self.contenders = contenders
        self.contenderIndex = Dictionary(uniqueKeysWithValues: contenders.enumerated().map { ($1, Int32($0)) })
        self.a = a
        self.b = b
        self.outcomes = outcomes
        self.weights = weights
        self.voters = voters
        self.categories = categories
        self.timestamps = timestamps
        self.attributes = attributes
        self.numbers = numbers
        self.kway = kway
        self.annotations = annotations
    }
}
