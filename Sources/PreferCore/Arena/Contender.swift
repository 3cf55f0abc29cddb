/// A system being compared in an arena: a model, a prompt template, a checkpoint.
public struct Contender: Sendable, Hashable, Codable {
    public var id: Int64
    public var arenaId: Int64
    /// Unique within the arena.
    public var name: String
    /// Relative sampling weight under `Sampling.weighted`.
    public var weight: Double

    public init(id: Int64, arenaId: Int64, name: String, weight: Double = 1) {
        self.id = id
        self.arenaId = arenaId
        self.name = name
        self.weight = weight
    }
}
