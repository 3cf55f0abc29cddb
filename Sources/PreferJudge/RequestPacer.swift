/// Spaces request starts to at most `perMinute` a minute: each start takes
/// the next free slot, 60/perMinute seconds after the previous one (a
/// token bucket of size one, so that no burst exceeds the provider's limit).
actor RequestPacer {
    private let interval: Duration
    private var next: ContinuousClock.Instant?

    init(perMinute: Int) {
        interval = .nanoseconds(Int64(60_000_000_000 / max(perMinute, 1)))
    }

    /// Waits for this request's slot.
    func wait() async throws {
        let now = ContinuousClock.now
        let slot = max(now, next ?? now)
        next = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}

/// At most `limit` holders at once; the rest wait in line (FIFO).
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    init(_ limit: Int) {
        available = limit
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if head < waiters.count {
            let waiter = waiters[head]
            head += 1
            if head > 1024, head * 2 > waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
            waiter.resume()
        } else {
            available += 1
        }
    }
}
