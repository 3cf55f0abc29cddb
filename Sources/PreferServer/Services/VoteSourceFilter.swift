import PreferCore

/// Whose votes a leaderboard or an export counts: people's (votes cast on
/// battles or imported), AI judges', or both. People's is the default
/// everywhere a board is shown, so judges' votes never mix into it unasked.
enum VoteSourceFilter: String, Sendable, Hashable, CaseIterable {
    case human, judge, all

    func includes(_ source: StoredVote.Source) -> Bool {
        switch self {
        case .human: source != .judge
        case .judge: source == .judge
        case .all: true
        }
    }

    /// Which rows of a table whose rows are judges' votes where `judged` is true.
    func keeps(_ judged: [Bool]) -> [Bool] {
        switch self {
        case .human: judged.map { !$0 }
        case .judge: judged
        case .all: judged.map { _ in true }
        }
    }
}
