import Foundation
import Hummingbird
import NIOCore

/// A JSON request body with a fixed set of fields (snake_case), so that a
/// misspelt field is an error instead of being silently ignored.
protocol StrictRequestBody: Decodable {
    static var fields: [String] { get }
    /// A direct reading of the parsed object, for hot paths; nil falls back to JSONDecoder.
    static func read(_ object: [String: Any]) throws -> Self?
}

extension StrictRequestBody {
    static func read(_ object: [String: Any]) throws -> Self? { nil }
}

/// Reads JSON request bodies strictly: bounded size, valid JSON, an object,
/// no unknown fields, every field of the right type — each failure a 4xx
/// `APIError` naming the field.
enum RequestDecoding {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func decode<T: StrictRequestBody>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        return try decode(type, from: Data(buffer: buffer))
    }

    static func decode<T: StrictRequestBody>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw APIError.malformedJSON("the body is empty") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.malformedJSON(describe(error))
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.malformedJSON("expected a JSON object ({…}) at the top level")
        }
        for key in dictionary.keys.sorted() where !T.fields.contains(key) {
            throw APIError.unknownField(key, allowed: T.fields)
        }
        if let direct = try T.read(dictionary) { return direct }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw translate(error)
        }
    }

    /// A short reason from a JSONSerialization error.
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let reason = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return reason }
        return nsError.localizedDescription
    }

    // MARK: Reading fields of a parsed object (for `StrictRequestBody.read`)

    static func string(_ object: [String: Any], _ key: String, required: Bool = false) throws -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw APIError.missingField(key) }
            return nil
        }
        guard let text = value as? String else {
            throw APIError.invalidField(key, "The field \"\(key)\" has the wrong type: expected a string.")
        }
        return text
    }

    static func integer(_ object: [String: Any], _ key: String) throws -> Int? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
              let int = Int(exactly: number.doubleValue) else {
            throw APIError.invalidField(key, "The field \"\(key)\" has the wrong type: expected an integer.")
        }
        return int
    }

    static func stringMap(_ object: [String: Any], _ key: String) throws -> [String: String]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let map = value as? [String: Any] else {
            throw APIError.invalidField(key, "The field \"\(key)\" has the wrong type: expected an object.")
        }
        var out: [String: String] = [:]
        for (name, item) in map {
            guard let text = item as? String else {
                throw APIError.invalidField("\(key).\(name)", "The field \"\(key).\(name)\" has the wrong type: expected a string.")
            }
            out[name] = text
        }
        return out
    }

    static func fieldName(_ path: [any CodingKey]) -> String {
        path.map { key in
            if let index = key.intValue { return "[\(index)]" }
            return snakeCase(key.stringValue)
        }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase {
                out += "_" + ch.lowercased()
            } else {
                out.append(ch)
            }
        }
        return out
    }

    static func translate(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(fieldName(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            let field = fieldName(context.codingPath)
            return .invalidField(field, "The field \"\(field)\" has the wrong type: expected \(typeName(type)).")
        case .valueNotFound(let type, let context):
            let field = fieldName(context.codingPath)
            return .invalidField(field, "The field \"\(field)\" must be \(typeName(type)), not null.")
        case .dataCorrupted(let context):
            let field = fieldName(context.codingPath)
            if field.isEmpty { return .malformedJSON(context.debugDescription) }
            return .invalidField(field, "The field \"\(field)\" is invalid: \(context.debugDescription)")
        @unknown default:
            return .malformedJSON("\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "\(type)".contains("Dictionary") ? "an object" : "a value of type \(type)"
        }
    }
}
