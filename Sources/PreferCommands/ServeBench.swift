import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import PreferCore
import Synchronization

/// `prefer bench serve`: a load test of a Prefer server on loopback.
struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load-test a server: concurrent clients fetch battles and vote; then time cached leaderboard requests.",
        discussion: """
        Without --url it starts `prefer serve` itself on a free port with a fresh database (SQLite \
        in a temporary directory, or --database postgres://… which should be an empty database) and \
        stops it afterwards. Each client keeps one HTTP/1.1 connection and loops: POST a battle, \
        POST a vote on it. Reports votes/s and latency percentiles as JSON.
        """
    )

    @Option(help: "A running server to test (default: start one).") var url: String?
    @Option(help: "Database for the server it starts (default: a temporary SQLite file).") var database: String?
    @Option(help: "Arena to vote in.") var arena = "demo"
    @Option(help: "Concurrent clients.") var clients = 64
    @Option(help: "Seconds of voting measured.") var duration = 10.0
    @Option(help: "Seconds of voting before measuring.") var warmup = 2.0
    @Option(help: "Votes to load for the leaderboard phase (0 skips it).") var leaderboardVotes = 0
    @Option(help: "Contenders of the leaderboard phase's arena.") var leaderboardContenders = 100
    @Option(help: "Leaderboard requests timed.") var leaderboardRequests = 2000
    @Flag(help: "Vote with ?next=true: each vote also draws the next battle, one request per vote (as the vote page does).")
    var next = false
    @Option(help: "Seconds of static-file requests measured with the same clients before and after the votes, the server's own yardstick (0 skips it).")
    var staticSeconds = 5.0

    func run() async throws {
        var server: SpawnedServer?
        let base: URL
        if let url {
            guard let parsed = URL(string: url), parsed.host != nil else { throw ValidationError("--url must look like http://127.0.0.1:8080") }
            base = parsed
        } else {
            let spawned = try SpawnedServer.start(database: database)
            server = spawned
            base = spawned.url
        }
        defer { server?.stop() }
        let host = base.host ?? "127.0.0.1"
        let port = base.port ?? 80
        let group = MultiThreadedEventLoopGroup.singleton

        var report: [String: Any] = ["clients": clients, "duration_s": duration, "arena": arena, "server": base.absoluteString]
        if let server { report["database"] = server.databaseDescription }
        report["mode"] = next ? "vote with ?next=true (one request a vote)" : "draw a battle, then vote (two requests a vote)"
        // Absolute figures move 2x between shared machines: the server against
        // itself, its static-file rate measured before and after the votes
        // (the machine's speed drifts within a run too; the mean brackets it).
        let before = staticSeconds > 0 ? try await staticLoad(host: host, port: port, group: group) : nil
        let votes = try await voteLoad(host: host, port: port, group: group)
        report["votes"] = votes
        if let before {
            let after = try await staticLoad(host: host, port: port, group: group)
            report["static_file"] = after
            report["static_file_before_votes"] = before
            if let votesPerSecond = (votes["vote"] as? [String: Any])?["per_s"] as? Double,
               let beforePerSecond = before["per_s"] as? Double, let afterPerSecond = after["per_s"] as? Double,
               beforePerSecond + afterPerSecond > 0 {
                report["votes_per_static_request"] = (2 * votesPerSecond / (beforePerSecond + afterPerSecond) * 1000).rounded() / 1000
            }
        }
        if leaderboardVotes > 0 {
            guard let server else { throw ValidationError("--leaderboard-votes needs a server this command starts (no --url).") }
            report["leaderboard"] = try await leaderboardLoad(server: server, host: host, port: port, group: group)
        }
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        printOut(String(decoding: data, as: UTF8.self))
    }

    /// Recorded latencies (seconds) of one kind of request.
    final class Samples: Sendable {
        let values = Mutex<[Double]>([])
        func add(_ batch: [Double]) { values.withLock { $0.append(contentsOf: batch) } }
        func summary(seconds: Double) -> [String: Any] {
            let sorted = values.withLock { $0.sorted() }
            guard !sorted.isEmpty else { return ["count": 0] }
            func ms(_ q: Double) -> Double { (Percentile.ofSorted(sorted, q) * 1e5).rounded() / 100 }
            return ["count": sorted.count, "per_s": (Double(sorted.count) / seconds).rounded(),
                    "p50_ms": ms(0.5), "p90_ms": ms(0.9), "p99_ms": ms(0.99), "max_ms": ms(1)]
        }
    }

    /// Non-2xx replies by status.
    final class Failures: Sendable {
        let counts = Mutex<[Int: Int]>([:])
        func count(_ status: Int) { counts.withLock { $0[status, default: 0] += 1 } }
        var byStatus: [String: Int] { counts.withLock { $0.reduce(into: [:]) { $0[String($1.key)] = $1.value } } }
    }

    func voteLoad(host: String, port: Int, group: any EventLoopGroup) async throws -> [String: Any] {
        let votes = Samples()
        let battles = Samples()
        let failures = Failures()
        let start = ContinuousClock.now
        let measureFrom = start + .milliseconds(Int(warmup * 1000))
        let end = measureFrom + .milliseconds(Int(duration * 1000))
        // Client vote ids unique to this run: a server keeps them, and a second
        // run against it must not look like retries (409 client_vote_id reused).
        let run = UInt32.random(in: 0...UInt32.max)
        let path = "/api/arenas/\(arena)/battles"
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for client in 0..<clients {
                tasks.addTask {
                    try await HTTPConnection.with(host: host, port: port, group: group) { send in
                        var cookie: [(String, String)] = []
                        var myVotes: [Double] = []
                        var myBattles: [Double] = []
                        var n = 0
                        var upcoming: String?
                        while ContinuousClock.now < end {
                            if next, let id = upcoming {
                                // One request a vote: the vote draws the next battle.
                                n += 1
                                let body = Data(#"{"choice":"\#(["left", "right", "tie", "both_bad"][n % 4])","client_vote_id":"r\#(run)-c\#(client)-\#(n)","time_to_vote_ms":\#(3000 + n % 5000)}"#.utf8)
                                let t2 = ContinuousClock.now
                                let vote = try await send(.POST, "/api/battles/\(id)/vote?next=true", [("Content-Type", "application/json")], body)
                                let t3 = ContinuousClock.now
                                upcoming = vote.status == 201 ? Self.battleId(vote.body, after: #""next":{"#) : nil
                                guard vote.status == 201 else {
                                    failures.count(vote.status)
                                    continue
                                }
                                if t2 >= measureFrom && t3 <= end { myVotes.append((t3 - t2).inSeconds) }
                                continue
                            }
                            let t0 = ContinuousClock.now
                            let battle = try await send(.POST, path, cookie, nil)
                            let t1 = ContinuousClock.now
                            guard battle.status == 201, let id = Self.battleId(battle.body) else {
                                failures.count(battle.status)
                                continue
                            }
                            if cookie.isEmpty, let set = battle.headers.first(name: "set-cookie") {
                                cookie = [("Cookie", String(set.split(separator: ";")[0]))]
                            }
                            n += 1
                            let body = Data(#"{"choice":"\#(["left", "right", "tie", "both_bad"][n % 4])","client_vote_id":"r\#(run)-c\#(client)-\#(n)","time_to_vote_ms":\#(3000 + n % 5000)}"#.utf8)
                            let t2 = ContinuousClock.now
                            let vote = try await send(.POST, "/api/battles/\(id)/vote\(next ? "?next=true" : "")", [("Content-Type", "application/json")], body)
                            let t3 = ContinuousClock.now
                            guard vote.status == 201 else {
                                failures.count(vote.status)
                                continue
                            }
                            if next { upcoming = Self.battleId(vote.body, after: #""next":{"#) }
                            if t0 >= measureFrom && t3 <= end {
                                myBattles.append((t1 - t0).inSeconds)
                                myVotes.append((t3 - t2).inSeconds)
                            }
                        }
                        votes.add(myVotes)
                        battles.add(myBattles)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        var out: [String: Any] = ["vote": votes.summary(seconds: duration), "battle": battles.summary(seconds: duration)]
        out["failures"] = failures.byStatus
        return out
    }

    func leaderboardLoad(server: SpawnedServer, host: String, port: Int, group: any EventLoopGroup) async throws -> [String: Any] {
        let file = server.directory.appendingPathComponent("leaderboard-votes.jsonl")
        let draw = SyntheticArena(contenders: leaderboardContenders, votes: leaderboardVotes, seed: 7).draw()
        try RankBench.jsonLines(draw.table).write(to: file)
        let importStart = ContinuousClock.now
        try server.runCommand(["import", "battles", file.path, "--arena", "bench-leaderboard", "--quiet"])
        let importSeconds = (ContinuousClock.now - importStart).inSeconds
        let path = "/api/arenas/bench-leaderboard/leaderboard"
        let timing = try await HTTPConnection.with(host: host, port: port, group: group) { send -> LeaderboardTiming in
            // The import ran in another process: the server learns of its votes from the change
            // feed and fits them in the background, answering meanwhile with the board it has
            // (marked stale). The cold figure is the time until the board ranks every vote.
            let coldStart = ContinuousClock.now
            var first = try await send(.GET, path, [], nil)
            while true {
                guard first.status == 200 else { throw CommandError("leaderboard request failed: \(first.status)") }
                let board = (try? JSONSerialization.jsonObject(with: first.body)) as? [String: Any]
                if board?["stale"] as? Bool == false, board?["votes_total"] as? Int == leaderboardVotes { break }
                guard ContinuousClock.now - coldStart < .seconds(600) else {
                    throw CommandError("the leaderboard did not rank the \(leaderboardVotes) imported votes within 10 minutes")
                }
                try await Task.sleep(for: .milliseconds(50))
                first = try await send(.GET, path, [], nil)
            }
            let cold = (ContinuousClock.now - coldStart).inSeconds
            var times: [Double] = []
            for _ in 0..<leaderboardRequests {
                let t0 = ContinuousClock.now
                let reply = try await send(.GET, path, [], nil)
                times.append((ContinuousClock.now - t0).inSeconds)
                guard reply.status == 200 else { throw CommandError("leaderboard request failed: \(reply.status)") }
            }
            return LeaderboardTiming(cold: cold, times: times.sorted(), bytes: first.body.count)
        }
        func ms(_ q: Double) -> Double { (Percentile.ofSorted(timing.times, q) * 1e5).rounded() / 100 }
        return ["stored_votes": leaderboardVotes, "contenders": leaderboardContenders, "import_s": importSeconds,
                "first_request_s": timing.cold, "requests": leaderboardRequests,
                "p50_ms": ms(0.5), "p99_ms": ms(0.99), "max_ms": ms(1), "response_bytes": timing.bytes]
    }

    struct LeaderboardTiming: Sendable {
        var cold: Double
        var times: [Double]
        var bytes: Int
    }

    /// `GET /assets/prefer.js` (30 KB) as fast as the clients can: what HTTP
    /// alone costs on this machine, for the votes' ratio to it.
    func staticLoad(host: String, port: Int, group: any EventLoopGroup) async throws -> [String: Any] {
        let requests = Samples()
        let start = ContinuousClock.now
        let measureFrom = start + .milliseconds(500)
        let end = measureFrom + .milliseconds(Int(staticSeconds * 1000))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for _ in 0..<clients {
                tasks.addTask {
                    try await HTTPConnection.with(host: host, port: port, group: group) { send in
                        var mine: [Double] = []
                        while ContinuousClock.now < end {
                            let t0 = ContinuousClock.now
                            let reply = try await send(.GET, "/assets/prefer.js", [], nil)
                            let t1 = ContinuousClock.now
                            if reply.status == 200 && t0 >= measureFrom && t1 <= end { mine.append((t1 - t0).inSeconds) }
                        }
                        requests.add(mine)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        return requests.summary(seconds: staticSeconds)
    }

    /// The battle id from a battle response (or, `after` a marker, from a
    /// part of it), without a full JSON parse.
    static func battleId(_ body: Data, after prefix: String? = nil) -> String? {
        let marker = Array(#""battle":""#.utf8)
        var bytes = [UInt8](body)
        if let prefix {
            let start = Array(prefix.utf8)
            guard bytes.count >= start.count,
                  let at = (0...(bytes.count - start.count)).first(where: { Array(bytes[$0..<($0 + start.count)]) == start }) else { return nil }
            bytes = Array(bytes[(at + start.count)...])
        }
        guard bytes.count > marker.count else { return nil }
        for i in 0...(bytes.count - marker.count) where bytes[i] == marker[0] && Array(bytes[i..<(i + marker.count)]) == marker {
            var j = i + marker.count
            var id: [UInt8] = []
            while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                id.append(bytes[j])
                j += 1
            }
            return String(decoding: id, as: UTF8.self)
        }
        return nil
    }
}

/// A `prefer serve` child process on a free port with its own database.
struct SpawnedServer {
    let process: Process
    let url: URL
    let directory: URL
    let database: String
    let executable: URL

    var databaseDescription: String { database.hasPrefix("postgres") ? "postgresql" : "sqlite" }

    static func start(
        database: String?,
        executable: URL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(),
        environment: [String: String] = [:]
    ) throws -> SpawnedServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let db = database ?? directory.appendingPathComponent("bench.sqlite").path
        let port = try freePort()
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.executableURL = executable
        process.arguments = ["serve", "--port", String(port), "--database", db, "--log-level", "warning"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        try waitForHealth(process, url: url, exited: "before listening", silent: "did not answer on \(url) within 60 s")
        return SpawnedServer(process: process, url: url, directory: directory, database: db, executable: executable)
    }

    /// Waits up to 60 s for `/health` to answer; stops the process and throws if it does not.
    private static func waitForHealth(_ process: Process, url: URL, exited: String, silent: String) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning { throw CommandError("prefer serve exited (status \(process.terminationStatus)) \(exited)") }
            if (try? Data(contentsOf: url.appendingPathComponent("health"))) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        throw CommandError("prefer serve \(silent)")
    }

    func runCommand(_ arguments: [String]) throws {
        let child = Process()
        child.executableURL = executable
        child.arguments = arguments + ["--database", database]
        // Its report goes to stderr: stdout carries the benchmark's JSON only.
        child.standardOutput = FileHandle.standardError
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw CommandError("prefer \(arguments.joined(separator: " ")) failed") }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Kills the server at once (SIGKILL): no shutdown, no flushing.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A new server process on the same port and database.
    func restarted() throws -> SpawnedServer {
        let process = Process()
        process.executableURL = executable
        process.arguments = self.process.arguments
        process.environment = self.process.environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try Self.waitForHealth(process, url: url, exited: "on restart", silent: "did not come back on \(url)")
        return SpawnedServer(process: process, url: url, directory: directory, database: database, executable: executable)
    }

    /// A TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandError("no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw CommandError("cannot bind a port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
