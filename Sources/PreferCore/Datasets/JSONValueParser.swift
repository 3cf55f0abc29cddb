import Foundation

/// A strict JSON parser from bytes to `JSONValue`, for the dataset readers.
///
/// It reuses the vote parser's primitives: `JSONSyntax` to validate strings
/// (8 bytes at a time), `JSONStringDecoder` to unescape them and
/// `NumberParser` for numbers, so both readers accept exactly the same JSON.
/// O(bytes) time; recursion at most `JSONSyntax.maxDepth` deep.
struct JSONValueParser {
    /// A syntax error: where (a byte offset) and what was expected there.
    typealias Failure = JSONSyntax.SyntaxError

    private let base: UnsafePointer<UInt8>
    private let syntax: JSONSyntax
    private let scratch = ByteScratch(capacity: 1024)

    /// A parser over `count` bytes at `base`; `newlineIsSpace` is false for
    /// JSON Lines (a line break ends the row).
    init(base: UnsafePointer<UInt8>, count: Int, newlineIsSpace: Bool) {
        self.base = base
        syntax = JSONSyntax(base: base, end: count, newlineIsSpace: newlineIsSpace)
    }

    /// Parses the value at `start` (after any whitespace) that must end by
    /// `limit`; returns it and the position after it.
    func parse(at start: Int, limit: Int) throws(Failure) -> (value: JSONValue, end: Int) {
        try value(at: syntax.skipSpace(start, limit), limit: limit, depth: 0)
    }

    /// Parses exactly one value in `[start, limit)`, with only whitespace around it.
    func parseWhole(from start: Int, to limit: Int) throws(Failure) -> JSONValue {
        let (value, end) = try parse(at: start, limit: limit)
        let rest = syntax.skipSpace(end, limit)
        guard rest == limit else { throw Failure(position: rest, expected: "expected the row to end after the value") }
        return value
    }

    private func value(at p: Int, limit: Int, depth: Int) throws(Failure) -> (value: JSONValue, end: Int) {
        guard p < limit else { throw Failure(position: p, expected: "expected a value") }
        switch base[p] {
        case ByteScan.quote:
            let (s, end) = try string(at: p, limit: limit)
            return (.string(s), end)
        case UInt8(ascii: "{"):
            guard depth < JSONSyntax.maxDepth else { throw Failure(position: p, expected: "nesting too deep") }
            var object = JSONObject()
            var q = syntax.skipSpace(p + 1, limit)
            if q < limit && base[q] == UInt8(ascii: "}") { return (.object(object), q + 1) }
            while true {
                guard q < limit, base[q] == ByteScan.quote else {
                    throw Failure(position: q, expected: "expected '\"' to start a key")
                }
                let (key, keyEnd) = try string(at: q, limit: limit)
                q = syntax.skipSpace(keyEnd, limit)
                guard q < limit, base[q] == UInt8(ascii: ":") else {
                    throw Failure(position: q, expected: "expected ':' after a key")
                }
                let (item, itemEnd) = try value(at: syntax.skipSpace(q + 1, limit), limit: limit, depth: depth + 1)
                object.append(key, item)
                q = syntax.skipSpace(itemEnd, limit)
                guard q < limit else { throw Failure(position: q, expected: "expected ',' or '}'") }
                if base[q] == ByteScan.comma {
                    q = syntax.skipSpace(q + 1, limit)
                } else if base[q] == UInt8(ascii: "}") {
                    return (.object(object), q + 1)
                } else {
                    throw Failure(position: q, expected: "expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            guard depth < JSONSyntax.maxDepth else { throw Failure(position: p, expected: "nesting too deep") }
            var items: [JSONValue] = []
            var q = syntax.skipSpace(p + 1, limit)
            if q < limit && base[q] == UInt8(ascii: "]") { return (.array(items), q + 1) }
            while true {
                let (item, itemEnd) = try value(at: q, limit: limit, depth: depth + 1)
                items.append(item)
                q = syntax.skipSpace(itemEnd, limit)
                guard q < limit else { throw Failure(position: q, expected: "expected ',' or ']'") }
                if base[q] == ByteScan.comma {
                    q = syntax.skipSpace(q + 1, limit)
                } else if base[q] == UInt8(ascii: "]") {
                    return (.array(items), q + 1)
                } else {
                    throw Failure(position: q, expected: "expected ',' or ']'")
                }
            }
        case UInt8(ascii: "t"):
            return (.bool(true), try syntax.literal("true", at: p, limit: limit))
        case UInt8(ascii: "f"):
            return (.bool(false), try syntax.literal("false", at: p, limit: limit))
        case UInt8(ascii: "n"):
            return (.null, try syntax.literal("null", at: p, limit: limit))
        default:
            let end = try syntax.skipValue(at: p, limit: limit, depth: depth)
            guard let number = NumberParser.value(base + p, end - p) else {
                throw Failure(position: p, expected: "expected a value")
            }
            return (.number(number), end)
        }
    }

    /// The string whose opening quote is at `p`, decoded; and the position after its closing quote.
    private func string(at p: Int, limit: Int) throws(Failure) -> (String, Int) {
        let (end, escaped) = try syntax.scanString(from: p + 1, limit: limit)
        let count = end - p - 1
        if !escaped {
            return (String(decoding: UnsafeBufferPointer(start: base + p + 1, count: count), as: UTF8.self), end + 1)
        }
        scratch.reset(minimumCapacity: count)
        JSONStringDecoder.unescape(base + p + 1, count, into: scratch)
        return (String(decoding: scratch.bytes, as: UTF8.self), end + 1)
    }
}
