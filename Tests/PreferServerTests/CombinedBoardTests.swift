import Foundation
import HTTPTypes
import PreferCore
import PreferJudgeTestSupport
@testable import PreferServer
import PreferStore
import Testing

/// `source=all`: people's votes and the validated judges' only, and the
/// board says which judges it counted and which it left out, and why.
@Suite("The combined board counts validated judges", .serialized, .timeLimit(.minutes(3)))
struct CombinedBoardTests {
    @Test func onlyValidatedJudgesAreCountedAndTheBoardSaysWhich() async throws {
        // One endpoint, three models: "right" knows the better answer, "wrong" says the opposite.
        let fake = try await FakeJudgeEndpoint.start { request in
            let a = request.answer("A") ?? ""
            let b = request.answer("B") ?? ""
            var better = a.contains("GOOD") == b.contains("GOOD") ? 0 : (a.contains("GOOD") ? 1 : -1)
            if request.json["model"] as? String == "wrong" { better = -better }
            return .completion("[[\(better == 0 ? "A=B" : (better > 0 ? "A>B" : "B>A"))]]")
        }
        try await JudgeRunHTTPTests.run { server, services in
            let human = try await JudgeRunHTTPTests.arena(server, name: "both", prompts: 6, votes: 40)
            #expect(human > 20)
            var judgeVotes: [String: Int] = [:]
            for (name, model) in [("right", "right"), ("wrong", "wrong"), ("unruled", "right")] {
                let defined = try await server.send(.post, "/api/judges", json: [
                    "name": name, "endpoint": fake.base, "model": model, "timeout_seconds": 10, "retries": 0,
                ], admin: true)
                #expect(defined.status == 201, "\(defined.text)")
                let started = try await JudgeRunHTTPTests.start(server, "both", ["judge": name, "selection": "human_battles"])
                #expect(started.status == 202, "\(started.text)")
                let id = try #require((started.json["run"] as? [String: Any])?["id"] as? Int)
                await services.judgeRuns.finished(Int64(id))
                judgeVotes[name] = try await server.store.votes(arena: 1, after: nil, limit: 10_000)
                    .filter { $0.voter == "judge:" + name }.count
                #expect(judgeVotes[name] ?? 0 > 0)
            }
            for name in ["right", "wrong"] {
                let rule = try await server.send(
                    .put, "/api/arenas/both/judges/\(name)/validation", template: "/api/arenas/{arena}/judges/{judge}/validation",
                    json: ["threshold": 0.6, "min_battles": 5], admin: true)
                #expect(rule.status == 200, "\(rule.text)")
                #expect((rule.json["verdict"] as? [String: Any])?["validated"] as? Bool == (name == "right"), "\(rule.text)")
            }

            func board(_ query: String) async throws -> [String: Any] {
                let reply = try await server.send(.get, "/api/arenas/both/leaderboard?bootstrap=0" + query, template: "/api/arenas/{arena}/leaderboard")
                #expect(reply.status == 200, "\(reply.text)")
                return reply.json
            }
            func used(_ board: [String: Any]) -> Int? { (board["method"] as? [String: Any])?["votes"] as? Int }
            let people = try await board("")
            #expect(used(people) == human && people["judges"] == nil)
            // Every judge's votes on the judges' board (the audit would leave out the one that contradicts the others).
            let judges = try await board("&source=judge&include_flagged=true")
            #expect(used(judges) == judgeVotes.values.reduce(0, +))
            let all = try await board("&source=all")
            // People's votes and the validated judge's, nothing of the others.
            #expect(used(all) == human + (judgeVotes["right"] ?? 0), "\(all["method"] ?? "")")
            let listed = try #require(all["judges"] as? [String: Any])
            let counted = (listed["counted"] as? [[String: Any]] ?? []).compactMap { $0["judge"] as? String }
            let leftOut = (listed["left_out"] as? [[String: Any]] ?? [])
            #expect(counted == ["right"])
            #expect(leftOut.compactMap { $0["judge"] as? String } == ["unruled", "wrong"])
            let reasons = Dictionary(uniqueKeysWithValues: leftOut.map { ($0["judge"] as? String ?? "", $0["reason"] as? String ?? "") })
            #expect(reasons["wrong"]?.hasPrefix("not validated") == true, "\(reasons)")
            #expect(reasons["unruled"]?.contains("no validation rule") == true, "\(reasons)")
            #expect((listed["rule"] as? String ?? "").contains("validated"))

            // Validating the third judge brings its votes in.
            let rule = try await server.send(
                .put, "/api/arenas/both/judges/unruled/validation", template: "/api/arenas/{arena}/judges/{judge}/validation",
                json: ["threshold": 0.6, "min_battles": 5], admin: true)
            #expect(rule.status == 200, "\(rule.text)")
            let again = try await board("&source=all")
            #expect(used(again) == human + (judgeVotes["right"] ?? 0) + (judgeVotes["unruled"] ?? 0))

            // The page's "Both" board says which judges it counts.
            let page = try await server.send(.get, "/arenas/both/leaderboard?source=all")
            #expect(page.text.contains("validated judges&#39; only") || page.text.contains("validated judges' only"), "\(page.text.prefix(200))")
            #expect(page.text.contains("left out (not validated) wrong"))
        }
        try await fake.stop()
    }
}
