/// Numbers inside nested JSON values, for number columns named by a dotted
/// path (`conv_metadata.header_count_a`): follows the path's keys through
/// objects, and reads the value found as a number — a JSON number, a numeric
/// string, true/false as 1/0, or an object or array whose numbers are summed
/// (LMArena's `header_count_a` is `{"h1": 0, "h2": 3, …}`; its total is the
/// header count). Nulls are skipped; any other text is an error.
///
/// Works on an already validated value (the scanner skipped it), so syntax
/// is trusted; O(bytes of the value).
enum NestedNumbers {
    struct NotANumber: Error {}

    /// The number at `path` inside the object `[start, end)` of `base`, nil if
    /// a key on the path is missing or the value found is null.
    static func value(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, path: ArraySlice<[UInt8]>, scratch: ByteScratch
    ) throws(NotANumber) -> Double? {
        let syntax = JSONSyntax(base: base, end: end, newlineIsSpace: true)
        var p = syntax.skipSpace(start, end)
        guard let key = path.first else { return try total(syntax, at: p, end, scratch: scratch) }
        guard p < end, base[p] == UInt8(ascii: "{") else { return nil }
        p = syntax.skipSpace(p + 1, end)
        while p < end && base[p] == ByteScan.quote {
            guard let (keyEnd, escaped) = try? syntax.scanString(from: p + 1, limit: end) else { return nil }
            let matches: Bool
            if escaped {
                scratch.reset(minimumCapacity: keyEnd - p)
                JSONStringDecoder.unescape(base + p + 1, keyEnd - p - 1, into: scratch)
                matches = scratch.bytes.elementsEqual(key)
            } else {
                matches = keyEnd - p - 1 == key.count
                    && key.withUnsafeBufferPointer { k in k.indices.allSatisfy { base[p + 1 + $0] == k[$0] } }
            }
            p = syntax.skipSpace(keyEnd + 1, end)
            guard p < end, base[p] == UInt8(ascii: ":") else { return nil }
            p = syntax.skipSpace(p + 1, end)
            guard let valueEnd = try? syntax.skipValue(at: p, limit: end, depth: 1) else { return nil }
            if matches {
                return try value(base, p, valueEnd, path: path.dropFirst(), scratch: scratch)
            }
            p = syntax.skipSpace(valueEnd, end)
            guard p < end, base[p] == ByteScan.comma else { return nil }
            p = syntax.skipSpace(p + 1, end)
        }
        return nil
    }

    /// The value at `p` as a number, summing containers; nil for null and
    /// for a container holding no number.
    private static func total(_ syntax: JSONSyntax, at p: Int, _ end: Int, scratch: ByteScratch) throws(NotANumber) -> Double? {
        let base = syntax.base
        guard p < end else { return nil }
        switch base[p] {
        case UInt8(ascii: "n"): return nil
        case UInt8(ascii: "t"): return 1
        case UInt8(ascii: "f"): return 0
        case ByteScan.quote:
            guard let (stringEnd, escaped) = try? syntax.scanString(from: p + 1, limit: end) else { throw NotANumber() }
            if escaped {
                scratch.reset(minimumCapacity: stringEnd - p)
                JSONStringDecoder.unescape(base + p + 1, stringEnd - p - 1, into: scratch)
                guard let x = NumberParser.value(scratch.pointer, scratch.count) else { throw NotANumber() }
                return x
            }
            guard let x = NumberParser.value(base + p + 1, stringEnd - p - 1) else { throw NotANumber() }
            return x
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = base[p] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = base[p] == UInt8(ascii: "{")
            var q = syntax.skipSpace(p + 1, end)
            var sum: Double?
            while q < end && base[q] != close {
                if isObject {
                    guard let (keyEnd, _) = try? syntax.scanString(from: q + 1, limit: end) else { throw NotANumber() }
                    q = syntax.skipSpace(syntax.skipSpace(keyEnd + 1, end) + 1, end)  // past ':'
                }
                guard let valueEnd = try? syntax.skipValue(at: q, limit: end, depth: 1) else { throw NotANumber() }
                if let x = try total(syntax, at: q, valueEnd, scratch: scratch) { sum = (sum ?? 0) + x }
                q = syntax.skipSpace(valueEnd, end)
                if q < end && base[q] == ByteScan.comma { q = syntax.skipSpace(q + 1, end) }
            }
            return sum
        default:
            guard let numberEnd = NumberParser.scan(base, from: p, limit: end),
                  let x = NumberParser.value(base + p, numberEnd - p) else { throw NotANumber() }
            return x
        }
    }
}
