/// A hand-written, strict JSON scanner for vote files: JSON Lines (one object
/// per line, any chunk of whole lines) and one top-level array of objects.
///
/// It walks the bytes once, records the values of the keys the `FieldPlan`
/// names as byte ranges in the chunk's `RowFields` (no `String` per row),
/// validates and skips every other value (nested objects and arrays included),
/// and hands each object to `VoteChunk.commit()`. Strings are scanned 8 bytes
/// at a time for `"`, `\` and control characters. O(bytes) time, O(1) extra
/// memory besides the chunk's columns (recursion depth ≤ `JSONSyntax.maxDepth`).
struct JSONVoteScanner {
    typealias SyntaxError = JSONSyntax.SyntaxError

    var chunk: VoteChunk
    private let syntax: JSONSyntax
    private let base: UnsafePointer<UInt8>
    /// The length of the whole input.
    private let end: Int
    private let keys: FieldPlan.Keys
    private let keyScratch = ByteScratch(capacity: 64)

    init(chunk: VoteChunk, input: UnsafeRawBufferPointer, newlineIsSpace: Bool) {
        self.chunk = chunk
        base = chunk.base
        end = input.count
        syntax = JSONSyntax(base: chunk.base, end: input.count, newlineIsSpace: newlineIsSpace)
        keys = chunk.plan.keys
    }

    // MARK: - JSON Lines

    /// Parses the lines in `[start, stop)` (whole lines; `stop` is just after a
    /// newline or the end of the input) into `chunk`.
    mutating func scanLines(from start: Int, to stop: Int, chunkIndex: Int, monitor: ParseMonitor) {
        var p = start
        var line = 0
        var reported = start
        var nextReport = start + ParseMonitor.interval
        var reserved = false
        while p < stop {
            let lineStart = p
            var q = p
            while q < stop {
                let c = base[q]
                guard c == ByteScan.space || c == ByteScan.tab || c == ByteScan.carriageReturn else { break }
                q &+= 1
            }
            if q == stop {  // trailing blanks
                p = stop
                break
            }
            if base[q] == ByteScan.newline {  // blank line
                p = q &+ 1
                line &+= 1
                continue
            }
            chunk.rows &+= 1
            chunk.row.reset()
            var lineEnd: Int
            do throws(SyntaxError) {
                var r = try parseObject(at: q, limit: stop)
                while r < stop {
                    let c = base[r]
                    guard c == ByteScan.space || c == ByteScan.tab || c == ByteScan.carriageReturn else { break }
                    r &+= 1
                }
                if r < stop && base[r] != ByteScan.newline {
                    throw SyntaxError(position: r, expected: "expected the line to end after the object")
                }
                lineEnd = r
                do throws(RowProblem) {
                    try chunk.commit()
                } catch {
                    chunk.record(error, line: line)
                }
            } catch {
                chunk.record(syntax.lineProblem(error, lineStart: lineStart), line: line)
                lineEnd = ByteScan.find(ByteScan.newline, base, from: min(error.position, stop), to: stop)
            }
            if chunk.failed {
                monitor.fail(chunk: chunkIndex)
                break
            }
            if lineEnd >= stop {
                p = stop
                break
            }
            p = lineEnd &+ 1
            line &+= 1
            if !reserved && chunk.rows == 1024 {
                reserved = true
                chunk.reserve(Int(Double(stop - start) / Double(p - start) * 1024 * 1.05))
            }
            if p >= nextReport {
                monitor.advance(by: p - reported)
                reported = p
                nextReport = p + ParseMonitor.interval
                if monitor.shouldStop(chunk: chunkIndex) { break }
            }
        }
        monitor.advance(by: p - reported)
        chunk.lines = line
    }

    // MARK: - JSON array

    /// Parses a whole input holding one JSON array of objects, starting at
    /// `start` (after any byte-order mark). Line numbers in `chunk` are
    /// 0-based; structural errors outside the objects end the parse in
    /// `chunk.fatal` (`source` is filled in by the caller).
    mutating func scanArray(from start: Int, monitor: ParseMonitor) {
        var counter = LineCounter()
        var reported = start
        var nextReport = start + ParseMonitor.interval
        func fatal(_ position: Int, _ message: String) -> VoteParseError {
            VoteParseError(source: "", line: counter.line(of: position, in: base) + 1, field: nil, message: message)
        }
        var p = syntax.skipSpace(start, end)
        defer {
            monitor.advance(by: min(p, end) - reported)
            chunk.lines = 0
        }
        guard p < end, base[p] == UInt8(ascii: "[") else {
            chunk.fatal = fatal(p, p < end ? "not valid JSON: expected '[' to start the array at column \(syntax.column(p))" : "not valid JSON: the file is empty")
            return
        }
        p = syntax.skipSpace(p + 1, end)
        if p < end && base[p] == UInt8(ascii: "]") {
            p += 1
        } else {
            while true {
                guard p < end else {
                    chunk.fatal = fatal(p, "truncated: the file ends inside the JSON array")
                    return
                }
                let objectStart = p
                let line = counter.line(of: objectStart, in: base)
                chunk.rows += 1
                chunk.row.reset()
                if base[p] != UInt8(ascii: "{") {
                    do throws(SyntaxError) {
                        p = try syntax.skipValue(at: p, limit: end, depth: 0)
                    } catch {
                        chunk.fatal = fatal(error.position, syntax.arrayMessage(error, objectStart: objectStart, line: line))
                        return
                    }
                    chunk.record(RowProblem(message: "expected a JSON object, found \(syntax.valueName(base[objectStart]))", field: nil), line: line)
                } else {
                    do throws(SyntaxError) {
                        p = try parseObject(at: p, limit: end)
                        do throws(RowProblem) {
                            try chunk.commit()
                        } catch {
                            chunk.record(error, line: line)
                        }
                    } catch {
                        chunk.record(RowProblem(message: syntax.arrayMessage(error, objectStart: objectStart, line: line), field: nil), line: line)
                        guard error.position < end, let next = syntax.recoverObjectEnd(from: objectStart) else {
                            p = end
                            return
                        }
                        p = next
                    }
                }
                if chunk.failed { return }
                if p >= nextReport {
                    monitor.advance(by: p - reported)
                    reported = p
                    nextReport = p + ParseMonitor.interval
                }
                p = syntax.skipSpace(p, end)
                guard p < end else {
                    chunk.fatal = fatal(p, "truncated: the file ends inside the JSON array")
                    return
                }
                if base[p] == ByteScan.comma {
                    p = syntax.skipSpace(p + 1, end)
                    continue
                }
                if base[p] == UInt8(ascii: "]") {
                    p += 1
                    break
                }
                chunk.fatal = fatal(p, "not valid JSON: expected ',' or ']' after an object at column \(syntax.column(p))")
                return
            }
        }
        p = syntax.skipSpace(p, end)
        if p < end {
            chunk.fatal = fatal(p, "not valid JSON: unexpected data after the array at column \(syntax.column(p))")
        }
    }

