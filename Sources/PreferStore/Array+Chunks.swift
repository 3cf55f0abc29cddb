extension Array {
    /// The elements in consecutive slices of at most `size` (the last may be shorter).
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        precondition(size > 0, "a chunk holds at least one element")
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
