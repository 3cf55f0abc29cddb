import Foundation

/// The votes parsed from one chunk of the input, column by column, with
/// chunk-local contender ids and value tables, plus the chunk's count of rows,
/// filtered rows and bad rows.
///
/// Scanners (`JSONVoteScanner`, `CSVVoteScanner`) find each row's fields as
/// byte ranges and call `commit()`, which validates them, applies the
/// exclusions and filters and appends the vote: expected O(row length), with
/// no allocation unless a name or value is new. Contenders are interned by
/// their (decoded) bytes and get chunk-local ids in order of first appearance
/// in kept votes, so merging chunks in order gives the same ids as a
/// sequential parse.
struct VoteChunk {
    let plan: FieldPlan
    /// The input and the end up to which word loads may read.
    let base: UnsafePointer<UInt8>
    let readableEnd: UnsafePointer<UInt8>
    let excluded: Set<String>
    let skipInvalid: Bool
    let strict: Bool
    /// Valid rows skipped because both sides are the same contender.
    var selfBattles = 0
    /// CSV semantics: empty cells are missing, numbers are parsed from text.
    let isCSV: Bool
    let scratch = ByteScratch()
    private let rowStorage: RowFields.Storage
    /// The fields of the row being parsed; scanners reset and fill it, then call `commit()`.
    var row: RowFields

    private var names = ByteInterner()
    private(set) var nameStrings: [String] = []
    private(set) var nameExcluded: [Bool] = []
    private var nameID: [Int32] = []

    /// Chunk-local contender names; `a` and `b` index them.
    private(set) var contenders: [String] = []
    private let columns: VoteColumnStorage
    // The columns' current buffers, cached from `columns`.
    private var aPointer: UnsafeMutablePointer<Int32>
    private var bPointer: UnsafeMutablePointer<Int32>
    private var outcomePointer: UnsafeMutablePointer<Outcome>
    private var capacity: Int
    /// Kept votes.
    private(set) var count = 0
    private(set) var weights: [Double]?
    private(set) var timestamps: [Double]?
    private(set) var voters: TextColumnBuilder?
    private(set) var categories: TextColumnBuilder?
    /// One column per `plan.attributes` entry, nil until a kept row has a value.
    private(set) var attributes: [TextColumnBuilder?]
    /// One column per `plan.numberColumns` entry (NaN where missing), nil until a kept row has a value.
    private(set) var numbers: [[Double]?]
    /// The current row's number fields, then one measure's outputs.
    private var numberRow: [Double]
    private let nestedScratch = ByteScratch()
    /// Kept K-way votes (rows with `candidates` or `ranking`).
    var kway: KWayChunkColumns

    /// Data rows seen (parsed or not).
    var rows = 0
    /// Valid rows dropped by filters or exclusions.
    var filteredOut = 0
    /// Bad rows seen.
    private(set) var invalidCount = 0
    /// The first `VoteParser.invalidLimit` bad rows, with chunk-local 0-based lines.
    private(set) var invalid: [(line: Int, problem: RowProblem)] = []
    /// Newlines consumed, i.e. how many lines the chunk spans; set by the scanner.
    var lines = 0
    /// Set on a bad row when not skipping them: the scanner stops.
    private(set) var failed = false
    /// Set when the scanner stopped on a fatal (file-level) error.
    var fatal: VoteParseError?

