import Dispatch
import Foundation
import Synchronization

/// Reads a dataset file held in memory (usually mapped) window by window:
/// each `next()` splits off the next few megabytes of rows, parses and
/// decodes them on several threads, and returns their items in file order.
///
/// Layouts: JSON Lines (a row per line), one JSON array of objects, or CSV
/// with a header (RFC 4180 quoting). A bad row stops the scan with the
/// first bad row's `file:line: field: message` (`VoteParseError`); nothing
/// after it is returned. Memory is bounded by the window (`windowBytes` of
/// input, at most `windowRows` rows) whatever the file's size, so a caller
/// that consumes each window before asking for the next streams any file.
/// O(bytes) time in all; splitting a window is sequential (`memchr`, or
/// skipping one JSON value), parsing and decoding its rows is parallel.
public final class DatasetScanner<Item: Sendable>: @unchecked Sendable {
    // @unchecked: one caller at a time drives `next()`; worker threads only
    // read the input and write disjoint result slots.

    typealias Decode = @Sendable (DatasetRow) throws(RowProblem) -> [Item]

    public let source: String
    private let base: UnsafePointer<UInt8>
    private let total: Int
    private let format: VoteFileFormat
    private let decode: Decode
    private let threads: Int
    private let windowBytes: Int
    private let windowRows: Int
    private let progress: (@Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void)?

    private var position: Int
    private var line = 1
    private var header: [String]?
    private var started = false
    private var finished = false
    private var arrayClosed = false
    /// Rows seen so far.
    public private(set) var rows = 0
    /// Bytes of the input read so far: the rows before this offset are done
    /// with, and a caller may let their memory go.
    public var bytesDone: Int { min(position, total) }

    /// A row's bytes and where it starts.
    private struct Span {
        var start: Int
        var end: Int
        var line: Int
    }

