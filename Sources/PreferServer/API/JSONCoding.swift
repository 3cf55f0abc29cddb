import Foundation
import OpenAPIRuntime

/// How the API writes JSON: keys sorted, slashes unescaped, dates in ISO 8601
/// — the same for the generated handlers (`configuration`) and for the
/// bodies Prefer encodes itself (errors, the cached leaderboards).
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let configuration = Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
}
