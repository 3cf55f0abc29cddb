/// The K-way votes parsed from one chunk of the input, column by column, with
/// chunk-local contender ids (those of the chunk's `VoteChunk`): the
/// companion of the chunk's pairwise columns, merged into `KWayVotes`.
///
/// Appending a vote is O(K) with no allocation once the columns have grown.
struct KWayChunkColumns {
    /// Candidates (chunk-local ids) in shown order, concatenated.
    private(set) var candidates: [Int32] = []
    /// Vote r's candidates are `candidates[offsets[r]..<offsets[r + 1]]`.
    private(set) var offsets: [Int] = [0]
    /// Place per candidate: 1 = best, 0 = unranked.
    private(set) var places: [UInt8] = []
    private(set) var weights: [Double]?
    private(set) var timestamps: [Double]?
    private(set) var voters: TextColumnBuilder?
    private(set) var categories: TextColumnBuilder?
    /// One column per `FieldPlan.attributes` entry, nil until a kept vote has a value.
    var attributes: [TextColumnBuilder?]

    /// Per-row scratch: the row's candidates and ranking as name keys.
    var candidateKeys: [Int] = []
    var rankingKeys: [Int] = []

    init(attributeCount: Int) {
        attributes = Array(repeating: nil, count: attributeCount)
    }

    var count: Int { offsets.count - 1 }

    mutating func appendCandidate(_ id: Int32, place: UInt8) {
        candidates.append(id)
        places.append(place)
    }

    mutating func endVote() {
        offsets.append(candidates.count)
    }

    mutating func append(weight: Double?, row: Int) {
        if let weight {
            if weights == nil { weights = Array(repeating: 1, count: row) }
            weights!.append(weight)
        } else if weights != nil {
            weights!.append(1)
        }
    }

    mutating func append(time: Double?, row: Int) {
        if let time {
            if timestamps == nil { timestamps = Array(repeating: .nan, count: row) }
            timestamps!.append(time)
        } else if timestamps != nil {
            timestamps!.append(.nan)
        }
    }

    mutating func appendVoter(_ t: (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>)?, row: Int) {
        Self.append(t, to: &voters, row: row)
    }

    mutating func appendCategory(_ t: (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>)?, row: Int) {
        Self.append(t, to: &categories, row: row)
    }

    mutating func appendAttribute(_ i: Int, _ t: (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>)?, row: Int) {
        Self.append(t, to: &attributes[i], row: row)
    }

    private static func append(
        _ t: (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>)?, to column: inout TextColumnBuilder?, row: Int
    ) {
        if let t {
            if column == nil { column = TextColumnBuilder(missing: row) }
            column!.append(t.p, t.n, readableEnd: t.end)
        } else if column != nil {
            column!.appendMissing()
        }
    }
}
