import PreferCore

/// Draws the next battle of an arena: a prompt with outputs from at least two
/// contenders, then a pair of those contenders, then a coin flip for sides.
///
/// - `uniform`: every prompt with outputs from two or more contenders is
///   equally likely, then every pair of its contenders.
/// - `weighted`: the prompt as above, then a pair ∝ wᵢ·wⱼ (contender weights).
/// - `active`: the pair first, from the arena's prepared table (`ActivePairs`:
///   the plan of `PairSampler` made from the cached fit, restricted to pairs
///   of current contenders with a prompt in common), then a prompt they both
///   answered, uniformly. While the table was made for an older index (an
///   admin changed the arena; the next table is on its way) the prompt comes
///   first and `PairSampler.nextPair` weighs its contenders' pairs (a
///   contender the plan does not know gets the burst). With no table yet
///   (before the first fit), as `uniform`.
///
/// O(k²) for a prompt with k contenders' outputs; active: O(log pairs).
struct BattleSampler {
    /// The active arena's table, when it has one.
    var prepared: ActivePairs.Prepared?

    struct Draw: Equatable {
        var prompt: Int64
        var left: Output
        var right: Output
    }

    enum Failure: Error, Equatable {
        case noPrompts
    }

    /// The battle for a given item (a prompt and two contenders), sides by coin flip.
    func draw<R: RandomNumberGenerator>(item: ItemCoverage.Item, from index: ArenaIndex, using rng: inout R) -> Draw? {
        guard let byContender = index.outputByPromptAndContender[item.prompt],
              let low = byContender[item.low].flatMap({ index.outputs[$0] }),
              let high = byContender[item.high].flatMap({ index.outputs[$0] }) else { return nil }
        return Bool.random(using: &rng)
            ? Draw(prompt: item.prompt, left: low, right: high)
            : Draw(prompt: item.prompt, left: high, right: low)
    }

    func draw<R: RandomNumberGenerator>(from index: ArenaIndex, using rng: inout R) throws(Failure) -> Draw {
        if case .active = index.arena.samplingPolicy, let prepared, prepared.policy == index.arena.samplingPolicy {
            if prepared.indexVersion == index.version {
                if let picked = prepared.draw(in: index, using: &rng),
                   let draw = Self.battle(prompt: picked.prompt, picked.a, picked.b, in: index, using: &rng) {
                    return draw
                }
            } else if let prompt = index.battlePrompts.randomElement(using: &rng),
                      let byContender = index.outputByPromptAndContender[prompt] {
                let names = byContender.keys.sorted().compactMap { index.contenders[$0]?.name }
                if let pair = prepared.sampler.nextPair(among: names, using: &rng),
                   let a = index.contenderByName[pair.left], let b = index.contenderByName[pair.right],
                   let left = byContender[a].flatMap({ index.outputs[$0] }),
                   let right = byContender[b].flatMap({ index.outputs[$0] }) {
                    return Draw(prompt: prompt, left: left, right: right)
                }
            }
        }
        guard let prompt = index.battlePrompts.randomElement(using: &rng),
              let byContender = index.outputByPromptAndContender[prompt] else { throw .noPrompts }
        let contenders = byContender.keys.sorted()
        var pairs: [(Int64, Int64)] = []
        var weights: [Double] = []
        for i in 0..<contenders.count {
            for j in (i + 1)..<contenders.count {
                pairs.append((contenders[i], contenders[j]))
                switch index.arena.sampling {
                case .uniform:
                    weights.append(1)
                case .weighted:
                    let wi = index.contenders[contenders[i]]?.weight ?? 1
                    let wj = index.contenders[contenders[j]]?.weight ?? 1
                    weights.append(wi * wj)
                }
            }
        }
        let total = weights.reduce(0, +)
        var u = Double.random(in: 0..<total, using: &rng)
        var chosen = pairs[pairs.count - 1]
        for (k, w) in weights.enumerated() {
            if u < w {
                chosen = pairs[k]
                break
            }
            u -= w
        }
        let flip = Bool.random(using: &rng)
        let (a, b) = flip ? (chosen.1, chosen.0) : (chosen.0, chosen.1)
        guard let left = byContender[a].flatMap({ index.outputs[$0] }),
              let right = byContender[b].flatMap({ index.outputs[$0] }) else { throw .noPrompts }
        return Draw(prompt: prompt, left: left, right: right)
    }

    /// The battle on `prompt` between contenders `a` and `b`, sides by coin flip.
    static func battle<R: RandomNumberGenerator>(prompt: Int64, _ a: Int64, _ b: Int64, in index: ArenaIndex, using rng: inout R) -> Draw? {
        guard let byContender = index.outputByPromptAndContender[prompt],
              let first = byContender[a].flatMap({ index.outputs[$0] }),
              let second = byContender[b].flatMap({ index.outputs[$0] }) else { return nil }
        return Bool.random(using: &rng)
            ? Draw(prompt: prompt, left: first, right: second)
            : Draw(prompt: prompt, left: second, right: first)
    }
}
