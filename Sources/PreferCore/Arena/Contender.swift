import Foundation

/// A system being compared in an arena: a model, a prompt template, a checkpoint.
public struct Contender: Sendable, Hashable, Codable {
    public var id: Int64
    public var arenaId: Int64
    /// Unique within the arena.
    public var name: String
    /// Relative sampling weight under `Sampling.weighted`.
    public var weight: Double
    /// When an admin retired it: no new battles; kept in leaderboards, marked retired.
    public var retiredAt: Date?
    /// Left out of leaderboards (with its votes still stored and counted for the others).
    public var hidden: Bool

    public init(id: Int64, arenaId: Int64, name: String, weight: Double = 1, retiredAt: Date? = nil, hidden: Bool = false) {
        self.id = id
        self.arenaId = arenaId
        self.name = name
        self.weight = weight
        self.retiredAt = retiredAt
        self.hidden = hidden
    }

    public var isRetired: Bool { retiredAt != nil }
}
