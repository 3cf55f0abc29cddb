import Foundation

/// Checks JSON values against the schemas of Prefer's OpenAPI document — the
/// subset of JSON Schema it uses (type, properties, required,
/// additionalProperties, items, enum, oneOf, $ref, minimum/maximum) — so that
/// tests keep the document true to what the server sends.
/// Immutable after init (the parsed document is only read).
struct OpenAPIValidator: @unchecked Sendable {
    let document: [String: Any]

    init(data: Data) throws {
        document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    var paths: [String: Any] { document["paths"] as! [String: Any] }

    /// "post /api/arenas" for every operation in the document.
    var operations: Set<String> {
        var out: Set<String> = []
        for (path, item) in paths {
            for key in (item as! [String: Any]).keys where key != "parameters" {
                out.insert("\(key) \(path)")
            }
        }
        return out
    }

    /// The JSON response schema of an operation for a status, if documented.
    func responseSchema(method: String, path: String, status: Int) -> [String: Any]? {
        guard let item = paths[path] as? [String: Any],
              let operation = item[method.lowercased()] as? [String: Any],
              let responses = operation["responses"] as? [String: Any],
              let declared = responses[String(status)] as? [String: Any] else { return nil }
        // A response may be a reference to one of `components/responses`.
        let response = resolve(declared)
        let content = response["content"] as? [String: Any]
        return (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    func isDocumented(method: String, path: String, status: Int) -> Bool {
        guard let item = paths[path] as? [String: Any],
              let operation = item[method.lowercased()] as? [String: Any],
              let responses = operation["responses"] as? [String: Any] else { return false }
        return responses[String(status)] != nil
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") {
            node = (node as! [String: Any])[String(part)]!
        }
        return resolve(node as! [String: Any])
    }

    /// Problems found in `value` against `schema`, with JSON paths.
    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(schema)
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { problems(value, $0, at: path).isEmpty }
            return matching.count == 1 ? [] : ["\(path): matches \(matching.count) of the oneOf schemas"]
        }
        var out: [String] = []
        if let types = schema["type"] as? [String] {
            // OpenAPI 3.1's type lists (["string", "null"]): any one will do.
            if !types.contains(where: { problems(value, schema.merging(["type": $0]) { $1 }, at: path).isEmpty }) {
                return ["\(path): expected one of \(types), got \(value)"]
            }
            return []
        }
        if let type = schema["type"] as? String {
            let ok: Bool
            switch type {
            case "null": ok = value is NSNull
            case "object": ok = value is [String: Any]
            case "array": ok = value is [Any]
            case "string": ok = value is String
            case "boolean": ok = (value as? NSNumber).map(isBool) ?? false
            case "integer": ok = (value as? NSNumber).map { !isBool($0) && $0.doubleValue == $0.doubleValue.rounded() } ?? false
            case "number": ok = (value as? NSNumber).map { !isBool($0) } ?? false
            default: ok = true
            }
            if !ok { return ["\(path): expected \(type), got \(value)"] }
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            out.append("\(path): \(value) is not one of \(allowed)")
        }
        if let minimum = schema["minimum"] as? Double, let n = value as? NSNumber, n.doubleValue < minimum {
            out.append("\(path): \(n) < minimum \(minimum)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                out.append("\(path): missing required \(key)")
            }
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += problems(child, sub, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    out += problems(child, extra, at: "\(path).\(key)")
                } else if (schema["additionalProperties"] as? Bool) == false {
                    out.append("\(path): undocumented property \(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (k, child) in array.enumerated() { out += problems(child, items, at: "\(path)[\(k)]") }
        }
        return out
    }

    private func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}
