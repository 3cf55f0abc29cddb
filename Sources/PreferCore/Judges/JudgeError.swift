/// A judge that cannot be defined or run as asked, said so the user can fix it.
public struct JudgeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The setting at fault, if one.
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { message }

    /// A template whose placeholders are wrong.
    public static func template(_ problem: String) -> JudgeError {
        JudgeError("The judge's template is not valid: \(problem).", field: "template")
    }

    /// A setting out of its range.
    public static func setting(_ field: String, _ problem: String) -> JudgeError {
        JudgeError("\(field) \(problem).", field: field)
    }
}
