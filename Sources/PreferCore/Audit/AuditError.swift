/// Why an audit could not run, with what to do about it.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }

    public static func invalidGold(_ message: String) -> AuditError { AuditError(message) }

    public static let noVoters = AuditError(
        "the votes carry no voter: add a \"judge\" or \"voter\" field to each vote so that the audit can tell voters apart.")

    public static func invalidOption(_ message: String) -> AuditError { AuditError(message) }
}
