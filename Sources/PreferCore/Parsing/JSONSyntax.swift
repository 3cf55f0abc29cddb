/// Validating JSON syntax primitives over a byte buffer: whitespace, strings
/// (scanned 8 bytes at a time), numbers, literals, and skipping whole values
/// (nested objects and arrays included), plus the error messages for them.
///
/// Holds only plain pointers and integers, so it costs nothing to copy. Every
/// scan is O(bytes scanned); `skipValue` recurses at most `maxDepth` deep.
struct JSONSyntax {
    /// A syntax error: where, and what was expected there.
    struct SyntaxError: Error {
        var position: Int
        var expected: String
    }

    static let maxDepth = 512

    let base: UnsafePointer<UInt8>
    /// The length of the whole input.
    let end: Int
    /// Whether line breaks are whitespace (a JSON array) or end an object's
    /// line (JSON Lines).
    let newlineIsSpace: Bool

    @inline(__always)
    func skipSpace(_ start: Int, _ limit: Int) -> Int {
        var p = start
        while p < limit {
            let c = base[p]
            if c == ByteScan.space || c == ByteScan.tab || c == ByteScan.carriageReturn
                || (c == ByteScan.newline && newlineIsSpace) {
                p &+= 1
            } else {
                break
            }
        }
        return p
    }

    /// Scans a string body starting just after its opening quote; returns the
    /// position of the closing quote and whether the body has escapes.
    @inline(__always)
    func scanString(from start: Int, limit: Int) throws(SyntaxError) -> (end: Int, escaped: Bool) {
        var p = start
        var escaped = false
        while true {
            p = ByteScan.stringStop(base, from: p, to: limit)
            guard p < limit else { throw SyntaxError(position: p, expected: "expected '\"' to end a string") }
            let c = base[p]
            if c == ByteScan.quote { return (p, escaped) }
            if c == ByteScan.backslash {
                guard let length = JSONStringDecoder.escapeLength(base, at: p, limit: limit) else {
                    // An escape cut short by the end of the input is a truncation.
                    let cut = base[p &+ 1 < limit ? p &+ 1 : p] == UInt8(ascii: "u") && p &+ 6 > limit
                    throw SyntaxError(position: p &+ 1 >= limit || cut ? limit : p, expected: "invalid escape in a string")
                }
                escaped = true
                p &+= length
            } else {
                throw SyntaxError(position: p, expected: "unescaped control character in a string")
            }
        }
    }

    /// `scanString` that also returns the body's `ByteScan.hash`, computed in
    /// the same pass, or 0 if the body has escapes or ends within 8 bytes of
    /// `limit` (then the caller hashes the decoded text itself).
    @inline(__always)
    func scanStringHashing(from start: Int, limit: Int) throws(SyntaxError) -> (end: Int, escaped: Bool, hash: UInt64) {
        var p = start
        var h = ByteScan.hashSeed
        while p &+ 8 <= limit {
            let w = ByteScan.word(base + p)
            let stops = ByteScan.stringStopBytes(w)
            if stops == 0 {
                h = ByteScan.hashStep(h, w)
                p &+= 8
                continue
            }
            let n = stops.trailingZeroBitCount &>> 3
            if base[p &+ n] != ByteScan.quote { break }
            if n > 0 { h = ByteScan.hashStep(h, ByteScan.lowBytes(w, n)) }
            return (p &+ n, false, h)
        }
        let (end, escaped) = try scanString(from: p, limit: limit)
        return (end, escaped, 0)
    }

