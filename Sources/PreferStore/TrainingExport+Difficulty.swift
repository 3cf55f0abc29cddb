import Foundation
import PreferCore

extension TrainingExport {
    /// An item as `prefer items` keys it: a prompt and an unordered pair of contenders.
    struct DifficultyKey: Hashable, Sendable {
        var prompt: String
        var first: String
        var second: String

        init(prompt: String, _ a: String, _ b: String) {
            self.prompt = prompt
            (first, second) = a <= b ? (a, b) : (b, a)
        }
    }

    /// The easy/contested/hard label of each item (`ItemAgreement`, the
    /// analysis of `prefer items`, with its settings and Bradley–Terry model)
    /// over exactly the votes the export counts — its sources, without the
    /// voters the audit flags — keyed by prompt text and pair. So a pair's
    /// label is the one `prefer items --item-field prompt_id` gives its item
    /// on a file of those votes (the release's `votes.jsonl`, say). Item
    /// preferences name no contenders and get no label. O(votes).
    static func difficulties(
        _ loaded: ArenaVoteTable?, flagged: Set<String>, sources: Set<PreferenceSource>, settings: ItemAgreement,
        store: SQLPreferStore, arena: Arena
    ) async throws -> (items: [DifficultyKey: String], note: String?) {
        guard let loaded, !loaded.table.isEmpty else {
            return ([:], "the arena has no votes between contenders, so no pair has an easy/contested/hard label")
        }
        var keep = [Bool](repeating: true, count: loaded.table.count)
        for row in 0..<loaded.table.count {
            let source: PreferenceSource = loaded.sources[row] == .judge ? .judge : .human
            if !sources.contains(source) { keep[row] = false }
            if let voter = loaded.table.voters?[row], flagged.contains(voter) { keep[row] = false }
        }
        var settings = settings
        settings.itemField = "prompt"
        let result: ItemAgreement.Result
        do {
            result = try settings.analyze(loaded.table.filtered(keep), estimator: BradleyTerry())
        } catch {
            return ([:], "the easy/contested/hard analysis could not run: \(error.message)")
        }
        let texts = Dictionary(uniqueKeysWithValues: try await store.prompts(arena: arena.id).map { (String($0.id), $0.text) })
        var labels: [DifficultyKey: String] = [:]
        for item in result.items {
            guard let prompt = texts[item.item] else { continue }
            labels[DifficultyKey(prompt: prompt, item.a, item.b)] = item.difficulty.rawValue
        }
        return (labels, nil)
    }
}
