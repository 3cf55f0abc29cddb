import Foundation
@testable import PreferStore
import SQLKit
import Testing

/// Shutting a store down while calls are under way: they end first, later
/// calls are refused with a clear error. (A leaderboard refresh reading new
/// votes as a test server stopped once got a connection opened after the
/// pool had closed, and SQLite's driver stopped the process.)
@Suite("Store shutdown with calls under way")
struct StoreAdmissionTests {
    @Test(arguments: StoreKind.tested)
    func callsUnderWayEndBeforeTheDatabaseClosesAndLaterOnesAreRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.setSetting("k", to: "v")
            let (started, began) = AsyncStream.makeStream(of: Void.self)
            // One read that is surely under way when the shutdown begins…
            let first = Task {
                try await store.connections.read { database in
                    began.yield()
                    try? await Task.sleep(for: .milliseconds(200))
                    return try await database.raw("SELECT value FROM settings WHERE key = 'k'").all().count
                }
            }
            // …and many racing with it.
            let racing = (0..<32).map { _ in
                Task { () -> Result<String?, any Error> in
                    do { return .success(try await store.setting("k")) } catch { return .failure(error) }
                }
            }
            for await _ in started { break }
            try await store.shutdown()

            #expect(try await first.value == 1, "the read admitted before the shutdown ran to its end")
            for task in racing {
                switch await task.value {
                case .success(let value): #expect(value == "v")
                case .failure(let error):
                    let storeError = try #require(error as? StoreError, "\(error)")
                    #expect(storeError.kind == .unavailable && storeError.message.contains("shutting down"), "\(storeError)")
                }
            }
            let late = await #expect(throws: StoreError.self) { _ = try await store.setting("k") }
            #expect(late?.kind == .unavailable)
        }
    }

    @Test func closingWaitsNoLongerThanItsPatienceForACallThatDoesNotEnd() async throws {
        let admission = StoreAdmission()
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        let (started, began) = AsyncStream.makeStream(of: Void.self)
        let call = Task {
            try await admission.run {
                began.yield()
                for await _ in release { break }
            }
        }
        for await _ in started { break }
        #expect(await admission.close(patience: .milliseconds(50)) == false, "the call was still running")
        releasing.yield()
        try await call.value
        await #expect(throws: StoreError.self) { try await admission.run {} }
    }

    @Test func closingAnIdleStoreReturnsAtOnceAndItStaysClosed() async throws {
        let admission = StoreAdmission()
        #expect(try await admission.run { 7 } == 7)
        #expect(await admission.close(patience: .seconds(60)) == true)
        #expect(await admission.close(patience: .seconds(60)) == true)
        await #expect(throws: StoreError.self) { try await admission.run {} }
    }
}
