import Foundation
import PreferCore

/// The rows of a pairs file for `prefer judge file`: JSON Lines (or one JSON
/// array) of `{"id"?, "prompt", "a", "b", "reference"?}`. An output is text,
/// or `{"image": URL, "caption"?}` for an image (sent as an image part).
public enum JudgeFile {
    public struct Row: Sendable, Hashable {
        public var id: RowID
        public var item: JudgeItem
        /// 1-based line (JSON Lines) or element (JSON array) number.
        public var line: Int

        public init(id: RowID, item: JudgeItem, line: Int) {
            self.id = id
            self.item = item
            self.line = line
        }
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private struct RawRow: Decodable {
        var id: RowID?
        var prompt: String?
        var a: RawOutput?
        var b: RawOutput?
        var reference: String?
    }

    private enum RawOutput: Decodable {
        case text(String)
        case image(url: String, caption: String)

        struct Image: Decodable {
            var image: String
            var caption: String?
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                let image = try container.decode(Image.self)
                self = .image(url: image.image, caption: image.caption ?? "")
            }
        }

        var content: JudgeContent {
            switch self {
            case .text(let text): .text(text)
            case .image(let url, let caption): .image(url: url, caption: caption)
            }
        }
    }

    /// Parses the rows; errors name the file, the line and the field.
    public static func parse(_ data: Data, source: String) throws -> [Row] {
        let trimmed = data.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
        var raws: [(Int, Data)] = []
        if trimmed.first == UInt8(ascii: "[") {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw ParseError(message: "\(source): not a JSON array of rows (nor JSON Lines).")
            }
            for (index, element) in array.enumerated() {
                raws.append((index + 1, try JSONSerialization.data(withJSONObject: element)))
            }
        } else {
            var line = 0
            for slice in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
                line += 1
                let text = slice.filter { $0 != 0x0D }
                if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                raws.append((line, Data(text)))
            }
        }
        var rows: [Row] = []
        rows.reserveCapacity(raws.count)
        let decoder = JSONDecoder()
        for (line, bytes) in raws {
            let raw: RawRow
            do {
                raw = try decoder.decode(RawRow.self, from: bytes)
            } catch {
                throw ParseError(message: "\(source):\(line): not a JSON object with prompt, a and b (\(Self.reason(error))).")
            }
            guard let prompt = raw.prompt else { throw ParseError(message: "\(source):\(line): field \"prompt\" is missing.") }
            guard let a = raw.a else { throw ParseError(message: "\(source):\(line): field \"a\" is missing.") }
            guard let b = raw.b else { throw ParseError(message: "\(source):\(line): field \"b\" is missing.") }
            rows.append(Row(
                id: raw.id ?? .number(Double(rows.count + 1)),
                item: JudgeItem(prompt: prompt, reference: raw.reference, outputs: [a.content, b.content]), line: line))
        }
        return rows
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return field.isEmpty ? context.debugDescription : "field \"\(field)\": \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return String(describing: error)
        }
    }
}
