import Foundation
import HTTPTypes
import Hummingbird
@testable import PreferServer
import Testing
import Logging

/// Authorisation by construction: every route of the router, as it is built,
/// is checked against the security the OpenAPI document gives it — so a
/// route added later cannot slip through unprotected.
@Suite("Authorisation")
struct AuthorisationTests {
    /// A request target for a route: path parameters filled in.
    static func target(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") ? "no-such-thing" : String(segment)
        }.joined(separator: "/")
    }

    @Test func everyKeyRouteRefusesNoKeyAndAWrongKey() async throws {
        try await TestServer.run { server in
            let built = try await buildRouter(configuration: ServerConfiguration(), store: server.store, logger: .init(label: "t"))
            var checked = 0
            for route in built.apiRoutes.sorted() {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]).uppercased())!
                let path = String(parts[1])
                let operation = try #require(APIDocument.shared.operation(method: method.rawValue, path: path), "\(route) is not in the document")
                guard case .key = operation.access else { continue }
                let missing = try await server.send(method, Self.target(path), raw: "{}", headers: [.contentType: "application/json"])
                #expect(missing.status == 401 && missing.errorCode == "missing_admin_key", "\(route) without a key: \(missing.status) \(missing.text)")
                let wrong = try await server.send(method, Self.target(path), raw: "{}", headers: [.contentType: "application/json", .authorization: "Bearer not-a-key-of-this-server"])
                #expect(wrong.status == 403 && wrong.errorCode == "wrong_admin_key", "\(route) with a wrong key: \(wrong.status) \(wrong.text)")
                checked += 1
            }
            #expect(checked >= 10, "only \(checked) key routes found")
        }
    }

    @Test func everyRouteIsInTheDocumentOrAPage() async throws {
        try await TestServer.run { server in
            let built = try await buildRouter(configuration: ServerConfiguration(), store: server.store, logger: .init(label: "t"))
            for route in built.apiRoutes {
                let parts = route.split(separator: " ", maxSplits: 1)
                #expect(APIDocument.shared.operation(method: String(parts[0]), path: String(parts[1])) != nil, "\(route) is served but not documented")
            }
            let all = Set(built.router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
            #expect(all == built.apiRoutes.union(PagesController.routes))
        }
    }

    @Test func undocumentedOperationsCannotBeRegistered() async throws {
        try await TestServer.run { server in
            let router = Router(context: PreferRequestContext.self)
            let secrets = try await ServerSecrets.load(from: server.store)
            let keys = KeyRing(store: server.store)
            let operations = OperationRouter(
                router: router, document: APIDocument.shared, keyRing: keys,
                annotatorAuthenticator: AnnotatorAuthenticator(keys: keys, store: server.store, cookies: SessionCookies(secrets: secrets, secure: false)))
            #expect(throws: OperationRouter.UndocumentedOperation.self) {
                try operations.register({ _, _, _ in (HTTPResponse(status: .ok), nil) }, method: .get, path: "/api/secret-admin-thing")
            }
        }
    }
}
