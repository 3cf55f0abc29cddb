/// A stretch of a trajectory: a duration (`12h`, `1d`, `1w`) or a number of
/// votes (`10000votes`, `10k votes`).
public enum TrajectorySpan: Sendable, Hashable, CustomStringConvertible {
    case seconds(Double)
    case votes(Int)

    static let units: [(suffix: String, seconds: Double)] = [
        ("s", 1), ("min", 60), ("h", 3600), ("d", 86400), ("w", 604_800),
    ]

    /// Parses `1d`, `12h`, `30min`, `2w`, `90s`, `10000votes`, `10k votes`.
    public init?(parsing text: String) {
        let t = text.lowercased().filter { $0 != " " && $0 != "_" }
        for suffix in ["votes", "vote"] where t.hasSuffix(suffix) {
            var number = String(t.dropLast(suffix.count))
            var factor = 1
            if number.hasSuffix("k") {
                factor = 1000
                number.removeLast()
            }
            guard let n = Int(number), n > 0, n <= Int.max / factor else { return nil }
            self = .votes(n * factor)
            return
        }
        for unit in Self.units.sorted(by: { $0.suffix.count > $1.suffix.count }) where t.hasSuffix(unit.suffix) {
            guard let n = Double(t.dropLast(unit.suffix.count)), n > 0, n.isFinite else { return nil }
            self = .seconds(n * unit.seconds)
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .votes(let n): return "\(n)votes"
        case .seconds(let s):
            for unit in Self.units.reversed() where s >= unit.seconds && (s / unit.seconds).rounded() == s / unit.seconds {
                return "\(Int(s / unit.seconds))\(unit.suffix)"
            }
            return "\(format(s))s"
        }
    }
}
