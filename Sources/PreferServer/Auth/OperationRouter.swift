import HTTPTypes
import Hummingbird
import HummingbirdAuth
import OpenAPIHummingbird
import OpenAPIRuntime
import PreferStore

/// Where the generated server registers its operations: each lands in the
/// route group whose middleware its `security` in the OpenAPI document asks
/// for — open routes without authentication, annotator routes behind
/// `AnnotatorAuthenticator`, key routes behind `APIKeyAuthenticator` and the
/// role policy of the role they name. Authorisation is therefore by
/// construction: a new operation is protected as its document entry says,
/// with no call to remember in its handler, and one without a document entry
/// cannot be registered at all. Every change made with an API key (any
/// method but GET) that succeeds is written to the admin action log the same
/// way: who (the key's name), what (the operation), on what (the path), when.
///
/// An operation may have a shortcut: tried first, in the same route group
/// (so behind the same authentication), it answers the requests it knows how
/// to answer faster and passes the rest on, with their body, to the
/// generated handler (`PreferAPI.leaderboardShortcut`, the battle and vote
/// shortcuts). A shortcut answers byte for byte as the generated handler
/// would; tests hold each pair equal.
struct OperationRouter: ServerTransport {
    typealias Context = PreferRequestContext

    let document: APIDocument
    let open: RouterGroup<Context>
    let annotator: RouterGroup<Context>
    let reader: RouterGroup<Context>
    let keys: [Role: RouterGroup<Context>]
    /// Writes an admin action to the log.
    let log: @Sendable (NewAuditEntry) async -> Void
    /// Shortcuts by operation id.
    let shortcuts: [String: Shortcut]

    typealias Handler = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    typealias Shortcut = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> ShortcutAnswer

    /// What a shortcut did with a request.
    enum ShortcutAnswer {
        case answered(HTTPResponse, HTTPBody?)
        /// Left to the generated handler, with the request's body (which
        /// the shortcut may have read: then the bytes it read).
        case passed(HTTPBody?)
    }

    init(
        router: Router<Context>, document: APIDocument, keyRing: KeyRing, annotatorAuthenticator: AnnotatorAuthenticator,
        shortcuts: [String: Shortcut] = [:], log: @escaping @Sendable (NewAuditEntry) async -> Void = { _ in }
    ) {
        self.document = document
        self.log = log
        self.shortcuts = shortcuts
        open = router.group()
        annotator = router.group()
            .add(middleware: annotatorAuthenticator)
            .add(middleware: IdentityScopeMiddleware())
        var readers = annotatorAuthenticator
        readers.sessions = .never
        reader = router.group()
            .add(middleware: readers)
            .add(middleware: IdentityScopeMiddleware())
        var keys: [Role: RouterGroup<Context>] = [:]
        for role in Role.allCases {
            keys[role] = router.group()
                .add(middleware: APIKeyAuthenticator(keys: keyRing))
                .add(middleware: AuthorizationPolicyMiddleware(RolePolicy<PreferIdentity>(role), deniedError: PreferError.insufficientRole(role), context: Context.self))
                .add(middleware: IdentityScopeMiddleware())
        }
        self.keys = keys
    }

    struct UndocumentedOperation: Error, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var description: String { "\(method) \(path) is not in openapi.json: every API route is defined there first." }
    }

    func register(_ generated: @escaping Handler, method: HTTPRequest.Method, path: String) throws {
        guard let operation = document.operation(method: method.rawValue, path: path) else {
            throw UndocumentedOperation(method: method, path: path)
        }
        let handler: Handler =
            if let shortcut = shortcuts[operation.id] {
                { request, body, metadata in
                    switch try await shortcut(request, body, metadata) {
                    case .answered(let response, let responseBody): return (response, responseBody)
                    case .passed(let body): return try await generated(request, body, metadata)
                    }
                }
            } else {
                generated
            }
        let group = switch operation.access {
        case .open: open
        case .annotator: annotator
        case .reader: reader
        case .key(let role): keys[role]!
        }
        guard case .key = operation.access, method != .get else {
            group.register(handler, method: method, path: path)
            return
        }
        let log = self.log
        group.register({ request, body, metadata in
            let (response, responseBody) = try await handler(request, body, metadata)
            if response.status.code < 400, case .key(let actor, _) = RequestScope.identity {
                let target = String((request.path ?? path).split(separator: "?", maxSplits: 1).first ?? "")
                await log(NewAuditEntry(
                    actor: actor, operation: operation.id, method: method.rawValue, path: target, status: response.status.code))
            }
            return (response, responseBody)
        }, method: method, path: path)
    }
}
