import SQLKit

extension SQLDataType {
    /// An 8-byte float on both databases (`.real` is 4 bytes on PostgreSQL);
    /// SQLite gives the name REAL affinity, which is 8 bytes.
    static var double: SQLDataType { .custom(SQLRaw("DOUBLE PRECISION")) }

    /// PostgreSQL's `boolean`; SQLite stores 0 and 1 (NUMERIC affinity).
    static var boolean: SQLDataType { .custom(SQLRaw("BOOLEAN")) }
}
