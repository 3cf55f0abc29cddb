import Foundation

/// The OpenAPI document (`openapi.json`, beside the sources): the one
/// definition of the JSON API. swift-openapi-generator makes the request and
/// response types and the server interface from it at build time; at run
/// time the server serves it at `/openapi.json` and reads two things from it:
/// which security each operation has (so that each route lands in the group
/// with the right authenticator, `OperationRouter`), and the fields each
/// request body accepts (for the message of an unknown-field error).
struct APIDocument: Sendable {
    /// Who may call an operation, from its `security` list.
    enum Access: Sendable, Hashable {
        /// `security: []`: anyone.
        case open
        /// A session cookie, an invite token or no credentials at all (a
        /// first-time visitor gets a session).
        case annotator
        /// An API key, an invite token or no credentials at all (no session).
        case reader
        /// An API key whose role includes this one.
        case key(Role)
    }

    struct Operation: Sendable {
        var id: String
        var access: Access
        /// The properties of the JSON request body's schema, if it has one.
        var bodyFields: [String]
        /// The query parameters, with the type (and allowed values) of each.
        var query: [String: QueryParameter] = [:]

        /// The first query item of `path` (a request target) whose value
        /// its parameter's type cannot take, and what it should be: the
        /// generated decoders say only that some value failed.
        /// The first required query parameter (by name) that `path` (a
        /// request target) leaves out, with what the document says it is.
        func missingQueryItem(in path: String?) -> (name: String, description: String?)? {
            var present = Set<String>()
            if let path, let question = path.firstIndex(of: "?") {
                for pair in path[path.index(after: question)...].split(separator: "&") {
                    let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    present.insert(String(name).removingPercentEncoding ?? String(name))
                }
            }
            return query.filter { $0.value.required && !present.contains($0.key) }.min { $0.key < $1.key }
                .map { ($0.key, $0.value.description) }
        }

        func invalidQueryItem(in path: String?) -> (name: String, expected: String, value: String)? {
            guard let path, let question = path.firstIndex(of: "?") else { return nil }
            for pair in path[path.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])) : ""
                guard let parameter = query[name], !parameter.accepts(value) else { continue }
                return (name, parameter.expected, value)
            }
            return nil
        }
    }

    /// A query parameter's scalar type, as far as decoding it goes.
    struct QueryParameter: Sendable {
        var type: String
        var allowed: [String]?
        /// What the document says it is, for the message when it is missing.
        var description: String? = nil
        var required = false

        func accepts(_ value: String) -> Bool {
            if let allowed { return allowed.contains(value) }
            switch type {
            case "integer": return Int64(value) != nil
            case "number": return Double(value) != nil
            case "boolean": return value == "true" || value == "false"
            default: return true
            }
        }

        var expected: String {
            if let allowed { return "one of " + allowed.joined(separator: ", ") }
            switch type {
            case "integer": return "an integer"
            case "number": return "a number"
            case "boolean": return "true or false"
            default: return "a string"
            }
        }
    }

    /// The document's bytes, as served.
    let data: Data
    /// Operations by "method path", e.g. "post /api/arenas/{arena}/battles".
    let operations: [String: Operation]

    static let shared: APIDocument = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("openapi.json is missing from the PreferServer bundle")
        }
        do {
            return try APIDocument(data: data)
        } catch {
            preconditionFailure("openapi.json cannot be read: \(error)")
        }
    }()

    init(data: Data) throws {
        self.data = data
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let paths = root["paths"] as? [String: [String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let schemas = (root["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        var operations: [String: Operation] = [:]
        for (path, item) in paths {
            let shared = item["parameters"] as? [[String: Any]] ?? []
            for (method, value) in item where method != "parameters" {
                guard let operation = value as? [String: Any], let id = operation["operationId"] as? String else { continue }
                let security = operation["security"] as? [[String: [String]]] ?? root["security"] as? [[String: [String]]] ?? []
                var query: [String: QueryParameter] = [:]
                for parameter in shared + (operation["parameters"] as? [[String: Any]] ?? []) where parameter["in"] as? String == "query" {
                    guard let name = parameter["name"] as? String, let schema = parameter["schema"] as? [String: Any] else { continue }
                    query[name] = QueryParameter(
                        type: schema["type"] as? String ?? "string", allowed: schema["enum"] as? [String],
                        description: parameter["description"] as? String, required: parameter["required"] as? Bool ?? false)
                }
                operations["\(method) \(path)"] = Operation(
                    id: id, access: Self.access(security), bodyFields: Self.bodyFields(operation, schemas: schemas), query: query)
            }
        }
        self.operations = operations
    }

    /// The operation at `method` (any case) and `path` (OpenAPI's `{name}` form).
    func operation(method: String, path: String) -> Operation? {
        operations["\(method.lowercased()) \(path)"]
    }

    /// The documented methods of the path template `path` (the request
    /// target, its query left out) matches, or nil when no template does.
    func methods(matching path: String) -> [String]? {
        let segments = Self.segments(path)
        var found: Set<String> = []
        for key in operations.keys {
            let parts = key.split(separator: " ", maxSplits: 1)
            let template = Self.segments(String(parts[1]))
            guard template.count == segments.count,
                  zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            found.insert(parts[0].uppercased())
        }
        return found.isEmpty ? nil : found.sorted()
    }

    private static func segments(_ path: String) -> [Substring] {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return bare.split(separator: "/")
    }

    func operation(id: String) -> Operation? {
        operations.values.first { $0.id == id }
    }

    /// Annotator routes accept a session cookie or an invite token (or
    /// nothing); key routes need the lowest role any requirement names.
    static func access(_ security: [[String: [String]]]) -> Access {
        if security.isEmpty { return .open }
        if security.contains(where: { $0.keys.contains("sessionCookie") }) { return .annotator }
        if security.contains(where: { $0.keys.contains("inviteToken") }) { return .reader }
        let roles = security.compactMap { $0["apiKey"] }.flatMap { $0 }.compactMap(Role.init(rawValue:))
        return .key(roles.min() ?? .owner)
    }

    static func bodyFields(_ operation: [String: Any], schemas: [String: Any]) -> [String] {
        guard let body = operation["requestBody"] as? [String: Any],
              let content = body["content"] as? [String: Any],
              let json = content["application/json"] as? [String: Any],
              var schema = json["schema"] as? [String: Any] else { return [] }
        if let ref = schema["$ref"] as? String, let named = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
            schema = named
        }
        return ((schema["properties"] as? [String: Any])?.keys).map { Array($0).sorted() } ?? []
    }
}
