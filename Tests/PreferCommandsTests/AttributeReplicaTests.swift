import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Annotator attributes reach a second `prefer serve` sharing the database
/// through the change feed: an annotator's answer given through one replica
/// refreshes the other's group boards within the replicas' stated delay,
/// with no vote after it — on an SQLite file shared by two processes and on
/// PostgreSQL.
@Suite("Annotator attributes across replicas", .serialized, .timeLimit(.minutes(5)))
struct AttributeReplicaTests {
    typealias Server = ReplicaTests.Server

    /// A session that keeps no cookies: the visitor's is set on each request
    /// (the shared session's cookie store would send one stored cookie for
    /// 127.0.0.1 in place of it, whatever the port).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration)
    }()

    /// A request as a visitor with the session cookie `session` (nil: none), or as the admin.
    static func request(
        _ method: String, _ url: URL, body: String? = nil, session: String? = nil, admin: Bool = false
    ) async throws -> ReplicaTests.Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 15
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let session { request.setValue("prefer_session=\(session)", forHTTPHeaderField: "Cookie") }
        if admin { request.setValue("Bearer \(ReplicaTests.adminKey)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await Self.session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ReplicaTests.Reply(status: status, json: json, text: String(decoding: data, as: UTF8.self))
    }

    /// `server`'s board of the group `country:value`: whether it is stale, its votes, and its contenders best first.
    static func groupBoard(_ server: URL, arena: String, value: String) async throws -> (stale: Bool, votes: Int, names: [String]) {
        var components = URLComponents(url: server.appendingPathComponent("api/arenas/\(arena)/leaderboard"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            .init(name: "group", value: "country:\(value)"), .init(name: "bootstrap", value: "0"), .init(name: "include_flagged", value: "true"),
        ]
        let reply = try await request("GET", components.url!)
        #expect(reply.status == 200, "\(reply.text)")
        let names = (reply.json["contenders"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        return (reply.json["stale"] as? Bool ?? true, reply.json["votes_total"] as? Int ?? -1, names)
    }

    @Test(arguments: DurabilityTests.Kind.allCases)
    func anAnswerThroughOneReplicaRefreshesTheOthersGroupBoard(kind: DurabilityTests.Kind) async throws {
        try await ReplicaTests.withTwoServers(kind, label: "prefer-attribute-replicas") { a, b in
            let arena = "attribute-replicas"
            let contenders = ["alpha", "beta", "gamma"]

            let created = try await Self.request(
                "POST", a.url.appendingPathComponent("api/arenas"),
                body: #"{"name":"\#(arena)","annotator_attributes":[{"name":"country","values":["US","FR"]}],"min_group_size":2}"#, admin: true)
            #expect(created.status == 201, "\(created.text)")
            let imported = try await ReplicaTests.request(
                "POST", a.url.appendingPathComponent("api/arenas/\(arena)/import"),
                body: ReplicaTests.importLines(contenders, prompts: 4), contentType: "application/x-ndjson", admin: true)
            #expect(imported.status == 201, "\(imported.text)")

            // Three annotators prefer alpha > beta > gamma, three the reverse; none has said where they live yet.
            let voters = (0..<3).map { ("us-voter-\($0)-0000000000", "US") } + (0..<3).map { ("fr-voter-\($0)-0000000000", "FR") }
            let votesEach = 8
            for (session, country) in voters {
                for n in 0..<votesEach {
                    let battle = try await Self.request("POST", a.url.appendingPathComponent("api/arenas/\(arena)/battles"), session: session)
                    #expect(battle.status == 201, "\(battle.text)")
                    let id = try #require(battle.json["battle"] as? String)
                    let authors = ["left", "right"].map { side in
                        let content = ((battle.json[side] as? [String: Any])?["content"] as? String) ?? ""
                        return contenders.firstIndex { content.hasPrefix($0) } ?? contenders.count
                    }
                    let choice = (country == "FR") == (authors[0] < authors[1]) ? "right" : "left"
                    let vote = try await Self.request(
                        "POST", a.url.appendingPathComponent("api/battles/\(id)/vote"),
                        body: #"{"choice":"\#(choice)","client_vote_id":"\#(session)-\#(n)"}"#, session: session)
                    #expect(vote.status == 201, "\(vote.text)")
                }
            }

            // B reads the votes and computes the FR board once: nobody is in FR yet.
            try await Task.sleep(for: ReplicaTests.agreementDelay)
            let before = try await Self.groupBoard(b.url, arena: arena, value: "FR")
            #expect(before.names.isEmpty, "\(before)")

            // The annotators answer through A; no vote follows.
            for (session, country) in voters {
                let set = try await Self.request(
                    "PUT", a.url.appendingPathComponent("api/arenas/\(arena)/attributes"),
                    body: #"{"attributes":{"country":"\#(country)"}}"#, session: session)
                #expect(set.status == 200, "\(set.text)")
            }

            // Within the replicas' stated delay, B's FR and US boards hold their annotators' votes, refreshed in the background.
            try await Task.sleep(for: ReplicaTests.agreementDelay)
            let fr = try await Self.groupBoard(b.url, arena: arena, value: "FR")
            #expect(!fr.stale, "B's FR board was not refreshed from the change feed")
            #expect(fr.names == ["gamma", "beta", "alpha"], "\(fr)")
            let us = try await Self.groupBoard(b.url, arena: arena, value: "US")
            #expect(us.names == ["alpha", "beta", "gamma"], "\(us)")
            // A agrees.
            let onA = try await Self.groupBoard(a.url, arena: arena, value: "FR")
            #expect(onA.names == fr.names && onA.votes == fr.votes)
        }
    }
}
