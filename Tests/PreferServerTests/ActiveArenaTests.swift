import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import PreferCore
@testable import PreferServer
import PreferStore
import Testing

/// Arenas that sample actively (`"sampling": "active"`), on SQLite and on
/// PostgreSQL: the settings through the API and the schema, and battles
/// drawn from the cached fit's plan — with the frequencies, floor share and
/// bursts the plan promises, checked by tests that fail when the draw
/// strays from it.
@Suite("Active arenas")
struct ActiveArenaTests {
    typealias Database = TestServer.Database

    // MARK: Settings

    @Test(arguments: Database.tested)
    func settingsAreStoredShownAndChecked(_ database: Database) async throws {
        try await Self.withServer(database) { server, _ in
            // Uniform and weighted arenas are as they were: no active settings.
            let plain = try await server.createArena(["name": "plain", "sampling": "weighted"])
            #expect(plain["sampling"] as? String == "weighted" && plain["active_sampling"] == nil)

            let created = try await server.createArena([
                "name": "act", "sampling": "active",
                "active_sampling": ["rule": "lmarena", "floor_share": 0.4, "burst_votes": 50, "burst_multiple": 2],
            ])
            #expect(created["sampling"] as? String == "active")
            let settings = try #require(created["active_sampling"] as? [String: Any])
            #expect(settings["rule"] as? String == "lmarena")
            #expect(settings["floor_share"] as? Double == 0.4)
            #expect(settings["burst_votes"] as? Int == 50)
            #expect(settings["burst_multiple"] as? Double == 2)
            #expect(settings["top_k"] as? Int == 10, "a setting left out is the default")

            // GET reads it back from the store.
            let shown = try await server.send(.get, "/api/arenas/act", template: "/api/arenas/{arena}", admin: true)
            #expect((shown.json["active_sampling"] as? [String: Any])?["floor_share"] as? Double == 0.4)

            // PATCH changes one setting and keeps the others; every rule is accepted.
            for rule in ActiveSampling.Rule.allCases {
                let patched = try await server.send(
                    .patch, "/api/arenas/act", template: "/api/arenas/{arena}",
                    json: ["active_sampling": ["rule": rule.rawValue, "top_k": 3]], admin: true)
                #expect(patched.status == 200, "\(patched.text)")
                let now = try #require(patched.json["active_sampling"] as? [String: Any])
                #expect(now["rule"] as? String == rule.rawValue && now["top_k"] as? Int == 3 && now["floor_share"] as? Double == 0.4)
            }
            let arena = try #require(try await server.store.arena(named: "act"))
            #expect(arena.activeSampling == ActiveSampling(rule: .informationGain, topK: 3, floorShare: 0.4, burstVotes: 50, burstMultiple: 2))

            // Back to uniform: the active settings are gone.
            let off = try await server.send(.patch, "/api/arenas/act", template: "/api/arenas/{arena}", json: ["sampling": "uniform"], admin: true)
            #expect(off.status == 200 && off.json["sampling"] as? String == "uniform" && off.json["active_sampling"] == nil)
            #expect(try await server.store.arena(named: "act")?.activeSampling == nil)
            // And on again with defaults.
            let on = try await server.send(.patch, "/api/arenas/act", template: "/api/arenas/{arena}", json: ["sampling": "active"], admin: true)
            #expect(on.status == 200 && (on.json["active_sampling"] as? [String: Any])?["rule"] as? String == "width")
        }
    }

