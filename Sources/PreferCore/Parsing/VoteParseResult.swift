/// The votes read from a file and an account of the rows that were not kept.
public struct VoteParseResult: Sendable {
    /// The kept votes, in file order.
    public var table: VoteTable
    /// Data rows seen, parsed or not (blank lines and a CSV header excluded).
    public var rows: Int
    /// Valid rows dropped by filters or excluded contenders.
    public var filteredOut: Int
    /// Bad rows skipped (only with `skipInvalid`).
    public var invalidCount: Int
    /// The first `VoteParser.invalidLimit` bad rows, in line order.
    public var invalid: [VoteParseError]
    /// Rows skipped because both sides were the same contender (see `VoteParseOptions.strict`).
    public var selfBattles = 0

    public init(table: VoteTable, rows: Int, filteredOut: Int, invalidCount: Int, invalid: [VoteParseError]) {
        self.table = table
        self.rows = rows
        self.filteredOut = filteredOut
        self.invalidCount = invalidCount
        self.invalid = invalid
    }
}
