import Foundation
import HTTPTypes
import PreferCore
import PreferJudgeTestSupport
@testable import PreferServer
import PreferStore
import Testing

/// Live hybrid routing over HTTP, against the fake OpenAI-compatible
/// endpoint: settings set with the arena (create/PATCH) and read back, the
/// share of battles routed to people following the budget, judge-routed
/// battles landing as judge votes, human battles saying nothing about the
/// judge, and plain drawing (never an error) while the endpoint fails.
@Suite("Hybrid routing over HTTP", .serialized, .timeLimit(.minutes(3)))
struct HybridRoutingTests {
    static func routing(_ server: TestServer, _ arena: String) async throws -> [String: Any] {
        let reply = try await server.send(.get, "/api/arenas/\(arena)/routing", template: "/api/arenas/{arena}/routing", admin: true)
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json
    }

    static func status(_ server: TestServer, _ arena: String) async throws -> [String: Any] {
        try await routing(server, arena)["status"] as? [String: Any] ?? [:]
    }

    /// Polls the routing state until `condition` holds (at most `seconds`).
    static func wait(
        _ server: TestServer, _ arena: String, seconds: Double = 20, until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var status = try await Self.status(server, arena)
        while !condition(status) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            status = try await Self.status(server, arena)
        }
        return status
    }

    static func patch(_ server: TestServer, _ arena: String, _ routing: [String: Any]) async throws -> TestServer.Reply {
        try await server.send(.patch, "/api/arenas/\(arena)", template: "/api/arenas/{arena}", json: ["routing": routing], admin: true)
    }

    @Test func theRoutedShareFollowsTheBudgetAndJudgeRoutedBattlesLandAsJudgeVotes() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        try await JudgeRunHTTPTests.run { server, services in
            _ = try await JudgeRunHTTPTests.arena(server, name: "routed", prompts: 30, votes: 0)
            try await JudgeRunHTTPTests.defineJudge(server, fake, concurrency: 8)
            let set = try await Self.patch(server, "routed", ["judge": "fake", "human_share": 0.4, "audit_share": 0.1])
            #expect(set.status == 200, "\(set.text)")
            let shown = try #require(set.json["routing"] as? [String: Any])
            #expect(shown["judge"] as? String == "fake" && shown["human_share"] as? Double == 0.4 && shown["audit_share"] as? Double == 0.1)

            // People take the battles the judge sent them; the service judges more as the queue empties.
            var drawn = 0
            var routedStatus: [String: Any] = [:]
            while drawn < 400 {
                routedStatus = try await Self.wait(server, "routed") { ($0["queued"] as? Int ?? 0) > 0 }
                if (routedStatus["judged"] as? Int ?? 0) >= 300 { break }
                let battle = try await server.battle("routed")
                #expect(battle.status == 201 || battle.status == 200, "\(battle.text)")
                // A human battle says nothing about the judge or the contenders.
                for word in ["judge", "verdict", "alpha", "beta", "gamma", "audit"] {
                    #expect(!battle.text.contains(word), "the battle shows \(word): \(battle.text)")
                }
                if let id = battle.json["battle"] as? String {
                    let left = ((battle.json["left"] as? [String: Any])?["content"] as? String ?? "").contains("GOOD")
                    let right = ((battle.json["right"] as? [String: Any])?["content"] as? String ?? "").contains("GOOD")
                    _ = try await server.vote(id, ["choice": left == right ? "tie" : (left ? "left" : "right")])
                }
                drawn += 1
            }
            let judged = try #require(routedStatus["judged"] as? Int)
            let toPeople = try #require(routedStatus["to_people"] as? Int)
            let toJudge = try #require(routedStatus["to_judge"] as? Int)
            #expect(routedStatus["state"] as? String == "routing")
            #expect(judged >= 300 && toPeople + toJudge == judged)
            // 0.4 ± 4 standard deviations of a binomial share over 300 battles.
            let share = Double(toPeople) / Double(judged)
            #expect(abs(share - 0.4) < 4 * (0.24 / Double(judged)).squareRoot(), "share to people \(share) over \(judged)")
            let audits = try #require(routedStatus["audits"] as? Int)
            #expect(audits > 0 && audits < toPeople)
            // The judge's verdicts are stored as its votes (one per prompt and pair), never in the people's board.
            // The judge keeps working ahead while this reads: its votes and its run's count of done
            // items are written in one transaction, so the votes read lie between two reads of the count.
            let runId = try #require(routedStatus["run"] as? Int)
            let runBefore = try await JudgeRunHTTPTests.get(server, "routed", run: runId)
            let judgeVotes = JudgeRunHTTPTests.lines(try await server.send(.get, "/api/arenas/routed/votes?source=judge", admin: true))
            #expect(!judgeVotes.isEmpty)
            #expect(judgeVotes.allSatisfy { $0["source"] as? String == "judge" && $0["voter"] as? String == "judge:fake" })
            let humanVotes = JudgeRunHTTPTests.lines(try await server.send(.get, "/api/arenas/routed/votes", admin: true))
            #expect(humanVotes.allSatisfy { $0["source"] as? String != "judge" })
            #expect(humanVotes.count == drawn)
            // Every judged candidate is an item of the routing run.
            let run = try await JudgeRunHTTPTests.get(server, "routed", run: runId)
            #expect((run["selection"] as? [String: Any])?["kind"] as? String == "routing")
            let (doneBefore, doneAfter) = (runBefore["done_items"] as? Int ?? -1, run["done_items"] as? Int ?? -1)
            #expect(doneBefore <= judgeVotes.count && judgeVotes.count <= doneAfter, "\(doneBefore) ≤ \(judgeVotes.count) ≤ \(doneAfter)")
            // The risk model learns from the battles people voted on that the judge also judged.
            let later = try await Self.status(server, "routed")
            #expect((later["training_battles"] as? Int ?? 0) >= 0)
            // The page says so, without a verdict.
            let page = try await server.send(.get, "/arenas/routed/leaderboard")
            #expect(page.text.contains("Hybrid routing") && page.text.contains("with judge fake"))
        }
        try await fake.stop()
    }

    @Test func battlesAreDrawnPlainlyAndTheStateSaysSoWhileTheEndpointFails() async throws {
        let fake = try await FakeJudgeEndpoint.start { _ in .status(503, body: #"{"error": "down"}"#) }
        try await JudgeRunHTTPTests.run { server, _ in
            _ = try await JudgeRunHTTPTests.arena(server, name: "down", prompts: 4, votes: 0)
            let judge = try await server.send(.post, "/api/judges", json: [
                "name": "fake", "endpoint": fake.base, "model": "judge", "timeout_seconds": 2, "retries": 0,
            ], admin: true)
            #expect(judge.status == 201, "\(judge.text)")
            let set = try await Self.patch(server, "down", ["judge": "fake"])
            #expect(set.status == 200, "\(set.text)")
            let status = try await Self.wait(server, "down") { $0["state"] as? String == "fallback" }
            #expect(status["state"] as? String == "fallback")
            #expect((status["message"] as? String ?? "").contains("503"), "\(status)")
            #expect((status["errors"] as? Int ?? 0) >= 1)
            // Annotators are never kept waiting or shown an error.
            for _ in 0..<10 {
                let battle = try await server.battle("down")
                #expect(battle.status == 201 || battle.status == 200, "\(battle.text)")
                let id = try #require(battle.json["battle"] as? String)
                #expect(try await server.vote(id, ["choice": "tie"]).status == 201)
            }
            let after = try await Self.status(server, "down")
            #expect((after["plain_draws"] as? Int ?? 0) >= 10)
            #expect(after["judged"] as? Int == 0)
            let page = try await server.send(.get, "/arenas/down/leaderboard")
            #expect(page.text.contains("fallen back to plain drawing"))
            // Turned off: the state says off, battles still drawn.
            let off = try await Self.patch(server, "down", ["enabled": false])
            #expect(off.status == 200, "\(off.text)")
            #expect(((off.json["routing"] as? [String: Any])?["status"] as? [String: Any])?["state"] as? String == "off")
        }
        try await fake.stop()
    }

    @Test func theJudgeWorksAheadOfPeopleByABoundedAmount() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        try await JudgeRunHTTPTests.run { server, _ in
            _ = try await JudgeRunHTTPTests.arena(server, name: "judged", prompts: 30, votes: 0)
            try await JudgeRunHTTPTests.defineJudge(server, fake, concurrency: 8)
            // Everything to the judge, and nobody drawing: it must not judge forever.
            let set = try await Self.patch(server, "judged", ["judge": "fake", "human_share": 0, "audit_share": 0])
            #expect(set.status == 200, "\(set.text)")
            let bound = 8 + Int((8 / 0.05).rounded(.up)) + 8   // the queue, the candidates ahead, one batch over
            let first = try await Self.wait(server, "judged") { ($0["judged"] as? Int ?? 0) >= 168 }
            try await Task.sleep(for: .milliseconds(600))
            let later = try await Self.status(server, "judged")
            let judged = try #require(later["judged"] as? Int)
            #expect(judged >= 168 && judged <= bound && judged == first["judged"] as? Int, "\(first) then \(later)")
            #expect(later["to_people"] as? Int == 0 && later["to_judge"] as? Int == judged)
            // A draw lets it judge again.
            let battle = try await server.battle("judged")
            #expect(battle.status == 201 || battle.status == 200)
            let again = try await Self.wait(server, "judged") { ($0["judged"] as? Int ?? 0) > judged }
            #expect((again["judged"] as? Int ?? 0) > judged)
        }
        try await fake.stop()
    }

    @Test func settingsErrorsNameTheFieldAndAWrongSettingCreatesNothing() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        try await JudgeRunHTTPTests.run { server, _ in
            try await JudgeRunHTTPTests.defineJudge(server, fake)
            _ = try await server.makeArena("plain")
            func field(_ reply: TestServer.Reply) -> String? { (reply.json["error"] as? [String: Any])?["field"] as? String }

            let noJudge = try await Self.patch(server, "plain", ["human_share": 0.5])
            #expect(noJudge.status == 400 && field(noJudge) == "routing.judge", "\(noJudge.text)")
            let unknown = try await Self.patch(server, "plain", ["judge": "nobody"])
            #expect(unknown.status == 404 && field(unknown) == "routing.judge", "\(unknown.text)")
            let share = try await Self.patch(server, "plain", ["judge": "fake", "human_share": 1.5])
            #expect(share.status == 400 && field(share) == "routing.human_share", "\(share.text)")
            let audit = try await Self.patch(server, "plain", ["judge": "fake", "human_share": 0.2, "audit_share": 0.3])
            #expect(audit.status == 400 && field(audit) == "routing.audit_share", "\(audit.text)")
            let none = try await server.send(.get, "/api/arenas/plain/routing", template: "/api/arenas/{arena}/routing", admin: true)
            #expect(none.status == 404 && (none.json["error"] as? [String: Any])?["code"] as? String == "no_routing", "\(none.text)")

            // On create: checked before the arena exists.
            let created = try await server.send(
                .post, "/api/arenas", template: "/api/arenas", json: ["name": "never", "routing": ["judge": "fake", "audit_share": 0.9]], admin: true)
            #expect(created.status == 400 && field(created) == "routing.audit_share", "\(created.text)")
            let missing = try await server.send(.get, "/api/arenas/never", template: "/api/arenas/{arena}", admin: true)
            #expect(missing.status == 404)

            // Right settings: defaults fill what is left out; a later PATCH keeps what it leaves out.
            let good = try await server.send(
                .post, "/api/arenas", template: "/api/arenas", json: ["name": "routes", "routing": ["judge": "fake"]], admin: true)
            #expect(good.status == 201, "\(good.text)")
            let routing = try #require(good.json["routing"] as? [String: Any])
            #expect(routing["human_share"] as? Double == HybridRouting.defaultHumanShare)
            #expect(routing["audit_share"] as? Double == HybridRouting.defaultAuditShare && routing["enabled"] as? Bool == true)
            let changed = try await Self.patch(server, "routes", ["human_share": 0.6])
            let now = try #require(changed.json["routing"] as? [String: Any])
            #expect(now["human_share"] as? Double == 0.6 && now["audit_share"] as? Double == HybridRouting.defaultAuditShare)
            let read = try await Self.routing(server, "routes")
            #expect(read["judge"] as? String == "fake" && read["human_share"] as? Double == 0.6)
        }
        try await fake.stop()
    }
}