    /// Validates and skips the value at `start`; returns the position after it.
    func skipValue(at start: Int, limit: Int, depth: Int) throws(SyntaxError) -> Int {
        guard start < limit else { throw SyntaxError(position: start, expected: "expected a value") }
        switch base[start] {
        case ByteScan.quote:
            return try scanString(from: start &+ 1, limit: limit).end &+ 1
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw SyntaxError(position: start, expected: "nesting too deep") }
            var p = skipSpace(start &+ 1, limit)
            if p < limit && base[p] == UInt8(ascii: "}") { return p &+ 1 }
            while true {
                guard p < limit, base[p] == ByteScan.quote else {
                    throw SyntaxError(position: p, expected: "expected '\"' to start a key")
                }
                p = skipSpace(try scanString(from: p &+ 1, limit: limit).end &+ 1, limit)
                guard p < limit, base[p] == UInt8(ascii: ":") else {
                    throw SyntaxError(position: p, expected: "expected ':' after a key")
                }
                p = skipSpace(try skipValue(at: skipSpace(p &+ 1, limit), limit: limit, depth: depth &+ 1), limit)
                guard p < limit else { throw SyntaxError(position: p, expected: "expected ',' or '}'") }
                if base[p] == ByteScan.comma {
                    p = skipSpace(p &+ 1, limit)
                } else if base[p] == UInt8(ascii: "}") {
                    return p &+ 1
                } else {
                    throw SyntaxError(position: p, expected: "expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw SyntaxError(position: start, expected: "nesting too deep") }
            var p = skipSpace(start &+ 1, limit)
            if p < limit && base[p] == UInt8(ascii: "]") { return p &+ 1 }
            while true {
                p = skipSpace(try skipValue(at: p, limit: limit, depth: depth &+ 1), limit)
                guard p < limit else { throw SyntaxError(position: p, expected: "expected ',' or ']'") }
                if base[p] == ByteScan.comma {
                    p = skipSpace(p &+ 1, limit)
                } else if base[p] == UInt8(ascii: "]") {
                    return p &+ 1
                } else {
                    throw SyntaxError(position: p, expected: "expected ',' or ']'")
                }
            }
        case UInt8(ascii: "t"):
            return try literal("true", at: start, limit: limit)
        case UInt8(ascii: "f"):
            return try literal("false", at: start, limit: limit)
        case UInt8(ascii: "n"):
            return try literal("null", at: start, limit: limit)
        default:
            guard let numberEnd = NumberParser.scan(base, from: start, limit: limit) else {
                // A number cut short by the end of the input is a truncation.
                var p = start
                while p < limit && (base[p] == UInt8(ascii: "-") || base[p] == UInt8(ascii: ".")
                    || (base[p] | 0x20) == UInt8(ascii: "e") || base[p] == UInt8(ascii: "+")
                    || base[p] &- UInt8(ascii: "0") < 10) {
                    p += 1
                }
                throw SyntaxError(position: p == limit && p > start ? limit : start, expected: "expected a value")
            }
            return numberEnd
        }
    }

    func literal(_ word: StaticString, at start: Int, limit: Int) throws(SyntaxError) -> Int {
        let p = word.utf8Start
        for i in 0..<word.utf8CodeUnitCount {
            guard start + i < limit else { throw SyntaxError(position: limit, expected: "expected a value") }
            guard base[start + i] == p[i] else { throw SyntaxError(position: start, expected: "expected a value") }
        }
        return start + word.utf8CodeUnitCount
    }

    /// The row problem for a syntax error on a JSON Lines line.
    func lineProblem(_ error: SyntaxError, lineStart: Int) -> RowProblem {
        if error.position >= end {
            return RowProblem(message: "truncated: the file ends inside a JSON object", field: nil)
        }
        let column = error.position - lineStart + 1
        if base[error.position] == ByteScan.newline {
            return RowProblem(message: "not valid JSON: the line ends inside the object at column \(column)", field: nil)
        }
        return RowProblem(message: "not valid JSON: \(error.expected) at column \(column)", field: nil)
    }

    /// The 1-based column of `position` in its line.
    func column(_ position: Int) -> Int {
        position - ByteScan.lineStart(base, floor: 0, position: position) + 1
    }

    func valueName(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "["): "an array"
        case ByteScan.quote: "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        default: "a number"
        }
    }

    /// The message for a syntax error inside an array element that starts on
    /// 0-based line `line`.
    func arrayMessage(_ error: SyntaxError, objectStart: Int, line: Int) -> String {
        if error.position >= end {
            return "truncated: the file ends inside a JSON object"
        }
        let errorLine = line + ByteScan.countNewlines(base, from: objectStart, to: error.position)
        let place = errorLine == line ? "column \(column(error.position))" : "line \(errorLine + 1), column \(column(error.position))"
        return "not valid JSON: \(error.expected) at \(place)"
    }

    /// After a syntax error in the object starting at `start`, the position
    /// just after its closing brace, found by matching brackets outside
    /// strings; nil if the input ends first.
    func recoverObjectEnd(from start: Int) -> Int? {
        var depth = 0
        var p = start
        while p < end {
            switch base[p] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return p + 1 }
            case ByteScan.quote:
                p += 1
                while p < end && base[p] != ByteScan.quote {
                    p += base[p] == ByteScan.backslash ? 2 : 1
                }
            default:
                break
            }
            p += 1
        }
        return nil
    }

}
