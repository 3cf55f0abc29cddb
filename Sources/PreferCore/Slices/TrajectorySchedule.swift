import Foundation

/// Where a rating trajectory takes its points: every `every` (a duration or
/// a number of votes), each point ranking the votes up to its end —
/// cumulatively, or only those in the last `window`.
///
/// Votes are put in time order (by timestamp, ties in file order). Duration
/// points end on round boundaries in UTC — multiples of the span since
/// 1970-01-01, weeks on Mondays — from the first boundary after the first
/// vote; a point holds the votes strictly before its end, and the last
/// point's end is after the last vote, so it holds them all. Vote-count
/// points end after every n votes, the last after the final vote. Time
/// spans need timestamps (votes without one are left out and counted); vote
/// counts use file order when some vote has no timestamp. Points whose
/// window holds no vote are skipped and counted. K-way votes (best of K,
/// rankings) are votes like the pairwise ones: ordered with them by time,
/// each point's slice keeps those of its window (`VoteSlice.kwayRows`); in
/// file order, the pairwise votes come first, then the K-way votes (a
/// `VoteTable` keeps the two apart). O(votes log votes) to order,
/// O(points × votes) to cut the slices.
public struct TrajectorySchedule: Sendable, Hashable {
    public var every: TrajectorySpan
    /// A sliding window; nil accumulates every vote so far.
    public var window: TrajectorySpan?
    /// Most points a trajectory may have.
    public static let maximumPoints = 10_000

    public init(every: TrajectorySpan, window: TrajectorySpan? = nil) {
        self.every = every
        self.window = window
    }

    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// One point of the trajectory: the votes it ranks.
    public struct Point: Sendable, Codable, Equatable {
        public var index: Int
        /// Time span covered (seconds since 1970 and ISO 8601), when ordered by time.
        public var startTime: Double?
        public var endTime: Double?
        public var start: String?
        public var end: String?
        /// Positions in time order: the point ranks votes firstVote..<lastVote.
        public var firstVote: Int
        public var lastVote: Int
        public var votes: Int

        enum CodingKeys: String, CodingKey {
            case index
            case startTime = "start_time"
            case endTime = "end_time"
            case start, end
            case firstVote = "first_vote"
            case lastVote = "last_vote"
            case votes
        }
    }

    public struct Plan: Sendable {
        public var points: [Point]
        public var slices: [VoteSlice]
        /// "timestamp" or "file".
        public var order: String
        public var notes: [String]
    }

    /// Every vote's timestamp (NaN where unknown), the pairwise votes' then
    /// the K-way votes' — the positions `plan` orders — or nil when no vote
    /// has one.
    public static func timestamps(of table: VoteTable) -> [Double]? {
        guard table.timestamps != nil || table.kway.timestamps != nil else { return nil }
        return (table.timestamps ?? [Double](repeating: .nan, count: table.count))
            + (table.kway.timestamps ?? [Double](repeating: .nan, count: table.kway.count))
    }

