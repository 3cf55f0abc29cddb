/// A strict RFC 4180 CSV scanner for vote files: a header row naming the
/// columns, then one record per row; quoted cells with `""` escapes and line
/// breaks, CRLF line ends.
///
/// Two paths: `scanLines` for inputs without any `"` (each physical line is
/// a record, so any chunk of whole lines can be scanned on its own thread) and
/// `scanRecords` for inputs with quotes (sequential, since a quoted cell may
/// span lines). Cells are recorded as byte ranges in the chunk's `RowFields`
/// and handed to `VoteChunk.commit()`. O(bytes) time, O(columns) extra memory.
struct CSVVoteScanner {
    /// A syntax error: where, and what is wrong.
    struct SyntaxError: Error {
        var position: Int
        var message: String
    }

    /// The header row: column names and where the data starts.
    struct Header {
        var names: [String]
        /// 1-based line of the header.
        var line: Int
        /// Position just after the header record.
        var next: Int
        /// 1-based line on which the data starts.
        var dataLine: Int
    }

    var chunk: VoteChunk
    private let base: UnsafePointer<UInt8>
    private let end: Int
    /// The `FieldPlan` slot of each column, -1 for columns the parse ignores.
    private let slots: [Int]
    private var cells: [RowFields.Value] = []

    init(chunk: VoteChunk, input: UnsafeRawBufferPointer, header: Header) {
        self.chunk = chunk
        base = chunk.base
        end = input.count
        slots = header.names.map { chunk.plan.slot(named: $0) }
    }

    // MARK: - Header

    /// Reads the header (the first non-blank record at or after `start`), or
    /// nil if the input has no non-blank line.
    static func readHeader(_ input: UnsafeRawBufferPointer, from start: Int) throws(SyntaxError) -> Header? {
        guard let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var cells: [RowFields.Value] = []
        var p = start
        var line = 1
        while p < input.count {
            let (next, newlines) = try readRecord(base, from: p, limit: input.count, into: &cells)
            if !isBlank(base, cells) {
                let names = cells.map { cell in
                    var bytes = Array(UnsafeBufferPointer(start: base + cell.start, count: cell.count))
                    if cell.kind == .quotedText {
                        var out: [UInt8] = []
                        var i = 0
                        while i < bytes.count {
                            out.append(bytes[i])
                            i += bytes[i] == ByteScan.quote ? 2 : 1
                        }
                        bytes = out
                    }
                    return String(decoding: bytes, as: UTF8.self)
                }
                return Header(names: names, line: line, next: next, dataLine: line + newlines)
            }
            line += newlines
            p = next
        }
        return nil
    }

    /// Whether a record is a blank line: one unquoted cell of spaces and tabs.
    private static func isBlank(_ base: UnsafePointer<UInt8>, _ cells: [RowFields.Value]) -> Bool {
        guard cells.count == 1, cells[0].kind == .text else { return false }
        return isBlank(base, from: cells[0].start, to: cells[0].end)
    }

    @inline(__always)
    private static func isBlank(_ base: UnsafePointer<UInt8>, from start: Int, to stop: Int) -> Bool {
        var p = start
        while p < stop {
            guard base[p] == ByteScan.space || base[p] == ByteScan.tab else { return false }
            p += 1
        }
        return true
    }

    // MARK: - Records with quotes

    /// Reads the record at `start` into `cells`; returns the position after
    /// it (after its line break) and the number of line breaks it spans.
    static func readRecord(
        _ base: UnsafePointer<UInt8>, from start: Int, limit: Int, into cells: inout [RowFields.Value]
    ) throws(SyntaxError) -> (next: Int, newlines: Int) {
        cells.removeAll(keepingCapacity: true)
        var p = start
        var newlines = 0
        while true {
            if p < limit && base[p] == ByteScan.quote {
                var q = p + 1
                var doubled = false
                while true {
                    let close = ByteScan.find(ByteScan.quote, base, from: q, to: limit)
                    guard close < limit else {
                        throw SyntaxError(position: limit, message: "truncated: the file ends inside a quoted field")
                    }
                    newlines += ByteScan.countNewlines(base, from: q, to: close)
                    if close + 1 < limit && base[close + 1] == ByteScan.quote {
                        doubled = true
                        q = close + 2
                        continue
                    }
                    cells.append(RowFields.Value(start: p + 1, end: close, kind: doubled ? .quotedText : .text))
                    p = close + 1
                    break
                }
                if p == limit { return (limit, newlines) }
                switch base[p] {
                case ByteScan.comma:
                    p += 1
                case ByteScan.newline:
                    return (p + 1, newlines + 1)
                case ByteScan.carriageReturn where p + 1 == limit:
                    return (limit, newlines)
                case ByteScan.carriageReturn where base[p + 1] == ByteScan.newline:
                    return (p + 2, newlines + 1)
                default:
                    throw SyntaxError(position: p, message: "not valid CSV: expected ',' or a line break after a closing quote")
                }
            } else {
                var q = p
                while q < limit {
                    let c = base[q]
                    if c == ByteScan.comma || c == ByteScan.newline { break }
                    if c == ByteScan.quote {
                        throw SyntaxError(position: q, message: "not valid CSV: a quote inside an unquoted field")
                    }
                    q += 1
                }
                var cellEnd = q
                if (q == limit || base[q] == ByteScan.newline) && cellEnd > p && base[cellEnd - 1] == ByteScan.carriageReturn {
                    cellEnd -= 1
                }
                cells.append(RowFields.Value(start: p, end: cellEnd, kind: .text))
                if q == limit { return (limit, newlines) }
                if base[q] == ByteScan.comma {
                    p = q + 1
                } else {
                    return (q + 1, newlines + 1)
                }
            }
        }
    }

