import Foundation

/// A named annotator invited to an arena; the token itself is shown once and
/// stored only as a hash.
public struct Invite: Sendable, Hashable, Codable {
    public var id: Int64
    public var arenaId: Int64
    public var name: String
    public var createdAt: Date
    /// When an admin revoked it: the token no longer admits anyone.
    public var revokedAt: Date?

    public init(id: Int64, arenaId: Int64, name: String, createdAt: Date = Date(), revokedAt: Date? = nil) {
        self.id = id
        self.arenaId = arenaId
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
