import Foundation
import Logging
import PreferStore

/// The store the CLI's commands use: `--database`, else `PREFER_DATABASE_URL`,
/// else `prefer.sqlite` in the working directory.
enum StoreOpener {
    /// The database URL chosen, and the store opened on it.
    /// `serving`: the store of `prefer serve`, whose SQLite WAL is checkpointed beside its writers.
    static func open(_ option: String?, logger: Logger, serving: Bool = false) async throws -> (url: String, store: any PreferStore) {
        let url = option ?? ProcessInfo.processInfo.environment["PREFER_DATABASE_URL"] ?? "prefer.sqlite"
        return (url, try await SQLPreferStore.open(url, logger: logger, checkpointInBackground: serving))
    }
}