    // MARK: - Objects and values

    /// Parses the object whose `{` is at `start`, setting the planned fields in
    /// `chunk.row`; returns the position after its `}`.
    @inline(__always)
    private mutating func parseObject(at start: Int, limit: Int) throws(SyntaxError) -> Int {
        var p = start
        guard p < limit, base[p] == UInt8(ascii: "{") else {
            throw SyntaxError(position: p, expected: "expected '{'")
        }
        p = syntax.skipSpace(p &+ 1, limit)
        if p < limit && base[p] == UInt8(ascii: "}") { return p &+ 1 }
        while true {
            guard p < limit, base[p] == ByteScan.quote else {
                throw SyntaxError(position: p, expected: "expected '\"' to start a key")
            }
            let keyStart = p &+ 1
            let keyEnd: Int
            let slot: Int
            // Fast path: a plain key of fewer than 8 bytes, recognised from one word.
            let fits = keyStart &+ 8 <= limit
            let w = fits ? ByteScan.word(base + keyStart) : 0
            let stops = ByteScan.stringStopBytes(w)
            let n = stops.trailingZeroBitCount &>> 3
            if fits && stops != 0 && base[keyStart &+ n] == ByteScan.quote {
                keyEnd = keyStart &+ n
                slot = keys.shortSlot(ByteScan.lowBytes(w, n), n)
            } else {
                let (stringEnd, escaped) = try syntax.scanString(from: keyStart, limit: limit)
                keyEnd = stringEnd
                if escaped {
                    keyScratch.reset(minimumCapacity: keyEnd - keyStart)
                    JSONStringDecoder.unescape(base + keyStart, keyEnd - keyStart, into: keyScratch)
                    slot = keys.slot(keyScratch.pointer, keyScratch.count, readableEnd: keyScratch.pointer + keyScratch.count)
                } else {
                    slot = keys.slot(base + keyStart, keyEnd &- keyStart, readableEnd: base + end)
                }
            }
            p = syntax.skipSpace(keyEnd &+ 1, limit)
            guard p < limit, base[p] == UInt8(ascii: ":") else {
                throw SyntaxError(position: p, expected: "expected ':' after a key")
            }
            p = syntax.skipSpace(p &+ 1, limit)
            guard p < limit else { throw SyntaxError(position: p, expected: "expected a value") }
            let c = base[p]
            let value: RowFields.Value
            if c == ByteScan.quote && slot <= FieldPlan.modelB && slot >= 0 {
                // Contender names: hash while scanning, for the intern table.
                let (stringEnd, escaped, hash) = try syntax.scanStringHashing(from: p &+ 1, limit: limit)
                value = RowFields.Value(start: p &+ 1, end: stringEnd, kind: escaped ? .escapedString : .string, hash: hash)
                p = stringEnd &+ 1
            } else if c == ByteScan.quote {
                let (stringEnd, escaped) = try syntax.scanString(from: p &+ 1, limit: limit)
                value = RowFields.Value(start: p &+ 1, end: stringEnd, kind: escaped ? .escapedString : .string)
                p = stringEnd &+ 1
            } else {
                let valueEnd = try syntax.skipValue(at: p, limit: limit, depth: 1)
                let kind: RowFields.Kind =
                    switch c {
                    case UInt8(ascii: "{"), UInt8(ascii: "["): .container
                    case UInt8(ascii: "t"): .trueLiteral
                    case UInt8(ascii: "f"): .falseLiteral
                    case UInt8(ascii: "n"): .null
                    default: .number
                    }
                value = RowFields.Value(start: p, end: valueEnd, kind: kind)
                p = valueEnd
            }
            if slot >= 0 { chunk.row.set(slot, value) }
            p = syntax.skipSpace(p, limit)
            guard p < limit else { throw SyntaxError(position: p, expected: "expected ',' or '}'") }
            if base[p] == ByteScan.comma {
                p = syntax.skipSpace(p &+ 1, limit)
                continue
            }
            if base[p] == UInt8(ascii: "}") { return p &+ 1 }
            throw SyntaxError(position: p, expected: "expected ',' or '}'")
        }
    }
}
