import Foundation

/// A study: contenders compared on prompts, with the rules for drawing battles.
public struct Arena: Sendable, Hashable, Codable {
    public var id: Int64
    /// Unique, used in URLs.
    public var name: String
    public var description: String?
    public var sampling: Sampling
    /// Active pair selection's settings when the arena samples actively
    /// (`"sampling": "active"`); `sampling` is then what it does before its
    /// first fit (uniform). Nil for uniform and weighted arenas.
    public var activeSampling: ActiveSampling?
    /// Optional per-criterion questions (e.g. "prompt following", "aesthetics").
    public var criteria: [String]
    /// Minimum time each audio/video side must play before voting (Music Arena), if any.
    public var minPlayMs: Int?
    /// How many annotators should see each (prompt, pair); 1 = no repeats sought.
    public var annotationsPerItem: Int
    /// Whether only invited annotators may vote.
    public var isPrivate: Bool
    public var createdAt: Date
    /// When an admin archived it: no new battles, kept for its leaderboard and data.
    public var archivedAt: Date?
    /// A private arena whose leaderboard anyone may read (its votes stay private).
    public var leaderboardPublic: Bool
    /// The licence its data is released under (e.g. `CC-BY-4.0`), as the
    /// admin set it; nil when none is set. Data releases state it.
    public var license: String?

    public init(
        id: Int64,
        name: String,
        description: String? = nil,
        sampling: Sampling = .uniform,
        criteria: [String] = [],
        minPlayMs: Int? = nil,
        annotationsPerItem: Int = 1,
        isPrivate: Bool = false,
        createdAt: Date = Date(),
        archivedAt: Date? = nil,
        leaderboardPublic: Bool = false,
        activeSampling: ActiveSampling? = nil,
        license: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.sampling = sampling
        self.criteria = criteria
        self.minPlayMs = minPlayMs
        self.annotationsPerItem = annotationsPerItem
        self.isPrivate = isPrivate
        self.createdAt = createdAt
        self.archivedAt = archivedAt
        self.leaderboardPublic = leaderboardPublic
        self.activeSampling = activeSampling
        self.license = license
    }

    /// How the arena's battles pick their pair: its active settings, or its
    /// uniform / weighted sampling.
    public var samplingPolicy: SamplingPolicy {
        activeSampling.map { .active($0) } ?? SamplingPolicy(sampling)
    }

    public var isArchived: Bool { archivedAt != nil }
}
