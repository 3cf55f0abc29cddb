import Foundation
import PreferCore

/// `POST /api/arenas`
struct CreateArenaRequest: StrictRequestBody {
    static let fields = ["name", "description", "sampling", "criteria", "min_play_ms", "annotations_per_item", "private"]
    var name: String
    var description: String?
    var sampling: String?
    var criteria: [String]?
    var minPlayMs: Int?
    var annotationsPerItem: Int?
    var `private`: Bool?
}

/// `POST /api/arenas/{arena}/contenders`
struct CreateContenderRequest: StrictRequestBody {
    static let fields = ["name", "weight"]
    var name: String
    var weight: Double?
}

/// `POST /api/arenas/{arena}/prompts`
struct CreatePromptRequest: StrictRequestBody {
    static let fields = ["text", "category"]
    var text: String
    var category: String?
}

/// A prompt or contender given by id (a number) or by text/name (a string).
enum Reference: Decodable, Sendable, Hashable, CustomStringConvertible {
    case id(Int64)
    case name(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(Int64.self) {
            self = .id(id)
        } else if let name = try? container.decode(String.self) {
            self = .name(name)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "an id (number) or a name (string)"))
        }
    }

    var description: String {
        switch self {
        case .id(let id): String(id)
        case .name(let name): name
        }
    }
}

/// `POST /api/arenas/{arena}/outputs`, and one line of `POST /api/arenas/{arena}/import`.
struct CreateOutputRequest: StrictRequestBody {
    static let fields = ["prompt", "contender", "content", "media", "url", "category"]
    var prompt: Reference
    var contender: Reference
    var content: String?
    var media: String?
    var url: String?
    var category: String?
}

/// `POST /api/arenas/{arena}/invites`
struct CreateInvitesRequest: StrictRequestBody {
    static let fields = ["names"]
    var names: [String]
}
