import Dispatch
import Foundation
import Synchronization

/// Reads LMArena-style vote files (JSON Lines, a JSON array of objects, or CSV
/// with a header) from bytes in memory into a `VoteTable`.
///
/// Strict: every pairwise row must have `model_a`, `model_b` (non-empty
/// strings, not the same) and a `winner` label; a K-way row (JSON only) has
/// `candidates` (an array of names, in shown order) with `winner` (the best)
/// or `ranking` (best first, possibly partial), or a bare `ranking` (see
/// `VoteChunk.commitKWay`), and goes to `VoteTable.kway`. `weight` (> 0), `judge`/`voter`,
/// `category` and `tstamp`/`timestamp` are captured when present; other
/// fields are validated and skipped unless asked for. JSON Lines and CSV
/// without quotes are split into one chunk of whole lines per thread; each
/// chunk is scanned with its own name tables and the chunks are merged in
/// order, so the result does not depend on the thread count. O(bytes) time
/// (a few hundred MB/s per core), memory O(votes) for the columns plus
/// O(distinct names and values).
public enum VoteParser {
    /// How many bad rows `VoteParseResult.invalid` lists.
    public static let invalidLimit = 20
    /// The smallest chunk worth scanning on its own.
    static let minimumChunkBytes = 16 << 10
    /// Chunks per thread, for load balancing.
    static let chunksPerThread = 4