    @Test(arguments: Database.tested)
    func badSettingsAreErrorsNamingTheField(_ database: Database) async throws {
        try await Self.withServer(database) { server, _ in
            try await server.createArena(["name": "act", "sampling": "active"])
            let cases: [(String, [String: Any], String)] = [
                ("/api/arenas", ["name": "x1", "sampling": "active", "active_sampling": ["rule": "thompson"]], "active_sampling.rule"),
                ("/api/arenas/act", ["active_sampling": ["rule": "max-entropy"]], "active_sampling.rule"),
                ("/api/arenas", ["name": "x2", "sampling": "active", "active_sampling": ["floor_share": 1.5]], "active_sampling.floor_share"),
                ("/api/arenas/act", ["active_sampling": ["burst_multiple": 0.5]], "active_sampling.burst_multiple"),
                ("/api/arenas/act", ["active_sampling": ["top_k": 0]], "active_sampling.top_k"),
                ("/api/arenas", ["name": "x3", "sampling": "uniform", "active_sampling": ["rule": "width"]], "active_sampling"),
                ("/api/arenas/act", ["sampling": "weighted", "active_sampling": ["rule": "width"]], "active_sampling"),
                ("/api/arenas", ["name": "x4", "sampling": "activ"], "sampling"),
            ]
            for (path, body, field) in cases {
                let method: HTTPRequest.Method = path == "/api/arenas" ? .post : .patch
                let reply = try await server.send(method, path, template: path == "/api/arenas" ? path : "/api/arenas/{arena}", json: body, admin: true)
                #expect(reply.status == 400, "\(body): \(reply.status) \(reply.text)")
                #expect(reply.errorField == field, "\(body): \(reply.text)")
            }
            // Active settings on an arena that does not sample actively.
            try await server.createArena(["name": "uni"])
            let stray = try await server.send(.patch, "/api/arenas/uni", template: "/api/arenas/{arena}", json: ["active_sampling": ["floor_share": 0.2]], admin: true)
            #expect(stray.status == 400 && stray.errorField == "active_sampling", "\(stray.text)")
            #expect(try await server.store.arena(named: "act")?.activeSampling == ActiveSampling())

            // The schema's CHECK constraints hold whoever writes (here the store itself).
            let arena = try #require(try await server.store.arena(named: "act"))
            await #expect(throws: StoreError.self) {
                _ = try await server.store.updateArena(id: arena.id, ArenaChanges(activeSampling: ActiveSampling(floorShare: 2)))
            }
            do {
                _ = try await server.store.updateArena(id: arena.id, ArenaChanges(activeSampling: ActiveSampling(burstMultiple: 500)))
                Issue.record("a burst multiple of 500 was stored")
            } catch let error as StoreError {
                #expect(error.field == "active_sampling.burst_multiple", "\(error)")
            }
        }
    }

    /// `explore`, `max_pair_share`, `sharpness` and `design_iterations`:
    /// set at creation, shown, kept by a PATCH that leaves them out,
    /// `max_pair_share` 0 back to the automatic cap; out of range, a 400
    /// naming the field, and the schema's CHECKs name it too.
    @Test(arguments: Database.tested)
    func theOtherSettingsAreStoredShownAndChecked(_ database: Database) async throws {
        try await Self.withServer(database) { server, _ in
            let defaults = try await server.createArena(["name": "plain", "sampling": "active"])
            let shown = try #require(defaults["active_sampling"] as? [String: Any])
            #expect(shown["explore"] as? Double == 0.1 && shown["sharpness"] as? Double == 1 && shown["design_iterations"] as? Int == 30)
            #expect(shown["max_pair_share"] == nil, "automatic: left out")

            let created = try await server.createArena([
                "name": "act", "sampling": "active",
                "active_sampling": ["rule": "width", "explore": 0.2, "max_pair_share": 0.3, "sharpness": 2, "design_iterations": 50],
            ])
            let settings = try #require(created["active_sampling"] as? [String: Any])
            #expect(settings["explore"] as? Double == 0.2 && settings["max_pair_share"] as? Double == 0.3)
            #expect(settings["sharpness"] as? Double == 2 && settings["design_iterations"] as? Int == 50)
            let patched = try await server.send(
                .patch, "/api/arenas/act", template: "/api/arenas/{arena}", json: ["active_sampling": ["top_k": 4]], admin: true)
            let kept = try #require(patched.json["active_sampling"] as? [String: Any])
            #expect(kept["explore"] as? Double == 0.2 && kept["max_pair_share"] as? Double == 0.3 && kept["design_iterations"] as? Int == 50)
            let stored = try #require(try await server.store.arena(named: "act")?.activeSampling)
            #expect(stored == ActiveSampling(rule: .width, topK: 4, explore: 0.2, maxPairShare: 0.3, sharpness: 2, designIterations: 50))

            let automatic = try await server.send(
                .patch, "/api/arenas/act", template: "/api/arenas/{arena}", json: ["active_sampling": ["max_pair_share": 0]], admin: true)
            #expect(automatic.status == 200 && (automatic.json["active_sampling"] as? [String: Any])?["max_pair_share"] == nil, "\(automatic.text)")
            #expect(try await server.store.arena(named: "act")?.activeSampling?.maxPairShare == nil)

            let cases: [([String: Any], String)] = [
                (["explore": 1.5], "active_sampling.explore"),
                (["explore": -0.1], "active_sampling.explore"),
                (["max_pair_share": 1.5], "active_sampling.max_pair_share"),
                (["max_pair_share": -0.1], "active_sampling.max_pair_share"),
                (["sharpness": 0], "active_sampling.sharpness"),
                (["sharpness": 17], "active_sampling.sharpness"),
                (["design_iterations": 0], "active_sampling.design_iterations"),
                (["design_iterations": 1001], "active_sampling.design_iterations"),
            ]
            for (settings, field) in cases {
                let reply = try await server.send(
                    .patch, "/api/arenas/act", template: "/api/arenas/{arena}", json: ["active_sampling": settings], admin: true)
                #expect(reply.status == 400 && reply.errorField == field, "\(settings): \(reply.status) \(reply.text)")
                let create = try await server.send(
                    .post, "/api/arenas", template: "/api/arenas",
                    json: ["name": "bad", "sampling": "active", "active_sampling": settings], admin: true)
                #expect(create.status == 400 && create.errorField == field, "\(settings): \(create.status) \(create.text)")
            }

            // The CHECK constraints, whoever writes.
            let arena = try #require(try await server.store.arena(named: "act"))
            let writes: [(ActiveSampling, String)] = [
                (ActiveSampling(explore: 2), "active_sampling.explore"),
                (ActiveSampling(maxPairShare: 1.5), "active_sampling.max_pair_share"),
                (ActiveSampling(sharpness: 0), "active_sampling.sharpness"),
                (ActiveSampling(designIterations: 5000), "active_sampling.design_iterations"),
            ]
            for (settings, field) in writes {
                do {
                    _ = try await server.store.updateArena(id: arena.id, ArenaChanges(activeSampling: settings))
                    Issue.record("\(settings) was stored")
                } catch let error as StoreError {
                    #expect(error.field == field, "\(error)")
                }
            }
        }
    }

    // MARK: Drawing

    /// The pair table is fitted on the votes the published board ranks: an
    /// annotator who always picks the weaker output is flagged by the
    /// audit, and the table's plan is the one `PairSampler` makes from the
    /// votes the board kept (not from all of them) — with the board cached,
    /// and without (the audit then runs for the table).
    @Test(arguments: Database.tested)
    func thePairTableIsFittedOnTheAuditCleanedVotes(_ database: Database) async throws {
        try await Self.withServer(database) { server, services in
            let names = (0..<6).map { "c\($0)" }
            let ratings = (0..<6).map { Double($0) * 60 }
            for arenaName in ["act", "cold"] {
                try await server.makeArena(
                    arenaName, contenders: names, prompts: 4,
                    extra: ["sampling": "active", "active_sampling": ["rule": "lmarena", "burst_votes": 0, "floor_share": 0.2, "explore": 0.05]])
                let index = try await services.directory.index(arenaName)
                try await Self.vote(services, index: index, votes: 480, ratings: ratings, seed: 21, voters: 8)
                // The spammer: always the weaker output. (With 6 honest voters against a spammer
                // casting 36% of the votes, the audit once flagged everyone and the board kept all.)
                try await Self.vote(services, index: index, votes: 180, ratings: ratings.map { -$0 }, seed: 22, voters: 1, voter: "spam", deterministic: true)
            }
            // "act": the published board is cached before the table is made.
            let act = try await services.directory.index("act")
            _ = try await Self.publishedBoard(services, arena: act.arena.id)

            for arenaName in ["act", "cold"] {
                let (prepared, index) = try await Self.freshPairs(services, arenaName)
                // "cold": no board was asked for; the table ran the audit. The board, computed now, must agree.
                let board = try await Self.publishedBoard(services, arena: index.arena.id)
                let kept = try #require(board.kept, "\(arenaName): the board kept every vote")
                #expect(board.flaggedVoters.contains("spam"), "\(arenaName): the audit did not flag the spammer: \(board.flaggedVoters)")
                #expect((board.board.audit?.votesRemoved ?? 0) >= 180)
                #expect(prepared.votesUsed == 660)
                #expect(prepared.votesFitted == kept.filter { $0 }.count && prepared.votesFitted <= 480,
                        "\(arenaName): the table was fitted on \(prepared.votesFitted) votes, the board ranks \(kept.filter { $0 }.count)")
                let cleaned = try await Self.plan(
                    server.store, arena: index.arena.id, policy: index.arena.samplingPolicy, names: names, kept: kept)
                let all = try await Self.plan(server.store, arena: index.arena.id, policy: index.arena.samplingPolicy, names: names)
                var table: [Double] = []
                for i in names.indices {
                    for j in (i + 1)..<names.count { table.append(prepared.sampler.weight(names[i], names[j])) }
                }
                let total = table.reduce(0, +)
                table = table.map { $0 / total }
                let offClean = zip(table, cleaned).map { abs($0 - $1) }.max() ?? 1
                let offAll = zip(table, all).map { abs($0 - $1) }.max() ?? 0
                #expect(offClean < 1e-9, "\(arenaName): the table is \(offClean) from the plan of the cleaned votes")
                #expect(offAll > 1e-3, "\(arenaName): the plan of all votes is as close as \(offAll): the test cannot tell them apart")
            }
        }
    }


    /// Twelve contenders 0–330 Elo apart (66 pairs: enough that the plan's
    /// automatic per-pair cap, 6.1%, leaves it room), 300 votes drawn and answered by
    /// the Bradley–Terry model, then 24,000 battles from the table made of
    /// the fit: the pair frequencies follow the plan that `PairSampler` makes
    /// from the same votes (χ² test, 65 degrees of freedom, α = 0.001: the
    /// critical value 105.99 is scipy's `chi2.ppf(0.999, 65)`), every
    /// contender keeps its floor, prompts and sides are fair.
    @Test(arguments: Database.tested)
    func battlesFollowThePlanOfTheCachedFit(_ database: Database) async throws {
        try await Self.withServer(database) { server, services in
            let names = (0..<12).map { "c\($0)" }
            let floor = 0.6
            try await server.makeArena(
                "act", contenders: names, prompts: 4,
                extra: ["sampling": "active", "active_sampling": ["rule": "lmarena", "floor_share": floor, "burst_votes": 0]])
            let index = try await services.directory.index("act")
            let arena = index.arena.id

            // Before any vote (no fit yet) battles are drawn, uniformly.
            #expect(try await server.battle("act").status == 201)
            try await Self.vote(services, index: index, votes: 300, ratings: (0..<12).map { Double($0) * 30 }, seed: 11)

            let (prepared, current) = try await Self.freshPairs(services, "act")
            #expect(prepared.votesUsed == 300 && prepared.pairCount == 66)

            // The plan, made here from the stored votes the published board ranks.
            let board = try await Self.publishedBoard(services, arena: arena)
            #expect(prepared.votesFitted == board.kept.map { $0.filter { $0 }.count } ?? 300)
            let expected = try await Self.plan(
                server.store, arena: arena, policy: index.arena.samplingPolicy, names: names, kept: board.kept)
            #expect((expected.max() ?? 0) / (expected.min() ?? 1) > 1.5, "the plan is not uniform: \(expected)")

            let draws = 24_000
            var rng = Xoshiro256(seed: 2026)
            var pairs = [Int](repeating: 0, count: 66)
            var appearances = [Int](repeating: 0, count: names.count)
            var prompts: [Int64: Int] = [:]
            var lowOnLeft = 0
            for _ in 0..<draws {
                let drawn = try await services.battles.draw(current, voter: "t", using: &rng)
                let a = Self.position(drawn.left.contenderId, current, names)
                let b = Self.position(drawn.right.contenderId, current, names)
                pairs[Self.pairIndex(min(a, b), max(a, b), n: names.count)] += 1
                appearances[a] += 1
                appearances[b] += 1
                prompts[drawn.prompt.map(\.id) ?? 0, default: 0] += 1
                if a < b { lowOnLeft += 1 }
            }
            let chi2 = zip(pairs, expected).reduce(0.0) { sum, cell in
                let e = Double(draws) * cell.1
                return sum + (Double(cell.0) - e) * (Double(cell.0) - e) / e
            }
            #expect(chi2 < 105.99, "pair frequencies \(pairs) vs the plan \(expected.map { $0 * Double(draws) }): χ² = \(chi2)")
            // Every contender keeps floor × its uniform share (2/n of battles).
            let fair = 2.0 / Double(names.count)
            for (k, count) in appearances.enumerated() {
                let share = Double(count) / Double(draws)
                let sd = (fair * floor * (1 - fair * floor) / Double(draws)).squareRoot()
                #expect(share >= floor * fair - 4 * sd, "\(names[k]) got \(share) of battles, below its floor \(floor * fair)")
            }
            // Prompts uniformly (χ², 3 degrees of freedom, α = 0.001), sides by a fair coin.
            let promptChi2 = prompts.values.reduce(0.0) { $0 + pow(Double($1) - Double(draws) / 4, 2) / (Double(draws) / 4) }
            #expect(prompts.count == 4 && promptChi2 < 16.27, "prompts \(prompts)")
            let leftShare = Double(lowOnLeft) / Double(draws)
            let sideTolerance = 4 * (0.25 / Double(draws)).squareRoot()
            #expect(abs(leftShare - 0.5) < sideTolerance, "sides: \(lowOnLeft) of \(draws)")

            // The battle stays sealed and anonymous over HTTP.
            let battle = try await server.battle("act")
            #expect(battle.status == 201 && !names.contains { battle.text.contains("\"\($0)\"") })
        }
    }

    /// A contender added after the fit has no votes: until it has
    /// `burst_votes`, it gets `burst_multiple` times a pair's average weight
    /// on each of its pairs, well above its uniform share.
    @Test(arguments: Database.tested)
    func aNewContenderGetsItsBurst(_ database: Database) async throws {
        try await Self.withServer(database) { server, services in
            let names = ["c0", "c1", "c2", "c3", "c4"]
            try await server.makeArena(
                "act", contenders: names, prompts: 3,
                extra: ["sampling": "active", "active_sampling": ["rule": "width", "burst_votes": 20, "burst_multiple": 3]])
            var index = try await services.directory.index("act")
            try await Self.vote(services, index: index, votes: 250, ratings: [0, 100, 200, 300, 400], seed: 5)
            _ = try await services.leaderboards.freshPairs(arena: index.arena.id)

            // The newcomer, with outputs for every prompt.
            let lines = (0..<3).map { p in
                "{\"prompt\": \"Prompt \(p)?\", \"contender\": \"late\", \"content\": \"Answer \(p) [5]\"}"
            }
            let imported = try await server.send(
                .post, "/api/arenas/act/import", template: "/api/arenas/{arena}/import",
                raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
            #expect(imported.status == 201, "\(imported.text)")
            index = try await services.directory.index("act")
            let late = try #require(index.contenderByName["late"])

            // Until the next table, the old one weighs the prompt's pairs (late gets the burst too).
            var rng = Xoshiro256(seed: 99)
            var lateCount = 0
            for _ in 0..<2_000 {
                let drawn = try await services.battles.draw(index, voter: "t", using: &rng)
                if drawn.left.contenderId == late || drawn.right.contenderId == late { lateCount += 1 }
            }
            let n = Double(names.count + 1)
            #expect(Double(lateCount) / 2_000 > 1.5 * 2 / n, "before the refit the newcomer was in \(lateCount) of 2000 battles")

            let fresh = try await Self.freshPairs(services, "act")
            let prepared = fresh.0
            index = fresh.1
            #expect(prepared.pairCount == 15)
            let expectedShare = (0..<prepared.pairCount).filter { prepared.first[$0] == late || prepared.second[$0] == late }
                .reduce(0.0) { $0 + prepared.probability($1) }
            // The burst: 3 × a pair's mean weight on each of its 5 pairs → 1.5 / 2.5 of the battles.
            #expect(abs(expectedShare - 0.6) < 0.01, "the newcomer's planned share is \(expectedShare)")
            let draws = 12_000
            lateCount = 0
            for _ in 0..<draws {
                let drawn = try await services.battles.draw(index, voter: "t", using: &rng)
                if drawn.left.contenderId == late || drawn.right.contenderId == late { lateCount += 1 }
            }
            let share = Double(lateCount) / Double(draws)
            let sd = (expectedShare * (1 - expectedShare) / Double(draws)).squareRoot()
            #expect(abs(share - expectedShare) < 4 * sd, "the newcomer was in \(share) of battles; the plan says \(expectedShare)")
            #expect(share > 1.5 * 2 / n)
        }
    }

    // MARK: Helpers

    /// `votes` battles of the arena drawn by the server and answered by the
    /// Bradley–Terry model with these Elo ratings (in `makeArena`'s order).
    /// `voter` names them (`voter-0`, `voter-1`, … cycling over `voters`
    /// when nil); `deterministic` always picks the higher rating.
    static func vote(
        _ services: PreferServices, index: ArenaIndex, votes: Int, ratings: [Double], seed: UInt64,
        voters: Int = 7, voter: String? = nil, deterministic: Bool = false
    ) async throws {
        var rng = Xoshiro256(seed: seed)
        for k in 0..<votes {
            let drawn = try await services.battles.draw(index, voter: voter ?? "voter-\(k % voters)", using: &rng)
            let left = ratings[TestServer.author(["content": drawn.left.content])]
            let right = ratings[TestServer.author(["content": drawn.right.content])]
            let pLeft = deterministic ? (left > right ? 1.0 : 0.0) : 1 / (1 + pow(10, (right - left) / 400))
            let choice: Choice = Double.random(in: 0..<1, using: &rng) < pLeft ? .left : .right
            _ = try await services.battles.vote(BattleService.Ballot(choice: choice), battle: drawn.id)
        }
    }

    /// The arena's table made now from every stored vote, for its current
    /// index (the change feed may reload the index meanwhile: then again).
    static func freshPairs(_ services: PreferServices, _ arena: String) async throws -> (ActivePairs.Prepared, ArenaIndex) {
        for _ in 0..<10 {
            let index = try await services.directory.index(arena)
            let prepared = try await services.leaderboards.freshPairs(arena: index.arena.id)
            let now = try await services.directory.index(arena)
            if prepared.indexVersion == now.version { return (prepared, now) }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("the arena's index kept changing")
        let index = try await services.directory.index(arena)
        return (try await services.leaderboards.freshPairs(arena: index.arena.id), index)
    }

    /// P(pair) of the plan `PairSampler` makes from the arena's stored votes,
    /// in `pairIndex` order of `names`.
    /// `kept`: one flag per people's vote in id order (the published
    /// board's audit, `LeaderboardCache.Entry.kept`); nil: every stored vote.
    static func plan(
        _ store: any PreferStore, arena: Int64, policy: SamplingPolicy, names: [String], kept: [Bool]? = nil
    ) async throws -> [Double] {
        let byId = Dictionary(uniqueKeysWithValues: try await store.contenders(arena: arena).map { ($0.id, $0.name) })
        var stored = try await store.votes(arena: arena, after: nil, limit: 100_000)
        if let kept {
            let people = stored.filter { $0.source != .judge }
            #expect(people.count == kept.count, "the board's audit saw \(kept.count) votes, the store holds \(people.count)")
            stored = zip(people, kept).filter(\.1).map(\.0)
        }
        let table = VoteTable(stored.map { Vote(a: byId[$0.leftContenderId]!, b: byId[$0.rightContenderId]!, outcome: $0.choice.outcome) })
        let sampler = try PairSampler(policy: policy, counts: PairCounts(table))
        var p: [Double] = []
        for i in names.indices {
            for j in (i + 1)..<names.count { p.append(sampler.weight(names[i], names[j])) }
        }
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    /// The published board of `arena` (people's votes, flagged voters left
    /// out), computed now from every stored vote.
    static func publishedBoard(_ services: PreferServices, arena: Int64) async throws -> LeaderboardCache.Entry {
        try await services.leaderboards.fresh(
            arena: arena, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed)
    }

    static func position(_ contender: Int64, _ index: ArenaIndex, _ names: [String]) -> Int {
        names.firstIndex(of: index.contenders[contender]?.name ?? "") ?? -1
    }

    static func pairIndex(_ i: Int, _ j: Int, n: Int) -> Int {
        i * (2 * n - i - 1) / 2 + (j - i - 1)
    }

    /// A test server (`TestServer.run`) on a new database of `database`'s
    /// kind, with its services at hand.
    static func withServer(
        _ database: Database, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer, PreferServices) async throws -> Void
    ) async throws {
        try await TestServer.run(on: database, configure: configure) { server in try await body(server, server.services) }
    }
}
