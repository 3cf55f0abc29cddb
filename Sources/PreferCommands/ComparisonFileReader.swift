import Foundation
import PreferCore

/// Which columns of a pairwise file hold what, for files that are not
/// LMArena-shaped vote files (`prefer drivers --text-a … --a-wins …`).
struct ColumnMapping {
    var textA = "text_a"
    var textB = "text_b"
    var prompt: String?
    var contenderA: String?
    var contenderB: String?
    /// An outcome label per row (model_a, model_b, tie, tie (bothbad), or a, b, tie, both_bad).
    var winner: String?
    /// Judgement counts per row (aggregated files).
    var aWins: String?
    var bWins: String?
    var ties: String?
    var source: String?
    var weight: String?
    /// User features given as columns `feature_a.NAME`/`feature_b.NAME`.
    var numeric: [String] = []

    var usesCounts: Bool { aWins != nil || bWins != nil || ties != nil }
}

/// Reads rows of any JSON Lines, JSON array or CSV file through a
/// `ColumnMapping` into a `ComparisonTableBuilder`, measuring texts as it
/// goes. Rows are decoded with Foundation (`JSONSerialization`) and a small
/// RFC 4180 CSV reader: simpler and slower than `VoteParser`, which
/// `prefer drivers` uses for LMArena-shaped files. Errors name the file, the
/// line and the field. Readers written for other shapes (TRL and HH-RLHF
/// pairs, aggregated counts) plug in the same way: call
/// `ComparisonTableBuilder.append` per row.
struct ComparisonFileReader {
    var mapping: ColumnMapping
    var skipInvalid: Bool

    struct RowError: Error, CustomStringConvertible {
        var source: String
        var line: Int
        var field: String?
        var message: String
        var description: String {
            "\(source):\(line)" + (field.map { ": field \"\($0)\"" } ?? "") + ": \(message)"
        }
    }