    /// Parses a vote file held in memory. `source` names it in errors.
    /// Without `options.skipInvalid`, throws the first bad row (lowest line);
    /// with it, counts and skips bad rows. Errors in the file's structure (a
    /// CSV header without a required column, a JSON array that is not closed)
    /// are always thrown. `progress` is called every few MB, from any thread.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        source: String,
        options: VoteParseOptions = .init(),
        progress: (@Sendable (_ bytesDone: Int, _ totalBytes: Int) -> Void)? = nil
    ) throws(VoteParseError) -> VoteParseResult {
        let plan = FieldPlan(options: options)
        let monitor = ParseMonitor(total: bytes.count, callback: progress)
        let start = ByteScan.byteOrderMarkLength(bytes)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
              (start..<bytes.count).contains(where: { !isSpace(base[$0]) })
        else {
            monitor.finish()
            return VoteParseResult(table: VoteTable(), rows: 0, filteredOut: 0, invalidCount: 0, invalid: [])
        }
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let input = Input(bytes: bytes)
        let parts: [Part]
        switch options.format ?? VoteFileFormat.detect(bytes) {
        case .jsonLines:
            parts = runChunks(input, from: start, firstLine: 1, threads: threads, plan: plan, options: options, isCSV: false, monitor: monitor) { chunk, range, index in
                var scanner = JSONVoteScanner(chunk: chunk, input: input.bytes, newlineIsSpace: false)
                scanner.scanLines(from: range.lowerBound, to: range.upperBound, chunkIndex: index, monitor: monitor)
                return scanner.chunk
            }
        case .jsonArray:
            var scanner = JSONVoteScanner(
                chunk: VoteChunk(plan: plan, input: bytes, options: options, isCSV: false),
                input: bytes, newlineIsSpace: true)
            scanner.scanArray(from: start, monitor: monitor)
            parts = [Part(chunk: scanner.chunk, firstLine: 1)]
        case .csv:
            let header: CSVVoteScanner.Header
            do throws(CSVVoteScanner.SyntaxError) {
                guard let found = try CSVVoteScanner.readHeader(bytes, from: start) else {
                    monitor.finish()
                    return VoteParseResult(table: VoteTable(), rows: 0, filteredOut: 0, invalidCount: 0, invalid: [])
                }
                header = found
            } catch {
                let line = ByteScan.countNewlines(base, from: 0, to: min(error.position, bytes.count)) + 1
                throw VoteParseError(source: source, line: line, message: "in the CSV header: \(error.message)")
            }
            if let kwayColumn = header.names.first(where: { $0 == "candidates" || $0 == "ranking" }) {
                throw VoteParseError(
                    source: source, line: header.line, field: kwayColumn,
                    message: "K-way votes (candidates, ranking) need a JSON or JSONL file; CSV holds pairwise votes only (model_a, model_b, winner)")
            }
            for required in ["model_a", "model_b", "winner"] where !header.names.contains(required) {
                throw VoteParseError(
                    source: source, line: header.line, field: required,
                    message: "missing column \"\(required)\" in the CSV header")
            }
            if ByteScan.find(ByteScan.quote, base, from: header.next, to: bytes.count) < bytes.count {
                var scanner = CSVVoteScanner(
                    chunk: VoteChunk(plan: plan, input: bytes, options: options, isCSV: true),
                    input: bytes, header: header)
                scanner.scanRecords(from: header.next, monitor: monitor)
                parts = [Part(chunk: scanner.chunk, firstLine: header.dataLine)]
            } else {
                parts = runChunks(input, from: header.next, firstLine: header.dataLine, threads: threads, plan: plan, options: options, isCSV: true, monitor: monitor) { chunk, range, index in
                    var scanner = CSVVoteScanner(chunk: chunk, input: input.bytes, header: header)
                    scanner.scanLines(from: range.lowerBound, to: range.upperBound, chunkIndex: index, monitor: monitor)
                    return scanner.chunk
                }
            }
        }
        let result = try merge(parts, source: source, options: options)
        monitor.finish()
        return result
    }

    /// Parses a vote file given as text (for tests and small inputs).
    public static func parse(
        _ text: String, source: String, options: VoteParseOptions = .init()
    ) throws(VoteParseError) -> VoteParseResult {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(VoteParseError) in
                try parse(UnsafeRawBufferPointer(utf8), source: source, options: options)
            }
        }
        return try result.get()
    }

    // MARK: - Chunks

    /// The input, shared read-only by the worker threads.
    private struct Input: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }

    /// Values that worker threads only read (or write in disjoint parts).
    private struct Unchecked<Value>: @unchecked Sendable {
        let value: Value
    }

    /// Per-chunk results, each written by one worker.
    private struct Slots: @unchecked Sendable {
        let pointer: UnsafeMutableBufferPointer<Part?>
    }

    /// A scanned chunk and the 1-based line number of its first line.
    private struct Part {
        var chunk: VoteChunk
        var firstLine: Int
    }

    @inline(__always)
    private static func isSpace(_ c: UInt8) -> Bool {
        c == ByteScan.space || c == ByteScan.tab || c == ByteScan.newline || c == ByteScan.carriageReturn
    }

    /// Splits `[start, end)` into chunks of whole lines (a few per thread, so
    /// that a thread slowed down by others gets fewer), scans them on up to
    /// `threads` threads and returns them in order with their first lines.
    private static func runChunks(
        _ input: Input, from start: Int, firstLine: Int, threads: Int,
        plan: FieldPlan, options: VoteParseOptions, isCSV: Bool, monitor: ParseMonitor,
        scan: @Sendable (VoteChunk, Range<Int>, Int) -> VoteChunk
    ) -> [Part] {
        let bytes = input.bytes
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let length = bytes.count - start
        let count = threads == 1 ? 1 : max(1, min(threads * chunksPerThread, length / minimumChunkBytes))
        var bounds = [start]
        for i in 1..<max(count, 1) {
            let target = start + Int((Double(length) * Double(i) / Double(count)).rounded(.down))
            guard target > bounds.last! else { continue }
            let cut = min(ByteScan.find(ByteScan.newline, base, from: target, to: bytes.count) + 1, bytes.count)
            if cut > bounds.last! && cut < bytes.count { bounds.append(cut) }
        }
        bounds.append(bytes.count)
        let ranges = (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }

        var chunks: [VoteChunk]
        if ranges.count == 1 {
            let chunk = VoteChunk(plan: plan, input: bytes, options: options, isCSV: isCSV)
            chunks = [scan(chunk, ranges[0], 0)]
        } else {
            let slots = Slots(pointer: .allocate(capacity: ranges.count))
            slots.pointer.initialize(repeating: nil)
            defer {
                slots.pointer.deinitialize()
                slots.pointer.deallocate()
            }
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: min(threads, ranges.count)) { _ in
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < ranges.count else { break }
                    let chunk = VoteChunk(plan: plan, input: input.bytes, options: options, isCSV: isCSV)
                    // After a bad row in an earlier chunk (not skipping), the rest is moot.
                    let scanned = monitor.shouldStop(chunk: index) ? chunk : scan(chunk, ranges[index], index)
                    slots.pointer[index] = Part(chunk: scanned, firstLine: 0)
                }
            }
            chunks = slots.pointer.map { $0!.chunk }
        }
        var parts: [Part] = []
        var line = firstLine
        for chunk in chunks {
            parts.append(Part(chunk: chunk, firstLine: line))
            line += chunk.lines
        }
        return parts
    }

    // MARK: - Merging

    /// Writes merged id columns from several workers into disjoint ranges.
    private struct Destination: @unchecked Sendable {
        let a: UnsafeMutablePointer<Int32>?
        let b: UnsafeMutablePointer<Int32>?
    }

    /// Builds the result from the chunks in order: global contender ids in
    /// order of first appearance, columns concatenated, errors renumbered.
    private static func merge(_ parts: [Part], source: String, options: VoteParseOptions) throws(VoteParseError) -> VoteParseResult {
        var invalid: [VoteParseError] = []
        var invalidCount = 0
        var rows = 0
        var filteredOut = 0
        var selfBattles = 0
        for part in parts {
            let chunk = part.chunk
            for (line, problem) in chunk.invalid where invalid.count < invalidLimit {
                invalid.append(VoteParseError(source: source, line: part.firstLine + line, field: problem.field, message: problem.message))
            }
            if !options.skipInvalid, let first = invalid.first { throw first }
            if var fatal = chunk.fatal {
                fatal.source = source
                throw fatal
            }
            invalidCount += chunk.invalidCount
            rows += chunk.rows
            filteredOut += chunk.filteredOut
            selfBattles += chunk.selfBattles
        }

        // Contenders, in order of first appearance.
        var contenders: [String] = []
        var index: [String: Int32] = [:]
        var maps: [[Int32]] = []
        for part in parts {
            maps.append(part.chunk.contenders.map { name in
                if let id = index[name] { return id }
                let id = Int32(contenders.count)
                contenders.append(name)
                index[name] = id
                return id
            })
        }
        let counts = parts.map(\.chunk.count)
        let total = counts.reduce(0, +)
        var offsets = [0]
        for n in counts { offsets.append(offsets.last! + n) }
        var bColumn: [Int32] = []
        let a = [Int32](unsafeUninitializedCapacity: total) { aBuffer, aCount in
            bColumn = [Int32](unsafeUninitializedCapacity: total) { bBuffer, bCount in
                let destination = Destination(a: aBuffer.baseAddress, b: bBuffer.baseAddress)
                let shared = Unchecked(value: (parts: parts, maps: maps, offsets: offsets))
                let work = { @Sendable (i: Int) in
                    let chunk = shared.value.parts[i].chunk
                    let offset = shared.value.offsets[i]
                    shared.value.maps[i].withUnsafeBufferPointer { map in
                        for (row, id) in chunk.a.enumerated() { destination.a![offset + row] = map[Int(id)] }
                        for (row, id) in chunk.b.enumerated() { destination.b![offset + row] = map[Int(id)] }
                    }
                }
                if parts.count > 1 && total >= 1 << 16 {
                    DispatchQueue.concurrentPerform(iterations: parts.count, execute: work)
                } else {
                    for i in parts.indices { work(i) }
                }
                bCount = total
            }
            aCount = total
        }
        let b = bColumn
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(total)
        for part in parts { outcomes += part.chunk.outcomes }
        let weights = concatenate(parts.map(\.chunk.weights), counts: counts, filler: 1)
        let timestamps = concatenate(parts.map(\.chunk.timestamps), counts: counts, filler: .nan)
        let voters = concatenate(parts.map(\.chunk.voters), counts: counts)
        let categories = concatenate(parts.map(\.chunk.categories), counts: counts)
        var attributes: [String: TextColumn] = [:]
        for (i, field) in parts[0].chunk.plan.attributes.enumerated() {
            attributes[field.name] = concatenate(parts.map { $0.chunk.attributes[i] }, counts: counts)
        }
        var numbers: [String: [Double]] = [:]
        for (i, name) in parts[0].chunk.plan.numberColumns.enumerated() {
            numbers[name] = concatenate(parts.map { $0.chunk.numbers[i] }, counts: counts, filler: .nan)
        }
        let kway = mergeKWay(parts.map(\.chunk.kway), maps: maps, attributeNames: parts[0].chunk.plan.attributes.map(\.name))
        let table = VoteTable(
            contenders: contenders, a: a, b: b, outcomes: outcomes, weights: weights,
            voters: voters, categories: categories, timestamps: timestamps, attributes: attributes,
            numbers: numbers, kway: kway)
        var result = VoteParseResult(table: table, rows: rows, filteredOut: filteredOut, invalidCount: invalidCount, invalid: invalid)
        result.selfBattles = selfBattles
        return result
    }

    /// Chunks' optional number columns joined, `filler` where a chunk has none;
    /// nil if no chunk has one.
    static func concatenate(_ columns: [[Double]?], counts: [Int], filler: Double) -> [Double]? {
        guard columns.contains(where: { $0 != nil }) else { return nil }
        if columns.count == 1 { return columns[0] }
        var out: [Double] = []
        out.reserveCapacity(counts.reduce(0, +))
        for (column, count) in zip(columns, counts) {
            if let column { out += column } else { out += repeatElement(filler, count: count) }
        }
        return out
    }

    /// Chunks' optional text columns joined into one value table, missing
    /// where a chunk has none; nil if no chunk has one.
    static func concatenate(_ columns: [TextColumnBuilder?], counts: [Int]) -> TextColumn? {
        guard columns.contains(where: { $0 != nil }) else { return nil }
        var out = TextColumn()
        out.codes.reserveCapacity(counts.reduce(0, +))
        for (column, count) in zip(columns, counts) {
            guard let column else {
                out.codes += repeatElement(-1, count: count)
                continue
            }
            let map = column.values.map { out.intern($0) }
            if out.codes.isEmpty && map.enumerated().allSatisfy({ $0.offset == Int($0.element) }) {
                out.codes = column.codes
            } else {
                for code in column.codes { out.codes.append(code < 0 ? -1 : map[Int(code)]) }
            }
        }
        return out
    }
}
