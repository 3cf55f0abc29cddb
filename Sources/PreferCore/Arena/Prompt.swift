/// An input every contender answers; battles compare two answers to one prompt.
public struct Prompt: Sendable, Hashable, Codable {
    public var id: Int64
    public var arenaId: Int64
    /// Unique within the arena.
    public var text: String
    public var category: String?

    public init(id: Int64, arenaId: Int64, text: String, category: String? = nil) {
        self.id = id
        self.arenaId = arenaId
        self.text = text
        self.category = category
    }
}
