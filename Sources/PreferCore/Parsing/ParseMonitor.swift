import Synchronization

/// Shared state of one parse across worker threads: bytes done (reported
/// through the progress callback every `interval` bytes per worker) and the
/// lowest chunk that hit a bad row, so that later chunks can stop early when
/// bad rows are not being skipped. Every operation is O(1) and lock-free.
final class ParseMonitor: Sendable {
    /// Bytes a worker parses between progress reports.
    static let interval = 4 << 20

    let total: Int
    private let callback: (@Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void)?
    private let done = Atomic<Int>(0)
    private let firstFailedChunk = Atomic<Int>(Int.max)

    init(total: Int, callback: (@Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void)?) {
        self.total = total
        self.callback = callback
    }

    /// Adds `bytes` to the bytes done and reports the new total.
    func advance(by bytes: Int) {
        guard bytes > 0 else { return }
        let now = done.wrappingAdd(bytes, ordering: .relaxed).newValue
        callback?(min(now, total), total)
    }

    /// Reports the whole input as done.
    func finish() {
        callback?(total, total)
    }

    /// Notes that chunk `index` hit a bad row.
    func fail(chunk index: Int) {
        var current = firstFailedChunk.load(ordering: .relaxed)
        while index < current {
            let (exchanged, original) = firstFailedChunk.compareExchange(
                expected: current, desired: index, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Whether an earlier chunk already failed, which makes chunk `index`'s
    /// remaining work pointless.
    func shouldStop(chunk index: Int) -> Bool {
        firstFailedChunk.load(ordering: .relaxed) < index
    }
}
