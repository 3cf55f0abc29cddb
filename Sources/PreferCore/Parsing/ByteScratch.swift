/// A reusable, growable byte buffer for decoded text (unescaped JSON strings,
/// CSV cells with doubled quotes, unescaped keys).
///
/// Its bytes stay valid until the next `reset`. Appends are O(1); a reset is
/// O(1) unless it grows the buffer (amortised O(bytes)).
final class ByteScratch {
    private(set) var pointer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    /// Empties the buffer and makes room for `minimumCapacity` appends.
    func reset(minimumCapacity: Int) {
        count = 0
        if minimumCapacity > capacity {
            pointer.deallocate()
            capacity = max(minimumCapacity, capacity * 2)
            pointer = .allocate(capacity: capacity)
        }
    }

    /// Appends a byte; the caller reserved room with `reset(minimumCapacity:)`.
    @inline(__always)
    func append(_ byte: UInt8) {
        pointer[count] = byte
        count += 1
    }

    /// Appends `count` bytes; the caller reserved room with `reset(minimumCapacity:)`.
    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, count n: Int) {
        (pointer + count).update(from: source, count: n)
        count += n
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: pointer, count: count) }
}
