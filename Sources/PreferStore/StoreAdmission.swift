import NIOConcurrencyHelpers

/// Counts the store's calls under way, so that shutting the store down
/// closes its connection pools only after the calls already admitted have
/// ended.
///
/// Without it a call that is waiting for a connection when the pools close
/// (a leaderboard refresh reading new votes as the server stops, say) gets a
/// connection that is opened after the pool's shutdown and dropped without
/// being closed — which SQLite's driver treats as a programming error.
/// Once `close` has begun, new calls fail at once with
/// ``StoreError/unavailable(_:)``, which says the store is stopping.
///
/// Cost: a lock taken twice per call, O(1).
final class StoreAdmission: Sendable {
    private struct State {
        var running = 0
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Runs `body` as one admitted call; throws without running it once the store is closing.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        try state.withLockedValue { state in
            guard !state.closed else {
                throw StoreError.unavailable("The store is shutting down: the server is stopping, so this call was not run; try it again once Prefer is back.")
            }
            state.running += 1
        }
        defer { leave() }
        return try await body()
    }

    /// Admits no more calls, then returns once the calls under way have
    /// ended, or after `patience` (then with false) — whichever comes first.
    /// The wait does not end early when the calling task is cancelled: a
    /// store shutting down on an error path must still let its calls finish.
    func close(patience: Duration) async -> Bool {
        let timer = Task {
            try? await Task.sleep(for: patience)
            self.releaseWaiters()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state in
                state.closed = true
                if state.running == 0 { return true }
                state.waiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
        return state.withLockedValue { $0.running == 0 }
    }

    private func leave() {
        let waiters = state.withLockedValue { state in
            state.running -= 1
            guard state.closed, state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func releaseWaiters() {
        let waiters = state.withLockedValue { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
