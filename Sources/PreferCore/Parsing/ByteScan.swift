import Foundation

/// Byte-level search primitives for the vote parsers: 8-bytes-at-a-time (SWAR)
/// scans for string delimiters and newlines, `memchr` for single bytes, and the
/// hash used by `ByteInterner`. Every scan is O(bytes scanned) with a small
/// constant (about one 64-bit word operation per 8 bytes).
enum ByteScan {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let comma = UInt8(ascii: ",")

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Loads 8 bytes at `p` (any alignment) as a little-endian word.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// The first `n` (< 8) bytes at `p` as a little-endian word, zero-padded.
    /// Reads a whole word when `p + 8 <= readableEnd`, else byte by byte.
    @inline(__always)
    static func partialWord(_ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>) -> UInt64 {
        if n >= 8 { return word(p) }
        if p + 8 <= readableEnd {
            return word(p) & ((1 &<< UInt64(n &* 8)) &- 1)
        }
        var w: UInt64 = 0
        var i = 0
        while i < n {
            w |= UInt64(p[i]) &<< UInt64(i &* 8)
            i &+= 1
        }
        return w
    }

    /// Marks (high bit set) the bytes of `w` that are zero; the lowest marked
    /// byte is always a true zero byte.
    @inline(__always)
    private static func zeroBytes(_ w: UInt64) -> UInt64 {
        (w &- ones) & ~w & highs
    }

    /// Marks (high bit set) the bytes of `w` that are `"`, `\` or control
    /// characters; the lowest marked byte is exact.
    @inline(__always)
    static func stringStopBytes(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C)) | ((w &- ones &* 0x20) & ~w & highs)
    }

    /// Marks (high bit set) the bytes of `w` that are `,` or `\n`; the lowest
    /// marked byte is exact.
    @inline(__always)
    static func cellStopBytes(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ (ones &* 0x2C)) | zeroBytes(w ^ (ones &* 0x0A))
    }

    /// The index of the first `,` or `\n` in `[from, to)`, or `to`.
    @inline(__always)
    static func cellStop(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var p = from
        while p &+ 8 <= end {
            let hits = cellStopBytes(word(base + p))
            if hits != 0 { return p &+ hits.trailingZeroBitCount / 8 }
            p &+= 8
        }
        while p < end {
            let c = base[p]
            if c == comma || c == newline { return p }
            p &+= 1
        }
        return end
    }

    /// The low `n` bytes (n < 8) of a word.
    @inline(__always)
    static func lowBytes(_ w: UInt64, _ n: Int) -> UInt64 {
        w & ((1 &<< UInt64(truncatingIfNeeded: n &* 8)) &- 1)
    }

    /// The index of the first byte in `[from, to)` that ends a run of plain JSON
    /// string bytes: `"`, `\` or a control character (< 0x20). Returns `to` if
    /// there is none.
    @inline(__always)
    static func stringStop(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var p = from
        while p &+ 8 <= end {
            let w = word(base + p)
            let hits = stringStopBytes(w)
            if hits != 0 { return p &+ hits.trailingZeroBitCount / 8 }
            p &+= 8
        }
        while p < end {
            let c = base[p]
            if c == quote || c == backslash || c < 0x20 { return p }
            p &+= 1
        }
        return end
    }

    /// The index of the first `byte` in `[from, to)`, or `to`.
    @inline(__always)
    static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        guard from < end, let hit = memchr(base + from, Int32(byte), end &- from) else { return end }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// The number of `\n` bytes in `[from, to)`.
    static func countNewlines(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var p = from
        var n = 0
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while p &+ 8 <= end {
            let x = word(base + p) ^ (ones &* 0x0A)
            // Exact zero-byte mask (no false positives from borrows).
            let zeros = ~(((x & low7) &+ low7) | x) & highs
            n &+= zeros.nonzeroBitCount
            p &+= 8
        }
        while p < end {
            if base[p] == newline { n &+= 1 }
            p &+= 1
        }
        return n
    }

    /// The start of the line holding `position` (just after the previous `\n`,
    /// or `floor`).
    static func lineStart(_ base: UnsafePointer<UInt8>, floor: Int, position: Int) -> Int {
        var p = position
        while p > floor && base[p - 1] != newline { p -= 1 }
        return p
    }

    /// 3 for a UTF-8 byte-order mark at the start of `bytes`, else 0.
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// The starting value of `hash`.
    static var hashSeed: UInt64 { 0x2545_F491_4F6C_DD1D }

    /// One step of `hash`: folds a word (or a zero-padded partial word) in.
    @inline(__always)
    static func hashStep(_ h: UInt64, _ w: UInt64) -> UInt64 {
        (h ^ w) &* 0x9E37_79B9_7F4A_7C15
    }

    /// A 64-bit multiplicative hash of `n` bytes at `p`, 8 bytes at a time
    /// (the last, partial word zero-padded). Every input bit reaches the high
    /// bits, so tables should index by the high bits. Strings that differ only
    /// by trailing zero bytes collide; callers compare lengths too.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, readableEnd: UnsafePointer<UInt8>) -> UInt64 {
        var h = hashSeed
        var i = 0
        while i &+ 8 <= n {
            h = hashStep(h, word(p + i))
            i &+= 8
        }
        if i < n {
            h = hashStep(h, partialWord(p + i, n &- i, readableEnd: readableEnd))
        }
        return h
    }
}
