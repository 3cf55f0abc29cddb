import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import Testing

/// Ratings over time and the Pareto view across criteria over HTTP and on
/// the leaderboard page: the same numbers as PreferCore's `RatingTrajectory`
/// and `ParetoFront` (what `prefer rank --over time` and `--by criterion`
/// print) on the same votes.
@Suite("Trajectories and the Pareto view over HTTP")
struct TrajectoryAndParetoTests {
    static let contenders = ["alpha", "beta", "gamma", "delta", "epsilon"]

    @Test func trajectoryAndParetoAgreeWithTheCore() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "multi", "criteria": ["helpfulness", "harmlessness"]])
            var lines: [String] = []
            for p in 0..<3 {
                for (c, contender) in Self.contenders.enumerated() {
                    let line = try JSONSerialization.data(withJSONObject: ["prompt": "Prompt \(p)?", "contender": contender, "content": "Answer \(p) [\(c)]"])
                    lines.append(String(decoding: line, as: UTF8.self))
                }
            }
            let imported = try await server.send(
                .post, "/api/arenas/multi/import", template: "/api/arenas/{arena}/import",
                raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
            #expect(imported.status == 201)

            var votes: [Vote] = []
            var criteria: [[String: Choice]] = []
            for round in 0..<150 {
                let drawn = try await server.battle("multi")
                let (l, r) = (TestServer.author(drawn.json["left"]!), TestServer.author(drawn.json["right"]!))
                // Overall: the earlier contender mostly wins; helpfulness: the earlier; harmlessness: the later.
                let choice: Choice = (l < r) == (round % 4 != 0) ? .left : .right
                let helpful: Choice = (l < r) == (round % 5 != 0) ? .left : .right
                let harmless: Choice = (l > r) == (round % 6 != 0) ? .left : .right
                let reply = try await server.vote(drawn.json["battle"] as! String, [
                    "choice": choice.rawValue, "criteria": ["helpfulness": helpful.rawValue, "harmlessness": harmless.rawValue],
                ])
                #expect(reply.status == 201, "\(reply.text)")
                votes.append(Vote(a: Self.contenders[l], b: Self.contenders[r], outcome: choice.outcome))
                criteria.append(["helpfulness": helpful, "harmlessness": harmless])
            }
            let table = VoteTable(votes)
            let options = LeaderboardOptions(intervals: .bootstrap(rounds: 30, seed: 3), onlineElo: OnlineElo(), matrices: true)
            let ranker = SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: 50)
            let query = "bootstrap=30&seed=3&include_flagged=true"

            // Trajectory: every=auto is a twentieth of the votes rounded up to a power of two (here 16 votes).
            let reference = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .votes(16)), ranker: ranker)
            let served = try await server.send(.get, "/api/arenas/multi/trajectory?\(query)", template: "/api/arenas/{arena}/trajectory")
            #expect(served.status == 200, "\(served.text)")
            let trajectory = try #require(served.json["trajectory"] as? [String: Any])
            #expect(trajectory["every"] as? String == "16votes")
            #expect((trajectory["points"] as? [Any])?.count == reference.points.count)
            let series = trajectory["series"] as? [[String: Any]] ?? []
            #expect(series.map { $0["name"] as? String ?? "" } == reference.series.map(\.name))
            for expected in reference.series {
                let values = series.first { $0["name"] as? String == expected.name }?["values"] as? [[String: Any]] ?? []
                #expect(values.count == expected.values.count, "\(expected.name)")
                for (value, want) in zip(values, expected.values) {
                    #expect(value["point"] as? Int == want.point)
                    #expect(abs((value["rating"] as? Double ?? .nan) - want.rating) < 1e-6, "\(expected.name) at \(want.point)")
                    #expect(abs((value["lower"] as? Double ?? .nan) - want.lower) < 1e-6)
                    #expect(abs((value["upper"] as? Double ?? .nan) - want.upper) < 1e-6)
                    #expect(value["provisional"] as? Bool == want.provisional)
                }
            }
            // A window, and a span asked for by name.
            let windowed = try await server.send(.get, "/api/arenas/multi/trajectory?\(query)&every=50votes&window=50votes", template: "/api/arenas/{arena}/trajectory")
            #expect(windowed.status == 200, "\(windowed.text)")
            let window = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .votes(50), window: .votes(50)), ranker: ranker)
            let windowSeries = (windowed.json["trajectory"] as? [String: Any])?["series"] as? [[String: Any]] ?? []
            let firstValue = (windowSeries.first?["values"] as? [[String: Any]])?.first
            #expect(abs((firstValue?["rating"] as? Double ?? .nan) - (window.series.first?.values.first?.rating ?? .infinity)) < 1e-6)
            #expect((windowed.json["trajectory"] as? [String: Any])?["cumulative"] as? Bool == false)

            // Pareto: one board per criterion (CriteriaSlicer, SliceRanker), and the front across them.
            let slices = try #require(CriteriaSlicer.slices(criteria: criteria)).slices
            let boards = slices.map { ranker.rank(table, $0).board.board! }
            let front = ParetoFront(criteria: slices.map(\.value), boards: boards)
            let pareto = try await server.send(.get, "/api/arenas/multi/pareto?\(query)", template: "/api/arenas/{arena}/pareto")
            #expect(pareto.status == 200, "\(pareto.text)")
            let view = try #require(pareto.json["pareto"] as? [String: Any])
            #expect(view["criteria"] as? [String] == front.criteria)
            #expect(view["front"] as? [String] == front.front)
            #expect(view["possible_front"] as? [String] == front.possibleFront)
            let members = view["contenders"] as? [[String: Any]] ?? []
            for member in front.contenders {
                let row = members.first { $0["name"] as? String == member.name }
                let ratings = row?["ratings"] as? [Double] ?? []
                #expect(ratings.count == member.ratings.count)
                for (a, b) in zip(ratings, member.ratings) { #expect(abs(a - b) < 1e-6, "\(member.name)") }
            }
            #expect((pareto.json["slices"] as? [Any])?.count == 2)

            // The page: the trajectory chart and the Pareto table, from the selector.
            let page = try await server.send(.get, "/arenas/multi/leaderboard?view=trajectory")
            #expect(page.status == 200)
            #expect(page.text.contains("id=\"trajectory-plot-title\"") && page.text.contains("Ratings over time"))
            let paretoPage = try await server.send(.get, "/arenas/multi/leaderboard?view=pareto")
            #expect(paretoPage.status == 200)
            #expect(paretoPage.text.contains("pareto-table") && paretoPage.text.contains("id=\"pareto-plot-title\""))
            for name in front.front { #expect(paretoPage.text.contains(name)) }
            let plain = try await server.send(.get, "/arenas/multi/leaderboard")
            #expect(plain.text.contains("value=\"trajectory\"") && plain.text.contains("value=\"pareto\""))
        }
    }

    @Test func badTrajectoryAndParetoRequestsNameTheField() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "plain"])
            for (query, field) in [("every=banana", "every"), ("every=1d&window=soon", "window"), ("every=0votes", "every")] {
                let reply = try await server.send(.get, "/api/arenas/plain/trajectory?\(query)", template: "/api/arenas/{arena}/trajectory")
                #expect(reply.status == 400 && reply.errorField == field, "\(query): \(reply.text)")
            }
            // No votes yet: no trajectory, and the warnings say why.
            let empty = try await server.send(.get, "/api/arenas/plain/trajectory", template: "/api/arenas/{arena}/trajectory")
            #expect(empty.status == 200 && empty.json["trajectory"] == nil, "\(empty.text)")
            #expect(!(empty.json["warnings"] as? [String] ?? []).isEmpty)
            let noCriteria = try await server.send(.get, "/api/arenas/plain/pareto", template: "/api/arenas/{arena}/pareto")
            #expect(noCriteria.status == 400 && noCriteria.errorField == "arena", "\(noCriteria.text)")
            let missing = try await server.send(.get, "/api/arenas/nowhere/trajectory", template: "/api/arenas/{arena}/trajectory")
            #expect(missing.status == 404)
            // A K-way arena has a trajectory too (KWayTrajectoryHTTPTests); its bad spans are 400s as well.
            try await server.createArena(["name": "fourway", "k": 4])
            let kway = try await server.send(.get, "/api/arenas/fourway/trajectory?every=banana", template: "/api/arenas/{arena}/trajectory")
            #expect(kway.status == 400 && kway.errorField == "every", "\(kway.text)")
        }
    }
}
