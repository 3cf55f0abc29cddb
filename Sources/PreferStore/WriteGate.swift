/// A first-come, first-served lock for async code: SQLite takes one writer
/// at a time, so a store's writers queue here, in the process, instead of
/// spinning in SQLite's busy handler on a thread of the pool.
actor WriteGate {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits until the gate is free and takes it. Pair with `leave()`.
    func enter() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Runs `body` holding the gate, and frees it however `body` ends.
    nonisolated func holding<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    /// Hands the gate to the next waiter, or frees it.
    func leave() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
