/// Turns positions into 0-based line numbers by counting newlines forward
/// from the last position asked about. Queries must not go backwards;
/// amortised O(bytes between queries).
struct LineCounter {
    private var position = 0
    private var line = 0

    mutating func line(of target: Int, in base: UnsafePointer<UInt8>) -> Int {
        if target > position {
            line += ByteScan.countNewlines(base, from: position, to: target)
            position = target
        }
        return line
    }
}
