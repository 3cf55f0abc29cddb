import Foundation
import PreferCore
import PreferStore

/// Which battles of an arena a run judges.
public enum JudgeSelection: Sendable, Hashable, Codable {
    /// `count` battles drawn at random (a prompt and a pair — or K contenders
    /// in rank mode — with outputs), without repeats; `seed` makes the draw repeatable.
    case battles(count: Int, seed: UInt64)
    /// Every pair of contenders on every prompt (rank mode: every prompt's
    /// contenders in groups of K).
    case allPairs
    /// The battles people voted on (same prompt and pair), so that the judge
    /// can be measured against them.
    case humanBattles

    /// The canonical text a run is stored (and found again) under.
    public var text: String {
        switch self {
        case .battles(let count, let seed): #"{"count":\#(count),"kind":"battles","seed":\#(seed)}"#
        case .allPairs: #"{"kind":"all_pairs"}"#
        case .humanBattles: #"{"kind":"human_battles"}"#
        }
    }

    /// The items to judge: their keys name the prompt and contenders (the
    /// smaller contender id first in a pair), so each is judged once.
    /// Returns how many human votes had no outputs to judge, too.
    public func items(
        mode: JudgeMode, rankSize: Int, prompts: [Prompt], outputs: [Output], humanVotes: [StoredVote]
    ) throws(JudgeError) -> (items: [NewJudgeRunItem], skipped: Int) {
        var contendersOf: [Int64: [Int64]] = [:]
        for output in outputs { contendersOf[output.promptId, default: []].append(output.contenderId) }
        let promptIds = prompts.map(\.id).filter { (contendersOf[$0]?.count ?? 0) >= 2 }.sorted()
        for id in promptIds { contendersOf[id]?.sort() }
        func pairItem(_ prompt: Int64, _ x: Int64, _ y: Int64, human: Int64? = nil) -> NewJudgeRunItem {
            let (lo, hi) = x < y ? (x, y) : (y, x)
            return NewJudgeRunItem(itemKey: "p\(prompt):\(lo):\(hi)", promptId: prompt, contenders: [lo, hi], humanVoteId: human)
        }
        switch (self, mode) {
        case (.humanBattles, .rank):
            throw JudgeError("A rank judge ranks K outputs at once; people voted on pairs. Use --battles N or --pairs all with a rank judge.")
        case (.humanBattles, _):
            var seen = Set<String>()
            var items: [NewJudgeRunItem] = []
            var skipped = 0
            for vote in humanVotes where vote.source != .judge {
                guard let prompt = vote.promptId, let available = contendersOf[prompt],
                      available.contains(vote.leftContenderId), available.contains(vote.rightContenderId)
                else {
                    skipped += 1
                    continue
                }
                let item = pairItem(prompt, vote.leftContenderId, vote.rightContenderId, human: vote.id)
                if seen.insert(item.itemKey).inserted { items.append(item) }
            }
            return (items, skipped)
        case (.allPairs, .rank):
            var items: [NewJudgeRunItem] = []
            for prompt in promptIds {
                var generator = Xoshiro256(seed: UInt64(bitPattern: prompt), stream: 7)
                let contenders = (contendersOf[prompt] ?? []).shuffled(using: &generator)
                var start = 0
                while start < contenders.count {
                    var group = Array(contenders[start..<min(start + rankSize, contenders.count)])
                    start += rankSize
                    if group.count < 2 { continue }
                    group.sort()
                    items.append(NewJudgeRunItem(
                        itemKey: "p\(prompt):" + group.map(String.init).joined(separator: ","), promptId: prompt, contenders: group))
                }
            }
            return (items, 0)
        case (.allPairs, _):
            var items: [NewJudgeRunItem] = []
            for prompt in promptIds {
                let contenders = contendersOf[prompt] ?? []
                for i in 0..<contenders.count {
                    for j in (i + 1)..<contenders.count { items.append(pairItem(prompt, contenders[i], contenders[j])) }
                }
            }
            return (items, 0)
        case (.battles(let count, let seed), _):
            guard count >= 1 else { throw JudgeError("--battles must be at least 1.") }
            guard !promptIds.isEmpty else { return ([], 0) }
            let size = mode == .rank ? rankSize : 2
            var generator = Xoshiro256(seed: seed, stream: 11)
            var seen = Set<String>()
            var items: [NewJudgeRunItem] = []
            var misses = 0
            // Draw until `count` distinct items or draws keep repeating (the arena has fewer).
            while items.count < count && misses < 64 * max(count, 16) {
                let prompt = promptIds[generator.nextIndex(below: promptIds.count)]
                let contenders = contendersOf[prompt] ?? []
                var group = Array(contenders.shuffled(using: &generator).prefix(size))
                group.sort()
                let item = group.count == 2
                    ? pairItem(prompt, group[0], group[1])
                    : NewJudgeRunItem(itemKey: "p\(prompt):" + group.map(String.init).joined(separator: ","), promptId: prompt, contenders: group)
                if seen.insert(item.itemKey).inserted { items.append(item) } else { misses += 1 }
            }
            return (items, 0)
        }
    }
}
