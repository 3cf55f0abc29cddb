import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

@Suite("Battles and votes")
struct BattleTests {
    @Test func battlesRevealNoContenderIdentity() async throws {
        try await TestServer.run { server in
            try await server.makeArena("anon", contenders: ["secret-model-one", "secret-model-two", "secret-model-three"], prompts: 3)
            var lefts: Set<String> = []
            for _ in 0..<40 {
                let reply = try await server.battle("anon")
                #expect(reply.status == 201)
                // The battle id is random ciphertext (base64url): it can spell "one" by
                // chance, so the names are looked for in the rest of the response.
                let battleId = reply.json["battle"] as? String ?? ""
                let shown = reply.text.replacingOccurrences(of: battleId, with: "")
                for name in ["secret-model", "one", "two", "three", "contender", "\"id\""] {
                    #expect(!shown.contains(name), "battle response mentions \(name): \(reply.text)")
                }
                let left = (reply.json["left"] as! [String: Any])["content"] as! String
                let right = (reply.json["right"] as! [String: Any])["content"] as! String
                #expect(left != right)
                lefts.insert(left)
            }
            // Every contender's output appears on the left at some point: sides are randomised.
            #expect(Set(lefts.map { $0.split(separator: "[").last! }).count == 3)
        }
    }

    @Test func votingRevealsStoresOnceAndRejectsSecondVotes() async throws {
        try await TestServer.run { server in
            try await server.makeArena("v", extra: ["criteria": ["helpful"]])
            let battle = try await server.battle("v")
            let id = battle.json["battle"] as! String
            let leftAuthor = TestServer.author(battle.json["left"])
            let first = try await server.vote(id, ["choice": "left", "client_vote_id": "c-1", "criteria": ["helpful": "tie"], "rationale": "clearer", "time_to_vote_ms": 5400])
            #expect(first.status == 201)
            let left = (first.json["left"] as! [String: Any])["contender"] as! String
            #expect(left == ["alpha", "beta", "gamma"][leftAuthor])
            #expect(first.json["replayed"] as? Bool == false)
            let retry = try await server.vote(id, ["choice": "left", "client_vote_id": "c-1"])
            #expect(retry.status == 200 && retry.json["replayed"] as? Bool == true && retry.json["id"] as? Int == first.json["id"] as? Int)
            let second = try await server.vote(id, ["choice": "right"])
            #expect(second.status == 409 && second.errorCode == "battle_already_voted")
            let count = try await server.store.voteCount(arena: 1)
            #expect(count == 1)
            // The same client_vote_id on another battle is a conflict too.
            let other = try await server.battle("v").json["battle"] as! String
            let reused = try await server.vote(other, ["choice": "tie", "client_vote_id": "c-1"])
            #expect(reused.status == 409 && reused.errorCode == "client_vote_id_reused")
        }
    }

    @Test func badVotesAreClearErrors() async throws {
        try await TestServer.run { server in
            try await server.makeArena("b")
            let id = try await server.battle("b").json["battle"] as! String
            let choice = try await server.vote(id, ["choice": "lefty"])
            #expect(choice.status == 400 && choice.errorField == "choice")
            let criterion = try await server.vote(id, ["choice": "left", "criteria": ["style": "left"]])
            #expect(criterion.status == 400 && criterion.errorField == "criteria.style")
            let time = try await server.vote(id, ["choice": "left", "time_to_vote_ms": -5])
            #expect(time.status == 400 && time.errorField == "time_to_vote_ms")
            let unknown = try await server.vote("not-a-battle", ["choice": "left"])
            #expect(unknown.status == 404 && unknown.errorCode == "unknown_battle")
            var tampered = Array(id)
            tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A"
            let altered = try await server.vote(String(tampered), ["choice": "left"])
            #expect(altered.status == 404)
            let empty = try await server.send(.post, "/api/battles/\(id)/vote", template: "/api/battles/{battle}/vote", raw: "")
            #expect(empty.status == 400 && empty.errorCode == "malformed_json")
        }
    }

    @Test func expiredBattlesAreGone() async throws {
        try await TestServer.run(configure: { $0.battleLifetime = .seconds(-1) }) { server in
            try await server.makeArena("e")
            let id = try await server.battle("e").json["battle"] as! String
            let reply = try await server.vote(id, ["choice": "left"])
            #expect(reply.status == 410 && reply.errorCode == "expired_battle")
            // A client vote id does not open an expired battle: only a retry of a
            // vote stored before expiry is answered, and none was.
            let withId = try await server.vote(id, ["choice": "left", "client_vote_id": "fresh-after-expiry"])
            #expect(withId.status == 410 && withId.errorCode == "expired_battle")
            let arena = try #require(try await server.store.arena(named: "e"))
            #expect(try await server.store.voteCount(arena: arena.id) == 0)
        }
    }

