import Crypto
import Foundation
import PreferCore

/// The body of a `POST {endpoint}/chat/completions` request, as OpenAI's
/// API documents it: model, messages (text, or text and `image_url` parts),
/// `temperature`, `max_tokens`, `seed`, and `logprobs`/`top_logprobs` for the
/// log-probability verdict method.
///
/// Encoded with sorted keys, so the same question is the same bytes: the
/// cache key is the SHA-256 of the endpoint and these bytes.
struct ChatCompletionRequest: Encodable {
    var model: String
    var messages: [Message]
    var temperature: Double
    var maxTokens: Int
    var seed: Int?
    var logprobs: Bool?
    var topLogprobs: Int?
    var stream = false

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature
        case maxTokens = "max_tokens"
        case seed, logprobs
        case topLogprobs = "top_logprobs"
        case stream
    }

    struct Message: Encodable {
        var role: String
        var content: Content

        enum Content: Encodable {
            case text(String)
            case parts([Part])

            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .text(let text): try container.encode(text)
                case .parts(let parts): try container.encode(parts)
                }
            }
        }

        struct Part: Encodable {
            var type: String
            var text: String?
            var imageURL: ImageURL?

            struct ImageURL: Encodable {
                var url: String
            }

            enum CodingKeys: String, CodingKey {
                case type, text
                case imageURL = "image_url"
            }
        }

        init(_ message: ChatMessage) {
            role = message.role.rawValue
            if message.parts.count <= 1, case .text(let text)? = message.parts.first ?? .text("") {
                content = .text(text)
            } else {
                content = .parts(message.parts.map { part in
                    switch part {
                    case .text(let text): Part(type: "text", text: text)
                    case .imageURL(let url): Part(type: "image_url", imageURL: Part.ImageURL(url: url))
                    }
                })
            }
        }
    }

    init(_ question: JudgeQuestion, configuration: JudgeConfiguration) {
        model = configuration.model
        messages = question.messages.map(Message.init)
        temperature = configuration.sampling.temperature
        maxTokens = question.maxTokens
        seed = configuration.sampling.seed
        if question.logprobs {
            logprobs = true
            topLogprobs = 20
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func encoded() throws -> Data {
        try Self.encoder.encode(self)
    }
}

/// A request ready to send: its body and the keys it is kept under.
public struct PreparedRequest: Sendable, Hashable {
    public var body: Data
    /// SHA-256 (hex) of the endpoint and the body: the cache key.
    public var cacheKey: String
    /// SHA-256 (hex) of the messages alone.
    public var promptHash: String

    public init(_ question: JudgeQuestion, configuration: JudgeConfiguration) throws {
        let request = ChatCompletionRequest(question, configuration: configuration)
        body = try request.encoded()
        var hasher = SHA256()
        hasher.update(data: Data(configuration.endpoint.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: body)
        cacheKey = Self.hex(hasher.finalize())
        promptHash = Self.hex(SHA256.hash(data: try ChatCompletionRequest.encoder.encode(request.messages)))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
