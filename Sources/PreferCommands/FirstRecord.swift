import Foundation

/// The field names of a vote file's first record (the first object of JSON
/// Lines or of a JSON array, or the CSV header), to decide how to read it
/// before reading it. O(size of the first record).
enum FirstRecord {
    static func keys(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var start = 0
        let count = bytes.count
        while start < count, [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains(bytes[start]) { start += 1 }
        guard start < count else { return [] }
        switch bytes[start] {
        case UInt8(ascii: "["):
            guard let open = (start..<count).first(where: { bytes[$0] == UInt8(ascii: "{") }),
                  let close = matchingBrace(bytes, from: open) else { return [] }
            return objectKeys(Data(bytes[open...close]))
        case UInt8(ascii: "{"):
            let end = (start..<count).first { bytes[$0] == 0x0A } ?? count
            return objectKeys(Data(bytes[start..<end]))
        default:
            var records = CSVRecords(Data(bytes[start..<min(count, start + (1 << 20))]), from: 0)
            return (try? records.next(source: ""))?.fields ?? []
        }
    }

    private static func objectKeys(_ data: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return Array(object.keys)
    }

    /// The index of the `}` closing the object that opens at `open`.
    private static func matchingBrace(_ bytes: UnsafeRawBufferPointer, from open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return i }
            case UInt8(ascii: "\""):
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            default: break
            }
            i += 1
        }
        return nil
    }
}
