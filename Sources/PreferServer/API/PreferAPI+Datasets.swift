import Foundation
import OpenAPIRuntime
import PreferCore
import PreferStore
import Logging

// Training data out: the arena's preferences as TRL training pairs.

extension PreferAPI {
    func exportPairs(_ input: Operations.ExportPairs.Input) async throws -> Operations.ExportPairs.Output {
        guard let store = services.store as? SQLPreferStore else { throw PreferError.unavailable }
        let arena = try await services.directory.arena(input.path.arena)
        // Said before the stream starts, so that it can still be a 404.
        guard try await store.voteCount(arena: arena.id) + store.itemPreferenceCount(arena: arena.id) > 0 else {
            throw PreferError.notFound(
                "Arena \"\(arena.name)\" has no votes or preferences to export yet; collect or import some first.", field: "arena")
        }
        let query = input.query
        if let seed = query.seed, !(0...9_007_199_254_740_991).contains(seed) {
            throw PreferError.invalidField("seed", "seed must be 0 to 9007199254740991 (2⁵³ − 1); got \(seed).")
        }
        var options = TrainingExport.Options()
        options.pairs.format = TrainingPairs.Format(rawValue: query.format?.rawValue ?? "trl") ?? .trl
        options.pairs.ties = query.ties == .keep ? .keep : .drop
        options.pairs.bothBad = query.bothBad == .keep ? .keep : .drop
        options.pairs.dedupe = query.dedupe ?? true
        switch query.source {
        case .human: options.sources = [.human]
        case .judge: options.sources = [.judge]
        case .all, nil: options.sources = [.human, .judge]
        }
        options.includeFlagged = query.includeFlagged ?? false
        options.auditSeed = UInt64(clamping: query.seed ?? 42)
        options.difficulty = query.difficulty.flatMap { TrainingExport.DifficultyChoice(rawValue: $0.rawValue) }
        let export = TrainingExport(options: options)
        let logger = services.logger
        let chunks = AsyncThrowingStream<ArraySlice<UInt8>, any Error>(bufferingPolicy: .bufferingOldest(64)) { continuation in
            let task = Task {
                do {
                    _ = try await export.run(store: store, arena: arena) { rows in
                        var bytes: [UInt8] = []
                        for row in rows { bytes += row.bytes }
                        if !bytes.isEmpty { continuation.yield(bytes[...]) }
                    }
                    continuation.finish()
                } catch {
                    logger.error("Training-pair export failed mid-stream", metadata: ["arena": "\(arena.name)", "error": "\(error)"])
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        let format = options.pairs.format.rawValue
        let disposition = "attachment; filename=\"\(arena.name)-\(format).jsonl\""
        return .ok(.init(
            headers: .init(contentDisposition: disposition),
            body: .applicationXNdjson(HTTPBody(chunks, length: .unknown, iterationBehavior: .single))))
    }
}
