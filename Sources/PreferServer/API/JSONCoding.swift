import Foundation
import OpenAPIRuntime

/// How the API writes JSON: keys sorted, slashes unescaped, dates in RFC 3339
/// UTC to the second (`RFC3339DateTranscoder`) — the same for the generated
/// handlers (`configuration`) and for the bodies Prefer encodes itself
/// (errors, the cached leaderboards), so both write a value byte for byte
/// alike.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339DateTranscoder.format(date))
        }
        return encoder
    }()

    static let configuration = Configuration(
        dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
}
