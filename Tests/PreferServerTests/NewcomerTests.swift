import Foundation
import HTTPTypes
@testable import PreferServer
import PreferStore
import Testing

/// What a newcomer met trying Prefer from a fresh clone (issue 16): pages
/// that offered what was not there, a tooltip as the only word on a missing
/// interval, a browser handed JSON, and an error code unlike its siblings'.
@Suite("What a newcomer meets")
struct NewcomerTests {
    @Test func anArenaWithoutOutputsOffersNoVoteOnItsLeaderboard() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "bare"])
            let bare = try await server.send(.get, "/arenas/bare/leaderboard")
            #expect(bare.status == 200)
            #expect(!bare.text.contains("href=\"/arenas/bare/vote\""), "a Vote button on an arena with nothing to vote on")
            #expect(bare.text.contains("Not open for voting yet"))
            try await server.makeArena("full", prompts: 2)
            let full = try await server.send(.get, "/arenas/full/leaderboard")
            #expect(full.text.contains("<a class=\"button primary\" href=\"/arenas/full/vote\">Vote in this arena</a>"))
            #expect(!full.text.contains("Not open for voting yet"))
        }
    }

    /// Every contender is on the page: a retired one marked so, one without
    /// votes named so; and why an interval is missing is said in words, not
    /// only in a tooltip.
    @Test func theLeaderboardPageSaysWhatItsRowsLeaveOut() async throws {
        try await TestServer.run(configure: { $0.leaderboardRounds = 20; $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.makeArena("words", prompts: 4)
            for _ in 0..<12 {
                let battle = try await server.battle("words")
                #expect(try await server.vote(try #require(battle.json["battle"] as? String), ["choice": "left"]).status == 201)
            }
            let retired = try await server.send(
                .patch, "/api/arenas/words/contenders/gamma", template: "/api/arenas/{arena}/contenders/{contender}",
                json: ["retired": true], admin: true)
            #expect(retired.status == 200)
            let added = try await server.send(
                .post, "/api/arenas/words/contenders", template: "/api/arenas/{arena}/contenders", json: ["name": "delta"], admin: true)
            #expect(added.status == 201)
            try await server.boardHolds("words", votes: 12)
            let page = try await server.send(.get, "/arenas/words/leaderboard")
            let html = page.text
            #expect(html.contains("<th scope=\"row\" class=\"name\">gamma") && html.contains("<span class=\"retired\">(retired)</span>"))
            let gammaRow = try #require(html.range(of: "class=\"name\">gamma"))
            let retiredMark = try #require(html.range(of: "(retired)"))
            #expect(html[gammaRow.upperBound..<retiredMark.lowerBound].count < 120, "the mark is on gamma's row")
            #expect(html.contains("No rating: delta (no votes yet)."))
            // 12 votes over three contenders: each has fewer than 10, so none has an interval, and the page says so.
            #expect(html.contains("<p class=\"note no-interval-note\">No interval for "))
            #expect(html.contains("10 are needed for an interval"))
            #expect(!html.contains("−0.0"))
        }
    }

    @Test func aBrowserGetsAPageForAnUnknownAddressAndAPIClientsJSON() async throws {
        try await TestServer.run { server in
            let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
            let page = try await server.send(.get, "/no/such/page", headers: browser)
            #expect(page.status == 404)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.hasPrefix("<!doctype html>") && page.text.contains("<h1>"))
            #expect(page.text.contains("Page not found") && page.text.contains("There is no page at /no/such/page"), "\(page.text)")
            #expect(!page.text.contains("No such endpoint"), "a person is not told about endpoints")
            let plain = try await server.send(.get, "/no/such/page")
            #expect(plain.status == 404 && plain.headers[.contentType]?.hasPrefix("application/json") == true)
            let api = try await server.send(.get, "/api/no-such-thing", headers: browser)
            #expect(api.status == 404 && api.errorCode == "not_found", "the API answers JSON whatever the Accept")
        }
    }

    /// A required query item left out is named as a field, in the
    /// document's words, not as the generated decoder's "Missing required
    /// query parameter named: confirm".
    @Test func aMissingRequiredQueryItemIsNamed() async throws {
        try await TestServer.run { server in
            try await server.makeArena("keep", prompts: 1)
            let reply = try await server.send(.delete, "/api/arenas/keep", template: "/api/arenas/{arena}", admin: true)
            #expect(reply.status == 400 && reply.errorCode == "invalid_field" && reply.errorField == "confirm", "\(reply.text)")
            #expect(reply.text.contains("The query parameter confirm is required: the arena's name again"), "\(reply.text)")
            #expect(!reply.text.contains("Missing required"), "\(reply.text)")
            #expect(try await server.store.arena(named: "keep") != nil)
            // The same when other query items are there (the decoder then spoke of a null field "").
            let other = try await server.send(.delete, "/api/arenas/keep?export=false", template: "/api/arenas/{arena}", admin: true)
            #expect(other.status == 400 && other.errorField == "confirm" && other.text.contains("confirm is required"), "\(other.text)")
            let groups = try await server.send(.get, "/api/arenas/keep/groups?attribute=x", template: "/api/arenas/{arena}/groups")
            #expect(groups.status == 400 && groups.errorField == "field" && groups.text.contains("The query parameter field is required"), "\(groups.text)")
        }
    }

    /// A weight of 1e308 or more (the document's exclusive maximum) is an
    /// `invalid_field` naming weight, as its sibling errors are.
    @Test func aHugeWeightIsAnInvalidField() async throws {
        try await TestServer.run { server in
            try await server.makeArena("w", prompts: 1)
            for weight in [1e308, 1.7e308] {
                let created = try await server.send(
                    .post, "/api/arenas/w/contenders", template: "/api/arenas/{arena}/contenders",
                    json: ["name": "heavy", "weight": weight], admin: true)
                #expect(created.status == 400 && created.errorCode == "invalid_field" && created.errorField == "weight", "\(created.text)")
                let changed = try await server.send(
                    .patch, "/api/arenas/w/contenders/alpha", template: "/api/arenas/{arena}/contenders/{contender}",
                    json: ["weight": weight], admin: true)
                #expect(changed.status == 400 && changed.errorCode == "invalid_field" && changed.errorField == "weight", "\(changed.text)")
            }
            let zero = try await server.send(.post, "/api/arenas/w/contenders", json: ["name": "light", "weight": 0], admin: true)
            #expect(zero.status == 400 && zero.errorCode == "invalid_field" && zero.errorField == "weight")
        }
    }
}
