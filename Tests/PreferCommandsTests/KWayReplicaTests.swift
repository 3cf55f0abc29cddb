import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// K-way votes reach a second `prefer serve` sharing the database through
/// the change feed, as pairwise votes do: its leaderboard is refreshed in
/// the background, without a request having to come first, and agrees with
/// the first server's — on an SQLite file shared by two processes and on
/// PostgreSQL.
@Suite("K-way votes across replicas", .serialized, .timeLimit(.minutes(5)))
struct KWayReplicaTests {
    typealias Server = ReplicaTests.Server

    @Test(arguments: DurabilityTests.Kind.allCases)
    func kwayVotesReachTheOtherServersLeaderboard(kind: DurabilityTests.Kind) async throws {
        try await ReplicaTests.withTwoServers(kind, label: "prefer-kway-replicas") { a, b in
            let arena = "kway-replicas"
            let contenders = ["alpha", "beta", "gamma", "delta"]

            let created = try await ReplicaTests.request(
                "POST", a.url.appendingPathComponent("api/arenas"), body: #"{"name":"\#(arena)","k":3}"#, admin: true)
            #expect(created.status == 201, "\(created.text)")
            let imported = try await ReplicaTests.request(
                "POST", a.url.appendingPathComponent("api/arenas/\(arena)/import"),
                body: ReplicaTests.importLines(contenders, prompts: 4), contentType: "application/x-ndjson", admin: true)
            #expect(imported.status == 201, "\(imported.text)")

            // B computes the (empty) board once and keeps it fresh from then on; no request comes after the votes.
            let empty = try await ReplicaTests.board(b.url, arena: arena)
            #expect(empty.votes == 0)

            // Votes through A: each ranks the shown outputs by a fixed order of the contenders (alpha best).
            let votes = 12
            for n in 0..<votes {
                let battle = try await ReplicaTests.request("POST", a.url.appendingPathComponent("api/arenas/\(arena)/battles"))
                #expect(battle.status == 201, "\(battle.text)")
                let id = try #require(battle.json["battle"] as? String)
                let outputs = try #require(battle.json["outputs"] as? [[String: Any]])
                #expect(outputs.count == 3)
                let authors = outputs.map { output in
                    contenders.firstIndex { ((output["content"] as? String) ?? "").hasPrefix($0) } ?? contenders.count
                }
                let ranking = authors.indices.sorted { authors[$0] < authors[$1] }.map { $0 + 1 }
                let body = n.isMultiple(of: 2)
                    ? #"{"ranking":\#(ranking),"client_vote_id":"kr-\#(n)"}"#
                    : #"{"choice":"best","best":\#(ranking[0]),"client_vote_id":"kr-\#(n)"}"#
                let reply = try await ReplicaTests.request("POST", a.url.appendingPathComponent("api/battles/\(id)/vote"), body: body)
                #expect(reply.status == 201, "\(reply.text)")
            }

            // Within the replicas' stated delay, B's board holds every vote, computed in the background.
            try await Task.sleep(for: ReplicaTests.agreementDelay)
            let boardB = try await ReplicaTests.board(b.url, arena: arena)
            let boardA = try await ReplicaTests.board(a.url, arena: arena)
            #expect(!boardB.stale, "B's board was not refreshed from the change feed")
            #expect(boardB.votes == votes, "B's board holds \(boardB.votes) of \(votes) K-way votes")
            #expect(!boardA.stale && boardA.votes == votes)
            #expect(boardA.rows == boardB.rows)
            #expect(boardB.rows.count == contenders.count)
            // The fixed order shows: alpha first on B's board.
            #expect(boardB.rows.first?.hasPrefix("alpha ") == true, "\(boardB.rows)")
        }
    }
}
