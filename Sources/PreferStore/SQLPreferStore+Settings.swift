import SQLKit

extension SQLPreferStore {
    public func setting(_ key: String) async throws -> String? {
        try await connections.withConnection { database in
            try await database.select().column("value").from("settings").where("key", .equal, key)
                .first(decodingColumn: "value", as: String.self)
        }
    }

    public func setSetting(_ key: String, to value: String) async throws {
        try await connections.write { database in
            try await database.insert(into: "settings")
                .columns("key", "value")
                .values(key, value)
                .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }
                .run()
        }
    }

    public func insertSettingIfAbsent(_ key: String, value: String) async throws -> Bool {
        try await connections.write { database in
            let inserted = try await database.insert(into: "settings")
                .columns("key", "value")
                .values(key, value)
                .ignoringConflicts(with: "key")
                .returning("key")
                .all()
            return !inserted.isEmpty
        }
    }
}
