import PreferCore

/// Draws the next battle of a K-way arena: a prompt with outputs from at
/// least K current contenders (each such prompt equally likely), then K of
/// those contenders — `uniform`: every set of K equally likely; `weighted`:
/// drawn one after another without replacement, each ∝ its weight — shown
/// in a uniformly random order (a shuffle), so position says nothing about
/// who wrote an output.
///
/// O(m) for a prompt with m contenders' outputs (O(m·K) weighted).
struct KWaySampler {
    struct Draw: Equatable {
        var prompt: Int64
        /// In the order shown.
        var outputs: [Output]
    }

    func draw<R: RandomNumberGenerator>(from index: ArenaIndex, using rng: inout R) -> Draw? {
        let k = index.k
        guard let prompt = index.kwayPrompts.randomElement(using: &rng),
              let byContender = index.outputByPromptAndContender[prompt], byContender.count >= k else { return nil }
        var pool = byContender.keys.sorted()
        var chosen: [Int64] = []
        switch index.arena.sampling {
        case .uniform:
            pool.shuffle(using: &rng)
            chosen = Array(pool.prefix(k))
        case .weighted:
            var weights = pool.map { index.contenders[$0]?.weight ?? 1 }
            for _ in 0..<k {
                let total = weights.reduce(0, +)
                var u = Double.random(in: 0..<total, using: &rng)
                var pick = pool.count - 1
                for (i, w) in weights.enumerated() {
                    if u < w {
                        pick = i
                        break
                    }
                    u -= w
                }
                chosen.append(pool.remove(at: pick))
                weights.remove(at: pick)
            }
            chosen.shuffle(using: &rng)
        }
        let outputs = chosen.compactMap { byContender[$0].flatMap { index.outputs[$0] } }
        guard outputs.count == k else { return nil }
        return Draw(prompt: prompt, outputs: outputs)
    }
}
