/// What is wrong with one row, before the parser knows the file and line:
/// becomes a `VoteParseError` once the chunk's first line is known.
struct RowProblem: Error {
    var message: String
    var field: String?

    static func missing(_ field: String) -> RowProblem {
        RowProblem(message: "missing field \"\(field)\"", field: field)
    }
}
