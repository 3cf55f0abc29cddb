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

    public init(id: Int64, promptId: Int64, contenderId: Int64, content: String, media: Media = .text, url: String? = nil) {
        self.id = id
        self.promptId = promptId
        self.contenderId = contenderId
        self.content = content
        self.media = media
        self.url = url
    }
}