    @Test func concurrentVotesOnOneBattleExactlyOneWins() async throws {
        try await TestServer.run { server in
            try await server.makeArena("c")
            for _ in 0..<5 {
                let id = try await server.battle("c").json["battle"] as! String
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for k in 0..<12 {
                        group.addTask { try await server.vote(id, ["choice": k % 2 == 0 ? "left" : "right"]).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 201 }.count == 1)
                #expect(statuses.filter { $0 == 409 }.count == 11)
            }
            #expect(try await server.store.voteCount(arena: 1) == 5)
        }
    }

    @Test func arenaWithoutOutputsHasNoBattles() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "empty"])
            let reply = try await server.battle("empty")
            #expect(reply.status == 409 && reply.errorCode == "no_battle_available")
            #expect(try await server.battle("missing").status == 404)
        }
    }

    @Test func privateArenasNeedAnInvite() async throws {
        try await TestServer.run { server in
            try await server.makeArena("private-study", extra: ["private": true])
            let denied = try await server.battle("private-study")
            #expect(denied.status == 403 && denied.errorCode == "invite_required")
            let invites = try await server.send(.post, "/api/arenas/private-study/invites", template: "/api/arenas/{arena}/invites", json: ["names": ["ana", "bo"]], admin: true)
            #expect(invites.status == 201)
            let list = invites.json["invites"] as! [[String: Any]]
            let token = list[0]["token"] as! String
            #expect((list[0]["url"] as! String).contains("invite=\(token)"))
            let viaQuery = try await server.send(.post, "/api/arenas/private-study/battles?invite=\(token)", template: "/api/arenas/{arena}/battles")
            #expect(viaQuery.status == 201)
            let viaHeader = try await server.battle("private-study", headers: [.authorization: "Bearer \(list[1]["token"] as! String)"])
            #expect(viaHeader.status == 201)
            let vote = try await server.vote(viaHeader.json["battle"] as! String, ["choice": "tie"])
            #expect(vote.json["voter"] as? String == "invite:bo")
            let wrong = try await server.battle("private-study", headers: [.authorization: "Bearer not-an-invite"])
            #expect(wrong.status == 403 && wrong.errorCode == "wrong_invite")
        }
    }

    @Test func anonymousVotersGetAStablePseudonym() async throws {
        try await TestServer.run { server in
            try await server.makeArena("s")
            let first = try await server.battle("s")
            let cookie = first.headers[.setCookie] ?? ""
            #expect(cookie.contains("prefer_session=") && cookie.contains("HttpOnly") && cookie.lowercased().contains("samesite=lax"))
            let session = String(cookie.split(separator: ";")[0])
            let a = try await server.battle("s", headers: [.cookie: session])
            #expect(a.headers[.setCookie] == nil)
            let b = try await server.battle("s", headers: [.cookie: session])
            let va = try await server.vote(a.json["battle"] as! String, ["choice": "left"]).json["voter"] as? String
            let vb = try await server.vote(b.json["battle"] as! String, ["choice": "right"]).json["voter"] as? String
            #expect(va != nil && va == vb)
            #expect(va?.hasPrefix("anon-") == true)
            #expect(!(va ?? "").contains(session.replacingOccurrences(of: "prefer_session=", with: "")))
        }
    }
}

@Suite("Annotations per item")
struct CoverageTests {
    @Test func itemsAreShownToKAnnotators() async throws {
        try await TestServer.run { server in
            try await server.makeArena("k3", contenders: ["a", "b"], prompts: 12, extra: ["annotations_per_item": 3])
            func session() async throws -> String {
                let reply = try await server.battle("k3")
                return String((reply.headers[.setCookie] ?? "").split(separator: ";")[0])
            }
            let first = try await server.battle("k3")
            let cookie = String((first.headers[.setCookie] ?? "").split(separator: ";")[0])
            let prompt = (first.json["prompt"] as! [String: Any])["text"] as! String
            #expect(try await server.vote(first.json["battle"] as! String, ["choice": "left"]).status == 201)
            // The same voter is not shown the item again; two other voters are.
            for _ in 0..<2 {
                let other = try await session()
                let battle = try await server.battle("k3", headers: [.cookie: other])
                #expect((battle.json["prompt"] as! [String: Any])["text"] as? String == prompt)
                #expect(try await server.vote(battle.json["battle"] as! String, ["choice": "right"]).status == 201)
            }
            let again = try await server.battle("k3", headers: [.cookie: cookie])
            #expect(again.status == 201)
            // Three annotations: the item is complete, so a fourth voter gets it only by chance (1 in 12).
            var repeats = 0
            for _ in 0..<6 {
                let fresh = try await session()
                let battle = try await server.battle("k3", headers: [.cookie: fresh])
                if (battle.json["prompt"] as! [String: Any])["text"] as? String == prompt { repeats += 1 }
            }
            #expect(repeats < 4)
        }
    }
}
