/// The preference datasets Prefer reads, by kind.
public enum DatasetKind: String, Sendable, Hashable, CaseIterable {
    /// Pairs with texts: TRL (standard, conversational, implicit prompt) and HH-RLHF.
    case pairs
    /// Several rated completions per prompt (UltraFeedback), binarised into pairs.
    case ratings
    /// A ranking of K outputs per prompt (HPS v2) — K-way votes.
    case rankings
    /// Any table through a column mapping, with counts per side or a winner.
    case counts
}

/// Opens dataset files as streams of records, window by window (see
/// `DatasetScanner`): the same readers serve `prefer import`, `prefer rank`,
/// the exports and the driver analysis.
///
/// ```swift
/// let scanner = DatasetReader.pairs(bytes, source: "hh.jsonl", options: PairReadOptions())
/// while let records = try scanner.next() {
///     for record in records { … record.prompt, record.a, record.b, record.counts … }
/// }
/// ```
public enum DatasetReader {
    public typealias Progress = @Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void

    public static func pairs(
        _ bytes: UnsafeRawBufferPointer, source: String, options: PairReadOptions, format: VoteFileFormat? = nil,
        threads: Int? = nil, progress: Progress? = nil
    ) -> DatasetScanner<PreferenceRecord> {
        DatasetScanner(bytes: bytes, source: source, format: format, threads: threads, progress: progress) { row throws(RowProblem) in
            [try PairReader.decode(row, options)]
        }
    }

    public static func counts(
        _ bytes: UnsafeRawBufferPointer, source: String, options: CountsReadOptions, format: VoteFileFormat? = nil,
        threads: Int? = nil, progress: Progress? = nil
    ) -> DatasetScanner<PreferenceRecord> {
        DatasetScanner(bytes: bytes, source: source, format: format, threads: threads, progress: progress) { row throws(RowProblem) in
            try CountsReader.decode(row, options).map { [$0] } ?? []
        }
    }

    public static func ratings(
        _ bytes: UnsafeRawBufferPointer, source: String, options: RatingsReadOptions, format: VoteFileFormat? = nil,
        threads: Int? = nil, progress: Progress? = nil
    ) -> DatasetScanner<RatedPrompt> {
        DatasetScanner(bytes: bytes, source: source, format: format, threads: threads, progress: progress) { row throws(RowProblem) in
            [try RatingsReader.decode(row, options)]
        }
    }

    /// Rated prompts binarised into pairs as they are read.
    public static func binarised(
        _ bytes: UnsafeRawBufferPointer, source: String, options: RatingsReadOptions, binarization: Binarization,
        format: VoteFileFormat? = nil, threads: Int? = nil, progress: Progress? = nil
    ) -> DatasetScanner<PreferenceRecord> {
        DatasetScanner(bytes: bytes, source: source, format: format, threads: threads, progress: progress) { row throws(RowProblem) in
            binarization.pairs(try RatingsReader.decode(row, options))
        }
    }

    public static func rankings(
        _ bytes: UnsafeRawBufferPointer, source: String, options: RankingReadOptions, format: VoteFileFormat? = nil,
        threads: Int? = nil, progress: Progress? = nil
    ) -> DatasetScanner<RankingRecord> {
        DatasetScanner(bytes: bytes, source: source, format: format, threads: threads, progress: progress) { row throws(RowProblem) in
            [try RankingReader.decode(row, options)]
        }
    }

    /// Every item of a small file given as text (tests, small inputs).
    public static func readAll<Item>(
        _ text: String, _ open: (UnsafeRawBufferPointer) -> DatasetScanner<Item>
    ) throws(VoteParseError) -> [Item] {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(VoteParseError) -> [Item] in
                let scanner = open(UnsafeRawBufferPointer(utf8))
                var items: [Item] = []
                while let batch = try scanner.next() { items += batch }
                return items
            }
        }
        return try result.get()
    }
}

extension PreferenceRecord {
    /// The rows of a vote table this record adds: one per outcome it has
    /// annotations for, each standing for that many annotations, with the
    /// record's weight, voter and category. `criterion` picks the outcome of
    /// one aspect (`criteria`) instead of the overall one. Nil without both
    /// contenders.
    public func votes(criterion: String? = nil) -> [Vote] {
        guard let a = contenderA, let b = contenderB else { return [] }
        var counts = self.counts
        if let criterion {
            guard let outcome = criteria[criterion] else { return [] }
            counts = PreferenceCounts(outcome)
        }
        return Outcome.allCases.compactMap { outcome in
            let n = counts[outcome]
            guard n > 0 else { return nil }
            return Vote(a: a, b: b, outcome: outcome, weight: weight, annotations: n, voter: voter, category: category)
        }
    }
}

extension VoteTable {
    /// Appends the votes of the records that name both contenders; returns
    /// how many records had none (item-level preferences, which rank nothing).
    @discardableResult
    public mutating func append(_ records: [PreferenceRecord], criterion: String? = nil) -> Int {
        var without = 0
        for record in records {
            guard record.hasContenders else {
                without += 1
                continue
            }
            for vote in record.votes(criterion: criterion) { append(vote) }
        }
        return without
    }
}