    /// Parses the records in `[start, end of input)` sequentially (the input
    /// has quotes). Chunk-local line 0 is the line at `start`.
    mutating func scanRecords(from start: Int, monitor: ParseMonitor) {
        var p = start
        var line = 0
        var reported = start
        var nextReport = start + ParseMonitor.interval
        while p < end {
            let recordStart = p
            do throws(SyntaxError) {
                let (next, newlines) = try Self.readRecord(base, from: p, limit: end, into: &cells)
                if !Self.isBlank(base, cells) {
                    chunk.rows += 1
                    chunk.row.reset()
                    for (column, cell) in cells.prefix(slots.count).enumerated() where slots[column] >= 0 {
                        chunk.row.set(slots[column], cell)
                    }
                    do throws(RowProblem) {
                        guard cells.count == slots.count else {
                            throw RowProblem(message: "expected \(slots.count) fields, found \(cells.count)", field: nil)
                        }
                        try chunk.commit()
                    } catch {
                        chunk.record(error, line: line)
                    }
                }
                line += newlines
                p = next
            } catch {
                chunk.rows += 1
                chunk.record(problem(error), line: line)
                let lineEnd = ByteScan.find(ByteScan.newline, base, from: min(error.position, end), to: end)
                p = min(lineEnd + 1, end)
                line += ByteScan.countNewlines(base, from: recordStart, to: p)
            }
            if chunk.failed { break }
            if p >= nextReport {
                monitor.advance(by: p - reported)
                reported = p
                nextReport = p + ParseMonitor.interval
            }
        }
        monitor.advance(by: p - reported)
        chunk.lines = line
    }

    private func problem(_ error: SyntaxError) -> RowProblem {
        if error.position >= end {
            return RowProblem(message: error.message, field: nil)
        }
        let column = error.position - ByteScan.lineStart(base, floor: 0, position: error.position) + 1
        return RowProblem(message: "\(error.message) at column \(column)", field: nil)
    }

    // MARK: - Records without quotes

    /// Parses the lines in `[start, stop)` of an input without quotes (whole
    /// lines; `stop` is just after a newline or the end of the input).
    mutating func scanLines(from start: Int, to stop: Int, chunkIndex: Int, monitor: ParseMonitor) {
        let columns = slots.count
        var p = start
        var line = 0
        var reported = start
        var nextReport = start + ParseMonitor.interval
        var reserved = false
        slots.withUnsafeBufferPointer { slots in
            while p < stop {
                chunk.row.reset()
                var column = 0
                var cellStart = p
                var q = ByteScan.cellStop(base, from: p, to: stop)
                while q < stop && base[q] == ByteScan.comma {
                    if column < columns && slots[column] >= 0 {
                        chunk.row.set(slots[column], RowFields.Value(start: cellStart, end: q, kind: .text))
                    }
                    column &+= 1
                    cellStart = q &+ 1
                    q = ByteScan.cellStop(base, from: cellStart, to: stop)
                }
                var cellEnd = q
                if cellEnd > cellStart && base[cellEnd &- 1] == ByteScan.carriageReturn { cellEnd &-= 1 }
                if column == 0 && Self.isBlank(base, from: cellStart, to: cellEnd) {
                    if q >= stop { p = stop; break }
                    p = q &+ 1
                    line &+= 1
                    continue
                }
                if column < columns && slots[column] >= 0 {
                    chunk.row.set(slots[column], RowFields.Value(start: cellStart, end: cellEnd, kind: .text))
                }
                column &+= 1
                chunk.rows &+= 1
                do throws(RowProblem) {
                    guard column == columns else {
                        throw RowProblem(message: "expected \(columns) fields, found \(column)", field: nil)
                    }
                    try chunk.commit()
                } catch {
                    chunk.record(error, line: line)
                }
                if chunk.failed {
                    monitor.fail(chunk: chunkIndex)
                    break
                }
                if q >= stop {
                    p = stop
                    break
                }
                p = q &+ 1
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
        }
        monitor.advance(by: p - reported)
        chunk.lines = line
    }
}
