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
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            archivedAt: try row.decode(column: "archived_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            leaderboardPublic: try row.decode(column: "leaderboard_public", as: Bool.self),
            activeSampling: try activeSampling(row),
            license: try row.decode(column: "license", as: String?.self)
        )
    }

    /// The active settings of an arena row (nil when `active_rule` is NULL);
    /// a NULL setting is `ActiveSampling`'s default.
    static func activeSampling(_ row: any SQLRow) throws -> ActiveSampling? {
        guard let text = try row.decode(column: "active_rule", as: String?.self) else { return nil }
        var settings = ActiveSampling(rule: try ActiveSampling.Rule(rawValue: text).orThrow("arenas.active_rule", text))
        if let k = try row.decode(column: "active_top_k", as: Int?.self) { settings.topK = k }
        if let floor = try row.decode(column: "active_floor_share", as: Double?.self) { settings.floorShare = floor }
        if let votes = try row.decode(column: "active_burst_votes", as: Int?.self) { settings.burstVotes = votes }
        if let multiple = try row.decode(column: "active_burst_multiple", as: Double?.self) { settings.burstMultiple = multiple }
        if let explore = try row.decode(column: "active_explore", as: Double?.self) { settings.explore = explore }
        settings.maxPairShare = try row.decode(column: "active_max_pair_share", as: Double?.self)
        if let sharpness = try row.decode(column: "active_sharpness", as: Double?.self) { settings.sharpness = sharpness }
        if let iterations = try row.decode(column: "active_design_iterations", as: Int?.self) { settings.designIterations = iterations }
        return settings
    }

    /// The `active_*` columns of `settings` (all NULL for nil: not active).
    static func activeColumns(_ settings: ActiveSampling?) -> [(String, any SQLExpression)] {
        func bind(_ value: (some Encodable & Sendable)?) -> any SQLExpression {
            value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null
        }
        return [
            ("active_rule", bind(settings?.rule.rawValue)),
            ("active_top_k", bind(settings?.topK)),
            ("active_floor_share", bind(settings?.floorShare)),
            ("active_burst_votes", bind(settings?.burstVotes)),
            ("active_burst_multiple", bind(settings?.burstMultiple)),
            ("active_explore", bind(settings?.explore)),
            ("active_max_pair_share", bind(settings?.maxPairShare)),
            ("active_sharpness", bind(settings?.sharpness)),
            ("active_design_iterations", bind(settings?.designIterations)),
        ]
    }

    static func contender(_ row: any SQLRow) throws -> Contender {
        Contender(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            weight: try row.decode(column: "weight", as: Double.self),
            retiredAt: try row.decode(column: "retired_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            hidden: try row.decode(column: "hidden", as: Bool.self)
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
            url: try row.decode(column: "url", as: String?.self),
            withdrawnAt: try row.decode(column: "withdrawn_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            replacedBy: try row.decode(column: "replaced_by", as: Int64?.self)
        )
    }

    static func invite(_ row: any SQLRow) throws -> Invite {
        Invite(
            id: try row.decode(column: "id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Double?.self).map(Date.init(timeIntervalSince1970:))
        )
    }

    static func apiKey(_ row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            role: try row.decode(column: "role", as: String.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Double?.self).map(Date.init(timeIntervalSince1970:))
        )
    }

    static func auditEntry(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.decode(column: "id", as: Int64.self),
            actor: try row.decode(column: "actor", as: String.self),
            operation: try row.decode(column: "operation", as: String.self),
            method: try row.decode(column: "method", as: String.self),
            path: try row.decode(column: "path", as: String.self),
            status: try row.decode(column: "status", as: Int.self),
            detail: try row.decode(column: "detail", as: String?.self),
            at: Date(timeIntervalSince1970: try row.decode(column: "at", as: Double.self))
        )
    }

    static func voterDecision(_ row: any SQLRow) throws -> VoterDecision {
        let decision = try row.decode(column: "decision", as: String.self)
        return VoterDecision(
            voter: try row.decode(column: "voter", as: String.self),
            decision: try VoterDecision.Kind(rawValue: decision).orThrow("voter_decisions.decision", decision),
            decidedAt: Date(timeIntervalSince1970: try row.decode(column: "decided_at", as: Double.self)),
            actor: try row.decode(column: "actor", as: String.self),
            note: try row.decode(column: "note", as: String?.self)
        )
    }

    static func vote(_ row: any SQLRow) throws -> StoredVote {
        try vote((
            try row.decode(column: "id", as: Int64.self),
            try row.decode(column: "arena_id", as: Int64.self),
            try row.decode(column: "battle", as: String?.self),
            try row.decode(column: "prompt_id", as: Int64?.self),
            try row.decode(column: "left_contender_id", as: Int64.self),
            try row.decode(column: "right_contender_id", as: Int64.self),
            try row.decode(column: "choice", as: String.self),
            try row.decode(column: "criteria", as: String.self),
            try row.decode(column: "rationale", as: String?.self),
            try row.decode(column: "time_to_vote_ms", as: Int?.self),
            try row.decode(column: "left_played_ms", as: Int?.self),
            try row.decode(column: "right_played_ms", as: Int?.self),
            try row.decode(column: "voter", as: String?.self),
            try row.decode(column: "client_vote_id", as: String?.self),
            try row.decode(column: "source", as: String.self),
            try row.decode(column: "created_at", as: Double.self),
            try row.decode(column: "left_output_id", as: Int64?.self),
            try row.decode(column: "right_output_id", as: Int64?.self)
        ))
    }

    /// The columns of `votes`, in the order of the schema.
    typealias VoteColumns = (
        id: Int64, arenaId: Int64, battle: String?, promptId: Int64?, left: Int64, right: Int64, choice: String,
        criteria: String, rationale: String?, timeToVoteMs: Int?, leftPlayedMs: Int?, rightPlayedMs: Int?,
        voter: String?, clientVoteId: String?, source: String, createdAt: Double, leftOutput: Int64?, rightOutput: Int64?
    )

    static func vote(_ columns: VoteColumns) throws -> StoredVote {
        StoredVote(
            id: columns.id, arenaId: columns.arenaId, battle: columns.battle, promptId: columns.promptId,
            leftContenderId: columns.left, rightContenderId: columns.right,
            choice: try Choice(rawValue: columns.choice).orThrow("votes.choice", columns.choice),
            criteria: try criteria(columns.criteria), rationale: columns.rationale,
            timeToVoteMs: columns.timeToVoteMs, leftPlayedMs: columns.leftPlayedMs, rightPlayedMs: columns.rightPlayedMs,
            voter: columns.voter, clientVoteId: columns.clientVoteId,
            source: try StoredVote.Source(rawValue: columns.source).orThrow("votes.source", columns.source),
            createdAt: Date(timeIntervalSince1970: columns.createdAt),
            leftOutputId: columns.leftOutput, rightOutputId: columns.rightOutput
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
