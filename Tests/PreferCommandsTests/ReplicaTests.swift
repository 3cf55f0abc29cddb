import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// `prefer serve` processes as a deployment runs them: two replicas on one
/// PostgreSQL database that must agree, and a server stopped with SIGTERM
/// that must answer what it accepted.
@Suite("Replicas and shutdown", .serialized, .timeLimit(.minutes(5)))
struct ReplicaTests {
    static let adminKey = "replica-admin-key-0123456789"
    /// `--sync-interval` of the replicas, in seconds.
    static let syncInterval = 0.25
    /// The delay after which replicas must agree: the sync interval, a fit of
    /// a small arena (20 bootstrap rounds, milliseconds) and a wide margin for
    /// a loaded 2-core machine. docs/deployment.md states the bound.
    static let agreementDelay: Duration = .seconds(2)

    /// A `prefer serve` process with its stderr kept in a file.
    final class Server: @unchecked Sendable {
        // @unchecked: Process and FileHandle are not Sendable; the tests only read them.
        private(set) var process: Process
        private(set) var url: URL
        private(set) var log: URL

        /// Starts `prefer serve` on a free port and returns once it is the
        /// one listening there. A port found free can be taken by another
        /// test's server before this one binds it: then this server stops with
        /// "already in use" (and a probe would reach the other one), so it is
        /// started again on another port — readiness is this server's own
        /// banner, printed once it listens, not a connect to the port.
        init(database: String, arguments: [String] = [], directory: URL) throws {
            var attempt = 0
            while true {
                attempt += 1
                let port = try Self.freePort()
                let log = directory.appendingPathComponent("serve-\(port).log")
                FileManager.default.createFile(atPath: log.path, contents: nil)
                let process = Process()
                process.executableURL = PreferProcess.executable
                process.arguments = [
                    "serve", "--port", String(port), "--database", database, "--no-demo", "--log-level", "info",
                    "--leaderboard-rounds", "20", "--leaderboard-refresh", "0", "--sync-interval", String(ReplicaTests.syncInterval),
                ] + arguments
                process.environment = ProcessInfo.processInfo.environment.merging(["PREFER_ADMIN_KEY": ReplicaTests.adminKey]) { _, new in new }
                let handle = try FileHandle(forWritingTo: log)
                process.standardOutput = handle
                process.standardError = handle
                try process.run()
                self.process = process
                self.log = log
                url = URL(string: "http://127.0.0.1:\(port)")!
                switch Self.waitUntilListening(process, port: port, log: log) {
                case .listening:
                    return
                case .portTaken where attempt < 5:
                    continue
                case .portTaken, .exited:
                    throw ServerFailure("prefer serve exited (\(process.terminationStatus)) before listening: \(logText)")
                case .timedOut:
                    process.terminate()
                    throw ServerFailure("prefer serve did not answer within 60 s: \(logText)")
                }
            }
        }

        enum Start { case listening, portTaken, exited, timedOut }

        static func waitUntilListening(_ process: Process, port: Int, log: URL) -> Start {
            let banner = "Prefer is running at http://127.0.0.1:\(port)"
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                guard process.isRunning else {
                    return text.contains("already in use") ? .portTaken : .exited
                }
                // The banner is printed once the server listens; the connect() then
                // reaches it (Foundation's Data(contentsOf:) has no timeout of its own).
                if text.contains(banner) && accepts(port: port) { return .listening }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return .timedOut
        }

        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        /// Whether something listens on 127.0.0.1:`port` (a TCP connect succeeds).
        static func accepts(port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            return connected == 0
        }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else { throw ServerFailure("no free port") }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    struct ServerFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
        var text: String
    }

