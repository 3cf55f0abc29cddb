import Foundation
import OpenAPIRuntime
import PreferCore
import PreferStore

// Data releases: the arena's public release as one tar archive (the files of `prefer release`).

extension PreferAPI {
    func createRelease(_ input: Operations.CreateRelease.Input) async throws -> Operations.CreateRelease.Output {
        var options = DataRelease.Options()
        if case .json(let body)? = input.body {
            options.license = try ArenaRules.license(body.license)
            options.dropRationales = body.dropRationales ?? false
            if let pattern = body.dropPrompts, pattern.unicodeScalars.count > 1000 {
                throw PreferError.invalidField(
                    "drop_prompts", "drop_prompts must be a regular expression of at most 1,000 characters; got \(pattern.unicodeScalars.count).")
            }
            options.dropPrompts = body.dropPrompts.flatMap { $0.isEmpty ? nil : $0 }
            let annotators = body.dropAnnotators ?? []
            guard annotators.count <= 10_000, annotators.allSatisfy({ $0.unicodeScalars.count <= 1000 }) else {
                throw PreferError.invalidField(
                    "drop_annotators", "drop_annotators must list at most 10,000 annotators of at most 1,000 characters each.")
            }
            options.dropAnnotators = Set(annotators)
            if let rounds = body.bootstrap {
                guard (0...10_000).contains(rounds) else {
                    throw PreferError.invalidField("bootstrap", "bootstrap must be 0 to 10000 rounds; got \(rounds).")
                }
                options.bootstrap = rounds
            }
            if let seed = body.seed {
                guard (0...9_007_199_254_740_991).contains(seed) else {
                    throw PreferError.invalidField("seed", "seed must be 0 to 9007199254740991 (2⁵³ − 1); got \(seed).")
                }
                options.seed = UInt64(seed)
            }
            options.pseudonymKey = try body.pseudonymKey.map { try DataRelease.Options.key(hex: $0, field: "pseudonym_key") }
        }
        let archive = try await services.releases.archive(arena: input.path.arena, options: options)
        return .ok(.init(
            headers: .init(contentDisposition: "attachment; filename=\"\(archive.filename)\""),
            body: .applicationXTar(HTTPBody(archive.chunks, length: .known(Int64(archive.length)), iterationBehavior: .single))))
    }
}
