import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import PreferCommands
import Synchronization
import Testing

/// End to end: `prefer serve` as a process, several clients voting, `kill -9`
/// mid-stream, a restart — every acknowledged vote must be there exactly
/// once, and votes in flight at the kill, retried with their client vote id,
/// must end up stored exactly once too.
@Suite("Nothing lost", .serialized)
struct DurabilityTests {
    static let adminKey = "durability-admin-key-0123456789"

    enum Kind: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    /// A fresh database for the server: a path, or a new PostgreSQL database.
    static func database(_ kind: Kind) throws -> String? {
        switch kind {
        case .sqlite:
            return nil
        case .postgres:
            let environment = ProcessInfo.processInfo.environment
            guard let admin = environment["PREFER_TEST_POSTGRES_URL"], !admin.isEmpty else {
                if environment["PREFER_SKIP_POSTGRES"] == "1" { return "skip" }
                Issue.record("PREFER_TEST_POSTGRES_URL is not set: run ./scripts/test (or scripts/with-postgres swift test), or set PREFER_SKIP_POSTGRES=1.")
                return "skip"
            }
            let name = "prefer_durability_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            psql.arguments = ["psql", admin, "-q", "-c", "CREATE DATABASE \(name)"]
            try psql.run()
            psql.waitUntilExit()
            #expect(psql.terminationStatus == 0, "psql could not create the test database")
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            return components.string!
        }
    }

    final class Ledger: Sendable {
        let stop = Atomic<Bool>(false)
        /// client vote id → vote id, for every 201.
        let acknowledged = Mutex<[String: Int]>([:])
        /// (battle, client vote id) of votes whose response never came.
        let inFlight = Mutex<[(String, String)]>([])
    }

    static func post(_ url: URL, json: String?, cookie: String? = nil) async throws -> (Int, [String: Any], String?) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = 10
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (http.statusCode, object, http.value(forHTTPHeaderField: "Set-Cookie"))
    }

    @Test(arguments: Kind.allCases)
    func acknowledgedVotesSurviveKill9(_ kind: Kind) async throws {
        let database = try Self.database(kind)
        if database == "skip" { return }
        let environment = ["PREFER_ADMIN_KEY": Self.adminKey]
        let server = try SpawnedServer.start(database: database, executable: PreferProcess.executable, environment: environment)
        defer { server.stop() }
        let base = server.url
        let ledger = Ledger()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    var n = 0
                    while !ledger.stop.load(ordering: .relaxed) {
                        n += 1
                        let battle: (Int, [String: Any], String?)
                        do {
                            battle = try await Self.post(base.appendingPathComponent("api/arenas/demo/battles"), json: nil)
                        } catch {
                            return  // the server is gone
                        }
                        guard battle.0 == 201, let id = battle.1["battle"] as? String else { continue }
                        let clientId = "k\(client)-\(n)"
                        let body = #"{"choice":"\#(["left", "right", "tie"][n % 3])","client_vote_id":"\#(clientId)"}"#
                        do {
                            let vote = try await Self.post(base.appendingPathComponent("api/battles/\(id)/vote"), json: body)
                            if vote.0 == 201, let voteId = vote.1["id"] as? Int {
                                ledger.acknowledged.withLock { $0[clientId] = voteId }
                            }
                        } catch {
                            ledger.inFlight.withLock { $0.append((id, clientId)) }
                            return
                        }
                    }
                }
            }
            group.addTask {
                // Let votes flow, then kill the server mid-stream.
                while ledger.acknowledged.withLock({ $0.count }) < 150 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                server.kill()
                ledger.stop.store(true, ordering: .relaxed)
            }
            try await group.waitForAll()
        }

        let acknowledged = ledger.acknowledged.withLock { $0 }
        let inFlight = ledger.inFlight.withLock { $0 }
        #expect(acknowledged.count >= 150)

        let restarted = try server.restarted()
        defer { restarted.stop() }
        // Retrying what was in flight: stored now, or found stored before the kill — never twice.
        for (battle, clientId) in inFlight {
            let body = #"{"choice":"left","client_vote_id":"\#(clientId)"}"#
            let retry = try await Self.post(base.appendingPathComponent("api/battles/\(battle)/vote"), json: body)
            #expect(retry.0 == 201 || retry.0 == 200, "retry of \(clientId): \(retry.0) \(retry.1)")
        }

        var request = URLRequest(url: base.appendingPathComponent("api/arenas/demo/votes"))
        request.setValue("Bearer \(Self.adminKey)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        var stored: [String: [Int]] = [:]
        var total = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let vote = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            total += 1
            if let clientId = vote["client_vote_id"] as? String { stored[clientId, default: []].append(vote["id"] as! Int) }
        }
        for (clientId, voteId) in acknowledged {
            #expect(stored[clientId] == [voteId], "acknowledged vote \(clientId) (id \(voteId)) stored as \(stored[clientId] ?? [])")
        }
        for (_, clientId) in inFlight {
            #expect(stored[clientId]?.count == 1, "in-flight vote \(clientId) stored \(stored[clientId]?.count ?? 0) times")
        }
        #expect(total == stored.values.reduce(0) { $0 + $1.count })
        #expect(stored.values.allSatisfy { $0.count == 1 })
        print("durability (\(kind.rawValue)): \(acknowledged.count) acknowledged, \(inFlight.count) in flight at kill -9, \(total) stored after restart")
    }
}
