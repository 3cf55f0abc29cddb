import Foundation
import PreferCore
import PreferStore

/// An arena with three contenders, two prompts and (optionally) an output of
/// each contender for each prompt, and a way to make votes in it.
struct Fixture: Sendable {
    let arena: Arena
    let contenders: [Contender]
    let prompts: [Prompt]

    static func make(_ store: SQLPreferStore, name: String, outputs: Bool = true) async throws -> Fixture {
        let arena = try await store.createArena(NewArena(name: name, criteria: ["helpfulness", "style"]))
        var contenders: [Contender] = []
        for contender in ["alpha", "beta", "gamma"] {
            contenders.append(try await store.createContender(arena: arena.id, name: contender, weight: 1))
        }
        let prompts = [
            try await store.createPrompt(arena: arena.id, text: "Explain entropy to a child.", category: "science"),
            try await store.createPrompt(arena: arena.id, text: "Write a haiku about rain.", category: "poetry"),
        ]
        if outputs {
            for prompt in prompts {
                for contender in contenders {
                    _ = try await store.createOutput(
                        NewOutput(promptId: prompt.id, contenderId: contender.id, content: "\(contender.name) on \(prompt.id)"))
                }
            }
        }
        return Fixture(arena: arena, contenders: contenders, prompts: prompts)
    }

    /// A vote in this arena: contender `left` against `right` (indices), on the first prompt.
    func vote(
        battle: String?, left: Int = 0, right: Int = 1, choice: Choice = .left, clientVoteId: String? = nil,
        voter: String? = "voter-1", createdAt: Date = Date(timeIntervalSince1970: 1_700_000_000.25)
    ) -> NewVote {
        NewVote(
            arenaId: arena.id, battle: battle, promptId: prompts[0].id, leftContenderId: contenders[left].id,
            rightContenderId: contenders[right].id, choice: choice, voter: voter, clientVoteId: clientVoteId,
            createdAt: createdAt)
    }
}
