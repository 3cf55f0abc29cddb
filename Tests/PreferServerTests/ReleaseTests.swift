import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// An arena's licence (stored, set on create and PATCH, on the leaderboard
/// page) and `POST /api/arenas/{arena}/releases`: the same release as
/// `prefer release`, byte for byte, as a tar archive that `tar -xf` unpacks
/// and `sha256sum -c` checks.
@Suite("Data releases over HTTP and the arena's licence")
struct ReleaseTests {
    static let key = String(repeating: "0123456789abcdef", count: 4)

    /// The `prefer` executable built beside the tests.
    static var prefer: URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("prefer")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.appendingPathComponent("prefer")
    }

    /// Runs a program; its exit status and standard error.
    @discardableResult
    static func run(_ program: URL, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The files of a folder, by name.
    static func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    /// Votes with annotators, prompts and texts, imported with `prefer import counts` into the server's database.
    static func importVotes(_ server: TestServer, scratch: URL) throws {
        var csv = "model_a,model_b,winner,voter,prompt,text_a,text_b\n"
        for i in 0..<40 {
            csv += "m\(i % 3),m\((i + 1) % 3),\(i % 4 == 0 ? "model_b" : "model_a"),person-\(i % 5),prompt \(i % 6)\(i % 6 == 5 ? " secret" : ""),a \(i % 6) m\(i % 3),b \(i % 6) m\((i + 1) % 3)\n"
        }
        let file = scratch.appendingPathComponent("votes.csv")
        try Data(csv.utf8).write(to: file)
        let imported = try run(prefer, [
            "import", "counts", file.path, "--arena", "open", "--database", server.database, "--quiet", "--a", "model_a", "--b", "model_b",
            "--winner", "winner", "--voter-field", "voter", "--prompt", "prompt", "--text-a", "text_a", "--text-b", "text_b",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-release-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theLicenceIsStoredSetOnCreateAndPatchAndShownOnTheLeaderboard() async throws {
        try await TestServer.run { server in
            let created = try await server.createArena(["name": "licensed", "license": " CC-BY-4.0 "])
            #expect(created["license"] as? String == "CC-BY-4.0")
            let plain = try await server.createArena(["name": "plain"])
            #expect(plain["license"] == nil)
            let page = try await server.send(.get, "/arenas/licensed/leaderboard")
            #expect(page.text.contains("released under the licence <strong>CC-BY-4.0</strong>"), "\(page.text)")
            #expect(!(try await server.send(.get, "/arenas/plain/leaderboard")).text.contains("released under the licence"))
            // PATCH sets it (escaped on the page), an empty text clears it, a missing field keeps it.
            let patched = try await server.send(
                .patch, "/api/arenas/plain", template: "/api/arenas/{arena}", json: ["license": "ODC-By <1.0>"], admin: true)
            #expect(patched.status == 200 && patched.json["license"] as? String == "ODC-By <1.0>")
            #expect((try await server.send(.get, "/arenas/plain/leaderboard")).text.contains("<strong>ODC-By &lt;1.0&gt;</strong>"))
            let kept = try await server.send(.patch, "/api/arenas/plain", template: "/api/arenas/{arena}", json: ["description": "d"], admin: true)
            #expect(kept.json["license"] as? String == "ODC-By <1.0>")
            let stored = try #require(try await server.store.arena(named: "plain"))
            #expect(stored.license == "ODC-By <1.0>")
            let cleared = try await server.send(.patch, "/api/arenas/plain", template: "/api/arenas/{arena}", json: ["license": ""], admin: true)
            #expect(cleared.status == 200 && cleared.json["license"] == nil)
            #expect(try await server.store.arena(named: "plain")?.license == nil)
            // One line of at most 200 characters.
            let long = try await server.send(
                .patch, "/api/arenas/plain", template: "/api/arenas/{arena}", json: ["license": String(repeating: "x", count: 201)], admin: true)
            #expect(long.status == 400 && long.errorField == "license")
            let newline = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "nl", "license": "a\nb"], admin: true)
            #expect(newline.status == 400 && newline.errorField == "license")
        }
    }

    @Test func theHTTPReleaseIsTheCLIReleaseByteForByteAndChecksOut() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await TestServer.run { server in
            try Self.importVotes(server, scratch: scratch)
            let licensed = try await server.send(
                .patch, "/api/arenas/open", template: "/api/arenas/{arena}", json: ["license": "CC-BY-4.0"], admin: true)
            #expect(licensed.status == 200, "\(licensed.text)")

            // The CLI's release, with the arena's licence by default.
            let cliFolder = scratch.appendingPathComponent("cli")
            let cli = try Self.run(Self.prefer, [
                "release", "--arena", "open", "--database", server.database, "--out", cliFolder.path, "--bootstrap", "30",
                "--drop-prompts", "secret$", "--drop-annotator", "person-4", "--pseudonym-key", Self.key, "--quiet",
            ])
            #expect(cli.status == 0, "\(cli.stderr)")
            let cliFiles = try Self.files(cliFolder)
            #expect(cliFiles.keys.sorted() == DataRelease.files.sorted())
            let card = String(decoding: try #require(cliFiles["README.md"]), as: UTF8.self)
            #expect(card.contains("**Licence:** CC-BY-4.0"), "\(card)")

            // The same over HTTP.
            let body: [String: Any] = [
                "bootstrap": 30, "drop_prompts": "secret$", "drop_annotators": ["person-4"], "pseudonym_key": Self.key,
            ]
            let reply = try await server.send(.post, "/api/arenas/open/releases", template: "/api/arenas/{arena}/releases", json: body, admin: true)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.headers[.contentType] == "application/x-tar")
            #expect(reply.headers[.contentDisposition]?.removingPercentEncoding == "attachment; filename=\"open-release.tar\"")
            if let length = reply.headers[.contentLength] { #expect(length == String(reply.body.count)) }
            #expect(reply.body.count % 512 == 0)
            let archive = scratch.appendingPathComponent("open-release.tar")
            try reply.body.write(to: archive)
            let unpacked = scratch.appendingPathComponent("unpacked")
            try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
            let untar = try Self.run(URL(fileURLWithPath: "/usr/bin/tar"), ["-xf", archive.path, "-C", unpacked.path])
            #expect(untar.status == 0, "\(untar.stderr)")
            let httpFolder = unpacked.appendingPathComponent("open-release")
            let httpFiles = try Self.files(httpFolder)
            #expect(httpFiles.keys.sorted() == cliFiles.keys.sorted())
            for (name, bytes) in cliFiles {
                #expect(httpFiles[name] == bytes, "\(name) differs between prefer release and POST …/releases")
            }
            // sha256sum -c accepts it; each line is "HEX  NAME" for every other file, in the documented order.
            let check = try Self.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), ["--check", "--strict", "SHA256SUMS"], in: httpFolder)
            #expect(check.status == 0, "\(check.stderr)")
            let sums = String(decoding: try #require(httpFiles["SHA256SUMS"]), as: UTF8.self).split(separator: "\n")
            #expect(sums.map { String($0.dropFirst(66)) } == DataRelease.files.filter { $0 != "SHA256SUMS" })
            #expect(sums.allSatisfy { $0.prefix(64).allSatisfy(\.isHexDigit) && $0.dropFirst(64).hasPrefix("  ") })
            // A changed byte fails the check.
            var votes = try #require(httpFiles["votes.jsonl"])
            votes[votes.startIndex] = UInt8(ascii: "[")
            try votes.write(to: httpFolder.appendingPathComponent("votes.jsonl"))
            #expect(try Self.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), ["--check", "--quiet", "SHA256SUMS"], in: httpFolder).status != 0)

            // Without a key the pseudonyms are a new release's own (no join with the first), and the rest is the same.
            let fresh = try await server.send(
                .post, "/api/arenas/open/releases", template: "/api/arenas/{arena}/releases",
                json: ["bootstrap": 30, "drop_prompts": "secret$", "drop_annotators": ["person-4"], "license": "CC0-1.0"], admin: true)
            #expect(fresh.status == 200)
            let second = scratch.appendingPathComponent("second")
            try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
            try fresh.body.write(to: scratch.appendingPathComponent("second.tar"))
            #expect(try Self.run(URL(fileURLWithPath: "/usr/bin/tar"), ["-xf", scratch.appendingPathComponent("second.tar").path, "-C", second.path]).status == 0)
            let secondFiles = try Self.files(second.appendingPathComponent("open-release"))
            for name in ["prompts.jsonl", "outputs.jsonl", "contenders.jsonl", "leaderboard.json", "audit.json"] {
                #expect(secondFiles[name] == cliFiles[name], "\(name)")
            }
            func voters(_ data: Data?) -> Set<String> {
                Set(String(decoding: data ?? Data(), as: UTF8.self).split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["voter"] as? String
                })
            }
            #expect(voters(cliFiles["votes.jsonl"]).count == 4 && voters(secondFiles["votes.jsonl"]).count == 4)
            #expect(voters(cliFiles["votes.jsonl"]).isDisjoint(with: voters(secondFiles["votes.jsonl"])))
            let secondCard = String(decoding: secondFiles["README.md"] ?? Data(), as: UTF8.self)
            #expect(secondCard.contains("**Licence:** CC0-1.0") && secondCard.contains("made for this release and discarded"))
        }
    }

    /// `GET …/pairs?difficulty=` gives the rows `prefer export pairs --difficulty` writes.
    @Test func pairsOverHTTPCarryTheCLIsDifficultyLabels() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await TestServer.run { server in
            try Self.importVotes(server, scratch: scratch)
            for kind in ["all", "easy", "hard"] {
                let file = scratch.appendingPathComponent("\(kind).jsonl")
                let cli = try Self.run(Self.prefer, [
                    "export", "pairs", "--arena", "open", "--database", server.database, "--difficulty", kind, "--ties", "keep",
                    "--out", file.path, "--quiet",
                ])
                #expect(cli.status == 0, "\(cli.stderr)")
                let reply = try await server.send(
                    .get, "/api/arenas/open/pairs?difficulty=\(kind)&ties=keep", template: "/api/arenas/{arena}/pairs", admin: true)
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply.body == (try Data(contentsOf: file)), "\(kind)")
                if kind == "all" { #expect(reply.text.contains("\"difficulty\":\"")) }
            }
            let wrong = try await server.send(.get, "/api/arenas/open/pairs?difficulty=medium", template: "/api/arenas/{arena}/pairs", admin: true)
            #expect(wrong.status == 400 && wrong.errorField == "difficulty", "\(wrong.text)")
        }
    }

    @Test func releaseErrorsNameTheirField() async throws {
        try await TestServer.run { server in
            let path = "/api/arenas/{arena}/releases"
            #expect(try await server.send(.post, "/api/arenas/nope/releases", template: path, json: [String: Any](), admin: true).status == 404)
            #expect(try await server.send(.post, "/api/arenas/nope/releases", template: path).status == 401)
            try await server.createArena(["name": "empty"])
            let empty = try await server.send(.post, "/api/arenas/empty/releases", template: path, json: [String: Any](), admin: true)
            #expect(empty.status == 404 && empty.errorField == "arena", "\(empty.text)")
            let pattern = try await server.send(.post, "/api/arenas/empty/releases", template: path, json: ["drop_prompts": "(["], admin: true)
            #expect(pattern.status == 400 && pattern.errorField == "drop_prompts", "\(pattern.text)")
            // The document's lengths are the server's (JSON Schema counts code points).
            let long = try await server.send(
                .post, "/api/arenas/empty/releases", template: path, json: ["drop_prompts": String(repeating: "ô", count: 1001)], admin: true)
            #expect(long.status == 400 && long.errorField == "drop_prompts", "\(long.text)")
            let fits = try await server.send(
                .post, "/api/arenas/empty/releases", template: path, json: ["drop_prompts": String(repeating: "ô", count: 1000)], admin: true)
            #expect(fits.status == 404 && fits.errorField == "arena", "\(fits.text)")
            let names = try await server.send(
                .post, "/api/arenas/empty/releases", template: path, json: ["drop_annotators": [String(repeating: "a", count: 1001)]], admin: true)
            #expect(names.status == 400 && names.errorField == "drop_annotators", "\(names.text)")
            let key = try await server.send(.post, "/api/arenas/empty/releases", template: path, json: ["pseudonym_key": "abc"], admin: true)
            #expect(key.status == 400 && key.errorField == "pseudonym_key", "\(key.text)")
            let unknown = try await server.send(.post, "/api/arenas/empty/releases", template: path, json: ["licence": "x"], admin: true)
            #expect(unknown.status == 400, "\(unknown.text)")
        }
    }
}