    init(plan: FieldPlan, input: UnsafeRawBufferPointer, options: VoteParseOptions, isCSV: Bool) {
        self.plan = plan
        let start = input.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 8)!
        base = start
        readableEnd = start + input.count
        excluded = options.excluded
        skipInvalid = options.skipInvalid
        strict = options.strict
        self.isCSV = isCSV
        attributes = Array(repeating: nil, count: plan.attributes.count)
        numbers = Array(repeating: nil, count: plan.numberColumns.count)
        numberRow = Array(repeating: .nan, count: max(plan.numberFields.count, plan.measures.map(\.field.columns.count).max() ?? 0))
        kway = KWayChunkColumns(attributeCount: plan.attributes.count)
        rowStorage = RowFields.Storage(slotCount: plan.slotCount)
        row = RowFields(rowStorage)
        columns = VoteColumnStorage(capacity: 1024)
        aPointer = columns.a
        bPointer = columns.b
        outcomePointer = columns.outcomes
        capacity = columns.capacity
    }

    /// Contender A's chunk-local id per kept vote (valid while the chunk lives).
    var a: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: aPointer, count: count) }
    /// Contender B's chunk-local id per kept vote (valid while the chunk lives).
    var b: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: bPointer, count: count) }
    /// The outcome per kept vote (valid while the chunk lives).
    var outcomes: UnsafeBufferPointer<Outcome> { UnsafeBufferPointer(start: outcomePointer, count: count) }

    /// Makes room for about `rows` kept votes in the main columns.
    mutating func reserve(_ rows: Int) {
        columns.grow(count: count, minimumCapacity: rows)
        aPointer = columns.a
        bPointer = columns.b
        outcomePointer = columns.outcomes
        capacity = columns.capacity
    }

    /// Notes a bad row at chunk-local line `line`.
    mutating func record(_ problem: RowProblem, line: Int) {
        invalidCount += 1
        if invalid.count < VoteParser.invalidLimit {
            invalid.append((line, problem))
        }
        if !skipInvalid { failed = true }
    }

    // MARK: - Decoding values
    //
    // The helpers below are `mutating` only so that calling them from
    // `commit()` passes `self` by reference: calling a non-mutating method on
    // `self` from a mutating one copies the whole struct.

    /// The decoded text of a value: unescaped for JSON strings, with doubled
    /// quotes collapsed for quoted CSV cells, the literal text otherwise.
    /// Valid until the next call.
    @inline(__always)
    mutating func text(_ v: RowFields.Value) -> (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>) {
        switch v.kind {
        case .escapedString:
            scratch.reset(minimumCapacity: v.count)
            JSONStringDecoder.unescape(base + v.start, v.count, into: scratch)
            return (UnsafePointer(scratch.pointer), scratch.count, UnsafePointer(scratch.pointer + scratch.count))
        case .quotedText:
            scratch.reset(minimumCapacity: v.count)
            var i = v.start
            while i < v.end {
                scratch.append(base[i])
                i += base[i] == ByteScan.quote ? 2 : 1
            }
            return (UnsafePointer(scratch.pointer), scratch.count, UnsafePointer(scratch.pointer + scratch.count))
        default:
            return (base + v.start, v.count, readableEnd)
        }
    }

    mutating func string(_ v: RowFields.Value) -> String {
        let t = text(v)
        return String(decoding: UnsafeBufferPointer(start: t.p, count: t.n), as: UTF8.self)
    }

    /// Whether a value counts as absent: JSON null, or an empty CSV cell.
    @inline(__always)
    mutating func isMissing(_ v: RowFields.Value) -> Bool {
        v.kind == .null || (isCSV && v.start == v.end)
    }

    /// A required, non-empty string field (`model_a`, `model_b`).
    @inline(__always)
    private mutating func requiredText(_ slot: Int) throws(RowProblem) -> RowFields.Value {
        guard let v = row[slot] else { throw .missing(plan.names[slot]) }
        guard v.isText else { throw RowProblem(message: "\(plan.names[slot]) must be a string", field: plan.names[slot]) }
        guard v.start < v.end else { throw RowProblem(message: "\(plan.names[slot]) must not be empty", field: plan.names[slot]) }
        return v
    }

    /// An optional number field (`weight`, `tstamp`, `timestamp`), nil when absent.
    mutating func number(_ slot: Int) throws(RowProblem) -> Double? {
        guard let v = row[slot], !isMissing(v) else { return nil }
        let name = plan.names[slot]
        if v.kind == .number || (isCSV && v.isText) {
            let t = text(v)
            if let x = NumberParser.value(t.p, t.n) { return x }
            throw RowProblem(message: "\(name) must be a number, got \"\(string(v))\"", field: name)
        }
        throw RowProblem(message: "\(name) must be a number", field: name)
    }

    /// An optional string field (`judge`, `voter`, `category`), nil when absent.
    mutating func optionalText(_ slot: Int) throws(RowProblem) -> RowFields.Value? {
        guard let v = row[slot], !isMissing(v) else { return nil }
        guard v.isText else { throw RowProblem(message: "\(plan.names[slot]) must be a string", field: plan.names[slot]) }
        return v
    }

    // Little-endian words of the winner labels: "model_a", "model_b", "tie",
    // and "tie (bothbad)" as "tie (bot" + "hbad)".
    private static var modelAWord: UInt64 { 0x61_5F6C_6564_6F6D }
    private static var modelBWord: UInt64 { 0x62_5F6C_6564_6F6D }
    private static var tieWord: UInt64 { 0x65_6974 }
    private static var bothBadHead: UInt64 { 0x746F_6228_2065_6974 }
    private static var bothBadTail: UInt64 { 0x29_6461_6268 }

    /// The outcome named by a `winner` value, or nil.
    @inline(__always)
    private mutating func outcome(_ v: RowFields.Value) -> Outcome? {
        let t = text(v)
        switch t.n {
        case 7:
            let w = ByteScan.partialWord(t.p, 7, readableEnd: t.end)
            return w == Self.modelAWord ? .aWins : w == Self.modelBWord ? .bWins : nil
        case 3:
            return ByteScan.partialWord(t.p, 3, readableEnd: t.end) == Self.tieWord ? .tie : nil
        case 13:
            return ByteScan.word(t.p) == Self.bothBadHead
                && ByteScan.partialWord(t.p + 8, 5, readableEnd: t.end) == Self.bothBadTail ? .bothBad : nil
        default:
            return nil
        }
    }

    /// The intern key of a contender name.
    @inline(__always)
    mutating func nameKey(_ v: RowFields.Value) -> Int {
        let t = text(v)
        let (key, inserted) = v.hash != 0 && v.kind == .string
            ? names.intern(t.p, t.n, hash: v.hash, readableEnd: t.end)
            : names.intern(t.p, t.n, readableEnd: t.end)
        if inserted {
            let name = names.string(at: key)
            nameStrings.append(name)
            nameExcluded.append(excluded.contains(name))
            nameID.append(-1)
        }
        return key
    }

    /// The chunk-local id of an interned name, assigned on first use in a kept vote.
    @inline(__always)
    mutating func contenderID(_ key: Int) -> Int32 {
        let id = nameID[key]
        if id >= 0 { return id }
        let new = Int32(contenders.count)
        nameID[key] = new
        contenders.append(nameStrings[key])
        return new
    }

    // MARK: - Committing a row

    /// `RowFields.presentBits` of the optional known fields (weight … timestamp).
    static var optionalKnownBits: UInt64 { 0b1_1111_1000 }

    /// Validates the fields the scanner set in `row`, applies exclusions and
    /// filters, and appends the vote if it is kept.
    @inline(__always)
    mutating func commit() throws(RowProblem) {
        if row.presentBits & Self.kwayBits != 0 {
            try commitKWay()
            return
        }
        let va = try requiredText(FieldPlan.modelA)
        let vb = try requiredText(FieldPlan.modelB)
        guard let vw = row[FieldPlan.winner] else { throw .missing("winner") }
        guard vw.isText else { throw RowProblem(message: "winner must be a string", field: "winner") }
        guard let result = outcome(vw) else {
            throw RowProblem(
                message: "winner \"\(string(vw))\" is not one of \(Outcome.labels.joined(separator: ", "))",
                field: "winner"
            )
        }
        let ka = nameKey(va)
        let kb = nameKey(vb)
        if ka == kb {
            guard !strict else {
                throw RowProblem(message: "model_a and model_b are both \"\(nameStrings[ka])\" (a contender against itself; without --strict such rows are skipped and counted)", field: nil)
            }
            selfBattles += 1
            return
        }
        var weight: Double?
        var voter: RowFields.Value?
        var category: RowFields.Value?
        var time: Double?
        if row.presentBits & Self.optionalKnownBits != 0 {
            if let w = try number(FieldPlan.weight) {
                guard w > 0 && w.isFinite else {
                    throw RowProblem(message: "weight must be a number > 0, got \(string(row[FieldPlan.weight]!))", field: "weight")
                }
                weight = w
            }
            let judge = try optionalText(FieldPlan.judge)
            voter = try optionalText(FieldPlan.voter) ?? judge
            category = try optionalText(FieldPlan.category)
            let tstamp = try number(FieldPlan.tstamp)
            time = try number(FieldPlan.timestamp) ?? tstamp
        }

        for (i, field) in plan.numberFields.enumerated() {
            numberRow[i] = try numberValue(field) ?? .nan
        }
        for (measure, slot) in plan.measures {
            if let v = row[slot], !isMissing(v), !v.isText {
                throw RowProblem(message: "\(measure.field) must be a string (a text to measure)", field: measure.field)
            }
        }

        if nameExcluded[ka] || nameExcluded[kb] || !passesFilters() {
            filteredOut += 1
            return
        }

        let kept = count
        if kept == capacity { reserve(kept * 2) }
        aPointer[kept] = contenderID(ka)
        bPointer[kept] = contenderID(kb)
        outcomePointer[kept] = result
        count = kept &+ 1
        if let weight {
            if weights == nil { weights = Array(repeating: 1, count: kept) }
            weights!.append(weight)
        } else if weights != nil {
            weights!.append(1)
        }
        if let time {
            if timestamps == nil { timestamps = Array(repeating: .nan, count: kept) }
            timestamps!.append(time)
        } else if timestamps != nil {
            timestamps!.append(.nan)
        }
        if let voter {
            let t = text(voter)
            Self.append(t, to: &voters, kept: kept)
        } else if voters != nil {
            voters!.appendMissing()
        }
        if let category {
            let t = text(category)
            Self.append(t, to: &categories, kept: kept)
        } else if categories != nil {
            categories!.appendMissing()
        }
        for i in plan.attributes.indices {
            if let v = row[plan.attributes[i].slot], !isMissing(v) {
                let t = text(v)
                Self.append(t, to: &attributes[i], kept: kept)
            } else if attributes[i] != nil {
                attributes[i]!.appendMissing()
            }
        }
        if !plan.numberColumns.isEmpty { appendNumbers(kept: kept) }
    }

    // MARK: - Number columns

    /// Appends the row's number fields (already read into `numberRow`) and
    /// measures its measured fields (already checked to be texts).
    private mutating func appendNumbers(kept: Int) {
        var column = 0
        for i in plan.numberFields.indices {
            Self.append(numberRow[i], to: &numbers[column], kept: kept)
            column += 1
        }
        for (measure, slot) in plan.measures {
            let width = measure.columns.count
            if let v = row[slot], !isMissing(v) {
                let t = text(v)
                numberRow.withUnsafeMutableBufferPointer { out in
                    measure.measure(UnsafeBufferPointer(start: t.p, count: t.n), out.baseAddress!)
                }
                for k in 0..<width { Self.append(numberRow[k], to: &numbers[column + k], kept: kept) }
            } else {
                for k in 0..<width { Self.append(.nan, to: &numbers[column + k], kept: kept) }
            }
            column += width
        }
    }

    @inline(__always)
    private static func append(_ x: Double, to column: inout [Double]?, kept: Int) {
        if column == nil {
            guard !x.isNaN else { return }
            column = Array(repeating: .nan, count: kept)
        }
        column!.append(x)
    }

    /// A number field's value: the field itself, else the path inside its
    /// root object; nil when absent or null.
    private mutating func numberValue(_ field: FieldPlan.NumberField) throws(RowProblem) -> Double? {
        if let v = row[field.slot], !isMissing(v) {
            return try numberOf(v, name: field.name)
        }
        guard field.root >= 0, let r = row[field.root], !isMissing(r) else { return nil }
        let start: UnsafePointer<UInt8>
        let count: Int
        if r.kind == .container {
            start = base + r.start
            count = r.count
        } else if r.isText {
            // A CSV cell or JSON string holding a JSON object.
            let t = text(r)
            nestedScratch.reset(minimumCapacity: t.n)
            for k in 0..<t.n { nestedScratch.append(t.p[k]) }
            start = UnsafePointer(nestedScratch.pointer)
            count = t.n
        } else {
            return nil
        }
        do throws(NestedNumbers.NotANumber) {
            return try NestedNumbers.value(start, 0, count, path: field.path[...], scratch: scratch)
        } catch {
            throw RowProblem(message: "\(field.name) must be a number (or an object of numbers)", field: field.name)
        }
    }

    /// A value read as a number: numbers, numeric text, true/false as 1/0,
    /// and containers summed (`NestedNumbers`).
    private mutating func numberOf(_ v: RowFields.Value, name: String) throws(RowProblem) -> Double {
        switch v.kind {
        case .trueLiteral: return 1
        case .falseLiteral: return 0
        case .container:
            do throws(NestedNumbers.NotANumber) {
                if let x = try NestedNumbers.value(base + v.start, 0, v.count, path: [][...], scratch: nestedScratch) { return x }
            } catch {}
            throw RowProblem(message: "\(name) must be a number (or an object of numbers)", field: name)
        default:
            let t = text(v)
            if let x = NumberParser.value(t.p, t.n) { return x }
            throw RowProblem(message: "\(name) must be a number, got \"\(string(v))\"", field: name)
        }
    }

    @inline(__always)
    static func append(
        _ t: (p: UnsafePointer<UInt8>, n: Int, end: UnsafePointer<UInt8>), to column: inout TextColumnBuilder?, kept: Int
    ) {
        if column == nil { column = TextColumnBuilder(missing: kept) }
        column!.append(t.p, t.n, readableEnd: t.end)
    }

    /// Whether the row passes every filter group (a missing or null field fails).
    @inline(__always)
    mutating func passesFilters() -> Bool {
        for group in plan.filterGroups {
            guard let v = row[group.slot], v.kind != .null else { return false }
            let t = text(v)
            var matched = false
            for wanted in group.values where wanted.count == t.n {
                if t.n == 0 || wanted.withUnsafeBufferPointer({ memcmp($0.baseAddress!, t.p, t.n) }) == 0 {
                    matched = true
                    break
                }
            }
            if !matched { return false }
        }
        return true
    }
}
