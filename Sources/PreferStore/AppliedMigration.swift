import Foundation

/// A schema migration as `schema_migrations` records it.
public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var appliedAt: Date

    public init(version: Int, name: String, appliedAt: Date) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}
