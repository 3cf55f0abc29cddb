import Foundation
import HTTPTypes
import PreferCore
import PreferStore
import Testing

@testable import PreferServer

/// Annotator attributes (issue 12) over HTTP: the arena's declaration, the
/// annotator's own answers, invites' values, the vote page's optional form,
/// and group leaderboards with small groups merged into "other".
struct AnnotatorAttributeTests {
    static var declared: [[String: Any]] {
        [
            ["name": "country", "values": ["US", "FR", "JP"]],
            ["name": "age_band", "values": ["18-29", "30-49", "50+"]],
        ]
    }

    @Test func arenasDeclareAttributesAndAnnotatorsAnswerOrDecline() async throws {
        try await TestServer.run { server in
            let made = try await server.makeArena("ask", extra: ["annotator_attributes": Self.declared, "min_group_size": 3])
            #expect((made["annotator_attributes"] as? [[String: Any]])?.count == 2)
            #expect(made["min_group_size"] as? Int == 3)
            let got = try await server.send(.get, "/api/arenas/ask", template: "/api/arenas/{arena}", admin: true)
            #expect((got.json["annotator_attributes"] as? [[String: Any]])?.first?["name"] as? String == "country")

            // Declarations are checked, naming the field; a refused one leaves no arena behind.
            for (bad, field) in [
                ([["name": "country", "values": ["US"]], ["name": "country", "values": ["FR"]]], "annotator_attributes[1].name"),
                ([["name": "prompt", "values": ["x"]]], "annotator_attributes[0].name"),
                ([["name": "country", "values": ["US", "US"]]], "annotator_attributes[0].values"),
            ] as [([[String: Any]], String)] {
                let reply = try await server.send(
                    .post, "/api/arenas", template: "/api/arenas", json: ["name": "bad", "annotator_attributes": bad], admin: true)
                #expect(reply.status == 400 && reply.errorField == field, "\(reply.text)")
            }
            #expect(try await server.send(.get, "/api/arenas/bad", admin: true).status == 404)
            let low = try await server.send(.patch, "/api/arenas/ask", template: "/api/arenas/{arena}", json: ["min_group_size": 1], admin: true)
            #expect(low.status == 400 && low.errorField == "min_group_size", "\(low.text)")

            // An annotator (session cookie) reads what is asked, answers, declines.
            let cookie: HTTPFields = [.cookie: "prefer_session=attribute-voter-one-0000"]
            let first = try await server.send(.get, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes", headers: cookie)
            #expect(first.status == 200)
            #expect(first.json["pending"] as? [String] == ["country", "age_band"])
            let wrong = try await server.send(
                .put, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": "Atlantis"]], headers: cookie)
            #expect(wrong.status == 400 && wrong.errorField == "attributes.country", "\(wrong.text)")
            let unknown = try await server.send(
                .put, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["shoe_size": "42"]], headers: cookie)
            #expect(unknown.status == 400 && unknown.errorField == "attributes.shoe_size", "\(unknown.text)")
            let set = try await server.send(
                .put, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": "FR"], "declined": ["age_band"]], headers: cookie)
            #expect(set.status == 200, "\(set.text)")
            #expect((set.json["attributes"] as? [String: String]) == ["country": "FR"])
            #expect(set.json["declined"] as? [String] == ["age_band"] && set.json["pending"] as? [String] == [])

            // Stored with the pseudonym, never the cookie.
            let index = try await server.services.directory.index("ask")
            let stored = try await (server.store as! any AnnotatorAttributeStore).annotatorAttributes(arena: index.arena.id)
            #expect(stored.count == 1)
            #expect(stored.keys.allSatisfy { !$0.contains("attribute-voter-one") })
            #expect(stored.values.first == ["country": "FR"])

            // Skip declines everything pending.
            let other: HTTPFields = [.cookie: "prefer_session=attribute-voter-two-0000"]
            let skipped = try await server.send(
                .put, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes", json: ["skip": true], headers: other)
            #expect(skipped.json["declined"] as? [String] == ["country", "age_band"])

            // A PATCH replaces the declaration: answers for a dropped value go, the rest stay.
            let patched = try await server.send(
                .patch, "/api/arenas/ask", template: "/api/arenas/{arena}",
                json: ["annotator_attributes": [["name": "country", "values": ["US", "JP"]]]], admin: true)
            #expect(patched.status == 200, "\(patched.text)")
            let after = try await server.send(.get, "/api/arenas/ask/attributes", template: "/api/arenas/{arena}/attributes", headers: cookie)
            #expect(after.json["pending"] as? [String] == ["country"])
        }
    }

    @Test func invitesCarryAttributesCopiedOnFirstUse() async throws {
        try await TestServer.run { server in
            try await server.makeArena("inv", extra: ["annotator_attributes": Self.declared, "private": true])
            let bad = try await server.send(
                .post, "/api/arenas/inv/invites", template: "/api/arenas/{arena}/invites",
                json: ["names": ["ana"], "attributes": ["country": "Mars"]], admin: true)
            #expect(bad.status == 400 && bad.errorField == "attributes.country", "\(bad.text)")
            let made = try await server.send(
                .post, "/api/arenas/inv/invites", template: "/api/arenas/{arena}/invites",
                json: ["names": ["ana", "bo"], "attributes": ["country": "JP", "age_band": "50+"]], admin: true)
            #expect(made.status == 201, "\(made.text)")
            let invites = made.json["invites"] as! [[String: Any]]
            let ana = invites.first { $0["name"] as? String == "ana" }!["token"] as! String
            let bo = invites.first { $0["name"] as? String == "bo" }!["token"] as! String
            // Bo answers first for themself: their own answer wins over the invite's.
            let own = try await server.send(
                .put, "/api/arenas/inv/attributes?invite=\(bo)", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": "US"]])
            #expect(own.status == 200, "\(own.text)")
            #expect((own.json["attributes"] as? [String: String]) == ["country": "US", "age_band": "50+"])
            let anas = try await server.send(.get, "/api/arenas/inv/attributes?invite=\(ana)", template: "/api/arenas/{arena}/attributes")
            #expect((anas.json["attributes"] as? [String: String]) == ["country": "JP", "age_band": "50+"])
            #expect(anas.json["pending"] as? [String] == [])
            // Without an invite a private arena's attributes are closed.
            let anonymous = try await server.send(.get, "/api/arenas/inv/attributes", template: "/api/arenas/{arena}/attributes")
            #expect(anonymous.status == 403)
        }
    }

    @Test func theVotePageOffersTheFormUntilAnsweredOrSkipped() async throws {
        try await TestServer.run { server in
            try await server.makeArena("page", extra: [
                "annotator_attributes": [["name": "country", "values": ["US", "<b>FR</b>"]]],
            ])
            let cookie = "prefer_session=page-voter-0000000000"
            let page = try await server.send(.get, "/arenas/page/vote", headers: [.cookie: cookie])
            #expect(page.status == 200)
            #expect(page.text.contains("About you (optional)") && page.text.contains("id=\"attribute-country\""))
            #expect(page.text.contains("&lt;b&gt;FR&lt;/b&gt;") && !page.text.contains("<b>FR</b>"))
            #expect(page.text.contains("Which response is better?"), "the battle is on the same page")
            let csrf = server.services.sessions.csrfToken(for: "page-voter-0000000000")
            // A forged form is refused; a real one stores the answer and goes back to the vote page.
            let forged = try await server.send(
                .post, "/arenas/page/attributes", raw: "csrf=nope&action=save&attributes%5Bcountry%5D=US",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
            #expect(forged.status == 403)
            let saved = try await server.send(
                .post, "/arenas/page/attributes", raw: "csrf=\(csrf)&action=save&attributes%5Bcountry%5D=%3Cb%3EFR%3C%2Fb%3E",
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
            #expect(saved.status == 303 && saved.headers[.location] == "/arenas/page/vote", "\(saved.status) \(saved.text)")
            let again = try await server.send(.get, "/arenas/page/vote", headers: [.cookie: cookie])
            #expect(!again.text.contains("About you (optional)"))
            let mine = try await server.send(.get, "/api/arenas/page/attributes", headers: [.cookie: cookie])
            #expect((mine.json["attributes"] as? [String: String]) == ["country": "<b>FR</b>"])

            // Skip: the form is gone, nothing answered.
            let skipper = "prefer_session=page-skipper-00000000"
            let token = server.services.sessions.csrfToken(for: "page-skipper-00000000")
            let skip = try await server.send(
                .post, "/arenas/page/attributes", raw: "csrf=\(token)&action=skip",
                headers: [.cookie: skipper, .contentType: "application/x-www-form-urlencoded"])
            #expect(skip.status == 303)
            #expect(!(try await server.send(.get, "/arenas/page/vote", headers: [.cookie: skipper])).text.contains("About you"))
            let theirs = try await server.send(.get, "/api/arenas/page/attributes", headers: [.cookie: skipper])
            #expect(theirs.json["declined"] as? [String] == ["country"])
        }
    }

    /// Four US annotators prefer alpha > beta > gamma, four French ones the
    /// reverse, one Japanese annotator votes too: with min_group_size 3, US
    /// and FR are shown, JP never alone.
    static func groupedArena(_ server: TestServer) async throws {
        try await server.makeArena("grp", prompts: 6, extra: ["annotator_attributes": Self.declared, "min_group_size": 3])
        let voters: [(String, String)] = (0..<4).map { ("us-voter-\($0)-00000000", "US") } + (0..<4).map { ("fr-voter-\($0)-00000000", "FR") }
            + [("jp-voter-0-00000000", "JP")]
        for (session, country) in voters {
            let cookie: HTTPFields = [.cookie: "prefer_session=\(session)"]
            let set = try await server.send(
                .put, "/api/arenas/grp/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": country]], headers: cookie)
            #expect(set.status == 200)
            for _ in 0..<18 {
                let battle = try await server.battle("grp", headers: cookie)
                let (l, r) = (TestServer.author(battle.json["left"]), TestServer.author(battle.json["right"]))
                let choice = (country == "FR") == (l < r) ? "right" : "left"
                #expect(try await server.vote(battle.json["battle"] as! String, ["choice": choice]).status == 201)
            }
        }
    }

    @Test func groupLeaderboardsShowLargeGroupsAndMergeSmallOnes() async throws {
        try await TestServer.run(configure: { $0.leaderboardRefreshInterval = .zero }) { server in
            try await Self.groupedArena(server)
            try await server.boardHolds("grp", votes: 162, rounds: 0)
            func board(_ group: String) async throws -> TestServer.Reply {
                try await server.send(
                    .get, "/api/arenas/grp/leaderboard?bootstrap=0&include_flagged=true&group=\(group)",
                    template: "/api/arenas/{arena}/leaderboard")
            }
            let us = try await board("country:US")
            #expect(us.status == 200, "\(us.text)")
            let usNames = (us.json["contenders"] as! [[String: Any]]).map { $0["name"] as! String }
            #expect(usNames == ["alpha", "beta", "gamma"])
            let fr = try await board("country:FR")
            #expect((fr.json["contenders"] as! [[String: Any]]).map { $0["name"] as! String } == ["gamma", "beta", "alpha"])
            let group = us.json["group"] as! [String: Any]
            #expect((group["groups"] as! [[String: Any]]).map { $0["name"] as! String }.sorted() == ["FR", "US"])
            #expect((group["merged"] as! [String: Any])["groups"] as? Int == 1)
            #expect((group["merged"] as! [String: Any])["shown"] as? Bool == false)
            #expect(!us.text.contains("JP"), "a merged group is never named")
            // JP has one annotator: never shown alone.
            let jp = try await board("country:JP")
            #expect(jp.status == 200 && (jp.json["contenders"] as! [Any]).isEmpty, "\(jp.text)")
            let unknown = try await board("country:XX")
            #expect(unknown.status == 400 && unknown.errorField == "group")
            let undeclared = try await board("shoe:42")
            #expect(undeclared.status == 400 && undeclared.errorField == "group")

            // The US board is the core's board of the US annotators' votes.
            let export = try await server.send(.get, "/api/arenas/grp/votes?format=jsonl", admin: true)
            let index = try await server.services.directory.index("grp")
            let countries = try await (server.store as! any AnnotatorAttributeStore).annotatorAttributes(arena: index.arena.id)
            let usLines = export.text.split(separator: "\n").filter { line in
                let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (row?["voter"] as? String).flatMap { countries[$0]?["country"] } == "US"
            }
            #expect(usLines.count == 72)
            let reference = try LeaderboardBuilder(options: LeaderboardOptions(intervals: .none))
                .build(try VoteParser.parse(usLines.joined(separator: "\n"), source: "us.jsonl").table)
            for entry in us.json["contenders"] as! [[String: Any]] {
                let expected = reference.contenders.first { $0.name == entry["name"] as? String }?.rating
                #expect(abs((entry["rating"] as! Double) - (expected ?? .nan)) < 1e-6, "\(entry) vs \(String(describing: expected))")
            }

            // The disagreement report: US and FR reversed, tau = -1 with an interval.
            let report = try await server.send(
                .get, "/api/arenas/grp/groups?field=country&bootstrap=30&include_flagged=true", template: "/api/arenas/{arena}/groups")
            #expect(report.status == 200, "\(report.text)")
            #expect((report.json["groups"] as! [[String: Any]]).map { $0["name"] as! String }.sorted() == ["FR", "US"])
            let pairs = (report.json["disagreement"] as! [String: Any])["pairs"] as! [[String: Any]]
            #expect(pairs.count == 1)
            #expect(pairs.first?["kendall_tau"] as? Double == -1)
            #expect(pairs.first?["tau_lower"] != nil && pairs.first?["tau_upper"] != nil)
            let differing = pairs.first?["differing"] as? [String] ?? []
            #expect(differing.count >= 2, "alpha and gamma trade places: \(differing)")
            let noField = try await server.send(.get, "/api/arenas/grp/groups?field=shoe", template: "/api/arenas/{arena}/groups")
            #expect(noField.status == 400 && noField.errorField == "field")

            // The page's selector offers the groups shown, not JP.
            let page = try await server.send(.get, "/arenas/grp/leaderboard")
            #expect(page.text.contains("value=\"group:country:US\"") && page.text.contains("value=\"group:country:FR\""))
            #expect(!page.text.contains("group:country:JP"))
            let frPage = try await server.send(.get, "/arenas/grp/leaderboard?view=group:country:FR")
            #expect(frPage.status == 200 && frPage.text.contains("Groups of country shown"), "\(frPage.text.prefix(6000))")

            // The mixture of types: the same fit as PreferCore's on the exported votes.
            let mixture = try await server.send(.get, "/api/arenas/grp/mixture", template: "/api/arenas/{arena}/mixture")
            #expect(mixture.status == 200, "\(mixture.text)")
            let exported = try VoteParser.parse(export.text, source: "grp.jsonl", options: VoteParseOptions(fields: ["prompt"])).table
            let core = try MixtureReport.make(from: exported, mixture: BradleyTerryMixture(seed: 42))
            #expect(mixture.json["types"] as? Int == core.types)
            let bic = (mixture.json["bic"] as? [[String: Any]] ?? []).compactMap { $0["bic"] as? Double }
            #expect(bic.count == core.bic.count)
            for (served, reference) in zip(bic, core.bic) { #expect(abs(served - reference.bic) < 1e-6) }
            #expect((mixture.json["voters"] as? [[String: Any]])?.count == 9)
            #expect(!mixture.text.contains("us-voter-0"), "voters are pseudonyms, never sessions")
            // The country attribute is tabulated, JP merged (1 annotator < 3).
            let attributes = mixture.json["attributes"] as? [[String: Any]] ?? []
            #expect(attributes.first?["field"] as? String == "country")
            #expect(!mixture.text.contains("\"JP\""))

            // Items and cycles: PreferCore's numbers on the same votes.
            let items = try await server.send(.get, "/api/arenas/grp/items", template: "/api/arenas/{arena}/items")
            #expect(items.status == 200, "\(items.text)")
            let coreItems = try ItemAgreement().analyze(exported, estimator: BradleyTerry())
            #expect((items.json["items"] as? [Any])?.count == coreItems.items.count)
            let disagreement = try await server.send(.get, "/arenas/grp/disagreement")
            #expect(disagreement.status == 200)
            #expect(disagreement.text.contains("Types of annotators") && disagreement.text.contains("Contested items"))
        }
    }

    @Test func cyclesAreFoundAndShownOnTheLeaderboard() async throws {
        try await TestServer.run(configure: { $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.makeArena("rps", prompts: 8)
            // Everyone: alpha beats beta, beta beats gamma, gamma beats alpha.
            for v in 0..<6 {
                let cookie: HTTPFields = [.cookie: "prefer_session=rps-voter-\(v)-000000000"]
                for _ in 0..<40 {
                    let battle = try await server.battle("rps", headers: cookie)
                    let (l, r) = (TestServer.author(battle.json["left"]), TestServer.author(battle.json["right"]))
                    let choice = (r - l + 3) % 3 == 1 ? "left" : "right"
                    #expect(try await server.vote(battle.json["battle"] as! String, ["choice": choice]).status == 201)
                }
            }
            try await server.boardHolds("rps", votes: 240, rounds: 0)
            let cycles = try await server.send(.get, "/api/arenas/rps/cycles", template: "/api/arenas/{arena}/cycles")
            #expect(cycles.status == 200, "\(cycles.text)")
            let export = try await server.send(.get, "/api/arenas/rps/votes?format=jsonl", admin: true)
            let core = try IntransitivityReport.make(
                from: try VoteParser.parse(export.text, source: "rps.jsonl").table, comparison: TransitivityComparison(seed: 42))
            let triangles = cycles.json["triangles"] as! [String: Any]
            #expect(triangles["significant"] as? Int == core.triangles.significant)
            #expect(core.triangles.significant == 1)
            let found = (triangles["cycles"] as? [[String: Any]])?.first
            #expect(Set(found?["cycle"] as? [String] ?? []) == ["alpha", "beta", "gamma"])
            #expect(abs((found?["q_value"] as? Double ?? 1) - (core.triangles.cycles.first?.qValue ?? 0)) < 1e-12)
            #expect(cycles.json["models"] != nil)
            let page = try await server.send(.get, "/arenas/rps/leaderboard")
            #expect(page.text.contains("Cycles: preferences that go round") && page.text.contains("alpha"))
            // No votes, no analysis: a clear 409.
            try await server.makeArena("empty")
            let none = try await server.send(.get, "/api/arenas/empty/cycles", template: "/api/arenas/{arena}/cycles")
            #expect(none.status == 409, "\(none.text)")
            let plain = try await server.send(.get, "/arenas/empty/leaderboard")
            #expect(!plain.text.contains("Cycles: preferences"))
        }
    }
}
