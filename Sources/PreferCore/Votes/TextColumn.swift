/// A column of optional strings stored as codes into a table of distinct values
/// (dictionary encoding), so that millions of rows with a few thousand distinct
/// voters or categories cost four bytes a row.
public struct TextColumn: Sendable, Equatable {
    /// The distinct values, in order of first appearance.
    public internal(set) var values: [String]
    /// One code per row: an index into `values`, or -1 where the row has no value.
    public internal(set) var codes: [Int32]
    var index: [String: Int32]

    public init() {
        values = []
        codes = []
        index = [:]
    }

    /// A column holding `count` missing values.
    public init(missing count: Int) {
        self.init()
        codes = Array(repeating: -1, count: count)
    }

    public var count: Int { codes.count }

    public subscript(row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : values[Int(code)]
    }

    /// The code of `value`, adding it to the table if it is new.
    @discardableResult
    public mutating func intern(_ value: String) -> Int32 {
        if let code = index[value] { return code }
        let code = Int32(values.count)
        values.append(value)
        index[value] = code
        return code
    }

    public mutating func append(_ value: String?) {
        codes.append(value.map { intern($0) } ?? -1)
    }

    /// Appends the rows of `other`, re-coding its values into this column's table.
    public mutating func append(contentsOf other: TextColumn) {
        let map = other.values.map { intern($0) }
        codes.reserveCapacity(codes.count + other.codes.count)
        for code in other.codes {
            codes.append(code < 0 ? -1 : map[Int(code)])
        }
    }

    /// Keeps the rows whose flag in `keep` is true.
    public func filtered(_ keep: [Bool]) -> TextColumn {
        var out = self
        out.codes = []
        out.codes.reserveCapacity(codes.count)
        for (row, code) in codes.enumerated() where keep[row] {
            out.codes.append(code)
        }
        return out
    }

    public static func == (lhs: TextColumn, rhs: TextColumn) -> Bool {
        lhs.count == rhs.count && (0..<lhs.count).allSatisfy { lhs[$0] == rhs[$0] }
    }
}
