import Foundation
import HTTPTypes
@testable import PreferServer
import Testing

@Suite("No input reaches a 5xx")
struct RobustnessTests {
    static let bodies: [String] = [
        "", "null", "[]", "42", "\"text\"", "{", "}", "{\"name\": null}", "{\"name\": {\"nested\": [1, 2]}}",
        "{\"name\": 1e400}", "{\"choice\": null}", "{\"choice\": [\"left\"]}", "{\"criteria\": \"left\"}",
        "{\"prompt\": true, \"contender\": false}", "{\"names\": [1, 2]}", "{\"text\": \"\\ud800\"}",
        String(repeating: "[", count: 5000), "{\"name\": \"" + String(repeating: "é", count: 300) + "\"}",
        "\u{0}\u{1}\u{2}", "{\"weight\": \"heavy\", \"name\": \"x\"}", "{\"time_to_vote_ms\": 1.5, \"choice\": \"left\"}",
        "{\"prompt\": 9223372036854775807, \"contender\": -1, \"content\": \"x\"}",
    ]

    @Test func garbageToEveryEndpoint() async throws {
        try await TestServer.run { server in
            try await server.makeArena("r")
            let battle = try await server.battle("r").json["battle"] as! String
            let targets: [(HTTPRequest.Method, String)] = [
                (.post, "/api/arenas"), (.post, "/api/arenas/r/contenders"), (.post, "/api/arenas/r/prompts"),
                (.post, "/api/arenas/r/outputs"), (.post, "/api/arenas/r/import"), (.post, "/api/arenas/r/invites"),
                (.post, "/api/arenas/r/battles"), (.post, "/api/battles/\(battle)/vote"), (.post, "/api/battles/%00/vote"),
                (.get, "/api/arenas/%2e%2e/leaderboard"), (.get, "/api/arenas/r/leaderboard?bootstrap=abc&seed=1e9"),
                (.get, "/api/arenas/r/votes?format="),
            ]
            for (method, uri) in targets {
                for body in Self.bodies {
                    let reply = try await server.send(method, uri, raw: body, admin: true)
                    #expect(reply.status < 500, "\(method) \(uri) with \(body.prefix(40)): \(reply.status)")
                    if reply.status >= 400 {
                        #expect(reply.errorCode != nil, "\(method) \(uri): error without a JSON body: \(reply.text.prefix(200))")
                    }
                }
            }
        }
    }
}
