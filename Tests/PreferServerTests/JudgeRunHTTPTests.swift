import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PreferCore
import PreferJudge
import PreferJudgeTestSupport
@testable import PreferServer
import PreferStore
import Synchronization
import Testing

/// Judges reachable over HTTP: runs started as background work of the
/// server against a fake OpenAI-compatible endpoint, followed, cancelled and
/// resumed; the agreement report equal to the CLI service's; the validation
/// rule; `source=` keeping judges' votes off the people's board and export.
@Suite("Judge runs over HTTP", .serialized, .timeLimit(.minutes(3)))
struct JudgeRunHTTPTests {
    /// A server like `TestServer.run`'s, with its services at hand (to await
    /// a run's end instead of polling) and a hook after it has shut down.
    static func run(
        _ body: @Sendable (TestServer, PreferServices) async throws -> Void,
        afterShutdown: (@Sendable (any PreferStore) async throws -> Void)? = nil
    ) async throws {
        try await TestServer.run({ server in try await body(server, server.services) }, afterShutdown: afterShutdown)
    }

    /// An arena of 3 contenders × `prompts` prompts where alpha's outputs say
    /// GOOD, and `votes` human votes cast through battles, each for the GOOD side
    /// (a tie when neither is).
    static func arena(_ server: TestServer, name: String, prompts: Int = 4, votes: Int = 8) async throws -> Int {
        _ = try await server.createArena(["name": name])
        var lines: [String] = []
        for p in 0..<prompts {
            for (k, c) in ["alpha", "beta", "gamma"].enumerated() {
                let content = k == 0 ? "Answer \(p) [\(k)] GOOD" : "Answer \(p) [\(k)]"
                let line = try JSONSerialization.data(withJSONObject: ["prompt": "Question \(p)?", "contender": c, "content": content, "category": p % 2 == 0 ? "even" : "odd"])
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        let imported = try await server.send(.post, "/api/arenas/\(name)/import", raw: lines.joined(separator: "\n"), admin: true,
                                             headers: [.contentType: "application/x-ndjson"])
        #expect(imported.status == 201, "\(imported.text)")
        var cast = 0
        for _ in 0..<votes {
            let battle = try await server.battle(name)
            guard let id = battle.json["battle"] as? String else { continue }
            let left = ((battle.json["left"] as? [String: Any])?["content"] as? String ?? "").contains("GOOD")
            let right = ((battle.json["right"] as? [String: Any])?["content"] as? String ?? "").contains("GOOD")
            let choice = left == right ? "tie" : (left ? "left" : "right")
            let reply = try await server.vote(id, ["choice": choice])
            if reply.status == 201 { cast += 1 }
        }
        return cast
    }

    static func defineJudge(_ server: TestServer, _ fake: FakeJudgeEndpoint, name: String = "fake", concurrency: Int = 4) async throws {
        let reply = try await server.send(.post, "/api/judges", json: [
            "name": name, "endpoint": fake.base, "model": "judge", "concurrency": concurrency, "timeout_seconds": 10, "retries": 1,
        ], admin: true)
        #expect(reply.status == 201, "\(reply.text)")
    }

    static func start(_ server: TestServer, _ arena: String, _ body: [String: Any]) async throws -> TestServer.Reply {
        try await server.send(.post, "/api/arenas/\(arena)/judge-runs", template: "/api/arenas/{arena}/judge-runs", json: body, admin: true)
    }

    static func get(_ server: TestServer, _ arena: String, run id: Int) async throws -> [String: Any] {
        let reply = try await server.send(.get, "/api/arenas/\(arena)/judge-runs/\(id)", template: "/api/arenas/{arena}/judge-runs/{run}", admin: true)
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json
    }

    static func lines(_ reply: TestServer.Reply) -> [[String: Any]] {
        reply.text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    @Test func aRunStartedOverHTTPCompletesAndItsVotesStayOffThePeoplesBoard() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        try await Self.run { server, services in
            let human = try await Self.arena(server, name: "judged")
            #expect(human > 0)
            // A name with markup: the page must show it as text.
            let name = "fake <i>x</i>"
            try await Self.defineJudge(server, fake, name: name)
            let started = try await Self.start(server, "judged", ["judge": name, "selection": "human_battles"])
            #expect(started.status == 202, "\(started.text)")
            #expect(started.json["resumed"] as? Bool == false)
            let run = try #require(started.json["run"] as? [String: Any])
            let id = try #require(run["id"] as? Int)
            #expect(run["judge"] as? String == name && run["arena"] as? String == "judged")
            #expect((run["selection"] as? [String: Any])?["kind"] as? String == "human_battles")

            await services.judgeRuns.finished(Int64(id))
            let finished = try await Self.get(server, "judged", run: id)
            #expect(finished["status"] as? String == "completed", "\(finished)")
            #expect(finished["active"] as? Bool == false)
            let total = try #require(finished["total_items"] as? Int)
            #expect(total > 0 && finished["done_items"] as? Int == total && finished["progress"] as? Double == 1)
            let counters = try #require(finished["counters"] as? [String: Any])
            #expect(counters["requests"] as? Int == 2 * total, "both orders of every item: \(counters)")
            #expect(counters["position_consistency"] as? Double == 1)
            #expect(fake.requestCount == 2 * total)

            let listed = try await server.send(.get, "/api/arenas/judged/judge-runs?judge=fake%20%3Ci%3Ex%3C%2Fi%3E", template: "/api/arenas/{arena}/judge-runs", admin: true)
            #expect((listed.json["runs"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])

            // People's board by default; the judge's on request; both when asked.
            let judgeVotes = try await server.store.votes(arena: 1, after: nil, limit: 10_000).filter { $0.source == .judge }.count
            #expect(judgeVotes == total)
            func board(_ query: String) async throws -> [String: Any] {
                let reply = try await server.send(.get, "/api/arenas/judged/leaderboard?bootstrap=0" + query, template: "/api/arenas/{arena}/leaderboard")
                #expect(reply.status == 200, "\(reply.text)")
                return reply.json
            }
            let people = try await board("")
            #expect((people["method"] as? [String: Any])?["votes"] as? Int == human && people["votes_total"] as? Int == human)
            let judges = try await board("&source=judge")
            #expect((judges["method"] as? [String: Any])?["votes"] as? Int == judgeVotes && judges["votes_total"] as? Int == judgeVotes)
            #expect((judges["contenders"] as? [[String: Any]])?.first?["name"] as? String == "alpha")
            let both = try await board("&source=all")
            #expect(both["votes_total"] as? Int == human + judgeVotes)
            let bogus = try await server.send(.get, "/api/arenas/judged/leaderboard?source=robots")
            #expect(bogus.status == 400 && bogus.errorField == "source", "\(bogus.text)")

            // The same in the vote export.
            let exported = Self.lines(try await server.send(.get, "/api/arenas/judged/votes", admin: true))
            #expect(exported.count == human && exported.allSatisfy { $0["source"] as? String == "battle" })
            let judged = Self.lines(try await server.send(.get, "/api/arenas/judged/votes?source=judge", admin: true))
            #expect(judged.count == judgeVotes && judged.allSatisfy { $0["source"] as? String == "judge" && $0["voter"] as? String == "judge:" + name })
            #expect(Self.lines(try await server.send(.get, "/api/arenas/judged/votes?source=all", admin: true)).count == human + judgeVotes)

            // The page: the judge, its run and its agreement; the people's board stays the people's.
            let page = try await server.send(.get, "/arenas/judged/leaderboard")
            #expect(page.status == 200)
            #expect(page.text.contains("AI judges") && page.text.contains("completed: \(total) of \(total) items"))
            #expect(page.text.contains("?source=judge"))
            #expect(page.text.contains("fake &lt;i&gt;x&lt;/i&gt;") && !page.text.contains("<i>x</i>"))
            let judgePage = try await server.send(.get, "/arenas/judged/leaderboard?source=judge")
            #expect(judgePage.text.contains("Leaderboard · judged (AI judges)"))
        }
        try await fake.stop()
    }

    @Test func aCancelledRunResumesWhereItStopped() async throws {
        // Slow answers, one request at a time: the cancel lands mid-run.
        let fake = try await FakeJudgeEndpoint.start { request in .delayed(0.05, FakeJudgeEndpoint.knowing(request)) }
        try await Self.run { server, services in
            _ = try await Self.arena(server, name: "slow", prompts: 6, votes: 0)
            try await Self.defineJudge(server, fake, concurrency: 1)
            let started = try await Self.start(server, "slow", ["judge": "fake", "selection": "all_pairs"])
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["run"] as? [String: Any])?["id"] as? Int)
            let total = try #require((started.json["run"] as? [String: Any])?["total_items"] as? Int)
            #expect(total == 18)
            // A second start of the same run while it works is a conflict.
            let twice = try await Self.start(server, "slow", ["judge": "fake", "selection": "all_pairs"])
            #expect(twice.status == 409 && twice.errorCode == "judge_run_active" && twice.errorField == "judge", "\(twice.text)")

            // Wait for the first items, then cancel.
            for _ in 0..<400 where (services.judgeRuns.progress(of: Int64(id))?.done ?? 0) < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let cancel = try await server.send(.post, "/api/arenas/slow/judge-runs/\(id)/cancel", template: "/api/arenas/{arena}/judge-runs/{run}/cancel", admin: true)
            #expect(cancel.status == 202 && cancel.json["cancel_requested"] as? Bool == true, "\(cancel.text)")
            await services.judgeRuns.finished(Int64(id))
            let stopped = try await Self.get(server, "slow", run: id)
            #expect(stopped["status"] as? String == "cancelled", "\(stopped)")
            let doneThen = try #require(stopped["done_items"] as? Int)
            #expect(doneThen >= 2 && doneThen < total)
            let requestsThen = fake.requestCount

            // Started again: the same run, only what is left asked.
            let resumed = try await Self.start(server, "slow", ["judge": "fake", "selection": "all_pairs"])
            #expect(resumed.status == 202 && resumed.json["resumed"] as? Bool == true, "\(resumed.text)")
            #expect((resumed.json["run"] as? [String: Any])?["id"] as? Int == id)
            await services.judgeRuns.finished(Int64(id))
            let finished = try await Self.get(server, "slow", run: id)
            #expect(finished["status"] as? String == "completed" && finished["done_items"] as? Int == total, "\(finished)")
            #expect(fake.requestCount - requestsThen <= 2 * (total - doneThen) + 2, "a resumed run asks only what was left")
            let judgeVotes = try await server.store.votes(arena: 1, after: nil, limit: 10_000).filter { $0.source == .judge }
            #expect(judgeVotes.count == total && Set(judgeVotes.compactMap(\.battle)).count == total, "no judgement stored twice")

            let finishedCancel = try await server.send(.post, "/api/arenas/slow/judge-runs/\(id)/cancel", template: "/api/arenas/{arena}/judge-runs/{run}/cancel", admin: true)
            #expect(finishedCancel.status == 409 && finishedCancel.errorField == "run")
        }
        try await fake.stop()
    }

