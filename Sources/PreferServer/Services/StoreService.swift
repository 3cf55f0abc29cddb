import Logging
import PreferStore
import ServiceLifecycle

/// The store's life as a `Service`: it runs until the service group stops,
/// then closes the store's connections (and SQLite's thread pool). First
/// in the application's services, so it is shut down last — after the HTTP
/// server has answered its last request and the vote writer has written its
/// last vote.
struct StoreService: Service {
    let store: any PreferStore
    let logger: Logger

    func run() async throws {
        // Graceful shutdown or cancellation: close either way.
        try? await gracefulShutdown()
        try await store.shutdown()
        logger.debug("Closed the store")
    }
}
