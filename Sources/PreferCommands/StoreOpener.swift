import Foundation
import Logging
import PreferStore

/// Opens the store a database URL names, and shows URLs without passwords.
enum StoreOpener {
    static func open(_ url: String, logger: Logger) async throws -> any PreferStore {
        try await SQLPreferStore.open(url, logger: logger)
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
