/// An open-addressing hash set of byte strings that numbers each distinct
/// string in order of first insertion (0, 1, 2, …).
///
/// Lets a parser map a name's raw bytes to a small integer without creating a
/// `String` per row. Lookup and insertion are expected O(length): the hash
/// reads 8 bytes at a time and a hit is confirmed by comparing 8 bytes at a
/// time (stored strings are zero-padded to whole words), with linear probing
/// at a load factor of at most ½. Memory is O(total bytes of distinct strings).
struct ByteInterner {
    private struct Entry {
        var hash: UInt64
        var start: Int
        var length: Int
    }

    /// Slots: 0 when empty, else (hash's high 32 bits) << 32 | (index + 1).
    /// A string's home slot is its hash's top log2(capacity) bits.
    private var table: [UInt64]
    private var mask: Int
    private var shift: UInt64
    /// The distinct strings' bytes, each zero-padded to a multiple of 8 bytes.
    private var storage: [UInt8] = []
    private var entries: [Entry] = []

    init() {
        table = Array(repeating: 0, count: 64)
        mask = 63
        shift = 58
    }

    /// The number of distinct strings.
    var count: Int { entries.count }

    /// The index of the `n` bytes at `p`, inserting them if they are new.
    /// `readableEnd` bounds how far past the string word loads may read.
    @inline(__always)
    mutating func intern(
        _ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>
    ) -> (index: Int, inserted: Bool) {
        intern(p, n, hash: ByteScan.hash(p, n, readableEnd: readableEnd), readableEnd: readableEnd)
    }

    /// `intern` with the bytes' `ByteScan.hash` already computed.
    @inline(__always)
    mutating func intern(
        _ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, readableEnd: UnsafePointer<UInt8>
    ) -> (index: Int, inserted: Bool) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h &>> shift)
        while true {
            let slot = table[i]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let index = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) &- 1
                let entry = entries[index]
                if entry.length == n && equal(entry.start, p, n, readableEnd: readableEnd) {
                    return (index, false)
                }
            }
            i = (i &+ 1) & mask
        }
        let index = entries.count
        entries.append(Entry(hash: h, start: storage.count, length: n))
        storage.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        storage.append(contentsOf: repeatElement(0, count: (8 - n % 8) % 8))
        table[i] = tag | UInt64(index &+ 1)
        if entries.count * 2 > table.count { grow() }
        return (index, true)
    }

    /// Whether the stored string at `start` (of length `n`) equals the `n` bytes at `p`.
    @inline(__always)
    private func equal(_ start: Int, _ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>) -> Bool {
        storage.withUnsafeBufferPointer { stored in
            let q = stored.baseAddress! + start
            var i = 0
            while i &+ 8 <= n {
                if ByteScan.word(q + i) != ByteScan.word(p + i) { return false }
                i &+= 8
            }
            return i == n || ByteScan.word(q + i) == ByteScan.partialWord(p + i, n &- i, readableEnd: readableEnd)
        }
    }

    /// The bytes of string `index`, decoded as UTF-8 (invalid bytes become U+FFFD).
    func string(at index: Int) -> String {
        let entry = entries[index]
        return storage.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[entry.start..<(entry.start + entry.length)]), as: UTF8.self)
        }
    }

    private mutating func grow() {
        let capacity = table.count * 2
        table = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        shift -= 1
        for (index, entry) in entries.enumerated() {
            var i = Int(truncatingIfNeeded: entry.hash &>> shift)
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = (entry.hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
    }
}
