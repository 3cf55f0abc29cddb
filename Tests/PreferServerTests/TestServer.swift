import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import PreferServer
import PreferCore
import PreferStore
import Testing
import NIOFoundationEssentialsCompat

/// An in-process Prefer server on a fresh SQLite database, with helpers that
/// send JSON, and check every JSON response against the OpenAPI document.
struct TestServer {
    static let adminKey = "test-admin-key-0123456789abcdef"
    static let openAPI = try! OpenAPIValidator(data: APIDocument.shared.data)
    /// The process's metrics system, installed once and shared by every test's router.
    static let metrics = ServerMetrics.bootstrapPrometheus()

    let client: any TestClientProtocol
    let store: any PreferStore
    /// The server's services, for awaiting what it does in the background.
    let services: PreferServices
    /// The SQLite file the server uses (for running `prefer` on the same data).
    var database = ""

    /// The port of a live server (`run(live: true)`), for a real browser.
    var port: Int? { client.port }

    struct Reply {
        var status: Int
        var headers: HTTPFields
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    }

    /// The databases a test can run on: both, unless `PREFER_SKIP_POSTGRES=1`.
    enum Database: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite
        case postgres

        var testDescription: String { rawValue }

        static var tested: [Database] {
            ProcessInfo.processInfo.environment["PREFER_SKIP_POSTGRES"] == "1" ? [.sqlite] : allCases
        }
    }

    /// Runs `body` against a new server on a new database of `database`'s
    /// kind (PostgreSQL: a database made on `PREFER_TEST_POSTGRES_URL`'s
    /// server, dropped after). `configure` adjusts the configuration. `live`
    /// serves it on a real port of localhost (for browser tests) instead of in
    /// memory. `afterShutdown` gets the store opened again once the server has
    /// stopped (and closed its own), to look at what it left.
    static func run<T: Sendable>(
        on database: Database = .sqlite,
        loadDemo: Bool = false,
        live: Bool = false,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T,
        afterShutdown: (@Sendable (any PreferStore) async throws -> Void)? = nil
    ) async throws -> T {
        var logger = Logger(label: "prefer-test")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-server-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let location: String
        var dropDatabase: () -> Void = {}
        switch database {
        case .sqlite:
            location = directory.appendingPathComponent("test.sqlite").path
        case .postgres:
            guard let admin = ProcessInfo.processInfo.environment["PREFER_TEST_POSTGRES_URL"], !admin.isEmpty else {
                throw TestSetupError("PREFER_TEST_POSTGRES_URL is not set: run scripts/with-postgres swift test, or set PREFER_SKIP_POSTGRES=1.")
            }
            let name = "prefer_server_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try psql(admin, "CREATE DATABASE \(name)")
            var components = try #require(URLComponents(string: admin))
            components.path = "/" + name
            location = try #require(components.string)
            dropDatabase = { try? psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
        defer { dropDatabase() }
        let store = try await SQLPreferStore.open(location, logger: logger, checkpointInBackground: true)  // as `prefer serve`
        do {
            try await store.migrate()
            _ = try await ServerSetup.prepare(store: store, adminKey: adminKey, loadDemo: loadDemo)
            var configuration = ServerConfiguration(metrics: metrics)
            configuration.deletedArenaExports = directory.appendingPathComponent("deleted-arenas").path
            configure(&configuration)
            let built = try await buildRouter(configuration: configuration, store: store, logger: logger)
            let services = built.services
            // The application closes the store when it stops.
            let app = Application(router: built.router, services: built.lifecycleServices, logger: logger)
            let setup: TestingSetup = live ? .live : .router
            let result = try await app.test(setup) { client in
                try await body(TestServer(client: client, store: store, services: services, database: location))
            }
            try await store.shutdown()
            guard let afterShutdown else { return result }
            let reopened = try await SQLPreferStore.open(location, logger: logger)
            do {
                try await afterShutdown(reopened)
            } catch {
                try? await reopened.shutdown()
                throw error
            }
            try await reopened.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    /// Runs a `psql` statement as the test server's administrator.
    static func psql(_ admin: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", admin, "-q", "-c", statement]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetupError("psql failed: \(statement)") }
    }

    struct TestSetupError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Sends a request. `template` is the OpenAPI path the response is checked against.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        template: String? = nil,
        json: Any? = nil,
        raw: String? = nil,
        admin: Bool = false,
        headers extra: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        var headers = extra
        if admin { headers[.authorization] = "Bearer \(Self.adminKey)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        let reply = Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        #expect(reply.status < 500, "\(method) \(uri) gave \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
        if let template { check(reply, method: method, template: template, sourceLocation: sourceLocation) }
        return reply
    }

    /// The reply matches the documented schema for its status.
    func check(_ reply: Reply, method: HTTPRequest.Method, template: String, sourceLocation: SourceLocation) {
        let verb = method.rawValue.lowercased()
        #expect(Self.openAPI.isDocumented(method: verb, path: template, status: reply.status),
                "\(verb) \(template) returned undocumented status \(reply.status)", sourceLocation: sourceLocation)
        guard let schema = Self.openAPI.responseSchema(method: verb, path: template, status: reply.status) else { return }
        #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        guard let value = try? JSONSerialization.jsonObject(with: reply.body) else {
            Issue.record("\(verb) \(template): body is not JSON: \(reply.text)", sourceLocation: sourceLocation)
            return
        }
        let problems = Self.openAPI.problems(value, schema)
        #expect(problems.isEmpty, "\(verb) \(template) \(reply.status): \(problems)", sourceLocation: sourceLocation)
    }

    // MARK: Conveniences

    /// Waits until the leaderboard cache holds a board of `arena` computed
    /// from at least `votes` votes (the server's default rounds and seed
    /// unless given): what a test awaits instead of polling for a refresh.
    func boardHolds(
        _ arena: String, votes: Int, rounds: Int? = nil, seed: UInt64? = nil, includeFlagged: Bool = false
    ) async throws {
        let index = try await services.directory.index(arena)
        _ = try await services.leaderboards.computed(
            arena: index.arena.id, rounds: rounds ?? services.configuration.leaderboardRounds,
            seed: seed ?? services.configuration.leaderboardSeed, includeFlagged: includeFlagged, votes: votes)
    }

    @discardableResult
    func createArena(_ fields: [String: Any]) async throws -> [String: Any] {
        let reply = try await send(.post, "/api/arenas", template: "/api/arenas", json: fields, admin: true)
        #expect(reply.status == 201, "\(reply.text)")
        return reply.json
    }

    /// An arena with `contenders` × `prompts` text outputs, via the import endpoint.
    @discardableResult
    func makeArena(_ name: String, contenders: [String] = ["alpha", "beta", "gamma"], prompts: Int = 5, extra: [String: Any] = [:]) async throws -> [String: Any] {
        let arena = try await createArena(["name": name].merging(extra) { a, _ in a })
        var lines: [String] = []
        for p in 0..<prompts {
            for (k, c) in contenders.enumerated() {
                let line = try JSONSerialization.data(withJSONObject: ["prompt": "Prompt \(p)?", "contender": c, "content": "Answer \(p) [\(k)]", "category": "general"])
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        let reply = try await send(.post, "/api/arenas/\(name)/import", template: "/api/arenas/{arena}/import",
                                   raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
        #expect(reply.status == 201, "\(reply.text)")
        return arena
    }

    /// Which contender (index into `makeArena`'s list) wrote an output's content.
    static func author(_ side: Any?) -> Int {
        let content = (side as! [String: Any])["content"] as! String
        return Int(content.split(separator: "[").last!.dropLast())!
    }

    func battle(_ arena: String, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.post, "/api/arenas/\(arena)/battles", template: "/api/arenas/{arena}/battles", headers: headers)
    }

    func vote(_ battle: String, _ fields: [String: Any]) async throws -> Reply {
        try await send(.post, "/api/battles/\(battle)/vote", template: "/api/battles/{battle}/vote", json: fields)
    }
}