    init(
        bytes: UnsafeRawBufferPointer, source: String, format: VoteFileFormat? = nil, threads: Int? = nil,
        windowBytes: Int = 8 << 20, windowRows: Int = 100_000,
        progress: (@Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void)? = nil,
        decode: @escaping Decode
    ) {
        self.source = source
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 8)!
        total = bytes.count
        self.format = format ?? VoteFileFormat.detect(bytes)
        self.decode = decode
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.windowBytes = max(1, windowBytes)
        self.windowRows = max(1, windowRows)
        self.progress = progress
        position = ByteScan.byteOrderMarkLength(bytes)
    }

    /// The items of the next window of rows, in file order; nil when the
    /// file is done.
    public func next() throws(VoteParseError) -> [Item]? {
        if finished { return nil }
        if !started {
            started = true
            try start()
            if finished { return nil }
        }
        let spans = try split()
        if spans.isEmpty {
            finished = true
            progress?(total, total)
            return nil
        }
        rows += spans.count
        let items = try decodeAll(spans)
        progress?(min(position, total), total)
        return items
    }

    private func error(_ problem: RowProblem, line: Int) -> VoteParseError {
        VoteParseError(source: source, line: line, field: problem.field, message: problem.message)
    }

    @inline(__always)
    private func isSpace(_ c: UInt8) -> Bool {
        c == ByteScan.space || c == ByteScan.tab || c == ByteScan.newline || c == ByteScan.carriageReturn
    }

    /// Reads what comes before the rows: the `[` of an array, a CSV header.
    private func start() throws(VoteParseError) {
        switch format {
        case .jsonLines:
            break
        case .jsonArray:
            let syntax = JSONSyntax(base: base, end: total, newlineIsSpace: true)
            let p = syntax.skipSpace(position, total)
            line += ByteScan.countNewlines(base, from: position, to: p)
            guard p < total, base[p] == UInt8(ascii: "[") else {
                throw VoteParseError(source: source, line: line, message: "not valid JSON: expected '[' to start the array")
            }
            position = p + 1
        case .csv:
            var cells: [RowFields.Value] = []
            while position < total {
                let next: Int
                let newlines: Int
                do throws(CSVVoteScanner.SyntaxError) {
                    (next, newlines) = try CSVVoteScanner.readRecord(base, from: position, limit: total, into: &cells)
                } catch {
                    throw VoteParseError(source: source, line: line, message: "in the CSV header: \(error.message)")
                }
                let blank = cells.count == 1 && (cells[0].start..<cells[0].end).allSatisfy { base[$0] == ByteScan.space || base[$0] == ByteScan.tab }
                position = next
                line += newlines
                if !blank {
                    header = cells.map(cellText)
                    return
                }
            }
            finished = true
        }
    }

    private func cellText(_ cell: RowFields.Value) -> String {
        if cell.kind == .quotedText {
            var out: [UInt8] = []
            out.reserveCapacity(cell.count)
            var i = cell.start
            while i < cell.end {
                out.append(base[i])
                i += base[i] == ByteScan.quote ? 2 : 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(start: base + cell.start, count: cell.count), as: UTF8.self)
    }

    /// The spans of the next window's rows (sequential).
    private func split() throws(VoteParseError) -> [Span] {
        var spans: [Span] = []
        let stop = position + windowBytes
        switch format {
        case .jsonLines:
            while position < total && position < stop && spans.count < windowRows {
                let end = ByteScan.find(ByteScan.newline, base, from: position, to: total)
                var q = position
                while q < end && isSpace(base[q]) { q += 1 }
                if q < end { spans.append(Span(start: position, end: end, line: line)) }
                position = min(end + 1, total)
                line += 1
            }
        case .csv:
            var cells: [RowFields.Value] = []
            while position < total && position < stop && spans.count < windowRows {
                let start = position
                let next: Int
                let newlines: Int
                do throws(CSVVoteScanner.SyntaxError) {
                    (next, newlines) = try CSVVoteScanner.readRecord(base, from: position, limit: total, into: &cells)
                } catch {
                    throw self.error(RowProblem(message: error.message, field: nil), line: line)
                }
                let blank = cells.count == 1 && (cells[0].start..<cells[0].end).allSatisfy { base[$0] == ByteScan.space || base[$0] == ByteScan.tab || base[$0] == ByteScan.carriageReturn }
                if !blank { spans.append(Span(start: start, end: next, line: line)) }
                position = next
                line += newlines
            }
        case .jsonArray:
            let syntax = JSONSyntax(base: base, end: total, newlineIsSpace: true)
            while !arrayClosed && spans.count < windowRows && position < stop {
                let p = syntax.skipSpace(position, total)
                line += ByteScan.countNewlines(base, from: position, to: p)
                position = p
                guard p < total else {
                    throw VoteParseError(source: source, line: line, message: "truncated: the file ends inside the JSON array")
                }
                if base[p] == UInt8(ascii: "]") {
                    let rest = syntax.skipSpace(p + 1, total)
                    if rest < total {
                        throw VoteParseError(
                            source: source, line: line + ByteScan.countNewlines(base, from: p, to: rest),
                            message: "not valid JSON: unexpected data after the array")
                    }
                    position = total
                    arrayClosed = true
                    break
                }
                let elementStart = position
                let end: Int
                do throws(JSONSyntax.SyntaxError) {
                    end = try syntax.skipValue(at: elementStart, limit: total, depth: 0)
                } catch {
                    let problem = RowProblem(
                        message: error.position >= total
                            ? "truncated: the file ends inside a JSON object"
                            : syntax.arrayMessage(error, objectStart: elementStart, line: line - 1),
                        field: nil)
                    throw self.error(problem, line: line)
                }
                spans.append(Span(start: elementStart, end: end, line: line))
                line += ByteScan.countNewlines(base, from: elementStart, to: end)
                position = end
                // The separator after the element: a comma, or the closing bracket (left for the loop).
                let after = syntax.skipSpace(position, total)
                line += ByteScan.countNewlines(base, from: position, to: after)
                position = after
                if after < total && base[after] == ByteScan.comma {
                    position = after + 1
                } else if after < total && base[after] != UInt8(ascii: "]") {
                    throw VoteParseError(source: source, line: line, message: "not valid JSON: expected ',' or ']' after an object")
                }
            }
        }
        return spans
    }

    /// Parses and decodes the spans on up to `threads` threads; the first bad
    /// row in file order is thrown.
    private func decodeAll(_ spans: [Span]) throws(VoteParseError) -> [Item] {
        let parts = min(threads, max(1, spans.count / 64))
        let bounds = (0...parts).map { spans.count * $0 / parts }
        let results = Mutex<[Int: Result<[Item], VoteParseError>]>([:])
        let work = { @Sendable (part: Int) in
            let result = self.decodeRange(spans, bounds[part]..<bounds[part + 1])
            results.withLock { $0[part] = result }
        }
        if parts == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: work)
        }
        var items: [Item] = []
        let collected = results.withLock { $0 }
        for part in 0..<parts {
            switch collected[part]! {
            case .success(let decoded): items += decoded
            case .failure(let error): throw error
            }
        }
        return items
    }

    private func decodeRange(_ spans: [Span], _ range: Range<Int>) -> Result<[Item], VoteParseError> {
        var items: [Item] = []
        let parser = JSONValueParser(base: base, count: total, newlineIsSpace: format == .jsonArray)
        var cells: [RowFields.Value] = []
        for index in range {
            let span = spans[index]
            do throws(RowProblem) {
                let fields: JSONObject
                switch format {
                case .csv:
                    guard let header else { return .success([]) }
                    do throws(CSVVoteScanner.SyntaxError) {
                        _ = try CSVVoteScanner.readRecord(base, from: span.start, limit: span.end, into: &cells)
                    } catch {
                        throw RowProblem(message: error.message, field: nil)
                    }
                    guard cells.count == header.count else {
                        throw RowProblem(message: "expected \(header.count) fields, found \(cells.count)", field: nil)
                    }
                    var object = JSONObject()
                    object.keys = header
                    object.values.reserveCapacity(cells.count)
                    for cell in cells {
                        var text = cellText(cell)
                        if cell.kind == .text && text.hasSuffix("\r") { text.removeLast() }
                        object.values.append(text.isEmpty ? .null : .string(text))
                    }
                    fields = object
                default:
                    let value: JSONValue
                    do throws(JSONSyntax.SyntaxError) {
                        value = try parser.parseWhole(from: span.start, to: span.end)
                    } catch {
                        throw RowProblem(message: Self.syntaxMessage(error, span: span, base: base, total: total), field: nil)
                    }
                    guard let object = value.object else {
                        throw RowProblem(message: "expected a JSON object, found \(value.kindName)", field: nil)
                    }
                    fields = object
                }
                items += try decode(DatasetRow(line: span.line, fields: fields, isCSV: format == .csv))
            } catch {
                return .failure(self.error(error, line: span.line))
            }
        }
        return .success(items)
    }

    private static func syntaxMessage(_ error: JSONSyntax.SyntaxError, span: Span, base: UnsafePointer<UInt8>, total: Int) -> String {
        if error.position >= span.end && span.end >= total {
            return "truncated: the file ends inside a JSON object"
        }
        if error.position >= span.end {
            return "not valid JSON: the line ends inside the object"
        }
        let lineStart = ByteScan.lineStart(base, floor: span.start, position: error.position)
        let extra = ByteScan.countNewlines(base, from: span.start, to: error.position)
        let column = error.position - lineStart + 1
        let place = extra == 0 ? "column \(column)" : "line \(span.line + extra), column \(column)"
        return "not valid JSON: \(error.expected) at \(place)"
    }
}
