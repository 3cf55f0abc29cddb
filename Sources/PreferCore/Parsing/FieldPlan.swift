import Foundation

/// Which fields a parse reads and what it does with them, built once from
/// `VoteParseOptions`.
///
/// Every field name the parse cares about gets a slot: the known fields
/// (`model_a`, `model_b`, `winner`, `weight`, `judge`, `voter`, `category`,
/// `tstamp`, `timestamp`, and `candidates`, `ranking` for K-way rows)
/// first, then extra attribute and filter fields. Keys
/// are matched by length, then one 8-byte word compare (plus `memcmp` for keys
/// longer than 8 bytes), so recognising a key is O(key length) with a tiny
/// constant. Building the plan is O(fields + filters). A class, so that the
/// scanners share one plan without copying its arrays.
final class FieldPlan: Sendable {
    static let modelA = 0
    static let modelB = 1
    static let winner = 2
    static let weight = 3
    static let judge = 4
    static let voter = 5
    static let category = 6
    static let tstamp = 7
    static let timestamp = 8
    /// K-way rows: the candidates shown and the voter's ranking (JSON arrays).
    static let candidates = 9
    static let ranking = 10
    static let knownNames = [
        "model_a", "model_b", "winner", "weight", "judge", "voter", "category", "tstamp", "timestamp",
        "candidates", "ranking",
    ]

    /// Filters on one field: the row's value must equal one of `values`.
    struct FilterGroup: Sendable {
        var field: String
        var slot: Int
        var values: [[UInt8]]
    }

    /// Recognises keys: a plain-pointer view of the plan's key tables, free
    /// to copy into a scanner (valid while the plan lives).
    struct Keys: @unchecked Sendable {
        fileprivate struct Entry {
            var length: Int
            var word: UInt64
            var offset: Int
            var slot: Int
        }

        fileprivate let entries: UnsafeMutablePointer<Entry>
        fileprivate let bytes: UnsafeMutablePointer<UInt8>
        /// `entries[first[n]..<first[n + 1]]` are the keys of length n.
        fileprivate let first: UnsafeMutablePointer<Int>
        fileprivate let firstCount: Int

        /// The slot of the key made of the `n` bytes at `p`, or -1 if the parse
        /// ignores it. `readableEnd` bounds how far past the key a word load may read.
        @inline(__always)
        func slot(_ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>) -> Int {
            guard n &+ 1 < firstCount else { return -1 }
            var i = first[n]
            let stop = first[n &+ 1]
            if i == stop { return -1 }
            let w = ByteScan.partialWord(p, min(n, 8), readableEnd: readableEnd)
            if n < 8 { return shortSlot(w, n) }
            while i < stop {
                let e = entries[i]
                if e.word == w && (n <= 8 || memcmp(bytes + e.offset + 8, p + 8, n - 8) == 0) {
                    return e.slot
                }
                i &+= 1
            }
            return -1
        }

        /// The slot of a key shorter than 8 bytes given as a zero-padded
        /// little-endian word, or -1.
        @inline(__always)
        func shortSlot(_ word: UInt64, _ n: Int) -> Int {
            guard n &+ 1 < firstCount else { return -1 }
            var i = first[n]
            let stop = first[n &+ 1]
            while i < stop {
                if entries[i].word == word { return entries[i].slot }
                i &+= 1
            }
            return -1
        }
    }

    /// Field name per slot.
    let names: [String]
    /// Extra fields kept as attributes, sorted by name, with their slots.
    let attributes: [(name: String, slot: Int)]
    /// Filter groups, one per filtered field (AND across groups).
    let filterGroups: [FilterGroup]
    /// Number columns read from a field (`slot`) or, failing that, from a
    /// path inside the nested object of field `root` (-1: no path).
    struct NumberField: Sendable {
        var name: String
        var slot: Int
        var root: Int
        var path: [[UInt8]]
    }
    /// `VoteParseOptions.numbers`, sorted by name.
    let numberFields: [NumberField]
    /// `VoteParseOptions.measures` with the slots of their fields.
    let measures: [(field: MeasuredField, slot: Int)]
    /// Every number column in the order the chunks keep them: the number
    /// fields, then each measure's columns.
    let numberColumns: [String]
    /// Key recognition.
    let keys: Keys

    var slotCount: Int { names.count }

    init(options: VoteParseOptions) {
        var names = Self.knownNames
        var slotOf: [String: Int] = [:]
        for (slot, name) in names.enumerated() { slotOf[name] = slot }
        func slot(_ name: String) -> Int {
            if let s = slotOf[name] { return s }
            names.append(name)
            slotOf[name] = names.count - 1
            return names.count - 1
        }
        attributes = options.fields.sorted().map { ($0, slot($0)) }
        var groups: [FilterGroup] = []
        for filter in options.filters {
            let s = slot(filter.field)
            if let g = groups.firstIndex(where: { $0.slot == s }) {
                groups[g].values.append(Array(filter.value.utf8))
            } else {
                groups.append(FilterGroup(field: filter.field, slot: s, values: [Array(filter.value.utf8)]))
            }
        }
        filterGroups = groups
        numberFields = options.numbers.sorted().map { name in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            let pathed = parts.count > 1 && !parts.contains { $0.isEmpty }
            return NumberField(
                name: name, slot: slot(name), root: pathed ? slot(String(parts[0])) : -1,
                path: pathed ? parts.dropFirst().map { Array($0.utf8) } : [])
        }
        measures = options.measures.map { ($0, slot($0.field)) }
        numberColumns = numberFields.map(\.name) + options.measures.flatMap(\.columns)
        self.names = names

        var entries: [Keys.Entry] = []
        var keyBytes: [UInt8] = []
        for (slot, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            var word: UInt64 = 0
            for (i, b) in bytes.prefix(8).enumerated() { word |= UInt64(b) << UInt64(8 * i) }
            entries.append(Keys.Entry(length: bytes.count, word: word, offset: keyBytes.count, slot: slot))
            keyBytes += bytes
        }
        entries.sort { ($0.length, $0.slot) < ($1.length, $1.slot) }
        let maxLength = entries.last?.length ?? 0
        var first = [Int](repeating: entries.count, count: maxLength + 2)
        for n in stride(from: maxLength, through: 0, by: -1) {
            first[n] = entries.firstIndex { $0.length >= n } ?? entries.count
        }
        let entryStorage = UnsafeMutablePointer<Keys.Entry>.allocate(capacity: max(entries.count, 1))
        entryStorage.initialize(from: entries, count: entries.count)
        let byteStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(keyBytes.count, 1))
        byteStorage.initialize(from: keyBytes, count: keyBytes.count)
        let firstStorage = UnsafeMutablePointer<Int>.allocate(capacity: first.count)
        firstStorage.initialize(from: first, count: first.count)
        keys = Keys(entries: entryStorage, bytes: byteStorage, first: firstStorage, firstCount: first.count)
    }

    deinit {
        keys.entries.deallocate()
        keys.bytes.deallocate()
        keys.first.deallocate()
    }

    /// The slot of a CSV header's column name, or -1.
    func slot(named name: String) -> Int {
        var bytes = Array(name.utf8)
        let n = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 8))
        return bytes.withUnsafeBufferPointer { keys.slot($0.baseAddress!, n, readableEnd: $0.baseAddress! + $0.count) }
    }
}