    /// Reads `bytes` (the file `source`) into `builder`; returns the bad rows skipped.
    func read(_ bytes: UnsafeRawBufferPointer, source: String, into builder: inout ComparisonTableBuilder,
              progress: (Int, Int) -> Void) throws -> (skipped: Int, errors: [RowError]) {
        var skipped = 0
        var errors: [RowError] = []
        func handle(_ line: Int, _ row: () throws -> [String: Any]) throws {
            do {
                try add(try row(), line: line, source: source, into: &builder)
            } catch let error as RowError {
                guard skipInvalid else { throw error }
                skipped += 1
                if errors.count < VoteParser.invalidLimit { errors.append(error) }
            }
        }
        let data = Data(bytes)
        var start = 0
        let count = data.count
        while start < count, [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains(data[start]) { start += 1 }
        guard start < count else { return (0, []) }
        switch data[start] {
        case UInt8(ascii: "["):
            guard let rows = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw RowError(source: source, line: 1, field: nil, message: "not a valid JSON array of objects")
            }
            for (k, row) in rows.enumerated() {
                try handle(k + 1) {
                    guard let object = row as? [String: Any] else {
                        throw RowError(source: source, line: k + 1, field: nil, message: "element \(k + 1) is not a JSON object")
                    }
                    return object
                }
                if k % 4096 == 0 { progress(k, rows.count) }
            }
        case UInt8(ascii: "{"):
            var line = 0
            var lineStart = 0
            while lineStart < count {
                let end = data[lineStart...].firstIndex(of: 0x0A) ?? count
                line += 1
                let slice = data[lineStart..<end]
                if slice.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) {
                    try handle(line) {
                        guard let object = try? JSONSerialization.jsonObject(with: slice) as? [String: Any] else {
                            throw RowError(source: source, line: line, field: nil, message: "not a JSON object")
                        }
                        return object
                    }
                }
                if line % 4096 == 0 { progress(lineStart, count) }
                lineStart = end + 1
            }
        default:
            var records = CSVRecords(data, from: start)
            guard let header = try records.next(source: source) else { return (0, []) }
            while let record = try records.next(source: source) {
                if record.fields.allSatisfy(\.isEmpty) { continue }
                try handle(record.line) {
                    var object: [String: Any] = [:]
                    for (k, name) in header.fields.enumerated() where k < record.fields.count && !record.fields[k].isEmpty {
                        object[name] = record.fields[k]
                    }
                    return object
                }
                if record.line % 4096 == 0 { progress(records.position, count) }
            }
        }
        return (skipped, errors)
    }

    private func add(_ row: [String: Any], line: Int, source: String, into builder: inout ComparisonTableBuilder) throws {
        func fail(_ field: String?, _ message: String) -> RowError { RowError(source: source, line: line, field: field, message: message) }
        func text(_ field: String) throws -> String {
            guard let value = row[field] else { throw fail(field, "missing") }
            guard let string = value as? String else { throw fail(field, "must be a string (a text)") }
            return string
        }
        func number(_ field: String) throws -> Double? {
            guard let value = row[field], !(value is NSNull) else { return nil }
            if let n = value as? NSNumber { return n.doubleValue }
            if let s = value as? String, let x = Double(s.trimmingCharacters(in: .whitespaces)), x.isFinite { return x }
            throw fail(field, "must be a number, got \"\(value)\"")
        }
        func name(_ field: String?) throws -> String? {
            guard let field else { return nil }
            guard let value = row[field], !(value is NSNull) else { throw fail(field, "missing") }
            if let s = value as? String, !s.isEmpty { return s }
            if let n = value as? NSNumber { return n.stringValue }
            throw fail(field, "must be a non-empty string")
        }
        let textA = try text(mapping.textA)
        let textB = try text(mapping.textB)
        let prompt = try mapping.prompt.map { try text($0) }
        var aWins = 0.0
        var bWins = 0.0
        var ties = 0.0
        if mapping.usesCounts {
            aWins = try mapping.aWins.flatMap { try number($0) } ?? 0
            bWins = try mapping.bWins.flatMap { try number($0) } ?? 0
            ties = try mapping.ties.flatMap { try number($0) } ?? 0
            for (field, x) in [(mapping.aWins, aWins), (mapping.bWins, bWins), (mapping.ties, ties)] where x < 0 {
                throw fail(field, "a count must be zero or more, got \(x)")
            }
        } else {
            let field = mapping.winner ?? "winner"
            guard let value = row[field] as? String else { throw fail(field, "missing: give --winner FIELD, or counts with --a-wins/--b-wins") }
            switch value {
            case "model_a", "a", "A": aWins = 1
            case "model_b", "b", "B": bWins = 1
            case "tie", "tie (bothbad)", "both_bad", "bothbad": ties = 1
            default: throw fail(field, "\"\(value)\" is not one of model_a, model_b, tie, tie (bothbad) (or a, b, both_bad)")
            }
        }
        let weight = try mapping.weight.flatMap { try number($0) } ?? 1
        guard weight > 0 else { throw fail(mapping.weight, "weight must be > 0") }
        let a = try name(mapping.contenderA)
        let b = try name(mapping.contenderB)
        if let a, let b, a == b { throw fail(nil, "both sides are \"\(a)\"") }
        let sourceName: String? = try mapping.source.flatMap { field in
            guard let value = row[field], !(value is NSNull) else { return nil }
            guard let s = value as? String else { throw fail(field, "must be a string (human, judge…)") }
            return s
        }
        var numeric: (a: [Double], b: [Double])?
        if !mapping.numeric.isEmpty {
            numeric = (
                try mapping.numeric.map { try number("feature_a.\($0)") ?? .nan },
                try mapping.numeric.map { try number("feature_b.\($0)") ?? .nan }
            )
        }
        builder.append(textA: textA, textB: textB, prompt: prompt, aWins: aWins, bWins: bWins, ties: ties,
                       contenderA: a, contenderB: b, source: sourceName, weight: weight, numeric: numeric)
    }
}

/// CSV records (RFC 4180: quoted fields with doubled quotes and line breaks).
struct CSVRecords {
    let data: Data
    private(set) var position: Int
    private var line = 1

    init(_ data: Data, from start: Int) {
        self.data = data
        position = start
    }

    mutating func next(source: String) throws -> (fields: [String], line: Int)? {
        let count = data.count
        guard position < count else { return nil }
        let first = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = position
        while i < count {
            let c = data[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < count && data[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                quoted = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            case 0x0A:
                line += 1
                fields.append(String(decoding: field.last == 0x0D ? field.dropLast() : field[...], as: UTF8.self))
                position = i + 1
                return (fields, first)
            default:
                field.append(c)
            }
            i += 1
        }
        if quoted {
            throw ComparisonFileReader.RowError(source: source, line: first, field: nil, message: "a quoted CSV field is not closed")
        }
        fields.append(String(decoding: field.last == 0x0D ? field.dropLast() : field[...], as: UTF8.self))
        position = count
        return (fields, first)
    }
}
