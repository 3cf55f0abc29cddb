/// What kind of output a contender produced, which decides how a page shows it.
public enum Media: String, Sendable, Hashable, Codable, CaseIterable {
    case text, image, audio, video
    /// A 3D asset (glTF, OBJ…), shown as a link or preview image.
    case model3d
}
