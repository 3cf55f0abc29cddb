/// The lines of a JSON Lines text, numbered from 1: split at LF, a CR before
/// the LF dropped (files from Windows), blank lines skipped. Every JSON Lines
/// reader of Prefer's that does not go through the vote scanner (which does
/// the same on raw bytes) reads lines this way, so that a file reads the same
/// through the API and the command line.
///
/// O(n) over the bytes; the lines are slices of the input, not copies.
public struct JSONLines<Bytes: RandomAccessCollection>: Sequence where Bytes.Element == UInt8, Bytes.Index == Int {
    public struct Line {
        /// 1-based, counting blank lines too.
        public var number: Int
        public var bytes: Bytes.SubSequence
    }

    let bytes: Bytes

    public init(_ bytes: Bytes) {
        self.bytes = bytes
    }

    public struct Iterator: IteratorProtocol {
        let bytes: Bytes
        var position: Int
        var number = 0

        public mutating func next() -> Line? {
            while position < bytes.endIndex {
                number += 1
                let start = position
                var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
                position = end < bytes.endIndex ? end + 1 : end
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = bytes[start..<end]
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                return Line(number: number, bytes: line)
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(bytes: bytes, position: bytes.startIndex)
    }
}
