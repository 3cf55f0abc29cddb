import Foundation
import Logging
import PreferCore
import PreferStore

/// What a first start needs: the admin key and, on an empty database, the
/// demo arena, so that a newcomer can vote at once.
public enum ServerSetup {
    public struct Report: Sendable {
        /// A newly made admin key, to print once (only its hash is stored).
        public var newAdminKey: String?
        /// The demo arena's name, when it was loaded now.
        public var demoArena: String?
    }

    public static let demoArenaName = "demo"

    /// Stores the admin key's hash: `adminKey` if given (PREFER_ADMIN_KEY),
    /// else a new random key when none exists yet. Loads the demo arena when
    /// the database has no arena and `loadDemo` is set.
    public static func prepare(store: any PreferStore, adminKey: String?, loadDemo: Bool) async throws -> Report {
        var report = Report()
        if let adminKey {
            guard adminKey.count >= 16 else {
                throw StoreError(.invalid, "PREFER_ADMIN_KEY must be at least 16 characters; use a long random string.")
            }
            try await store.setSetting(ServerSecrets.adminKeySetting, to: ServerSecrets.sha256(adminKey))
        } else if try await store.setting(ServerSecrets.adminKeySetting) == nil {
            let key = ServerSecrets.randomToken(prefix: "prefer_admin_")
            if try await store.insertSettingIfAbsent(ServerSecrets.adminKeySetting, value: ServerSecrets.sha256(key)) {
                report.newAdminKey = key
            }
        }
        if loadDemo, try await store.arenas().isEmpty {
            report.demoArena = try await loadDemoArena(into: store)
        }
        return report
    }

    /// Creates the demo arena from `Resources/demo-arena.jsonl`.
    public static func loadDemoArena(into store: any PreferStore) async throws -> String {
        guard let url = Bundle.module.url(forResource: "demo-arena", withExtension: "jsonl", subdirectory: "Resources") else {
            throw StoreError(.notFound, "The demo arena's data (Resources/demo-arena.jsonl) is missing from this build.")
        }
        struct Line: Decodable {
            var prompt: String
            var category: String?
            var contender: String
            var content: String
        }
        let decoder = JSONDecoder()
        let items = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let item = try decoder.decode(Line.self, from: Data(line.utf8))
            return OutputImport(prompt: .name(item.prompt), category: item.category, contender: .name(item.contender), content: item.content)
        }
        let arena = try await store.createArena(NewArena(
            name: demoArenaName,
            description: "Demo arena shipped with Prefer: four demo contenders (demo-concise, demo-thorough, demo-casual and demo-sloppy) answer the same prompts in different styles. Vote on a few battles to see the leaderboard form.",
            criteria: []
        ))
        _ = try await store.importOutputs(arena: arena.id, items)
        return arena.name
    }
}