    public func plan(_ table: VoteTable) throws(Problem) -> Plan {
        var notes: [String] = []
        // Positions 0..<pairwise are the pairwise rows, the rest the K-way votes.
        let pairwise = table.count
        let total = table.totalVotes
        let times = Self.timestamps(of: table)
        let timed = times.map { t in (0..<total).filter { !t[$0].isNaN } } ?? []
        var order: [Int]
        var byTime: Bool
        let needsTime: Bool = {
            if case .seconds = every { return true }
            if case .seconds = window { return true }
            return false
        }()
        if needsTime {
            guard !timed.isEmpty, let times else {
                throw Problem(message: "a trajectory every \(every)\(window.map { " over a \($0) window" } ?? "") needs timestamps (a tstamp or timestamp field, seconds since 1970); without them, use --every 10000votes (file order).")
            }
            if timed.count < total {
                notes.append("\(total - timed.count) votes have no timestamp and are left out of the trajectory.")
            }
            order = timed.sorted { (times[$0], $0) < (times[$1], $1) }
            byTime = true
        } else if let times, timed.count == total {
            order = (0..<total).sorted { (times[$0], $0) < (times[$1], $1) }
            byTime = true
        } else {
            if timed.count > 0 { notes.append("Some votes have no timestamp, so the trajectory follows file order.") }
            if pairwise > 0 && table.hasKWayVotes {
                notes.append("In file order, the pairwise votes come first, then the K-way votes.")
            }
            order = Array(0..<total)
            byTime = false
        }
        let n = order.count
        guard n > 0 else { throw Problem(message: "no votes to follow over time.") }
        let t: [Double] = byTime ? order.map { times![$0] } : []

        // Ends of the points, as positions in `order` (exclusive), with their times.
        var ends: [(position: Int, time: Double?)] = []
        switch every {
        case .votes(let step):
            let count = (n + step - 1) / step
            guard count <= Self.maximumPoints else {
                throw Problem(message: "--every \(every) gives \(count) points, more than \(Self.maximumPoints); choose a larger step.")
            }
            var p = step
            while p < n {
                ends.append((p, nil))
                p += step
            }
            ends.append((n, nil))
        case .seconds(let span):
            let origin = Self.boundary(atOrBefore: t[0], span: span)
            let count = Int(((t[n - 1] - origin) / span).rounded(.down)) + 1
            guard count <= Self.maximumPoints else {
                throw Problem(message: "--every \(every) gives \(count) points over these votes, more than \(Self.maximumPoints); choose a longer span.")
            }
            var position = 0
            for k in 1...count {
                let end = origin + Double(k) * span
                while position < n && t[position] < end { position += 1 }
                ends.append((position, end))
            }
        }

        var points: [Point] = []
        var slices: [VoteSlice] = []
        var empty = 0
        var keep = [Bool](repeating: false, count: total)
        for (position, endTime) in ends {
            var first = 0
            var startTime: Double? = byTime ? t[0] : nil
            switch window {
            case nil:
                break
            case .votes(let w)?:
                first = max(0, position - w)
                if byTime, first < n { startTime = t[first] }
            case .seconds(let w)?:
                let from = (endTime ?? (position > 0 ? t[position - 1] : t[0])) - w
                first = Self.firstIndex(t, atLeast: from)
                startTime = from
            }
            guard first < position else {
                empty += 1
                continue
            }
            for k in first..<position { keep[order[k]] = true }
            var rows: [Int32] = []
            rows.reserveCapacity(position - first)
            for row in 0..<pairwise where keep[row] {
                rows.append(Int32(row))
                keep[row] = false
            }
            var kwayRows: [Int32]? = table.hasKWayVotes ? [] : nil
            for row in pairwise..<total where keep[row] {
                kwayRows?.append(Int32(row - pairwise))
                keep[row] = false
            }
            let index = points.count
            let end = endTime ?? (byTime ? t[position - 1] : nil)
            points.append(Point(
                index: index, startTime: startTime, endTime: end,
                start: startTime.map(Self.iso), end: end.map(Self.iso),
                firstVote: first, lastVote: position, votes: position - first))
            slices.append(VoteSlice(field: "time", value: end.map(Self.iso) ?? "vote \(position)", rows: rows, kwayRows: kwayRows))
        }
        if empty > 0 { notes.append("\(empty) points had no votes in their window and are skipped.") }
        return Plan(points: points, slices: slices, order: byTime ? "timestamp" : "file", notes: notes)
    }

    /// The round boundary at or before `time`: a multiple of `span` since
    /// 1970-01-01 UTC, or of weeks since Monday 1970-01-05 for whole weeks.
    static func boundary(atOrBefore time: Double, span: Double) -> Double {
        let week = 604_800.0
        let offset = span.truncatingRemainder(dividingBy: week) == 0 ? 4 * 86400.0 : 0
        return ((time - offset) / span).rounded(.down) * span + offset
    }

    /// The first index of sorted `t` with t ≥ value.
    static func firstIndex(_ t: [Double], atLeast value: Double) -> Int {
        var lo = 0
        var hi = t.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if t[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func iso(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle())
    }
}
