/// The values of the row being parsed, one per `FieldPlan` slot, as byte
/// ranges into the input (nothing is copied or decoded while scanning).
///
/// A generation stamp marks which slots the current row set, so starting a row
/// is O(1) and reading or writing a slot is O(1). The memory belongs to a
/// `RowFields.Storage` that the owner (`VoteChunk`) keeps alive.
struct RowFields {
    /// What kind of text a value is, which decides how it is decoded.
    enum Kind: UInt8 {
        /// A JSON string without escapes (range excludes the quotes).
        case string
        /// A JSON string with backslash escapes.
        case escapedString
        case number
        case trueLiteral
        case falseLiteral
        case null
        /// A nested JSON object or array (range is its raw text).
        case container
        /// A CSV cell as it stands (range excludes any surrounding quotes).
        case text
        /// A quoted CSV cell with doubled quotes (`""`) to collapse.
        case quotedText
    }

    /// One field's value: `[start, end)` in the input and its kind.
    struct Value {
        var start: Int
        var end: Int
        var kind: Kind
        /// The bytes' `ByteScan.hash` when the scanner computed it on the way
        /// (contender names without escapes), else 0.
        var hash: UInt64 = 0

        var count: Int { end - start }
        /// Whether the value is a text value (JSON string or CSV cell).
        @inline(__always)
        var isText: Bool { kind == .string || kind == .escapedString || kind == .text || kind == .quotedText }
    }

    /// The slots' memory; whoever makes a `RowFields` keeps it alive.
    final class Storage {
        fileprivate let values: UnsafeMutablePointer<Value>
        fileprivate let stamps: UnsafeMutablePointer<UInt32>
        fileprivate let count: Int

        init(slotCount: Int) {
            count = max(slotCount, 1)
            values = .allocate(capacity: count)
            values.initialize(repeating: Value(start: 0, end: 0, kind: .null), count: count)
            stamps = .allocate(capacity: count)
            stamps.initialize(repeating: 0, count: count)
        }

        deinit {
            values.deallocate()
            stamps.deallocate()
        }
    }

    // Plain pointers, so that copying a `RowFields` is free (no reference counting).
    private let values: UnsafeMutablePointer<Value>
    private let stamps: UnsafeMutablePointer<UInt32>
    private let slotCount: Int
    private var stamp: UInt32 = 1
    /// Bit `slot` is set when the row set `slot` (for slots below 64).
    private(set) var presentBits: UInt64 = 0

    /// A view of `storage`, which must outlive it.
    init(_ storage: Storage) {
        slotCount = storage.count
        values = storage.values
        stamps = storage.stamps
    }

    /// Forgets every value (starts a new row).
    @inline(__always)
    mutating func reset() {
        stamp &+= 1
        presentBits = 0
        if stamp == 0 {
            stamps.update(repeating: 0, count: slotCount)
            stamp = 1
        }
    }

    @inline(__always)
    mutating func set(_ slot: Int, _ value: Value) {
        values[slot] = value
        stamps[slot] = stamp
        if slot < 64 { presentBits |= 1 &<< UInt64(slot) }
    }

    /// The value the current row set for `slot`, if any.
    @inline(__always)
    subscript(slot: Int) -> Value? {
        stamps[slot] == stamp ? values[slot] : nil
    }
}
