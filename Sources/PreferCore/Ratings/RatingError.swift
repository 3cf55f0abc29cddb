/// A problem with what was asked of the rating engine, with a message that
/// says what to change.
public struct RatingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    public static func unknownAnchor(_ name: String, known: [String]) -> RatingError {
        RatingError("--anchor names \"\(name)\", which is not a contender in these votes (contenders: \(listNames(known.sorted(), limit: 10))).")
    }

    public static let noVotes = RatingError("No votes to rank: the input is empty or every row was filtered out.")

    public static func invalidOption(_ message: String) -> RatingError { RatingError(message) }
}
