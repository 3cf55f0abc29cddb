import Foundation
import PreferCore
import SQLKit

/// Turns rows into PreferCore's records and values into column text: the
/// one place that knows how each record is laid out in the schema.
enum StoreRecords {
    static func arena(_ row: any SQLRow) throws -> Arena {
        let sampling = try row.decode(column: "sampling", as: String.self)
        return Arena(
            id: try row.decode(column: "id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String?.self),
            sampling: try Sampling(rawValue: sampling).orThrow("arenas.sampling", sampling),
            criteria: try decodeJSON([String].self, try row.decode(column: "criteria", as: String.self)),
            minPlayMs: try row.decode(column: "min_play_ms", as: Int?.self),
            annotationsPerItem: try row.decode(column: "annotations_per_item", as: Int.self),
            isPrivate: try row.decode(column: "is_private", as: Bool.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self))
        )
    }

    static func contender(_ row: any SQLRow) throws -> Contender {
        Contender(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            weight: try row.decode(column: "weight", as: Double.self)
        )
    }

    static func prompt(_ row: any SQLRow) throws -> Prompt {
        Prompt(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            text: try row.decode(column: "text", as: String.self),
            category: try row.decode(column: "category", as: String?.self)
        )
    }

    static func output(_ row: any SQLRow) throws -> Output {
        let media = try row.decode(column: "media", as: String.self)
        return Output(
            id: try row.decode(column: "id", as: Int64.self),
            promptId: try row.decode(column: "prompt_id", as: Int64.self),
            contenderId: try row.decode(column: "contender_id", as: Int64.self),
            content: try row.decode(column: "content", as: String.self),
            media: try Media(rawValue: media).orThrow("outputs.media", media),
            url: try row.decode(column: "url", as: String?.self)
        )
    }

    static func invite(_ row: any SQLRow) throws -> Invite {
        Invite(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self))
        )
    }

    static func vote(_ row: any SQLRow) throws -> StoredVote {
        let choice = try row.decode(column: "choice", as: String.self)
        let source = try row.decode(column: "source", as: String.self)
        return StoredVote(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            battle: try row.decode(column: "battle", as: String?.self),
            promptId: try row.decode(column: "prompt_id", as: Int64?.self),
            leftContenderId: try row.decode(column: "left_contender_id", as: Int64.self),
            rightContenderId: try row.decode(column: "right_contender_id", as: Int64.self),
            choice: try Choice(rawValue: choice).orThrow("votes.choice", choice),
            criteria: try criteria(try row.decode(column: "criteria", as: String.self)),
            rationale: try row.decode(column: "rationale", as: String?.self),
            timeToVoteMs: try row.decode(column: "time_to_vote_ms", as: Int?.self),
            leftPlayedMs: try row.decode(column: "left_played_ms", as: Int?.self),
            rightPlayedMs: try row.decode(column: "right_played_ms", as: Int?.self),
            voter: try row.decode(column: "voter", as: String?.self),
            clientVoteId: try row.decode(column: "client_vote_id", as: String?.self),
            source: try StoredVote.Source(rawValue: source).orThrow("votes.source", source),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self))
        )
    }

    /// Per-criterion choices as stored: a JSON object of criterion → choice, keys sorted.
    static func criteriaText(_ criteria: [String: Choice]) throws -> String {
        if criteria.isEmpty { return "{}" }
        return try encodeJSON(criteria.mapValues(\.rawValue))
    }

    static func criteria(_ text: String) throws -> [String: Choice] {
        if text == "{}" { return [:] }
        return try decodeJSON([String: String].self, text).mapValues { try Choice(rawValue: $0).orThrow("votes.criteria", $0) }
    }

    static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

extension Optional {
    /// The value, or an error saying the database holds something this version does not know.
    fileprivate func orThrow(_ column: String, _ raw: String) throws -> Wrapped {
        guard let value = self else {
            throw StoreError.invalid("The database holds \"\(raw)\" in \(column), which this prefer does not know; upgrade prefer.")
        }
        return value
    }
}
