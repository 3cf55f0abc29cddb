import Foundation

/// JSON numbers (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`): finding
/// where one ends while scanning, and converting one to a `Double`.
///
/// Conversion is exact and O(digits): up to 15 significant digits with a
/// decimal exponent of at most 22 use one multiplication or division of exact
/// doubles (correctly rounded); anything longer goes through `strtod`.
enum NumberParser {
    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// The end of the JSON number starting at `p` (before `limit`), or nil if
    /// the bytes there do not start a valid number.
    @inline(__always)
    static func scan(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int) -> Int? {
        var p = start
        if p < limit && base[p] == UInt8(ascii: "-") { p += 1 }
        guard p < limit, isDigit(base[p]) else { return nil }
        if base[p] == UInt8(ascii: "0") {
            p += 1
        } else {
            while p < limit && isDigit(base[p]) { p += 1 }
        }
        if p < limit && base[p] == UInt8(ascii: ".") {
            p += 1
            guard p < limit, isDigit(base[p]) else { return nil }
            while p < limit && isDigit(base[p]) { p += 1 }
        }
        if p < limit && (base[p] | 0x20) == UInt8(ascii: "e") {
            p += 1
            if p < limit && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p += 1 }
            guard p < limit, isDigit(base[p]) else { return nil }
            while p < limit && isDigit(base[p]) { p += 1 }
        }
        return p
    }

    /// The value of the `n` bytes at `p` if they are exactly one JSON number.
    static func value(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n > 0, scan(p, from: 0, limit: n) == n else { return nil }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        while i < n && isDigit(p[i]) {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
            } else {
                exponent += 1
                digits += 1
            }
            i += 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && isDigit(p[i]) {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- UInt8(ascii: "0"))
                    exponent -= 1
                    if mantissa != 0 { digits += 1 }
                } else {
                    digits += 1
                }
                i += 1
            }
        }
        var explicitExponent = 0
        var tooLarge = false
        if i < n {  // exponent part, already validated
            i += 1
            var sign = 1
            if p[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
            while i < n {
                if explicitExponent < 100_000 {
                    explicitExponent = explicitExponent * 10 + Int(p[i] &- UInt8(ascii: "0"))
                } else {
                    tooLarge = true
                }
                i += 1
            }
            explicitExponent *= sign
        }
        exponent += explicitExponent
        if !tooLarge && digits <= 15 && mantissa < (1 << 53) && abs(exponent) <= 22 {
            var value = Double(mantissa)
            value = exponent >= 0 ? value * powersOfTen[exponent] : value / powersOfTen[-exponent]
            return negative ? -value : value
        }
        if mantissa == 0 { return negative ? -0.0 : 0 }
        // Slow path: let the C library round it.
        var text = [CChar](repeating: 0, count: n + 1)
        for j in 0..<n { text[j] = CChar(bitPattern: p[j]) }
        return strtod(text, nil)
    }
}
