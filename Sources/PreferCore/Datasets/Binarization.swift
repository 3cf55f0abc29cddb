/// Turns several rated completions of one prompt into pairwise preferences,
/// as UltraFeedback's users do (Cui et al. 2023, "UltraFeedback"; the
/// binarised sets of Tunstall et al. 2023, "Zephyr", and Argilla).
///
/// The ranking score is one aspect (or an overall score); completions
/// without it are left out. Pairs:
/// - `allPairs`: every two rated completions (k(k−1)/2 pairs);
/// - `bestVsWorst`: the highest against the lowest score;
/// - `bestVsRandom`: the highest against one of the others drawn uniformly
///   with a generator seeded by (seed, line), so the same seed gives the
///   same pairs.
/// Among equal best (or worst) scores the completion listed first is taken.
/// Equal scores make a tie. A pair's A is the completion listed first in the
/// row; its margin is |score A − score B| on the ranking score; its criteria
/// hold the outcome on every aspect both completions were rated on, so
/// leaderboards can be built per aspect. O(k²) per prompt at most.
public struct Binarization: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case allPairs = "all-pairs"
        case bestVsWorst = "best-vs-worst"
        case bestVsRandom = "best-vs-random"
    }

    public var mode: Mode
    /// The aspect (or overall score) that ranks the completions.
    public var aspect: String
    public var seed: UInt64

    public init(mode: Mode = .allPairs, aspect: String = "overall", seed: UInt64 = 42) {
        self.mode = mode
        self.aspect = aspect
        self.seed = seed
    }

    /// The pairs of one prompt, as records with contenders, texts, counts
    /// (one annotation), margin and criteria.
    public func pairs(_ rated: RatedPrompt) -> [PreferenceRecord] {
        let scored = rated.completions.indices.filter { rated.completions[$0].scores[aspect] != nil }
        guard scored.count >= 2 else { return [] }
        let score = { (i: Int) in rated.completions[i].scores[aspect]! }
        var pairs: [(Int, Int)] = []
        switch mode {
        case .allPairs:
            for x in 0..<scored.count {
                for y in (x + 1)..<scored.count { pairs.append((scored[x], scored[y])) }
            }
        case .bestVsWorst:
            var best = scored[0]
            var worst = scored[0]
            for i in scored.dropFirst() {
                if score(i) > score(best) { best = i }
                if score(i) < score(worst) { worst = i }
            }
            if best == worst { worst = scored.first { $0 != best }! }
            pairs.append((min(best, worst), max(best, worst)))
        case .bestVsRandom:
            var best = scored[0]
            for i in scored.dropFirst() where score(i) > score(best) { best = i }
            let others = scored.filter { $0 != best }
            var rng = Xoshiro256(seed: seed, stream: UInt64(truncatingIfNeeded: rated.line))
            let other = others[rng.nextIndex(below: others.count)]
            pairs.append((min(best, other), max(best, other)))
        }
        return pairs.map { i, j in
            let x = rated.completions[i]
            let y = rated.completions[j]
            var criteria: [String: Outcome] = [:]
            for (name, sx) in x.scores {
                guard let sy = y.scores[name] else { continue }
                criteria[name] = Self.outcome(sx, sy)
            }
            return PreferenceRecord(
                line: rated.line, prompt: rated.prompt, a: x.text, b: y.text, contenderA: x.model, contenderB: y.model,
                counts: PreferenceCounts(Self.outcome(score(i), score(j))), source: rated.source,
                category: rated.category, criteria: criteria, margin: abs(score(i) - score(j)))
        }
    }

    static func outcome(_ a: Double, _ b: Double) -> Outcome {
        a > b ? .aWins : a < b ? .bWins : .tie
    }
}
