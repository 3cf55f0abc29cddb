/// A heap buffer that parallel workers write in disjoint parts (bootstrap
/// rounds, file chunks). The workers' partition is what makes this safe, so
/// the type is `@unchecked Sendable`; it is internal to PreferCore.
struct SharedBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>

    init(repeating value: Element, count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    subscript(index: Int) -> Element {
        get { pointer[index] }
        nonmutating set { pointer[index] = newValue }
    }

    func slice(_ range: Range<Int>) -> UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(rebasing: pointer[range])
    }

    var array: [Element] { Array(pointer) }

    func deallocate() { pointer.deallocate() }
}
