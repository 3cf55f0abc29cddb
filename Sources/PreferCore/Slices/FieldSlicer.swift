/// Cuts a vote table by the value of one field: one slice per distinct value
/// (a category, a language, a country…), most votes first, ties by value.
/// Rows without a value belong to no slice and are counted.
///
/// The field is read from `VoteTable.textColumn(named:)`: `category` and
/// `voter`/`judge` are built-in columns, any other field must have been kept
/// by the parser (`VoteParseOptions.fields`). O(votes + values log values).
public enum FieldSlicer {
    public struct Result: Sendable {
        public var slices: [VoteSlice]
        /// Votes with no value for the field.
        public var missing: Int
    }

    /// The slices, or nil when no vote carries the field.
    public static func slices(_ table: VoteTable, field: String) -> Result? {
        guard let column = table.textColumn(named: field), column.codes.contains(where: { $0 >= 0 }) else { return nil }
        var rows = [[Int32]](repeating: [], count: column.values.count)
        var missing = 0
        for (row, code) in column.codes.enumerated() {
            if code < 0 {
                missing += 1
            } else {
                rows[Int(code)].append(Int32(row))
            }
        }
        let order = column.values.indices
            .filter { !rows[$0].isEmpty }
            .sorted { (rows[$0].count, column.values[$1]) > (rows[$1].count, column.values[$0]) }
        return Result(
            slices: order.map { VoteSlice(field: field, value: column.values[$0], rows: rows[$0]) },
            missing: missing
        )
    }

    /// The slice of one value (nil when no vote has it): what a server's
    /// `?category=coding` asks for.
    public static func slice(_ table: VoteTable, field: String, value: String) -> VoteSlice? {
        guard let column = table.textColumn(named: field), let code = column.index[value] else { return nil }
        var rows: [Int32] = []
        for (row, c) in column.codes.enumerated() where c == code { rows.append(Int32(row)) }
        return rows.isEmpty ? nil : VoteSlice(field: field, value: value, rows: rows)
    }
}
