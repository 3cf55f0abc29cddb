import Foundation

/// Per-criterion votes: one slice per criterion, each vote's outcome replaced
/// by its choice on that criterion ("which is more helpful?", "which looks
/// better?"), as *UltraFeedback*, *VisionPrefer* and 3D Arena ask.
///
/// Two layouts are read, and may be mixed in one file:
/// - a `criteria` object per row, as the server's vote export writes it:
///   `"criteria": {"helpfulness": "left", "honesty": "tie"}` (in CSV, that
///   JSON object in the `criteria` cell). Choices are the server's `left`,
///   `right`, `tie`, `both_bad` or LMArena's `model_a`, `model_b`, `tie`,
///   `tie (bothbad)`; `null` means the voter skipped the criterion.
/// - one row per criterion, with a `criterion` field naming it and the usual
///   `winner` as the choice (long format).
///
/// A row's criteria object wins over its `criterion` field for the same
/// criterion. Each distinct object text is decoded once, so the cost is
/// O(votes + distinct objects × their size).
///
/// K-way rows (`candidates` with `winner` or `ranking`) carry a criteria
/// object too, naming per criterion the candidate picked best on it:
/// `"criteria": {"aesthetics": "b"}` (the server's `kway_votes.jsonl`), or a
/// `criterion` field whose row's own winner or ranking answers it. On a
/// criterion's slice such a vote becomes "pick the best of K" with that
/// candidate (`VoteSlice.kwayBest`), ranked by Plackett–Luce; K-way votes
/// that do not answer the criterion are left out of its slice (and K-way
/// votes answering none are counted in `missing`).
public enum CriteriaSlicer {
    /// The vote-file fields to ask the parser to keep.
    public static let fields: Set<String> = ["criteria", "criterion"]

    public struct Result: Sendable {
        /// One slice per criterion, most votes first, ties by name.
        public var slices: [VoteSlice]
        /// Votes that carry no criterion at all.
        public var missing: Int
    }

    /// A criteria value that is not a choice, naming the vote and criterion.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The per-criterion slices, or nil when no vote carries criteria.
    public static func slices(_ table: VoteTable) throws(Problem) -> Result? {
        let pairwise = try pairwiseSlices(table)
        guard !table.kway.isEmpty else { return pairwise }
        // K-way votes without criteria answer none: in no criterion's slice, counted as missing.
        let kway = try kwayPicks(table) ?? KWayPicks(missing: table.kway.count)
        return merge(pairwise, kway, pairwiseCount: table.count)
    }

    /// The slices of the pairwise rows alone (K-way votes all kept, as before).
    static func pairwiseSlices(_ table: VoteTable) throws(Problem) -> Result? {
        let objects = table.attributes["criteria"]
        let named = table.attributes["criterion"]
        guard objects != nil || named != nil else { return nil }
        // Decode each distinct object once: criterion → outcome.
        var decoded: [[(String, Outcome?)]] = []
        if let objects {
            for (code, text) in objects.values.enumerated() {
                do {
                    decoded.append(try parse(text))
                } catch {
                    let row = objects.codes.firstIndex(of: Int32(code)) ?? 0
                    throw Problem(message: "vote \(row + 1): \(error.message)")
                }
            }
        }
        return assemble(count: table.count) { row in
            var choices: [(String, Outcome?)] = []
            var fromObject: Set<String> = []
            if let objects, objects.codes[row] >= 0 {
                choices = decoded[Int(objects.codes[row])]
                fromObject = Set(choices.map(\.0))
            }
            if let named, let criterion = named[row], !fromObject.contains(criterion) {
                choices.append((criterion, table.outcomes[row]))
            }
            return choices
        }
    }

    /// The per-criterion slices from each vote's choices by criterion, as the
    /// server stores them (`StoredVote.criteria`, one dictionary per row of
    /// the table it builds, in the same order); nil when no vote has one.
    public static func slices(criteria: [[String: Choice]]) -> Result? {
        assemble(count: criteria.count) { row in
            criteria[row].keys.sorted().map { ($0, criteria[row][$0]!.outcome) }
        }
    }

    /// Gathers rows and outcomes per criterion; nil when there is none.
    static func assemble(count: Int, _ choices: (Int) -> [(String, Outcome?)]) -> Result? {
        var rows: [String: [Int32]] = [:]
        var outcomes: [String: [Outcome]] = [:]
        var missing = 0
        var seen: [String] = []
        for row in 0..<count {
            var any = false
            for (criterion, outcome) in choices(row) {
                guard let outcome else { continue }
                if rows[criterion] == nil { seen.append(criterion) }
                rows[criterion, default: []].append(Int32(row))
                outcomes[criterion, default: []].append(outcome)
                any = true
            }
            if !any { missing += 1 }
        }
        guard !seen.isEmpty else { return nil }
        let order = seen.sorted { (rows[$0]!.count, $1) > (rows[$1]!.count, $0) }
        return Result(
            slices: order.map { VoteSlice(field: "criterion", value: $0, rows: rows[$0]!, outcomes: outcomes[$0]!) },
            missing: missing
        )
    }

    /// The slice of one criterion (nil when no vote rates it): what a
    /// server's `?criterion=helpfulness` asks for.
    public static func slice(_ table: VoteTable, criterion: String) throws(Problem) -> VoteSlice? {
        try slices(table)?.slices.first { $0.value == criterion }
    }

    /// The outcome a criteria choice names: the server's `Choice` spellings
    /// or LMArena's winner labels.
    public static func outcome(_ choice: String) -> Outcome? {
        Choice(rawValue: choice)?.outcome ?? Outcome(label: choice)
    }

    /// Decodes one criteria object: (criterion, outcome or nil for null).
    static func parse(_ text: String) throws(Problem) -> [(String, Outcome?)] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
            throw Problem(message: "criteria must be a JSON object such as {\"helpfulness\": \"left\"}, got \(trimmed.prefix(80))")
        }
        var out: [(String, Outcome?)] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            if value is NSNull {
                out.append((key, nil))
                continue
            }
            guard let choice = value as? String, let outcome = outcome(choice) else {
                throw Problem(message: "criteria.\(key) is \(describe(value)), not one of \(Choice.spellings) (or model_a, model_b, tie, tie (bothbad))")
            }
            out.append((key, outcome))
        }
        return out
    }

    private static func describe(_ value: Any) -> String {
        if let s = value as? String { return "\"\(s)\"" }
        return "\(value)"
    }
}
