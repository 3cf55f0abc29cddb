import Foundation

/// One contender's answer to one prompt: text (markdown) inline, or media by URL.
public struct Output: Sendable, Hashable, Codable {
    public var id: Int64
    public var promptId: Int64
    public var contenderId: Int64
    /// Text or markdown; for media, an optional caption or alt text.
    public var content: String
    public var media: Media
    /// Where the image, audio, video or 3D asset lives.
    public var url: String?
    /// When it was withdrawn (or replaced): no longer shown in new battles;
    /// votes cast on it keep naming it.
    public var withdrawnAt: Date?
    /// The output that replaced it, if one did.
    public var replacedBy: Int64?

    public init(
        id: Int64, promptId: Int64, contenderId: Int64, content: String, media: Media = .text, url: String? = nil,
        withdrawnAt: Date? = nil, replacedBy: Int64? = nil
    ) {
        self.id = id
        self.promptId = promptId
        self.contenderId = contenderId
        self.content = content
        self.media = media
        self.url = url
        self.withdrawnAt = withdrawnAt
        self.replacedBy = replacedBy
    }

    public var isCurrent: Bool { withdrawnAt == nil }
}
