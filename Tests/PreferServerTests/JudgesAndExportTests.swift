import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The HTTP API for AI judges (define, list: admin) and for training data
/// out (TRL pairs from an arena's votes: viewer).
@Suite("Judges and training pairs over HTTP")
struct JudgesAndExportTests {
    @Test func judgesAreDefinedCheckedAndListedByAdmins() async throws {
        try await TestServer.run { server in
            let judge: [String: Any] = [
                "name": "local", "endpoint": "http://127.0.0.1:9/v1", "model": "qwen", "api_key_env": "LOCAL_KEY",
                "mode": "pairwise", "criteria": ["accuracy"],
            ]
            let anonymous = try await server.send(.post, "/api/judges", json: judge)
            #expect(anonymous.status == 401)
            let created = try await server.send(.post, "/api/judges", json: judge, admin: true)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["voter"] as? String == "judge:local" && created.json["orders"] as? String == "both")
            #expect(created.json["api_key_env"] as? String == "LOCAL_KEY" && created.json["temperature"] as? Double == 0)

            let again = try await server.send(.post, "/api/judges", json: judge, admin: true)
            #expect(again.status == 409 && again.errorField == "name")
            var changed = judge
            changed["model"] = "qwen-2"
            let replaced = try await server.send(.post, "/api/judges?replace=true", template: "/api/judges", json: changed, admin: true)
            #expect(replaced.status == 201 && replaced.json["model"] as? String == "qwen-2")

            var keyInstead = judge
            keyInstead["name"] = "leaky"
            keyInstead["api_key_env"] = "sk-live-123"
            let leaky = try await server.send(.post, "/api/judges", json: keyInstead, admin: true)
            #expect(leaky.status == 400 && leaky.errorField == "api_key_env", "the key itself is refused: \(leaky.text)")
            var logprobsScore = judge
            logprobsScore["name"] = "scorer"
            logprobsScore["mode"] = "score"
            logprobsScore["verdict_method"] = "logprobs"
            let inconsistent = try await server.send(.post, "/api/judges", json: logprobsScore, admin: true)
            #expect(inconsistent.status == 400 && inconsistent.errorField == "verdict_method")
            // null is "left out" (the document says so); "" is no mode.
            var nulls = changed
            nulls["temperature"] = NSNull()
            nulls["orders"] = NSNull()
            let withNulls = try await server.send(.post, "/api/judges?replace=true", template: "/api/judges", json: nulls, admin: true)
            #expect(withNulls.status == 201 && withNulls.json["temperature"] as? Double == 0 && withNulls.json["orders"] as? String == "both")
            var noMode = judge
            noMode["name"] = "moded"
            noMode["mode"] = ""
            let emptyMode = try await server.send(.post, "/api/judges", json: noMode, admin: true)
            #expect(emptyMode.status == 400 && emptyMode.errorField == "mode", "\(emptyMode.text)")

            let listed = try await server.send(.get, "/api/judges", admin: true)
            let judges = try #require(listed.json["judges"] as? [[String: Any]])
            #expect(judges.map { $0["name"] as? String } == ["local"])
            #expect(judges.first?["model"] as? String == "qwen-2")
        }
    }

    @Test func trainingPairsComeOutInTRLFormatWithTheWinnerChosen() async throws {
        try await TestServer.run { server in
            try await server.makeArena("dpo", contenders: ["alpha", "beta"], prompts: 3)
            let empty = try await server.send(.get, "/api/arenas/dpo/pairs", template: "/api/arenas/{arena}/pairs", admin: true)
            #expect(empty.status == 404 && empty.errorField == "arena")
            var expected: Set<String> = []
            for _ in 0..<6 {
                let battle = try await server.battle("dpo")
                let id = try #require(battle.json["battle"] as? String)
                let prompt = try #require((battle.json["prompt"] as? [String: Any])?["text"] as? String)
                let left = try #require((battle.json["left"] as? [String: Any])?["content"] as? String)
                let right = try #require((battle.json["right"] as? [String: Any])?["content"] as? String)
                let vote = try await server.vote(id, ["choice": "left"])
                #expect(vote.status == 201)
                expected.insert("\(prompt)|\(left)|\(right)")
            }
            let anonymous = try await server.send(.get, "/api/arenas/dpo/pairs", template: "/api/arenas/{arena}/pairs")
            #expect(anonymous.status == 401)
            let reply = try await server.send(
                .get, "/api/arenas/dpo/pairs?format=trl&dedupe=false", template: "/api/arenas/{arena}/pairs", admin: true)
            #expect(reply.status == 200, "\(reply.text)")
            let rows = reply.text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(rows.count == 6 && rows.allSatisfy { $0 != nil })
            for case let row? in rows {
                let prompt = try #require(row["prompt"] as? String)
                let chosen = try #require(row["chosen"] as? String)
                let rejected = try #require(row["rejected"] as? String)
                // Every vote chose the left side: each row's chosen text is a battle's left output.
                #expect(expected.contains("\(prompt)|\(chosen)|\(rejected)"), "\(row)")
            }
            // Not deduplicated: "left" is a random contender each time, so merging a prompt's votes
            // can leave every pair tied (dropped from KTO): one draw in 25 (simulated: 3.97%).
            let kto = try await server.send(
                .get, "/api/arenas/dpo/pairs?format=kto&dedupe=false", template: "/api/arenas/{arena}/pairs", admin: true)
            let labels = kto.text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["label"] as? Bool }
            #expect(labels.contains(true) && labels.contains(false))
        }
    }
}
