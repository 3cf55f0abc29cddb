import Foundation
/// Names the field of a request body or parameter that failed to decode, as
/// the API's errors do: `missing_field`, `unknown_field` (a misspelt field is
/// an error, not ignored: the document's request schemas say
/// `additionalProperties: false` and the generated types enforce it), or
/// `invalid_field` with the expected type.
enum DecodingFailure {
    static func translate(_ error: DecodingError, allowed: [String]) -> PreferError {
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(fieldName(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            let field = fieldName(context.codingPath)
            if field.isEmpty { return .malformedJSON("expected \(typeName(type)) at the top level") }
            return .invalidField(field, "The field \"\(field)\" has the wrong type: expected \(typeName(type)).")
        case .valueNotFound(let type, let context):
            let field = fieldName(context.codingPath)
            return .invalidField(field, "The field \"\(field)\" must be \(typeName(type)), not null.")
        case .dataCorrupted(let context):
            let field = fieldName(context.codingPath)
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                return .unknownField(field, allowed: context.codingPath.count == 1 ? allowed : [])
            }
            if field.isEmpty { return .malformedJSON(context.underlyingError.map { "\($0)" } ?? context.debugDescription) }
            return .invalidField(field, "The field \"\(field)\" is invalid: \(context.debugDescription)")
        @unknown default:
            return .malformedJSON("\(error)")
        }
    }

    /// "criteria.helpfulness", "names[2]".
    static func fieldName(_ path: [any CodingKey]) -> String {
        path.map { key in
            if let index = key.intValue { return "[\(index)]" }
            return key.stringValue
        }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "\(type)".contains("Dictionary") ? "an object" : "a value of the documented type"
        }
    }
}
