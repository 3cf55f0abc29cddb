/// One row of a dataset file as its fields, whatever the layout: a JSON
/// object (JSON Lines or an element of a JSON array), or a CSV record whose
/// cells are strings (an empty cell is missing).
///
/// The accessors check a field's presence and type and throw a `RowProblem`
/// that names the field, which the scanner turns into `file:line: field: …`.
struct DatasetRow: Sendable {
    /// 1-based line where the row starts.
    var line: Int
    var fields: JSONObject
    /// CSV semantics: numbers come as text.
    var isCSV: Bool

    /// The value of `name`, nil when absent or null.
    func value(_ name: String) -> JSONValue? {
        guard let v = fields[name] else { return nil }
        if case .null = v { return nil }
        return v
    }

    func require(_ name: String) throws(RowProblem) -> JSONValue {
        guard let v = value(name) else { throw .missing(name) }
        return v
    }

    func requiredString(_ name: String) throws(RowProblem) -> String {
        let v = try require(name)
        guard let s = v.string else { throw RowProblem.wrongType(name, expected: "a string", found: v) }
        return s
    }

    func optionalString(_ name: String?) throws(RowProblem) -> String? {
        guard let name, let v = value(name) else { return nil }
        switch v {
        case .string(let s): return s.isEmpty && isCSV ? nil : s
        case .number(let x): return Self.format(x)
        case .bool(let b): return b ? "true" : "false"
        default: throw RowProblem.wrongType(name, expected: "a string", found: v)
        }
    }

    /// A number, given as a JSON number or as text holding one (CSV cells,
    /// and datasets such as UltraFeedback that quote their ratings).
    func optionalNumber(_ name: String?) throws(RowProblem) -> Double? {
        guard let name, let v = value(name) else { return nil }
        return try Self.number(v, field: name)
    }

    static func number(_ v: JSONValue, field: String) throws(RowProblem) -> Double {
        switch v {
        case .number(let x):
            return x
        case .string(let s):
            var text = s
            let parsed = text.withUTF8 { NumberParser.value($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, $0.count) }
            guard let x = parsed, x.isFinite else {
                throw RowProblem(message: "\(field): expected a number, found \"\(s.prefix(40))\"", field: field)
            }
            return x
        default:
            throw RowProblem.wrongType(field, expected: "a number", found: v)
        }
    }

    /// A whole, non-negative count of annotations; 0 when the field is absent
    /// and `required` is false.
    func count(_ name: String?, required: Bool) throws(RowProblem) -> Int {
        guard let name else { return 0 }
        guard let v = value(name) else {
            if required { throw .missing(name) }
            return 0
        }
        let x = try Self.number(v, field: name)
        guard x >= 0, x == x.rounded(), x < 1e15 else {
            throw RowProblem(
                message: "\(name): expected a whole number of annotations (0 or more), found \(Self.format(x))",
                field: name)
        }
        return Int(x)
    }

    /// A number as a person would write it: no ".0" on whole numbers.
    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

extension RowProblem {
    static func wrongType(_ field: String, expected: String, found: JSONValue) -> RowProblem {
        RowProblem(message: "\(field): expected \(expected), found \(found.kindName)", field: field)
    }

    /// The problem said of a field inside another (`completions[2].model`).
    func within(_ prefix: String) -> RowProblem {
        let inner = field ?? ""
        let path = inner.isEmpty ? prefix : prefix + (inner.hasPrefix("[") ? "" : ".") + inner
        if let field, message == RowProblem.missing(field).message { return .missing(path) }
        var message = self.message
        if let field, message.hasPrefix(field + ":") {
            message = path + message.dropFirst(field.count)
        } else {
            message = path + ": " + message
        }
        return RowProblem(message: message, field: path)
    }
}
