import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing
import Logging

@Suite("JSON API")
struct APITests {
    @Test func openAPIDocumentListsExactlyTheRoutes() async throws {
        try await TestServer.run { server in
            let reply = try await server.send(.get, "/openapi.json", template: "/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            let built = try await buildRouter(configuration: ServerConfiguration(), store: server.store, logger: .init(label: "t"))
            #expect(built.apiRoutes == TestServer.openAPI.operations)
        }
    }

    @Test func healthAndMetrics() async throws {
        try await TestServer.run { server in
            let health = try await server.send(.get, "/health", template: "/health")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            try await server.makeArena("m")
            let battle = try await server.battle("m").json["battle"] as! String
            #expect(try await server.vote(battle, ["choice": "left"]).status == 201)
            let metrics = try await server.send(.get, "/metrics")
            #expect(metrics.status == 200)
            for name in ["prefer_votes_stored_total", "prefer_battles_served_total", "http_server_request_duration"] {
                #expect(metrics.text.contains(name), "\(name) missing from /metrics")
            }
        }
    }

    @Test func adminEndpointsNeedTheKey() async throws {
        try await TestServer.run { server in
            let missing = try await server.send(.get, "/api/arenas", template: "/api/arenas")
            #expect(missing.status == 401 && missing.errorCode == "missing_admin_key")
            let wrong = try await server.send(.get, "/api/arenas", template: "/api/arenas", headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == 403 && wrong.errorCode == "wrong_admin_key")
            let ok = try await server.send(.get, "/api/arenas", template: "/api/arenas", admin: true)
            #expect(ok.status == 200)
        }
    }

    @Test func arenaLifecycleAndValidation() async throws {
        try await TestServer.run { server in
            let arena = try await server.createArena(["name": "study-1", "description": "d", "sampling": "weighted", "criteria": ["helpful", "harmless"]])
            #expect(arena["id"] is Int && arena["sampling"] as? String == "weighted")
            let duplicate = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "study-1"], admin: true)
            #expect(duplicate.status == 409)
            let badName = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "has space"], admin: true)
            #expect(badName.status == 400 && badName.errorField == "name")
            let unknown = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "x", "nmae": "y"], admin: true)
            #expect(unknown.status == 400 && unknown.errorCode == "unknown_field" && unknown.errorField == "nmae")
            let wrongType = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": 42], admin: true)
            #expect(wrongType.status == 400 && wrongType.errorField == "name")
            let missing = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["description": "no name"], admin: true)
            #expect(missing.status == 400 && missing.errorCode == "missing_field" && missing.errorField == "name")
            let malformed = try await server.send(.post, "/api/arenas", template: "/api/arenas", raw: "{\"name\": ", admin: true)
            #expect(malformed.status == 400 && malformed.errorCode == "malformed_json")
            let sampling = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "s2", "sampling": "random"], admin: true)
            #expect(sampling.status == 400 && sampling.errorField == "sampling")

            let byName = try await server.send(.get, "/api/arenas/study-1", template: "/api/arenas/{arena}", admin: true)
            #expect(byName.status == 200 && byName.json["name"] as? String == "study-1")
            let byId = try await server.send(.get, "/api/arenas/\(arena["id"]!)", template: "/api/arenas/{arena}", admin: true)
            #expect(byId.json["name"] as? String == "study-1")
            let none = try await server.send(.get, "/api/arenas/nope", template: "/api/arenas/{arena}", admin: true)
            #expect(none.status == 404 && none.errorCode == "unknown_arena")
        }
    }

    @Test func contendersPromptsAndOutputsByNameOrId() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "a"])
            let c = try await server.send(.post, "/api/arenas/a/contenders", template: "/api/arenas/{arena}/contenders", json: ["name": "gpt-x", "weight": 2], admin: true)
            #expect(c.status == 201 && c.json["weight"] as? Double == 2)
            let dup = try await server.send(.post, "/api/arenas/a/contenders", template: "/api/arenas/{arena}/contenders", json: ["name": "gpt-x"], admin: true)
            #expect(dup.status == 409)
            let badWeight = try await server.send(.post, "/api/arenas/a/contenders", template: "/api/arenas/{arena}/contenders", json: ["name": "w", "weight": -1], admin: true)
            #expect(badWeight.status == 400 && badWeight.errorField == "weight")
            let p = try await server.send(.post, "/api/arenas/a/prompts", template: "/api/arenas/{arena}/prompts", json: ["text": "Why?", "category": "qa"], admin: true)
            #expect(p.status == 201)
            let byName = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                               json: ["prompt": "Why?", "contender": "gpt-x", "content": "Because."], admin: true)
            #expect(byName.status == 201 && byName.json["media"] as? String == "text")
            try await server.send(.post, "/api/arenas/a/contenders", template: "/api/arenas/{arena}/contenders", json: ["name": "other"], admin: true)
            let contenders = try await server.send(.get, "/api/arenas/a/contenders", template: "/api/arenas/{arena}/contenders", admin: true)
            let otherId = (contenders.json["contenders"] as! [[String: Any]]).first { $0["name"] as? String == "other" }!["id"]!
            let byId = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                             json: ["prompt": p.json["id"]!, "contender": otherId, "media": "image", "url": "https://example.com/x.png", "content": "a cat"], admin: true)
            #expect(byId.status == 201 && byId.json["media"] as? String == "image")
            let unknownContender = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                                         json: ["prompt": "Why?", "contender": "nobody", "content": "x"], admin: true)
            #expect(unknownContender.status == 404 && unknownContender.errorCode == "unknown_contender")
            let unknownPrompt = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                                      json: ["prompt": 999_999, "contender": "gpt-x", "content": "x"], admin: true)
            #expect(unknownPrompt.status == 404 && unknownPrompt.errorCode == "unknown_prompt")
            let script = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                               json: ["prompt": "Why?", "contender": "gpt-x", "media": "image", "url": "javascript:alert(1)"], admin: true)
            #expect(script.status == 400 && script.errorField == "url")
            let again = try await server.send(.post, "/api/arenas/a/outputs", template: "/api/arenas/{arena}/outputs",
                                              json: ["prompt": "Why?", "contender": "gpt-x", "content": "Twice"], admin: true)
            #expect(again.status == 409)
        }
    }

    @Test func importIsAllOrNothingWithLineErrors() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "imp"])
            let body = """
            {"prompt": "P1", "contender": "a", "content": "x"}
            {"prompt": "P1", "contender": "b", "content": "y", "media": "sound"}
            not json
            {"prompt": "P2", "contender": "c"}
            """
            let bad = try await server.send(.post, "/api/arenas/imp/import", template: "/api/arenas/{arena}/import", raw: body, admin: true)
            #expect(bad.status == 400 && bad.errorCode == "invalid_import")
            let details = (bad.json["error"] as! [String: Any])["details"] as! [[String: Any]]
            #expect(details.map { $0["line"] as! Int } == [2, 3, 4])
            #expect(details[0]["field"] as? String == "media")
            // A line that is not JSON says so in the words of a JSON Lines file, not of a JSON body.
            let notJSON = details[1]["message"] as? String ?? ""
            #expect(notJSON.hasPrefix("This line is not valid JSON") && !notJSON.contains("Content-Type") && !notJSON.contains(".."))
            let arena = try await server.send(.get, "/api/arenas/imp", template: "/api/arenas/{arena}", admin: true)
            #expect(arena.json["outputs"] as? Int == 0 && arena.json["contenders"] as? Int == 0)

            let good = try await server.send(.post, "/api/arenas/imp/import", template: "/api/arenas/{arena}/import",
                                             raw: "{\"prompt\": \"P1\", \"contender\": \"a\", \"content\": \"x\"}\n\n{\"prompt\": \"P1\", \"contender\": \"b\", \"content\": \"y\", \"category\": \"c\"}\n", admin: true)
            #expect(good.status == 201)
            #expect(good.json["outputs"] as? Int == 2 && good.json["contenders_created"] as? Int == 2 && good.json["prompts_created"] as? Int == 1)
            // A line differing from the output already there is left out and named (issue 16:
            // a re-import is not refused as a whole); the new line goes in.
            let dup = try await server.send(.post, "/api/arenas/imp/import", template: "/api/arenas/{arena}/import",
                                            raw: "{\"prompt\": \"P9\", \"contender\": \"z\", \"content\": \"new\"}\n{\"prompt\": \"P1\", \"contender\": \"a\", \"content\": \"again\"}", admin: true)
            #expect(dup.status == 201 && dup.json["outputs"] as? Int == 1 && dup.json["differing"] as? Int == 1 && dup.json["differing_lines"] as? [Int] == [2])
            let after = try await server.send(.get, "/api/arenas/imp", template: "/api/arenas/{arena}", admin: true)
            #expect(after.json["outputs"] as? Int == 3 && after.json["contenders"] as? Int == 3)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await TestServer.run(configure: { $0.maxBodyBytes = 1000 }) { server in
            let big = String(repeating: "x", count: 5000)
            let reply = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "n", "description": big], admin: true)
            #expect(reply.status == 413 && reply.errorCode == "body_too_large")
        }
    }

    @Test func unknownRoutesAreJSONErrors() async throws {
        try await TestServer.run { server in
            let reply = try await server.send(.get, "/api/nothing-here")
            #expect(reply.status == 404 && reply.errorCode == "not_found")
            #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(reply.headers[.xContentTypeOptions] == "nosniff")
        }
    }
}
