import Foundation
import HTTPTypes
import PreferCore
import PreferStore
import Synchronization
import Testing

@testable import PreferServer

/// Issue 12's remaining server parts: population weighting (`?weights=`)
/// on the JSON and the page, groups of a K-way arena ranked with
/// Plackett–Luce, and boards refreshed when an annotator changes an
/// attribute — each checked against PreferCore on the exported votes, on
/// SQLite and PostgreSQL (`scripts/with-postgres`; `PREFER_SKIP_POSTGRES=1` skips it).
struct GroupWeightingTests {
    /// The exported votes of `arena` with each voter's stored attributes as columns (as the server joins them).
    static func exportedTable(_ server: TestServer, _ arena: String) async throws -> VoteTable {
        let export = try await server.send(.get, "/api/arenas/\(arena)/votes?format=jsonl", admin: true)
        #expect(export.status == 200)
        let index = try await server.services.directory.index(arena)
        let attributes = try await (server.store as! any AnnotatorAttributeStore).annotatorAttributes(arena: index.arena.id)
        let parsed = try VoteParser.parse(export.text, source: "\(arena).jsonl").table
        return parsed.withAnnotatorAttributes(["country"], attributes)
    }

    static func ratings(_ reply: TestServer.Reply) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (reply.json["contenders"] as? [[String: Any]] ?? []).map {
            ($0["name"] as! String, $0["rating"] as! Double)
        })
    }

    static func leaderboard(_ server: TestServer, _ arena: String, _ query: String) async throws -> TestServer.Reply {
        try await server.send(
            .get, "/api/arenas/\(arena)/leaderboard?bootstrap=0&include_flagged=true&\(query)", template: "/api/arenas/{arena}/leaderboard")
    }

    @Test(arguments: ActiveArenaTests.Database.tested)
    func weightedBoardsAreTheCoresPostStratification(_ database: ActiveArenaTests.Database) async throws {
        try await ActiveArenaTests.withServer(database, configure: { $0.leaderboardRefreshInterval = .zero }) { server, _ in
            try await AnnotatorAttributeTests.groupedArena(server)
            try await server.boardHolds("grp", votes: 162, rounds: 0, includeFlagged: true)
            let table = try await Self.exportedTable(server, "grp")
            let builder = LeaderboardBuilder(options: LeaderboardOptions(intervals: .none))

            for (query, target) in [
                ("weights=country", PostStratification.Target.equal),
                ("weights=country%3DUS:0.25,FR:0.75", .shares(["US": 0.25, "FR": 0.75])),
            ] {
                let served = try await Self.leaderboard(server, "grp", query)
                #expect(served.status == 200, "\(served.text)")
                let plan = try PostStratification(field: "country", target: target, minimumSize: 3).plan(table)
                let reference = try builder.build(table.slice(plan.slice))
                let weighting = try #require(served.json["weighting"] as? [String: Any])
                #expect(weighting["scheme"] as? String == plan.slice.value)
                #expect(weighting["votes"] as? Int == 144 && weighting["left_out"] as? Int == 18, "JP's one annotator is never weighted")
                #expect(abs((weighting["effective_sample_size"] as? Double ?? 0) - plan.effectiveSampleSize) < 1e-9)
                let strata = weighting["strata"] as? [[String: Any]] ?? []
                #expect(strata.map { $0["name"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["FR", "US"])
                for stratum in strata {
                    let core = try #require(plan.strata.first { $0.name == stratum["name"] as? String })
                    #expect(abs((stratum["weight"] as? Double ?? 0) - (core.weight ?? .nan)) < 1e-12)
                }
                #expect(!served.text.contains("JP"), "a hidden group is never named")
                let ratings = Self.ratings(served)
                #expect(ratings.count == 3)
                for entry in reference.contenders {
                    #expect(abs((ratings[entry.name] ?? .nan) - entry.rating) < 1e-6, "\(query) \(entry.name)")
                }
                // Cached like the other boards: asked again, the same computation.
                let again = try await Self.leaderboard(server, "grp", query)
                #expect(again.json["computed_at"] as? String == served.json["computed_at"] as? String)
            }
            // The "=" may be sent unencoded.
            let plain = try await Self.leaderboard(server, "grp", "weights=country=US:0.25,FR:0.75")
            #expect(plain.status == 200 && (plain.json["weighting"] as? [String: Any])?["scheme"] as? String == "target shares", "\(plain.text.prefix(300))")
            // Equal groups: FR (reversed tastes) weighs as much as US, so alpha no longer leads as it does for the US.
            let equal = Self.ratings(try await Self.leaderboard(server, "grp", "weights=country"))
            let raw = Self.ratings(try await Self.leaderboard(server, "grp", ""))
            #expect(equal != raw)

            // Errors name the field.
            for (query, why) in [
                ("weights=shoe", "No annotator attribute"),
                ("weights=country%3DUS:0.5,XX:0.5", "not a value of country"),
                ("weights=country%3DUS:0.5,FR:0.2", "sum to 0.700, not 1"),
                ("weights=country%3DUS:0.5,US:0.5", "twice"),
                ("weights=country%3DUS:half,FR:0.5", "number from 0 to 1"),
                ("weights=country%3DUS", "has no share"),
                ("weights=country&group=country:US", "one at a time"),
            ] {
                let reply = try await Self.leaderboard(server, "grp", query)
                #expect(reply.status == 400 && reply.errorField == "weights", "\(query): \(reply.text)")
                #expect(reply.text.contains(why), "\(query): \(reply.text)")
            }

            // The page shows the audited board, and whether the audit flags these scripted
            // annotators depends on the battles drawn at random: an admin keeps them all first
            // (a decision overrides the audit), so the page's weighted board is the one above.
            let arenaId = try await server.services.directory.index("grp").arena.id
            for voter in Set(try await server.store.votes(arena: arenaId, after: nil, limit: 1000).compactMap(\.voter)) {
                let kept = try await server.send(
                    .put, "/api/arenas/grp/voters/\(voter)/decision", template: "/api/arenas/{arena}/voters/{voter}/decision",
                    json: ["decision": "keep", "note": "scripted test annotators"], admin: true)
                #expect(kept.status == 200, "\(kept.text)")
            }
            // The selector offers the equally weighted board; it shows the effective
            // sample size, the strata and the weighted board beside the raw one.
            let page = try await server.send(.get, "/arenas/grp/leaderboard")
            #expect(page.text.contains("value=\"weights:country\""))
            let weighted = try await server.send(.get, "/arenas/grp/leaderboard?view=weights:country")
            #expect(weighted.status == 200)
            #expect(weighted.text.contains("Effective sample size") && weighted.text.contains("weighting-comparison"))
            #expect(weighted.text.contains("every group of country shown weighs the same"))
            #expect(weighted.text.contains("Raw: every vote once"))
            let target = try await server.send(.get, "/arenas/grp/leaderboard?view=weights:country&weights=country%3DUS%3A0.25%2CFR%3A0.75")
            #expect(target.status == 200 && target.text.contains("weighs its target share") && target.text.contains("75.0%"), "\(target.text.prefix(3000))")
            let bad = try await server.send(.get, "/arenas/grp/leaderboard?view=weights:country&weights=country%3DUS%3A0.9")
            #expect(bad.status == 400 && bad.text.contains("not 1"))
        }
    }

    @Test(arguments: ActiveArenaTests.Database.tested)
    func changedAttributesRefreshTheGroupBoards(_ database: ActiveArenaTests.Database) async throws {
        try await ActiveArenaTests.withServer(database, configure: { $0.leaderboardRefreshInterval = .zero }) { server, _ in
            try await AnnotatorAttributeTests.groupedArena(server)
            try await server.boardHolds("grp", votes: 162, rounds: 0, includeFlagged: true)
            let arena = try await server.services.directory.index("grp").arena.id
            func groupVotes(_ value: String) async throws -> Int? {
                let reply = try await Self.leaderboard(server, "grp", "group=country:\(value)")
                return (reply.json["slice"] as? [String: Any])?["votes"] as? Int
            }
            func await_(_ variant: LeaderboardCache.Variant) async throws -> LeaderboardCache.Entry {
                try await server.services.leaderboards.computed(
                    arena: arena, rounds: 0, seed: server.services.configuration.leaderboardSeed, includeFlagged: true,
                    variant: variant, votes: 162)
            }
            #expect(try await groupVotes("US") == 72)
            #expect(try await groupVotes("FR") == 72)
            let weighted = try await Self.leaderboard(server, "grp", "weights=country")
            #expect(weighted.json["stale"] as? Bool == false)

            // A US annotator (who voted 18 times) says FR through the API: the boards that read
            // the country are stale at once and refreshed without a vote.
            let set = try await server.send(
                .put, "/api/arenas/grp/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": "FR"]], headers: [.cookie: "prefer_session=us-voter-0-00000000"])
            #expect(set.status == 200, "\(set.text)")
            // Served at once: the old board marked stale, or (if the background refresh already ran) the new one.
            let stale = try await Self.leaderboard(server, "grp", "group=country:US")
            let staleVotes = (stale.json["slice"] as? [String: Any])?["votes"] as? Int
            #expect((stale.json["stale"] as? Bool == true && staleVotes == 72) || (stale.json["stale"] as? Bool == false && staleVotes == 54), "\(stale.text.prefix(400))")
            _ = try await await_(.group(field: "country", value: "US", minimum: 3))
            _ = try await await_(.group(field: "country", value: "FR", minimum: 3))
            #expect(try await groupVotes("US") == 54)
            #expect(try await groupVotes("FR") == 90)
            let entry = try await await_(.weighted(field: "country", target: .equal, minimum: 3))
            #expect(entry.weighting?.strata.first { $0.name == "FR" }?.votes == 90)
            let refreshed = try await Self.leaderboard(server, "grp", "weights=country")
            #expect(refreshed.json["stale"] as? Bool == false)
            // The whole board does not read attributes: it stays as it was.
            let whole = try await Self.leaderboard(server, "grp", "")
            #expect(whole.json["stale"] as? Bool == false)

            // The vote page's form does the same for another US annotator.
            let session = "us-voter-1-00000000"
            let csrf = server.services.sessions.csrfToken(for: session)
            let saved = try await server.send(
                .post, "/arenas/grp/attributes", raw: "csrf=\(csrf)&action=save&attributes%5Bcountry%5D=FR",
                headers: [.cookie: "prefer_session=\(session)", .contentType: "application/x-www-form-urlencoded"])
            #expect(saved.status == 303, "\(saved.status) \(saved.text)")
            // US is left with 2 annotators, under the minimum of 3: no longer shown on its own.
            _ = try await await_(.group(field: "country", value: "US", minimum: 3))
            _ = try await await_(.group(field: "country", value: "FR", minimum: 3))
            let us = try await Self.leaderboard(server, "grp", "group=country:US")
            #expect((us.json["contenders"] as? [Any])?.isEmpty == true && us.text.contains("Fewer than 3 annotators"), "\(us.text.prefix(600))")
            #expect(try await groupVotes("FR") == 108)

            // An annotator who has not voted changes no board.
            let before = try await Self.leaderboard(server, "grp", "group=country:FR")
            let newcomer = try await server.send(
                .put, "/api/arenas/grp/attributes", template: "/api/arenas/{arena}/attributes",
                json: ["attributes": ["country": "US"]], headers: [.cookie: "prefer_session=newcomer-000000000"])
            #expect(newcomer.status == 200)
            let after = try await Self.leaderboard(server, "grp", "group=country:FR")
            #expect(after.json["stale"] as? Bool == false)
            #expect(after.json["computed_at"] as? String == before.json["computed_at"] as? String)
        }
    }

    /// An invite's values copied to its annotator after they voted (an
    /// adoption that failed at first use and succeeded on a later request)
    /// refresh the boards too.
    @Test(arguments: ActiveArenaTests.Database.tested)
    func anInvitesValuesCopiedLaterRefreshTheGroupBoards(_ database: ActiveArenaTests.Database) async throws {
        try await ActiveArenaTests.withServer(database, configure: { $0.leaderboardRefreshInterval = .zero }) { server, _ in
            try await AnnotatorAttributeTests.groupedArena(server)
            let arena = try await server.services.directory.index("grp").arena.id
            let made = try await server.send(
                .post, "/api/arenas/grp/invites", template: "/api/arenas/{arena}/invites",
                json: ["names": ["ana"], "attributes": ["country": "FR"]], admin: true)
            #expect(made.status == 201, "\(made.text)")
            let token = try #require((made.json["invites"] as? [[String: Any]])?.first?["token"] as? String)
            // The first use's adoption did not happen (as if the store had failed then): ana votes without a country.
            server.services.attributes.adopted.keys.withLock { _ = $0.insert("\(arena):ana") }
            for _ in 0..<10 {
                let battle = try await server.send(.post, "/api/arenas/grp/battles?invite=\(token)", template: "/api/arenas/{arena}/battles")
                #expect(battle.status == 201, "\(battle.text)")
                #expect(try await server.vote(battle.json["battle"] as! String, ["choice": "left"]).status == 201)
            }
            let frKey = LeaderboardCache.Variant.group(field: "country", value: "FR", minimum: 3)
            let before = try await server.services.leaderboards.computed(
                arena: arena, rounds: 0, seed: server.services.configuration.leaderboardSeed, includeFlagged: true, variant: frKey, votes: 172)
            #expect(before.slice?.votes == 72)
            // A later request adopts the invite's values: the FR board is refreshed without a vote.
            server.services.attributes.adopted.keys.withLock { $0.removeAll() }
            let mine = try await server.send(.get, "/api/arenas/grp/attributes?invite=\(token)", template: "/api/arenas/{arena}/attributes")
            #expect((mine.json["attributes"] as? [String: String]) == ["country": "FR"])
            let after = try await server.services.leaderboards.computed(
                arena: arena, rounds: 0, seed: server.services.configuration.leaderboardSeed, includeFlagged: true, variant: frKey, votes: 172)
            #expect(after.slice?.votes == 82)
        }
    }

    @Test(arguments: ActiveArenaTests.Database.tested)
    func groupsOfAKWayArenaAreRankedWithPlackettLuce(_ database: ActiveArenaTests.Database) async throws {
        try await ActiveArenaTests.withServer(database, configure: { $0.leaderboardRefreshInterval = .zero }) { server, _ in
            try await KWayTests.makeKWayArena(server, name: "kg", k: 3)
            let patched = try await server.send(
                .patch, "/api/arenas/kg", template: "/api/arenas/{arena}",
                json: ["annotator_attributes": AnnotatorAttributeTests.declared, "min_group_size": 3], admin: true)
            #expect(patched.status == 200, "\(patched.text)")
            // Three US annotators rank by the contenders' order, three FR ones reversed; one JP annotator.
            let voters = (0..<3).map { ("kus-voter-\($0)-0000000", "US") } + (0..<3).map { ("kfr-voter-\($0)-0000000", "FR") }
                + [("kjp-voter-0-0000000", "JP")]
            var votes = 0
            for (session, country) in voters {
                let cookie: HTTPFields = [.cookie: "prefer_session=\(session)"]
                let set = try await server.send(
                    .put, "/api/arenas/kg/attributes", template: "/api/arenas/{arena}/attributes",
                    json: ["attributes": ["country": country]], headers: cookie)
                #expect(set.status == 200)
                for round in 0..<14 {
                    let battle = try await server.battle("kg", headers: cookie)
                    let order = KWayTests.authors(battle)
                    var ranking = (1...3).sorted { order[$0 - 1] < order[$1 - 1] }
                    if country == "FR" { ranking.reverse() }
                    // Every fourth vote goes against the group's taste, so that no fit diverges.
                    if round % 4 == 3 { ranking.swapAt(0, 1) }
                    let id = battle.json["battle"] as! String
                    let reply = round % 2 == 0
                        ? try await server.vote(id, ["choice": "best", "best": ranking[0]])
                        : try await server.vote(id, ["ranking": ranking])
                    #expect(reply.status == 201, "\(reply.text)")
                    votes += 1
                }
            }
            let table = try await Self.exportedTable(server, "kg")
            #expect(table.kway.count == votes && table.count == 0)
            let builder = LeaderboardBuilder(options: LeaderboardOptions(intervals: .none, onlineElo: OnlineElo(), matrices: true))
            let partition = try #require(AnnotatorGroups(field: "country", minimumSize: 3).partition(table))
            #expect(partition.groups.map(\.name).sorted() == ["FR", "US"])
            for slice in partition.slices {
                let served = try await Self.leaderboard(server, "kg", "group=country:\(slice.value)")
                #expect(served.status == 200, "\(served.text)")
                #expect((served.json["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
                #expect((served.json["slice"] as? [String: Any])?["votes"] as? Int == 42)
                let reference = try builder.build(table.slice(slice))
                let ratings = Self.ratings(served)
                #expect(ratings.count == reference.contenders.count)
                for entry in reference.contenders {
                    #expect(abs((ratings[entry.name] ?? .nan) - entry.rating) < 1e-6, "\(slice.value) \(entry.name)")
                }
            }
            // US prefers alpha to epsilon, FR the reverse.
            let us = Self.ratings(try await Self.leaderboard(server, "kg", "group=country:US"))
            let fr = Self.ratings(try await Self.leaderboard(server, "kg", "group=country:FR"))
            #expect((us["alpha"] ?? 0) > (us["epsilon"] ?? 0) && (fr["alpha"] ?? 0) < (fr["epsilon"] ?? 0), "\(us) \(fr)")

            // The disagreement report compares the K-way groups.
            let report = try await server.send(
                .get, "/api/arenas/kg/groups?field=country&bootstrap=30&include_flagged=true", template: "/api/arenas/{arena}/groups")
            #expect(report.status == 200, "\(report.text)")
            let pairs = (report.json["disagreement"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
            #expect(pairs.count == 1)
            #expect((pairs.first?["kendall_tau"] as? Double ?? 1) < 0)
            #expect(pairs.first?["tau_lower"] != nil)

            // Weighting counts K-way votes too.
            let weighted = try await Self.leaderboard(server, "kg", "weights=country%3DUS:0.5,FR:0.5")
            #expect(weighted.status == 200, "\(weighted.text)")
            let plan = try PostStratification(field: "country", target: .shares(["US": 0.5, "FR": 0.5]), minimumSize: 3).plan(table)
            #expect((weighted.json["weighting"] as? [String: Any])?["votes"] as? Int == 84)
            let reference = try builder.build(table.slice(plan.slice))
            let ratings = Self.ratings(weighted)
            for entry in reference.contenders {
                #expect(abs((ratings[entry.name] ?? .nan) - entry.rating) < 1e-6, "weighted \(entry.name)")
            }

            // The page's selector offers the groups of the K-way arena.
            let page = try await server.send(.get, "/arenas/kg/leaderboard")
            #expect(page.text.contains("value=\"group:country:US\"") && page.text.contains("value=\"weights:country\""))
        }
    }
}
