/// The memory behind a `VoteChunk`'s main columns (contender ids of A and B,
/// outcomes), grown by doubling.
///
/// The chunk appends through plain pointers it caches, which avoids the
/// uniqueness and capacity checks of `Array.append` on every vote; this class
/// only owns and frees the memory. Appending is amortised O(1); growing copies
/// O(count) elements.
final class VoteColumnStorage {
    private(set) var a: UnsafeMutablePointer<Int32>
    private(set) var b: UnsafeMutablePointer<Int32>
    private(set) var outcomes: UnsafeMutablePointer<Outcome>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        a = .allocate(capacity: self.capacity)
        b = .allocate(capacity: self.capacity)
        outcomes = .allocate(capacity: self.capacity)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        outcomes.deallocate()
    }

    /// Moves the first `count` elements into buffers of at least `minimumCapacity`.
    func grow(count: Int, minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let newCapacity = max(minimumCapacity, capacity * 2)
        let newA = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newA.moveInitialize(from: a, count: count)
        a.deallocate()
        a = newA
        let newB = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newB.moveInitialize(from: b, count: count)
        b.deallocate()
        b = newB
        let newOutcomes = UnsafeMutablePointer<Outcome>.allocate(capacity: newCapacity)
        newOutcomes.moveInitialize(from: outcomes, count: count)
        outcomes.deallocate()
        outcomes = newOutcomes
        capacity = newCapacity
    }
}