    static func request(_ method: String, _ url: URL, body: String? = nil, contentType: String = "application/json", admin: Bool = false) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 15
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if admin { request.setValue("Bearer \(adminKey)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: status, json: json, text: String(decoding: data, as: UTF8.self))
    }

    /// Votes acknowledged (201) by client vote id, and those whose answer never came.
    final class Ledger: Sendable {
        let stop = Atomic<Bool>(false)
        private let state = Mutex<(acknowledged: [String: Int], waiters: [(count: Int, resume: CheckedContinuation<Void, Never>)])>(([:], []))
        let inFlight = Mutex<[(server: Int, battle: String, clientId: String)]>([])
        let timedOut = Mutex<[String]>([])
        let refused = Mutex<[String]>([])
        /// How long the server took to exit after SIGTERM.
        let stoppedIn = Mutex<Duration?>(nil)

        var acknowledged: [String: Int] { state.withLock { $0.acknowledged } }
        var count: Int { state.withLock { $0.acknowledged.count } }

        func acknowledge(_ clientId: String, id: Int) {
            let ready = state.withLock { state in
                state.acknowledged[clientId] = id
                let ready = state.waiters.filter { $0.count <= state.acknowledged.count }
                state.waiters.removeAll { $0.count <= state.acknowledged.count }
                return ready
            }
            for waiter in ready { waiter.resume.resume() }
        }

        /// Returns once `count` votes are acknowledged (the suite's time limit bounds the wait).
        func reached(_ count: Int) async {
            await withCheckedContinuation { resume in
                let now = state.withLock { state in
                    if state.acknowledged.count >= count { return true }
                    state.waiters.append((count, resume))
                    return false
                }
                if now { resume.resume() }
            }
        }
    }

    /// `clients` loops drawing a battle from one server and voting on it
    /// through another (`servers` picks them), until `ledger.stop`; a client
    /// whose server is gone keeps to the others.
    /// The servers still up (indices into the list voted on).
    final class Alive: Sendable {
        let servers: Mutex<Set<Int>>
        init(_ servers: Set<Int>) { self.servers = Mutex(servers) }
    }

    static func vote(
        _ servers: [URL], arena: String, clients: Int, ledger: Ledger, prefix: String, alive: Alive
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var n = 0
                    while !ledger.stop.load(ordering: .relaxed) {
                        n += 1
                        let up = alive.servers.withLock { $0.sorted() }
                        guard !up.isEmpty else { return }
                        let drawOn = up[(client + n) % up.count]
                        let voteOn = up[(client + n + 1) % up.count]
                        guard let battle = try? await request("POST", servers[drawOn].appendingPathComponent("api/arenas/\(arena)/battles")),
                              battle.status == 201, let id = battle.json["battle"] as? String
                        else {
                            if ledger.stop.load(ordering: .relaxed) { return }
                            continue
                        }
                        let clientId = "\(prefix)-\(client)-\(n)"
                        let body = #"{"choice":"\#(["left", "right", "tie"][n % 3])","client_vote_id":"\#(clientId)"}"#
                        do {
                            let reply = try await request("POST", servers[voteOn].appendingPathComponent("api/battles/\(id)/vote"), body: body)
                            if reply.status == 201, let voteId = reply.json["id"] as? Int {
                                ledger.acknowledge(clientId, id: voteId)
                            } else if reply.status == 503 {
                                ledger.refused.withLock { $0.append(clientId) }
                            } else {
                                Issue.record("vote \(clientId) on server \(voteOn): \(reply.status) \(reply.text)")
                            }
                        } catch let error as URLError where error.code == .timedOut {
                            ledger.timedOut.withLock { $0.append(clientId) }
                        } catch {
                            ledger.inFlight.withLock { $0.append((voteOn, id, clientId)) }
                        }
                    }
                }
            }
        }
    }

    /// Every vote of `arena` as `server` exports it: client vote id → vote ids.
    static func storedVotes(_ server: URL, arena: String) async throws -> (byClient: [String: [Int]], total: Int) {
        let reply = try await request("GET", server.appendingPathComponent("api/arenas/\(arena)/votes"), admin: true)
        #expect(reply.status == 200)
        var byClient: [String: [Int]] = [:]
        var total = 0
        for line in reply.text.split(separator: "\n") {
            let vote = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            total += 1
            if let clientId = vote["client_vote_id"] as? String, let id = vote["id"] as? Int { byClient[clientId, default: []].append(id) }
        }
        return (byClient, total)
    }

    /// What must agree between replicas: the ratings, intervals and counts, not the time of computation.
    static func board(_ server: URL, arena: String) async throws -> (stale: Bool, votes: Int, rows: [String]) {
        let reply = try await request("GET", server.appendingPathComponent("api/arenas/\(arena)/leaderboard"))
        #expect(reply.status == 200, "\(reply.text)")
        let rows = (reply.json["contenders"] as? [[String: Any]] ?? []).map { row in
            ["name", "rating", "lower", "upper", "votes", "rank"].map { "\(row[$0] ?? "-")" }.joined(separator: " ")
        }
        return (reply.json["stale"] as? Bool ?? true, reply.json["votes_total"] as? Int ?? -1, rows)
    }

    static func importLines(_ contenders: [String], prompts: Int) -> String {
        var lines: [String] = []
        for p in 0..<prompts {
            for name in contenders {
                lines.append(#"{"prompt":"Question \#(p)?","contender":"\#(name)","content":"\#(name) answers \#(p)"}"#)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Two `prefer serve` processes on one new database of `kind` (an SQLite
    /// file they share, or PostgreSQL; skipped when PostgreSQL is), stopped after `body`.
    static func withTwoServers(
        _ kind: DurabilityTests.Kind, label: String, _ body: (Server, Server) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database: String
        switch kind {
        case .sqlite:
            database = directory.appendingPathComponent("prefer.sqlite").path
        case .postgres:
            guard let url = try DurabilityTests.database(.postgres), url != "skip" else { return }
            database = url
        }
        let a = try Server(database: database, directory: directory)
        defer { a.stop() }
        let b = try Server(database: database, directory: directory)
        defer { b.stop() }
        try await body(a, b)
    }

    @Test func twoReplicasOnOnePostgreSQLAgreeAndSurviveKill9() async throws {
        let database = try DurabilityTests.database(.postgres)
        guard let database, database != "skip" else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try Server(database: database, directory: directory)
        defer { a.stop() }
        let b = try Server(database: database, directory: directory)
        defer { b.stop() }
        let servers = [a.url, b.url]
        let arena = "replicas"

        // An arena created and filled through A is served by B.
        #expect(try await Self.request("POST", a.url.appendingPathComponent("api/arenas"), body: #"{"name":"\#(arena)"}"#, admin: true).status == 201)
        let imported = try await Self.request(
            "POST", a.url.appendingPathComponent("api/arenas/\(arena)/import"),
            body: Self.importLines(["alpha", "beta", "gamma"], prompts: 4), contentType: "application/x-ndjson", admin: true)
        #expect(imported.status == 201, "\(imported.text)")
        #expect(try await Self.request("POST", b.url.appendingPathComponent("api/arenas/\(arena)/battles")).status == 201)
        // B now holds the arena in memory; a contender added through A reaches it within the delay.
        let before = try await Self.request("GET", b.url.appendingPathComponent("api/arenas/\(arena)"), admin: true)
        #expect(before.json["contenders"] as? Int == 3, "\(before.text)")
        let added = try await Self.request(
            "POST", a.url.appendingPathComponent("api/arenas/\(arena)/import"),
            body: Self.importLines(["delta"], prompts: 4), contentType: "application/x-ndjson", admin: true)
        #expect(added.status == 201, "\(added.text)")
        try await Task.sleep(for: Self.agreementDelay)
        let after = try await Self.request("GET", b.url.appendingPathComponent("api/arenas/\(arena)"), admin: true)
        #expect(after.json["contenders"] as? Int == 4, "B still sees \(after.json["contenders"] ?? "?") contenders: \(after.text)")

        // Both compute the board once, so that each has it cached when the votes come.
        _ = try await Self.board(a.url, arena: arena)
        _ = try await Self.board(b.url, arena: arena)

        // Phase 1: votes through both at once (drawn on one, cast on the other), then both leaderboards agree.
        let alive = Alive([0, 1])
        let first = Ledger()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await Self.vote(servers, arena: arena, clients: 8, ledger: first, prefix: "p1", alive: alive) }
            group.addTask {
                await first.reached(300)
                first.stop.store(true, ordering: .relaxed)
            }
            try await group.waitForAll()
        }
        let votedAt = ContinuousClock.now
        #expect(first.inFlight.withLock { $0.isEmpty } && first.timedOut.withLock { $0.isEmpty })
        // How soon they agree (measured), then the check at the stated delay.
        var agreedAfter: Duration?
        while ContinuousClock.now - votedAt < Self.agreementDelay {
            let (boardA, boardB) = (try await Self.board(a.url, arena: arena), try await Self.board(b.url, arena: arena))
            if !boardA.stale && !boardB.stale && boardA.votes == first.count && boardB.votes == first.count && boardA.rows == boardB.rows {
                agreedAfter = ContinuousClock.now - votedAt
                break
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        try await Task.sleep(until: votedAt + Self.agreementDelay, clock: .continuous)
        let boardA = try await Self.board(a.url, arena: arena)
        let boardB = try await Self.board(b.url, arena: arena)
        #expect(!boardA.stale && !boardB.stale)
        #expect(boardA.votes == first.count && boardB.votes == first.count, "A has \(boardA.votes), B \(boardB.votes), \(first.count) acknowledged")
        #expect(boardA.rows == boardB.rows)
        #expect(boardA.rows.count == 4)
        print("replicas: \(first.count) votes through both; leaderboards agreed \(agreedAfter.map { "\($0)" } ?? "not") after the last vote (bound \(Self.agreementDelay))")

        // Phase 2: votes through both, A killed with kill -9 mid-stream; B serves on.
        let second = Ledger()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await Self.vote(servers, arena: arena, clients: 8, ledger: second, prefix: "p2", alive: alive) }
            group.addTask {
                await second.reached(150)
                alive.servers.withLock { _ = $0.remove(0) }
                a.kill9()
                await second.reached(second.count + 150)
                second.stop.store(true, ordering: .relaxed)
            }
            try await group.waitForAll()
        }
        #expect(second.timedOut.withLock { $0.isEmpty }, "requests timed out: \(second.timedOut.withLock { $0.prefix(5) })")
        // Votes in flight at the kill, sent again to B with their client vote id: stored once whatever happened to them.
        let inFlight = second.inFlight.withLock { $0 }
        for (_, battle, clientId) in inFlight {
            let retry = try await Self.request("POST", b.url.appendingPathComponent("api/battles/\(battle)/vote"), body: #"{"choice":"left","client_vote_id":"\#(clientId)"}"#)
            #expect(retry.status == 201 || retry.status == 200, "retry of \(clientId): \(retry.status) \(retry.text)")
        }
        #expect(try await Self.request("POST", b.url.appendingPathComponent("api/arenas/\(arena)/battles")).status == 201)

        let stored = try await Self.storedVotes(b.url, arena: arena)
        let acknowledged = first.acknowledged.merging(second.acknowledged) { x, _ in x }
        for (clientId, id) in acknowledged {
            #expect(stored.byClient[clientId] == [id], "acknowledged \(clientId) (id \(id)) stored as \(stored.byClient[clientId] ?? [])")
        }
        for (_, _, clientId) in inFlight {
            #expect(stored.byClient[clientId]?.count == 1, "in-flight \(clientId) stored \(stored.byClient[clientId]?.count ?? 0) times")
        }
        #expect(stored.byClient.values.allSatisfy { $0.count == 1 })
        #expect(stored.total == stored.byClient.values.reduce(0) { $0 + $1.count })

        try await Task.sleep(for: Self.agreementDelay)
        let survivor = try await Self.board(b.url, arena: arena)
        #expect(!survivor.stale && survivor.votes == stored.total, "B's board has \(survivor.votes) of \(stored.total) stored votes")
        print("replicas: \(second.count) votes in phase 2, \(inFlight.count) in flight at kill -9 of A, \(stored.total) stored, B's board current")
    }

    @Test func sigtermAnswersEveryVoteItAcceptedAndStopsCleanly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-sigterm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("prefer.sqlite").path
        let server = try Server(database: database, directory: directory)
        defer { server.stop() }
        let arena = "shutdown"
        #expect(try await Self.request("POST", server.url.appendingPathComponent("api/arenas"), body: #"{"name":"\#(arena)"}"#, admin: true).status == 201)
        #expect(try await Self.request(
            "POST", server.url.appendingPathComponent("api/arenas/\(arena)/import"),
            body: Self.importLines(["alpha", "beta", "gamma"], prompts: 4), contentType: "application/x-ndjson", admin: true).status == 201)

        let ledger = Ledger()
        let alive = Alive([0])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await Self.vote([server.url], arena: arena, clients: 16, ledger: ledger, prefix: "t", alive: alive) }
            group.addTask {
                await ledger.reached(200)
                let start = ContinuousClock.now
                server.process.terminate()  // SIGTERM, with votes in flight
                server.process.waitUntilExit()
                ledger.stoppedIn.withLock { $0 = ContinuousClock.now - start }
                ledger.stop.store(true, ordering: .relaxed)
            }
            try await group.waitForAll()
        }
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0, "exit \(server.process.terminationStatus): \(server.logText)")
        #expect(server.logText.contains("Prefer stopped cleanly"), "\(server.logText)")
        #expect(ledger.timedOut.withLock { $0.isEmpty }, "requests hung until their timeout: \(ledger.timedOut.withLock { $0.prefix(5) })")

        // Everything acknowledged before the process ended is on disk, once.
        let restarted = try Server(database: database, directory: directory)
        defer { restarted.stop() }
        let stored = try await Self.storedVotes(restarted.url, arena: arena)
        let acknowledged = ledger.acknowledged
        for (clientId, id) in acknowledged {
            #expect(stored.byClient[clientId] == [id], "acknowledged \(clientId) (id \(id)) stored as \(stored.byClient[clientId] ?? [])")
        }
        #expect(stored.byClient.values.allSatisfy { $0.count == 1 })
        print("sigterm: \(acknowledged.count) acknowledged, \(stored.total) stored, \(ledger.inFlight.withLock { $0.count }) cut off by the closing server, \(ledger.refused.withLock { $0.count }) refused with 503; stopped in \(ledger.stoppedIn.withLock { $0 }.map { "\($0)" } ?? "?")")
    }
}
