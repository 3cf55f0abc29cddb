import PreferCore
import PreferStore

/// An arena's contenders, prompts and outputs held in memory, indexed for
/// drawing battles and resolving names, rebuilt whenever an admin changes the
/// arena.
struct ArenaIndex: Sendable {
    var arena: Arena
    var contenders: [Int64: Contender] = [:]
    var contenderByName: [String: Int64] = [:]
    var prompts: [Int64: Prompt] = [:]
    var promptByText: [String: Int64] = [:]
    var outputs: [Int64: Output] = [:]
    /// Prompt → contender → output.
    var outputByPromptAndContender: [Int64: [Int64: Int64]] = [:]
    /// Prompts with outputs from at least two contenders, in id order.
    var battlePrompts: [Int64] = []
    /// Which load of the arena this is (`ArenaDirectory` counts them): what
    /// was derived from one index (a leaderboard's bytes, an active arena's
    /// pair table in `ActivePairs`) holds while the version is the same.
    var version: UInt64 = 0
    /// How many outputs a battle shows: 2 (pairwise) or, in a K-way arena, 3…8.
    var k: Int = 2
    /// In a K-way arena: prompts with outputs from at least `k` contenders, in id order.
    var kwayPrompts: [Int64] = []

    init(arena: Arena, contenders: [Contender], prompts: [Prompt], outputs: [Output], k: Int = 2) {
        self.arena = arena
        self.k = k
        for c in contenders {
            self.contenders[c.id] = c
            contenderByName[c.name] = c.id
        }
        for p in prompts {
            self.prompts[p.id] = p
            promptByText[p.text] = p.id
        }
        for o in outputs {
            self.outputs[o.id] = o
            // Battles show current outputs of contenders still in the running.
            guard o.isCurrent, self.contenders[o.contenderId]?.isRetired == false else { continue }
            outputByPromptAndContender[o.promptId, default: [:]][o.contenderId] = o.id
        }
        battlePrompts = outputByPromptAndContender.filter { $0.value.count >= 2 }.keys.sorted()
        if k > 2 { kwayPrompts = outputByPromptAndContender.filter { $0.value.count >= k }.keys.sorted() }
    }

    /// Whether battles are K-way (K > 2).
    var isKWay: Bool { k > 2 }

    /// Whether a battle can be drawn now.
    var openForVoting: Bool { isKWay ? !kwayPrompts.isEmpty : !battlePrompts.isEmpty }

    func contender(_ reference: OutputImport.Reference) -> Contender? {
        switch reference {
        case .id(let id): contenders[id]
        case .name(let name): contenderByName[name].flatMap { contenders[$0] }
        }
    }

    func prompt(_ reference: OutputImport.Reference) -> Prompt? {
        switch reference {
        case .id(let id): prompts[id]
        case .name(let text): promptByText[text].flatMap { prompts[$0] }
        }
    }

    /// A board of this arena as it is shown: hidden contenders left out,
    /// retired ones marked.
    func shown(_ board: Leaderboard) -> Leaderboard {
        board.shown(
            hiding: Set(contenders.values.filter(\.hidden).map(\.name)),
            retiring: Set(contenders.values.filter(\.isRetired).map(\.name)))
    }
}
