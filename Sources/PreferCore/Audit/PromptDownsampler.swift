import Foundation

/// Down-samples prompts repeated far more than the rest (LMArena's
/// de-duplication: "hi" and test prompts otherwise dominate the votes).
///
/// The cap is the `percentile` quantile of the per-prompt vote counts
/// (default 99.9%, rounded up, at least `minimumCap`); a prompt with more
/// votes than the cap keeps a uniformly random `cap` of them, drawn with a
/// seeded generator so the same seed keeps the same votes. Prompts are
/// compared after trimming whitespace and lower-casing. Arenas whose prompts
/// are all voted about equally often lose nothing. O(votes log votes).
public struct PromptDownsampler: Sendable {
    public var percentile: Double
    public var minimumCap: Int
    public var seed: UInt64

    public init(percentile: Double = 0.999, minimumCap: Int = 10, seed: UInt64 = 42) {
        self.percentile = percentile
        self.minimumCap = minimumCap
        self.seed = seed
    }

    public struct Result: Sendable {
        /// One flag per vote: false when down-sampled away.
        public var keep: [Bool]
        public var cap: Int
        /// Prompts over the cap, with their vote counts (most repeated first).
        public var repeated: [(prompt: String, votes: Int)]
        public var removed: Int
    }

    public func apply(prompts: TextColumn, eligible: [Bool]) -> Result {
        let normalised = prompts.values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        var keyIndex: [String: Int] = [:]
        var codeToKey = [Int](repeating: -1, count: prompts.values.count)
        var keyNames: [String] = []
        for (code, text) in normalised.enumerated() {
            if let k = keyIndex[text] {
                codeToKey[code] = k
            } else {
                keyIndex[text] = keyNames.count
                codeToKey[code] = keyNames.count
                keyNames.append(prompts.values[code])
            }
        }
        var rowsByKey = [[Int]](repeating: [], count: keyNames.count)
        for row in 0..<prompts.count where eligible[row] && prompts.codes[row] >= 0 {
            rowsByKey[codeToKey[Int(prompts.codes[row])]].append(row)
        }
        let counts = rowsByKey.map(\.count).filter { $0 > 0 }.sorted()
        var keep = [Bool](repeating: true, count: prompts.count)
        guard !counts.isEmpty else { return Result(keep: keep, cap: 0, repeated: [], removed: 0) }
        let position = min(counts.count - 1, Int((percentile * Double(counts.count - 1)).rounded(.up)))
        let cap = max(minimumCap, counts[position])
        var repeated: [(String, Int)] = []
        var removed = 0
        for (k, rows) in rowsByKey.enumerated() where rows.count > cap {
            repeated.append((keyNames[k], rows.count))
            var rng = Xoshiro256(seed: seed, stream: UInt64(k))
            var pool = rows
            // Partial Fisher–Yates: the first `cap` entries become the sample.
            for i in 0..<cap {
                let j = i + rng.nextIndex(below: pool.count - i)
                pool.swapAt(i, j)
            }
            for row in pool[cap...] {
                keep[row] = false
                removed += 1
            }
        }
        repeated.sort { ($0.1, $1.0) > ($1.1, $0.0) }
        return Result(keep: keep, cap: cap, repeated: repeated, removed: removed)
    }
}
