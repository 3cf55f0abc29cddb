import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The vote audit for admins: `GET /api/arenas/{arena}/audit` and the audit
/// page, on an arena drawn by the audit's own planted-fraud simulation
/// (`FraudSimulation`: honest voters plus always-left voters, boosters,
/// contrarians…), one always-left voter renamed to hostile markup.
@Suite("Vote audit page and endpoint")
struct AuditPageTests {
    static let hostile = "<img src=x onerror=alert(1)>\"&'"

    struct Seeded {
        var table: VoteTable
        /// Always-left voters: the hostile one and the others.
        var alwaysLeft: [String]
    }

    /// A small simulated arena: 6 contenders, 60 honest voters, 2 bad voters
    /// of each kind, 40 votes each (2,800 votes), imported into arena `name`.
    static func seed(_ server: TestServer, _ name: String = "aud", hostile: String = AuditPageTests.hostile) async throws -> Seeded {
        var simulation = FraudSimulation(seed: 11)
        simulation.contenders = 6
        simulation.honestVoters = 60
        simulation.badVotersPerKind = 2
        let drawn = simulation.draw(arena: 0)
        let table = drawn.table
        let voters = try #require(table.voters)
        let leftVoters = drawn.kinds.indices.filter { drawn.kinds[$0] == .alwaysLeft }.map { voters.values[$0] }
        let rename = [leftVoters[0]: hostile]
        var votes: [Vote] = []
        for row in 0..<table.count {
            let voter = voters[row].map { rename[$0] ?? $0 }
            votes.append(Vote(
                a: table.contenders[Int(table.a[row])], b: table.contenders[Int(table.b[row])], outcome: table.outcomes[row],
                voter: voter, timestamp: table.timestamps?[row]))
        }
        let renamed = VoteTable(votes)
        try await server.createArena(["name": name])
        let arena = try #require(try await server.store.arena(named: name))
        #expect(try await server.store.importVotes(arena: arena.id, renamed) == 2_800)
        // Votes imported in bulk reach the cached boards through the change
        // feed: wait until both boards the audit shows hold them all.
        for _ in 0..<200 {
            let audit = try await server.send(.get, "/api/arenas/\(name)/audit", admin: true).json
            let effect = audit["effect"] as? [String: Any]
            if audit["stale"] as? Bool == false, (audit["summary"] as? [String: Any])?["votes"] as? Int == 2_800, effect?["votes_all"] as? Int == 2_800 { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        return Seeded(table: renamed, alwaysLeft: [hostile] + leftVoters.dropFirst())
    }

    static func configure(_ c: inout ServerConfiguration) {
        c.leaderboardRounds = 20
        c.leaderboardRefreshInterval = .zero
    }

    static let bearer: HTTPFields = [.authorization: "Bearer \(TestServer.adminKey)"]

    func votesCounted(_ server: TestServer) async throws -> Int? {
        let board = try await server.send(.get, "/api/arenas/aud/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
        return (board.json["method"] as? [String: Any])?["votes"] as? Int
    }

    // MARK: The endpoint

    @Test func theEndpointServesTheLeaderboardsAuditWithEvidenceAndEffect() async throws {
        try await TestServer.run(configure: Self.configure) { server in
            let seeded = try await Self.seed(server)
            let reply = try await server.send(.get, "/api/arenas/aud/audit", template: "/api/arenas/{arena}/audit", admin: true)
            #expect(reply.status == 200, "\(reply.text)")
            let json = reply.json
            #expect(json["available"] as? Bool == true && json["voters_listed"] as? String == "flagged")
            let voters = try #require(json["voters"] as? [[String: Any]])
            // The same audit the leaderboard ran: PreferCore's, on the same votes, flags the same voters.
            var options = AuditOptions()
            options.downsampler?.seed = ServerConfiguration().leaderboardSeed
            let direct = try VoteAudit(options: options).run(seeded.table, inputs: AuditInputs(table: seeded.table))
            let expected = Set(direct.report.voters.filter(\.flagged).map(\.voter))
            #expect(!expected.isEmpty)
            #expect(Set(voters.map { $0["voter"] as? String ?? "" }) == expected)
            // Each always-left voter is flagged for position bias, with the numbers behind it.
            for name in seeded.alwaysLeft {
                let voter = try #require(voters.first { $0["voter"] as? String == name }, "\(name) is not flagged")
                #expect(voter["flagged"] as? Bool == true && voter["verdict"] as? String == "flagged")
                let signals = try #require(voter["flagged_by"] as? [String])
                #expect(signals.contains("position"))
                #expect(signals.count == (voter["reasons"] as? [String])?.count)
                let position = try #require((voter["scores"] as? [String: Any])?["position"] as? [String: Any])
                #expect(position["left"] as? Int == 40 && position["right"] as? Int == 0)
                #expect((position["p_value"] as? Double ?? 1) < 1e-6)
            }
            let summary = try #require(json["summary"] as? [String: Any])
            #expect(summary["votes"] as? Int == 2_800 && summary["voters_flagged"] as? Int == expected.count)
            // The effect: every contender with its rank and rating with every vote and as published.
            let effect = try #require(json["effect"] as? [String: Any])
            #expect(effect["votes_all"] as? Int == 2_800)
            let counted = try #require(effect["votes_counted"] as? Int)
            #expect(counted == 2_800 - (summary["votes_removed"] as? Int ?? -1))
            #expect(counted == (try await votesCounted(server)))
            let rows = try #require(effect["contenders"] as? [[String: Any]])
            #expect(rows.count == 6)
            let all = try await server.send(.get, "/api/arenas/aud/leaderboard?include_flagged=true", template: "/api/arenas/{arena}/leaderboard")
            for row in rows {
                let name = try #require(row["name"] as? String)
                let before = try #require((all.json["contenders"] as? [[String: Any]])?.first { $0["name"] as? String == name })
                #expect(row["rank_all_votes"] as? Int == before["rank"] as? Int)
                #expect(row["rank_change"] as? Int == (row["rank_all_votes"] as? Int ?? 0) - (row["rank"] as? Int ?? 0))
                let change = try #require(row["rating_change"] as? Double)
                #expect(Swift.abs(change - ((row["rating"] as? Double ?? 0) - (row["rating_all_votes"] as? Double ?? 0))) < 0.5)
            }

            let everyone = try await server.send(.get, "/api/arenas/aud/audit?voters=all", template: "/api/arenas/{arena}/audit", admin: true)
            #expect((everyone.json["voters"] as? [[String: Any]])?.count == 70)
            let bad = try await server.send(.get, "/api/arenas/aud/audit?voters=some", template: "/api/arenas/{arena}/audit", admin: true)
            #expect(bad.status == 400)
            let missing = try await server.send(.get, "/api/arenas/nope/audit", template: "/api/arenas/{arena}/audit", admin: true)
            #expect(missing.status == 404)
            // An arena without voters says so instead of inventing an audit.
            try await server.makeArena("quiet")
            let quiet = try await server.send(.get, "/api/arenas/quiet/audit", template: "/api/arenas/{arena}/audit", admin: true)
            #expect(quiet.status == 200 && quiet.json["available"] as? Bool == false && quiet.json["note"] is String)
        }
    }

    @Test func viewersReadTheAuditButOnlyAdminsDecide() async throws {
        try await TestServer.run(configure: Self.configure) { server in
            let seeded = try await Self.seed(server)
            let made = try await server.send(.post, "/api/keys", template: "/api/keys", json: ["name": "vera", "role": "viewer"], admin: true)
            let viewer: HTTPFields = [.authorization: "Bearer \(try #require(made.json["key"] as? String))"]
            let read = try await server.send(.get, "/api/arenas/aud/audit", template: "/api/arenas/{arena}/audit", headers: viewer)
            #expect(read.status == 200)
            let none = try await server.send(.get, "/api/arenas/aud/audit", template: "/api/arenas/{arena}/audit")
            #expect(none.status == 401 && none.errorCode == "missing_admin_key")
            let wrong = try await server.send(.get, "/api/arenas/aud/audit", template: "/api/arenas/{arena}/audit", headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == 403 && wrong.errorCode == "wrong_admin_key")
            let voter = try #require(seeded.alwaysLeft.last)
            let decide = try await server.send(
                .put, "/api/arenas/aud/voters/\(voter)/decision", template: "/api/arenas/{arena}/voters/{voter}/decision",
                json: ["decision": "keep"], headers: viewer)
            #expect(decide.status == 403 && decide.errorCode == "insufficient_role")

            // The page: a shell without a key, the audit without actions for a viewer.
            let shell = try await server.send(.get, "/admin/arenas/aud/audit")
            #expect(shell.status == 401)
            PageTests().expectSafePage(shell)
            #expect(shell.text.contains("id=\"key-form\"") && !shell.text.contains(voter) && !shell.text.contains("Flagged annotators"))
            let page = try await server.send(.get, "/admin/arenas/aud/audit", headers: viewer)
            #expect(page.status == 200)
            PageTests().expectSafePage(page)
            #expect(page.text.contains(voter) && page.text.contains("deciding about annotators needs an admin key"))
            #expect(!page.text.contains("decision-form"))
            let stranger = try await server.send(.get, "/admin/arenas/aud/audit", headers: [.authorization: "Bearer nope"])
            #expect(stranger.status == 403 && !stranger.text.contains(voter))
        }
    }

    // MARK: The page

    /// The decision address of each voter's form on the page, by voter.
    static func decisionAddresses(_ html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"<form class="decision-form row-form" method="post" action="([^"]+)" data-method="PUT">"#)
        let ns = html as NSString
        return regex.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    @Test func thePageShowsEvidenceAndTheEffectAndEscapesVoterNames() async throws {
        try await TestServer.run(configure: Self.configure) { server in
            let seeded = try await Self.seed(server)
            let page = try await server.send(.get, "/admin/arenas/aud/audit", headers: Self.bearer)
            #expect(page.status == 200)
            PageTests().expectSafePage(page)
            let html = page.text
            for text in ["<h1>Vote audit · aud</h1>", "What the audit found", "2,800 votes read", "Effect on the leaderboard",
                         "Rank, every vote", "Rating, published", "Flagged annotators", "<strong>Position bias</strong>: ",
                         "data-signal=\"position\"><th scope=\"row\">Position bias</th><td>flagged</td><td>left 40; right 0",
                         "The published leaderboard counts ", "of 2,800 votes", ">Keep</button>", ">Exclude</button>",
                         "40 votes · <span class=\"voter-status\">flagged by the audit: their votes are left out</span>"] {
                #expect(html.contains(text), "the audit page lacks \(text)")
            }
            // The hostile voter name shows as text, escaped, and nowhere as markup.
            #expect(html.contains("<h3 class=\"voter-name\">&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;</h3>"))
            #expect(!html.contains("<img src=x"))
            #expect(!html.contains("Signals without data: ") || !html.contains("sequential (available"), "available signals are not listed as without data")
            let addresses = Self.decisionAddresses(html)
            #expect(addresses.contains("/api/arenas/aud/voters/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%22%26%27/decision"))
            #expect(addresses.count == (try await server.send(.get, "/api/arenas/aud/audit", admin: true).json["voters"] as? [[String: Any]])?.count)
            _ = seeded
            // Numbers read alike on every page and in the CLI (PreferCore's grouped): 2,800, not 2800.
            let counted = try #require(try await votesCounted(server))
            let board = try await server.send(.get, "/arenas/aud/leaderboard")
            #expect(board.text.contains("\(grouped(counted)) votes · Bradley–Terry") && counted >= 1_000)
            #expect(board.text.contains("The vote audit left out \(grouped(2_800 - counted)) of 2,800 votes"))
            #expect(board.text.contains("on the <a href=\"/admin/arenas/aud/audit\">audit page</a>"), "the leaderboard points admins at the audit page")
            let home = try await server.send(.get, "/")
            #expect(home.text.contains("<span class=\"count\">2,800</span> votes"))
            #expect(!board.text.contains("2800") && !home.text.contains("2800"))
        }
    }

    @Test func keepAndExcludeFromThePageChangeTheLeaderboard() async throws {
        try await TestServer.run(configure: Self.configure) { server in
            let seeded = try await Self.seed(server)
            let page = try await server.send(.get, "/admin/arenas/aud/audit", headers: Self.bearer)
            let addresses = Self.decisionAddresses(page.text)
            let before = try #require(try await votesCounted(server))
            // What prefer.js sends for the hostile voter's Keep button: their 40 votes count again.
            let hostileAddress = try #require(addresses.first { $0.contains("%3Cimg") })
            let kept = try await server.send(.put, hostileAddress, json: ["decision": "keep", "note": "checked by hand"], headers: Self.bearer)
            #expect(kept.status == 200, "\(kept.text)")
            #expect((kept.json["decisions"] as? [[String: Any]])?.first?["voter"] as? String == Self.hostile)
            #expect(try await votesCounted(server) == before + 40)
            let after = try await server.send(.get, "/admin/arenas/aud/audit", headers: Self.bearer)
            #expect(after.text.contains("flagged by the audit, kept by a decision: their votes count"))
            #expect(after.text.contains("checked by hand"))
            #expect(after.text.contains("Let the audit decide</button>"))
            let effect = try await server.send(.get, "/api/arenas/aud/audit", admin: true).json["effect"] as? [String: Any]
            #expect(effect?["votes_counted"] as? Int == before + 40)
            // Exclude an honest voter for good: their votes leave the board.
            let everyone = try await server.send(.get, "/api/arenas/aud/audit?voters=all", admin: true)
            let honest = try #require((everyone.json["voters"] as? [[String: Any]])?.first { $0["flagged"] as? Bool == false })
            let honestName = try #require(honest["voter"] as? String)
            let honestVotes = try #require(honest["votes"] as? Int)
            let excluded = try await server.send(.put, "/api/arenas/aud/voters/\(honestName)/decision", json: ["decision": "exclude"], headers: Self.bearer)
            #expect(excluded.status == 200)
            #expect(try await votesCounted(server) == before + 40 - honestVotes)
            let listed = try await server.send(.get, "/admin/arenas/aud/audit", headers: Self.bearer)
            #expect(listed.text.contains("excluded by a decision: their votes are left out"))
            // Let the audit decide again (the third button sends null).
            for address in [hostileAddress, "/api/arenas/aud/voters/\(honestName)/decision"] {
                #expect(try await server.send(.put, address, json: ["decision": NSNull()], headers: Self.bearer).status == 200)
            }
            #expect(try await votesCounted(server) == before)
            _ = seeded
        }
    }

    @Test func theAdminPageManagesKeysAndLinksTheAudit() async throws {
        try await TestServer.run { server in
            let admin = try await server.send(.get, "/admin")
            PageTests().expectSafePage(admin)
            for text in ["<h2 id=\"keys-heading\">People and keys</h2>", "id=\"key-create-form\"", "<select id=\"key-role\" name=\"role\"><option value=\"viewer\">viewer</option><option value=\"admin\">admin</option><option value=\"owner\">owner</option></select>", "id=\"keys\"", "id=\"new-key\""] {
                #expect(admin.text.contains(text), "admin page lacks \(text)")
            }
            let script = try await server.send(.get, "/assets/prefer.js")
            for text in ["'/api/keys'", "api('DELETE', '/api/keys/' + encodeURIComponent(k.name))", "'/admin/arenas/' + encodeURIComponent(name) + '/audit'",
                         "adminAPI('PUT', form.getAttribute('action')", "grouped(arena.votes) + ' votes'"] {
                #expect(script.text.contains(text), "prefer.js lacks \(text)")
            }
            #expect(!script.text.contains("innerHTML"))
        }
    }
}
