import Foundation
import PreferCore

/// Changes to an arena's settings; nil keeps the current value.
public struct ArenaChanges: Sendable, Hashable {
    /// An empty text clears the description.
    public var description: String?
    /// Uniform or weighted sampling; it turns active sampling off.
    public var sampling: Sampling?
    /// Turns active sampling on with these settings (wins over `sampling`).
    public var activeSampling: ActiveSampling?
    public var criteria: [String]?
    /// 0 clears the minimum play time.
    public var minPlayMs: Int?
    public var annotationsPerItem: Int?
    public var isPrivate: Bool?
    public var leaderboardPublic: Bool?
    /// true archives the arena, false brings it back.
    public var archived: Bool?
    /// The licence of its data releases; an empty text clears it.
    public var license: String?

    public init(
        description: String? = nil, sampling: Sampling? = nil, criteria: [String]? = nil, minPlayMs: Int? = nil,
        annotationsPerItem: Int? = nil, isPrivate: Bool? = nil, leaderboardPublic: Bool? = nil, archived: Bool? = nil,
        activeSampling: ActiveSampling? = nil, license: String? = nil
    ) {
        self.description = description
        self.sampling = sampling
        self.criteria = criteria
        self.minPlayMs = minPlayMs
        self.annotationsPerItem = annotationsPerItem
        self.isPrivate = isPrivate
        self.leaderboardPublic = leaderboardPublic
        self.archived = archived
        self.activeSampling = activeSampling
        self.license = license
    }
}

/// Changes to a contender; nil keeps the current value.
public struct ContenderChanges: Sendable, Hashable {
    public var name: String?
    public var weight: Double?
    /// true retires it (no new battles), false brings it back.
    public var retired: Bool?
    /// true leaves it out of leaderboards.
    public var hidden: Bool?

    public init(name: String? = nil, weight: Double? = nil, retired: Bool? = nil, hidden: Bool? = nil) {
        self.name = name
        self.weight = weight
        self.retired = retired
        self.hidden = hidden
    }
}

/// A named API key, as stored: never the key, only its SHA-256.
public struct APIKey: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    /// "viewer", "admin" or "owner".
    public var role: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int64, name: String, role: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// One admin action to log.
public struct NewAuditEntry: Sendable, Hashable {
    /// Who: the API key's name.
    public var actor: String
    /// What: the API operation (e.g. "createArena").
    public var operation: String
    public var method: String
    /// On what: the request path (arena, contender… named in it).
    public var path: String
    public var status: Int
    public var detail: String?
    public var at: Date

    public init(actor: String, operation: String, method: String, path: String, status: Int, detail: String? = nil, at: Date = Date()) {
        self.actor = actor
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.at = at
    }
}

/// A logged admin action.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var actor: String
    public var operation: String
    public var method: String
    public var path: String
    public var status: Int
    public var detail: String?
    public var at: Date

    public init(id: Int64, actor: String, operation: String, method: String, path: String, status: Int, detail: String?, at: Date) {
        self.id = id
        self.actor = actor
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.at = at
    }
}
