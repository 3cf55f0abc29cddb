/// A text field that the vote parser measures instead of keeping: each row's
/// value (decoded UTF-8: JSON escapes resolved, CSV quotes collapsed) goes to
/// `measure`, which writes one number per entry of `columns`; the numbers
/// land in `VoteTable.numbers` under those names, NaN where the row has no
/// such field. Millions of long texts thus cost a few numbers each, measured
/// on the parser's threads, and no `String` is made unless `measure` makes
/// one. `measure` must be thread-safe (it is called from every worker).
public struct MeasuredField: Sendable {
    /// The field to read, e.g. `text_a`.
    public var field: String
    /// The number columns `measure` fills, in order.
    public var columns: [String]
    public var measure: @Sendable (_ text: UnsafeBufferPointer<UInt8>, _ out: UnsafeMutablePointer<Double>) -> Void

    public init(
        field: String,
        columns: [String],
        measure: @escaping @Sendable (_ text: UnsafeBufferPointer<UInt8>, _ out: UnsafeMutablePointer<Double>) -> Void
    ) {
        self.field = field
        self.columns = columns
        self.measure = measure
    }
}
