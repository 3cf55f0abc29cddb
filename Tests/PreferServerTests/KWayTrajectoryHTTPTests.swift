import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import Testing

/// Ratings over time on a K-way arena: `GET …/trajectory` and the page's
/// chart give PreferCore's `RatingTrajectory` with Plackett–Luce on the same
/// votes (what `prefer rank --over time` prints for the vote export).
@Suite("K-way trajectories over HTTP")
struct KWayTrajectoryHTTPTests {
    @Test func kwayTrajectoryAgreesWithTheCore() async throws {
        try await TestServer.run { server in
            try await KWayTests.makeKWayArena(server, name: "three", k: 3)
            // No votes yet: no trajectory, and no refusal.
            let empty = try await server.send(.get, "/api/arenas/three/trajectory", template: "/api/arenas/{arena}/trajectory")
            #expect(empty.status == 200 && empty.json["trajectory"] == nil, "\(empty.text)")

            var table = VoteTable()
            for round in 0..<80 {
                let drawn = try await server.battle("three")
                let order = KWayTests.authors(drawn)
                let names = order.map { KWayTests.contenders[$0] }
                var ranking = (1...3).sorted { order[$0 - 1] < order[$1 - 1] }
                if round % 4 == 0 { ranking.reverse() }
                let id = drawn.json["battle"] as! String
                if round % 2 == 0 {
                    let reply = try await server.vote(id, ["choice": "best", "best": ranking[0]])
                    #expect(reply.status == 201, "\(reply.text)")
                    table.append(try KWayVote(candidates: names, best: names[ranking[0] - 1]))
                } else {
                    let reply = try await server.vote(id, ["ranking": ranking])
                    #expect(reply.status == 201, "\(reply.text)")
                    table.append(try KWayVote(candidates: names, ranking: ranking.map { names[$0 - 1] }))
                }
            }
            let options = LeaderboardOptions(intervals: .bootstrap(rounds: 30, seed: 3), onlineElo: OnlineElo(), matrices: true)
            let ranker = SliceRanker(builder: LeaderboardBuilder(options: options), provisionalVotes: 50)
            let query = "bootstrap=30&seed=3"
            // every=auto: a twentieth of 80 votes rounded up to a power of two, at least 16.
            let reference = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .votes(16)), ranker: ranker)
            #expect(reference.model == "plackett-luce" && reference.points.count == 5)
            let served = try await server.send(.get, "/api/arenas/three/trajectory?\(query)", template: "/api/arenas/{arena}/trajectory")
            #expect(served.status == 200, "\(served.text)")
            #expect(served.json["votes_total"] as? Int == 80)
            let trajectory = try #require(served.json["trajectory"] as? [String: Any])
            #expect(trajectory["every"] as? String == "16votes")
            #expect(trajectory["model"] as? String == "plackett-luce")
            #expect((trajectory["model_reason"] as? String)?.contains("K-way") == true)
            let points = trajectory["points"] as? [[String: Any]] ?? []
            #expect(points.map { $0["votes"] as? Int ?? -1 } == reference.points.map(\.votes))
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
                    #expect(value["votes"] as? Int == want.votes)
                    #expect(value["provisional"] as? Bool == want.provisional)
                }
            }
            // A window of 40 votes: the last point ranks the last 40 only.
            let windowed = try await server.send(.get, "/api/arenas/three/trajectory?\(query)&every=40votes&window=40votes", template: "/api/arenas/{arena}/trajectory")
            #expect(windowed.status == 200, "\(windowed.text)")
            let window = try RatingTrajectory.compute(table, schedule: TrajectorySchedule(every: .votes(40), window: .votes(40)), ranker: ranker)
            let windowPoints = (windowed.json["trajectory"] as? [String: Any])?["points"] as? [[String: Any]] ?? []
            #expect(windowPoints.map { $0["votes"] as? Int ?? -1 } == [40, 40])
            let windowSeries = (windowed.json["trajectory"] as? [String: Any])?["series"] as? [[String: Any]] ?? []
            for expected in window.series {
                let values = windowSeries.first { $0["name"] as? String == expected.name }?["values"] as? [[String: Any]] ?? []
                for (value, want) in zip(values, expected.values) {
                    #expect(abs((value["rating"] as? Double ?? .nan) - want.rating) < 1e-6, "\(expected.name) at \(want.point)")
                }
            }

            // The page offers it and draws it (once the default trajectory, cached empty above, holds the votes).
            let arena = try await server.services.directory.index("three").arena.id
            _ = try await server.services.leaderboards.computed(
                arena: arena, rounds: server.services.configuration.leaderboardRounds, seed: server.services.configuration.leaderboardSeed,
                variant: .trajectory(every: "auto", window: nil), votes: 80)
            let plain = try await server.send(.get, "/arenas/three/leaderboard")
            #expect(plain.text.contains("value=\"trajectory\""))
            let page = try await server.send(.get, "/arenas/three/leaderboard?view=trajectory")
            #expect(page.status == 200)
            #expect(page.text.contains("id=\"trajectory-plot-title\"") && page.text.contains("with Plackett–Luce"), "\(page.text)")
        }
    }
}
