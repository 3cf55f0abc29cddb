import Foundation
import HTTPTypes
@testable import PreferServer
import Testing

/// The default leaderboard is served from bytes encoded once per board
/// (`PreferAPI.leaderboardShortcut`); every other request goes through the
/// generated handler. Both must answer byte for byte alike, whatever changed
/// in between: new votes, a hidden contender.
@Suite("Leaderboard served from bytes")
struct LeaderboardShortcutTests {
    static let template = "/api/arenas/{arena}/leaderboard"

    /// The shortcut's body and the generated handler's for the same board,
    /// read as shortcut, generated, shortcut until the two shortcut reads
    /// agree (nothing changed between them, so neither did the board the
    /// generated handler read in between).
    static func pair(_ server: TestServer, _ arena: String) async throws -> (shortcut: TestServer.Reply, generated: TestServer.Reply) {
        for _ in 0..<100 {
            let first = try await server.send(.get, "/api/arenas/\(arena)/leaderboard", template: template)
            let generated = try await server.send(.get, "/api/arenas/\(arena)/leaderboard?include_flagged=false", template: template)
            let second = try await server.send(.get, "/api/arenas/\(arena)/leaderboard", template: template)
            if first.body == second.body { return (first, generated) }
        }
        Issue.record("the leaderboard of \(arena) kept changing")
        throw CancellationError()
    }

    @Test func theShortcutWritesWhatTheGeneratedHandlerWrites() async throws {
        try await TestServer.run(configure: { $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.makeArena("fast", contenders: ["alpha", "beta", "gamma", "delta"], prompts: 4)
            var (shortcut, generated) = try await Self.pair(server, "fast")
            #expect(shortcut.status == 200 && shortcut.body == generated.body)
            #expect(shortcut.headers[.contentType] == generated.headers[.contentType])

            try await ExportAndLeaderboardTests().castVotes(server, arena: "fast", count: 30)
            try await server.boardHolds("fast", votes: 30)
            (shortcut, generated) = try await Self.pair(server, "fast")
            #expect(shortcut.body == generated.body)
            #expect(shortcut.json["votes_total"] as? Int == 30 && shortcut.json["stale"] as? Bool == false)
            #expect((shortcut.json["contenders"] as? [Any])?.count == 4)
            let accepting = try await server.send(
                .get, "/api/arenas/fast/leaderboard", template: Self.template, headers: [.accept: "application/json"])
            #expect(accepting.body == shortcut.body)

            // A hidden contender leaves both at once (the arena's index changed, so do the bytes).
            _ = try await server.send(.patch, "/api/arenas/fast/contenders/delta", json: ["hidden": true], admin: true)
            (shortcut, generated) = try await Self.pair(server, "fast")
            #expect(shortcut.body == generated.body)
            let names = (shortcut.json["contenders"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.count == 3 && !names.contains("delta"))

            // A vote moves votes_total in both, before and after the refresh it starts.
            try await ExportAndLeaderboardTests().castVotes(server, arena: "fast", count: 1)
            (shortcut, generated) = try await Self.pair(server, "fast")
            #expect(shortcut.body == generated.body)
            try await server.boardHolds("fast", votes: 31)
            (shortcut, generated) = try await Self.pair(server, "fast")
            #expect(shortcut.body == generated.body && shortcut.json["votes_total"] as? Int == 31)

            // Unknown arenas and unusual requests are answered as the document says.
            let unknown = try await server.send(.get, "/api/arenas/nowhere/leaderboard", template: Self.template)
            #expect(unknown.status == 404)
            let xml = try await server.send(.get, "/api/arenas/fast/leaderboard", headers: [.accept: "application/xml"])
            #expect(xml.status >= 400)
        }
    }

    @Test func aPrivateBoardNeedsAReaderThroughTheShortcutToo() async throws {
        try await TestServer.run { server in
            try await server.makeArena("closed", extra: ["private": true])
            let anonymous = try await server.send(.get, "/api/arenas/closed/leaderboard", template: Self.template)
            #expect(anonymous.status == 401 || anonymous.status == 403)
            let admin = try await server.send(.get, "/api/arenas/closed/leaderboard", template: Self.template, admin: true)
            #expect(admin.status == 200)
        }
    }
}
