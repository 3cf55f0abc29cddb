/// Builds a `TextColumn` from byte strings without creating a `String` per
/// row: values are interned by their bytes (`ByteInterner`) and a `String` is
/// made only for a new value.
///
/// Appending is expected O(length of the value); `column()` is O(rows).
struct TextColumnBuilder {
    private var interner = ByteInterner()
    /// The distinct values, in order of first appearance.
    private(set) var values: [String] = []
    /// One code per row: an index into `values`, or -1 where the row has none.
    private(set) var codes: [Int32]

    /// A column whose first `rows` rows are missing.
    init(missing rows: Int) {
        codes = Array(repeating: -1, count: rows)
    }

    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>) {
        let (index, inserted) = interner.intern(p, n, readableEnd: readableEnd)
        if inserted {
            values.append(interner.string(at: index))
        }
        codes.append(Int32(index))
    }

    @inline(__always)
    mutating func appendMissing() {
        codes.append(-1)
    }
}
