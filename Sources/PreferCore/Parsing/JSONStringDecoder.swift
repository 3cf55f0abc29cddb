import Foundation

/// JSON string escapes: validating an escape sequence while scanning, and
/// decoding a validated string body (`\n`, `\"`, `\\`, `\/`, `\uXXXX` with
/// surrogate pairs) into UTF-8. Both are O(length of the string).
public enum JSONStringDecoder {
    /// The length (2 or 6) of the valid escape sequence starting with the
    /// backslash at `p`, or nil if it is invalid or runs past `limit`.
    @inline(__always)
    static func escapeLength(_ base: UnsafePointer<UInt8>, at p: Int, limit: Int) -> Int? {
        guard p + 1 < limit else { return nil }
        if shortEscape(base[p + 1]) != nil { return 2 }
        guard base[p + 1] == UInt8(ascii: "u"), p + 6 <= limit else { return nil }
        for i in 2..<6 where hexValue(base[p + i]) == nil { return nil }
        return 6
    }

    /// The byte a two-character escape `\e` stands for (`"`, `\`, `/`, `b`,
    /// `f`, `n`, `r`, `t`); nil for `u` and anything else.
    @inlinable
    public static func shortEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): e
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// The value of one hexadecimal digit, either case; nil for any other byte.
    @inlinable
    public static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }

    private static func hex4(_ p: UnsafePointer<UInt8>) -> UInt32 {
        (hexValue(p[0])! << 12) | (hexValue(p[1])! << 8) | (hexValue(p[2])! << 4) | hexValue(p[3])!
    }

    /// Decodes the `n` bytes of a validated string body at `p` into `out`,
    /// which must have room for `n` bytes (decoding never lengthens a string).
    /// A lone surrogate becomes U+FFFD.
    static func unescape(_ p: UnsafePointer<UInt8>, _ n: Int, into out: ByteScratch) {
        var i = 0
        while i < n {
            // Copy up to the next backslash in one go (long texts have few escapes).
            let stop = memchr(p + i, Int32(ByteScan.backslash), n - i).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - p } ?? n
            if stop > i {
                out.append(p + i, count: stop - i)
                i = stop
                continue
            }
            let e = p[i + 1]
            i += 2
            if let byte = shortEscape(e) {
                out.append(byte)
            } else {  // `u`: the scan validated every escape
                var scalar = hex4(p + i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if i + 6 <= n && p[i] == ByteScan.backslash && p[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(p + i + 2)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: out)
            }
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: ByteScratch) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case ..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
