import Foundation
import HTTPTypes
@testable import PreferServer
import PreferStore
import Testing

/// One round trip per vote: a vote may ask for the annotator's next battle.
@Suite("Vote and next battle")
struct NextBattleTests {
    @Test func aVoteCanBringTheNextBattle() async throws {
        try await TestServer.run { server in
            try await server.makeArena("n", contenders: ["secret-model-one", "secret-model-two", "secret-model-three"], prompts: 4)
            var id = try #require(try await server.battle("n").json["battle"] as? String)
            var seen: Set<String> = [id]
            for k in 0..<6 {
                let reply = try await server.send(
                    .post, "/api/battles/\(id)/vote?next=true", template: "/api/battles/{battle}/vote",
                    json: ["choice": "left", "client_vote_id": "next-\(k)"])
                #expect(reply.status == 201)
                #expect((reply.json["left"] as? [String: Any])?["contender"] is String, "the vote reveals its own battle")
                let next = try #require(reply.json["next"] as? [String: Any], "no next battle: \(reply.text)")
                let nextId = try #require(next["battle"] as? String)
                // The next battle is as anonymous as any other.
                let shown = String(decoding: try JSONSerialization.data(withJSONObject: next), as: UTF8.self).replacingOccurrences(of: nextId, with: "")
                #expect(!shown.contains("secret-model") && next["left"] != nil && next["right"] != nil)
                #expect(!seen.contains(nextId))
                seen.insert(nextId)
                id = nextId
            }
            #expect(try await server.store.voteCount(arena: 1) == 6)
            // Without ?next the vote stays as it was.
            let plain = try await server.vote(id, ["choice": "tie"])
            #expect(plain.status == 201 && plain.json["next"] == nil)
        }
    }

    @Test func theNextBattleKeepsTheVoterAndThePrivateArena() async throws {
        try await TestServer.run { server in
            try await server.makeArena("priv", extra: ["private": true])
            let invites = try await server.send(.post, "/api/arenas/priv/invites", json: ["names": ["ann"]], admin: true)
            let token = try #require(((invites.json["invites"] as? [[String: Any]])?.first)?["token"] as? String)
            let first = try await server.battle("priv", headers: [.authorization: "Bearer \(token)"])
            let id = try #require(first.json["battle"] as? String)
            let reply = try await server.send(.post, "/api/battles/\(id)/vote?next=true", json: ["choice": "right"])
            let next = try #require((reply.json["next"] as? [String: Any])?["battle"] as? String)
            let second = try await server.vote(next, ["choice": "left"])
            #expect(second.status == 201 && second.json["voter"] as? String == "invite:ann")
            // A retry of a stored vote with ?next still gets its stored vote, and a fresh battle.
            let retry = try await server.send(.post, "/api/battles/\(id)/vote?next=true", json: ["choice": "right"])
            #expect(retry.status == 409 || retry.status == 200)
        }
    }
}
