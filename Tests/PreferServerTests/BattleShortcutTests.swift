import Foundation
import HTTPTypes
@testable import PreferServer
import Testing

/// Battles and votes are answered by shortcuts (`PreferAPI+BattleShortcuts`)
/// unless a request is unusual, which the generated handler answers. An
/// `Accept` header listing two types is such a request, so the same call
/// can be made both ways: both must answer alike, byte for byte where the
/// answer is the same (a replayed vote), and as the document says where it
/// is new each time (a battle).
@Suite("Battles and votes served by shortcuts")
struct BattleShortcutTests {
    static let generated: HTTPFields = [.accept: "application/json, text/plain"]
    static let voteTemplate = "/api/battles/{battle}/vote"

    @Test func aReplayedVoteIsTheSameBytesBothWays() async throws {
        try await TestServer.run { server in
            try await server.makeArena("s", extra: ["criteria": ["helpful", "Zest", "éclat"]])
            let battle = try await server.battle("s")
            #expect(battle.status == 201)
            let id = try #require(battle.json["battle"] as? String)
            let ballot: [String: Any] = [
                "choice": "both_bad", "client_vote_id": "c/1", "criteria": ["helpful": "tie", "Zest": "left", "éclat": "right"],
                "rationale": "\"quoted\"\n</script>\u{2028}", "time_to_vote_ms": 5400,
            ]
            let first = try await server.vote(id, ballot)
            #expect(first.status == 201 && first.json["replayed"] as? Bool == false)
            let viaGenerated = try await server.send(
                .post, "/api/battles/\(id)/vote", template: Self.voteTemplate, json: ballot, headers: Self.generated)
            let viaShortcut = try await server.vote(id, ballot)
            #expect(viaGenerated.status == 200 && viaShortcut.status == 200)
            #expect(viaShortcut.body == viaGenerated.body, "\(viaShortcut.text)\n\(viaGenerated.text)")
            #expect(viaShortcut.headers[.contentType] == viaGenerated.headers[.contentType])
            #expect(viaShortcut.json["replayed"] as? Bool == true)
            // The first answer differs from the replays in `replayed` only.
            var firstJSON = first.json
            firstJSON["replayed"] = true
            #expect(NSDictionary(dictionary: firstJSON) == NSDictionary(dictionary: viaShortcut.json))
        }
    }

    @Test func battlesAndNextBattlesHaveTheSameShapeBothWays() async throws {
        try await TestServer.run { server in
            try await server.makeArena("n", contenders: ["alpha", "beta"], prompts: 3)
            let shortcut = try await server.battle("n")
            let generated = try await server.battle("n", headers: Self.generated)
            #expect(shortcut.status == 201 && generated.status == 201)
            #expect(Set(shortcut.json.keys) == Set(generated.json.keys))
            #expect(shortcut.headers[.contentType] == generated.headers[.contentType])
            for reply in [shortcut, generated] {
                #expect(!reply.text.contains("alpha") && !reply.text.contains("beta"))
            }

            let id = try #require(shortcut.json["battle"] as? String)
            let voted = try await server.send(.post, "/api/battles/\(id)/vote?next=true", template: Self.voteTemplate, json: ["choice": "left"])
            #expect(voted.status == 201)
            let next = try #require(voted.json["next"] as? [String: Any])
            #expect(Set(next.keys) == Set(generated.json.keys))
            let nextText = String(decoding: try JSONSerialization.data(withJSONObject: next), as: UTF8.self)
            #expect(!nextText.contains("alpha") && !nextText.contains("beta"))
            let names = [voted.json["left"], voted.json["right"]].compactMap { ($0 as? [String: Any])?["contender"] as? String }
            #expect(Set(names) == ["alpha", "beta"])

            let nextID = try #require(next["battle"] as? String)
            let withoutNext = try await server.send(.post, "/api/battles/\(nextID)/vote?next=false", template: Self.voteTemplate, json: ["choice": "tie"])
            #expect(withoutNext.status == 201 && withoutNext.json["next"] == nil)
        }
    }

    /// What the shortcuts pass on is answered by the generated handler,
    /// errors included, as before.
    @Test func unusualAndBadRequestsAreAnsweredAsTheDocumentSays() async throws {
        try await TestServer.run { server in
            try await server.makeArena("u")
            let id = try #require(try await server.battle("u").json["battle"] as? String)
            let badQuery = try await server.send(.post, "/api/battles/\(id)/vote?next=maybe", template: Self.voteTemplate, json: ["choice": "left"])
            #expect(badQuery.status == 400 && badQuery.errorField == "next")
            let notJSON = try await server.send(
                .post, "/api/battles/\(id)/vote", template: Self.voteTemplate, raw: "{\"choice\":", headers: [.contentType: "application/json"])
            #expect(notJSON.status == 400)
            let unknownField = try await server.vote(id, ["choice": "left", "colour": "blue"])
            #expect(unknownField.status == 400 && unknownField.errorField == "colour")
            let badChoice = try await server.vote(id, ["choice": "best", "best": 1])
            #expect(badChoice.status == 400 && badChoice.errorField == "best")
            let text = try await server.send(
                .post, "/api/battles/\(id)/vote", raw: "choice=left", headers: [.contentType: "text/plain"])
            #expect(text.status == 415)
            let unknownBattle = try await server.vote("AAAA", ["choice": "left"])
            #expect(unknownBattle.status == 404 || unknownBattle.status == 400)
            let unknownArena = try await server.send(.post, "/api/arenas/nowhere/battles", template: "/api/arenas/{arena}/battles")
            #expect(unknownArena.status == 404)
            // Nothing above was stored; the good vote still is.
            let good = try await server.vote(id, ["choice": "left"])
            #expect(good.status == 201)
        }
    }
}