    @Test func aRunInterruptedByShutdownIsLeftResumable() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in .delayed(0.05, FakeJudgeEndpoint.knowing(request)) }
        let runId = RunId()
        try await Self.run({ server, services in
            _ = try await Self.arena(server, name: "stopping", prompts: 8, votes: 0)
            try await Self.defineJudge(server, fake, concurrency: 1)
            let started = try await Self.start(server, "stopping", ["judge": "fake", "selection": "all_pairs"])
            let id = try #require((started.json["run"] as? [String: Any])?["id"] as? Int)
            runId.value.withLock { $0 = Int64(id) }
            // Up to a minute: on a loaded machine the first judgement can take seconds.
            for _ in 0..<6000 where (services.judgeRuns.progress(of: Int64(id))?.done ?? 0) < 1 {
                try await Task.sleep(for: .milliseconds(10))
            }
            // Leaving the body shuts the server down with the run under way.
        }, afterShutdown: { store in
            let id = try #require(runId.value.withLock { $0 })
            let run = try #require(try await (store as? any JudgeStore)?.judgeRun(id: id))
            #expect(run.status == .cancelled && run.status.isResumable, "\(run.status)")
            #expect(run.message?.contains("server shutdown") == true, "\(run.message ?? "")")
            #expect(run.doneItems >= 1 && run.doneItems < run.totalItems)
        })
        try await fake.stop()
    }

    final class RunId: Sendable {
        let value = Mutex<Int64?>(nil)
    }

    @Test func agreementOverHTTPIsTheCLIServicesReport() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        try await Self.run { server, services in
            _ = try await Self.arena(server, name: "agree", prompts: 4, votes: 12)
            try await Self.defineJudge(server, fake)
            let started = try await Self.start(server, "agree", ["judge": "fake"])
            let id = try #require((started.json["run"] as? [String: Any])?["id"] as? Int)
            await services.judgeRuns.finished(Int64(id))

            let reply = try await server.send(.get, "/api/arenas/agree/judges/fake/agreement?rounds=200&seed=7",
                                              template: "/api/arenas/{arena}/judges/{judge}/agreement", admin: true)
            #expect(reply.status == 200, "\(reply.text)")
            let store = try #require(server.store as? any JudgeStore)
            let arena = try #require(try await store.arena(named: "agree"))
            let judge = try #require(try await store.judge(named: "fake"))
            let report = try await JudgeAgreementService(store: store).report(arena: arena, judge: judge, rounds: 200, seed: 7)
            let expected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? NSDictionary
            #expect(expected == (try JSONSerialization.jsonObject(with: reply.body) as? NSDictionary))
            let overall = try #require((reply.json["agreement"] as? [String: Any])?["overall"] as? [String: Any])
            #expect(overall["battles"] as? Int == report.agreement.overall.battles && report.agreement.overall.battles > 0)
            // The knowing judge agrees with people who vote for GOOD.
            #expect((overall["agreement_with_ties"] as? [String: Any])?["estimate"] as? Double == 1)

            // Validation: no rule yet, then one, with the verdict under it.
            let none = try await server.send(.get, "/api/arenas/agree/judges/fake/validation", template: "/api/arenas/{arena}/judges/{judge}/validation", admin: true)
            #expect(none.status == 404 && none.errorCode == "no_validation_rule")
            let set = try await server.send(.put, "/api/arenas/agree/judges/fake/validation", template: "/api/arenas/{arena}/judges/{judge}/validation",
                                            json: ["threshold": 0.5, "min_battles": 1], admin: true)
            #expect(set.status == 200, "\(set.text)")
            let verdict = try #require(set.json["verdict"] as? [String: Any])
            let rule = try #require(try await store.judgeValidationRule(arenaId: arena.id, judgeId: judge.id))
            let cli = try await JudgeAgreementService(store: store).report(arena: arena, judge: judge, rounds: 1000).validation
            #expect(rule.threshold == 0.5 && rule.minBattles == 1)
            #expect(verdict["validated"] as? Bool == cli?.validated && verdict["reason"] as? String == cli?.reason)
            let got = try await server.send(.get, "/api/arenas/agree/judges/fake/validation", template: "/api/arenas/{arena}/judges/{judge}/validation", admin: true)
            #expect(got.status == 200 && (got.json["verdict"] as? [String: Any])?["battles"] as? Int == cli?.battles)
        }
        try await fake.stop()
    }

    @Test func judgeRunEndpointsNeedAnAdminKeyAndNameTheFieldAtFault() async throws {
        try await Self.run { server, _ in
            _ = try await Self.arena(server, name: "errs", prompts: 2, votes: 0)
            _ = try await server.send(.post, "/api/judges", json: ["name": "nowhere", "endpoint": "http://127.0.0.1:9/v1", "model": "m"], admin: true)
            let routes: [(HTTPRequest.Method, String)] = [
                (.post, "/api/arenas/errs/judge-runs"), (.get, "/api/arenas/errs/judge-runs"), (.get, "/api/arenas/errs/judge-runs/1"),
                (.post, "/api/arenas/errs/judge-runs/1/cancel"), (.get, "/api/arenas/errs/judges/nowhere/agreement"),
                (.put, "/api/arenas/errs/judges/nowhere/validation"), (.get, "/api/arenas/errs/judges/nowhere/validation"),
            ]
            for (method, path) in routes {
                let missing = try await server.send(method, path, raw: "{}", headers: [.contentType: "application/json"])
                #expect(missing.status == 401 && missing.errorCode == "missing_admin_key", "\(method) \(path): \(missing.text)")
                let wrong = try await server.send(method, path, raw: "{}", headers: [.contentType: "application/json", .authorization: "Bearer nope"])
                #expect(wrong.status == 403, "\(method) \(path): \(wrong.text)")
            }
            let template = "/api/arenas/{arena}/judge-runs"
            func start(_ body: [String: Any]) async throws -> TestServer.Reply {
                try await server.send(.post, "/api/arenas/errs/judge-runs", template: template, json: body, admin: true)
            }
            let cases: [([String: Any], Int, String)] = [
                (["judge": "nowhere", "selection": "battles"], 400, "battles"),
                (["judge": "nowhere", "selection": "battles", "battles": 0], 400, "battles"),
                (["judge": "nowhere", "selection": "all_pairs", "battles": 3], 400, "battles"),
                (["judge": "nowhere", "selection": "everything"], 400, "selection"),
                (["judge": "nowhere", "selection": "human_battles"], 400, "selection"),  // no human votes to judge
                (["judge": "nobody"], 404, "judge"),
                (["selection": "all_pairs"], 400, "judge"),
                (["judge": "nowhere", "colour": "red"], 400, "colour"),
            ]
            for (body, status, field) in cases {
                let reply = try await start(body)
                #expect(reply.status == status && reply.errorField == field, "\(body): \(reply.status) \(reply.text)")
            }
            let unknownArena = try await server.send(.post, "/api/arenas/nope/judge-runs", template: template, json: ["judge": "nowhere"], admin: true)
            #expect(unknownArena.status == 404 && unknownArena.errorField == "arena")
            let noRun = try await server.send(.get, "/api/arenas/errs/judge-runs/99", template: "/api/arenas/{arena}/judge-runs/{run}", admin: true)
            #expect(noRun.status == 404 && noRun.errorField == "run")
            let rounds = try await server.send(.get, "/api/arenas/errs/judges/nowhere/agreement?rounds=1", template: "/api/arenas/{arena}/judges/{judge}/agreement", admin: true)
            #expect(rounds.status == 400 && rounds.errorField == "rounds", "\(rounds.text)")
            let threshold = try await server.send(.put, "/api/arenas/errs/judges/nowhere/validation", template: "/api/arenas/{arena}/judges/{judge}/validation",
                                                  json: ["threshold": 2, "min_battles": 10], admin: true)
            #expect(threshold.status == 400 && threshold.errorField == "threshold", "\(threshold.text)")
            let minimum = try await server.send(.put, "/api/arenas/errs/judges/nowhere/validation", template: "/api/arenas/{arena}/judges/{judge}/validation",
                                                json: ["threshold": 0.7], admin: true)
            #expect(minimum.status == 400 && minimum.errorField == "min_battles", "\(minimum.text)")
            // Garbage never reaches a 5xx, and every error is the API's JSON.
            let targets: [(HTTPRequest.Method, String)] = [
                (.post, "/api/arenas/errs/judge-runs"), (.get, "/api/arenas/errs/judge-runs/abc"), (.post, "/api/arenas/errs/judge-runs/%00/cancel"),
                (.put, "/api/arenas/errs/judges/nowhere/validation"), (.get, "/api/arenas/errs/judges/nowhere/agreement?rounds=abc&seed=-1"),
                (.get, "/api/arenas/errs/judge-runs/99999999999999999999999"),
            ]
            for (method, uri) in targets {
                for body in RobustnessTests.bodies {
                    let reply = try await server.send(method, uri, raw: body, admin: true, headers: [.contentType: "application/json"])
                    #expect(reply.status < 500 && reply.status >= 400 && reply.errorCode != nil, "\(method) \(uri) with \(body.prefix(40)): \(reply.status) \(reply.text.prefix(200))")
                }
            }
            // An agreement report with no battles judged is still a report (zero battles), not an error.
            let empty = try await server.send(.get, "/api/arenas/errs/judges/nowhere/agreement?rounds=50", template: "/api/arenas/{arena}/judges/{judge}/agreement", admin: true)
            #expect(empty.status == 200 && ((empty.json["agreement"] as? [String: Any])?["overall"] as? [String: Any])?["battles"] as? Int == 0, "\(empty.text)")
        }
    }
}
