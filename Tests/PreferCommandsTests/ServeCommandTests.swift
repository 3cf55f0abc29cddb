import Foundation
@testable import PreferCommands
import Testing

/// `prefer serve`'s start and stop as a newcomer meets them.
@Suite("prefer serve start and stop", .serialized, .timeLimit(.minutes(3)))
struct ServeCommandTests {
    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A listening socket on 127.0.0.1 (a port some other program holds); returns its descriptor and port.
    static func holdPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { close(fd); throw CommandError("cannot hold a port for the test") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aTakenPortStopsTheFirstStartBeforeAnythingIsWritten() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("prefer.sqlite").path
        let held = try Self.holdPort()
        defer { close(held.fd) }
        let run = await CommandRun.run(["serve", "--port", String(held.port), "--database", database, "--no-demo"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("127.0.0.1:\(held.port)"), "the error names the address: \(run.stderr)")
        #expect(run.stderr.contains("--port"), "and says how to choose another: \(run.stderr)")
        #expect(!run.stderr.contains("errno"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database), "no database, so no owner key stored unprinted")
    }

    /// A host name that names nothing: said in words, nothing written.
    @Test func anUnknownHostIsExplainedBeforeAnythingIsWritten() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("prefer.sqlite").path
        let run = await CommandRun.run(["serve", "--host", "no-such-host.invalid", "--port", "8099", "--database", database, "--no-demo"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no address of this machine goes by the name \"no-such-host.invalid\"") && run.stderr.contains("--host"), "\(run.stderr)")
        #expect(!run.stderr.contains("SocketAddressError"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    /// `--no-demo` announces no demo pages, and SIGINT (Ctrl-C) stops the
    /// server with "Prefer stopped cleanly", as SIGTERM does.
    @Test func noDemoAnnouncesNoDemoPagesAndSigintStopsCleanly() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try ReplicaTests.Server.freePort()
        let out = dir.appendingPathComponent("out.txt")
        let err = dir.appendingPathComponent("err.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = PreferProcess.executable
        process.arguments = ["serve", "--port", String(port), "--database", dir.appendingPathComponent("prefer.sqlite").path, "--no-demo"]
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "PREFER_ADMIN_KEY" }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let health = URL(string: "http://127.0.0.1:\(port)/health")!
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, (try? Data(contentsOf: health)) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(process.isRunning, "serve exited: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
        try await Task.sleep(for: .milliseconds(300))  // the banner is printed once listening
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stdout = try String(contentsOf: out, encoding: .utf8)
        let stderr = try String(contentsOf: err, encoding: .utf8)
        #expect(stdout.contains("Prefer is running at http://127.0.0.1:\(port)"), "\(stdout)")
        #expect(Self.printedKeyLine(stdout), "a first start prints the owner key: \(stdout)")
        #expect(!stdout.contains("/arenas/demo/"), "no demo arena, no demo URLs: \(stdout)")
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("Prefer stopped cleanly"), "\(stderr)")
    }

    /// A restart says how to make a new key for the database it runs on,
    /// ready to paste, without printing a PostgreSQL password.
    @Test func theLostKeyHintNamesTheDatabase() {
        #expect(ServeCommand.resetKeyCommand(database: "prefer.sqlite") == "prefer admin reset-key")
        #expect(ServeCommand.resetKeyCommand(database: "/srv/prefer/db.sqlite") == "prefer admin reset-key --database /srv/prefer/db.sqlite")
        #expect(ServeCommand.resetKeyCommand(database: "/tmp/my data/p.sqlite") == "prefer admin reset-key --database '/tmp/my data/p.sqlite'")
        let postgres = ServeCommand.resetKeyCommand(database: "postgres://prefer:s3cret@db:5432/prefer")
        #expect(postgres.hasPrefix("prefer admin reset-key --database") && !postgres.contains("s3cret"))
    }

    static func printedKeyLine(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("prefer_admin_") }
    }
}

/// In the replica suite, which runs one test at a time: it starts a server
/// process on a free port, as the replica tests do, and must not race them for one.
extension ReplicaTests {
    /// `prefer bench serve` prints its report with plain slashes
    /// ("http://127.0.0.1:…", not "http:\/\/127.0.0.1:…").
    @Test func benchServePrintsURLsWithoutEscapedSlashes() throws {
        let run = try PreferProcess.run([
            "bench", "serve", "--clients", "2", "--duration", "0.5", "--warmup", "0", "--static-seconds", "0",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"server\" : \"http://127.0.0.1:"), "\(run.stdout)")
        #expect(!run.stdout.contains("\\/"), "\(run.stdout)")
        #expect(((try run.json()["votes"] as? [String: Any])?["vote"] as? [String: Any])?["count"] as? Int ?? 0 > 0)
    }
}
